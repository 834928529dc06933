"""Evidence records: what was decided, for whom, under which rules and campaign (issue "prove it").

A *run* is one recorded act of deciding — a ``screen --record``, an API check with ``"record": true``:
who ran it and when, the campaign (id and version) and its LIA (the assessment's id and version, or
"asserted" / "missing" for a campaign file), the rule base's version, the input file's name and
SHA-256, the counts per channel and outcome. Below it, every contact × channel decided: the contact's
line, the channel, the person's key and the decision's *shape*.

Laid out for size, because a screen decides millions of rows and the rules produce a few hundred
distinct decisions:

* ``evidence_shapes``: each distinct decision of a run (outcome, jurisdiction, basis, reason codes,
  requirements, regimes) once, numbered within the run;
* ``evidence_chunks``: per run and channel, up to ``CHUNK`` decisions as three packed columns — the
  input line (uint32), the person's key (16 bytes) and the shape number (uint32), little-endian.
  24 bytes a decision, written as a handful of rows however long the list (measured figures:
  ``bench/evidence.py`` and the README).

The person's key is their *blind index* (``TenantScope.index``: HMAC-SHA-256 under the tenant's key
of the normalised email or E.164 phone the channel decided on) cut to its first 128 bits: no
plaintext and no unkeyed hash of it, and collisions are out of reach (2⁻⁶⁴ at four billion people). A
channel with no usable key (no email, an invalid number) records 16 zero bytes; the row's other
channels still tie the decision to the person through the line.

Finding a person's decisions is a scan of the packed keys (``bytes.find`` over each chunk, C speed:
tens of millions of decisions a second), then the decisions on the same lines of the same runs — the
call decided on the phone of the contact whose email was asked about. A scan instead of an index on
every decision is what keeps recording cheap (an index doubles the size and triples the write time:
measured) and answering a regulator or erasing a person is rare. Erasure (registered with
``store.subject_data``) rewrites each chunk without the person's lines, inside the erasure's
transaction; a run's counts stay as they were (they name nobody).
"""

from __future__ import annotations

import json
import secrets
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from lawfulreach.domain.model import Campaign, Decision
from lawfulreach.errors import InputError, NotFoundError
from lawfulreach.store import audit, subject_data
from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.models import Base, TenantScoped, one_of
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subject_data import SubjectKeys

#: decisions per packed chunk: ~1.5 MB a chunk, so a million-row screen writes a few dozen rows
CHUNK = 65_536
#: bytes of the blind index kept per decision (128 of its 256 bits)
KEY_BYTES = 16
#: what a decision with no usable person key records
NO_KEY = bytes(KEY_BYTES)
RUN_KINDS = ("screen", "check", "api", "send")
LIA_KINDS = ("assessed", "asserted", "missing")


class EvidenceRun(TenantScoped, Base):
    """One recorded run: who, when, which campaign and LIA, which rules, which input, how many."""

    __tablename__ = "evidence_runs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "ref"),
        CheckConstraint(one_of("kind", RUN_KINDS), name="kind"),
        CheckConstraint(one_of("lia", LIA_KINDS), name="lia"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the id users see (``run-`` and 12 hex digits)
    ref: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(8))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    campaign_id: Mapped[str | None] = mapped_column(String(64))
    campaign_version: Mapped[str | None] = mapped_column(String(64))
    campaign_name: Mapped[str | None] = mapped_column(String(200))
    #: assessed (a stored assessment), asserted (a campaign file's ``lia``) or missing
    lia: Mapped[str] = mapped_column(String(8))
    #: the LIA status the engine read: passed / failed / missing
    lia_status: Mapped[str] = mapped_column(String(8))
    lia_id: Mapped[str | None] = mapped_column(String(64))
    lia_version: Mapped[int | None] = mapped_column(Integer)
    rulebase_version: Mapped[str] = mapped_column(String(64))
    input_name: Mapped[str | None] = mapped_column(String(400))
    input_sha256: Mapped[str | None] = mapped_column(String(64))
    #: channels decided, in order, ``;``-separated
    channels: Mapped[str] = mapped_column(String(100))
    decisions: Mapped[int] = mapped_column(Integer)
    #: JSON ``{channel: {outcome: n}}``
    counts: Mapped[str] = mapped_column(Text)


