"""Console staff: the people who sign in to ``/console``, the tenants each may act for, their sessions.

Workspace-wide, like API keys are tenant-wide: one person of an agency may work for several tenants
(``console_memberships``), and switching between them is an explicit act of the session.

* **Passwords** are hashed with Argon2id (``argon2-cffi``'s defaults, RFC 9106's second recommended
  profile: 64 MiB, 3 passes) — unlike API keys, a password is chosen by a person and can be guessed
  from a dictionary, so the hash must be slow. A minimum strength is enforced (``check_password``).
* **Lock-out**: ``MAX_FAILURES`` wrong passwords within ``FAILURE_WINDOW`` lock the account for
  ``LOCK_TIME`` — even the right password is refused meanwhile, with the same message as a wrong one.
  (The per-address limiter lives in the console, beside the API's.)
* **Sessions** are rows: SHA-256 of a 256-bit random token (the cookie), the person, the tenant they
  are acting for, an absolute expiry (``SESSION_LIFETIME``) and an idle one (``IDLE_TIMEOUT``). A fast
  hash is right for the same reason as for API keys: the token is random. Signing out deletes the row.
  The CSRF token of a session is an HMAC of its token, so it needs no storage and dies with it.
* **Staff email addresses** are personal data of the operator's own employees. They are kept in the
  clear (they are the sign-in name, ``users list`` shows them, and the person is known to their
  employer anyway), never logged, and never written to the audit trail: the trail names an account
  by its public id (``console user 3f9a0c1d2e4b``), which stays pseudonymous once ``users remove``
  has deleted the row. ``docs/console.md`` says so.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CheckConstraint, Engine, ForeignKey, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lawfulreach.errors import InputError, NotFoundError
from lawfulreach.store.api_keys import ROLES, check_role
from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.db import translated, writer
from lawfulreach.store.errors import UnknownTenantError
from lawfulreach.store.models import Base, Tenant

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_TIME = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)
IDLE_TIMEOUT = timedelta(minutes=30)
#: how stale ``last_seen_at`` may get before a request refreshes it (one write a minute, not one per page)
_TOUCH_EVERY = timedelta(seconds=60)

#: Passwords people pick first; long enough to pass the length rule, so refused by name.
COMMON_PASSWORDS = frozenset(
    {
        "password1234",
        "password12345",
        "password123456",
        "passwordpassword",
        "123456789012",
        "1234567890123",
        "12345678901234",
        "qwertyuiop12",
        "qwertyuiop123",
        "qwerty123456",
        "iloveyou1234",
        "letmein12345",
        "welcome12345",
        "administrator",
        "admin1234567",
        "changeme1234",
        "trustno11234",
        "abcdefghijkl",
        "abc123456789",
        "111111111111",
        "000000000000",
        "aaaaaaaaaaaa",
        "correcthorsebatterystaple",
        "lawfulreach1",
        "lawfulreach123",
        "compliance123",
        "privacy12345",
        "summer2026!!",
        "winter2026!!",
    }
)

#: Argon2id, RFC 9106's second recommended (low-memory) profile: 3 passes over 64 MiB, 4 lanes
DEFAULT_HASHER = PasswordHasher()
_hasher = DEFAULT_HASHER


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Hash (and re-hash on sign-in) with ``hasher`` from now on. For the test suite, which signs in
    hundreds of times: the same Argon2id with a small memory and time cost. The default is what a
    deployment must use; a hash made with other parameters is upgraded at the next sign-in."""
    global _hasher
    _hasher = hasher
    _dummy_hash.cache_clear()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified when the email is unknown, so a wrong address costs as long as a wrong password (made
    on first use, not at import: every command imports the store)."""
    return _hasher.hash(secrets.token_urlsafe(16))


class ConsoleUser(Base):
    __tablename__ = "console_users"
    __table_args__ = (
        UniqueConstraint("user_id"),
        UniqueConstraint("email"),
        CheckConstraint("role IN ('admin', 'compliance', 'marketer', 'readonly')", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: public id (12 hex digits): what the audit trail names, never the email
    user_id: Mapped[str] = mapped_column(String(12))
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(12))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    failures: Mapped[int] = mapped_column(Integer, default=0)
    failures_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ConsoleMembership(Base):
    __tablename__ = "console_memberships"
    # named as migration 0012 created it (the convention would append the second column)
    __table_args__ = (UniqueConstraint("user_pk", "tenant_id", name="uq_console_memberships_user_pk"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("console_users.id", ondelete="CASCADE"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))


class ConsoleSession(Base):
    __tablename__ = "console_sessions"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_pk: Mapped[int] = mapped_column(ForeignKey("console_users.id", ondelete="CASCADE"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SignInRefusedError(InputError):
    """Wrong email or password, or a locked account: one message for all three (no account probing)."""

    def __init__(self) -> None:
        super().__init__("wrong email address or password (after 5 wrong attempts an account is locked for 15 minutes)")


@dataclass(frozen=True, slots=True)
class StaffInfo:
    user_id: str
    email: str
    role: str
    tenants: tuple[str, ...]
    created_at: datetime
    locked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session: who, in which role, acting for which tenant, and which tenants they may switch to."""

    user_id: str
    email: str
    role: str
    tenant_id: int
    tenant: str
    #: (tenant id, name) of every tenant this person belongs to, by name
    tenants: tuple[tuple[int, str], ...]
    #: this session's CSRF token (every form carries it)
    csrf: str

    @property
    def actor(self) -> str:
        """How the audit trail names this person."""
        return f"console user {self.user_id}"


