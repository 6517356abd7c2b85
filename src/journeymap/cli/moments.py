"""``journeymap moments ...``: moments of truth ranked by their impact, and the experience score.

Thin: options in, :class:`~journeymap.services.analysis.AnalysisService` call, table out. The
statistics are explained in ``docs/moments.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from journeymap.cli.analyze import (
    ByOption,
    ChannelOption,
    FromOption,
    JourneyArgument,
    PersonaOption,
    SegmentOption,
    ToOption,
    parse_duration,
    scope_from_options,
)
from journeymap.cli.context import WorkspaceOption, workspace_dir
from journeymap.cli.output import FORMAT_OPTION, OutputFormat, emit
from journeymap.services.analysis import AnalysisService

moments_app = typer.Typer(
    name="moments",
    help="Moments of truth from data: signals ranked by their impact on the journey's "
    "outcomes, each moment classified against the map, and the experience score.",
    no_args_is_help=True,
)

OutcomeOption = Annotated[
    str | None, typer.Option("--outcome", help="Only this outcome of the journey (its id).")
]
FdrOption = Annotated[
    float,
    typer.Option("--fdr", min=0.0001, max=0.5, help="False-discovery rate for 'significant'."),
]
ObservedOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--observed-before",
        help="Cut-off (UTC): signals from before it, event outcomes from after it.",
    ),
]
ControlOption = Annotated[
    str | None,
    typer.Option(
        "--control-by", help="Customer property the adjusted models control for (e.g. a segment)."
    ),
]


@moments_app.command("rank")
def rank(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    outcome: OutcomeOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list signals without significant evidence.")
    ] = False,
    top: Annotated[int, typer.Option("--top", min=1, help="Show at most this many rows.")] = 20,
    fdr: FdrOption = 0.05,
    control_by: ControlOption = None,
    observed_before: ObservedOption = None,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Experience signals ranked by impact x reach on each outcome, with their statistics."""
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        found = analysis.moment_impacts(
            journey_id, scope=scope, control_by=control_by, fdr=fdr,
            observed_before=observed_before,
        )  # fmt: skip
    rows = [impact.row() for impact in found.ranked(outcome) if show_all or impact.significant][
        :top
    ]
    columns = ["touchpoint", "signal", "outcome", "reach", "outcome_with", "outcome_without",
               "lift", "effect", "effect_low", "effect_high", "q_value", "adjusted_effect",
               "favourable", "significant", "score"]  # fmt: skip
    if output is not OutputFormat.TABLE:
        columns = list(rows[0]) if rows else columns
    title = f"Moments ranked by impact ({found.customers:,} customers, FDR {fdr:g})"
    emit(rows, columns=columns, output=output, title=title)
    if output is OutputFormat.TABLE:
        for note in found.notes:
            typer.echo(f"note: {note}", err=True)


