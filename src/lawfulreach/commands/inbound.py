"""Inbound processing: a received message → its class → its effect, recorded at once.

The one path ``lawfulreach inbox import`` (a mailbox) and ``POST /v1/inbound`` (one raw message, as
inbound-mail webhooks post it) share. For each message:

1. read it (``outreach.inbox.read_inbound``) and classify it (``domain.replies.classify``);
2. find whom it concerns: the recipient of the message it answers, through ``In-Reply-To`` /
   ``References`` (or, for a bounce or a complaint, the returned message's ``Message-ID``) against the
   send log; else the sender (replies), the report's recipients (bounces: ``Original-Recipient`` /
   ``Final-Recipient``; complaints: ``Original-Rcpt-To`` or the returned message's ``To``);
3. record it and its effect in one transaction (``store.outreach.inbound_log.InboundLog.apply``):
   an opt-out or a complaint → an opt-out on **every** channel (an objection to direct marketing covers
   them all) for the recipient found through the send log *and* the sender, the reply's Message-ID as
   its source; a privacy request → opened with its deadlines, awaiting identity verification (an
   erasure request also opts out); a hard bounce → the address excluded ("hard bounce"); a soft bounce
   → counted, the address excluded at ``soft_bounce_limit``; an automatic reply → counted; anything
   else → logged for a person.

The sources ask that replies be logged and objectors excluded "within 24 hours"; this does it when the
message is read. A message seen before (same Message-ID, or same content without one) changes nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from lawfulreach.commands.session import Session
from lawfulreach.domain.replies import Classification, InboundMessage, ReplyKind, classify
from lawfulreach.errors import InputError, LawfulreachError, MessageError
from lawfulreach.outreach.inbox import read_inbound
from lawfulreach.outreach.mailboxes import RawMessage, read_mailbox
from lawfulreach.rules.replies import reply_phrases
from lawfulreach.store.outreach.inbound_log import InboundPlan, Recorded
from lawfulreach.store.subjects import email_key
from lawfulreach.store.workspace import Workspace

__all__ = [
    "DEFAULT_SOFT_BOUNCE_LIMIT",
    "InboundResult",
    "InboundSummary",
    "import_mailbox",
    "process_message",
]

#: soft bounces of one address before it is excluded (issue "outreach loop": configurable, default 3)
DEFAULT_SOFT_BOUNCE_LIMIT = 3


@dataclass(frozen=True)
class InboundResult:
    """One message: its class, whom it concerns and what was (or, on a dry run, would be) done."""

    label: str
    classification: Classification
    #: the normalised addresses the effect concerns
    recipients: tuple[str, ...]
    #: how the recipient was found: ``send log``, ``sender``, ``report`` (a bounce's or complaint's), or ``none``
    matched_by: str
    recorded: Recorded | None
    dry_run: bool = False

    @property
    def duplicate(self) -> bool:
        return self.recorded is not None and self.recorded.duplicate

    def as_json(self) -> dict[str, Any]:
        c = self.classification
        rec = self.recorded
        return {
            "classification": {
                "kind": c.kind.value,
                "request_types": list(c.request_types),
                "opt_out": c.opt_out,
                "evidence": c.evidence,
                "status": c.status,
            },
            "recipients": list(self.recipients),
            "matched_by": self.matched_by,
            "dry_run": self.dry_run,
            "duplicate": self.duplicate,
            "effect": {
                "summary": rec.effect if rec is not None else "not recorded (dry run)",
                "opted_out": list(rec.opted_out) if rec else [],
                "requests_opened": list(rec.requests) if rec else [],
                "suppressed": list(rec.suppressed) if rec else [],
                "soft_bounces": dict(rec.soft_counts) if rec else {},
                "erased_skipped": len(rec.erased) if rec else 0,
            },
        }


@dataclass
class InboundSummary:
    """A mailbox import: counts per class and per effect, and the messages that could not be read."""

    dry_run: bool = False
    classes: Counter[str] = field(default_factory=Counter)
    opt_outs: int = 0
    requests_opened: list[int] = field(default_factory=list)
    suppressed: int = 0
    soft_bounces: int = 0
    for_review: int = 0
    duplicates: int = 0
    #: opt-outs and complaints whose person could not be found (no address in the message or the send
    #: log): recorded in the inbound log, to be checked by hand (``inbox list --kind opt_out``)
    unmatched_opt_outs: int = 0
    #: (label, why) of each message that could not be read or recorded
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def messages(self) -> int:
        return sum(self.classes.values()) + self.duplicates + len(self.failed)

    def add(self, result: InboundResult) -> None:
        if result.duplicate:
            self.duplicates += 1
            return
        kind = result.classification.kind
        self.classes[kind.value] += 1
        rec = result.recorded
        if rec is None:  # a dry run: what would be done
            if result.classification.opt_out:
                self.opt_outs += len(result.recipients)
            if kind is ReplyKind.HARD_BOUNCE:
                self.suppressed += len(result.recipients)
        else:
            self.opt_outs += len(rec.opted_out)
            self.requests_opened.extend(rec.requests)
            self.suppressed += len(rec.suppressed)
        if result.classification.opt_out and not result.recipients:
            self.unmatched_opt_outs += 1
        if kind is ReplyKind.SOFT_BOUNCE:
            self.soft_bounces += max(1, len(result.recipients))
        if kind is ReplyKind.OTHER:
            self.for_review += 1

    def as_json(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "dry_run": self.dry_run,
            "classes": {k.value: self.classes.get(k.value, 0) for k in ReplyKind},
            "opt_outs_recorded": self.opt_outs,
            "privacy_requests_opened": self.requests_opened,
            "addresses_suppressed": self.suppressed,
            "soft_bounces_counted": self.soft_bounces,
            "for_review": self.for_review,
            "duplicates": self.duplicates,
            "unmatched_opt_outs": self.unmatched_opt_outs,
            "failed": [{"message": label, "error": why} for label, why in self.failed],
        }


def _keys(addresses: Iterable[str | None]) -> tuple[str, ...]:
    """Normalised addresses (the one normaliser of every match), unreadable ones dropped."""
    out: list[str] = []
    for raw in addresses:
        if not raw:
            continue
        try:
            key = email_key(raw)
        except InputError:
            continue
        if key not in out:
            out.append(key)
    return tuple(out)


def _received(message: InboundMessage, now: datetime) -> datetime:
    """The message's ``Date`` in UTC, or now when it has none, an unreadable one or one in the future."""
    raw = message.header("date")
    if not raw:
        return now
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return now
    if when is None or when.tzinfo is None:
        return now
    when = when.astimezone(UTC)
    return now if when > now else when


