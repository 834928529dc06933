"""``lawfulreach users …``: the people who may sign in to the compliance console (``store.staff``).

The password is read from a hidden prompt (asked twice), or from the first line of standard input
with ``--password-stdin`` for scripts — never from an option, which would land in the shell's history
and the process list.
"""

from __future__ import annotations

import json
import sys

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.errors import InputError
from lawfulreach.store.staff import MIN_PASSWORD_LENGTH, ROLES, StaffInfo, StaffRepo

users_app = typer.Typer(help="People who sign in to the compliance console (/console).", no_args_is_help=True)

_STDIN = typer.Option(False, "--password-stdin", help="Read the password from the first line of standard input.")


def _repo(cli: CliContext) -> StaffRepo:
    ws = cli.workspace()
    return StaffRepo(ws.engine, ws.settings.url, ws.scope.clock)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise InputError("--password-stdin: standard input holds no password")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():  # getpass would read it echoed, or hang in a script
        raise InputError("no terminal to ask for the password on; pass it on standard input with --password-stdin")
    value: str = typer.prompt(
        f"Password (at least {MIN_PASSWORD_LENGTH} characters)", hide_input=True, confirmation_prompt=True
    )
    return value


def _line(info: StaffInfo) -> str:
    locked = f"\tlocked until {info.locked_until:%Y-%m-%d %H:%M}" if info.locked_until else ""
    return f"{info.user_id}\t{info.email}\t{info.role}\t{', '.join(info.tenants)}{locked}"


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    email: str = typer.Argument(..., help="The person's email address (their sign-in name)."),
    role: str = typer.Option(..., "--role", help=f"One of {', '.join(ROLES)} (as for API keys)."),
    tenants: list[str] = typer.Option(
        [], "--tenant", help="A tenant they may act for (repeat for several; default: the current --tenant)."
    ),
    password_stdin: bool = _STDIN,
) -> None:
    """Add a console user: Argon2id-hashed password, one role, one or more tenants."""
    cli: CliContext = ctx.obj
    repo = _repo(cli)
    info = repo.add(email, role, _password(password_stdin), tenants or [cli.tenant])
    typer.echo(f"console user {info.user_id} ({info.role}) for {', '.join(info.tenants)}")


@users_app.command("list")
def users_list(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="JSON instead of a table.")
) -> None:
    """Every console user: id, email, role, tenants (never a password hash)."""
    infos = _repo(ctx.obj).list()
    if as_json:
        rows = [
            {
                "user_id": i.user_id,
                "email": i.email,
                "role": i.role,
                "tenants": list(i.tenants),
                "created_at": i.created_at.isoformat(),
                "locked_until": i.locked_until.isoformat() if i.locked_until else None,
            }
            for i in infos
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    if not infos:
        typer.echo("no console users yet: lawfulreach users add EMAIL --role admin", err=True)
        return
    typer.echo("id\temail\trole\ttenants")
    for info in infos:
        typer.echo(_line(info))


@users_app.command("remove")
def users_remove(ctx: typer.Context, email: str = typer.Argument(..., help="The person's email address.")) -> None:
    """Remove a console user; their sessions end at once. The audit trail keeps their id."""
    info = _repo(ctx.obj).remove(email)
    typer.echo(f"console user {info.user_id} removed")


@users_app.command("set-role")
def users_set_role(
    ctx: typer.Context,
    email: str = typer.Argument(..., help="The person's email address."),
    role: str = typer.Option(..., "--role", help=f"One of {', '.join(ROLES)}."),
) -> None:
    """Change a console user's role (takes effect on their next page)."""
    info = _repo(ctx.obj).set_role(email, role)
    typer.echo(f"console user {info.user_id} is now {info.role}")


@users_app.command("add-tenant")
def users_add_tenant(
    ctx: typer.Context,
    email: str = typer.Argument(..., help="The person's email address."),
    tenants: list[str] = typer.Option(..., "--tenant", help="A tenant to add (repeat for several)."),
) -> None:
    """Let a console user act for more tenants (they switch between them in the page header)."""
    info = _repo(ctx.obj).add_tenant(email, tenants)
    typer.echo(f"console user {info.user_id} belongs to {', '.join(info.tenants)}")


@users_app.command("set-password")
def users_set_password(
    ctx: typer.Context,
    email: str = typer.Argument(..., help="The person's email address."),
    password_stdin: bool = _STDIN,
) -> None:
    """Set a new password (ends every session of the account and lifts a lock-out)."""
    info = _repo(ctx.obj).set_password(email, _password(password_stdin))
    typer.echo(f"console user {info.user_id}: password changed, signed out everywhere")
