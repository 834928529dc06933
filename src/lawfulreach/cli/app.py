"""The ``lawfulreach`` command line: a thin Typer layer over ``lawfulreach.commands`` and ``lawfulreach.service``.

Commands only parse options, build the application object (``cli.context``), call a command and print;
``ENTRIES`` lists every command and group. Every ``LawfulreachError`` (and every unexpected one)
becomes one readable line on stderr with a non-zero exit code; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

import typer
from typer import _click as click  # typer's own (vendored) click: its groups are built on it
from typer.core import TyperCommand, TyperGroup

from lawfulreach.errors import LawfulreachError


@dataclass(frozen=True)
class Entry:
    """One command or group of the root: where it lives and the line ``--help`` shows for it."""

    name: str
    module: str
    attribute: str
    help: str


#: Every command and group, in the order ``--help`` lists them — the one place a command is found.
#: Grouped as users look for them: deciding (``check``, ``columns``, ``screen``, ``lint``, ``demo``),
#: sending (``send``), the server (``serve``), a person's rights (``optout``, ``erase``; ``dsar``;
#: ``consent``), rules and campaigns, lists and registers (``contacts``, ``inbox``, ``dnc``, ``suppress``),
#: the workspace (``db``, ``tenant``, ``org``, ``settings``, ``audit``, the console's ``users``) and every key (``keys
#: status|rotate``, ``keys api …``). A module is imported only when its command runs: ``lawfulreach
#: --help`` imports none of them (``tests/test_cli_startup.py`` keeps ``help`` equal to the command's own).
ENTRIES: tuple[Entry, ...] = (
    Entry(
        "check",
        "lawfulreach.cli.check",
        "check",
        "Decide each request: allowed / blocked / review, with every reason and its citation.",
    ),
    Entry(
        "columns",
        "lawfulreach.cli.columns_cmd",
        "columns",
        "Show how a list's columns are read: format, encoding, column → field, unused columns.",
    ),
    Entry(
        "screen",
        "lawfulreach.cli.screen",
        "screen",
        "Screen a prospect list for a campaign: allowed / blocked / review per channel, with reasons.",
    ),
    Entry(
        "lint",
        "lawfulreach.cli.lint",
        "lint",
        "Check a message against what the decision requires: opt-out, sender, privacy notice, address, …",
    ),
    Entry(
        "send",
        "lawfulreach.cli.send",
        "send",
        "Send a screened list: each allowed row decided again now, with footer, headers and DKIM; once only.",
    ),
    Entry(
        "demo",
        "lawfulreach.cli.demo",
        "demo",
        "Screen the bundled 2,000 sample prospects (31 countries) for the bundled sample campaign.",
    ),
    Entry(
        "serve",
        "lawfulreach.cli.serve",
        "serve",
        "Serve the HTTP API (/v1, OpenAPI at /v1/openapi.json), the public pages and the console (/console).",
    ),
    Entry(
        "unsubscribe-headers",
        "lawfulreach.cli.serve",
        "unsubscribe_headers",
        "The List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058) for one recipient.",
    ),
    Entry(
        "optout",
        "lawfulreach.cli.rights_cmds",
        "optout",
        "Record an opt-out; it applies to the very next decision.",
    ),
    Entry(
        "erase",
        "lawfulreach.cli.rights_cmds",
        "erase",
        "Erase a person: delete everything held on them, keep only keyed hashes so they stay blocked.",
    ),
    Entry("rules", "lawfulreach.cli.rules", "rules_app", "Show the rule base and explain decisions."),
    Entry(
        "campaign",
        "lawfulreach.cli.campaign_cmds",
        "campaign_app",
        "Stored campaigns: versioned, on the audit trail, archived rather than deleted.",
    ),
    Entry("keys", "lawfulreach.cli.keys_cmds", "keys_app", "The workspace key ring: status and rotation."),
    Entry(
        "sample",
        "lawfulreach.cli.sample",
        "sample_app",
        "Generate synthetic B2B prospect lists (deterministic: the same N and seed give the same file).",
    ),
    Entry(
        "audit", "lawfulreach.cli.audit_cmds", "audit_app", "The audit trail: who changed what, when (hash-chained)."
    ),
    Entry(
        "lia",
        "lawfulreach.cli.lia_cmds",
        "lia_app",
        "Legitimate interests assessments: answer the ICO-style questionnaire, approve, render, verify.",
    ),
    Entry("contacts", "lawfulreach.cli.contacts_cmds", "contacts_app", "Stored prospects and where they came from."),
    Entry(
        "inbox",
        "lawfulreach.cli.inbox_cmds",
        "inbox_app",
        "Inbound mail: replies, bounces and complaints turned into opt-outs, requests and exclusions.",
    ),
    Entry("dnc", "lawfulreach.cli.dnc_cmds", "dnc_app", "National do-not-call registers (TPS, CTPS, DNCM, …)."),
    Entry(
        "dsar",
        "lawfulreach.cli.dsar_cmds",
        "dsar_app",
        "Data subject requests: access, portability, erasure, rectification, objection, CCPA.",
    ),
    Entry(
        "evidence",
        "lawfulreach.cli.evidence_cmds",
        "evidence_app",
        "Evidence: every recorded decision and ledger event about a person (--email / --phone), or a run.",
    ),
    Entry("consent", "lawfulreach.cli.ledger_cmds", "consent_app", "The consent and opt-out ledger (append-only)."),
    Entry(
        "org",
        "lawfulreach.cli.org_cmds",
        "org_app",
        "The organisation behind the tenant: name, address, privacy notice, sender.",
    ),
    Entry(
        "settings",
        "lawfulreach.cli.settings_cmds",
        "settings_app",
        "The tenant's stored settings (e.g. subscriber_policy).",
    ),
    Entry(
        "suppress",
        "lawfulreach.cli.suppress_cmds",
        "suppress_app",
        "Exclusion lists: emails, domains (with subdomains), phones.",
    ),
    Entry("db", "lawfulreach.cli.workspace_cmds", "db_app", "The workspace database: create, migrate, inspect."),
    Entry("tenant", "lawfulreach.cli.workspace_cmds", "tenant_app", "Tenants (clients) sharing one workspace."),
    Entry(
        "users", "lawfulreach.cli.users_cmds", "users_app", "People who sign in to the compliance console (/console)."
    ),
)
_BY_NAME = {e.name: e for e in ENTRIES}


def load(entry: Entry) -> click.Command:
    """The real click command of ``entry``: its module imported, the function or Typer group converted
    as ``app.command`` / ``app.add_typer`` would."""
    target = getattr(importlib.import_module(entry.module), entry.attribute)
    holder = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    holder.callback()(lambda: None)  # a group, whatever it holds
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=entry.name)
    else:
        holder.command(entry.name)(target)
    group = typer.main.get_group(holder)
    return group.commands[entry.name]


class LazyGroup(TyperGroup):
    """The root group: every command listed from ``ENTRIES``, imported only when it runs.

    ``--help`` renders each entry's line from the table (a stand-in command, nothing imported); resolving
    a command to run it — or to show its own ``--help`` — imports its module and caches the real command."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [e.name for e in ENTRIES if e.name not in self.commands] + list(self.commands)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = _BY_NAME.get(cmd_name)
        if entry is None:
            return None
        # for the listing only (see resolve_command); short_help: the whole line, never cut at 45 characters
        return TyperCommand(name=entry.name, help=entry.help, short_help=entry.help)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else None
        if name in _BY_NAME and name not in self.commands:
            self.add_command(load(_BY_NAME[name]), name)
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="lawfulreach",
    help="Decide, remember and prove lawful B2B outreach by email, SMS, phone and post.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
    # The root's help and usage errors in plain text: Rich's renderer costs more to import (~0.2 s) than
    # everything else ``lawfulreach --help`` does. Each command's own --help keeps Rich.
    rich_markup_mode=None,
)