def _plan(
    ws: Workspace, message: InboundMessage, found: Classification, key: str, now: datetime
) -> tuple[InboundPlan, tuple[str, ...], str]:
    sent = ws.send_log.recipient_for_message_ids(message.thread_ids) if message.thread_ids else None
    matched = _keys([sent.email]) if sent is not None else ()
    sender = _keys([message.sender])
    report = _keys(found.recipients) if found.kind in _REPORTS else ()
    base: dict[str, Any] = {
        "message_key": key,
        "kind": found.kind.value,
        "evidence": found.evidence,
        "status": found.status,
        "message_id": message.message_id,
        "received_at": _received(message, now),
    }
    how = "send log" if matched else "none"
    if found.kind in (ReplyKind.HARD_BOUNCE, ReplyKind.SOFT_BOUNCE):
        bounced = report or matched
        how = "report" if report else how
        return InboundPlan(**base, bounced=bounced), bounced, how
    if found.kind is ReplyKind.COMPLAINT:
        targets = _keys([*report, *matched])
        how = "report" if report else how
        return InboundPlan(**base, opt_out=targets, method="complaint"), targets, how
    people = _keys([*matched, *sender])
    how = how if matched else ("sender" if sender else "none")
    if found.kind is ReplyKind.PRIVACY_REQUEST:
        requester = sender[0] if sender else (matched[0] if matched else None)
        opt_out = people if found.opt_out else ()
        plan = InboundPlan(**base, request_types=found.request_types, requester=requester, opt_out=opt_out)
        return plan, people, how
    if found.kind is ReplyKind.OPT_OUT:
        return InboundPlan(**base, opt_out=people), people, how
    if found.kind is ReplyKind.OTHER:
        reviewer = sender[0] if sender else None
        return InboundPlan(**base, reviewer_address=reviewer, subject=message.subject), people, how
    return InboundPlan(**base), (), how  # an automatic reply: counted, nothing about anyone kept


_REPORTS = (ReplyKind.HARD_BOUNCE, ReplyKind.SOFT_BOUNCE, ReplyKind.COMPLAINT)


def _check_limit(limit: int) -> int:
    if not 1 <= limit <= 100:
        raise InputError(f"--soft-bounce-limit {limit}: give a number of soft bounces between 1 and 100")
    return limit


def process_message(
    ws: Workspace,
    raw: bytes,
    label: str = "message",
    *,
    soft_bounce_limit: int = DEFAULT_SOFT_BOUNCE_LIMIT,
    dry_run: bool = False,
) -> InboundResult:
    """Classify one raw RFC 5322 message and record it with its effect (see the module docstring).
    ``MessageError`` when the bytes are no message; nothing is recorded then."""
    limit = _check_limit(soft_bounce_limit)
    message = read_inbound(raw, label)
    found = classify(message, reply_phrases())
    key = ws.inbound.key_for(message.message_id, hashlib.sha256(raw).hexdigest())
    plan, recipients, how = _plan(ws, message, found, key, ws.scope.clock())
    if dry_run:
        recorded = Recorded(duplicate=True, effect="already processed") if ws.inbound.seen(key) else None
        return InboundResult(label, found, recipients, how, recorded, dry_run=True)
    recorded = ws.inbound.apply(plan, soft_bounce_limit=limit)
    return InboundResult(label, found, recipients, how, recorded)


def process_all(
    ws: Workspace,
    messages: Iterable[RawMessage],
    *,
    soft_bounce_limit: int = DEFAULT_SOFT_BOUNCE_LIMIT,
    dry_run: bool = False,
) -> Iterator[InboundResult | tuple[str, str]]:
    """Each message's result, or (label, why) for one that could not be read or recorded: one bad
    message never stops the others (an opt-out further down the mailbox must still be recorded)."""
    for item in messages:
        try:
            yield process_message(ws, item.data, item.label, soft_bounce_limit=soft_bounce_limit, dry_run=dry_run)
        except MessageError as exc:
            yield item.label, str(exc).removeprefix(f"{item.label}: ")
        except LawfulreachError as exc:
            yield item.label, str(exc)


def import_mailbox(
    session: Session,
    path: Path,
    fmt: str = "auto",
    *,
    soft_bounce_limit: int = DEFAULT_SOFT_BOUNCE_LIMIT,
    dry_run: bool = False,
) -> InboundSummary:
    """Every message of the mailbox at ``path`` (mbox, Maildir, a directory of ``.eml`` files or one
    ``.eml``), processed in mailbox order."""
    _check_limit(soft_bounce_limit)
    messages = read_mailbox(path, fmt)
    ws = session.workspace()
    summary = InboundSummary(dry_run=dry_run)
    for result in process_all(ws, messages, soft_bounce_limit=soft_bounce_limit, dry_run=dry_run):
        if isinstance(result, tuple):
            summary.failed.append(result)
        else:
            summary.add(result)
    return summary
