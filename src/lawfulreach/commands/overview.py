"""The compliance overview: what a DPO checks first — requests due, opt-outs, registers, runs, the trail.

Built from the repositories the CLI reads for ``dsar list``, ``dnc status``, ``evidence runs`` and
``audit show`` — no query of its own but the ledger's per-day count. The audit chain is *not*
verified here (that reads every entry: seconds on a large trail); the overview shows its head and
the console offers the full check as an explicit action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lawfulreach.domain.rulebase import Overlays
from lawfulreach.store import Workspace, audit
from lawfulreach.store.dnc import RegisterStatus
from lawfulreach.store.evidence import RunSummary

#: how far ahead "due soon" looks
DUE_SOON = timedelta(days=7)
CHART_DAYS = 30


@dataclass(frozen=True)
class Overview:
    now: datetime
    #: (number, due) of the open privacy requests, of those overdue, of those due within ``DUE_SOON``
    open_requests: list[tuple[int, datetime]]
    overdue: list[tuple[int, datetime]]
    due_soon: list[tuple[int, datetime]]
    #: (day, count) for each of the last ``CHART_DAYS`` UTC days, oldest first, zeros included
    opt_outs: list[tuple[str, int]]
    registers: list[RegisterStatus]
    runs: list[RunSummary]
    #: the newest audit entry's number (None: nothing recorded yet)
    audit_head: int | None


def overview(workspace: Workspace, overlays: Overlays, runs: int = 5) -> Overview:
    now = workspace.scope.clock()
    requests = workspace.requests.open_deadlines()  # no request is decrypted for the figures
    today = now.astimezone(UTC).date()
    first = today - timedelta(days=CHART_DAYS - 1)
    counts = workspace.ledger.opt_outs_by_day(datetime(first.year, first.month, first.day, tzinfo=UTC))
    days = [(first + timedelta(days=i)).isoformat() for i in range(CHART_DAYS)]
    return Overview(
        now=now,
        open_requests=requests,
        overdue=[r for r in requests if now > r[1]],
        due_soon=[r for r in requests if now <= r[1] <= now + DUE_SOON],
        opt_outs=[(d, counts.get(d, 0)) for d in days],
        registers=workspace.dnc.status(overlays, now),
        runs=workspace.evidence.runs(limit=runs),
        audit_head=audit.head(workspace.scope),
    )


__all__ = ["CHART_DAYS", "DUE_SOON", "Overview", "overview"]
