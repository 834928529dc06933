"""Options several command modules share, declared once so their help reads the same everywhere."""

from __future__ import annotations

import typer

EMAIL = typer.Option(None, "--email", help="The person's email address.")
PHONE = typer.Option(None, "--phone", help="The person's phone number.")
COUNTRY = typer.Option(None, "--country", help="Country to read a national-format phone with.")
OCCURRED = typer.Option(
    None,
    "--occurred-at",
    help="When it happened (ISO date-time, UTC unless an offset is given; default: now); at most the allowed "
    "clock skew ahead.",
)
