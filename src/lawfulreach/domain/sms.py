"""How long an SMS is: its encoding and the number of segments it is sent in (3GPP TS 23.038, 23.040)."""

from __future__ import annotations

import math

_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


def sms_segments(text: str) -> tuple[str, int, int]:
    """(encoding, length in its units, segments) of an SMS: GSM-7 (160 per message, 153 per part of a
    concatenated one; extension characters count twice) or, with any other character, UCS-2 (70 / 67,
    in UTF-16 code units) — 3GPP TS 23.038 and 23.040."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        length = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        return "GSM-7", length, 1 if length <= 160 else math.ceil(length / 153)
    length = len(text.encode("utf-16-le")) // 2
    return "UCS-2", length, 1 if length <= 70 else math.ceil(length / 67)


__all__ = ["sms_segments"]
