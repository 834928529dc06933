"""A list's own do-not-contact columns, read as opt-outs (spec §6).

A CRM's "Unsubscribed from all email", "Email Opt Out", "Do Not Call", "isUnsubscribed" or Pipedrive's
"Marketing status" says the person objected: an opt-out for the flag's channels (``FLAG_FIELDS``).
Values are read in the spellings exports use (``true``/``TRUE``/``1``/``yes``/``x``/``✓``…). A value
that is neither yes nor no cannot prove the person did *not* object, so it is never read as "no": the
row is rejected with its line, the column and the value (the same rule as an unreadable country),
and the user fixes the file rather than the product guessing.

In a screened frame each flag field holds the names of the columns that flagged the row (``;``
separated), so a decision's reason can name the column; null when none did.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from lawfulreach.batch.columns import FLAG_FIELDS

_YES = frozenset(
    {"true", "t", "yes", "y", "1", "x", "✓", "✔", "☑", "on", "checked", "opted out", "opted_out", "unsubscribed",
     "ja", "oui", "si", "sí", "do not call", "dnc"}
)  # fmt: skip
_NO = frozenset({"false", "f", "no", "n", "0", "off", "unchecked", "-", "nein", "non", "not opted out"})
#: Pipedrive Campaigns marketing statuses (Pipedrive Knowledge Base, "Campaigns: marketing contacts"):
#: only "Unsubscribed" records an objection; the others are consent states or housekeeping.
_STATUS_YES = frozenset({"unsubscribed"})
_STATUS_NO = frozenset(
    {"no consent", "no_consent", "subscribed", "bounced", "pending upgrade", "pending_upgrade",
     "pending double opt-in", "pending_double_opt_in", "archived", "not subscribed"}
)  # fmt: skip


def _vocab(field: str) -> tuple[frozenset[str], frozenset[str]]:
    return (_STATUS_YES, _STATUS_NO) if field == "marketing_status" else (_YES, _NO)


def read_flag(field: str, value: str | None) -> bool | None:
    """True (opted out), False (not), or None when the value cannot be read. Blank is "not given"."""
    if value is None or not value.strip():
        return False
    yes, no = _vocab(field)
    text = " ".join(value.strip().lower().split())
    if text in yes:
        return True
    if text in no:
        return False
    return None


def flag_error(column: str, field: str, value: str) -> str:
    yes, no = _vocab(field)
    return (
        f"{column}: {value!r} is not a value this do-not-contact column can hold "
        f"(opted out: {', '.join(sorted(yes)[:6])}…; not: {', '.join(sorted(no)[:6])}…); "
        "an unreadable opt-out is never read as consent to contact"
    )


def flag_frame(raw: pl.DataFrame, sources: Mapping[str, list[str]]) -> tuple[list[pl.Series], pl.Series | None]:
    """(one series per flag field: the columns that flagged each row; row-aligned errors or None).

    ``sources``: {flag field: the file's columns mapped to it}. Each column's distinct values are
    read once by ``read_flag`` — the same function ``contacts import`` uses."""
    out: list[pl.Series] = []
    errors: list[pl.Series] = []
    for field, columns in sources.items():
        hits: list[pl.Series] = []
        for col in columns:
            values = raw[col].cast(pl.String)
            distinct = values.drop_nulls().unique().to_list()
            read = {v: read_flag(field, v) for v in distinct}
            verdict = values.replace_strict(
                {v: ("yes" if r else "no" if r is False else "bad") for v, r in read.items()},
                default="no",
                return_dtype=pl.String,
            )
            hits.append((verdict == "yes").alias(col))
            if (verdict == "bad").any():
                bad = {v: flag_error(col, field, v) for v, r in read.items() if r is None}
                errors.append(values.replace_strict(bad, default=None, return_dtype=pl.String))
        named = pl.DataFrame(hits).select(
            pl.concat_str([pl.when(pl.col(c)).then(pl.lit(c)) for c in columns], separator="; ", ignore_nulls=True)
            .replace("", None)
            .alias(field)
        )
        out.append(named[field])
    if not errors:
        return out, None
    joined = pl.DataFrame(errors, schema=[f"e{i}" for i in range(len(errors))]).select(
        pl.concat_str(pl.all(), separator="; ", ignore_nulls=True).replace("", None)
    )
    return out, joined.to_series()


__all__ = ["FLAG_FIELDS", "flag_error", "flag_frame", "read_flag"]
