"""The ``lawfulreach`` command line: a thin Typer layer over ``lawfulreach.service``.

Commands only parse options, build the application object (``cli.context``) and print. Every
``LawfulreachError`` (and every unexpected one) becomes one readable line on stderr with a non-zero
exit code; ``--debug`` shows the traceback instead.
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
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    _DEBUG["on"] = debug
    ctx.obj = CliContext(db_url=db, tenant=tenant, rule_files=tuple(rules), policy_name=policy)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    # Imported for their side effect of adding commands to ``app``.
    from lawfulreach.cli import check, columns_cmd, demo, rules, screen, serve  # noqa: F401
    from lawfulreach.cli.sample import sample_app

    app.add_typer(sample_app, name="sample")

    try:
        from lawfulreach.cli import store_commands  # noqa: F401
    except ImportError as exc:  # pragma: no cover - only while the store adapter is absent
        if "store_commands" not in str(exc):
            raise


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
