"""``lawfulreach send SCREENED.csv --campaign ID --template T.toml``: the screened list, mailed.

Parses the options, builds the SMTP transport and the DKIM signer from them (deployment settings,
like ``serve``'s: options or ``LAWFULREACH_SMTP_*`` / ``LAWFULREACH_DKIM_*`` environment variables;
the SMTP password only from the environment), calls ``commands.send`` and prints what it did. A
progress bar on a terminal. Warnings (an incomplete organisation profile, a DKIM domain not aligned
with the sender) go to stderr before anything is sent.
"""

from __future__ import annotations

import json
import os
import ssl
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lawfulreach.cli.context import CliContext
from lawfulreach.commands.send import SendOptions, SendReport
from lawfulreach.commands.send import send as send_command
from lawfulreach.errors import ConfigError
from lawfulreach.messaging.smtp import SmtpSecurity, SmtpTransport
from lawfulreach.outreach.dkim import DkimSigner
from lawfulreach.outreach.ratelimit import parse_rate


def _tls_context(ca_file: Path | None) -> ssl.SSLContext | None:
    if ca_file is None:
        return None
    try:
        return ssl.create_default_context(cafile=str(ca_file))
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"--smtp-ca-file {ca_file}: cannot load it as PEM certificates ({exc})") from None


def send(
    ctx: typer.Context,
    screened: Path = typer.Argument(
        ..., help="The output of `lawfulreach screen` (CSV, .xlsx or Parquet), or with --run the list it screened."
    ),
    campaign: str | None = typer.Option(
        None, "--campaign", help="The stored campaign's id (`lawfulreach campaign list`); with --run, the run's."
    ),
    template: Path = typer.Option(..., "--template", help="Message template: TOML with subject, text, html."),
    dry_run: Path | None = typer.Option(
        None, "--dry-run", help="Write each message as an .eml file (0600) into this directory; send nothing."
    ),
    rate: str | None = typer.Option(None, "--rate", help="At most this many messages: 10/s, 600/min (default: none)."),
    hourly: int | None = typer.Option(None, "--hourly", help="At most this many messages in any hour."),
    limit: int | None = typer.Option(None, "--limit", help="Send at most this many messages now; the rest next run."),
    retry_uncertain: bool = typer.Option(
        False,
        "--retry-uncertain",
        help="Also send to recipients left in flight by a crash (the server may already have their message).",
    ),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Also retry permanent (5xx) failures."),
    smtp_host: str | None = typer.Option(None, "--smtp-host", envvar="LAWFULREACH_SMTP_HOST", help="SMTP server."),
    smtp_port: int = typer.Option(587, "--smtp-port", envvar="LAWFULREACH_SMTP_PORT", help="SMTP port."),
    smtp_security: SmtpSecurity = typer.Option(
        SmtpSecurity.STARTTLS,
        "--smtp-security",
        envvar="LAWFULREACH_SMTP_SECURITY",
        help="starttls (default): STARTTLS or no mail; ssl: TLS from the start (465); auto: STARTTLS when offered.",
    ),
    smtp_ca_file: Path | None = typer.Option(
        None, "--smtp-ca-file", envvar="LAWFULREACH_SMTP_CA_FILE", help="Trust these CA certificates (PEM) for TLS."
    ),
    dkim_key: Path | None = typer.Option(
        None, "--dkim-key", envvar="LAWFULREACH_DKIM_KEY", help="DKIM private key (PEM, RSA or Ed25519, mode 0600)."
    ),
    dkim_selector: str | None = typer.Option(
        None, "--dkim-selector", envvar="LAWFULREACH_DKIM_SELECTOR", help="DKIM selector (<selector>._domainkey)."
    ),
    dkim_domain: str | None = typer.Option(
        None, "--dkim-domain", envvar="LAWFULREACH_DKIM_DOMAIN", help="DKIM domain (default: the sender's)."
    ),
    no_dkim: bool = typer.Option(False, "--no-dkim", help="Send unsigned: only when the relay signs the mail."),
    unsubscribe_mailto: str | None = typer.Option(
        None, "--unsubscribe-mailto", help="Address of the List-Unsubscribe mailto: (default: the sender's)."
    ),
    run: str | None = typer.Option(
        None, "--run", help="A recorded screen (`screen --record`) of this list: send the rows it allowed."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the run's report as JSON."),
) -> None:
    """Send a screened list: each allowed row decided again now, with footer, headers and DKIM; once only."""
    cli: CliContext = ctx.obj
    options = SendOptions(
        campaign=campaign,
        template=template,
        dry_run=dry_run,
        per_second=parse_rate(rate) if rate else None,
        per_hour=hourly,
        retry_uncertain=retry_uncertain,
        retry_failed=retry_failed,
        limit=limit,
        unsubscribe_mailto=unsubscribe_mailto,
        run=run,
    )
    transport = None
    if smtp_host and dry_run is None:
        transport = SmtpTransport(
            smtp_host,
            smtp_port,
            os.environ.get("LAWFULREACH_SMTP_USER"),
            os.environ.get("LAWFULREACH_SMTP_PASSWORD"),
            security=smtp_security,
            context=_tls_context(smtp_ca_file),
            timeout=30.0,
        )
    signer = None
    if dkim_key is not None and not no_dkim:
        if not dkim_selector:
            raise ConfigError("--dkim-key needs --dkim-selector (the <selector>._domainkey name of its DNS record)")
        domain = dkim_domain or _sender_domain(cli)
        signer = DkimSigner.load(dkim_key, dkim_selector, domain)
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal or as_json,
    )
    task = progress.add_task("Sending" if dry_run is None else "Writing", total=None)
    with progress:
        report = send_command(
            cli,
            screened,
            options,
            transport=transport,
            signer=signer,
            require_dkim=not no_dkim,
            on_start=lambda n: progress.update(task, total=n),
            on_progress=lambda k: progress.advance(task, k),
            on_warning=lambda text: console.print(f"warning: {text}", markup=False, highlight=False),
        )
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        print_report(report)
    if report.failed or report.deferred or report.uncertain:
        raise typer.Exit(3)


