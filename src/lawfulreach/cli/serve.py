"""``lawfulreach serve`` and ``unsubscribe-headers``: the HTTP API and the links it answers.

``serve`` only turns options into an ``ApiConfig`` and hands ``create_app(Backend.open(config))`` to
uvicorn; with ``--workers N`` each worker process builds its own from the same options (passed in
the environment, as uvicorn needs an import string then). uvicorn's access log is off: it logs raw
paths, and a path can carry an unsubscribe token; the app logs route templates instead.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.commands.notice import privacy_link
from lawfulreach.domain.vocabulary import SubscriberPolicy
from lawfulreach.errors import ConfigError
from lawfulreach.messaging import SmtpSecurity
from lawfulreach.store import WorkspaceSettings
from lawfulreach.store.api_keys import ApiKeyRepo
from lawfulreach.store.settings import home_dir
from lawfulreach.store.subjects import subject
from lawfulreach.store.tenancy import workspace_key
from lawfulreach.unsubscribe import Recipient, TokenCodec, list_unsubscribe_headers, preferences_url, unsubscribe_url

_ENV = "LAWFULREACH_SERVE_OPTIONS"
_PUBLIC_URL = typer.Option(
    None,
    "--public-url",
    envvar="LAWFULREACH_PUBLIC_URL",
    help="Address recipients reach the pages at (unsubscribe links use it). Default: http://HOST:PORT.",
)
_ALLOW_HTTP = typer.Option(
    False,
    "--allow-http-links",
    help="Development only: allow an http:// public URL in List-Unsubscribe (RFC 8058 requires HTTPS).",
)

#: the sender when neither ``--mail-from`` nor the profile names one: ``.invalid`` never delivers (RFC 2606),
#: so a forgotten setting shows up as undelivered test mail, never as mail from someone else's domain
FALLBACK_SENDER = "privacy@lawfulreach.invalid"

if TYPE_CHECKING:
    from fastapi import FastAPI

    from lawfulreach.api.config import ApiConfig
    from lawfulreach.outreach.dkim import DkimSigner


def _config(options: dict[str, Any]) -> ApiConfig:
    """The server's ``ApiConfig`` from plain options (also rebuilt in each worker process)."""
    from lawfulreach.api.config import ApiConfig
    from lawfulreach.messaging import MailSettings
    from lawfulreach.rules import default_rulebase, load_rulebase

    rule_files = [Path(p) for p in options["rules"]]
    mail = MailSettings(
        sender=options["mail_from"],
        outbox=Path(options["outbox"]),
        smtp_host=options["smtp_host"],
        smtp_port=options["smtp_port"],
        smtp_user=os.environ.get("LAWFULREACH_SMTP_USER"),
        smtp_password=os.environ.get("LAWFULREACH_SMTP_PASSWORD"),
        smtp_security=SmtpSecurity(options.get("smtp_security", SmtpSecurity.AUTO)),
    )
    return ApiConfig(
        workspace=WorkspaceSettings(
            **{
                **options["workspace"],
                "key_file": _path(options["workspace"]["key_file"]),
                "max_clock_skew": timedelta(seconds=options["workspace"]["max_clock_skew"]),
                "outbox": Path(options["outbox"]),
            }
        ),
        rulebase=load_rulebase(rule_files) if rule_files else default_rulebase(),
        policy=SubscriberPolicy(options["policy"]) if options["policy"] else None,
        public_url=options["public_url"],
        allow_http_links=options.get("allow_http_links", False),
        key_cache_seconds=options["key_cache_seconds"],
        mail=mail,
        organisation=options["organisation"] or "the organisation that sent you this message",
        privacy_notice_url=options["privacy_notice"],
        dkim=_dkim_from_environment(),
    )


def _dkim_from_environment() -> DkimSigner | None:
    """The key ``POST /v1/sends`` signs with: ``LAWFULREACH_DKIM_KEY`` (a PEM file, 0600) with
    ``LAWFULREACH_DKIM_SELECTOR`` and ``LAWFULREACH_DKIM_DOMAIN``; None when no key is named."""
    from lawfulreach.errors import ConfigError
    from lawfulreach.outreach.dkim import DkimSigner

    key = os.environ.get("LAWFULREACH_DKIM_KEY")
    if not key:
        return None
    selector, domain = os.environ.get("LAWFULREACH_DKIM_SELECTOR"), os.environ.get("LAWFULREACH_DKIM_DOMAIN")
    if not selector or not domain:
        raise ConfigError("LAWFULREACH_DKIM_KEY needs LAWFULREACH_DKIM_SELECTOR and LAWFULREACH_DKIM_DOMAIN")
    return DkimSigner.load(Path(key), selector, domain)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def worker_app() -> FastAPI:
    """uvicorn factory for ``--workers N``: the app built from the options ``serve`` left in the environment."""
    from lawfulreach.api.app import create_app
    from lawfulreach.api.backend import Backend

    raw = os.environ.get(_ENV)
    if not raw:
        raise ConfigError(f"{_ENV} is not set; start the server with `lawfulreach serve`")
    _logging(json.loads(raw)["log_level"])
    return create_app(Backend.open(_config(json.loads(raw))))


