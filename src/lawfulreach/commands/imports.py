"""``import_contacts`` and ``import_suppressions``: a list file into the tenant's workspace;
``import_exclusion_entries``: exclusion entries given as values (the API's ``POST
/v1/exclusions/import``).

The file imports follow the one rule of ``commands.outputs``: rows that cannot be read are listed in a rejects
file (0600) and the rest is imported, unless ``strict`` refuses the whole file (``InvalidRowsError``,
nothing stored). Invalid arguments (an unknown source) are refused before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from lawfulreach.commands.outputs import default_rejects, rejected_rows, write_rejects_file
from lawfulreach.commands.session import Session
from lawfulreach.errors import InputError, InvalidRowsError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lawfulreach.store.contacts import ContactImportReport
    from lawfulreach.store.suppression import ImportReport
    from lawfulreach.store.workspace import Workspace

R = TypeVar("R")


@dataclass(frozen=True)
class ImportRun(Generic[R]):
    """What an import stored (``report``) and where its rejects went (None: every row was read)."""

    report: R
    rejects_path: Path | None
    #: rows the rejects file lists
    rejected: int


def import_contacts(
    session: Session,
    file: Path,
    *,
    source: str = "third_party",
    provider: str | None = None,
    strict: bool = False,
    sheet: str | None = None,
    rejects: Path | None = None,
) -> ImportRun[ContactImportReport]:
    """Store a prospect list's contacts with their provenance; opt-outs, exclusions and erasures keep
    winning. Rejects go to ``rejects`` (default ``lawfulreach-out/<stem>-contacts-rejects.csv``)."""
    report = session.workspace().contacts.import_file(
        file, source=source, provider=provider, strict=strict, sheet=sheet
    )
    written = write_rejects_file(report.rejects, rejects or default_rejects(file, "contacts-rejects"))
    return ImportRun(report, written, rejected_rows(report.rejects))


def import_suppressions(
    session: Session,
    file: Path,
    *,
    reason: str | None = None,
    source: str = "import",
    country: str | None = None,
    strict: bool = False,
    sheet: str | None = None,
    rejects: Path | None = None,
) -> ImportRun[ImportReport]:
    """Import an exclusion list (importing it again changes nothing). Rejects go to ``rejects``
    (default ``lawfulreach-out/<stem>-suppress-rejects.csv``)."""
    report = session.workspace().suppressions.import_file(
        file, reason=reason, source=source, country=country, strict=strict, sheet=sheet
    )
    written = write_rejects_file(report.rejects, rejects or default_rejects(file, "suppress-rejects"))
    return ImportRun(report, written, rejected_rows(report.rejects))


@dataclass(frozen=True)
class ExclusionItem:
    """One entry given as a value; what it omits comes from the import's defaults."""

    value: str
    kind: str | None = None
    reason: str | None = None
    source: str | None = None
    country: str | None = None


def import_exclusion_entries(
    workspace: Workspace,
    items: Sequence[str | ExclusionItem],
    *,
    reason: str | None = None,
    source: str = "import",
    country: str | None = None,
) -> ImportReport:
    """All or nothing: every entry is normalised by the store's one normaliser (its kind recognised
    from the value when not given, national phone numbers read in ``country``) before anything is
    stored; one bad entry and ``InvalidRowsError`` lists every bad one by its position (from 1).
    Entries already listed are left as they are."""
    from lawfulreach.store.subjects import country_code
    from lawfulreach.store.suppression import Entry, normalise_entry, recognise

    default_country = country_code(country)
    entries: list[Entry] = []
    problems: list[tuple[int, str]] = []
    for line, item in enumerate(items, start=1):
        if isinstance(item, str):
            item = ExclusionItem(item)
        try:
            where = country_code(item.country) if item.country else default_country
            kind = item.kind or recognise(item.value)
            entries.append(
                Entry(kind, normalise_entry(kind, item.value, where), item.reason or reason, item.source or source)
            )
        except InputError as exc:
            problems.append((line, str(exc)))
    if problems:
        raise InvalidRowsError("entries", problems)
    return workspace.suppressions.add_many(entries)
