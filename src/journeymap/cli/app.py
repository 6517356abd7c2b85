"""The ``journeymap`` command line: thin wrappers over :mod:`journeymap.services`."""

from __future__ import annotations

from typing import Annotated

import typer

from journeymap import __version__
from journeymap.cli import history, maps, run_demo, web
from journeymap.cli.analyze import analyze_app
from journeymap.cli.context import CliState, WorkspaceOption
from journeymap.cli.data_import import import_app
from journeymap.cli.errors import ReportingGroup
from journeymap.cli.feedback import feedback_app
from journeymap.cli.forget import forget
from journeymap.cli.moments import moments_app
from journeymap.cli.monitor import monitor
from journeymap.cli.opportunities import opportunities_app
from journeymap.cli.render import render, report

app = typer.Typer(
    name="journeymap",
    cls=ReportingGroup,
    help=(
        "Customer journey maps built by the whole company, validated by customers and "
        "measured on real data. Run `journeymap demo` to see everything on an example store."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"journeymap {__version__}")
        raise typer.Exit


@app.callback()
def main_options(
    ctx: typer.Context,
    workspace: WorkspaceOption = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Shared options; every command acts on one workspace folder."""
    ctx.obj = CliState(workspace_dir=workspace)


maps.register(app)
history.register(app)
run_demo.register(app)
web.register(app)
app.add_typer(import_app)
app.add_typer(analyze_app)
app.add_typer(moments_app)
app.add_typer(opportunities_app)
app.add_typer(feedback_app)
app.command("monitor")(monitor)
app.command("forget")(forget)
app.command("render")(render)
app.command("report")(report)


def main() -> None:
    """Entry point of the ``journeymap`` script."""
    app(prog_name="journeymap")
