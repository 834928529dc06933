"""``lawfulreach db upgrade|info`` and ``tenant add|list``: the workspace and its tenants."""

from __future__ import annotations

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.store import add_tenant, tenant_names, upgrade_workspace
from lawfulreach.store.migrate import SchemaState, head_revision
from lawfulreach.store.workspace import describe

db_app = typer.Typer(help="The workspace database: create, migrate, inspect.", no_args_is_help=True)
tenant_app = typer.Typer(help="Tenants (clients) sharing one workspace.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create the workspace or migrate it to this version's schema (back it up first)."""
    cli: CliContext = ctx.obj
    settings = cli.settings()
    before, after = upgrade_workspace(settings)
    if before == after:
        typer.echo(f"{settings.redacted_url}: already at schema revision {after}")
    else:
        typer.echo(f"{settings.redacted_url}: schema revision {before or '(new workspace)'} → {after}")


_STATE_NOTES = {
    None: "none (no database file yet: first use or `lawfulreach db upgrade` creates it)",
    SchemaState.EMPTY: "none (empty database: first use or `lawfulreach db upgrade` creates the workspace)",
    SchemaState.FOREIGN: "none (this database holds tables that are not a lawfulreach workspace)",
}


@db_app.command("info")
def db_info(ctx: typer.Context) -> None:
    """Where the workspace and its secret key are, its schema revision, tenants and their settings (changes nothing)."""
    cli: CliContext = ctx.obj
    settings = cli.settings()
    info = describe(settings)
    key = "LAWFULREACH_SECRET_KEY" if settings.secret_key else str(settings.key_file)
    if not settings.secret_key and settings.key_file is not None and not settings.key_file.exists():
        key += " (not there)"
    revision = _STATE_NOTES.get(info.state) or str(info.revision)
    if info.state is SchemaState.OUTDATED:
        revision += f" (this version needs {head_revision()}: back up, then `lawfulreach db upgrade`)"
    elif info.state is SchemaState.NEWER:
        revision += " (written by a newer lawfulreach)"
    typer.echo(f"database: {settings.redacted_url}")
    typer.echo(f"secret key: {key}")
    typer.echo(f"schema revision: {revision}")
    typer.echo(f"tenants: {', '.join(info.tenants) or 'none'}")
    for name in info.tenants:
        typer.echo(f"tenant {name}: subscriber_policy {info.policies[name]}")


@tenant_app.command("add")
def tenant_add(ctx: typer.Context, name: str = typer.Argument(..., help="Tenant name.")) -> None:
    """Add a tenant; its state is isolated from every other tenant's."""
    cli: CliContext = ctx.obj
    add_tenant(cli.settings(), name)
    typer.echo(f"tenant {name!r} added")


@tenant_app.command("list")
def tenant_list(ctx: typer.Context) -> None:
    """List the workspace's tenants."""
    cli: CliContext = ctx.obj
    for name in tenant_names(cli.settings()):
        typer.echo(name)
