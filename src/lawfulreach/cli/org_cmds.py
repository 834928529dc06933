"""``lawfulreach org set|show``: the organisation behind the tenant (issue "outreach loop", item 1).

Who writes to recipients (name, postal address), where recipients read more (privacy notice), where
the unsubscribe and privacy pages live (public URL) and the address mail comes from. ``serve``,
``unsubscribe-headers`` and the public pages read it; until it is complete they warn and fall back
to placeholders a recipient should never see. ``set`` changes only the options given; an empty value
(``--privacy-url ""``) clears an optional field.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.errors import InputError
from lawfulreach.store.profiles import NEEDED, PROFILE_FIELDS, PROFILE_LABELS, Profile

org_app = typer.Typer(help="The organisation behind the tenant: name, address, privacy notice, sender.")

_LABELS = PROFILE_LABELS


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
    country: str | None = typer.Option(
        None, "--country", help="Two-letter country of the organisation (picks the supervisory authority)."
    ),
    data_source: str | None = typer.Option(
        None, "--data-source", help="Where recipients' data comes from (privacy notice, GDPR Art. 14(2)(f))."
    ),
    recipients: str | None = typer.Option(
        None, "--recipients", help="Who receives recipients' data: processors, group companies (Art. 14(1)(e))."
    ),
    retention: str | None = typer.Option(
        None, "--retention", help="How long recipients' data is kept, or the criteria (Art. 14(2)(a))."
    ),
    dpo_email: str | None = typer.Option(
        None, "--dpo-email", help="The data protection officer's address, if not --contact-email."
    ),
    data_categories: str | None = typer.Option(
        None,
        "--data-categories",
        help="The categories of personal data you hold on recipients, e.g. name, job title, work email "
        "(privacy notice, Art. 14(1)(d)).",
    ),
    transfers: str | None = typer.Option(
        None,
        "--transfers",
        help="Transfers outside the UK/EEA and their safeguard, or 'none' (privacy notice, Art. 14(1)(f)).",
    ),
    authority: str | None = typer.Option(
        None, "--supervisory-authority", help="The supervisory authority, if not the default for --country."
    ),
    authority_url: str | None = typer.Option(
        None, "--supervisory-authority-url", help="The supervisory authority's website."
    ),
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
        "country": country,
        "data_source": data_source,
        "recipients": recipients,
        "retention": retention,
        "dpo_email": dpo_email,
        "supervisory_authority": authority,
        "supervisory_authority_url": authority_url,
        "data_categories": data_categories,
        "transfers": transfers,
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
        out["missing"] = profile.missing() + profile.notice_missing() if profile else list(NEEDED.values())
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    if profile is None:
        typer.echo(f"tenant {cli.tenant!r} has no organisation profile yet: lawfulreach org set --name …")
        return
    for name in PROFILE_FIELDS:
        value = getattr(profile, name)
        typer.echo(f"{_LABELS[name] + ':':<16}{value if value else '(not set)'}".replace("\n", ", "))
    _warn_incomplete(profile)


@org_app.command("notice")
def org_notice(
    ctx: typer.Context,
    fmt: str = typer.Option("text", "--format", help="text, md or html."),
    out: Path | None = typer.Option(None, "--out", help="Write the notice to this file instead of printing it."),
) -> None:
    """The privacy notice for prospects (GDPR Art. 14) generated from the profile and the stored
    campaigns — what /privacy serves — with its version. Facts not set read "not provided"."""
    from lawfulreach.commands.notice import tenant_notice
    from lawfulreach.web import render_page

    if fmt not in ("text", "md", "html"):
        raise typer.BadParameter(f"--format {fmt!r}: choose text, md or html")
    cli: CliContext = ctx.obj
    workspace = cli.workspace()
    profile = workspace.profiles.get()
    if profile is None:
        raise InputError(f"tenant {cli.tenant!r} has no organisation profile yet: lawfulreach org set --name …")
    notice = tenant_notice(workspace, profile, workspace.tenant)
    if fmt == "html":
        text = render_page("privacy_notice.html.j2", org=profile, notice=notice, privacy_url=notice.url)
    else:
        text = notice.render_markdown() if fmt == "md" else notice.render_text()
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        typer.echo(f"privacy notice {notice.version} written to {out}", err=True)
    if notice.missing:
        typer.echo(f"warning: the notice says 'not provided' for {', '.join(notice.missing)}", err=True)


def _warn_incomplete(profile: Profile) -> None:
    missing = profile.missing() + profile.notice_missing()
    if missing:
        typer.echo(f"warning: the profile is incomplete — missing {', '.join(missing)}", err=True)


__all__ = ["org_app"]