def _logging(level: str) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("lawfulreach").setLevel(level.upper())


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", help="Worker processes (each holds its own rate limits)."),
    public_url: str | None = _PUBLIC_URL,
    outbox: Path | None = typer.Option(
        None, "--outbox", help="Directory for outgoing mail as .eml files (default: LAWFULREACH_OUTBOX or HOME/outbox)."
    ),
    smtp_host: str | None = typer.Option(None, "--smtp-host", help="Send mail through this SMTP server instead."),
    smtp_port: int = typer.Option(587, "--smtp-port", help="SMTP port."),
    smtp_security: SmtpSecurity = typer.Option(
        SmtpSecurity.AUTO,
        "--smtp-security",
        help="auto: STARTTLS when the server offers it; starttls: STARTTLS or no mail; ssl: TLS from the start (465).",
    ),
    mail_from: str | None = typer.Option(
        None, "--mail-from", help="Sender of verification mail (default: the profile's, `org set --mail-from`)."
    ),
    organisation: str | None = typer.Option(
        None, "--organisation", help="Organisation shown on the pages (default: the profile's, `org set --name`)."
    ),
    privacy_notice: str | None = typer.Option(
        None, "--privacy-notice", help="Privacy notice URL for the pages (default: the profile's)."
    ),
    forwarded_allow_ips: str | None = typer.Option(
        None, "--forwarded-allow-ips", help="Proxies trusted for X-Forwarded-For (rate limits use the client address)."
    ),
    key_cache_seconds: float = typer.Option(5.0, "--key-cache-seconds", help="How long a verified API key is kept."),
    log_level: str = typer.Option("info", "--log-level", help="debug, info, warning or error."),
    allow_http_links: bool = _ALLOW_HTTP,
) -> None:
    """Serve the HTTP API (/v1, OpenAPI at /v1/openapi.json) and the public pages."""
    import uvicorn

    cli: CliContext = ctx.obj
    settings = cli.settings()
    profile = cli.workspace().profiles.get()
    options: dict[str, Any] = {
        "workspace": {
            **asdict(settings),
            "key_file": str(settings.key_file) if settings.key_file else None,
            "max_clock_skew": settings.max_clock_skew.total_seconds(),
            "outbox": None,
        },
        "rules": [str(p) for p in cli.rule_files],
        # None: each tenant's stored setting (``settings set subscriber_policy``) decides
        "policy": override.value if (override := cli.policy_override()) else None,
        "public_url": public_url or (profile and profile.public_url) or f"http://{host}:{port}",
        "outbox": str(outbox or settings.outbox or home_dir(os.environ) / "outbox"),
        "smtp_host": smtp_host,
        "smtp_port": smtp_port,
        "smtp_security": smtp_security.value,
        "mail_from": mail_from or (profile and profile.mail_from) or FALLBACK_SENDER,
        "organisation": organisation or (profile and profile.organisation),
        "privacy_notice": privacy_notice or (profile and profile.privacy_notice_url),
        "key_cache_seconds": key_cache_seconds,
        "log_level": log_level,
        "allow_http_links": allow_http_links,
    }
    config = _config(options)  # validate everything before binding the port
    _logging(log_level)
    keys = ApiKeyRepo(cli.workspace().scope).list()
    typer.echo(f"lawfulreach API on http://{host}:{port}/v1 (docs: /v1/docs), pages on {config.public_url}")
    typer.echo(f"workspace: {settings.redacted_url}")
    missing = profile.missing() if profile else ["the whole organisation profile"]
    if missing:
        typer.echo(
            f"warning: tenant {cli.tenant!r}'s organisation profile is incomplete (missing {', '.join(missing)}): "
            "the public pages and mail fall back to placeholders; set it with `lawfulreach org set`",
            err=True,
        )
    if not any(k.revoked_at is None for k in keys):
        typer.echo(f"no API key for tenant {cli.tenant!r} yet: lawfulreach keys api create --role admin", err=True)
    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "access_log": False,
        "log_level": log_level,
        "proxy_headers": forwarded_allow_ips is not None,
        "forwarded_allow_ips": forwarded_allow_ips,
    }
    if workers > 1:
        os.environ[_ENV] = json.dumps(options)
        uvicorn.run("lawfulreach.cli.serve:worker_app", factory=True, workers=workers, **common)
        return
    from lawfulreach.api.app import create_app
    from lawfulreach.api.backend import Backend

    cli.close()
    backend = Backend.open(config)
    try:
        uvicorn.run(create_app(backend), **common)
    finally:
        backend.close()


def unsubscribe_headers(
    ctx: typer.Context,
    email: str | None = typer.Option(None, "--email", help="The recipient's email address."),
    phone: str | None = typer.Option(None, "--phone", help="The recipient's phone number (SMS links)."),
    country: str | None = typer.Option(None, "--country", help="Country to read a national-format phone with."),
    channel: str = typer.Option("email", "--channel", help="What one click opts out of: a channel, or all."),
    mailto: str | None = typer.Option(None, "--mailto", help="Also offer this mailto: unsubscribe address."),
    public_url: str | None = _PUBLIC_URL,
    allow_http_links: bool = _ALLOW_HTTP,
    as_json: bool = typer.Option(False, "--json", help="JSON with the URLs and both headers."),
) -> None:
    """The List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058) for one recipient."""
    cli: CliContext = ctx.obj
    who = subject(email, phone, country)
    ws = cli.workspace()
    codec = TokenCodec(workspace_key(cli.settings()))
    token = codec.issue(Recipient(ws.scope.tenant_id, who.kind, who.key, channel.strip().lower()))
    profile = ws.profiles.get()
    base = public_url or (profile and profile.public_url) or "http://127.0.0.1:8000"
    url = unsubscribe_url(base, token)
    headers = list_unsubscribe_headers(url, mailto, allow_http=allow_http_links)
    if as_json:
        out = {
            "unsubscribe_url": url,
            "preferences_url": preferences_url(base, token),
            "privacy_url": privacy_link(replace(profile, public_url=base), ws.tenant) if profile else None,
            "headers": headers,
        }
        typer.echo(json.dumps(out, indent=2))
        return
    for name, value in headers.items():
        typer.echo(f"{name}: {value}")
