"""The server's application object: everything the HTTP layer calls, with no HTTP in it.

``Backend`` is built once from an ``ApiConfig`` (``Backend.open``): it opens the workspace (schema and
secret key checked), and holds the token codec, the rate limiter, the mail transport and one ``TenantHandle``
per tenant met so far. Route handlers only translate HTTP to calls on these objects and back.

Decisions (spec §4: identical to every other front end): a check is parsed by ``schema.parse_request``
— the CLI's parser — and decided by the one decision service (``Lawfulreach.decide``) over the
tenant's state. The state of all the request's (or batch's) contacts is read in one statement
(``store.lookup``) and handed to the service as one reference ``InMemoryState`` per contact; the
service reads the clock once and runs the engine once per distinct fact tuple (as the batch path),
and hands the decisions to the backend's sinks.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from lawfulreach.api.config import ApiConfig
from lawfulreach.api.errors import BatchTooLargeError, UnauthenticatedError
from lawfulreach.api.ratelimit import RateLimiter
from lawfulreach.clock import utc_now
from lawfulreach.commands.evidence import EvidenceRecorder
from lawfulreach.commands.lint import lint_message
from lawfulreach.commands.notice import tenant_notice
from lawfulreach.domain.lint import Audience, LintReport
from lawfulreach.domain.message import Message
from lawfulreach.domain.model import Campaign, Decision, Request
from lawfulreach.domain.notice import PrivacyNotice
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.state import ALL_CHANNELS
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import ConflictError, RequestError
from lawfulreach.messaging import Transport, transport_for, verification_message
from lawfulreach.schema import parse_request
from lawfulreach.service import DecisionSink, Lawfulreach
from lawfulreach.store import Workspace
from lawfulreach.store.api_keys import KeyOwner, authenticate
from lawfulreach.store.campaigns import CampaignRepo
from lawfulreach.store.dsar import PrivacyRequestView
from lawfulreach.store.intake import IntakeRepo, Submitted
from lawfulreach.store.lookup import lookup_state, request_keys
from lawfulreach.store.profiles import Profile, ProfileRepo
from lawfulreach.store.subjects import Subject
from lawfulreach.store.tenancy import acting_as, tenant_workspace, workspace_key
from lawfulreach.unsubscribe import Recipient, TokenCodec

if TYPE_CHECKING:  # ``send`` needs polars (the batch reader); a check never imports it
    from lawfulreach.batch.snapshot import BatchSnapshot
    from lawfulreach.commands.send import Row, SendOptions, SendReport
    from lawfulreach.outreach.template import MessageTemplate

#: Result of one item of a batch: its decision, or the reason it could not be read.
BatchItem = Decision | RequestError


def _campaign_ids(items: Sequence[Any]) -> set[str]:
    return {i["campaign"] for i in items if isinstance(i, dict) and isinstance(i.get("campaign"), str)}


@dataclass
class SendRequest:
    """A ``POST /v1/sends`` body, read (``api.routes.sends``)."""

    campaign: str
    template: MessageTemplate
    rows: list[Row]
    options: SendOptions
    dry_run: bool
    #: SHA-256 of the contacts as sent (the evidence run's input)
    sha256: str
    messages: DryRunMessages = field(default_factory=lambda: DryRunMessages())


@dataclass
class DryRunMessages:
    """The messages of a dry run, by the contact's position in the request (1-based)."""

    items: list[tuple[int, bytes]] = field(default_factory=list)

    def append_message(self, line: int, data: bytes) -> None:
        self.items.append((line, data))


@dataclass
class _ApiSession:
    """What ``commands.send`` needs from its caller (``commands.session.Session``), for one tenant."""

    _workspace: Workspace
    _service: Lawfulreach

    def rulebase(self) -> RuleBase:
        return self._service.rulebase

    def workspace(self) -> Workspace:
        return self._workspace

    def service(self) -> Lawfulreach:
        return self._service

    def batch_snapshot(self) -> BatchSnapshot:  # pragma: no cover - a send decides row by row
        return self._workspace.batch_snapshot()


