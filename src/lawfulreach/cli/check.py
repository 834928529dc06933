"""``lawfulreach check [FILE|-]``: JSON Lines requests in, JSON Lines decisions out (spec §4).

A malformed line gets an error object naming its line number, in its place in the output, and does
not stop the others; the exit code is 1 when any line was malformed. Each decision line ends with
what a record needs (``Decision.record_fields``): rule-base version, time, stored campaign.

A line's ``campaign`` may be inline or a stored campaign's id; ``--campaign`` (an id or a file) is the
campaign of lines that name none. An archived campaign is refused (the line's error object says so).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.commands.campaigns import CheckCampaigns
from lawfulreach.errors import InputError, RequestError


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
) -> None:
    """Decide each request: allowed / blocked / review, with every reason and its citation."""
    cli: CliContext = ctx.obj
    campaigns = CheckCampaigns(cli, campaign)
    service = cli.service()
    bad = 0
    out = sys.stdout
    with _open(file) as stream:
        for line_no, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise RequestError(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
                decision = service.check(campaigns.request(data))
                out.write(json.dumps(decision.to_json(), ensure_ascii=False) + "\n")
            except RequestError as exc:
                bad += 1
                out.write(json.dumps({"line": line_no, "error": str(exc)}) + "\n")
            out.flush()
    if bad:
        typer.echo(f"{bad} malformed request line(s); see the error objects in the output", err=True)
        raise typer.Exit(1)
