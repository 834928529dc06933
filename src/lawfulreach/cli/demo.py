"""``lawfulreach demo``: screen the bundled sample prospects for the bundled campaign (the quick start)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import typer

from lawfulreach.cli.screen import screen
from lawfulreach.domain.vocabulary import Source


def demo(
    ctx: typer.Context,
    out_dir: Path = typer.Option(Path("lawfulreach-out"), "--out-dir", help="Where to write the results."),
    channels: str = typer.Option("email,sms,call,post", "--channels", help="Channels to decide."),
) -> None:
    """Screen the bundled 2,000 sample prospects (31 countries) for the bundled sample campaign."""
    data = resources.files("lawfulreach.sample").joinpath("data")
    with (
        resources.as_file(data.joinpath("prospects.csv")) as prospects,
        resources.as_file(data.joinpath("campaign.toml")) as campaign,
    ):
        typer.echo(f"Screening the bundled sample: {prospects.name} for campaign {campaign.name}")
        screen(
            ctx,
            prospects=prospects,
            campaign_file=str(campaign),
            channels=channels,
            out=out_dir / "sample-screened.csv",
            report=out_dir / "sample-report.html",
            rejects_out=out_dir / "sample-rejects.csv",
            preset="auto",
            mapping=[],
            source=Source.THIRD_PARTY,
            save=False,
            provider=None,
            strict=False,
            sheet=None,
            as_json=False,
        )
