"""``load_dnc``: a national do-not-call register file into the tenant's workspace."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lawfulreach.commands.session import Session
from lawfulreach.errors import InputError
from lawfulreach.store.register_files import parse_layout

if TYPE_CHECKING:
    from lawfulreach.store.dnc import LoadReport


def parse_as_of(raw: str | None) -> datetime | None:
    """``2026-11-01`` (midnight UTC) or an ISO date-time (UTC when no offset is given)."""
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise InputError(f"--as-of {raw!r} is not a date (YYYY-MM-DD) or ISO date-time") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def load_dnc(
    session: Session,
    file: Path,
    *,
    country: str,
    register: str,
    as_of: datetime | str | None = None,
    max_age_days: int | None = None,
    skip_invalid: bool = False,
    file_format: str = "auto",
    allow_empty: bool = False,
    custom: bool = False,
) -> LoadReport:
    """Load (or atomically replace) a register. Fail closed: an empty register is refused unless
    ``allow_empty``, as are a file whose every line is invalid, an ``as_of`` in the future (text is read
    by ``parse_as_of``) and, unless ``custom``, a register the rule base does not know for the country."""
    layout = parse_layout(file_format)
    known = session.rulebase().overlays.dnc_known_registers
    return session.workspace().dnc.load(
        country,
        register,
        file,
        as_of=parse_as_of(as_of) if isinstance(as_of, str) else as_of,
        max_age_days=max_age_days,
        skip_invalid=skip_invalid,
        layout=layout,
        allow_empty=allow_empty,
        custom=custom,
        known_registers=known,
    )
