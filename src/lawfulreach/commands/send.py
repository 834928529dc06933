"""``lawfulreach send`` and ``POST /v1/sends``: a screened list, a template and a stored campaign → mail.

For each ``allowed`` row of a screened file (the output of ``screen``), in file order:

1. **Skip what is done.** The send log (``store.outreach.send_log``) is keyed by campaign version and
   recipient: a recipient already ``sent`` is skipped; one left ``in_flight`` by a crash (the server
   may or may not have accepted it) is skipped unless ``retry_uncertain``; one that ``failed`` (5xx)
   unless ``retry_failed``. So a re-run — after a crash, a stop, a deferral — sends each remaining
   recipient once, and nobody twice.
2. **Decide again**, now, through the one decision path (``service.Lawfulreach.decide``) over the
   recipient's current state, read with one statement (``store.lookup``): an opt-out, an exclusion or
   an erasure recorded since the screen stops the message; it is logged ``refused`` with the reasons.
3. **Compose** the template for the row, with the footer and headers the decision requires
   (``outreach.compose``), sign it (DKIM, ``outreach.dkim``). The first message of each distinct
   decision is run through the message check (``domain.lint``) against that decision; a template
   whose message fails it is refused with the findings (``LintRefusedError``). Before anything is sent, a
   pre-flight checks the first row of every country in the file the same way.
4. **Deliver** over one SMTP connection (``outreach.smtp``), within the rate limits: the send log row
   is claimed (``in_flight``) after the server accepted sender and recipient and just before
   ``DATA``, and marked ``sent`` / ``failed`` / ``deferred`` after its answer.

Every decision made at send time is kept as evidence: one run (kind ``send``) per invocation, written
when the run ends — also when it stops on an error; the send log rows name it. ``dry_run`` writes
each message as an ``.eml`` file (0600) into a directory instead of sending, and records nothing.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from lawfulreach.batch.columns import FIELDS, fold
from lawfulreach.batch.reader import read_prospects
from lawfulreach.batch.rows import request_from_row
from lawfulreach.commands.campaigns import resolve_campaign
from lawfulreach.commands.evidence import EvidenceRecorder, file_sha256
from lawfulreach.commands.lint import sender_for
from lawfulreach.commands.notice import privacy_link
from lawfulreach.domain.extract import contact_keys
from lawfulreach.domain.lint import Audience, Finding, check_message
from lawfulreach.domain.model import Campaign, Decision, Request
from lawfulreach.domain.places import normalise_country
from lawfulreach.domain.vocabulary import Channel, Outcome, SubscriberType
from lawfulreach.errors import ConfigError, ConflictError, InputError, LintRefusedError, RequestError
from lawfulreach.messages.eml import parse_eml
from lawfulreach.messaging.smtp import SmtpTransport
from lawfulreach.outreach.compose import SenderInfo, message_bytes, new_message_id
from lawfulreach.outreach.dkim import DkimSigner
from lawfulreach.outreach.ratelimit import RateLimit
from lawfulreach.outreach.smtp import DEFERRED, FAILED, SENT, SKIPPED, UNCERTAIN, SmtpSession
from lawfulreach.outreach.template import MessageTemplate, load_template
from lawfulreach.rules.lint import lint_rules
from lawfulreach.store import audit
from lawfulreach.store.evidence import new_ref
from lawfulreach.store.lookup import ContactKeys, lookup_state
from lawfulreach.store.profiles import Profile, ProfileRepo
from lawfulreach.store.subjects import email_key
from lawfulreach.store.tenancy import workspace_key
from lawfulreach.unsubscribe import HeaderValueError, Recipient, TokenCodec, mailto_uri, unsubscribe_url

if TYPE_CHECKING:
    from lawfulreach.commands.session import Session
    from lawfulreach.store import Workspace

OUTCOME_COLUMN = "email_outcome"
#: rows of the pre-flight lint: the first row of each country, at most this many
_PREFLIGHT = 25


@dataclass(frozen=True)
class SendOptions:
    """What a send is asked to do (the CLI's options, the API's body)."""

    #: a stored campaign's id (the CLI; the API passes the campaign it looked up to ``send_rows``);
    #: None with ``run``: the run's campaign
    campaign: str | None
    #: the template file, or a template already read (the API's body)
    template: Path | MessageTemplate
    #: write .eml files here instead of sending
    dry_run: Path | None = None
    per_second: float | None = None
    per_hour: int | None = None
    retry_uncertain: bool = False
    retry_failed: bool = False
    #: send at most this many messages in this run (the rest stay for the next)
    limit: int | None = None
    #: the mailto: of List-Unsubscribe (default: the profile's mail_from)
    unsubscribe_mailto: str | None = None
    #: a recorded screen run (``screen --record``): the file is the list it screened, and the rows it
    #: decided ``allowed`` for email are sent
    run: str | None = None


@dataclass
class SendReport:
    campaign_id: str
    campaign_version: str
    input_name: str
    #: rows of the file screened ``allowed`` for email
    considered: int = 0
    sent: int = 0
    refused: int = 0
    failed: int = 0
    deferred: int = 0
    #: connection lost during DATA: left in flight, not retried without ``retry_uncertain``
    uncertain: int = 0
    already_sent: int = 0
    skipped_uncertain: int = 0
    skipped_failed: int = 0
    #: claimed by another sender between our read and our claim
    skipped_claimed: int = 0
    duplicates: int = 0
    #: rows whose email is not an address
    invalid: int = 0
    written: int = 0
    #: not reached because of ``limit``
    left: int = 0
    refusal_reasons: Counter[str] = field(default_factory=Counter)
    run: str | None = None
    dry_run: str | None = None
    seconds: float = 0.0
    connections: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def handed_over(self) -> int:
        return self.written if self.dry_run else self.sent

    @property
    def rate(self) -> float:
        return self.handed_over / self.seconds if self.seconds > 0 else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "campaign": {"id": self.campaign_id, "version": self.campaign_version},
            "input": self.input_name,
            "run": self.run,
            "dry_run": self.dry_run,
            "considered": self.considered,
            "sent": self.sent,
            "written": self.written,
            "refused": self.refused,
            "refusal_reasons": dict(self.refusal_reasons),
            "failed": self.failed,
            "deferred": self.deferred,
            "uncertain": self.uncertain,
            "already_sent": self.already_sent,
            "skipped_uncertain": self.skipped_uncertain,
            "skipped_failed": self.skipped_failed,
            "skipped_claimed": self.skipped_claimed,
            "duplicates": self.duplicates,
            "invalid": self.invalid,
            "left": self.left,
            "seconds": round(self.seconds, 3),
            "messages_per_second": round(self.rate, 1),
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class Row:
    line: int
    email: str
    fields: dict[str, str | None]
    raw: dict[str, Any]


def screened_rows(path: Path) -> tuple[list[Row], int]:
    """The rows of a screened file whose email outcome is ``allowed`` (and the number of rows read).

    ``InputError`` when the file is not the output of ``screen`` (no ``email_outcome`` column)."""
    prospects = read_prospects(path)
    columns = {fold(c): c for c in prospects.raw.columns}
    outcome = columns.get(OUTCOME_COLUMN)
    if outcome is None:
        raise InputError(
            f"{path}: no {OUTCOME_COLUMN} column; send reads the output of `lawfulreach screen` "
            "(screen the list for email first)"
        )
    raw = prospects.raw
    allowed = raw[outcome].cast(pl.String).str.strip_chars().str.to_lowercase() == Outcome.ALLOWED.value
    frame = prospects.frame.filter(allowed)
    raws = raw.filter(allowed)
    rows = []
    for canonical, original in zip(frame.iter_rows(named=True), raws.iter_rows(named=True), strict=True):
        email = canonical.get("email")
        if not email:
            continue
        rows.append(Row(int(canonical["line"]), str(email), {f: canonical.get(f) for f in FIELDS}, original))
    return rows, raw.height


def check_profile(profile: Profile | None, tenant: str) -> tuple[Profile, list[str]]:
    """The profile a send needs (``ConflictError`` naming what is missing) and warnings for the rest.

    Without a name, a sender address and an https public URL (where the unsubscribe link points) no
    message can be lawful; the other gaps are warnings — the message check refuses the template if
    the decision requires what is missing."""
    hint = "set it with `lawfulreach org set`"
    if profile is None:
        raise ConflictError(f"tenant {tenant!r} has no organisation profile; {hint} (name, mail from, public URL)")
    needed = [
        words
        for name, words in (
            ("mail_from", "the sender address (--mail-from)"),
            ("public_url", "the public URL of the unsubscribe pages (--public-url)"),
        )
        if not getattr(profile, name)
    ]
    if needed:
        raise ConflictError(f"tenant {tenant!r}'s organisation profile lacks {' and '.join(needed)}; {hint}")
    if not (profile.public_url or "").startswith("https://"):
        raise ConflictError(
            f"the public URL {profile.public_url!r} is not https: mailbox providers ignore a one-click "
            f"unsubscribe over http; {hint}"
        )
    warnings = []
    missing = profile.missing()
    if missing:
        warnings.append(
            f"tenant {tenant!r}'s organisation profile is incomplete (missing {', '.join(missing)}): "
            f"messages that require it will be refused by the message check; {hint}"
        )
    return profile, warnings


def _variables(row: Row, sender: SenderInfo, unsubscribe: str) -> dict[str, Any]:
    out: dict[str, Any] = {k: ("" if v is None else v) for k, v in row.fields.items()}
    if not out.get("name"):
        out["name"] = " ".join(p for p in (out.get("first_name"), out.get("last_name")) if p)
    out["row"] = {k: ("" if v is None else v) for k, v in row.raw.items()}
    out["organisation"] = sender.organisation
    out["unsubscribe_url"] = unsubscribe
    out["privacy_url"] = sender.privacy_url or ""
    return out


def _audience(request: Request, decision: Decision) -> Audience:
    _, _, country = contact_keys(request)
    code = country or normalise_country((decision.jurisdiction or "")[:2]) or "GB"
    region = request.contact.region if request.contact.region and request.contact.region.startswith(code) else None
    sub = request.contact.subscriber_type
    return Audience(Channel.EMAIL, code, region, request.consent is not None, sub or SubscriberType.CORPORATE)


def _shape(decision: Decision, audience: Audience) -> tuple[Any, ...]:
    return (decision.requirements, decision.regimes, audience.country, audience.region)


def _lint_line(findings: list[Finding]) -> str:
    parts = [f"{f.requirement.value} ({f.check}): {f.detail}" for f in findings[:4]]
    more = f"; and {len(findings) - 4} more" if len(findings) > 4 else ""
    return "; ".join(parts) + more


@dataclass
class _Sender:
    """One send invocation's fixed parts."""

    workspace: Workspace
    campaign: Campaign
    template: MessageTemplate
    sender: SenderInfo
    lint_sender: Any
    codec: TokenCodec
    public_url: str
    signer: DkimSigner | None
    clock: Callable[[], datetime]
    linted: dict[tuple[Any, ...], bool] = field(default_factory=dict)

    def unsubscribe(self, email: str) -> str:
        token = self.codec.issue(Recipient(self.workspace.scope.tenant_id, "email", email_key(email), "email"))
        return unsubscribe_url(self.public_url, token)

    def compose(self, row: Row, decision: Decision, message_id: str) -> bytes:
        link = self.unsubscribe(row.email)
        rendered = self.template.render(_variables(row, self.sender, link))
        data = message_bytes(self.sender, row.email, rendered, decision.requirements, link, message_id, self.clock())
        return self.signer.signed(data) if self.signer is not None else data

    def lint(self, request: Request, decision: Decision, data: bytes) -> None:
        """The message check for the first message of each distinct decision (``LintRefusedError``)."""
        audience = _audience(request, decision)
        shape = _shape(decision, audience)
        if shape in self.linted:
            return
        report = check_message(
            parse_eml(data, "the rendered message"), decision, audience, self.lint_sender, lint_rules()
        )
        if report.missing:
            raise LintRefusedError(
                f"the template {self.template.source} fails the message check for {audience.describe()}: "
                f"{_lint_line(list(report.missing))} — nothing more is sent; fix the template or the "
                "organisation profile (`lawfulreach lint` shows the full report)",
                report.missing,
            )
        self.linted[shape] = True


