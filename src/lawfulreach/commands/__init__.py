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
"""

from lawfulreach.commands.campaigns import load_campaign, parse_channels
from lawfulreach.commands.imports import ImportRun, import_contacts, import_suppressions
from lawfulreach.commands.registers import load_dnc, parse_as_of
from lawfulreach.commands.screen import ScreenRun, screen
from lawfulreach.commands.session import Session

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
