"""``lawfulreach check [FILE|-]``: JSON Lines requests in, JSON Lines decisions out (spec §4).

A malformed line gets an error object naming its line number, in its place in the output, and does
not stop the others; the exit code is 1 when any line was malformed. Each decision line ends with
what a record needs (``Decision.record_fields``): rule-base version, time, stored campaign.

A line's ``campaign`` may be inline or a stored campaign's id; ``--campaign`` (an id or a file) is the
campaign of lines that name none. An archived campaign is refused (the line's error object says so).

``--record`` keeps the decisions as evidence, as ``screen --record`` and the API's ``"record": true``
do: the whole input is read first and decided in one call, so the run (one per campaign named) holds
every line, each by its line number, with the input's name and SHA-256; without it lines stream.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.commands.campaigns import CheckCampaigns
from lawfulreach.errors import InputError, RequestError

if TYPE_CHECKING:
    from lawfulreach.domain.model import Request


def _open(path: str) -> TextIO:
    if path == "-":
        return sys.stdin
    try:
        return Path(path).open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read file: {exc.strerror}") from None


def check(
    ctx: typer.Context,
    file: str = typer.Argument("-", help="JSON Lines file of requests, or - for standard input."),
    campaign: str | None = typer.Option(
        None,
        "--campaign",
        help="The campaign of lines that name none: a stored campaign's id or a campaign TOML file.",
    ),
    record: bool = typer.Option(
        False,
        "--record",
        help="Keep the decisions as evidence (one run: campaign version, LIA, rule-base version, input hash).",
    ),
) -> None:
    """Decide each request: allowed / blocked / review, with every reason and its citation."""
    cli: CliContext = ctx.obj
    campaigns = CheckCampaigns(cli, campaign)
    if record:
        _check_recorded(cli, campaigns, file)
        return
    service = cli.service()
    bad = 0
    out = sys.stdout
    with _open(file) as stream:
        for line_no, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                decision = service.check(_parse(campaigns, line))
                out.write(json.dumps(decision.to_json(), ensure_ascii=False) + "\n")
            except RequestError as exc:
                bad += 1
                out.write(json.dumps({"line": line_no, "error": str(exc)}) + "\n")
            out.flush()
    if bad:
        typer.echo(f"{bad} malformed request line(s); see the error objects in the output", err=True)
        raise typer.Exit(1)


def _parse(campaigns: CheckCampaigns, line: str) -> Request:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RequestError(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    return campaigns.request(data)


def _check_recorded(cli: CliContext, campaigns: CheckCampaigns, file: str) -> None:
    """``check --record``: every line parsed, the good ones decided in one call with an evidence
    recorder as one more sink, the output in input order, the run's id on standard error."""
    from lawfulreach.commands.evidence import EvidenceRecorder

    with _open(file) as stream:
        text = stream.read()
    parsed: list[tuple[int, Request | RequestError]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            parsed.append((line_no, _parse(campaigns, line)))
        except RequestError as exc:
            parsed.append((line_no, exc))
    good = [(n, p) for n, p in parsed if not isinstance(p, RequestError)]
    recorder = EvidenceRecorder(
        cli.workspace().scope,
        "check",
        input_name=None if file == "-" else Path(file).name,
        input_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        lines=[n for n, _ in good],
    )
    decisions = iter(cli.service().with_sink(recorder).decide([p for _, p in good]) if good else [])
    out = sys.stdout
    bad = 0
    for line_no, item in parsed:
        row: dict[str, Any]
        if isinstance(item, RequestError):
            bad += 1
            row = {"line": line_no, "error": str(item)}
        else:
            row = next(decisions).to_json()
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    out.flush()
    for run in recorder.wait():
        typer.echo(f"Recorded: evidence run {run.ref} (`lawfulreach evidence run {run.ref}`)", err=True)
    if bad:
        typer.echo(f"{bad} malformed request line(s); see the error objects in the output", err=True)
        raise typer.Exit(1)