def _decide(workspace: Workspace, service: Any, request: Request) -> Decision:
    email, _phone, _ = contact_keys(request)
    keys = ContactKeys(email.address, email.domain, None)
    lookup = lookup_state(workspace.scope, [keys], with_registers=False)
    decision: Decision = service.decide([request], states=[lookup.state_for(keys)])[0]
    return decision


def _decide_many(workspace: Workspace, service: Any, requests: list[Request]) -> list[Decision]:
    """Each request decided over its contact's current state, all read with one statement."""
    keys = []
    for request in requests:
        email, _phone, _ = contact_keys(request)
        keys.append(ContactKeys(email.address, email.domain, None))
    lookup = lookup_state(workspace.scope, keys, with_registers=False)
    decided: list[Decision] = service.decide(requests, states=[lookup.state_for(k) for k in keys])
    return decided


def _write_eml(directory: Path, line: int, data: bytes) -> None:
    path = directory / f"line-{line:07d}.eml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)


def _dry_run_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise InputError(f"--dry-run {path}: cannot create the directory ({exc.strerror or exc})") from None
    if not path.is_dir():
        raise InputError(f"--dry-run {path}: not a directory")
    return path


def send(
    session: Session,
    path: Path,
    options: SendOptions,
    **kwargs: Any,
) -> SendReport:
    """``lawfulreach send``: the screened file's allowed rows (``screened_rows``) for the stored
    campaign ``options.campaign``; see ``send_rows`` for the rest. The template is read before
    anything else is opened; the file's SHA-256 goes into the evidence run."""
    template = options.template if isinstance(options.template, MessageTemplate) else load_template(options.template)
    warnings: list[str] = []
    if options.run is not None:
        rows, campaign, warnings = _run_rows(session, path, options)
    else:
        if options.campaign is None:
            raise InputError("--campaign is needed (or --run, a recorded screen of the list)")
        campaign, _doc = resolve_campaign(options.campaign, session)
        if not campaign.id or not campaign.version:
            raise InputError(
                f"--campaign {options.campaign!r}: send needs a stored campaign (`lawfulreach campaign create`), "
                "so the send log can key each recipient by the campaign's version"
            )
        rows, _read = screened_rows(path)
    on_warning: Callable[[str], None] | None = kwargs.get("on_warning")
    if on_warning is not None:
        for warning in warnings:
            on_warning(warning)
    report = send_rows(session, rows, campaign, template, options, str(path), lambda: file_sha256(path), **kwargs)
    report.warnings[:0] = warnings
    return report


