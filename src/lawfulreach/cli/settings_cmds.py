"""``lawfulreach settings show|get|set``: the tenant's stored settings (issue 12).

``subscriber_policy`` decides when a decision's outcome hinges on an unknown subscriber type; ``check``,
``screen`` and the API read it, and ``--subscriber-policy`` overrides it for one command. Changes go on
the audit trail (``audit show --act settings``).
"""

from __future__ import annotations

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.store.tenant_settings import SETTINGS

settings_app = typer.Typer(help="The tenant's stored settings (e.g. subscriber_policy).", no_args_is_help=True)

_CHOICES = "; ".join(f"{name}: {', '.join(values)}" for name, values in SETTINGS.items())


@settings_app.command("show")
def settings_show(ctx: typer.Context) -> None:
    """Every setting of the tenant chosen with --tenant, with its value (and whether it is the default)."""
    cli: CliContext = ctx.obj
    for s in cli.workspace().tenant_settings.all():
        typer.echo(f"{s.name}\t{s.value}" + ("" if s.stored else "\t(default)"))


@settings_app.command("get")
def settings_get(ctx: typer.Context, name: str = typer.Argument(..., help=f"Setting name ({_CHOICES}).")) -> None:
    """Print one setting's value."""
    cli: CliContext = ctx.obj
    typer.echo(cli.workspace().tenant_settings.get(name).value)


@settings_app.command("set")
def settings_set(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=f"Setting name ({_CHOICES})."),
    value: str = typer.Argument(..., help="The new value."),
) -> None:
    """Store a setting for the tenant; the change is recorded on the audit trail."""
    cli: CliContext = ctx.obj
    s = cli.workspace().tenant_settings.set(name, value)
    typer.echo(f"tenant {cli.tenant!r}: {s.name} = {s.value}")
