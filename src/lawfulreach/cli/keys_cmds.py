"""``lawfulreach keys status|rotate``: the key ring personal data is encrypted under (``store.rotation``)."""

from __future__ import annotations

import typer

from lawfulreach.cli.app import app
from lawfulreach.cli.context import CliContext
from lawfulreach.store import rotation

keys_app = typer.Typer(help="The workspace key ring: status and rotation.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


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
