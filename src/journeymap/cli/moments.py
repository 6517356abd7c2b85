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
from journeymap.moments import CutOff
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
    str | None,
    typer.Option(
        "--observed-before",
        help="Cut-off: a UTC time (2025-05-01) or a duration back from the last event (45d); "
        "signals from before it, event outcomes from after it.",
    ),
]


def parse_cut_off(text: str | None) -> CutOff | None:
    """``--observed-before``: ``45d`` (back from the last event) or an ISO date or time."""
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        pass
    try:
        return parse_duration(text)
    except typer.BadParameter:
        raise typer.BadParameter(
            f"{text!r} is neither a time (2025-05-01, 2025-05-01T12:00) nor a duration back "
            "from the last event (45d, 12h, 2w)",
            param_hint="--observed-before",
        ) from None


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
    examples: Annotated[
        int,
        typer.Option(
            "--examples",
            min=0,
            max=20,
            help="Per ranked moment, this many example customers who lived it (with the "
            "outcome it goes with) and their paths.",
        ),
    ] = 0,
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
    """Experience signals ranked by impact x reach on each outcome, with their statistics.

    Each row names the command that shows its evidence (``journeymap moments evidence``);
    ``--examples N`` puts N example customers and their paths in the rows themselves.
    """
    cut_off = parse_cut_off(observed_before)
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        found = analysis.moment_impacts(
            journey_id, scope=scope, control_by=control_by, fdr=fdr, observed_before=cut_off
        )
        chosen = [i for i in found.ranked(outcome) if show_all or i.significant][:top]
        rows = []
        for impact in chosen:
            row = impact.row()
            row["evidence"] = _evidence_command(journey_id, impact.column, impact.outcome,
                                               observed_before)  # fmt: skip
            if examples:
                evidence = analysis.moment_evidence(
                    journey_id, impact.column, outcome=impact.outcome, examples=examples,
                    scope=scope, observed_before=cut_off,
                )  # fmt: skip
                stories = [
                    {"customer_id": e.customer_id, "outcome": e.outcome, "path": e.text()}
                    for e in evidence.examples
                ]
                row["examples"] = (
                    stories
                    if output is not OutputFormat.TABLE
                    else "\n".join(f"{e.customer_id}: {e.text()}" for e in evidence.examples)
                )
            rows.append(row)
    columns = ["touchpoint", "signal", "outcome", "reach", "outcome_with", "outcome_without",
               "lift", "effect", "effect_low", "effect_high", "q_value", "adjusted_effect",
               "favourable", "significant", "score"]  # fmt: skip
    if output is not OutputFormat.TABLE:
        columns = list(rows[0]) if rows else columns
    elif examples:
        columns.append("examples")
    title = f"Moments ranked by impact ({found.customers:,} customers, FDR {fdr:g})"
    emit(rows, columns=columns, output=output, title=title)
    if output is OutputFormat.TABLE:
        for note in found.notes:
            typer.echo(f"note: {note}", err=True)
        if rows:
            typer.echo(f"evidence: {rows[0]['evidence']}", err=True)


def _evidence_command(journey_id: str, signal: str, outcome: str, observed: str | None) -> str:
    """The command that shows the customers behind a ranked moment."""
    window = f" --observed-before {observed}" if observed else ""
    return f"journeymap moments evidence {journey_id} {signal} --outcome {outcome}{window}"


@moments_app.command("evidence")
def evidence(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    signal: Annotated[
        str, typer.Argument(help="The signal as touchpoint:signal (e.g. home-delivery:late).")
    ],
    outcome: OutcomeOption = None,
    examples: Annotated[
        int, typer.Option("--examples", min=1, max=100, help="How many example customers.")
    ] = 3,
    around: Annotated[
        int,
        typer.Option(
            "--around", min=0, max=100, help="Touchpoint events shown before and after the moment."
        ),
    ] = 6,
    observed_before: ObservedOption = None,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Example customers who lived a moment, and their paths around it.

    With ``--outcome``, the examples also had the outcome the moment goes with (churned
    after a late parcel; bought again after a welcome call): the stories behind a rank.
    """
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        found = analysis.moment_evidence(
            journey_id, signal, outcome=outcome, examples=examples, around=around, scope=scope,
            observed_before=parse_cut_off(observed_before),
        )  # fmt: skip
    if output is OutputFormat.JSON:
        emit_json({
            "signal": found.signal, "outcome": found.outcome, "side": found.side,
            "lived_by": found.lived_by,
            "examples": [
                {"customer_id": e.customer_id, "outcome": e.outcome,
                 "skipped_before": e.skipped_before, "skipped_after": e.skipped_after,
                 "steps": [vars(step) for step in e.steps]}
                for e in found.examples
            ],
        })  # fmt: skip
        return
    rows = [{"customer_id": e.customer_id, "outcome": e.outcome, "path": e.text()}
            for e in found.examples]  # fmt: skip
    side = f", {found.side} {found.outcome} than the rest" if found.side else ""
    title = f"{found.signal}: {found.lived_by:,} customers lived it{side}"
    emit(rows, columns=["customer_id", "outcome", "path"], output=output, title=title)


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
            observed_before=parse_cut_off(observed_before),
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
            journey_id,
            outcome=outcome,
            scope=scope,
            by=by,
            observed_before=parse_cut_off(observed_before),
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
