"""``lawfulreach contacts import|show``: prospects with provenance."""

from __future__ import annotations

from pathlib import Path

import typer

from lawfulreach import commands
from lawfulreach.cli.context import CliContext
from lawfulreach.cli.files import SHEET_HELP, STRICT_HELP, describe_read, rejects_line
from lawfulreach.store.subjects import country_code, email_key, phone_key

contacts_app = typer.Typer(help="Stored prospects and where they came from.", no_args_is_help=True)


@contacts_app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Prospect list: CSV, .xlsx or Parquet (same columns as for screen)."),
    source: str = typer.Option("third_party", "--source", help="first_party or third_party."),
    provider: str | None = typer.Option(None, "--provider", help="Who supplied or enriched the list."),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
    sheet: str | None = typer.Option(None, "--sheet", help=SHEET_HELP),
    rejects: Path | None = typer.Option(
        None, "--rejects", help="Where unreadable rows are listed (default: lawfulreach-out/NAME-contacts-rejects.csv)."
    ),
) -> None:
    """Store contacts with their provenance; opt-outs, exclusions and erasures keep winning.

    Rows that cannot be stored go to a rejects file (line, column, value, why) and the rest is
    imported; --strict refuses the whole file instead."""
    cli: CliContext = ctx.obj
    run = commands.import_contacts(
        cli, file, source=source, provider=provider, strict=strict, sheet=sheet, rejects=rejects
    )
    r = run.report
    typer.echo(describe_read(file, r.format))
    typer.echo(
        f"{file}: {r.rows} rows — {r.added} added, {r.updated} updated; "
        f"{r.still_blocked} stay blocked by an exclusion or opt-out on record; "
        f"{r.skipped_erased} skipped (erased people, not stored)"
    )
    if r.opt_outs_recorded:
        typer.echo(f"{r.opt_outs_recorded} opt-outs recorded from the list's own do-not-contact columns")
    if r.ignored_columns:
        typer.echo(f"columns not stored: {', '.join(r.ignored_columns)}")
    if run.rejects_path is not None:
        typer.echo(rejects_line(run.rejects_path, run.rejected))


@contacts_app.command("show")
def show(
    ctx: typer.Context,
    email: str | None = typer.Option(None, "--email"),
    phone: str | None = typer.Option(None, "--phone"),
    country: str | None = typer.Option(None, "--country", help="Country to read a national-format phone with."),
) -> None:
    """Show a stored contact and every import it came from."""
    cli: CliContext = ctx.obj
    found = cli.workspace().contacts.find(
        email_key(email) if email else None, phone_key(phone, country_code(country)) if phone else None
    )
    if not found:
        typer.echo("no stored contact")
        return
    for contact, origins in found:
        typer.echo(
            f"{contact.email or ''}\t{contact.phone or ''}\t{contact.name or ''}\t{contact.company or ''}\t"
            f"{contact.country or ''}"
        )
        for o in origins:
            when = o.imported_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            typer.echo(f"  {when}\t{o.source}\t{o.provider or '-'}\t{o.file_name or '-'}")
