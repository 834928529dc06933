"""The generated privacy notice of a tenant: its profile and stored campaigns, read and handed to
``domain.notice.build_notice`` (``lawfulreach org notice``, ``GET /v1/organisation/notice``, ``/privacy``).

Which notice a message and the public pages link to: the organisation's own (``privacy_notice_url``)
when it has one — that wins — else this generated one at ``<public_url>/privacy`` (``/t/<tenant>/privacy``
for a tenant other than the default). ``/privacy`` always renders the generated notice.
"""

from __future__ import annotations

from lawfulreach.domain.notice import PrivacyNotice, build_notice
from lawfulreach.rules.notice import supervisory_authorities
from lawfulreach.store.profiles import Profile
from lawfulreach.store.settings import DEFAULT_TENANT
from lawfulreach.store.workspace import Workspace

__all__ = ["intake_path", "notice_path", "notice_url", "privacy_link", "tenant_notice"]


def notice_path(tenant: str) -> str:
    return "/privacy" if tenant == DEFAULT_TENANT else f"/t/{tenant}/privacy"


def intake_path(tenant: str) -> str:
    return "/privacy-request" if tenant == DEFAULT_TENANT else f"/t/{tenant}/privacy-request"


def notice_url(public_url: str | None, tenant: str) -> str | None:
    """Where the generated notice is served (None: the organisation has no public URL yet)."""
    return f"{public_url.rstrip('/')}{notice_path(tenant)}" if public_url else None


def privacy_link(profile: Profile, tenant: str) -> str | None:
    """The privacy-notice link messages and pages carry: the organisation's own, else the generated one."""
    return profile.privacy_notice_url or notice_url(profile.public_url, tenant)


def tenant_notice(workspace: Workspace, profile: Profile, tenant: str, public_url: str | None = None) -> PrivacyNotice:
    """The generated notice for ``tenant`` (``public_url`` overrides the profile's: ``serve``'s option)."""
    base = public_url or profile.public_url
    records = [r for r in workspace.campaigns.list() if r.archived_at is None]
    changed = [t for t in (workspace.profiles.changed_at(), *(r.updated_at for r in records)) if t is not None]
    return build_notice(
        profile,
        [r.campaign for r in records],
        supervisory_authorities(),
        intake_url=f"{base.rstrip('/')}{intake_path(tenant)}" if base else None,
        url=notice_url(base, tenant),
        effective=max(changed).date() if changed else None,
    )
