"""Evidence: recording what was decided (``EvidenceRecorder``) and answering for it (``evidence_for``).

``EvidenceRecorder`` is a ``service.RecordingSink``: a front end that records adds one to the decision
service for the call (``Lawfulreach.with_sink``), and the service hands it every decision with whom it
was about — a screened frame whole (``record_frame``), checks with their requests
(``record_requests``). It packs them (``store.evidence``) and stores one run per call (per campaign,
for an API batch that names several); ``runs`` holds what was stored, to print or answer with.
``screen`` lets it pack on a worker thread (``background``) while the results file is written, and
``wait``s for it before saving the list or returning.

``evidence_for`` gathers, for one person, every recorded decision (by any key the workspace knows
them by, and the other channels decided for the same contact line) and every ledger event (consents
with their wording and method, withdrawals, opt-outs and where they came from) — what a regulator,
or the person, may ask to see. ``run_summary`` is one run's record.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa
from sqlalchemy import select

from lawfulreach.domain.extract import contact_keys
from lawfulreach.domain.model import Campaign, Decision, Request
from lawfulreach.store.erasure import subject_keys
from lawfulreach.store.evidence import (
    KEY_BYTES,
    NO_KEY,
    Block,
    EvidenceRepo,
    RecordedDecision,
    RunInput,
    RunSummary,
    Shapes,
    check_ref,
    decisions_about,
    key_of,
)
from lawfulreach.store.export import ledger_section
from lawfulreach.store.models import ErasedSubject
from lawfulreach.store.subjects import Subject

if TYPE_CHECKING:
    from lawfulreach.batch.screening import ScreenResult
    from lawfulreach.store import Workspace
    from lawfulreach.store.scope import TenantScope


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes (what a run records about its input)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class BackgroundHash:
    """``file_sha256`` on a thread of its own, started before the screen reads the file: hashlib
    releases the GIL on large blocks, so on a second core the hash of a 111 MB list (~0.25 s) costs the
    screen nothing. ``value()`` waits for it; an unreadable file raises there."""

    def __init__(self, path: Path) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lawfulreach-sha256")
        self._future = self._pool.submit(file_sha256, path)
        self._pool.shutdown(wait=False)

    def value(self) -> str:
        return self._future.result()


def _values(series: pl.Series, width: int) -> bytes:
    """The values of a null-free fixed-width column, concatenated in row order: Arrow's data buffer
    (no Python object per row: ~0.2 s a million rows saved over a join)."""
    arrow = series.to_arrow()
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks()
    if arrow.null_count:
        raise ValueError("packed columns hold no nulls")
    buffers = arrow.buffers()
    if pa.types.is_large_binary(arrow.type) or pa.types.is_binary(arrow.type):
        offsets = memoryview(buffers[1]).cast("q" if pa.types.is_large_binary(arrow.type) else "i")
        start, stop = offsets[arrow.offset], offsets[arrow.offset + len(arrow)]
        data = bytes(memoryview(buffers[2])[start:stop])
    else:
        data = bytes(memoryview(buffers[1])[arrow.offset * width : (arrow.offset + len(arrow)) * width])
    if len(data) != len(series) * width:  # pragma: no cover - a value of another width
        raise ValueError("packed column values are not all the same width")
    return data


def _u32(series: pl.Series) -> bytes:
    """uint32 little-endian per row (the platforms lawfulreach runs on are little-endian; ``array``
    reads them back natively)."""
    return _values(series.cast(pl.UInt32), 4)


def packed_subjects(scope: TenantScope, keys: pl.Series, indexes: pl.Series | None = None) -> bytes:
    """Per row, the stored form of the blind index of its normalised key (``NO_KEY`` for none).

    ``indexes``: the blind indexes the batch path already computed (hex), used when it computed one
    for every key — a tenant with any person-keyed state — so nothing is hashed twice; otherwise each
    distinct key is hashed once here (~0.5 µs a key)."""
    if indexes is not None and indexes.null_count() == keys.null_count():
        binary = indexes.str.slice(0, 2 * KEY_BYTES).str.decode("hex").fill_null(NO_KEY)
        return _values(binary, KEY_BYTES)
    uniques = keys.drop_nulls().unique(maintain_order=True)
    table = pl.Series([*scope.index_prefixes(uniques.cast(pl.Binary).to_list(), KEY_BYTES), NO_KEY], dtype=pl.Binary)
    codes = keys.replace_strict(
        uniques, pl.int_range(0, len(uniques), eager=True, dtype=pl.UInt32), default=len(uniques)
    )
    return _values(table.gather(codes), KEY_BYTES)


@dataclass
class EvidenceRecorder:
    """Stores each decision call it is handed as a run (``service.RecordingSink``)."""

    scope: TenantScope
    kind: str
    input_name: str | None = None
    #: the input's SHA-256, or a ``BackgroundHash`` still computing it
    input_sha256: str | BackgroundHash | None = None
    #: per request handed to ``record_requests``: its line (an API batch: the item's index); default 0, 1, …
    lines: Sequence[int] | None = None
    runs: list[RunSummary] = field(default_factory=list)
    #: the id of the (first) run stored, chosen beforehand (``send``); None: a new one
    ref: str | None = None

    #: the campaign a screened frame was decided for (``record_frame``; checks carry their own)
    campaign: Campaign | None = None
    #: pack and store a screened frame on a worker thread, so the caller can write its results
    #: meanwhile (Polars' writers release the GIL); ``wait`` joins it and raises what it raised
    background: bool = False
    _pending: list[Future[None]] = field(default_factory=list, repr=False)

    def wait(self) -> list[RunSummary]:
        """The runs stored, once every background recording has finished."""
        while self._pending:
            self._pending.pop(0).result()
        return self.runs

    def _repo(self) -> EvidenceRepo:
        return EvidenceRepo(self.scope)

    def _sha256(self) -> str | None:
        sha = self.input_sha256
        return sha.value() if isinstance(sha, BackgroundHash) else sha

    def record(self, decisions: Sequence[Decision]) -> None:  # pragma: no cover - the service calls the others
        raise TypeError("an evidence record needs to know whom each decision was about")

    def record_frame(self, result: ScreenResult) -> None:
        if not self.background:
            self._record_frame(result)
            return
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lawfulreach-evidence")
        self._pending.append(pool.submit(self._record_frame, result))
        pool.shutdown(wait=False)

    def _record_frame(self, result: ScreenResult) -> None:
        frame = result.frame
        lines = frame["line"] if "line" in frame.columns else pl.int_range(1, frame.height + 1, eager=True)
        packed_lines = _u32(lines)
        shapes = Shapes()
        blocks = []
        for channel in result.channels:
            res = result.results[channel]
            numbers = pl.Series([shapes.number(d) for d in res.decisions], dtype=pl.UInt32)
            keys = res.keys if res.keys is not None else pl.Series([None] * frame.height, dtype=pl.String)
            subjects = packed_subjects(self.scope, keys, res.key_indexes)
            per_row = numbers.gather(res.tuple_ids)
            tally = dict(per_row.value_counts().iter_rows())
            blocks.append(Block(channel.value, packed_lines, subjects, _u32(per_row), tally))
        campaign = self.campaign or Campaign()
        run = RunInput(
            self.kind,
            campaign,
            result.rulebase_version,
            [c.value for c in result.channels],
            self.input_name,
            self._sha256(),
        )
        self.runs.append(self._repo().write(run, shapes, blocks))

    def record_requests(self, requests: Sequence[Request], decisions: Sequence[Decision]) -> None:
        lines = list(self.lines) if self.lines is not None else list(range(len(requests)))
        groups: dict[Campaign, list[int]] = {}
        for i, request in enumerate(requests):
            groups.setdefault(request.campaign, []).append(i)
        for campaign, members in groups.items():
            shapes = Shapes()
            by_channel: dict[str, tuple[list[int], list[bytes], list[int]]] = {}
            for i in members:
                request, decision = requests[i], decisions[i]
                email, phone, _ = contact_keys(request)
                key = phone.e164 if request.channel.uses_phone else email.address
                ch_lines, subjects, numbers = by_channel.setdefault(request.channel.value, ([], [], []))
                ch_lines.append(lines[i])
                subjects.append(key_of(self.scope.index(key)) if key else NO_KEY)
                numbers.append(shapes.number(decision))
            blocks = [
                Block(ch, array("I", ls).tobytes(), b"".join(ss), array("I", ns).tobytes())
                for ch, (ls, ss, ns) in by_channel.items()
            ]
            version = decisions[members[0]].rulebase_version or ""
            ref, self.ref = self.ref, None
            run = RunInput(self.kind, campaign, version, list(by_channel), self.input_name, self._sha256(), ref)
            self.runs.append(self._repo().write(run, shapes, blocks))


# --- answering --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceReport:
    """Everything recorded about one person: decisions, the runs they came from, ledger events."""

    tenant: str
    generated_at: datetime
    subject: dict[str, list[str]]
    erased: bool
    decisions: list[RecordedDecision]
    ledger: list[dict[str, Any]]

    @property
    def runs(self) -> list[RunSummary]:
        seen: dict[str, RunSummary] = {}
        for d in self.decisions:
            seen.setdefault(d.run.ref, d.run)
        return list(seen.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "format": "lawfulreach-evidence/1",
            "tenant": self.tenant,
            "generated_at": self.generated_at.isoformat(),
            "subject": self.subject,
            "erased": self.erased,
            "decisions": [d.as_json() for d in self.decisions],
            "runs": [r.as_json() for r in self.runs],
            "ledger": self.ledger,
        }


def evidence_for(workspace: Workspace, who: Subject) -> EvidenceReport:
    """Every recorded decision and ledger event about the person (by every key the workspace knows
    them by: a stored contact found by the email also gives its phone)."""
    scope = workspace.scope
    with scope.reading(consistent=True) as session:
        keys = subject_keys(session, scope, [who])
        decisions = decisions_about(session, scope, keys)
        idx = sorted(keys.indexes)
        ledger = ledger_section(session, scope, idx)
        erased = session.scalar(select(ErasedSubject.id).where(ErasedSubject.key_hash.in_(idx)).limit(1)) is not None
    subject = {"emails": sorted(keys.emails), "phones": sorted(keys.phones)}
    return EvidenceReport(scope.tenant, scope.clock(), subject, erased, decisions, ledger)


def run_summary(workspace: Workspace, ref: str) -> RunSummary:
    return workspace.evidence.run(check_ref(ref))


__all__ = ["EvidenceRecorder", "EvidenceReport", "evidence_for", "file_sha256", "packed_subjects", "run_summary"]
