"""An ``.eml`` (RFC 5322 / MIME) → subject, header fields and its text and HTML parts.

Read with the standard library's ``email`` package and ``policy.default``: header fields decoded
(RFC 2047 encoded words), multipart trees walked, quoted-printable and base64 bodies decoded and
charsets applied by ``get_content``. Attachments are not body parts and are not read.
"""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

from lawfulreach.domain.message import Message, Part
from lawfulreach.errors import MessageError
from lawfulreach.messages.html import parse_html
from lawfulreach.messages.text import parse_text

#: a message has at least one of these, or it is not an email message
_EXPECTED = ("from", "to", "subject", "content-type", "mime-version", "date", "message-id")


def _content(part: EmailMessage, source: str, label: str) -> str:
    try:
        content = part.get_content()
    except LookupError:
        raise MessageError(f"{source}: the {label} is in an unknown charset {part.get_content_charset()!r}") from None
    except (ValueError, UnicodeError) as exc:
        raise MessageError(f"{source}: the {label} cannot be decoded: {exc}") from None
    if isinstance(content, bytes):
        return content.decode("utf-8", "replace")
    return str(content)


def parse_eml(data: bytes, source: str) -> Message:
    parsed = email.message_from_bytes(data, policy=policy.default)
    if not isinstance(parsed, EmailMessage):  # pragma: no cover - policy.default always builds these
        raise MessageError(f"{source}: not an email message")
    names = {key.lower() for key in parsed}
    if not names & set(_EXPECTED):
        raise MessageError(f"{source}: not an email message (no From, To, Subject or Content-Type header field)")
    headers: list[tuple[str, str]] = []
    for key in dict.fromkeys(parsed):
        for value in parsed.get_all(key) or []:
            try:
                headers.append((key, " ".join(str(value).split())))
            except (ValueError, IndexError, TypeError):  # a header field policy.default cannot parse
                raise MessageError(f"{source}: the {key} header field cannot be read") from None
    parts: list[Part] = []
    counts: dict[str, int] = {}
    for part in parsed.walk():
        if not isinstance(part, EmailMessage) or part.is_multipart() or part.is_attachment():
            continue
        kind = part.get_content_type()
        if kind not in ("text/plain", "text/html"):
            continue
        name = "text/plain part" if kind == "text/plain" else "HTML part"
        counts[name] = counts.get(name, 0) + 1
        label = name if counts[name] == 1 else f"{name} {counts[name]}"
        text = _content(part, source, label)
        if not text.strip():
            continue
        if kind == "text/html":
            parts.append(parse_html(text, label)[0])
        else:
            parts.append(parse_text(text, label))
    if not parts:
        raise MessageError(f"{source}: the email has no text/plain or text/html body to check")
    subject = parsed.get("Subject")
    return Message("eml", " ".join(str(subject).split()) if subject is not None else None, tuple(parts), tuple(headers))


__all__ = ["parse_eml"]
