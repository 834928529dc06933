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
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from lawfulreach.errors import ConfigError, InputError

DEFAULT_TENANT = "default"
#: how far ahead of the server's clock a claimed event time may be by default (ordinary clock skew)
DEFAULT_MAX_SKEW = timedelta(minutes=5)
#: the most a workspace may allow (beyond a day a "skew" is a wrong clock or a forged date)
MAX_MAX_SKEW = timedelta(days=1)
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


def parse_skew(raw: str) -> timedelta:
    """``LAWFULREACH_MAX_CLOCK_SKEW``: whole seconds, 0 to one day."""
    text = raw.strip().lower().removesuffix("s")
    if not text.isdigit() or timedelta(seconds=int(text)) > MAX_MAX_SKEW:
        most = int(MAX_MAX_SKEW.total_seconds())
        raise ConfigError(f"LAWFULREACH_MAX_CLOCK_SKEW {raw!r} is not a number of seconds between 0 and {most}")
    return timedelta(seconds=int(text))


def home_dir(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("LAWFULREACH_HOME") or "~/.lawfulreach").expanduser()


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
_SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def _looks_like_a_path(text: str) -> bool:
    """A path the user evidently means as an SQLite file: it has a directory part, starts with ``~``
    or ``.``, or ends in an SQLite suffix. ``nonsense`` (or ``postgres``, a forgotten URL) does not:
    taken as a relative file it would silently create an empty workspace in the current directory,
    and every opt-out recorded in the real one would be missed."""
    if _SCHEME.match(text):  # ``localhost:5432/db``, ``postgresql:/x``: a URL written wrong
        return False
    return "/" in text or os.sep in text or text.startswith(("~", ".")) or text.lower().endswith(_SQLITE_SUFFIXES)


def normalise_url(raw: str) -> str:
    """A SQLAlchemy URL; a path means an SQLite file; ``postgresql://`` gets the psycopg 3 driver.

    Anything else is a ``ConfigError``: a bare word is not taken for a file name."""
    text = raw.strip()
    if "://" not in text:
        if not text or not _looks_like_a_path(text):
            raise ConfigError(
                f"not a database URL or SQLite file path: {text!r} (give postgresql://user@host/db, "
                "sqlite:///path/to/workspace.sqlite, or a path such as ./workspace.sqlite)"
            )
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
    #: how far ahead of this machine's clock a recorded event may claim to have happened
    #: (``LAWFULREACH_MAX_CLOCK_SKEW``, seconds; default 5 minutes)
    max_clock_skew: timedelta = DEFAULT_MAX_SKEW
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
        skew = env.get("LAWFULREACH_MAX_CLOCK_SKEW")
        return cls(
            url=url,
            tenant=validate_tenant(tenant or env.get("LAWFULREACH_TENANT") or DEFAULT_TENANT),
            key_file=Path(key_file).expanduser() if key_file else default_key_file(url, home),
            secret_key=env.get("LAWFULREACH_SECRET_KEY") or None,
            actor=validate_actor(actor or env.get("LAWFULREACH_ACTOR") or default_actor()),
            max_clock_skew=parse_skew(skew) if skew else DEFAULT_MAX_SKEW,
            outbox=Path(env.get("LAWFULREACH_OUTBOX") or home / "outbox").expanduser(),
        )

    @property
    def redacted_url(self) -> str:
        return redacted(self.url)
