"""Which of a row's phone numbers each channel decides on (every phone column is read).

Exports carry several numbers per person (HubSpot "Phone Number" + "Mobile Phone Number"; Salesforce
Phone, MobilePhone, HomePhone, OtherPhone; Apollo "Work Direct Phone", "Mobile Phone", "Corporate
Phone", "Home Phone", "Other Phone"…). Each becomes its own field (``PHONE_FIELDS``); a channel picks:

- ``call`` and ``automated_call`` (and the phone facts of ``email`` / ``post``: jurisdiction fallback,
  suppression, erasure): the first *valid* number in ``PHONE_FIELDS`` order — direct/work before the
  generic phone, before mobile, before the switchboard, other and home numbers;
- ``sms``: a mobile — the mobile column first, then any other number whose type is mobile (given or
  read from the number); a mobile column holding an unreadable number next (its problem is the
  reason); then, when the row has no mobile at all, the same number as a call, so a one-phone list
  decides as it always did;
- with no valid number, the first number given (so its problem — invalid, spreadsheet-mangled — is
  the reason), else missing.

The same choice is made for a single row (``choose_phone``, used by ``request_from_row``) and for a
frame (``choose_phone_columns``), so ``screen`` and ``check`` decide on the same number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

from lawfulreach.batch.columns import PHONE_FIELDS
from lawfulreach.domain.vocabulary import Channel

#: Columns of one normalised phone field (``batch.vector_phone.normalise_phones``).
PARTS = ("phone_status", "phone_e164", "phone_country", "phone_type")


def explicit_type(field: str, given: str | None) -> str | None:
    """A number's type as the list states it: a mobile column holds mobiles; the generic phone takes
    the row's ``phone_type`` column; other columns say nothing (the number itself tells)."""
    if field == "mobile_phone":
        return "mobile"
    if field == "phone" and given in ("mobile", "landline"):
        return given
    return None


def choose_phone(row: Mapping[str, object], channel: Channel, read: Callable[[str], tuple[str, str]]) -> str | None:
    """The field a channel decides on for one row. ``read(raw)`` → (status, inferred type)."""
    present = [f for f in PHONE_FIELDS if isinstance(row.get(f), str) and str(row.get(f)).strip()]
    facts = {f: read(str(row[f])) for f in present}
    valid = [f for f in present if facts[f][0] == "valid"]
    if channel is Channel.SMS:
        given = row.get("phone_type")
        for f in sorted(valid, key=lambda f: f != "mobile_phone"):
            typed = explicit_type(f, given if isinstance(given, str) else None) or facts[f][1]
            if f == "mobile_phone" or typed == "mobile":
                return f
        if "mobile_phone" in present:
            return "mobile_phone"
    if valid:
        return valid[0]
    return present[0] if present else None


def choose_phone_columns(df: pl.DataFrame, fields: Sequence[str], channel: Channel) -> pl.Expr:
    """Vector form of ``choose_phone``: an expression naming the chosen field per row (null: none).

    ``df`` holds, for each of ``fields``, ``_ph.<field>.<part>`` columns (``PARTS``), where the type is
    already the explicit-or-inferred type."""

    def status(f: str) -> pl.Expr:
        return pl.col(f"_ph.{f}.phone_status")

    chain: Any = None  # polars' When/Then/ChainedThen builder
    conditions: list[tuple[pl.Expr, str]] = []
    if channel is Channel.SMS and len(fields) > 1:
        conditions += [
            ((status(f) == "valid") & (pl.col(f"_ph.{f}.phone_type") == "mobile"), f)
            for f in (["mobile_phone"] if "mobile_phone" in fields else []) + [f for f in fields if f != "mobile_phone"]
        ]
        if "mobile_phone" in fields:  # a mobile given but unreadable is the SMS's problem, not a landline
            conditions.append((status("mobile_phone") != "missing", "mobile_phone"))
    conditions += [(status(f) == "valid", f) for f in fields]
    conditions += [(status(f) != "missing", f) for f in fields]
    for cond, f in conditions:
        chain = pl.when(cond).then(pl.lit(f)) if chain is None else chain.when(cond).then(pl.lit(f))
    expr: pl.Expr = chain.otherwise(pl.lit(None, pl.String))
    return expr


def pick(fields: Sequence[str], chosen: pl.Expr, part: str) -> pl.Expr:
    """The ``part`` of the chosen field's number (``_ph.<field>.<part>``)."""
    if len(fields) == 1:
        return pl.col(f"_ph.{fields[0]}.{part}")
    expr: Any = pl.when(chosen == fields[0]).then(pl.col(f"_ph.{fields[0]}.{part}"))
    for f in fields[1:]:
        expr = expr.when(chosen == f).then(pl.col(f"_ph.{f}.{part}"))
    out: pl.Expr = expr.otherwise(None)
    return out
