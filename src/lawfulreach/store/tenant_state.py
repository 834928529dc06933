"""The engine's ``TenantState`` read from the workspace, one indexed query per question.

Nothing is cached: every call reads the committed state, so an opt-out recorded a moment ago decides
the very next check. Where semantics could drift from the reference ``InMemoryState`` (subdomain
cover, ``all`` opt-outs, which consent wins), the rows found are loaded into an ``InMemoryState`` and
it answers — the store only decides *which* rows to fetch.

The engine hands over normalised keys; the store matches their blind indexes (``TenantScope.index``)
and decrypts nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from lawfulreach.domain.state import ConsentRecord, InMemoryState, RegisterInfo, parent_domains
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.store.dnc import DncRepo
from lawfulreach.store.erasure import erased_hashes
from lawfulreach.store.ledger import LedgerRepo
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.suppression import SuppressionRepo


class StoreState:
    """A ``TenantState`` over one tenant of a workspace."""

    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope
        self._suppressions = SuppressionRepo(scope)
        self._ledger = LedgerRepo(scope)
        self._dnc = DncRepo(scope)

    def is_erased(self, email: str | None, phone: str | None) -> bool:
        return bool(erased_hashes(self._scope, [k for k in (email, phone) if k]))

    def suppression_hits(self, email: str | None, domain: str | None, phone: str | None) -> tuple[bool, bool, bool]:
        domains = parent_domains(domain) if domain else []
        found = self._suppressions.hits(email, domains, phone)
        mem = InMemoryState(
            suppressed_emails={v for k, v in found if k == "email"},
            suppressed_domains={v for k, v in found if k == "domain"},
            suppressed_phones={v for k, v in found if k == "phone"},
        )
        return mem.suppression_hits(email, domain, phone)

    def _ledger_view(self, email: str | None, phone: str | None) -> InMemoryState:
        return self._ledger.current((email, phone)).into(InMemoryState())

    def is_opted_out(self, email: str | None, phone: str | None, channel: Channel) -> bool:
        return self._ledger_view(email, phone).is_opted_out(email, phone, channel)

    def consent_for(
        self, email: str | None, phone: str | None, channel: Channel, purposes: Iterable[str]
    ) -> ConsentRecord | None:
        return self._ledger_view(email, phone).consent_for(email, phone, channel, purposes)

    def registers(self, country: str) -> list[RegisterInfo]:
        return self._dnc.registers(country)

    def dnc_listed(self, country: str, e164: str) -> list[str]:
        return self._dnc.listed(country, e164)
