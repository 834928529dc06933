"""Match keys for many emails or phone numbers at once (exclusion-list imports, register loads).

The reference normalisers cost ~23 µs an email and ~17 µs a phone (``shared/spec/performance.md``):
17 s of parsing alone for a 1M-number register. The batch path's vectorised normalisers
(``batch.vector_email`` / ``batch.vector_phone``) give, row for row, the same answer as
``domain.normalise`` and call the libraries only for what they cannot settle, so bulk writes use them
too — one normaliser for every match.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from lawfulreach.batch.vector_email import normalise_emails
from lawfulreach.batch.vector_phone import normalise_phones


def bulk_e164(values: Sequence[str], country: str | None) -> list[str | None]:
    """E.164 for each value (None where it is not a valid number), national numbers read as ``country``."""
    if not values:
        return []
    frame = normalise_phones(pl.Series("raw", list(values), dtype=pl.String), pl.Series([country], dtype=pl.String))
    return list(frame["phone_e164"].to_list())


def bulk_email_keys(values: Sequence[str]) -> list[str | None]:
    """The normalised key of each email (None where it is not a valid address)."""
    if not values:
        return []
    return list(normalise_emails(pl.Series("raw", list(values), dtype=pl.String))["email_key"].to_list())
