"""Do-not-call registers: streamed loads (COPY on PostgreSQL), atomic reloads, indexed look-ups.

A register file has one number a line, national (read with the register's country) or international.
Numbers are normalised in chunks by the vectorised normaliser (``store.bulk_keys``) and streamed into
the database (``store.bulk``), duplicates dropped. A reload replaces the register's numbers in the
same transaction, so a decision sees either the old register or the new one, never a half-loaded one;
a load with bad lines loads nothing unless told to skip them. Look-ups use the primary key
(``register_id``, ``e164``). Loads and maximum-age changes are audit-trail entries.

The numbers are stored as published, not sealed: a register is a copy of a public list (identical
for every licensee), not data the tenant holds about a person, and the batch screen joins millions
of them (``docs/security.md``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from lawfulreach.domain.rulebase import Overlays
from lawfulreach.domain.state import RegisterInfo
from lawfulreach.errors import InputError, InvalidRowsError, NotFoundError
from lawfulreach.store import audit
from lawfulreach.store.bulk import BulkInsert
from lawfulreach.store.models import DncNumber, DncRegister
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subjects import country_code, phone_key

if TYPE_CHECKING:
    from lawfulreach.store.register_files import Layout

CHUNK = 100_000
_KEPT_PROBLEMS = 100
AS_OF_SKEW = timedelta(minutes=5)
"""How far ``as_of`` may lie ahead of the clock: clock skew, not a later issue date (which would keep a
register fresh longer than its maximum age)."""


@dataclass(frozen=True)
class LoadReport:
    country: str
    name: str
    lines: int
    size: int
    skipped: int
    replaced: bool
    problems: tuple[tuple[int, str], ...] = ()
    layout: str = "plain"
    header_line: int | None = None


@dataclass(frozen=True)
class RegisterStatus:
    country: str
    name: str
    loaded: bool
    size: int = 0
    as_of: datetime | None = None
    loaded_at: datetime | None = None
    age_days: float | None = None
    max_age_days: int | None = None

    @property
    def stale(self) -> bool:
        return self.age_days is not None and self.max_age_days is not None and self.age_days > self.max_age_days


def check_register_name(name: str) -> str:
    text = name.strip()
    if not text or len(text) > 100:
        raise InputError(f"register name {name!r} must be 1 to 100 characters")
    return text


def check_known_register(country: str, name: str, known: Mapping[str, Sequence[str]]) -> None:
    """A register name the rule base does not know for the country is refused (``--custom`` skips this):
    a mistyped name would load a register that no decision consults."""
    names = list(known.get(country, ()))
    if name.upper() in {n.upper() for n in names}:
        return
    if not names:
        raise InputError(f"no do-not-call register is known for {country}; use --custom to load one of your own")
    close = difflib.get_close_matches(name.upper(), [n.upper() for n in names], n=1, cutoff=0.5)
    hint = f"; did you mean {next(n for n in names if n.upper() == close[0])}?" if close else "."
    raise InputError(
        f"{country} has no register named {name!r}{hint} Known registers for {country}: {', '.join(names)}"
        " (use --custom to load a register of your own)"
    )


def _default_known() -> Mapping[str, tuple[str, ...]]:
    from lawfulreach.rules import default_rulebase  # the store is below the rules package

    return default_rulebase().overlays.dnc_known_registers


class DncRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def load(
        self,
        country: str,
        name: str,
        path: Path,
        *,
        as_of: datetime | None = None,
        max_age_days: int | None = None,
        skip_invalid: bool = False,
        layout: Layout | None = None,
        allow_empty: bool = False,
        custom: bool = False,
        known_registers: Mapping[str, Sequence[str]] | None = None,
    ) -> LoadReport:
        """Load or replace a register. Fail closed: a register that would end up empty is refused unless
        ``allow_empty`` (an empty register counts as loaded, so listed numbers would be called), as is
        a file whose every line is invalid, an ``as_of`` in the future, and a name the rule base does
        not know for the country unless ``custom``."""
        cc = country_code(country)
        if cc is None:
            raise InputError("a register needs its country (--country)")
        display = check_register_name(name)
        if not custom:
            check_known_register(cc, display, known_registers if known_registers is not None else _default_known())
        if as_of is not None and as_of.tzinfo is None:
            raise InputError(f"as-of {as_of.isoformat()} has no time zone; give one (UTC is usual)")
        if max_age_days is not None and max_age_days < 1:
            raise InputError(f"maximum age {max_age_days} must be at least 1 day")
        now = self._scope.clock()
        if as_of is not None and as_of > now + AS_OF_SKEW:
            raise InputError(
                f"as-of {as_of.isoformat()} is in the future (now {now.isoformat(timespec='seconds')}): "
                "a register file cannot be issued after it is loaded, and a later date would keep it "
                "fresh past its maximum age"
            )
        from lawfulreach.store.bulk_keys import bulk_e164  # Polars: loading only, not deciding
        from lawfulreach.store.register_files import Layout, open_register

        source = open_register(path, layout or Layout.AUTO)
        with self._scope.writing(exclusive=True) as session:
            register = session.scalar(
                select(DncRegister).where(DncRegister.country == cc, DncRegister.name_key == display.upper())
            )
            replaced = register is not None
            if register is None:
                register = DncRegister(
                    tenant_id=self._scope.tenant_id,
                    country=cc,
                    name=display,
                    name_key=display.upper(),
                    as_of=now,
                    loaded_at=now,
                    size=0,
                )
                session.add(register)
                session.flush()
            else:
                session.execute(delete(DncNumber).where(DncNumber.register_id == register.id))
            loader = BulkInsert(
                session,
                DncNumber.__table__,  # type: ignore[arg-type]
                ["e164"],
                {"register_id": register.id, "tenant_id": self._scope.tenant_id},
                order_by=["e164"],
                table_has_no_conflicts=True,  # the register's numbers were deleted above
            )
            lines = skipped = 0
            problems: list[tuple[int, str]] = []
            for chunk in source.chunks(CHUNK):
                lines += len(chunk.numbers) + len(chunk.problems)
                skipped += len(chunk.problems)
                problems.extend(chunk.problems[: max(0, _KEPT_PROBLEMS - len(problems))])
                keys = bulk_e164(chunk.numbers, cc)
                good = [k for k in keys if k is not None]
                for line, text, key in zip(chunk.lines, chunk.numbers, keys, strict=True):
                    if key is None:
                        skipped += 1
                        if len(problems) < _KEPT_PROBLEMS:
                            problems.append((line, _problem(text, cc)))
                loader.add((k,) for k in sorted(good))  # index-ordered inserts keep the B-tree local
            problems.sort()
            if skipped and not skip_invalid:
                raise InvalidRowsError(str(path), problems, "register not loaded", total=skipped)
            if skipped and skipped == lines:
                raise InvalidRowsError(
                    str(path), problems, f"every line is invalid, register {display} not loaded", total=skipped
                )
            previous = register.size
            register.size = loader.finish()
            if register.size == 0 and not allow_empty:
                what = f"replace {cc} {display} ({previous:,} numbers)" if replaced else f"load {cc} {display}"
                raise InputError(
                    f"{path}: no numbers to load; refusing to {what} with an empty register, which would let "
                    "calls to its numbers through (use --allow-empty if the register really is empty)"
                )
            register.name = display
            register.as_of = as_of or now
            register.loaded_at = now
            if max_age_days is not None:
                register.max_age_days = max_age_days
            size = register.size
            audit.record(
                session,
                self._scope,
                "dnc.load",
                details={
                    "country": cc,
                    "register": display,
                    "size": size,
                    "skipped": skipped,
                    "replaced": replaced,
                    "layout": source.layout.value,
                },
            )
        return LoadReport(
            cc, display, lines, size, skipped, replaced, tuple(problems), source.layout.value, source.header_line
        )

    def set_max_age(self, country: str, name: str, days: int | None) -> None:
        cc = country_code(country)
        with self._scope.writing(exclusive=True) as session:
            register = session.scalar(
                select(DncRegister).where(DncRegister.country == cc, DncRegister.name_key == name.strip().upper())
            )
            if register is None:
                raise NotFoundError(f"no register {name!r} is loaded for {cc}")
            register.max_age_days = days
            details = {"country": cc, "register": register.name, "max_age_days": days}
            audit.record(session, self._scope, "dnc.max_age", details=details)

    def registers(self, country: str | None = None) -> list[RegisterInfo]:
        stmt = select(DncRegister).order_by(DncRegister.country, DncRegister.name_key)
        if country is not None:
            stmt = stmt.where(DncRegister.country == country)
        with self._scope.reading() as session:
            return [RegisterInfo(r.country, r.name, r.as_of, r.size) for r in session.scalars(stmt)]

    def listed(self, country: str, e164: str) -> list[str]:
        """Names of this country's registers listing the number: an index hit per register."""
        with self._scope.reading() as session:
            names = session.scalars(
                select(DncRegister.name)
                .join(DncNumber, DncNumber.register_id == DncRegister.id)
                .where(DncRegister.country == country, DncNumber.e164 == e164)
            )
            return sorted(names)

    def max_ages(self) -> dict[str, int]:
        """Per-register maximum ages set in the workspace (upper-case name → days)."""
        with self._scope.reading() as session:
            rows = session.execute(
                select(DncRegister.name_key, DncRegister.max_age_days).where(DncRegister.max_age_days.is_not(None))
            )
            return {name: int(days) for name, days in rows if days is not None}

    def status(self, overlays: Overlays, now: datetime | None = None) -> list[RegisterStatus]:
        """Every loaded register with its age and staleness, plus required registers not loaded."""
        when = now or self._scope.clock()
        with self._scope.reading() as session:
            rows = list(session.scalars(select(DncRegister).order_by(DncRegister.country, DncRegister.name_key)))
        out = []
        for r in rows:
            max_age = r.max_age_days or overlays.max_age_days(r.name)
            age = (when - r.as_of) / timedelta(days=1)
            out.append(RegisterStatus(r.country, r.name, True, r.size, r.as_of, r.loaded_at, age, max_age))
        loaded = {(r.country, r.name_key) for r in rows}
        for cc, names in sorted(overlays.dnc_required_registers.items()):
            out.extend(
                RegisterStatus(cc, n, False, max_age_days=overlays.max_age_days(n))
                for n in names
                if (cc, n.upper()) not in loaded
            )
        return out


def _problem(text: str, country: str) -> str:
    try:
        phone_key(text, country)
    except InputError as exc:
        return str(exc)
    return f"not a valid phone number: {text!r}"  # pragma: no cover - bulk and single paths agree
