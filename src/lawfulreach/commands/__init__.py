"""The command layer: what lawfulreach *does*, as plain functions every front end calls.

As alembic's ``command.py`` is its API and its argparse layer thin over it, the CLI (``cli/``), the
HTTP API and the browser console only parse their input, call one of these and format the result.
A command takes a ``Session`` (the rule base, workspace and decision service, built lazily by the
front end) and typed arguments, and returns a result object. It never prints and never exits: a
failure is a ``LawfulreachError`` (``lawfulreach.errors``), rendered by the front end in its one place.

    screen(session, prospects, campaign_ref, …)   -> ScreenRun       read → decide → write → report → save
    create_campaign / update_campaign / show_campaign / list_campaigns / archive_campaign   (``campaigns``)
    import_contacts(session, file, …)              -> ImportRun       a list into stored contacts
    import_suppressions(session, file, …)          -> ImportRun       a list into the exclusion list
    load_dnc(session, file, country=…, register=…) -> LoadReport      a do-not-call register
    load_campaign(path), resolve_campaign(ref, session), parse_channels(text), parse_as_of(text)
                                                                      inputs every front end reads alike

``commands.outputs`` holds where and how the files are written (0600 for anything with personal data).
The names below are imported on first use (PEP 562): ``check`` needs ``commands.campaigns``, not the
screening path's Polars, Arrow and report templates.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lawfulreach.commands.campaigns import load_campaign, parse_channels
    from lawfulreach.commands.imports import ImportRun, import_contacts, import_suppressions
    from lawfulreach.commands.registers import load_dnc, parse_as_of
    from lawfulreach.commands.screening import ScreenRun, screen
    from lawfulreach.commands.session import Session

_WHERE = {
    "ImportRun": "lawfulreach.commands.imports",
    "ScreenRun": "lawfulreach.commands.screening",
    "Session": "lawfulreach.commands.session",
    "import_contacts": "lawfulreach.commands.imports",
    "import_suppressions": "lawfulreach.commands.imports",
    "load_campaign": "lawfulreach.commands.campaigns",
    "load_dnc": "lawfulreach.commands.registers",
    "parse_as_of": "lawfulreach.commands.registers",
    "parse_channels": "lawfulreach.commands.campaigns",
    "screen": "lawfulreach.commands.screening",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'lawfulreach.commands' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


__all__ = [
    "ImportRun",
    "ScreenRun",
    "Session",
    "import_contacts",
    "import_suppressions",
    "load_campaign",
    "load_dnc",
    "parse_as_of",
    "parse_channels",
    "screen",
]
