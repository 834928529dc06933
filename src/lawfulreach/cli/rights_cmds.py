"""A person's rights, where a DPO looks for them: ``optout`` (an opt-out, or a GDPR Art. 21 objection)
and ``erase`` (Art. 17). Requests that arrive and must be verified and answered within a deadline are
the ``dsar`` group (``dsar_cmds``); consent itself is the ``consent`` group (``ledger_cmds``).

Summaries never print the personal data of an erased person.
"""

from __future__ import annotations

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.cli.options import COUNTRY, EMAIL, OCCURRED, PHONE
from lawfulreach.store.audit import parse_when
from lawfulreach.store.subjects import Subject, country_code, email_key, phone_key, subject


def optout(
    ctx: typer.Context,
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    country: str | None = COUNTRY,
    channel: str = typer.Option("all", "--channel", help="A channel, or all (an objection covers every channel)."),
    objection: bool = typer.Option(False, "--objection", help="Record it as a GDPR Art. 21 objection."),
    source: str | None = typer.Option(None, "--source", help="How it arrived: reply, unsubscribe link, call …"),
    occurred_at: str | None = OCCURRED,
) -> None:
    """Record an opt-out; it applies to the very next decision."""
    cli: CliContext = ctx.obj
    who = subject(email, phone, country)
    at = parse_when(occurred_at, "--occurred-at")
    event = cli.workspace().ledger.opt_out(who, channel, objection=objection, source=source, at=at)
    typer.echo(f"recorded: {event.event.replace('_', '-')} for {event.channel}")


def erase(
    ctx: typer.Context,
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    country: str | None = COUNTRY,
) -> None:
    """Erase a person: delete everything held on them, keep only keyed hashes so they stay blocked."""
    cli: CliContext = ctx.obj
    subjects = []
    if email is not None:
        subjects.append(Subject("email", email_key(email)))
    if phone is not None:
        subjects.append(Subject("phone", phone_key(phone, country_code(country))))
    report = cli.workspace().erase(subjects)
    typer.echo(
        f"erased: {report.contacts} contact(s), {report.ledger_events} ledger event(s), "
        f"{report.exclusion_entries} exclusion entr{'y' if report.exclusion_entries == 1 else 'ies'} deleted; "
        f"{report.hashes_kept} keyed hash(es) kept so this person stays blocked"
    )