class TenantHandle:
    """One tenant's services. Thread-safe: holds no per-request state."""

    def __init__(self, backend: Backend, workspace: Workspace) -> None:
        self._backend = backend
        self.workspace = workspace
        self.tenant_id = workspace.scope.tenant_id
        self.name = workspace.tenant
        self.campaigns = CampaignRepo(workspace.scope)
        self.intake = IntakeRepo(workspace.scope)
        self.profiles = ProfileRepo(workspace.scope)

    # --- decisions ---------------------------------------------------------------------------------
    def _decide(self, requests: Sequence[Request], recorder: EvidenceRecorder | None = None) -> list[Decision]:
        """The requests decided by the one decision service (``Lawfulreach.decide``), each over its
        contact's state — all read with one statement (``store.lookup``); ``recorder``, when given,
        is one more sink for this call."""
        if not requests:
            return []
        config = self._backend.config
        keys = [request_keys(r) for r in requests]
        lookup = lookup_state(
            self.workspace.scope, keys, with_registers=any(r.channel is Channel.CALL for r in requests)
        )
        service = Lawfulreach(
            rulebase=lookup.rulebase(config.rulebase),
            subscriber_policy=config.policy or self.workspace.tenant_settings.subscriber_policy(),
            clock=self._backend.clock,
            sinks=self._backend.sinks,
        )
        if recorder is not None:
            service = service.with_sink(recorder)
        return service.decide(requests, states=[lookup.state_for(k) for k in keys])

    def check(self, data: Any, recorder: EvidenceRecorder | None = None) -> Decision:
        """One request (the JSON of spec §2) → its decision; ``RequestError`` when it is malformed."""
        request = parse_request(data, self.campaigns.get_many(_campaign_ids([data])))
        return self._decide([request], recorder)[0]

    def check_many(self, items: Sequence[Any], recorder: EvidenceRecorder | None = None) -> list[BatchItem]:
        """Each item decided, or its ``RequestError`` in its place: one bad item stops nothing."""
        limit = self._backend.config.max_batch
        if len(items) > limit:
            raise BatchTooLargeError(f"a batch holds at most {limit:,} requests; this one has {len(items):,}", limit)
        campaigns: dict[str, Campaign] = self.campaigns.get_many(_campaign_ids(items))
        parsed: list[Request | RequestError] = []
        for item in items:
            try:
                parsed.append(parse_request(item, campaigns))
            except RequestError as exc:
                parsed.append(exc)
        requests = [p for p in parsed if isinstance(p, Request)]
        if recorder is not None:  # a recorded decision names the item's index in the batch
            recorder.lines = [i for i, p in enumerate(parsed) if isinstance(p, Request)]
        decisions = iter(self._decide(requests, recorder))
        return [p if isinstance(p, RequestError) else next(decisions) for p in parsed]

    def lint(self, message: Message, audience: Audience, campaign: Campaign) -> LintReport:
        """The message check (``commands.lint``): decided for the audience by the one decision service
        over this tenant's rule base and policy — with no sinks, the decision being hypothetical — and
        checked against this tenant's organisation profile."""
        config = self._backend.config
        service = Lawfulreach(
            rulebase=self.rulebase(),
            subscriber_policy=config.policy or self.workspace.tenant_settings.subscriber_policy(),
            clock=self._backend.clock,
        )
        return lint_message(service, message, audience, campaign, self.profile(), self.name)

    def max_batch(self) -> int:
        return self._backend.config.max_batch

    def send(self, workspace: Workspace, body: SendRequest) -> SendReport:
        """``POST /v1/sends``: ``commands.send.send_rows`` for this tenant — the contacts decided again
        one by one over the current state, composed, DKIM-signed with the server's key and sent through
        the server's SMTP settings (or, ``dry_run``, returned)."""
        from lawfulreach.commands.send import send_rows
        from lawfulreach.messaging.smtp import SmtpTransport

        config = self._backend.config
        campaigns = self.campaigns.get_many([body.campaign])
        campaign = campaigns.get(body.campaign)
        if campaign is None:
            raise RequestError(f"unknown campaign id {body.campaign!r}")
        refusal = campaign.archived_refusal()
        if refusal is not None:
            raise RequestError(refusal)
        mail = config.mail
        transport = None
        if not body.dry_run and not mail.smtp_host:
            raise ConflictError("this server sends no mail: it was started without --smtp-host (dry_run works)")
        if not body.dry_run and config.dkim is None:
            raise ConflictError("this server has no DKIM key (LAWFULREACH_DKIM_KEY when serve starts); dry_run works")
        if mail.smtp_host and not body.dry_run:
            transport = SmtpTransport(
                mail.smtp_host, mail.smtp_port, mail.smtp_user, mail.smtp_password, security=mail.smtp_security
            )
        service = Lawfulreach(
            rulebase=self.rulebase(),
            state=workspace.state(),
            subscriber_policy=config.policy or workspace.tenant_settings.subscriber_policy(),
            clock=self._backend.clock,
        )
        session = _ApiSession(workspace, service)
        messages = body.messages
        return send_rows(
            session,
            body.rows,
            campaign,
            body.template,
            body.options,
            "POST /v1/sends",
            lambda: body.sha256,
            transport=transport,
            signer=config.dkim,
            write=messages.append_message if body.dry_run else None,
        )

    def rulebase(self) -> RuleBase:
        """The rule base with this workspace's register ages (what ``dnc status`` reports against)."""
        return self.workspace.rulebase(self._backend.config.rulebase)

    # --- public pages ------------------------------------------------------------------------------
    def profile(self) -> Profile:
        stored = self.profiles.get()
        if stored is not None:
            return stored
        config = self._backend.config
        return Profile(config.organisation, privacy_notice_url=config.privacy_notice_url)

    def notice(self) -> PrivacyNotice:
        """The generated privacy notice (``/privacy``), its links on the profile's public URL, else the server's."""
        profile = self.profile()
        return tenant_notice(self.workspace, profile, self.name, profile.public_url or self._backend.config.public_url)

    def opt_out(self, recipient: Recipient, channels: Sequence[str], source: str, actor: str) -> None:
        """Record opt-outs for the recipient of a token; repeating one writes nothing
        (``LedgerRepo.opt_out_once``), so a burst of the same one-click POST costs one row.

        The audit trail records ``actor`` (which page it came through), never the operating-system user
        running the server. An erased person cannot be recorded again (the ledger refuses); they are
        blocked for good anyway, so the page answers exactly as for anyone else.
        """
        who = Subject("email" if recipient.kind == "email" else "phone", recipient.key)
        wanted = [ALL_CHANNELS] if ALL_CHANNELS in channels else list(dict.fromkeys(channels))
        ledger = acting_as(self.workspace, actor).ledger
        for channel in wanted:
            try:
                ledger.opt_out_once(who, channel, source=source)
            except ConflictError:
                return

    def submit_privacy_request(self, request_type: str, email: str, name: str | None, details: str | None) -> Submitted:
        hours = self._backend.config.verification_hours
        return self.intake.submit(request_type, email, name=name, details=details, valid_for=timedelta(hours=hours))

    def verify_privacy_request(self, token: str) -> PrivacyRequestView | None:
        """Verify the request of a one-time link and hand it to the data-subject-rights workflow:
        opened as received when the form was sent, its identity verified (the link proved control of
        the address the workspace knows the person by). The workflow records an objection to direct
        marketing at once."""
        record = self.intake.verify(token)
        if record is None:
            return None
        requests = acting_as(self.workspace, "privacy request form").requests
        opened = requests.open(record.request_type, Subject("email", record.email_key), received_at=record.created_at)
        view = requests.verify(opened.number)
        self.intake.attach(record.id, view.number)
        return view


