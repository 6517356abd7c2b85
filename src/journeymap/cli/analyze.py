"""``journeymap analyze ...``: measure a journey on the workspace's events.

Every command takes the same scope options (date range, channels, a segment rule or the
journey persona's own segment) and most take ``--by`` to break results down by a customer
property. Results print as a table, JSON or CSV.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

import typer

from journeymap.analytics.funnel import customers_at_step, step_column
from journeymap.analytics.paths import next_touchpoints_after
from journeymap.analytics.scope import Scope
from journeymap.cli.context import WorkspaceOption, workspace_dir
from journeymap.cli.output import FORMAT_OPTION, HasArrow, OutputFormat, emit, emit_result
from journeymap.services.analysis import AnalysisService

analyze_app = typer.Typer(
    name="analyze",
    help="Measure a journey on real events: reach, funnels, paths, variants, the "
    "directly-follows graph, conformance, time to value, returns, cohorts, outcomes.",
    no_args_is_help=True,
)

JourneyArgument = Annotated[str, typer.Argument(help="The journey whose map to measure.")]
FromOption = Annotated[
    dt.datetime | None, typer.Option("--from", help="Only events at or after this time (UTC).")
]
ToOption = Annotated[
    dt.datetime | None, typer.Option("--to", help="Only events before this time (UTC).")
]
ChannelOption = Annotated[
    list[str] | None, typer.Option("--channel", help="Only these channels (repeat the option).")
]
SegmentOption = Annotated[
    str | None,
    typer.Option("--segment", help='Only customers matching this rule, e.g. plan == "pro".'),
]
PersonaOption = Annotated[
    bool, typer.Option("--persona", help="Only the customers of the journey persona's segment.")
]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Break results down by this customer property.")
]


def scope_from_options(
    analysis: AnalysisService,
    journey_id: str,
    start: dt.datetime | None,
    end: dt.datetime | None,
    channels: list[str] | None,
    segment: str | None,
    persona: bool,
) -> Scope:
    if segment and persona:
        raise typer.BadParameter("use --segment or --persona, not both")
    scope = Scope(start=start, end=end, channels=tuple(channels or ()), segment=segment)
    return analysis.scope_for(journey_id, scope, persona=persona)


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> dt.timedelta:
    """``"30m"``, ``"12h"``, ``"7d"``, ``"2w"`` -> a timedelta."""
    match = _DURATION.match(text.strip().lower())
    if match is None:
        raise typer.BadParameter(f"{text!r} is not a duration; write e.g. 30m, 12h, 7d or 2w")
    return dt.timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


@analyze_app.command("coverage")
def coverage(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Event types that no touchpoint of the map covers (the map's gaps), most frequent first."""
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, None, False)
        result = analysis.coverage(journey_id, scope)
    rows = [
        {"event": c.event, "events": c.events, "unmatched": c.unmatched, "customers": c.customers,
         "kind": "no touchpoint"}
        for c in result.uncovered
    ] + [
        {"event": c.event, "events": c.events, "unmatched": c.unmatched, "customers": c.customers,
         "kind": "partly matched"}
        for c in result.partial
    ]  # fmt: skip
    emit(
        rows,
        columns=["event", "kind", "events", "unmatched", "customers"],
        output=output,
        title=f"{len(result.uncovered)} event type(s) belong to no touchpoint of {journey_id}",
    )


