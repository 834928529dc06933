"""The server's settings: one validated value object, built at the edge (``serve`` or a test).

Nothing reads the environment after this point; ``Backend.open`` builds everything from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lawfulreach.api.ratelimit import Rate
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.vocabulary import SubscriberPolicy
from lawfulreach.errors import ConfigError
from lawfulreach.messaging import MailSettings
from lawfulreach.outreach.dkim import DkimSigner
from lawfulreach.rules import default_rulebase
from lawfulreach.store import WorkspaceSettings

MAX_BATCH = 10_000


@dataclass(frozen=True)
class Limits:
    """Rate limits of the public pages (per client address and per token) and of API keys."""

    #: any public page, per client address
    page_per_ip: Rate = field(default_factory=lambda: Rate(120, 60))
    #: one unsubscribe token (GET, one-click POST, preference centre)
    page_per_token: Rate = field(default_factory=lambda: Rate(30, 60))
    #: privacy-request submissions per client address
    intake_per_ip: Rate = field(default_factory=lambda: Rate(10, 3600))
    #: verification mails to one address (beyond it the form answers the same, but sends nothing)
    intake_per_address: Rate = field(default_factory=lambda: Rate(3, 86_400))
    #: failed API authentications per client address (key guessing)
    auth_failures_per_ip: Rate = field(default_factory=lambda: Rate(30, 60))
    #: requests per API key (None: unlimited — the bench and bulk integrations need the headroom)
    api_per_key: Rate | None = None


@dataclass(frozen=True)
class ApiConfig:
    workspace: WorkspaceSettings
    rulebase: RuleBase = field(default_factory=default_rulebase)
    #: overrides every tenant's stored subscriber-type policy when set (``serve --subscriber-policy``)
    policy: SubscriberPolicy | None = None
    #: the address recipients reach the public pages at (unsubscribe links are built on it)
    public_url: str = "http://127.0.0.1:8000"
    #: development only: issue List-Unsubscribe headers on an http:// public URL (RFC 8058 §3.1 needs HTTPS)
    allow_http_links: bool = False
    max_batch: int = MAX_BATCH
    max_body_bytes: int = 32 * 1024 * 1024
    #: how long a verified API key is remembered; a revocation takes effect within this time
    key_cache_seconds: float = 5.0
    limits: Limits = field(default_factory=Limits)
    mail: MailSettings = field(default_factory=MailSettings)
    #: shown on the public pages for tenants that have not set their organisation
    organisation: str = "the organisation that sent you this message"
    privacy_notice_url: str | None = None
    #: how long a privacy request's verification link works
    verification_hours: int = 24
    #: signs what ``POST /v1/sends`` sends (``serve``: ``LAWFULREACH_DKIM_KEY`` / ``_SELECTOR`` / ``_DOMAIN``)
    dkim: DkimSigner | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                f"public URL {self.public_url!r} must be an http(s) URL such as https://optout.example.com"
            )
        if not 1 <= self.max_batch <= MAX_BATCH:
            raise ConfigError(f"the batch limit must be between 1 and {MAX_BATCH}")
        if self.verification_hours < 1:
            raise ConfigError("verification links must work for at least an hour")
        if self.key_cache_seconds < 0:
            raise ConfigError("the key cache time cannot be negative")