def check_password(password: str, email: str = "") -> None:
    """A minimum strength: ≥ 12 characters, not a well-known password, not the address itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(f"a password has at most {MAX_PASSWORD_LENGTH} characters")
    folded = password.strip().lower()
    if folded in COMMON_PASSWORDS or len(set(folded)) < 4:
        raise InputError("that password is too common or too simple; choose a long passphrase")
    if email and folded in (email.lower(), email.lower().split("@")[0]):
        raise InputError("a password may not be the email address")


def check_email(email: str) -> str:
    value = email.strip().lower()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or len(value) > 320 or any(c.isspace() for c in value):
        raise InputError(f"{email.strip()[:80]!r} is not an email address")
    return value


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def csrf_for(token: str) -> str:
    """The CSRF token of the session whose cookie is ``token`` (an HMAC: nothing to store)."""
    return hmac.new(token.encode("utf-8", "replace"), b"lawfulreach/console-csrf", "sha256").hexdigest()


class StaffRepo:
    """Console accounts and sessions of one workspace (``users …`` and the console's sign-in)."""

    def __init__(self, engine: Engine, url: str, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._url = url
        self._clock = clock

    # --- accounts (``lawfulreach users``) ------------------------------------------------------------
    def _session(self, write: bool = False) -> Session:
        return Session(writer(self._engine) if write else self._engine)

    def _tenant_ids(self, session: Session, names: Iterable[str]) -> list[int]:
        ids = []
        for name in dict.fromkeys(n.strip() for n in names):
            found = session.scalar(select(Tenant.id).where(Tenant.name == name))
            if found is None:
                raise UnknownTenantError(name)
            ids.append(found)
        return ids

    def _user(self, session: Session, email: str) -> ConsoleUser:
        row = session.scalar(select(ConsoleUser).where(ConsoleUser.email == check_email(email)))
        if row is None:
            raise NotFoundError("no console user has that email address (see `lawfulreach users list`)")
        return row

    def add(self, email: str, role: str, password: str, tenants: Sequence[str]) -> StaffInfo:
        address = check_email(email)
        role = check_role(role)
        check_password(password, address)
        if not tenants:
            raise InputError("a console user needs at least one tenant (--tenant)")
        digest = _hasher.hash(password)
        with translated(self._url), self._session(write=True) as session, session.begin():
            if session.scalar(select(ConsoleUser.id).where(ConsoleUser.email == address)) is not None:
                raise InputError("a console user with that email address exists already")
            ids = self._tenant_ids(session, tenants)
            row = ConsoleUser(
                user_id=secrets.token_hex(6),
                email=address,
                role=role,
                password_hash=digest,
                created_at=self._clock(),
                failures=0,
            )
            session.add(row)
            session.flush()
            session.add_all(ConsoleMembership(user_pk=row.id, tenant_id=t) for t in ids)
            session.flush()
            return self._info(session, row)

    def _info(self, session: Session, row: ConsoleUser) -> StaffInfo:
        names = session.scalars(
            select(Tenant.name)
            .join(ConsoleMembership, ConsoleMembership.tenant_id == Tenant.id)
            .where(ConsoleMembership.user_pk == row.id)
            .order_by(Tenant.name)
        )
        return StaffInfo(row.user_id, row.email, row.role, tuple(names), row.created_at, row.locked_until)

    def list(self) -> list[StaffInfo]:
        with translated(self._url), self._session() as session:
            return [self._info(session, r) for r in session.scalars(select(ConsoleUser).order_by(ConsoleUser.email))]

    def names(self, user_ids: Iterable[str]) -> dict[str, str]:
        """``console user <id>`` → email, for showing actors on the console's audit page."""
        wanted = list(set(user_ids))
        if not wanted:
            return {}
        with translated(self._url), self._session() as session:
            rows = session.execute(
                select(ConsoleUser.user_id, ConsoleUser.email).where(ConsoleUser.user_id.in_(wanted))
            )
            return {f"console user {uid}": email for uid, email in rows}

    def remove(self, email: str) -> StaffInfo:
        """Delete the account, its memberships and its sessions (signed out everywhere at once)."""
        with translated(self._url), self._session(write=True) as session, session.begin():
            row = self._user(session, email)
            info = self._info(session, row)
            session.execute(delete(ConsoleSession).where(ConsoleSession.user_pk == row.id))
            session.execute(delete(ConsoleMembership).where(ConsoleMembership.user_pk == row.id))
            session.delete(row)
            return info

    def set_role(self, email: str, role: str) -> StaffInfo:
        with translated(self._url), self._session(write=True) as session, session.begin():
            row = self._user(session, email)
            row.role = check_role(role)
            return self._info(session, row)

    def add_tenant(self, email: str, tenants: Sequence[str]) -> StaffInfo:
        with translated(self._url), self._session(write=True) as session, session.begin():
            row = self._user(session, email)
            held = set(session.scalars(select(ConsoleMembership.tenant_id).where(ConsoleMembership.user_pk == row.id)))
            for tenant_id in self._tenant_ids(session, tenants):
                if tenant_id not in held:
                    session.add(ConsoleMembership(user_pk=row.id, tenant_id=tenant_id))
            session.flush()
            return self._info(session, row)

    def set_password(self, email: str, password: str) -> StaffInfo:
        """A new password; every session of the account ends (and any lock-out is lifted)."""
        with translated(self._url), self._session(write=True) as session, session.begin():
            row = self._user(session, email)
            check_password(password, row.email)
            row.password_hash = _hasher.hash(password)
            row.failures, row.failures_since, row.locked_until = 0, None, None
            session.execute(delete(ConsoleSession).where(ConsoleSession.user_pk == row.id))
            return self._info(session, row)

    # --- sign-in and sessions ------------------------------------------------------------------------
    def sign_in(self, email: str, password: str) -> str:
        """A new session's token for the right password of an unlocked account; ``SignInRefusedError``
        otherwise (the failure counted against the account). The session acts for the person's first
        tenant by name until they switch."""
        now = self._clock()
        try:
            address = check_email(email)
        except InputError:
            raise SignInRefusedError() from None
        password = password[:MAX_PASSWORD_LENGTH]
        with translated(self._url), self._session(write=True) as session, session.begin():
            row = session.scalar(select(ConsoleUser).where(ConsoleUser.email == address))
            if row is None:
                _verify(_dummy_hash(), password)
                raise SignInRefusedError()
            locked = row.locked_until is not None and row.locked_until > now
            if locked or not _verify(row.password_hash, password):
                if not locked:
                    self._count_failure(row, now)
                session.commit()
                raise SignInRefusedError()
            row.failures, row.failures_since, row.locked_until = 0, None, None
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
            first = session.scalar(
                select(Tenant.id)
                .join(ConsoleMembership, ConsoleMembership.tenant_id == Tenant.id)
                .where(ConsoleMembership.user_pk == row.id)
                .order_by(Tenant.name)
                .limit(1)
            )
            if first is None:
                raise SignInRefusedError()
            token = secrets.token_urlsafe(32)
            session.add(
                ConsoleSession(
                    token_hash=_token_hash(token),
                    user_pk=row.id,
                    tenant_id=first,
                    created_at=now,
                    expires_at=now + SESSION_LIFETIME,
                    last_seen_at=now,
                )
            )
            # old sessions of this person that have ended are cleared as a new one starts
            session.execute(
                delete(ConsoleSession).where(ConsoleSession.user_pk == row.id, ConsoleSession.expires_at <= now)
            )
        return token

    @staticmethod
    def _count_failure(row: ConsoleUser, now: datetime) -> None:
        if row.failures_since is None or now - row.failures_since > FAILURE_WINDOW:
            row.failures, row.failures_since = 0, now
        row.failures += 1
        if row.failures >= MAX_FAILURES:
            row.locked_until = now + LOCK_TIME
            row.failures, row.failures_since = 0, None

    def session(self, token: str) -> SignedIn | None:
        """The live session of a cookie, or None (unknown, expired, idle too long, or its person removed)."""
        now = self._clock()
        with translated(self._url), self._session(write=True) as session, session.begin():
            found = session.execute(
                select(ConsoleSession, ConsoleUser)
                .join(ConsoleUser, ConsoleUser.id == ConsoleSession.user_pk)
                .where(ConsoleSession.token_hash == _token_hash(token))
            ).first()
            if found is None:
                return None
            row, user = found
            if row.expires_at <= now or now - row.last_seen_at > IDLE_TIMEOUT:
                session.delete(row)
                return None
            tenants = tuple(
                (tid, name)
                for tid, name in session.execute(
                    select(Tenant.id, Tenant.name)
                    .join(ConsoleMembership, ConsoleMembership.tenant_id == Tenant.id)
                    .where(ConsoleMembership.user_pk == user.id)
                    .order_by(Tenant.name)
                )
            )
            current = dict(tenants).get(row.tenant_id)
            if current is None:  # no longer a member of the tenant the session acted for
                session.delete(row)
                return None
            if now - row.last_seen_at > _TOUCH_EVERY:
                row.last_seen_at = now
            return SignedIn(user.user_id, user.email, user.role, row.tenant_id, current, tenants, csrf_for(token))

    def switch_tenant(self, token: str, tenant_id: int) -> None:
        """Act for another tenant of the same person; ``NotFoundError`` for one they do not belong to."""
        with translated(self._url), self._session(write=True) as session, session.begin():
            row = session.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token)))
            if row is None:
                raise NotFoundError("the session has ended; sign in again")
            member = session.scalar(
                select(ConsoleMembership.id).where(
                    ConsoleMembership.user_pk == row.user_pk, ConsoleMembership.tenant_id == tenant_id
                )
            )
            if member is None:
                raise NotFoundError("you do not belong to that tenant")
            row.tenant_id = tenant_id

    def sign_out(self, token: str) -> None:
        with translated(self._url), self._session(write=True) as session, session.begin():
            session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token)))


def _verify(digest: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(digest, password))
    except (VerificationError, InvalidHashError):
        return False


__all__ = [
    "ROLES",
    "ConsoleMembership",
    "ConsoleSession",
    "ConsoleUser",
    "SignInRefusedError",
    "SignedIn",
    "StaffInfo",
    "StaffRepo",
    "check_password",
    "csrf_for",
]