@analyze_app.command("reach")
def reach(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    by: ByOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Customers and events per stage and touchpoint of the journey."""
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        result = analysis.reach(journey_id, scope, by=by)
    emit_result(result, output=output, title=f"Reach of {journey_id}")


@analyze_app.command("funnel")
def funnel(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    steps: Annotated[
        str,
        typer.Option(
            "--steps",
            help="Touchpoint ids in order, comma-separated; end one with ? to make it optional.",
        ),
    ],
    window: Annotated[
        str, typer.Option("--window", help="Conversion window of the whole funnel, e.g. 7d.")
    ] = "7d",
    mode: Annotated[
        str, typer.Option("--mode", help="ordered (others between), strict or unordered.")
    ] = "ordered",
    daily: Annotated[
        bool, typer.Option("--daily", help="One row per day of entry and step (spot outages).")
    ] = False,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    by: ByOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """A funnel over touchpoints: customers, conversion, drop-off and time per step."""
    touchpoints = [s.strip() for s in steps.split(",") if s.strip()]
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        if by is not None:
            if daily:
                raise typer.BadParameter("use --daily or --by, not both")
            split = analysis.funnel_breakdown(
                journey_id,
                touchpoints,
                by=by,
                window=parse_duration(window),
                mode=mode,
                scope=scope,
            )
            emit_result(split, output=output, title=f"Funnel by {by}")
            return
        if daily:
            periods = analysis.funnel_by_period(
                journey_id, touchpoints, window=parse_duration(window), mode=mode, scope=scope
            )
            emit_result(periods, output=output, title="Funnel by day of entry")
            return
        result = analysis.funnel(
            journey_id, touchpoints, window=parse_duration(window), mode=mode, scope=scope
        )
    emit_result(result, output=output, title=f"Funnel ({mode}, window {window})")


@analyze_app.command("who")
def who(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    steps: Annotated[
        str, typer.Option("--steps", help="The funnel's touchpoint ids, as for funnel.")
    ],
    step: Annotated[int, typer.Option("--step", min=1, help="The step (1-based) to look at.")],
    dropped: Annotated[
        bool, typer.Option("--dropped", help="Those who reached the step before but not this one.")
    ] = False,
    next_: Annotated[
        bool,
        typer.Option("--next", help="Instead of the list, what they did next (top touchpoints)."),
    ] = False,
    window: Annotated[str, typer.Option("--window", help="Conversion window, e.g. 7d.")] = "7d",
    mode: Annotated[str, typer.Option("--mode", help="ordered, strict or unordered.")] = "ordered",
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """The customers behind a funnel number: who reached (or dropped at) a step, and what
    the ones who dropped did next."""
    touchpoints = [s.strip() for s in steps.split(",") if s.strip()]
    if step > len(touchpoints):
        raise typer.BadParameter(f"--step {step} but the funnel has {len(touchpoints)} steps")
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        table = analysis.funnel_customers(
            journey_id, touchpoints, window=parse_duration(window), mode=mode
        )
        chosen = customers_at_step(table, step, dropped=dropped)
        if next_:
            since = step_column(step - 1 if dropped and step > 1 else step)
            result = next_touchpoints_after(
                analysis.touchpoint_events(journey_id), chosen, since=since
            )
            emit_result(result, output=output, title="What they did next")
            return
        rows = chosen.order_by("customer_id").to_pyarrow()
    emit(rows.to_pylist(), columns=rows.column_names, output=output)


@analyze_app.command("paths")
def paths(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    touchpoint: Annotated[str, typer.Option("--touchpoint", help="The touchpoint to look around.")],
    direction: Annotated[
        str, typer.Option("--direction", help="next, previous or flows (for a Sankey).")
    ] = "next",
    top: Annotated[int, typer.Option("--top", min=1, help="How many to list.")] = 10,
    steps: Annotated[int, typer.Option("--depth", min=1, help="Steps to follow for flows.")] = 5,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    by: ByOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Where customers go after (or come from before) a touchpoint, or the flows from it."""
    if direction not in ("next", "previous", "flows"):
        raise typer.BadParameter("--direction must be next, previous or flows")
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        result = _paths(analysis, journey_id, touchpoint, direction, top, steps, scope, by)
    title = f"{direction} from {touchpoint}" + (f" by {by}" if by else "")
    emit_result(result, output=output, title=title)


def _paths(
    analysis: AnalysisService,
    journey_id: str,
    touchpoint: str,
    direction: str,
    top: int,
    steps: int,
    scope: Scope,
    by: str | None,
) -> HasArrow:
    """The paths result for ``direction``, broken down by ``by`` when it is given."""
    if direction == "flows":
        if by is not None:
            return analysis.path_flows_breakdown(
                journey_id, touchpoint, by=by, steps=steps, scope=scope
            )
        return analysis.path_flows(journey_id, touchpoint, steps=steps, scope=scope)
    if by is not None:
        split = (
            analysis.next_touchpoints_breakdown
            if direction == "next"
            else analysis.previous_touchpoints_breakdown
        )
        return split(journey_id, touchpoint, by=by, top=top, scope=scope)
    plain = analysis.next_touchpoints if direction == "next" else analysis.previous_touchpoints
    return plain(journey_id, touchpoint, top=top, scope=scope)


@analyze_app.command("variants")
def variants(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    top: Annotated[
        int, typer.Option("--top", min=1, help="How many variants to list (per group with --by).")
    ] = 20,
    events: Annotated[
        bool, typer.Option("--events", help="Sequences of raw events instead of touchpoints.")
    ] = False,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    by: ByOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """The most common whole journeys (variants) with their customers and share."""
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        if by is not None:
            result: HasArrow = analysis.variants_breakdown(
                journey_id, by=by, top=top, by_touchpoint=not events, scope=scope
            )
        else:
            result = analysis.variants(journey_id, top=top, by_touchpoint=not events, scope=scope)
    emit_result(result, output=output, title="Variants" + (f" by {by}" if by else ""))


@analyze_app.command("dfg")
def dfg(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    touchpoints: Annotated[
        bool, typer.Option("--touchpoints", help="Between touchpoints instead of raw events.")
    ] = False,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    by: ByOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """The directly-follows graph: each edge with its frequency and mean/median time."""
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        if by is not None:
            result: HasArrow = analysis.directly_follows_breakdown(
                journey_id, by=by, by_touchpoint=touchpoints, scope=scope
            )
        else:
            result = analysis.directly_follows(journey_id, by_touchpoint=touchpoints, scope=scope)
    title = "Directly-follows graph" + (f" by {by}" if by else "")
    emit_result(result, output=output, title=title)


@analyze_app.command("conformance")
def conformance(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    by: ByOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """How closely customers follow the designed spine: order, skipped stages, backward
    moves, loops and time per stage."""
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        result = analysis.conformance(journey_id, scope=scope, by=by)
    emit_result(result, output=output, title="Conformance to the spine")


@analyze_app.command("stages")
def stages(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Customers per stage of the spine, the share of them who go on to the next stage and
    the median time it takes (the poster's metrics strip)."""
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        result = analysis.stage_progression(journey_id, scope=scope)
    emit_result(result, output=output, title="Progress through the stages")


@analyze_app.command("ttv")
def ttv(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    value: Annotated[str, typer.Option("--value", help="The touchpoint where value is reached.")],
    from_touchpoint: Annotated[
        str | None,
        typer.Option("--start", help="Measure from this touchpoint (default: first touch)."),
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    by: ByOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Time to value: from first touch (or --start) to the value touchpoint, per group."""
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        result = analysis.time_to_value(
            journey_id, value, start=from_touchpoint, scope=scope, by=by
        )
    emit_result(result, output=output, title=f"Time to {value}")


@analyze_app.command("returns")
def returns(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    lapse_days: Annotated[
        int, typer.Option("--lapse-days", min=1, help="Days without activity that count as lapsed.")
    ] = 45,
    activity: Annotated[
        str | None,
        typer.Option(
            "--activity",
            help='Which events count as the customer being active, e.g. event != "winback_email".',
        ),
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    by: ByOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Customers who lapse and come back, and the touchpoint that brought them back."""
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        result = analysis.returns(
            journey_id, lapse_days=lapse_days, activity=activity, scope=scope, by=by
        )
    if output is OutputFormat.TABLE:
        emit_result(result, output=output, title=f"Lapsed {lapse_days}+ days and returned")
    triggers = [
        {
            **({by: t.group} if by else {}),
            "brought_back_by": t.brought_back_by,
            "returns": t.returns,
            "customers": t.customers,
        }
        for t in result.triggers
    ]
    columns = [*([by] if by else []), "brought_back_by", "returns", "customers"]
    emit(triggers, columns=columns, output=output, title="What brought them back")


@analyze_app.command("cohorts")
def cohorts(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    period: Annotated[str, typer.Option("--period", help="week or month of first touch.")] = "week",
    periods: Annotated[int, typer.Option("--periods", min=1, help="Periods to follow.")] = 12,
    activity: Annotated[
        str | None, typer.Option("--activity", help="Which events count as active (a rule).")
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    by: ByOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Retention cohorts by first-touch week or month: share still active k periods later."""
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        result = analysis.cohorts(
            journey_id, period=period, periods=periods, activity=activity, scope=scope, by=by
        )
    emit_result(result, output=output, title="Retention cohorts")


@analyze_app.command("outcomes")
def outcomes(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    by: ByOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """The journey's named outcomes (converted, churned, returned...) over its customers."""
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
        result = analysis.outcomes(journey_id, scope=scope, by=by)
    emit_result(result, output=output, title="Outcomes")
