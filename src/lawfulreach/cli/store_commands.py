"""The workspace commands (``db``, ``tenant``, ``suppress``, ``contacts``, ``consent``, ``optout``,
``dnc``, ``erase``, ``dsar``, ``audit``, ``keys``, ``settings``): imported by ``cli.app._register`` for their side
effect of adding them to ``app``.

Each module only parses options, calls the workspace (``lawfulreach.store``) and prints a summary;
errors are ``LawfulreachError``s rendered as one line by ``cli.app.main``. Summaries never print the
personal data of an erased person.
"""

from __future__ import annotations

from lawfulreach.cli import (
    audit_cmds,
    contacts_cmds,
    dnc_cmds,
    dsar_cmds,
    keys_cmds,
    ledger_cmds,
    settings_cmds,
    suppress_cmds,
    workspace_cmds,
)

__all__ = [
    "audit_cmds",
    "contacts_cmds",
    "dnc_cmds",
    "dsar_cmds",
    "keys_cmds",
    "ledger_cmds",
    "settings_cmds",
    "suppress_cmds",
    "workspace_cmds",
]