@app.callback()
def _root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None, "--db", envvar="LAWFULREACH_DATABASE_URL", help="Workspace database URL (default: SQLite file)."
    ),
    tenant: str = typer.Option("default", "--tenant", envvar="LAWFULREACH_TENANT", help="Tenant (client) name."),
    rules: list[Path] = typer.Option(
        [], "--rules", help="Tenant rule override file (.csv rows or .toml overlays); repeatable."
    ),
    policy: str | None = typer.Option(
        None,
        "--subscriber-policy",
        envvar="LAWFULREACH_SUBSCRIBER_POLICY",
        help="When the outcome hinges on an unknown subscriber type: review, assume_corporate, assume_individual. "
        "Overrides the tenant's stored setting (`settings set subscriber_policy`) for this command.",
    ),
    # ``main`` reads --debug from the arguments itself, so that errors while parsing are covered too.
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    from lawfulreach.cli.context import CliContext  # the workspace and service: only for a command that runs

    ctx.obj = CliContext(db_url=db, tenant=tenant, rule_files=tuple(rules), policy_name=policy)
    ctx.call_on_close(ctx.obj.close)


def loaded_root() -> TyperGroup:
    """The root group with every command imported (the CLI reference and the tests walk it)."""
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    for entry in ENTRIES:
        if entry.name not in root.commands:
            root.add_command(load(entry), entry.name)
    return root


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app, render errors as one line."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        # With standalone_mode=False click returns the exit code of ``typer.Exit`` instead of raising.
        rc = app(args=argv, standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except LawfulreachError as exc:
        if debug:
            raise
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", None)
        if code is None:
            code = getattr(exc, "code", 0)
        sys.exit(code or 0)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except Exception as exc:  # usage errors from the (vendored) click, and anything unexpected
        exit_code = getattr(exc, "exit_code", None)
        show = getattr(exc, "show", None)
        if callable(show) and isinstance(exit_code, int):
            show()  # a usage error: click's own message, exit code 2
            sys.exit(exit_code)
        if debug:
            raise
        typer.echo(f"error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", err=True)
        sys.exit(1)
