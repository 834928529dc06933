"""The organisation behind a tenant: who writes to recipients, from where, and where they read more.

Every message must name its sender and link to the privacy notice; the public pages must tell a
recipient which organisation holds their data and why (GDPR Art. 13/14, PECR reg. 23, CAN-SPAM's
postal address). Each tenant keeps that here — set with ``lawfulreach org set`` or
``PUT /v1/organisation`` — and ``serve``, ``unsubscribe-headers`` and the public pages read it; the
server's options are only a fallback for a tenant that has none.

Values are validated on the way in, never repaired: a URL must be absolute http(s) with a host and
no whitespace (these end up in mail headers and links), addresses must be email addresses, and
text fields carry no control characters except line breaks in the postal address. Every change is
on the audit trail with the names of the fields changed (no values: a contact email may be a
person's).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from lawfulreach.errors import InputError
from lawfulreach.store import audit
from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.models import Base, TenantScoped
from lawfulreach.store.scope import TenantScope

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


class TenantProfile(TenantScoped, Base):
    __tablename__ = "tenant_profiles"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(Text)
    privacy_notice_url: Mapped[str | None] = mapped_column(String(500))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    postal_address: Mapped[str | None] = mapped_column(Text)
    public_url: Mapped[str | None] = mapped_column(String(500))
    mail_from: Mapped[str | None] = mapped_column(String(320))
    country: Mapped[str | None] = mapped_column(String(2))
    data_source: Mapped[str | None] = mapped_column(Text)
    recipients: Mapped[str | None] = mapped_column(Text)
    retention: Mapped[str | None] = mapped_column(Text)
    dpo_email: Mapped[str | None] = mapped_column(String(320))
    supervisory_authority: Mapped[str | None] = mapped_column(String(200))
    supervisory_authority_url: Mapped[str | None] = mapped_column(String(500))
    data_categories: Mapped[str | None] = mapped_column(Text)
    transfers: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


#: what a lawful message and the public pages need, with the words a person reads in a warning
NEEDED = {
    "organisation": "organisation name",
    "postal_address": "postal address",
    "privacy_notice_url": "privacy notice URL",
    "public_url": "public URL of the unsubscribe pages",
    "mail_from": "sender address (mail from)",
}

#: what the generated privacy notice (GDPR Art. 14) needs when the organisation has no notice of its
#: own (no ``privacy_notice_url``); a gap is shown on the notice as "not provided", never invented
NOTICE_NEEDED = {
    "postal_address": "privacy notice: postal address",
    "contact_email": "privacy notice: privacy contact (contact email)",
    "purpose": "privacy notice: purposes",
    "data_source": "privacy notice: source of the data",
    "data_categories": "privacy notice: categories of personal data",
    "recipients": "privacy notice: recipients",
    "retention": "privacy notice: retention period",
    "transfers": "privacy notice: transfers outside the UK/EEA (or that there are none)",
    "country": "privacy notice: the organisation's country (for the supervisory authority)",
}
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _url(name: str, value: str, *, https_only: bool) -> str:
    text = value.strip()
    if not text or any(c.isspace() for c in text) or _CONTROL.search(text):
        raise InputError(f"{name} {value!r} is not a URL: it is empty or contains spaces or control characters")
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InputError(f"{name} {value!r} must be an absolute http(s) URL such as https://example.com/privacy")
    if https_only and parts.scheme != "https" and parts.hostname not in _LOOPBACK:
        raise InputError(f"{name} {value!r} must use https (one-click unsubscribe requires it: RFC 8058 §3.1)")
    return text


def _address(name: str, value: str) -> str:
    try:
        return str(validate_email(value.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise InputError(f"{name} {value!r} is not an email address: {exc}") from None


def _text(name: str, value: str, limit: int, *, lines: bool = False) -> str:
    text = value.strip()
    if not lines and ("\n" in text or "\r" in text):
        raise InputError(f"{name} must be one line")
    if _CONTROL.search(text):
        raise InputError(f"{name} contains control characters")
    if len(text) > limit:
        raise InputError(f"{name} is longer than {limit} characters")
    return text


def _optional(name: str, value: str | None, limit: int, *, lines: bool = False) -> str | None:
    return (_text(name, value, limit, lines=lines) or None) if value else None


def _country(value: str) -> str:
    code = value.strip().upper()
    if not _COUNTRY.match(code):
        raise InputError(f"country {value!r} must be a two-letter ISO 3166-1 code such as GB or DE")
    return code


@dataclass(frozen=True, slots=True)
class Profile:
    organisation: str
    purpose: str | None = None
    privacy_notice_url: str | None = None
    contact_email: str | None = None
    postal_address: str | None = None
    public_url: str | None = None
    mail_from: str | None = None
    #: ISO 3166-1 alpha-2 country of the organisation's (main) establishment: picks the default
    #: supervisory authority the notice names
    country: str | None = None
    #: where recipients' data comes from (GDPR Art. 14(2)(f))
    data_source: str | None = None
    #: who receives it (Art. 14(1)(e)): processors, group companies
    recipients: str | None = None
    #: how long it is kept, or the criteria (Art. 14(2)(a))
    retention: str | None = None
    #: the data protection officer's address when it is not ``contact_email`` (Art. 14(1)(b))
    dpo_email: str | None = None
    #: the supervisory authority to complain to, when not the default for ``country``
    supervisory_authority: str | None = None
    supervisory_authority_url: str | None = None
    #: the categories of personal data concerned (Art. 14(1)(d)): a prospect cannot know them, since
    #: the data was not collected from them
    data_categories: str | None = None
    #: transfers to a third country and the safeguard relied on, or that there are none (Art. 14(1)(f))
    transfers: str | None = None

    def validated(self) -> Profile:
        """The profile with every value checked (``InputError`` naming the field) and trimmed."""
        name = _text("organisation", self.organisation, 200)
        if not name:
            raise InputError("organisation must not be empty")
        return Profile(
            organisation=name,
            purpose=_text("purpose", self.purpose, 2000, lines=True) or None if self.purpose else None,
            privacy_notice_url=(
                _url("privacy notice URL", self.privacy_notice_url, https_only=False)
                if self.privacy_notice_url
                else None
            ),
            contact_email=_address("contact email", self.contact_email) if self.contact_email else None,
            postal_address=(
                _text("postal address", self.postal_address, 1000, lines=True) or None if self.postal_address else None
            ),
            public_url=_url("public URL", self.public_url, https_only=True).rstrip("/") if self.public_url else None,
            mail_from=_address("mail from", self.mail_from) if self.mail_from else None,
            country=_country(self.country) if self.country else None,
            data_source=_optional("data source", self.data_source, 2000, lines=True),
            recipients=_optional("recipients", self.recipients, 2000, lines=True),
            retention=_optional("retention", self.retention, 1000, lines=True),
            dpo_email=_address("DPO email", self.dpo_email) if self.dpo_email else None,
            supervisory_authority=_optional("supervisory authority", self.supervisory_authority, 200),
            supervisory_authority_url=(
                _url("supervisory authority URL", self.supervisory_authority_url, https_only=False)
                if self.supervisory_authority_url
                else None
            ),
            data_categories=_optional("data categories", self.data_categories, 2000, lines=True),
            transfers=_optional("transfers", self.transfers, 2000, lines=True),
        )

    def missing(self) -> list[str]:
        """What a lawful message or the public pages still lack, in words (empty: complete)."""
        gaps = [words for name, words in NEEDED.items() if not getattr(self, name)]
        if not self.privacy_notice_url and self.public_url:
            gaps.remove(NEEDED["privacy_notice_url"])  # the generated notice at <public_url>/privacy stands in
        return gaps

    def notice_missing(self) -> list[str]:
        """What the generated privacy notice lacks (shown there as "not provided"); nothing when the
        organisation links to a notice of its own (``privacy_notice_url``: that one wins)."""
        if self.privacy_notice_url:
            return []
        gaps = [words for name, words in NOTICE_NEEDED.items() if not getattr(self, name)]
        if not self.country and self.supervisory_authority:
            gaps.remove(NOTICE_NEEDED["country"])  # the authority is named; the country only picked it
        return gaps


PROFILE_FIELDS = tuple(f.name for f in fields(Profile))

#: how a person reads each field (``org show``, the console's organisation page)
PROFILE_LABELS = {
    "organisation": "Name",
    "purpose": "Purpose",
    "privacy_notice_url": "Privacy notice",
    "contact_email": "Privacy contact",
    "postal_address": "Postal address",
    "public_url": "Public URL",
    "mail_from": "Mail from",
    "country": "Country",
    "data_source": "Data source",
    "recipients": "Recipients",
    "retention": "Retention",
    "dpo_email": "DPO",
    "supervisory_authority": "Authority",
    "supervisory_authority_url": "Authority URL",
    "data_categories": "Data categories",
    "transfers": "Transfers",
}


class ProfileRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def get(self) -> Profile | None:
        with self._scope.reading() as session:
            row = session.scalar(select(TenantProfile))
            return None if row is None else _profile(row)

    def changed_at(self) -> datetime | None:
        """When the profile's content last changed (None: no profile)."""
        with self._scope.reading() as session:
            row = session.scalar(select(TenantProfile))
            return None if row is None else row.updated_at

    def put(self, profile: Profile) -> Profile:
        """Replace the whole profile (what ``PUT /v1/organisation`` means)."""
        return self._write(lambda _current: profile)

    def update(self, **changes: Any) -> Profile:
        """Change the named fields only (``org set``); a value of ``""`` clears an optional field.
        The organisation name is required the first time."""
        unknown = set(changes) - set(PROFILE_FIELDS)
        if unknown:
            raise InputError(f"unknown organisation field(s): {', '.join(sorted(unknown))}")
        cleaned: dict[str, Any] = {k: (v if v != "" else None) for k, v in changes.items()}

        def change(current: Profile | None) -> Profile:
            if current is None:
                if not cleaned.get("organisation"):
                    raise InputError("the organisation has no profile yet: give its name (--name)")
                return Profile(**cleaned)
            if "organisation" in cleaned and not cleaned["organisation"]:
                raise InputError("organisation must not be empty")
            return replace(current, **cleaned)

        return self._write(change)

    def _write(self, change: Callable[[Profile | None], Profile]) -> Profile:
        with self._scope.writing() as session:
            row = session.scalar(select(TenantProfile))
            current = None if row is None else _profile(row)
            profile = change(current).validated()
            changed = [n for n in PROFILE_FIELDS if current is None or getattr(current, n) != getattr(profile, n)]
            if row is None:
                row = TenantProfile(tenant_id=self._scope.tenant_id)
                session.add(row)
            for name in PROFILE_FIELDS:
                setattr(row, name, getattr(profile, name))
            if changed:
                row.updated_at = self._scope.clock()  # when the content last changed (the notice's date)
                audit.record(session, self._scope, "org.update", details={"fields": changed})
        return profile


def _profile(row: TenantProfile) -> Profile:
    return Profile(**{name: getattr(row, name) for name in PROFILE_FIELDS})


__all__ = ["NEEDED", "NOTICE_NEEDED", "PROFILE_FIELDS", "PROFILE_LABELS", "Profile", "ProfileRepo", "TenantProfile"]
