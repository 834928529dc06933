"""``lawfulreach lia start|approve|show|list|render|verify``: the legitimate interests assessment
(``commands.lia``). Without ``--answers``, ``start`` asks the questions in the terminal (Rich prompts)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.prompt import Prompt

from lawfulreach.cli.context import CliContext
from lawfulreach.commands import lia as lia_commands
from lawfulreach.csvsafe import private_file
from lawfulreach.domain.lia import Answer, AnswerType, LiaOutcome, Questionnaire, coerce_answer, expected
from lawfulreach.store.lia import DEFAULT_REVIEW_MONTHS, AssessmentRecord

lia_app = typer.Typer(
    help="Legitimate interests assessments: answer the ICO-style questionnaire, approve, render, verify.",
    no_args_is_help=True,
)


def _ask(q: Questionnaire, console: Console) -> dict[str, Answer]:
    """Every question in order; an empty answer leaves it unanswered (a required one: needs review)."""
    answers: dict[str, Answer] = {}
    console.print(f"[bold]{q.title}[/bold] — leave an answer empty to skip it (required ones then need review).")
    for section in q.sections:
        console.print(f"\n[bold]{section.title}[/bold]: {section.question}")
        for question in q.in_section(section.id):
            label = f"{question.text}{'' if question.required else ' (optional)'}"
            while True:
                if question.type is AnswerType.TEXT:
                    raw = Prompt.ask(label, console=console, default="", show_default=False)
                else:
                    options = ["yes", "no"] if question.type is AnswerType.YES_NO else list(question.choices)
                    raw = Prompt.ask(label, console=console, choices=options, default="", show_default=False)
                if not raw.strip():
                    break
                value = coerce_answer(question, raw)
                if value is not None:
                    answers[question.id] = value
                    break
                console.print(f"[red]{question.id}: answer {expected(question)}[/red]")
    return answers


def _print(record: AssessmentRecord) -> None:
    typer.echo(
        f"assessment {record.id} version {record.version} (campaign {record.campaign_id}): {record.outcome.label}"
    )
    for f in record.findings:
        where = f" [{f.question}]" if f.question else ""
        typer.echo(f"  - {f.outcome.label}{where}: {f.message} ({f.citation})")
    if record.approved_by:
        due = record.review_due.isoformat() if record.review_due else "-"
        approved = record.approved_at.strftime("%Y-%m-%d") if record.approved_at else "-"
        typer.echo(f"  approved by {record.approved_by} on {approved}; review due {due}")
    typer.echo(f"  content hash {record.content_hash}")
    if record.problem:
        typer.echo(f"  INTEGRITY: altered — {record.problem}; it does not count as passed")


@lia_app.command("start")
def start(
    ctx: typer.Context,
    campaign: str = typer.Option(..., "--campaign", help="The stored campaign's id (see `campaign list`)."),
    answers: Path | None = typer.Option(
        None, "--answers", help="A TOML answers file ([purpose] interest = …); without it, the questions are asked."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the stored assessment as JSON."),
) -> None:
    """Answer the questionnaire for a stored campaign and store the scored result as a new version."""
    cli: CliContext = ctx.obj
    q = lia_commands.questionnaire()
    given = lia_commands.load_answers(answers, q) if answers is not None else _ask(q, Console())
    record = lia_commands.start(cli, campaign, given)
    if as_json:
        typer.echo(json.dumps(record.to_json(), indent=2, ensure_ascii=False))
        return
    _print(record)
    if record.outcome is LiaOutcome.PASSED:
        typer.echo(f"next: lawfulreach lia approve {record.id} --by NAME")


@lia_app.command("approve")
def approve(
    ctx: typer.Context,
    assessment_id: str = typer.Argument(..., metavar="ID", help="The assessment's id (lia_…)."),
    by: str = typer.Option(..., "--by", help="Who approves it (name, role), as the document shows it."),
    review_months: int = typer.Option(
        DEFAULT_REVIEW_MONTHS, "--review-months", help="Months until the assessment must be reviewed (1-36)."
    ),
) -> None:
    """Sign off the newest version (refused when it failed or needs review)."""
    cli: CliContext = ctx.obj
    _print(lia_commands.approve(cli, assessment_id, by, review_months))


@lia_app.command("show")
def show(
    ctx: typer.Context,
    assessment_id: str = typer.Argument(..., metavar="ID"),
    version: int | None = typer.Option(None, "--version", help="This version (default: the newest)."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of text."),
) -> None:
    """One assessment version with its reasons, approval, review date and integrity."""
    cli: CliContext = ctx.obj
    record = lia_commands.show(cli, assessment_id, version)
    status = lia_commands.campaign_status(cli, record.campaign_id)
    if as_json:
        doc = record.to_json() | {"campaign_status": status.ref.status.value if status.ref else "missing"}
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    _print(record)
    typer.echo(status.describe())


@lia_app.command("list")
def list_(
    ctx: typer.Context,
    campaign: str | None = typer.Option(None, "--campaign", help="Only this campaign's assessment."),
) -> None:
    """The newest version of every assessment."""
    cli: CliContext = ctx.obj
    records = lia_commands.list_assessments(cli, campaign)
    if not records:
        typer.echo("no assessments")
        return
    typer.echo("id\tversion\tcampaign\toutcome\tapproved by\treview due\tintegrity")
    for r in records:
        due = r.review_due.isoformat() if r.review_due else "-"
        integrity = "ALTERED" if r.problem else "intact"
        typer.echo(
            f"{r.id}\t{r.version}\t{r.campaign_id}\t{r.outcome.label}\t{r.approved_by or '-'}\t{due}\t{integrity}"
        )


@lia_app.command("render")
def render(
    ctx: typer.Context,
    assessment_id: str = typer.Argument(..., metavar="ID"),
    fmt: str = typer.Option("html", "--format", help="html (printable) or md."),
    out: Path | None = typer.Option(None, "--out", help="Write the document here (default: standard output)."),
    version: int | None = typer.Option(None, "--version", help="This version (default: the newest)."),
) -> None:
    """The assessment as a document a DPO can file."""
    cli: CliContext = ctx.obj
    text = lia_commands.render(cli, assessment_id, fmt.strip().lower(), version)
    if out is None:
        typer.echo(text, nl=False)
        return
    with private_file(out) as fh:  # 0600 like every file lawfulreach writes about its work
        fh.write(text)
    typer.echo(f"wrote {out}")


@lia_app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Check every stored version against its content hash and the audit trail; exit 1 naming any altered."""
    cli: CliContext = ctx.obj
    count, problems = lia_commands.verify(cli)
    for p in problems:
        typer.echo(f"{p.assessment_id} version {p.version} (campaign {p.campaign_id}): {p.problem}", err=True)
    if problems:
        typer.echo(f"{len(problems)} of the assessment versions fail their check; they do not count as passed")
        raise typer.Exit(1)
    typer.echo(f"{count} assessment version{'s' if count != 1 else ''} checked: content and audit trail agree")
