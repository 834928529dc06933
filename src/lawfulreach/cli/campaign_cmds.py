"""``lawfulreach campaign create|update|show|list|archive``: stored, versioned campaigns (issue 14).

Parses and prints only; the work is ``commands.campaigns`` over ``store.campaigns``. Every create and
change is a new version on the audit trail (``audit show --act campaign``); ``--campaign ID`` on
``screen`` and ``check`` then names a stored campaign, and decisions carry its version's fingerprint.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.commands import campaigns as cmd
from lawfulreach.store.campaigns import CampaignRecord

campaign_app = typer.Typer(
    help="Stored campaigns: versioned, on the audit trail, archived rather than deleted.", no_args_is_help=True
)


def _status(record: CampaignRecord) -> str:
    return f"archived {record.archived_at:%Y-%m-%d}" if record.archived_at else "active"


def _said(record: CampaignRecord, verb: str) -> str:
    return f"campaign {record.id} {verb}: version {record.version} ({record.fingerprint})"


@campaign_app.command("create")
def create(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Campaign TOML (name, purpose, sender_type, legal_entity, lia, …)."),
    campaign_id: str | None = typer.Option(
        None, "--id", help="The campaign's id (default: the file's `id`, else one is generated)."
    ),
) -> None:
    """Store a campaign file as a new campaign: its version 1."""
    cli: CliContext = ctx.obj
    typer.echo(_said(cmd.create_campaign(cli, file, campaign_id), "stored"))


@campaign_app.command("update")
def update(
    ctx: typer.Context,
    campaign_id: str = typer.Argument(..., help="The stored campaign's id."),
    file: Path = typer.Argument(..., help="Campaign TOML with the new content (the whole campaign)."),
) -> None:
    """Store a campaign file as the next version of a campaign (unchanged content: no new version)."""
    cli: CliContext = ctx.obj
    record, changed = cmd.update_campaign(cli, campaign_id, file)
    typer.echo(_said(record, "updated") if changed else _said(record, "unchanged, still"))


@campaign_app.command("show")
def show(
    ctx: typer.Context,
    campaign_id: str = typer.Argument(..., help="The stored campaign's id."),
    version: str | None = typer.Option(
        None, "--version", help="A past version: its number (1, 2, …) or fingerprint (cv-…). Default: current."
    ),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of text."),
) -> None:
    """A campaign's content (current or a past version) and its version history."""
    cli: CliContext = ctx.obj
    view = cmd.show_campaign(cli, campaign_id, version)
    r, v = view.record, view.shown
    if as_json:
        out = {
            **cmd.version_json(v),
            "status": "archived" if r.archived_at else "active",
            "archived_at": r.archived_at.isoformat() if r.archived_at else None,
            "current_version": r.version,
            "versions": [
                {k: x[k] for k in ("version", "fingerprint", "created_at", "actor")}
                for x in map(cmd.version_json, view.versions)
            ],
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    current = "current" if v.current else f"not current; current is version {r.version}"
    typer.echo(f"campaign {r.id}: version {v.version} of {len(view.versions)} ({current}), {_status(r)}")
    typer.echo(f"fingerprint\t{v.fingerprint}  (decisions carry it as campaign_version)")
    typer.echo(f"made\t{v.created_at:%Y-%m-%dT%H:%M:%SZ} by {v.actor}")
    for key, value in v.campaign.content().items():
        shown = ", ".join(value) if isinstance(value, list) else ("" if value is None else str(value))
        typer.echo(f"{key}\t{shown or '-'}")
    typer.echo("versions:")
    for x in view.versions:
        mark = "  (current)" if x.current else ""
        typer.echo(f"  {x.version}\t{x.fingerprint}\t{x.created_at:%Y-%m-%dT%H:%M:%SZ}\t{x.actor}{mark}")


@campaign_app.command("list")
def list_(
    ctx: typer.Context,
    archived: bool = typer.Option(False, "--archived", help="Also list archived campaigns."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
) -> None:
    """Stored campaigns with their current version (archived ones only with --archived)."""
    cli: CliContext = ctx.obj
    rows = cmd.list_campaigns(cli, include_archived=archived)
    if as_json:
        typer.echo(json.dumps([cmd.campaign_json(r) for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no campaigns" + ("" if archived else " (archived ones are listed with --archived)"))
        return
    typer.echo("id\tversion\tfingerprint\tpurpose\tlia\tstatus\tname")
    for r in rows:
        c = r.campaign
        line = [r.id, str(r.version), r.fingerprint, c.purpose.value, c.lia.value, _status(r), c.name or "-"]
        typer.echo("\t".join(line))


@campaign_app.command("archive")
def archive(
    ctx: typer.Context,
    campaign_id: str = typer.Argument(..., help="The stored campaign's id."),
) -> None:
    """Retire a campaign: its versions stay readable; screens and checks naming it are refused."""
    cli: CliContext = ctx.obj
    record = cmd.archive_campaign(cli, campaign_id)
    typer.echo(f"campaign {record.id} archived (last version {record.version}, {record.fingerprint})")
