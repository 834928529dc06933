"""Where a workspace lives: database URL, tenant, and where its secret key is kept.

Resolved once, at the edge (the CLI or the caller), from explicit values and the environment; the rest
of the store only sees the resulting value object.

Default location: ``$LAWFULREACH_HOME/workspace.sqlite`` with ``LAWFULREACH_HOME`` defaulting to
``~/.lawfulreach``. Deliberately not relative to the current directory: a workspace that changed with
the directory a command was run from would silently miss every opt-out recorded elsewhere.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from lawfulreach.errors import ConfigError, InputError

DEFAULT_TENANT = "default"
_TENANT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def validate_tenant(name: str) -> str:
    if not _TENANT_RE.match(name):
        raise InputError(
            f"tenant name {name!r} is not valid: use letters, digits, '.', '_' or '-' (at most 100 characters)"
        )
    return name


def validate_actor(name: str) -> str:
    """Who acts, as the audit trail records it: 1–100 printable characters."""
    text = name.strip()
    if not text or len(text) > 100 or not text.isprintable():
        raise InputError(f"actor {name!r} is not valid: give 1 to 100 printable characters")
    return text


def default_actor() -> str:
    """The operating-system user running the command (the audit trail's actor when none is given)."""
    try:
        return validate_actor(getpass.getuser())
    except (OSError, KeyError, InputError):  # no passwd entry (containers) or an odd name
        return "unknown"


def home_dir(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("LAWFULREACH_HOME") or "~/.lawfulreach").expanduser()


def normalise_url(raw: str) -> str:
    """A SQLAlchemy URL; a bare path means an SQLite file; ``postgresql://`` gets the psycopg 3 driver."""
    text = raw.strip()
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    try:
        url = make_url(text)
    except ArgumentError:
        raise ConfigError(f"not a database URL: {text!r}") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql")
    return url.render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL, or None (PostgreSQL, in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def default_key_file(url: str, home: Path) -> Path:
    """Next to an SQLite file (``workspace.sqlite`` → ``workspace.key``); else under ``$LAWFULREACH_HOME/keys``."""
    path = sqlite_path(url)
    if path is not None:
        return path.with_suffix(".key")
    parsed: URL = make_url(url)
    parts = [parsed.get_backend_name(), parsed.host or "local", str(parsed.port or ""), parsed.database or ""]
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", "-".join(p for p in parts if p))
    return home / "keys" / f"{stem}.key"


@dataclass(frozen=True)
class WorkspaceSettings:
    url: str
    tenant: str = DEFAULT_TENANT
    #: where the workspace secret key is read from (and written to, when the workspace is created)
    key_file: Path | None = None
    #: the key itself (``LAWFULREACH_SECRET_KEY``, base64 or hex, or a key ring); wins over ``key_file``
    secret_key: str | None = None
    #: who acts, for the audit trail (given by the caller or ``LAWFULREACH_ACTOR``; default: the OS user)
    actor: str | None = None
    #: where ``serve`` writes verification mail (``LAWFULREACH_OUTBOX``, else ``$LAWFULREACH_HOME/outbox``):
    #: erasure removes the person's mail from it too
    outbox: Path | None = None

    @classmethod
    def resolve(
        cls,
        db_url: str | None = None,
        tenant: str | None = None,
        environ: Mapping[str, str] | None = None,
        actor: str | None = None,
    ) -> WorkspaceSettings:
        env = os.environ if environ is None else environ
        home = home_dir(env)
        url = normalise_url(db_url or env.get("LAWFULREACH_DATABASE_URL") or str(home / "workspace.sqlite"))
        key_file = env.get("LAWFULREACH_KEY_FILE")
        return cls(
            url=url,
            tenant=validate_tenant(tenant or env.get("LAWFULREACH_TENANT") or DEFAULT_TENANT),
            key_file=Path(key_file).expanduser() if key_file else default_key_file(url, home),
            secret_key=env.get("LAWFULREACH_SECRET_KEY") or None,
            actor=validate_actor(actor or env.get("LAWFULREACH_ACTOR") or default_actor()),
            outbox=Path(env.get("LAWFULREACH_OUTBOX") or home / "outbox").expanduser(),
        )

    @property
    def redacted_url(self) -> str:
        return redacted(self.url)