@dataclass
class _CachedKey:
    owner: KeyOwner
    until: float


class Backend:
    """The server's state: workspace, tenants, keys, tokens, limits and mail."""

    def __init__(
        self,
        config: ApiConfig,
        base: Workspace,
        secret: bytes,
        transport: Transport,
        clock: Callable[[], datetime],
        sinks: Sequence[DecisionSink] = (),
    ):
        self.config = config
        self.base = base
        self.clock = clock
        #: handed every decision the API makes (``service.DecisionSink``); none by default
        self.sinks = tuple(sinks)
        self.tokens = TokenCodec(secret)
        self.limiter = RateLimiter()
        self.transport = transport
        self._tenants: dict[int, TenantHandle] = {}
        self._keys: dict[str, _CachedKey] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        config: ApiConfig,
        *,
        transport: Transport | None = None,
        clock: Callable[[], datetime] = utc_now,
        sinks: Sequence[DecisionSink] = (),
    ) -> Backend:
        """Open the workspace the config names; mail goes through ``transport`` (default: the one
        ``config.mail`` describes, ``messaging.transport_for``)."""
        settings = config.workspace
        if config.mail.outbox is not None:  # erasure clears the outbox this server actually writes to
            settings = replace(settings, outbox=config.mail.outbox)
        base = Workspace.open(settings, clock=clock)
        try:
            secret = workspace_key(config.workspace)
        except BaseException:
            base.close()
            raise
        return cls(config, base, secret, transport or transport_for(config.mail), clock, sinks)

    def close(self) -> None:
        self.base.close()

    # --- tenants -----------------------------------------------------------------------------------
    def known_tenant(self, tenant_id: int) -> TenantHandle | None:
        """The handle of a tenant met before (no I/O), or None."""
        return self._tenants.get(tenant_id)

    def tenant(self, tenant_id: int) -> TenantHandle:
        handle = self._tenants.get(tenant_id)
        if handle is None:
            handle = TenantHandle(self, tenant_workspace(self.base, tenant_id=tenant_id))
            with self._lock:
                handle = self._tenants.setdefault(tenant_id, handle)
        return handle

    def tenant_named(self, name: str) -> TenantHandle:
        for handle in list(self._tenants.values()):
            if handle.name == name:
                return handle
        return self.tenant(tenant_workspace(self.base, name=name).scope.tenant_id)

    # --- API keys ----------------------------------------------------------------------------------
    def cached_owner(self, token: str) -> KeyOwner | None:
        """The owner of a key verified within ``key_cache_seconds`` (no I/O), or None."""
        cached = self._keys.get(_digest(token))
        return cached.owner if cached is not None and cached.until > time.monotonic() else None

    def authenticate(self, token: str) -> KeyOwner:
        """The owner of a valid key, remembered for ``key_cache_seconds`` (so a revocation takes
        effect within that time); ``UnauthenticatedError`` otherwise."""
        owner = self.cached_owner(token)
        if owner is not None:
            return owner
        digest = _digest(token)
        now = time.monotonic()
        owner = authenticate(self.base.engine, self.base.settings.url, token)
        if owner is None:
            self._keys.pop(digest, None)
            raise UnauthenticatedError("the API key is missing, unknown or revoked")
        if self.config.key_cache_seconds > 0:
            with self._lock:
                if len(self._keys) > 10_000:
                    self._keys.clear()
                self._keys[digest] = _CachedKey(owner, now + self.config.key_cache_seconds)
        return owner

    # --- mail --------------------------------------------------------------------------------------
    def send_verification(self, handle: TenantHandle, submitted: Submitted, link: str) -> None:
        """Mail the one-time link of a privacy request to the address it names (``MailError`` when
        the transport cannot take it)."""
        profile = handle.profile()
        message = verification_message(
            sender=profile.mail_from or self.config.mail.sender,
            to=submitted.record.email,
            organisation=profile.organisation,
            request_type=submitted.record.request_type,
            hours=self.config.verification_hours,
            link=link,
        )
        self.transport.send(message)


def _digest(token: str) -> str:
    """What the key cache is keyed by: never the key itself."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