def _run_rows(session: Session, path: Path, options: SendOptions) -> tuple[list[Row], Campaign, list[str]]:
    """``--run``: the list a recorded screen read (the same bytes: its SHA-256 is checked) and the rows
    that run decided ``allowed`` for email, for the run's stored campaign (its current version)."""
    from lawfulreach.store.evidence import check_ref

    assert options.run is not None
    ref = check_ref(options.run)
    workspace = session.workspace()
    summary = workspace.evidence.run(ref)
    if summary.input_sha256 != file_sha256(path):
        raise InputError(f"{path} is not the list run {ref} screened (its SHA-256 differs from the one recorded)")
    if Channel.EMAIL.value not in summary.channels:
        raise InputError(f"run {ref} did not decide email (channels: {', '.join(summary.channels)})")
    if not summary.campaign_id:
        raise InputError(f"run {ref} was for a campaign file, not a stored campaign; give --campaign")
    if options.campaign is not None and options.campaign != summary.campaign_id:
        raise InputError(f"run {ref} was for campaign {summary.campaign_id!r}, not {options.campaign!r}")
    campaign, _doc = resolve_campaign(summary.campaign_id, session)
    warnings = []
    if campaign.version != summary.campaign_version:
        warnings.append(
            f"run {ref} screened version {summary.campaign_version} of campaign {summary.campaign_id!r}; "
            f"sending its current version {campaign.version} (every row is decided again)"
        )
    allowed = {line for line, outcome in workspace.evidence.outcomes(ref, Channel.EMAIL.value).items()
               if outcome == Outcome.ALLOWED.value}  # fmt: skip
    prospects = read_prospects(path)
    rows = []
    for canonical, original in zip(
        prospects.frame.iter_rows(named=True), prospects.raw.iter_rows(named=True), strict=True
    ):
        line = int(canonical["line"])
        email = canonical.get("email")
        if line in allowed and email:
            rows.append(Row(line, str(email), {f: canonical.get(f) for f in FIELDS}, original))
    return rows, campaign, warnings


