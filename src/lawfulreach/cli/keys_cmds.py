"""``lawfulreach keys …``: every key in one place.

``keys status|rotate``: the workspace key ring personal data is encrypted under (``store.rotation``);
``keys api create|list|revoke``: the tenant's API keys (``store.api_keys``), only their hashes kept.
"""

from __future__ import annotations

import json

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.store import rotation
from lawfulreach.store.api_keys import ROLES, ApiKeyRepo

keys_app = typer.Typer(help="The workspace key ring: status and rotation.", no_args_is_help=True)
api_keys_app = typer.Typer(help="API keys of the tenant chosen with --tenant.", no_args_is_help=True)
keys_app.add_typer(api_keys_app, name="api")


@keys_app.command("status")
def status(ctx: typer.Context) -> None:
    """Key versions, which one seals new data, and how many rows each still seals (all tenants)."""
    cli: CliContext = ctx.obj
    settings = cli.settings()
    rows = rotation.status(settings)
    where = "LAWFULREACH_SECRET_KEY" if settings.secret_key else str(settings.key_file)
    typer.echo(f"key ring: {where}")
    typer.echo("version\tcreated\trotation complete\trows\tin key ring")
    for i, r in enumerate(rows):
        done = r.completed_at.strftime("%Y-%m-%d %H:%M") if r.completed_at else ("-" if r.version == 1 else "no")
        mark = " (current)" if i == len(rows) - 1 else ""
        line = [f"{r.version}{mark}", f"{r.created_at:%Y-%m-%d %H:%M}", done, str(r.rows), "yes" if r.in_ring else "NO"]
        typer.echo("\t".join(line))


@keys_app.command("rotate")
def rotate(
    ctx: typer.Context,
    batch: int = typer.Option(rotation.BATCH, "--batch", min=1, help="Rows re-encrypted per transaction."),
) -> None:
    """Re-encrypt all personal data under a new key, online; resumes an interrupted rotation."""
    cli: CliContext = ctx.obj

    def progress(tenant: str, rows: int) -> None:
        typer.echo(f"tenant {tenant}: {rows} row(s) re-encrypted")

    report = rotation.rotate(cli.settings(), batch=batch, progress=progress)
    verb = "started and completed" if report.started else "resumed and completed"
    state = verb if report.completed else "started (rows remain; run it again)"
    typer.echo(f"rotation to key version {report.version} {state}; back up the key file now (docs/security.md)")


@api_keys_app.command("create")
def keys_create(
    ctx: typer.Context,
    role: str = typer.Option(..., "--role", help=f"One of {', '.join(ROLES)}."),
    name: str | None = typer.Option(None, "--name", help="What the key is for (shown by list)."),
) -> None:
    """Make an API key for the tenant; the key is shown once and only its hash is kept."""
    cli: CliContext = ctx.obj
    issued = ApiKeyRepo(cli.workspace().scope).create(role, name)
    typer.echo(issued.token)
    typer.echo(
        f"key {issued.info.key_id} ({issued.info.role}) for tenant {cli.tenant!r}: store it now, it is not shown again",
        err=True,
    )


@api_keys_app.command("list")
def keys_list(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="JSON instead of a table.")
) -> None:
    """The tenant's API keys (ids, names, roles, dates); never the keys themselves."""
    cli: CliContext = ctx.obj
    infos = ApiKeyRepo(cli.workspace().scope).list()
    if as_json:
        rows = [
            {
                "key_id": k.key_id,
                "name": k.name,
                "role": k.role,
                "created_at": k.created_at.isoformat(),
                "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
            }
            for k in infos
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    typer.echo("key_id\trole\tcreated\tstate\tname")
    for k in infos:
        state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
        typer.echo(f"{k.key_id}\t{k.role}\t{k.created_at:%Y-%m-%d}\t{state}\t{k.name or ''}")


@api_keys_app.command("revoke")
def keys_revoke(ctx: typer.Context, key_id: str = typer.Argument(..., help="The key id shown by list.")) -> None:
    """Revoke an API key (a running server stops accepting it within --key-cache-seconds)."""
    cli: CliContext = ctx.obj
    info = ApiKeyRepo(cli.workspace().scope).revoke(key_id)
    typer.echo(f"key {info.key_id} ({info.role}) revoked")
