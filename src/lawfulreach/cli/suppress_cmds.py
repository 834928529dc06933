"""``lawfulreach suppress add|import|list|remove|export``: the tenant's exclusion lists."""

from __future__ import annotations

from pathlib import Path

import typer

from lawfulreach import commands
from lawfulreach.cli.context import CliContext
from lawfulreach.cli.files import SHEET_HELP, STRICT_HELP, describe_read, rejects_line
from lawfulreach.errors import InputError
from lawfulreach.store.subjects import country_code
from lawfulreach.store.suppression import Entry, check_kind, check_source, normalise_entry

suppress_app = typer.Typer(help="Exclusion lists: emails, domains (with subdomains), phones.", no_args_is_help=True)


def _one(email: str | None, domain: str | None, phone: str | None, country: str | None) -> tuple[str, str]:
    given = [(k, v) for k, v in (("email", email), ("domain", domain), ("phone", phone)) if v is not None]
    if len(given) != 1:
        raise InputError("give exactly one of --email, --domain or --phone")
    kind, raw = given[0]
    return kind, normalise_entry(kind, raw, country_code(country))


@suppress_app.command("add")
def add(
    ctx: typer.Context,
    email: str | None = typer.Option(None, "--email", help="An email address (case and +tag ignored)."),
    domain: str | None = typer.Option(None, "--domain", help="A domain; covers all its subdomains."),
    phone: str | None = typer.Option(None, "--phone", help="A phone number."),
    country: str | None = typer.Option(None, "--country", help="Country to read a national-format phone with."),
    reason: str | None = typer.Option(None, "--reason", help="Why it is excluded."),
    source: str = typer.Option("manual", "--source", help="import, opt_out, reply, complaint, bounce or manual."),
) -> None:
    """Add one entry to the exclusion list."""
    cli: CliContext = ctx.obj
    kind, value = _one(email, domain, phone, country)
    added = cli.workspace().suppressions.add(Entry(kind, value, reason, check_source(source)))
    typer.echo(f"{kind} {value} {'added to' if added else 'was already on'} the exclusion list")


@suppress_app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="One entry a line, or a table (CSV, .xlsx, Parquet) with email/domain/phone/value columns."
    ),
    reason: str | None = typer.Option(None, "--reason", help="Reason for entries without their own."),
    source: str = typer.Option("import", "--source", help="Source for entries without their own."),
    country: str | None = typer.Option(
        None, "--country", help="Country to read national-format phones with, where no country column says."
    ),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
    sheet: str | None = typer.Option(None, "--sheet", help=SHEET_HELP),
    rejects: Path | None = typer.Option(
        None, "--rejects", help="Where unreadable rows are listed (default: lawfulreach-out/NAME-suppress-rejects.csv)."
    ),
) -> None:
    """Import an exclusion list; importing it again changes nothing.

    Lines that cannot be read go to a rejects file (line, column, value, why) and every good entry is
    imported; --strict refuses the whole file instead."""
    cli: CliContext = ctx.obj
    run = commands.import_suppressions(
        cli, file, reason=reason, source=source, country=country, strict=strict, sheet=sheet, rejects=rejects
    )
    report = run.report
    erased = f", {report.skipped_erased} skipped (erased people)" if report.skipped_erased else ""
    typer.echo(describe_read(file, report.format))
    typer.echo(f"{file}: {report.read} entries — {report.added} added, {report.already_listed} already listed{erased}")
    if run.rejects_path is not None:
        typer.echo(rejects_line(run.rejects_path, run.rejected))


@suppress_app.command("list")
def list_(
    ctx: typer.Context,
    kind: str | None = typer.Option(None, "--kind", help="Only email, domain or phone entries."),
) -> None:
    """List the exclusion list (kind, value, source, added, reason), tab-separated, in index order."""
    cli: CliContext = ctx.obj
    for e in cli.workspace().suppressions.iter_entries(check_kind(kind) if kind else None):
        added = e.created_at.strftime("%Y-%m-%dT%H:%M:%SZ") if e.created_at else ""
        typer.echo("\t".join([e.kind, e.value, e.source, added, e.reason or ""]))


@suppress_app.command("remove")
def remove(
    ctx: typer.Context,
    email: str | None = typer.Option(None, "--email"),
    domain: str | None = typer.Option(None, "--domain"),
    phone: str | None = typer.Option(None, "--phone"),
    country: str | None = typer.Option(None, "--country", help="Country to read a national-format phone with."),
) -> None:
    """Remove one entry from the exclusion list."""
    cli: CliContext = ctx.obj
    kind, value = _one(email, domain, phone, country)
    cli.workspace().suppressions.remove(kind, value)
    typer.echo(f"{kind} {value} removed from the exclusion list")


@suppress_app.command("export")
def export(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV to write (kind, value, reason, source, created_at)."),
    kind: str | None = typer.Option(None, "--kind", help="Only email, domain or phone entries."),
) -> None:
    """Export the exclusion list as CSV (``suppress import`` reads it back)."""
    cli: CliContext = ctx.obj
    count = cli.workspace().suppressions.export(file, check_kind(kind) if kind else None)
    typer.echo(f"{count} entries written to {file}")
