"""Roles and what each may do: one table, read by the route dependencies, the docs and the tests.

* ``admin``: everything.
* ``compliance``: everything an admin may do through the API (keys are made with the CLI only),
  including processing inbound mail (``POST /v1/inbound``: it records opt-outs, opens privacy
  requests and names the people concerned).
* ``marketer``: may check and screen, send (``POST /v1/sends``: every message is decided again and
  carries what its decision requires), add exclusions, record consent and opt-outs, mint unsubscribe
  links and read campaigns; may **not** read the ledger's personal data (ledger history, exclusion
  entries, privacy requests, evidence), remove exclusions or change campaigns (a campaign carries
  its LIA, which is compliance's call), nor process inbound mail.
* ``readonly``: may check and read what holds no personal data (campaigns, registers, organisation);
  changes nothing.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COMPLIANCE = "compliance"
    MARKETER = "marketer"
    READONLY = "readonly"


class Permission(StrEnum):
    CHECK = "check"
    READ_CAMPAIGNS = "read_campaigns"
    WRITE_CAMPAIGNS = "change_campaigns"
    READ_REGISTERS = "read_registers"
    ADD_EXCLUSIONS = "add_exclusions"
    READ_EXCLUSIONS = "read_exclusions"
    REMOVE_EXCLUSIONS = "remove_exclusions"
    RECORD_LEDGER = "record_consent_and_opt_outs"
    READ_LEDGER = "read_the_ledger"
    READ_PRIVACY_REQUESTS = "read_privacy_requests"
    OPEN_PRIVACY_REQUESTS = "open_privacy_requests"
    ISSUE_LINKS = "issue_unsubscribe_links"
    READ_ORGANISATION = "read_the_organisation"
    WRITE_ORGANISATION = "change_the_organisation"
    READ_EVIDENCE = "read_evidence"
    SEND = "send_messages"
    PROCESS_INBOUND = "process_inbound_mail"


_EVERYONE = frozenset(
    {Permission.CHECK, Permission.READ_CAMPAIGNS, Permission.READ_REGISTERS, Permission.READ_ORGANISATION}
)
_MARKETER = _EVERYONE | {
    Permission.ADD_EXCLUSIONS,
    Permission.RECORD_LEDGER,
    Permission.ISSUE_LINKS,
    Permission.SEND,
}

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.COMPLIANCE: frozenset(Permission) - {Permission.WRITE_ORGANISATION},
    Role.MARKETER: _MARKETER,
    Role.READONLY: _EVERYONE,
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in GRANTS[role]
