"""``screen``: read a prospect list, decide every contact × channel, write the results, the rejects
and the report, and (``save``) store the list as contacts — the orchestration the CLI, the API and
the console share.

Decisions run on the batch path (``batch.screening``) against the tenant's state, loaded once. The
results file has every input column unchanged, then the file line and an outcome / reasons /
requirements column group per channel (0600); the rejects file lists the rows that could not be read
(0600, only when there are any); the HTML report holds counts and reasons, no row of the list.

``save`` checks the rows it would store *before* anything is written, so a run never writes results
and then saves nothing; ``strict`` refuses the whole file over any unreadable row.

``record`` (and ``save``, which acts on the list) keeps the decisions as evidence (``store.evidence``):
a run naming the campaign version, its LIA, the rule-base version and the input file's SHA-256, and
every contact × channel decided, by blind index. The decision service hands them to an
``EvidenceRecorder`` sink added for this call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from lawfulreach.batch.columns import parse_mapping
from lawfulreach.batch.output import passthrough
from lawfulreach.batch.reader import ProspectFile, combine_rejects, read_prospects, strict_check
from lawfulreach.batch.screening import ScreenResult
from lawfulreach.commands.campaigns import load_campaign, resolve_campaign
from lawfulreach.commands.evidence import BackgroundHash, EvidenceRecorder
from lawfulreach.commands.outputs import (
    OUT_DIR,
    refuse_overwrite,
    rejected_rows,
    write_rejects_file,
    write_report,
    write_results,
)
from lawfulreach.commands.session import Session
from lawfulreach.domain.model import Campaign
from lawfulreach.domain.vocabulary import Channel, Source
from lawfulreach.report.campaign import campaign_provenance
from lawfulreach.report.html import Summary, render_report, summarise

if TYPE_CHECKING:
    from lawfulreach.store.contacts import ContactImportReport
    from lawfulreach.store.evidence import RunSummary

#: ``progress(rows, steps)`` gives a context in which ``on_stage(name)`` is called after each step
#: (extracting facts, then each channel): the CLI shows a bar, everyone else nothing.
Progress = Callable[[int, int], AbstractContextManager[Callable[[str], None]]]


@contextmanager
def no_progress(rows: int, steps: int) -> Iterator[Callable[[str], None]]:
    yield lambda stage: None


@dataclass(frozen=True)
class ScreenRun:
    """What a screen did: how the file was read, the decisions, where the outputs went, what was saved."""

    #: the list as read: good rows, its own rejects, the column mapping, the format detected
    file: ProspectFile
    #: the batch decisions (``frame`` has the decision columns, ``phone_status`` the phone problems)
    result: ScreenResult
    channels: list[Channel]
    #: jurisdiction + decision columns per row: what the report and the summary count
    summary: pl.DataFrame
    started: datetime
    results_path: Path
    report_path: Path
    #: the rejects file, when any row could not be read (or, with ``save``, stored)
    rejects_path: Path | None
    #: rows the rejects file lists (the list's own rejects and, with ``save``, rows not saved)
    rejects_listed: int
    #: added columns renamed because the input already had their names (``{added: written as}``)
    renamed: dict[str, str]
    #: with ``save``: what storing the list as contacts did
    saved: ContactImportReport | None = None
    #: the campaign decided for (a stored one carries its id, version number and fingerprint)
    campaign: Campaign = field(default_factory=Campaign)
    #: which campaign (stored id + version, or the file) and its LIA status: assessed / asserted / missing
    #: (``report.campaign.campaign_provenance``; the report, the JSON summary and the terminal show it)
    provenance: dict[str, Any] = field(default_factory=dict)
    #: with ``record`` or ``save``: the evidence run stored
    evidence: RunSummary | None = None

    @property
    def total(self) -> int:
        """Rows screened (the readable ones)."""
        return self.file.frame.height

    @property
    def rejected(self) -> int:
        """Rows of the list that could not be read (not screened)."""
        return rejected_rows(self.file.rejects)

    def counts(self) -> Summary:
        """Per channel the outcomes (``counts()["outcomes"][channel][outcome]``) and top reasons, as the report."""
        return summarise(self.summary, [c.value for c in self.channels])

    def summary_json(self) -> dict[str, Any]:
        """What the run did as JSON (``screen --json``): the campaign and its LIA status, the rule-base
        version, the counts per channel, the files. Aggregates only: no personal data."""
        counts = self.counts()
        return {
            "campaign": self.provenance,
            "rulebase_version": self.result.rulebase_version,
            "screened_at": self.started.isoformat(),
            "contacts": self.total,
            "rejected_rows": self.rejected,
            "outcomes": {
                ch: {o: counts["outcomes"][ch][o] for o in ("allowed", "review", "blocked")}
                for ch in counts["channels"]
            },
            "top_reasons": {ch: dict(rows) for ch, rows in counts["top_reasons"].items()},
            "results": str(self.results_path),
            "report": str(self.report_path),
            "rejects": str(self.rejects_path) if self.rejects_path is not None else None,
        }


def _campaign_for(session: Session, campaign: str | Path) -> tuple[Campaign, dict[str, Any], str | None]:
    """(campaign, its parameters as written, the file's name when it came from a file): a ``Path`` is
    a campaign file; a string is what ``--campaign`` takes, a file or a stored campaign's id."""
    if isinstance(campaign, Path):
        found, doc = load_campaign(campaign)
        return found, doc, campaign.name
    found, doc = resolve_campaign(campaign, session)
    return found, doc, (Path(campaign).name if found.id is None else None)


def screen(
    session: Session,
    prospects: Path,
    campaign_ref: str | Path,
    *,
    channels: Sequence[Channel] = (Channel.EMAIL, Channel.CALL),
    out: Path | None = None,
    report: Path | None = None,
    rejects: Path | None = None,
    preset: str = "auto",
    mapping: Sequence[str] = (),
    source: Source = Source.THIRD_PARTY,
    save: bool = False,
    provider: str | None = None,
    strict: bool = False,
    sheet: str | None = None,
    progress: Progress = no_progress,
    record: bool = False,
) -> ScreenRun:
    """Screen ``prospects`` for the campaign ``campaign_ref`` names: a campaign file, or (a string) a
    stored campaign's id — then the run and every decision name its version; an archived one is refused.

    ``mapping`` holds ``'Column=field'`` pairs (``--map``). Default outputs: ``lawfulreach-out/<stem>-screened.csv``
    and, beside the results, ``<stem>-report.html`` and ``<stem>-rejects.csv``. Raises ``CampaignError``,
    ``InputError`` (an output that is the input itself, an unreadable file), ``InvalidRowsError``
    (``strict``) before anything is written."""
    chans = list(channels)
    campaign, campaign_doc, campaign_file = _campaign_for(session, campaign_ref)
    provenance = campaign_provenance(campaign, campaign_file)
    stem = prospects.stem
    out = out or OUT_DIR / f"{stem}-screened.csv"
    report = report or out.with_name(f"{stem}-report.html")
    rejects = rejects or out.with_name(f"{stem}-rejects.csv")
    refuse_overwrite(prospects, ("--out", out), ("--report", report), ("--rejects", rejects))

    # Recording: the input's SHA-256 is computed beside the read and the screen, on the other core.
    digest = BackgroundHash(prospects) if record or save else None
    file = read_prospects(prospects, preset, parse_mapping(list(mapping)), sheet=sheet)
    all_rejects = file.rejects
    prepared = None
    if save:
        # Checked before anything is written: a run never writes results and then saves nothing.
        prepared = session.workspace().contacts.prepare(prospects, sheet=sheet)
        screened = set(all_rejects["line"].to_list())
        unsaved = prepared.rejects.filter(~pl.col("line").is_in(sorted(screened)))
        all_rejects = combine_rejects(all_rejects, unsaved.with_columns(pl.format("not saved: {}", pl.col("error"))))
    if strict:
        strict_check(prospects, all_rejects)
    service = session.service()
    recorder = None
    if digest is not None:
        scope = session.workspace().scope
        recorder = EvidenceRecorder(scope, "screen", prospects.name, digest, campaign=campaign, background=True)
        service = service.with_sink(recorder)
    snapshot = session.batch_snapshot()
    started = service.clock()
    with progress(file.frame.height, 1 + len(chans)) as on_stage:
        result = service.screen(
            file.frame,
            chans,
            campaign,
            snapshot,
            now=started,
            default_source=source,
            conformed=True,
            on_stage=on_stage,
        )
    try:
        frame, renamed = passthrough(file.raw, result.frame.select(["line", *result.decision_columns]))
        write_results(frame, out)
        rejects_path = write_rejects_file(all_rejects, rejects)

        summary = result.frame.select(
            pl.col(f"{chans[0].value}_jurisdiction").alias("jurisdiction"), *result.decision_columns
        )
        html = render_report(
            summary,
            channels=[c.value for c in chans],
            campaign={**campaign_doc, "name": campaign.name or campaign.id or Path(campaign_file or "campaign").stem},
            generated_at=started,
            source_name=prospects.name,
            rejects=all_rejects.height,
            rulebase_summary=[
                {"country": r.country, "channel": r.column.value, "level": r.level.label, "citation": r.citation}
                for r in service.rulebase.rules.values()
            ],
            rulebase_version=result.rulebase_version,
            provenance=provenance,
        )
        write_report(html, report)
    except BaseException:
        if recorder is not None:  # let the recording finish before the workspace is closed
            with suppress(Exception):
                recorder.wait()
        raise
    # The evidence run is stored (on its worker thread) before the list is saved: one writer at a time.
    runs = recorder.wait() if recorder is not None else []
    saved = None
    if prepared is not None:
        # Same rows as ``contacts import`` would store: opt-outs and exclusions keep winning,
        # erased people are not stored again.
        saved = session.workspace().contacts.store(prepared, source=source.value, provider=provider)
    return ScreenRun(
        file=file,
        result=result,
        channels=chans,
        summary=summary,
        started=started,
        results_path=out,
        report_path=report,
        rejects_path=rejects_path,
        rejects_listed=rejected_rows(all_rejects),
        renamed=renamed,
        saved=saved,
        campaign=campaign,
        provenance=provenance,
        evidence=runs[0] if runs else None,
    )
