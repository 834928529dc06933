"""The organisation behind a tenant, as the public pages show it to recipients.

The preference centre must tell a recipient which organisation holds their data and why, with a
link to its privacy notice (issue 5; GDPR Art. 13/14). Each tenant keeps that here; the pages fall
back to the server's defaults (``lawfulreach serve --organisation``) when a tenant has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from lawfulreach.errors import InputError
from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.models import Base, TenantScoped
from lawfulreach.store.scope import TenantScope


class TenantProfile(TenantScoped, Base):
    __tablename__ = "tenant_profiles"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(Text)
    privacy_notice_url: Mapped[str | None] = mapped_column(String(500))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    postal_address: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True, slots=True)
class Profile:
    organisation: str
    purpose: str | None = None
    privacy_notice_url: str | None = None
    contact_email: str | None = None
    postal_address: str | None = None

    def validated(self) -> Profile:
        if not self.organisation.strip():
            raise InputError("organisation must not be empty")
        url = self.privacy_notice_url
        if url and not url.startswith(("https://", "http://")):
            raise InputError("privacy_notice_url must be an http(s) URL")
        return self


class ProfileRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def get(self) -> Profile | None:
        with self._scope.reading() as session:
            row = session.scalar(select(TenantProfile))
            if row is None:
                return None
            return Profile(row.organisation, row.purpose, row.privacy_notice_url, row.contact_email, row.postal_address)

    def put(self, profile: Profile) -> Profile:
        profile = profile.validated()
        with self._scope.writing() as session:
            row = session.scalar(select(TenantProfile))
            if row is None:
                row = TenantProfile(tenant_id=self._scope.tenant_id)
                session.add(row)
            row.organisation = profile.organisation.strip()
            row.purpose = profile.purpose
            row.privacy_notice_url = profile.privacy_notice_url
            row.contact_email = profile.contact_email
            row.postal_address = profile.postal_address
            row.updated_at = self._scope.clock()
        return profile


__all__ = ["Profile", "ProfileRepo", "TenantProfile"]