@moments_app.command("verdicts")
def verdicts(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    outcome: OutcomeOption = None,
    disagreements: Annotated[
        bool, typer.Option("--disagreements", help="Only where the data and the map differ.")
    ] = False,
    fdr: FdrOption = 0.05,
    control_by: ControlOption = None,
    observed_before: ObservedOption = None,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Each moment of truth as the data see it (delighter, hygiene factor...) beside the map."""
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        found = analysis.moment_impacts(
            journey_id, scope=scope, control_by=control_by, fdr=fdr,
            observed_before=observed_before,
        )  # fmt: skip
    rows = [
        {"touchpoint": v.touchpoint, "outcome": v.outcome, "found": v.found.value,
         "on_map": v.on_map.value, "agrees": v.agrees, "evidence": ", ".join(v.evidence),
         "note": v.note}
        for v in found.verdicts
        if (outcome is None or v.outcome == outcome) and (not disagreements or not v.agrees)
    ]  # fmt: skip
    columns = ["touchpoint", "outcome", "found", "on_map", "agrees", "evidence", "note"]
    emit(rows, columns=columns, output=output, title="Moments of truth: data against the map")


@moments_app.command("score")
def score(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    outcome: Annotated[
        str, typer.Option("--outcome", help="The yes/no outcome to predict (e.g. churned).")
    ],
    by: ByOption = None,
    observed_before: ObservedOption = None,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """The experience score: weights, held-out AUC against a baseline, calibration, balance.

    The weights are fitted on 70 % of the customers; the AUC and the calibration table come
    from the other 30 %, against a baseline that only counts touchpoint events.
    """
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        found = analysis.experience_score(
            journey_id, outcome=outcome, scope=scope, by=by, observed_before=observed_before
        )
    summary = {
        "outcome": found.outcome, "auc": found.auc, "baseline_auc": found.baseline_auc,
        "beats_baseline": found.beats_baseline, "training_customers": found.training_customers,
        "test_customers": found.test_customers,
    }  # fmt: skip
    weights = found.weights_table().to_pylist()
    calibration = [vars(b) for b in found.calibration]
    balance = [
        {"segment": b.segment, "stage": b.stage, "customers": b.customers,
         "positive": b.positive, "negative": b.negative, "balance": b.balance}
        for b in found.balance
    ]  # fmt: skip
    if output is OutputFormat.JSON:
        emit_json({**summary, "weights": weights, "calibration": calibration, "balance": balance})
        return
    emit([summary], columns=list(summary), output=output, title="Experience score")
    if output is OutputFormat.TABLE:
        emit(weights, columns=["signal", "weight"], output=output, title="Weights (log odds)")
        emit(calibration, columns=["bin", "customers", "predicted", "observed"], output=output,
             title="Calibration on held-out customers")  # fmt: skip
        emit(balance, columns=list(balance[0]) if balance else ["stage"], output=output,
             title="Positive and negative moments per customer")  # fmt: skip


def emit_json(data: dict[str, object]) -> None:
    """One JSON document on stdout (the score has several tables)."""
    import json
    import sys

    sys.stdout.write(json.dumps(data, indent=2, default=_plain) + "\n")


def _plain(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def monitor(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    steps: Annotated[
        str, typer.Option("--steps", help="The funnel's touchpoint ids in order, comma-separated.")
    ],
    window: Annotated[
        str, typer.Option("--window", help="Conversion window of the funnel, e.g. 2d.")
    ] = "2d",
    period: Annotated[str, typer.Option("--period", help="day or week.")] = "day",
    alpha: Annotated[
        float,
        typer.Option("--alpha", min=1e-12, max=0.1, help="Significance of each drop test."),
    ] = 0.0001,
    recent: Annotated[
        int, typer.Option("--recent", min=1, help="Also list incidents of the last N periods.")
    ] = 30,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Watch a funnel's steps for outages; exits 1 while an incident is open (for cron or CI).

    Each step's conversion per day (or week) is tested against its rolling baseline; the
    significant drops, merged into incidents, are listed with their start, end, size and the
    customers they cost.
    """
    touchpoints = [s.strip() for s in steps.split(",") if s.strip()]
    if len(touchpoints) < 2:
        raise typer.BadParameter("give at least two touchpoints", param_hint="--steps")
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        found = analysis.monitor(journey_id, touchpoints, window=parse_duration(window),
                                 period=period, alpha=alpha, scope=scope)  # fmt: skip
    last = found.last_complete
    shown = [
        i for i in found.incidents if last is None or (last - i.end).days < recent * _days(period)
    ]
    rows = [
        {"step": i.step, "touchpoint": i.name, "start": i.start, "end": i.end,
         "open": i in found.open_incidents, "baseline_rate": i.baseline_rate,
         "observed_rate": i.observed_rate, "drop": i.drop,
         "customers_affected": i.customers_affected, "p_value": i.p_value}
        for i in shown
    ]  # fmt: skip
    columns = ["step", "touchpoint", "start", "end", "open", "baseline_rate", "observed_rate",
               "drop", "customers_affected", "p_value"]  # fmt: skip
    title = f"Incidents up to {last} (last complete {period})" if last else "Incidents"
    emit(rows, columns=columns, output=output, title=title)
    if found.open_incidents:
        raise typer.Exit(1)


def _days(period: str) -> int:
    return 7 if period == "week" else 1