def contact_rows(contacts: list[dict[str, Any]]) -> list[Row]:
    """Rows from JSON objects (``POST /v1/sends``): the prospect fields by their names, numbered from 1;
    an object without an email is skipped."""
    rows = []
    for n, item in enumerate(contacts, start=1):
        email = str(item.get("email") or "").strip()
        if not email:
            continue
        fields = {f: (str(item[f]).strip() or None) if item.get(f) is not None else None for f in FIELDS}
        for name in ("subscriber_type", "phone_type", "source", "consent_status", "relationship_kind"):
            if fields.get(name):
                fields[name] = str(fields[name]).lower()
        try:
            request_from_row(fields, Channel.EMAIL, Campaign())
        except ValueError as exc:
            raise RequestError(f"contact {n}: {exc}") from None
        rows.append(Row(n, email, fields, dict(item)))
    return rows


def send_rows(
    session: Session,
    rows: list[Row],
    campaign: Campaign,
    template: MessageTemplate,
    options: SendOptions,
    input_name: str,
    input_sha256: Callable[[], str | None],
    *,
    transport: SmtpTransport | None = None,
    signer: DkimSigner | None = None,
    require_dkim: bool = True,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    smtp_retries: int = 3,
    smtp_backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    before_message: Callable[[int], None] | None = None,
    write: Callable[[int, bytes], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> SendReport:
    """Send (or, with ``options.dry_run``, write) ``rows`` for a stored ``campaign``; see the module
    docstring. ``transport`` names the SMTP server (required unless dry-running); ``signer`` the DKIM
    key (required unless ``require_dkim`` is False: a relay that signs itself). ``write(line, data)``
    receives the messages of a dry run instead of files (the API returns them).

    ``on_start(n)`` is told how many rows will be considered, ``on_progress(k)`` after each;
    ``on_warning(text)`` each warning (an incomplete profile…) before anything is sent.
    ``before_message(i)`` is called before the i-th row is sent (tests inject a crash there)."""
    started = time.perf_counter()
    if not campaign.id or not campaign.version:
        raise InputError("send needs a stored campaign, so the send log can key each recipient by its version")
    dry_run = options.dry_run is not None or write is not None
    if not dry_run and transport is None:
        raise ConfigError("no mail server to send through: give --smtp-host (or --dry-run DIR to write files)")
    if not dry_run and signer is None and require_dkim:
        raise ConfigError(
            "no DKIM key: give --dkim-key and --dkim-selector (mailbox providers reject unsigned bulk mail), "
            "or --no-dkim when the relay signs"
        )
    workspace = session.workspace()
    profile, warnings = check_profile(ProfileRepo(workspace.scope).get(), workspace.tenant)
    assert profile.mail_from is not None
    assert profile.public_url is not None
    if signer is not None and not profile.mail_from.lower().endswith(("@" + signer.domain, "." + signer.domain)):
        warnings.append(
            f"the DKIM domain {signer.domain} is not the sender's domain ({profile.mail_from.rpartition('@')[2]}): "
            "DMARC needs them aligned"
        )
    mailto = options.unsubscribe_mailto or profile.mail_from
    try:
        mailto_uri(mailto)
    except HeaderValueError as exc:
        raise ConfigError(f"the unsubscribe mailto address: {exc}") from None
    sender = SenderInfo(
        mail_from=profile.mail_from,
        organisation=profile.organisation,
        legal_entity=campaign.legal_entity,
        postal_address=profile.postal_address,
        privacy_url=privacy_link(profile, workspace.tenant),
        unsubscribe_mailto=mailto,
        reply_to=template.reply_to,
        campaign_id=campaign.id,
        contact_email=profile.contact_email,
    )
    service = replace(session.service(), sinks=())
    parts = _Sender(
        workspace,
        campaign,
        template,
        sender,
        sender_for(campaign, profile, workspace.tenant),
        TokenCodec(workspace_key(workspace.settings)),
        profile.public_url,
        signer,
        workspace.scope.clock,
    )
    report = SendReport(campaign.id, campaign.version, input_name, considered=len(rows), warnings=warnings)
    if on_warning is not None:
        for warning in warnings:
            on_warning(warning)  # before anything is sent
    _preflight(parts, service, rows)
    if dry_run:
        if write is None:
            assert options.dry_run is not None
            directory = _dry_run_dir(options.dry_run)
            report.dry_run = str(directory)

            def write(line: int, data: bytes) -> None:
                _write_eml(directory, line, data)

        else:
            report.dry_run = "(returned)"
        _write_all(parts, service, rows, options, report, write, on_start, on_progress)
    else:
        assert transport is not None
        _send_all(
            parts, service, rows, options, report, input_name, input_sha256, transport,
            smtp_retries, smtp_backoff, sleep, on_start, on_progress, before_message,
        )  # fmt: skip
    report.seconds = time.perf_counter() - started
    return report


def _preflight(parts: _Sender, service: Any, rows: list[Row]) -> None:
    """The message check on the first allowed row of each country, before anything leaves."""
    seen: set[str | None] = set()
    for row in rows:
        country = row.fields.get("country")
        if country in seen:
            continue
        try:
            email_key(row.email)
        except InputError:
            continue
        seen.add(country)
        request = request_from_row(row.fields, Channel.EMAIL, parts.campaign)
        decision = _decide(parts.workspace, service, request)
        if decision.outcome is Outcome.ALLOWED:
            parts.lint(request, decision, parts.compose(row, decision, new_message_id(parts.sender)))
        if len(seen) >= _PREFLIGHT:
            return


def _candidates(rows: list[Row], report: SendReport) -> Iterator[tuple[int, Row]]:
    seen: set[str] = set()
    for i, row in enumerate(rows):
        try:
            key = email_key(row.email)
        except InputError:  # not an address: nobody to send to (screen would have said so too)
            report.invalid += 1
            continue
        if key in seen:
            report.duplicates += 1
            continue
        seen.add(key)
        yield i, row


def _write_all(
    parts: _Sender,
    service: Any,
    rows: list[Row],
    options: SendOptions,
    report: SendReport,
    write: Callable[[int, bytes], None],
    on_start: Callable[[int], None] | None,
    on_progress: Callable[[int], None] | None,
) -> None:
    if on_start:
        on_start(len(rows))
    for _i, row in _candidates(rows, report):
        if options.limit is not None and report.written >= options.limit:
            report.left += 1
            continue
        request = request_from_row(row.fields, Channel.EMAIL, parts.campaign)
        decision = _decide(parts.workspace, service, request)
        if decision.outcome is not Outcome.ALLOWED:
            report.refused += 1
            report.refusal_reasons.update(decision.reason_codes)
        else:
            data = parts.compose(row, decision, new_message_id(parts.sender))
            parts.lint(request, decision, data)
            write(row.line, data)
            report.written += 1
        if on_progress:
            on_progress(1)


@dataclass(frozen=True)
class _Prepared:
    """One row made ready by the preparing thread: decided, and when allowed composed and signed."""

    index: int
    row: Row
    request: Request
    decision: Decision
    status: str | None
    message_id: str | None = None
    data: bytes | None = None


#: messages prepared ahead of the one on the wire
_AHEAD = 16
#: rows decided with one read of their state (``store.lookup``): a decision is at most
#: ``_AHEAD + _CHUNK`` messages — a fraction of a second — older than its message
_CHUNK = 16


def _send_all(
    parts: _Sender,
    service: Any,
    rows: list[Row],
    options: SendOptions,
    report: SendReport,
    input_name: str,
    input_sha256: Callable[[], str | None],
    transport: SmtpTransport,
    retries: int,
    backoff: float,
    sleep: Callable[[float], None],
    on_start: Callable[[int], None] | None,
    on_progress: Callable[[int], None] | None,
    before_message: Callable[[int], None] | None,
) -> None:
    """Two threads: one decides, composes and signs (CPU), the other claims, delivers and marks (the
    server's and the database's round trips) — a message is prepared while the previous one is on the
    wire. The preparing thread runs at most ``_AHEAD`` messages ahead, so a decision is made a few
    milliseconds before its message leaves; the claim in the send log is still made just before
    ``DATA``."""
    workspace = parts.workspace
    scope = workspace.scope
    log = workspace.send_log
    campaign = parts.campaign
    cid, version = campaign.id or "", campaign.version or ""
    statuses = log.statuses(cid, version)
    ref = new_ref()
    report.run = ref
    recorder = EvidenceRecorder(scope, "send", Path(input_name).name, input_sha256(), ref=ref)
    requests: list[Request] = []
    decisions: list[Decision] = []
    lines: list[int] = []
    limiter = RateLimit(options.per_second, options.per_hour, sleep=sleep)
    if options.per_hour is not None:  # the hour's quota counts what earlier runs sent
        now = scope.clock()
        limiter.already_sent([(now - t).total_seconds() for t in log.sent_since(now - timedelta(hours=1))])
    smtp = SmtpSession(transport, retries=retries, backoff=backoff, sleep=sleep)
    ready: queue.Queue[_Prepared | str | BaseException | None] = queue.Queue(maxsize=_AHEAD)
    stop = threading.Event()

    def put(item: _Prepared | str | BaseException | None) -> None:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def decided(chunk: list[tuple[int, Row, str | None]]) -> None:
        """Decide a chunk with one state read, then compose and hand over each row in order."""
        chosen = [request_from_row(row.fields, Channel.EMAIL, campaign) for _, row, _ in chunk]
        for (i, row, status), request, decision in zip(
            chunk, chosen, _decide_many(workspace, service, chosen), strict=True
        ):
            requests.append(request)
            decisions.append(decision)
            lines.append(row.line)
            if decision.outcome is not Outcome.ALLOWED:
                put(_Prepared(i, row, request, decision, status))
                continue
            message_id = new_message_id(parts.sender)
            if status in ("in_flight", "deferred", "failed"):  # a retry keeps its Message-ID
                entry = log.entry(cid, version, row.email)
                if entry is not None and entry.message_id:
                    message_id = entry.message_id
            data = parts.compose(row, decision, message_id)
            parts.lint(request, decision, data)
            put(_Prepared(i, row, request, decision, status, message_id, data))

    def prepare() -> None:
        try:
            chosen = 0
            chunk: list[tuple[int, Row, str | None]] = []
            for i, row in _candidates(rows, report):
                if stop.is_set():
                    return
                status = statuses.get(scope.index(email_key(row.email)))
                skip = None
                if status == "sent":
                    skip = "already_sent"
                elif status == "in_flight" and not options.retry_uncertain:
                    skip = "skipped_uncertain"
                elif status == "failed" and not options.retry_failed:
                    skip = "skipped_failed"
                elif options.limit is not None and chosen >= options.limit:
                    skip = "left"
                if skip is not None:
                    if chunk:
                        decided(chunk)
                        chunk = []
                    put(skip)
                    continue
                chosen += 1
                chunk.append((i, row, status))
                if len(chunk) >= _CHUNK:
                    decided(chunk)
                    chunk = []
            if chunk:
                decided(chunk)
            put(None)
        except BaseException as exc:  # handed to the sending thread, which raises it
            put(exc)

    if on_start:
        on_start(len(rows))
    preparer = threading.Thread(target=prepare, name="lawfulreach-send-prepare", daemon=True)
    preparer.start()
    try:
        while True:
            item = ready.get()
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, str):
                setattr(report, item, getattr(report, item) + 1)
            else:
                if before_message:
                    before_message(item.index)
                _one(parts, log, smtp, limiter, item, ref, report)
            if on_progress:
                on_progress(1)
    finally:
        stop.set()
        preparer.join()
        smtp.close()
        report.connections = smtp.connections
        if requests:
            recorder.lines = lines
            recorder.record_requests(requests, decisions)
        else:
            report.run = None
        with scope.writing() as session:
            audit.record(session, scope, "send.run", details=_audit_details(report))


def _one(
    parts: _Sender,
    log: Any,
    smtp: SmtpSession,
    limiter: RateLimit,
    item: _Prepared,
    ref: str,
    report: SendReport,
) -> None:
    cid, version = parts.campaign.id or "", parts.campaign.version or ""
    row, decision = item.row, item.decision
    if item.data is None or item.message_id is None:
        log.record_refused(cid, version, row.email, decision.reason_codes, run_ref=ref)
        report.refused += 1
        report.refusal_reasons.update(decision.reason_codes)
        return
    message_id = item.message_id
    limiter.acquire()

    def claim() -> bool:
        granted: bool = log.claim(
            cid,
            version,
            row.email,
            message_id,
            run_ref=ref,
            retry_uncertain=True,  # the statuses read at the start already applied the options
            retry_failed=True,
        ).granted
        return granted

    delivery = smtp.deliver(parts.sender.mail_from, row.email, item.data, claim)
    retries = delivery.attempts - 1
    if delivery.status in (SENT, FAILED, DEFERRED):
        detail = f"{delivery.code or ''} {delivery.reply}".strip()
        log.mark(
            cid,
            version,
            row.email,
            delivery.status,
            detail=detail,
            attempts=retries,
            message_id=message_id,
            run_ref=ref,
        )
    if delivery.status == SENT:
        report.sent += 1
    elif delivery.status == FAILED:
        report.failed += 1
    elif delivery.status == DEFERRED:
        report.deferred += 1
    elif delivery.status == UNCERTAIN:
        report.uncertain += 1
    elif delivery.status == SKIPPED:
        report.skipped_claimed += 1


def _audit_details(report: SendReport) -> dict[str, Any]:
    return {
        "run": report.run,
        "campaign": report.campaign_id,
        "campaign_version": report.campaign_version,
        "sent": report.sent,
        "refused": report.refused,
        "failed": report.failed,
        "deferred": report.deferred,
        "uncertain": report.uncertain,
    }


__all__ = [
    "OUTCOME_COLUMN",
    "Row",
    "SendOptions",
    "SendReport",
    "check_profile",
    "contact_rows",
    "screened_rows",
    "send",
    "send_rows",
]
