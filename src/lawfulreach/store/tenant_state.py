"""The engine's ``TenantState`` read from the workspace, through the one reader: ``store.lookup``.

Every front end reads a tenant's state for a decision the same way: the rows of the contacts
concerned (exclusion entries, erased-subject hashes, ledger events, register listings), matched by
blind index with one statement — one snapshot — and handed to the engine as the reference
``InMemoryState``. The API and sending call ``lookup_state`` for a whole batch; the CLI's ``check``,
the console and the library reach it through ``StoreState``: ``Lawfulreach.decide`` asks
``states_for`` the requests it decides (``domain.state.ContactStates``), and a question asked on its
own (``Lawfulreach.facts`` outside a decision) reads that contact alone. The whole-tenant form for a
batch screen is ``store.snapshot``, which the batch path holds to the same answers
(tests/test_batch_consistency.py).

Nothing is cached: every call reads the committed state, so an opt-out recorded a moment ago decides
the very next check. The engine hands over normalised keys; the store matches their blind indexes
(``TenantScope.index``) and decrypts nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lawfulreach.domain.model import Request
from lawfulreach.domain.state import ConsentRecord, InMemoryState, RegisterInfo
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.store.lookup import ContactKeys, lookup_state, request_keys
from lawfulreach.store.scope import TenantScope


class StoreState:
    """A ``TenantState`` (and ``ContactStates``) over one tenant of a workspace."""

    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def states_for(self, requests: Sequence[Request]) -> list[InMemoryState]:
        """Each request's contact's state, all read with one statement; the registers only when a
        request is a live call (no other channel consults them)."""
        keys = [request_keys(r) for r in requests]
        calls = any(r.channel is Channel.CALL for r in requests)
        lookup = lookup_state(self._scope, keys, with_registers=calls)
        return [lookup.state_for(k) for k in keys]

    def _one(
        self, email: str | None, phone: str | None, domain: str | None = None, registers: bool = False
    ) -> InMemoryState:
        keys = ContactKeys(email, domain, phone)
        return lookup_state(self._scope, [keys], with_registers=registers).state_for(keys)

    def is_erased(self, email: str | None, phone: str | None) -> bool:
        return self._one(email, phone).is_erased(email, phone)

    def suppression_hits(self, email: str | None, domain: str | None, phone: str | None) -> tuple[bool, bool, bool]:
        return self._one(email, phone, domain).suppression_hits(email, domain, phone)

    def is_opted_out(self, email: str | None, phone: str | None, channel: Channel) -> bool:
        return self._one(email, phone).is_opted_out(email, phone, channel)

    def consent_for(
        self, email: str | None, phone: str | None, channel: Channel, purposes: Iterable[str]
    ) -> ConsentRecord | None:
        return self._one(email, phone).consent_for(email, phone, channel, purposes)

    def registers(self, country: str) -> list[RegisterInfo]:
        return self._one(None, None, registers=True).registers(country)

    def dnc_listed(self, country: str, e164: str) -> list[str]:
        return self._one(None, e164, registers=True).dnc_listed(country, e164)
