"""``journeymap opportunities ...``: the opportunity backlog suggested from the evidence.

Thin: options in, :class:`~journeymap.services.analysis.AnalysisService` call, rows out.
``accept`` recomputes the backlog with the options it is given (the suggestions are
deterministic, so the same options find the same ids) rather than reading a saved list
that could be stale by the time someone accepts from it. The method is explained in
``docs/moments.md``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from journeymap.analytics.scope import Scope
from journeymap.cli.analyze import (
    ChannelOption,
    FromOption,
    JourneyArgument,
    PersonaOption,
    SegmentOption,
    ToOption,
    scope_from_options,
)
from journeymap.cli.context import WorkspaceOption, workspace_dir
from journeymap.cli.maps import AUTHOR_OPTION
from journeymap.cli.moments import FdrOption, ObservedOption, OutcomeOption, parse_cut_off
from journeymap.cli.output import FORMAT_OPTION, OutputFormat, emit
from journeymap.moments import OpportunityBacklog
from journeymap.moments.opportunities import BACKLOG_COLUMNS
from journeymap.services.analysis import AnalysisService

opportunities_app = typer.Typer(
    name="opportunities",
    help="The opportunity backlog: moments to fix or spread, ranked by what they would gain "
    "if they performed like their best segment or week; accept one onto the map.",
    no_args_is_help=True,
)

BySegmentOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Compare segments by this event or customer property (carrier, country...); "
        "default: persona when the data have one, else weeks only.",
    ),
]
MinCustomersOption = Annotated[
    int,
    typer.Option(
        "--min-customers",
        min=1,
        help="Smallest segment or week that may serve as the benchmark.",
    ),
]

TABLE_COLUMNS = ["rank", "title", "owner_team", "customers_affected", "expected_impact"]
"""What people see; ``--format json`` and ``csv`` (and ``--csv``) carry every column."""


@opportunities_app.command("suggest")
def suggest(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    by: BySegmentOption = None,
    outcome: OutcomeOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Show at most this many rows.")] = 20,
    csv_file: Annotated[
        Path | None,
        typer.Option(
            "--csv",
            dir_okay=False,
            help="Also write the rows shown, every column, to this CSV file.",
        ),
    ] = None,
    min_customers: MinCustomersOption = 100,
    fdr: FdrOption = 0.05,
    observed_before: ObservedOption = None,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Suggest opportunities from the evidence, ranked by relative gain.

    Each names the touchpoint, its owner team, the moment's impact, the customers affected
    and the expected gain if the moment performed like its best segment or best week.
    """
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        backlog = analysis.opportunities(
            journey_id, scope=scope, by=by, observed_before=parse_cut_off(observed_before),
            fdr=fdr, min_customers=min_customers,
        )  # fmt: skip
    rows = [row for row in backlog.rows() if outcome is None or row["outcome"] == outcome][:top]
    every = list(BACKLOG_COLUMNS)
    if csv_file is not None:
        write_csv(csv_file, rows, columns=every)
        typer.echo(f"wrote {len(rows)} suggestion(s) to {csv_file}", err=True)
    if output is not OutputFormat.TABLE:
        emit(rows, columns=every, output=output)
        return
    emit(rows, columns=TABLE_COLUMNS, output=output, title=_title(backlog, journey_id))
    if rows:  # the ids in full, where a narrow table would cut them short
        typer.echo(f"To accept one: journeymap opportunities accept {journey_id} ID "
                   "(with the same options). IDs by rank:")  # fmt: skip
        for row in rows:
            typer.echo(f"  {row['rank']:>3}  {row['id']}")
    for note in backlog.notes:
        typer.echo(f"note: {note}", err=True)


@opportunities_app.command("accept")
def accept(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    suggestion_id: Annotated[
        str, typer.Argument(help="The suggestion's id, as `opportunities suggest` lists it.")
    ],
    by: BySegmentOption = None,
    min_customers: MinCustomersOption = 100,
    fdr: FdrOption = 0.05,
    observed_before: ObservedOption = None,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    author: Annotated[str | None, AUTHOR_OPTION] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Put a suggestion on the map as an opportunity (status idea), as a new version.

    The backlog is recomputed with the options given: pass the same ones as to
    `opportunities suggest`. An id the journey already holds is refused.
    """
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope: Scope = scope_from_options(
            analysis, journey_id, start, end, channel, segment, persona
        )
        suggestion, info = analysis.accept_opportunity(
            journey_id, suggestion_id, scope=scope, by=by,
            observed_before=parse_cut_off(observed_before), fdr=fdr,
            min_customers=min_customers, author=author,
        )  # fmt: skip
    typer.echo(
        f"Accepted {suggestion.id} onto {journey_id} (owner: {suggestion.owner}, expected "
        f"impact {suggestion.expected_impact.value}): {info.describe()}"
    )


def write_csv(path: Path, rows: list[dict[str, object]], *, columns: list[str]) -> None:
    """The rows as a CSV file, cells that spreadsheets would run as formulas defused.

    The same writer as ``--format csv`` (:func:`~journeymap.cli.output.emit`), pointed at
    the file, so both neutralise ``=``, ``+``, ``-``, ``@``, tab and carriage return alike.
    """
    with path.open("w", encoding="utf-8", newline="") as stream, contextlib.redirect_stdout(stream):
        emit(rows, columns=columns, output=OutputFormat.CSV)


def _title(backlog: OpportunityBacklog, journey_id: str) -> str:
    by = f"by {backlog.segment} and week" if backlog.segment else "by week"
    return f"Opportunity backlog of {journey_id} ({by}; benchmarks of {backlog.min_customers}+)"