class EvidenceShape(TenantScoped, Base):
    """A distinct decision of a run (numbered from 0 within it)."""

    __tablename__ = "evidence_shapes"
    __table_args__ = (UniqueConstraint("run_id", "shape_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("evidence_runs.id", ondelete="CASCADE"))
    shape_no: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(10))
    jurisdiction: Mapped[str | None] = mapped_column(String(10))
    basis: Mapped[str | None] = mapped_column(String(40))
    #: reason codes, requirements and regimes, ``;``-separated
    reasons: Mapped[str] = mapped_column(Text)
    requirements: Mapped[str] = mapped_column(Text)
    regimes: Mapped[str] = mapped_column(String(200))


class EvidenceChunk(TenantScoped, Base):
    """Up to ``CHUNK`` decisions of one run and channel, packed (see the module docstring)."""

    __tablename__ = "evidence_chunks"
    __table_args__ = (Index("ix_evidence_chunks_run", "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("evidence_runs.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)
    #: uint32 little-endian per decision: the contact's line in the input (an API batch: its index)
    lines: Mapped[bytes] = mapped_column(LargeBinary)
    #: ``KEY_BYTES`` per decision: the person's blind index, truncated (``NO_KEY``: none)
    subjects: Mapped[bytes] = mapped_column(LargeBinary)
    #: uint32 little-endian per decision: the shape number within the run
    shapes: Mapped[bytes] = mapped_column(LargeBinary)


def _u32(values: Iterable[int]) -> bytes:
    packed = array("I", values)
    if packed.itemsize != 4:  # pragma: no cover - every platform CPython supports has 4-byte "I"
        raise RuntimeError("array('I') is not 32 bits here")
    return packed.tobytes()


def _from_u32(blob: bytes) -> array[int]:
    return array("I", blob)


def key_of(index: str) -> bytes:
    """The stored form of a blind index (64 hex digits): its first ``KEY_BYTES`` bytes."""
    return bytes.fromhex(index[: KEY_BYTES * 2])


# --- what is written ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shape:
    outcome: str
    jurisdiction: str | None
    basis: str | None
    reasons: tuple[str, ...]
    requirements: tuple[str, ...]
    regimes: tuple[str, ...]

    @classmethod
    def of(cls, d: Decision) -> Shape:
        return cls(
            d.outcome.value,
            d.jurisdiction,
            d.basis.value if d.basis else None,
            d.reason_codes,
            tuple(r.value for r in d.requirements),
            d.regimes,
        )


@dataclass
class Shapes:
    """Numbers each distinct decision shape of a run once."""

    numbers: dict[Shape, int] = field(default_factory=dict)
    #: decisions already seen, by identity (the batch path shares one object per fact tuple)
    _seen: dict[int, int] = field(default_factory=dict)

    def number(self, decision: Decision) -> int:
        n = self._seen.get(id(decision))
        if n is None:
            shape = Shape.of(decision)
            n = self.numbers.setdefault(shape, len(self.numbers))
            self._seen[id(decision)] = n
        return n


@dataclass(frozen=True)
class Block:
    """Decisions of one channel, packed: ``lines`` and ``shapes`` uint32, ``subjects`` KEY_BYTES each."""

    channel: str
    lines: bytes
    subjects: bytes
    shapes: bytes
    #: decisions per shape number, when the caller counted them already (a screen: in Polars)
    tally: dict[int, int] | None = None

    @property
    def count(self) -> int:
        return len(self.lines) // 4

    def chunks(self) -> Iterator[Block]:
        n = self.count
        for start in range(0, n, CHUNK):
            stop = min(start + CHUNK, n)
            yield Block(
                self.channel,
                self.lines[start * 4 : stop * 4],
                self.subjects[start * KEY_BYTES : stop * KEY_BYTES],
                self.shapes[start * 4 : stop * 4],
            )


@dataclass(frozen=True)
class RunInput:
    """What a run records about itself besides its decisions."""

    kind: str
    campaign: Campaign
    rulebase_version: str
    channels: Sequence[str]
    input_name: str | None = None
    input_sha256: str | None = None
    #: the run's id when the caller chose it beforehand (``send`` names it in the send log as it goes)
    ref: str | None = None


def lia_of(campaign: Campaign) -> tuple[str, str, str | None, int | None]:
    """(assessed/asserted/missing, status the engine read, assessment id, assessment version)."""
    ref = campaign.lia_assessment
    if ref is not None:
        return "assessed", ref.status.value, ref.id, ref.version
    status = campaign.lia.value
    return ("missing" if status == "missing" else "asserted"), status, None, None


def new_ref() -> str:
    return f"run-{secrets.token_hex(6)}"


# --- what is read ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    ref: str
    kind: str
    recorded_at: datetime
    actor: str
    tenant: str
    campaign_id: str | None
    campaign_version: str | None
    campaign_name: str | None
    lia: str
    lia_status: str
    lia_id: str | None
    lia_version: int | None
    rulebase_version: str
    input_name: str | None
    input_sha256: str | None
    channels: list[str]
    decisions: int
    counts: dict[str, dict[str, int]]

    def as_json(self) -> dict[str, Any]:
        return {
            "run": self.ref,
            "kind": self.kind,
            "recorded_at": self.recorded_at.isoformat(),
            "actor": self.actor,
            "tenant": self.tenant,
            "campaign": {"id": self.campaign_id, "version": self.campaign_version, "name": self.campaign_name},
            "lia": {"kind": self.lia, "status": self.lia_status, "id": self.lia_id, "version": self.lia_version},
            "rulebase_version": self.rulebase_version,
            "input": {"name": self.input_name, "sha256": self.input_sha256},
            "channels": self.channels,
            "decisions": self.decisions,
            "counts": self.counts,
        }


@dataclass(frozen=True)
class RecordedDecision:
    """One recorded decision about the person: the run it was part of, and the decision."""

    run: RunSummary
    channel: str
    line: int
    #: how it was found: the person's own key on this channel, or the same line as one that was
    matched: str
    outcome: str
    jurisdiction: str | None
    basis: str | None
    reasons: list[str]
    requirements: list[str]
    regimes: list[str]

    def as_json(self) -> dict[str, Any]:
        run = self.run
        return {
            "run": run.ref,
            "recorded_at": run.recorded_at.isoformat(),
            "kind": run.kind,
            "actor": run.actor,
            "input": {"name": run.input_name, "sha256": run.input_sha256, "line": self.line},
            "campaign": {"id": run.campaign_id, "version": run.campaign_version, "name": run.campaign_name},
            "lia": {"kind": run.lia, "status": run.lia_status, "id": run.lia_id, "version": run.lia_version},
            "rulebase_version": run.rulebase_version,
            "channel": self.channel,
            "matched": self.matched,
            "outcome": self.outcome,
            "jurisdiction": self.jurisdiction,
            "basis": self.basis,
            "reasons": self.reasons,
            "requirements": self.requirements,
            "regimes": self.regimes,
        }


def _split(text: str) -> list[str]:
    return [p for p in text.split(";") if p]


def _summary(row: EvidenceRun, tenant: str) -> RunSummary:
    return RunSummary(
        row.ref,
        row.kind,
        row.recorded_at,
        row.actor,
        tenant,
        row.campaign_id,
        row.campaign_version,
        row.campaign_name,
        row.lia,
        row.lia_status,
        row.lia_id,
        row.lia_version,
        row.rulebase_version,
        row.input_name,
        row.input_sha256,
        _split(row.channels),
        row.decisions,
        json.loads(row.counts),
    )


def _positions(blob: bytes, key: bytes) -> Iterator[int]:
    """Entry numbers at which ``key`` occurs in a packed subjects column (aligned matches only)."""
    start = blob.find(key)
    while start >= 0:
        if start % KEY_BYTES == 0:
            yield start // KEY_BYTES
            start = blob.find(key, start + KEY_BYTES)
        else:
            start = blob.find(key, start + 1)


def _matches(session: Session, keys: set[bytes]) -> dict[int, dict[int, str]]:
    """run id → {line: how it matched} for every line of every run where one of ``keys`` was decided."""
    found: dict[int, dict[int, str]] = {}
    keys.discard(NO_KEY)
    if not keys:
        return found
    rows = session.execute(
        select(EvidenceChunk.run_id, EvidenceChunk.channel, EvidenceChunk.lines, EvidenceChunk.subjects)
        .order_by(EvidenceChunk.id)
        .execution_options(yield_per=16)
    )
    for run_id, channel, lines_blob, subjects in rows:
        hits = sorted({p for k in keys for p in _positions(subjects, k)})
        if hits:
            lines = _from_u32(lines_blob)
            per_run = found.setdefault(run_id, {})
            for p in hits:
                per_run.setdefault(lines[p], channel)
    return found


class EvidenceRepo:
    """Writes runs and reads them back, for one tenant."""

    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def write(self, run: RunInput, shapes: Shapes, blocks: Sequence[Block]) -> RunSummary:
        """Store one run with its shapes and packed decisions (one transaction, one audit entry)."""
        scope = self._scope
        lia, lia_status, lia_id, lia_version = lia_of(run.campaign)
        shape_of = {n: s for s, n in shapes.numbers.items()}
        counts: dict[str, dict[str, int]] = {}
        for block in blocks:
            per = counts.setdefault(block.channel, {})
            tally = block.tally
            if tally is None:
                tally = {}
                for n in _from_u32(block.shapes):
                    tally[n] = tally.get(n, 0) + 1
            for n, k in tally.items():
                outcome = shape_of[n].outcome
                per[outcome] = per.get(outcome, 0) + k
        campaign = run.campaign
        row = EvidenceRun(
            tenant_id=scope.tenant_id,
            ref=run.ref or new_ref(),
            kind=run.kind,
            recorded_at=scope.clock(),
            actor=scope.actor[:100],
            campaign_id=campaign.id,
            campaign_version=campaign.version,
            campaign_name=campaign.name[:200] if campaign.name else None,
            lia=lia,
            lia_status=lia_status,
            lia_id=lia_id,
            lia_version=lia_version,
            rulebase_version=run.rulebase_version,
            input_name=run.input_name[:400] if run.input_name else None,
            input_sha256=run.input_sha256,
            channels=";".join(run.channels),
            decisions=sum(b.count for b in blocks),
            counts=json.dumps(counts, sort_keys=True),
        )
        with scope.writing(exclusive=True) as session:
            session.add(row)
            session.flush()
            shape_rows = [
                {
                    "tenant_id": scope.tenant_id,
                    "run_id": row.id,
                    "shape_no": n,
                    "outcome": s.outcome,
                    "jurisdiction": s.jurisdiction,
                    "basis": s.basis,
                    "reasons": ";".join(s.reasons),
                    "requirements": ";".join(s.requirements),
                    "regimes": ";".join(s.regimes),
                }
                for s, n in shapes.numbers.items()
            ]
            if shape_rows:
                session.execute(insert(EvidenceShape), shape_rows)
            chunk_rows = [
                {
                    "tenant_id": scope.tenant_id,
                    "run_id": row.id,
                    "channel": c.channel,
                    "count": c.count,
                    "lines": c.lines,
                    "subjects": c.subjects,
                    "shapes": c.shapes,
                }
                for block in blocks
                for c in block.chunks()
            ]
            if chunk_rows:
                session.execute(insert(EvidenceChunk), chunk_rows)
            audit.record(
                session,
                scope,
                "evidence.record",
                details={
                    "run": row.ref,
                    "kind": row.kind,
                    "decisions": row.decisions,
                    "rulebase_version": row.rulebase_version,
                },
            )
            return _summary(row, scope.tenant)

    def run(self, ref: str) -> RunSummary:
        with self._scope.reading() as session:
            row = session.scalar(select(EvidenceRun).where(EvidenceRun.ref == ref.strip()))
            if row is None:
                raise NotFoundError(f"no recorded run {ref!r} in tenant {self._scope.tenant!r}")
            return _summary(row, self._scope.tenant)

    def runs(self, limit: int = 50) -> list[RunSummary]:
        with self._scope.reading() as session:
            rows = session.scalars(select(EvidenceRun).order_by(EvidenceRun.id.desc()).limit(limit))
            return [_summary(r, self._scope.tenant) for r in rows]

    def outcomes(self, ref: str, channel: str) -> dict[int, str]:
        """{input line: outcome} of one channel of a run (``send --run``: the rows a screen allowed)."""
        with self._scope.reading(consistent=True) as session:
            run = session.scalar(select(EvidenceRun).where(EvidenceRun.ref == ref.strip()))
            if run is None:
                raise NotFoundError(f"no recorded run {ref!r} in tenant {self._scope.tenant!r}")
            shapes = dict(
                session.execute(
                    select(EvidenceShape.shape_no, EvidenceShape.outcome).where(EvidenceShape.run_id == run.id)
                ).all()
            )
            out: dict[int, str] = {}
            chunks = session.execute(
                select(EvidenceChunk.lines, EvidenceChunk.shapes)
                .where(EvidenceChunk.run_id == run.id, EvidenceChunk.channel == channel)
                .order_by(EvidenceChunk.id)
            )
            for lines_blob, shapes_blob in chunks:
                for line, shape in zip(_from_u32(lines_blob), _from_u32(shapes_blob), strict=True):
                    out[line] = shapes[shape]
            return out

    def about(self, who: SubjectKeys) -> list[RecordedDecision]:
        with self._scope.reading(consistent=True) as session:
            return decisions_about(session, self._scope, who)


def decisions_about(session: Session, scope: TenantScope, who: SubjectKeys) -> list[RecordedDecision]:
    """Every recorded decision about the person (by any of their keys), oldest run first."""
    found = _matches(session, {key_of(i) for i in who.indexes})
    if not found:
        return []
    out: list[RecordedDecision] = []
    runs = {r.id: r for r in session.scalars(select(EvidenceRun).where(EvidenceRun.id.in_(found)))}
    for run_id in sorted(found):
        lines = found[run_id]
        summary = _summary(runs[run_id], scope.tenant)
        shapes = {s.shape_no: s for s in session.scalars(select(EvidenceShape).where(EvidenceShape.run_id == run_id))}
        chunks = session.execute(
            select(EvidenceChunk.channel, EvidenceChunk.lines, EvidenceChunk.shapes, EvidenceChunk.subjects)
            .where(EvidenceChunk.run_id == run_id)
            .order_by(EvidenceChunk.id)
        )
        mine = {key_of(i) for i in who.indexes}
        for channel, lines_blob, shapes_blob, subjects in chunks:
            packed_lines = _from_u32(lines_blob)
            packed_shapes = _from_u32(shapes_blob)
            for p, line in enumerate(packed_lines):
                if line not in lines:
                    continue
                s = shapes[packed_shapes[p]]
                own = subjects[p * KEY_BYTES : (p + 1) * KEY_BYTES] in mine
                out.append(
                    RecordedDecision(
                        summary,
                        channel,
                        line,
                        "key" if own else f"same contact (line {line})",
                        s.outcome,
                        s.jurisdiction,
                        s.basis,
                        _split(s.reasons),
                        _split(s.requirements),
                        _split(s.regimes),
                    )
                )
    return out


# --- erasure and the access export (``store.subject_data``) -----------------------------------------


def _erase(session: Session, scope: TenantScope, who: SubjectKeys) -> int:
    """Rewrite every chunk holding one of the person's lines without them; how many decisions went."""
    found = _matches(session, {key_of(i) for i in who.indexes})
    removed = 0
    for run_id, lines in found.items():
        for chunk_id, lines_blob, subjects, shapes_blob in session.execute(
            select(EvidenceChunk.id, EvidenceChunk.lines, EvidenceChunk.subjects, EvidenceChunk.shapes).where(
                EvidenceChunk.run_id == run_id
            )
        ):
            packed_lines = _from_u32(lines_blob)
            keep = [p for p, line in enumerate(packed_lines) if line not in lines]
            if len(keep) == len(packed_lines):
                continue
            removed += len(packed_lines) - len(keep)
            if not keep:
                session.execute(delete(EvidenceChunk).where(EvidenceChunk.id == chunk_id))
                continue
            packed_shapes = _from_u32(shapes_blob)
            session.execute(
                update(EvidenceChunk)
                .where(EvidenceChunk.id == chunk_id)
                .values(
                    count=len(keep),
                    lines=_u32(packed_lines[p] for p in keep),
                    subjects=b"".join(subjects[p * KEY_BYTES : (p + 1) * KEY_BYTES] for p in keep),
                    shapes=_u32(packed_shapes[p] for p in keep),
                )
                .execution_options(synchronize_session=False)
            )
    return removed


class _EvidenceHolder:
    name = "evidence"

    def export(self, session: Session, scope: TenantScope, subject: SubjectKeys) -> list[dict[str, Any]]:
        return [d.as_json() for d in decisions_about(session, scope, subject)]

    def erase(self, session: Session, scope: TenantScope, subject: SubjectKeys) -> int:
        return _erase(session, scope, subject)


subject_data.register(_EvidenceHolder())


def check_ref(raw: str) -> str:
    ref = raw.strip()
    if not ref.startswith("run-") or len(ref) > 24:
        raise InputError(f"{raw!r} is not a run id; run ids look like run-3f9a0c1d2e4b")
    return ref


__all__ = [
    "CHUNK",
    "Block",
    "EvidenceRepo",
    "RecordedDecision",
    "RunInput",
    "RunSummary",
    "Shapes",
    "check_ref",
    "decisions_about",
    "key_of",
    "lia_of",
]
