"""``lawfulreach org set|show``: the organisation behind the tenant (issue "outreach loop", item 1).

Who writes to recipients (name, postal address), where recipients read more (privacy notice), where
the unsubscribe and privacy pages live (public URL) and the address mail comes from. ``serve``,
``unsubscribe-headers`` and the public pages read it; until it is complete they warn and fall back
to placeholders a recipient should never see. ``set`` changes only the options given; an empty value
(``--privacy-url ""``) clears an optional field.
"""

from __future__ import annotations

import json

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.store.profiles import NEEDED, PROFILE_FIELDS, Profile

org_app = typer.Typer(help="The organisation behind the tenant: name, address, privacy notice, sender.")

_LABELS = {
    "organisation": "Name",
    "purpose": "Purpose",
    "privacy_notice_url": "Privacy notice",
    "contact_email": "Privacy contact",
    "postal_address": "Postal address",
    "public_url": "Public URL",
    "mail_from": "Mail from",
}


@org_app.command("set")
def org_set(
    ctx: typer.Context,
    name: str | None = typer.Option(None, "--name", help="The organisation's legal name, as messages name it."),
    postal_address: str | None = typer.Option(
        None, "--postal-address", help="Postal address for messages (CAN-SPAM, CASL) and the pages."
    ),
    privacy_url: str | None = typer.Option(None, "--privacy-url", help="URL of the privacy notice (http(s))."),
    public_url: str | None = typer.Option(
        None, "--public-url", help="Where the unsubscribe and privacy pages are served (https)."
    ),
    mail_from: str | None = typer.Option(None, "--mail-from", help="Address mail is sent from."),
    contact_email: str | None = typer.Option(None, "--contact-email", help="Privacy contact (the DPO's address)."),
    purpose: str | None = typer.Option(None, "--purpose", help="Why you hold recipients' data, in a sentence."),
) -> None:
    """Set the organisation profile (only the options given change); the change is on the audit trail."""
    cli: CliContext = ctx.obj
    given = {
        "organisation": name,
        "postal_address": postal_address,
        "privacy_notice_url": privacy_url,
        "public_url": public_url,
        "mail_from": mail_from,
        "contact_email": contact_email,
        "purpose": purpose,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        raise typer.BadParameter("give at least one option to set (see --help)")
    profile = cli.workspace().profiles.update(**changes)
    typer.echo(f"tenant {cli.tenant!r}: organisation profile saved")
    _warn_incomplete(profile)


@org_app.command("show")
def org_show(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="As JSON.")) -> None:
    """The organisation profile, and what it still lacks for lawful messages."""
    cli: CliContext = ctx.obj
    profile = cli.workspace().profiles.get()
    if as_json:
        out = {name: getattr(profile, name) if profile else None for name in PROFILE_FIELDS}
        out["missing"] = profile.missing() if profile else list(NEEDED.values())
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    if profile is None:
        typer.echo(f"tenant {cli.tenant!r} has no organisation profile yet: lawfulreach org set --name …")
        return
    for name in PROFILE_FIELDS:
        value = getattr(profile, name)
        typer.echo(f"{_LABELS[name] + ':':<16}{value if value else '(not set)'}".replace("\n", ", "))
    _warn_incomplete(profile)


def _warn_incomplete(profile: Profile) -> None:
    missing = profile.missing()
    if missing:
        typer.echo(f"warning: the profile is incomplete — missing {', '.join(missing)}", err=True)


__all__ = ["org_app"]