def _sender_domain(cli: CliContext) -> str:
    from lawfulreach.store.profiles import ProfileRepo

    profile = ProfileRepo(cli.workspace().scope).get()
    if profile is None or not profile.mail_from:
        raise ConfigError("--dkim-domain is needed: the organisation profile has no sender (`lawfulreach org set`)")
    return profile.mail_from.rpartition("@")[2]


def print_report(report: SendReport) -> None:
    """What a send prints: the campaign, the counts, the run, the rate."""
    lines = [f"Campaign:  {report.campaign_id} ({report.campaign_version})"]
    lines.append(f"Input:     {report.input_name}: {report.considered:,} rows screened allowed for email")
    if report.dry_run:
        lines.append(
            f"Dry run:   {report.written:,} messages written to {report.dry_run} (nothing sent, nothing recorded)"
        )
    else:
        lines.append(f"Sent:      {report.sent:,}")
    if report.refused:
        reasons = ", ".join(f"{r} {n}" for r, n in report.refusal_reasons.most_common(5))
        lines.append(f"Refused:   {report.refused:,} on deciding again ({reasons})")
    skipped = {
        "already sent": report.already_sent,
        "in flight after a crash (--retry-uncertain)": report.skipped_uncertain,
        "failed before (--retry-failed)": report.skipped_failed,
        "claimed by another sender": report.skipped_claimed,
        "duplicate rows": report.duplicates,
        "not an email address": report.invalid,
        "left for the next run (--limit)": report.left,
    }
    shown = [f"{n:,} {what}" for what, n in skipped.items() if n]
    if shown:
        lines.append(f"Skipped:   {'; '.join(shown)}")
    problems = {
        "failed (5xx)": report.failed,
        "deferred (4xx; retried next run)": report.deferred,
        "uncertain (connection lost during DATA)": report.uncertain,
    }
    shown = [f"{n:,} {what}" for what, n in problems.items() if n]
    if shown:
        lines.append(f"Problems:  {'; '.join(shown)}")
    if report.run:
        lines.append(f"Evidence:  run {report.run} (lawfulreach evidence run {report.run})")
    lines.append(f"Time:      {report.seconds:.1f} s, {report.rate:.0f} messages/s")
    for line in lines:
        typer.echo(line)
