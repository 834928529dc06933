"""The ``lawfulreach`` command line: a thin Typer layer over ``lawfulreach.commands`` and ``lawfulreach.service``.

Commands only parse options, build the application object (``cli.context``), call a command and print;
``_register`` lists every command and group. Every ``LawfulreachError`` (and every unexpected one)
becomes one readable line on stderr with a non-zero exit code; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.errors import LawfulreachError

app = typer.Typer(
    name="lawfulreach",
    help="Decide, remember and prove lawful B2B outreach by email, SMS, phone and post.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_DEBUG = {"on": False}


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
    ctx.obj = CliContext(db_url=db, tenant=tenant, rule_files=tuple(rules), policy_name=policy)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    """Add every command and group to ``app``, in the order ``--help`` lists them; once per process.

    Explicit rather than by import side effect, so this list is where a command is found. The modules
    are grouped as users look for them: deciding (``check``, ``columns``, ``screen``, ``lint``, ``demo``, ``rules``,
    ``campaign``), sending (``send``), the server (``serve``), a person's rights (``rights_cmds``: ``optout``,
    ``erase``; ``dsar``; ``consent``), lists and registers (``contacts``, ``suppress``, ``inbox``, ``dnc``), the
    workspace (``db``, ``tenant``, ``org``, ``settings``, ``audit``) and every key (``keys_cmds``: ``keys
    status|rotate``, ``keys api …``).
    """
    if app.registered_commands:
        return
    from lawfulreach.cli import (
        audit_cmds,
        campaign_cmds,
        check,
        columns_cmd,
        contacts_cmds,
        demo,
        dnc_cmds,
        dsar_cmds,
        evidence_cmds,
        inbox_cmds,
        keys_cmds,
        ledger_cmds,
        lia_cmds,
        lint,
        org_cmds,
        rights_cmds,
        rules,
        screen,
        send,
        serve,
        settings_cmds,
        suppress_cmds,
        workspace_cmds,
    )
    from lawfulreach.cli.sample import sample_app

    for name, command in (
        ("check", check.check),
        ("columns", columns_cmd.columns),
        ("screen", screen.screen),
        ("lint", lint.lint),
        ("send", send.send),
        ("demo", demo.demo),
        ("serve", serve.serve),
        ("unsubscribe-headers", serve.unsubscribe_headers),
        ("optout", rights_cmds.optout),
        ("erase", rights_cmds.erase),
    ):
        app.command(name)(command)
    for name, group in (
        ("rules", rules.rules_app),
        ("campaign", campaign_cmds.campaign_app),
        ("keys", keys_cmds.keys_app),
        ("sample", sample_app),
        ("audit", audit_cmds.audit_app),
        ("lia", lia_cmds.lia_app),
        ("contacts", contacts_cmds.contacts_app),
        ("dnc", dnc_cmds.dnc_app),
        ("dsar", dsar_cmds.dsar_app),
        ("evidence", evidence_cmds.evidence_app),
        ("consent", ledger_cmds.consent_app),
        ("org", org_cmds.org_app),
        ("settings", settings_cmds.settings_app),
        ("suppress", suppress_cmds.suppress_app),
        ("inbox", inbox_cmds.inbox_app),
        ("db", workspace_cmds.db_app),
        ("tenant", workspace_cmds.tenant_app),
    ):
        app.add_typer(group, name=name)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app, render errors as one line."""
    _register()
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
