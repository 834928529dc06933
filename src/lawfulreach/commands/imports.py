"""``import_contacts`` and ``import_suppressions``: a list file into the tenant's workspace.

Both follow the one rule of ``commands.outputs``: rows that cannot be read are listed in a rejects
file (0600) and the rest is imported, unless ``strict`` refuses the whole file (``InvalidRowsError``,
nothing stored). Invalid arguments (an unknown source) are refused before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from lawfulreach.commands.outputs import default_rejects, rejected_rows, write_rejects_file
from lawfulreach.commands.session import Session

if TYPE_CHECKING:
    from lawfulreach.store.contacts import ContactImportReport
    from lawfulreach.store.suppression import ImportReport

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
