"""``lawfulreach consent record|withdraw|history``: the consent ledger (``optout`` is in ``rights_cmds``)."""

from __future__ import annotations

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.cli.options import COUNTRY, EMAIL, OCCURRED, PHONE
from lawfulreach.store.audit import parse_when
from lawfulreach.store.ledger import Event
from lawfulreach.store.subjects import subject

consent_app = typer.Typer(help="The consent and opt-out ledger (append-only).", no_args_is_help=True)


def _line(e: Event) -> str:
    when = e.occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = [when, e.event, e.channel, e.purpose or "-", e.method or "-", e.source or "-", e.wording or ""]
    return "\t".join(parts)


@consent_app.command("record")
def record(
    ctx: typer.Context,
    channel: str = typer.Option(..., "--channel", help="email, sms, call, automated_call or post."),
    purpose: str = typer.Option(..., "--purpose", help="What the consent is for, e.g. marketing."),
    method: str = typer.Option(
        ..., "--method", help="How it was obtained: web_form, verbal, … (pre_ticked never counts)."
    ),
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    country: str | None = COUNTRY,
    confirmed: bool = typer.Option(False, "--confirmed", help="Double opt-in completed (confirmation clicked)."),
    wording: str | None = typer.Option(None, "--wording", help="The consent wording shown."),
    source: str | None = typer.Option(None, "--source", help="Where it was collected (form, campaign …)."),
    occurred_at: str | None = OCCURRED,
) -> None:
    """Record a consent (or a confirmed double opt-in) for one channel and purpose."""
    cli: CliContext = ctx.obj
    who = subject(email, phone, country)
    at = parse_when(occurred_at, "--occurred-at")
    event = cli.workspace().ledger.record_consent(
        who, channel, purpose, method, confirmed=confirmed, wording=wording, source=source, at=at
    )
    typer.echo(f"recorded: {event.event} for {event.channel} ({event.purpose}), method {event.method}")


@consent_app.command("withdraw")
def withdraw(
    ctx: typer.Context,
    channel: str = typer.Option(..., "--channel", help="email, sms, call, automated_call or post."),
    purpose: str = typer.Option("marketing", "--purpose", help="The purpose consent is withdrawn for."),
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    country: str | None = COUNTRY,
    source: str | None = typer.Option(None, "--source", help="How the withdrawal arrived."),
    occurred_at: str | None = OCCURRED,
) -> None:
    """Record that consent was withdrawn; it then also acts as an opt-out for that channel."""
    cli: CliContext = ctx.obj
    who = subject(email, phone, country)
    at = parse_when(occurred_at, "--occurred-at")
    event = cli.workspace().ledger.withdraw(who, channel, purpose, source=source, at=at)
    typer.echo(f"recorded: withdrawn for {event.channel} ({event.purpose})")


@consent_app.command("history")
def history(
    ctx: typer.Context,
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    country: str | None = COUNTRY,
) -> None:
    """Every ledger event of a person in the order recorded, then the state derived from them."""
    cli: CliContext = ctx.obj
    who = subject(email, phone, country)
    ledger = cli.workspace().ledger
    events = ledger.history(who)
    if not events:
        typer.echo("no ledger events")
        return
    typer.echo("time\tevent\tchannel\tpurpose\tmethod\tsource\twording")
    for e in events:
        typer.echo(_line(e))
    state = ledger.current([who.key])
    for channels in state.opt_outs.values():
        typer.echo(f"now: opted out of {', '.join(sorted(channels))}")
    for (_, channel, purpose), rec in sorted(state.consents.items()):
        typer.echo(f"now: {channel} / {purpose or '-'}: {rec.status.value} ({rec.method or 'no method'})")
