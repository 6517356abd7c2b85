"""What each analytics view shows, as the API's response models, built from the analyses.

A page and its JSON twin render the same model: the page cannot show a number the API does
not give, and a test of the API checks the page's numbers too. Every builder takes the
:class:`~journeymap.services.analysis.AnalysisService` the caller holds (the analytics
database is one connection) and measures on the journey persona's customers, as the map's
numbers do, unless ``everyone`` is asked for.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from journeymap.analytics import Scope
from journeymap.analytics.dfg import DirectlyFollowsGraph
from journeymap.analytics.funnel import FunnelResult
from journeymap.analytics.paths import PathFlows
from journeymap.analytics.variants import Variants
from journeymap.model import Journey
from journeymap.model.canonical import CUSTOMER_ID
from journeymap.services.analysis import AnalysisService
from journeymap.services.errors import JourneymapError
from journeymap.services.map_metrics import NO_EVENTS_HINT, has_events
from journeymap.services.voice import VoiceService

CUSTOMERS_SHOWN = 50
"""Customer ids listed behind one funnel step (the API pages no further: export for more)."""
MAX_EDGES = 40


def journey_scope(analysis: AnalysisService, journey: Journey, *, everyone: bool) -> Scope:
    """The persona's segment (what the map's numbers measure), or everyone."""
    if everyone:
        return Scope()
    segment = analysis.workspace.load().persona(journey.persona).segment
    return Scope(segment=segment) if segment else Scope()


def require_events(analysis: AnalysisService) -> None:
    """Refuse to show numbers that would be zeros for want of data."""
    if not has_events(analysis):
        raise JourneymapError(
            "no events imported yet: there is nothing to measure.", hint=NO_EVENTS_HINT
        )


def names_of(journey: Journey) -> dict[str, str]:
    """Display names of the journey's stages and touchpoints by id."""
    names = {stage.id: stage.name for stage in journey.stages}
    names.update({tp.id: tp.name for _, tp in journey.touchpoints()})
    return names


# -- funnel --------------------------------------------------------------------------------


class FunnelChoice(BaseModel):
    id: str
    name: str


class FunnelStepOut(BaseModel):
    step: int
    touchpoint: str
    name: str
    customers: int
    conversion_from_previous: float | None = Field(description="Share 0..1.")
    conversion_from_first: float | None
    drop_off: int = Field(description="Customers of the previous step who did not reach this.")
    median_seconds_from_previous: float | None
    customers_url: str = Field(description="Who reached this step (JSON).")
    dropped_url: str = Field(description="Who reached the previous step but not this (JSON).")


class FunnelOut(BaseModel):
    """A declared funnel of the journey measured: levels, drop-offs, the people behind them."""

    journey_id: str
    funnels: list[FunnelChoice]
    funnel: str
    name: str
    window_hours: float
    everyone: bool
    customers: int = Field(description="Customers measured (entered the funnel or not).")
    levels: list[int] = Field(description="levels[k]: customers whose furthest step is k.")
    steps: list[FunnelStepOut]
    chart: str


def declared_funnel(journey: Journey, funnel_id: str | None) -> tuple[str, str, list[str], float]:
    """The funnel asked for (the first by default): id, name, steps, window in hours."""
    if not journey.funnels:
        raise JourneymapError(
            f"journey {journey.id!r} declares no funnel.",
            hint="Add one under `funnels:` in the map file (basket, payment, order placed...).",
        )
    try:
        chosen = journey.funnel(funnel_id) if funnel_id else journey.funnels[0]
    except KeyError:
        known = ", ".join(f.id for f in journey.funnels)
        raise JourneymapError(f"journey {journey.id!r} has no funnel {funnel_id!r}.",
                              hint=f"Its funnels: {known}.") from None  # fmt: skip
    return chosen.id, chosen.name, list(chosen.steps), chosen.window_hours


def measure_funnel(
    analysis: AnalysisService, journey_id: str, funnel_id: str | None, *, everyone: bool
) -> tuple[FunnelOut, FunnelResult]:
    """The funnel view and the result its chart draws."""
    require_events(analysis)
    journey = analysis.journey_of(journey_id)
    chosen, name, steps, hours = declared_funnel(journey, funnel_id)
    scope = journey_scope(analysis, journey, everyone=everyone)
    result = analysis.funnel(journey_id, steps, window=dt.timedelta(hours=hours), scope=scope)
    names = names_of(journey)
    base = f"/api/v1/journeys/{journey_id}/analytics/funnel/customers?funnel={chosen}" + (
        "&everyone=true" if everyone else ""
    )
    view = FunnelOut(
        journey_id=journey_id,
        funnels=[FunnelChoice(id=f.id, name=f.name) for f in journey.funnels],
        funnel=chosen,
        name=name,
        window_hours=hours,
        everyone=everyone,
        customers=result.customers,
        levels=list(result.levels),
        steps=[
            FunnelStepOut(
                step=step.step,
                touchpoint=step.name,
                name=names.get(step.name, step.name),
                customers=step.customers,
                conversion_from_previous=step.conversion_from_previous,
                conversion_from_first=step.conversion_from_first,
                drop_off=step.drop_off,
                median_seconds_from_previous=step.median_seconds_from_previous,
                customers_url=f"{base}&step={step.step}",
                dropped_url=f"{base}&step={step.step}&dropped=true",
            )
            for step in result.steps
        ],
        chart=f"/journeys/{journey_id}/analytics/funnel.svg?funnel={chosen}"
        + ("&everyone=true" if everyone else ""),
    )
    return view, result


class FunnelCustomersOut(BaseModel):
    """Customers behind one funnel step: those who reached it, or who dropped just before it."""

    journey_id: str
    funnel: str
    step: int
    dropped: bool
    total: int
    customers: list[str] = Field(description=f"The first {CUSTOMERS_SHOWN} ids, sorted.")


def funnel_people(
    analysis: AnalysisService,
    journey_id: str,
    funnel_id: str | None,
    step: int,
    *,
    dropped: bool,
    everyone: bool,
) -> FunnelCustomersOut:
    require_events(analysis)
    journey = analysis.journey_of(journey_id)
    chosen, _, steps, hours = declared_funnel(journey, funnel_id)
    if not 1 <= step <= len(steps):
        raise JourneymapError(f"funnel {chosen!r} has steps 1 to {len(steps)}, not {step}.")
    scope = journey_scope(analysis, journey, everyone=everyone)
    behind = analysis.funnel_customers(
        journey_id, steps, window=dt.timedelta(hours=hours), scope=scope
    )
    # Dropped before step k: reached step k-1 and got no further.
    chosen_rows = (
        behind.filter(behind.level == step - 1) if dropped else behind.filter(behind.level >= step)
    )
    total = int(chosen_rows.count().to_pyarrow().as_py())
    ids = chosen_rows.select(CUSTOMER_ID).order_by(CUSTOMER_ID).limit(CUSTOMERS_SHOWN).to_pyarrow()
    return FunnelCustomersOut(
        journey_id=journey_id, funnel=chosen, step=step, dropped=dropped, total=total,
        customers=[str(v) for v in ids[CUSTOMER_ID].to_pylist()],
    )  # fmt: skip


# -- paths and variants --------------------------------------------------------------------


class FlowOut(BaseModel):
    depth: int
    source: str
    target: str
    customers: int


class VariantOut(BaseModel):
    touchpoints: list[str]
    names: list[str]
    customers: int
    share: float


class PathsOut(BaseModel):
    """Where customers go from a touchpoint (Sankey) and the most common whole journeys."""

    journey_id: str
    start: str
    steps: int
    customers: int = Field(description="Customers who had the start touchpoint.")
    flows: list[FlowOut]
    variants: list[VariantOut]
    total_variants: int
    chart: str


def measure_paths(
    analysis: AnalysisService, journey_id: str, start: str | None, steps: int, *, everyone: bool
) -> tuple[PathsOut, PathFlows]:
    require_events(analysis)
    journey = analysis.journey_of(journey_id)
    begin = start or (journey.funnels[0].steps[0] if journey.funnels else None)
    if begin is None:
        begin = next((tp.id for _, tp in journey.touchpoints()), None)
    if begin is None:
        raise JourneymapError(f"journey {journey_id!r} has no touchpoints yet.")
    analysis.funnel_steps(journey_id, [begin])  # a known touchpoint, or a helpful error
    scope = journey_scope(analysis, journey, everyone=everyone)
    flows = analysis.path_flows(journey_id, begin, steps=steps, scope=scope)
    variants: Variants = analysis.variants(journey_id, top=10, scope=scope)
    names = names_of(journey)
    view = PathsOut(
        journey_id=journey_id, start=begin, steps=steps, customers=flows.customers,
        flows=[FlowOut.model_validate(row) for row in flows.rows()],
        variants=[
            VariantOut(touchpoints=list(v.activities), names=[names.get(a, a) for a in v.activities],
                       customers=v.customers, share=v.share)
            for v in variants.top
        ],
        total_variants=variants.total_variants,
        chart=f"/journeys/{journey_id}/analytics/paths.svg?start={begin}&steps={steps}"
        + ("&everyone=true" if everyone else ""),
    )  # fmt: skip
    return view, flows


# -- directly-follows graph ----------------------------------------------------------------


class EdgeOut(BaseModel):
    source: str
    target: str
    frequency: int
    median_seconds: float


class ActivityOut(BaseModel):
    activity: str
    customers: int


class DfgOut(BaseModel):
    """Which activity directly follows which: the process map, its heaviest edges first."""

    journey_id: str
    by_touchpoint: bool
    edges: list[EdgeOut] = Field(description=f"The {MAX_EDGES} most frequent edges.")
    total_edges: int
    start_activities: list[ActivityOut]
    end_activities: list[ActivityOut]
    chart: str


def measure_dfg(
    analysis: AnalysisService, journey_id: str, *, by_touchpoint: bool, everyone: bool
) -> tuple[DfgOut, DirectlyFollowsGraph]:
    require_events(analysis)
    journey = analysis.journey_of(journey_id)
    scope = journey_scope(analysis, journey, everyone=everyone)
    graph = analysis.directly_follows(journey_id, by_touchpoint=by_touchpoint, scope=scope)
    edges = sorted(graph.edges, key=lambda e: (-e.frequency, e.source, e.target))
    view = DfgOut(
        journey_id=journey_id, by_touchpoint=by_touchpoint, total_edges=len(edges),
        edges=[EdgeOut(source=e.source, target=e.target, frequency=e.frequency,
                       median_seconds=e.median_seconds) for e in edges[:MAX_EDGES]],
        start_activities=[ActivityOut(activity=a.activity, customers=a.customers)
                          for a in graph.start_activities],
        end_activities=[ActivityOut(activity=a.activity, customers=a.customers)
                        for a in graph.end_activities],
        chart=f"/journeys/{journey_id}/analytics/dfg.svg?by_touchpoint={str(by_touchpoint).lower()}"
        + ("&everyone=true" if everyone else ""),
    )  # fmt: skip
    return view, graph


# -- feedback ------------------------------------------------------------------------------


class QuoteOut(BaseModel):
    text: str
    stage: str | None
    stage_name: str | None
    touchpoint: str | None
    touchpoint_name: str | None
    sentiment: float | None = Field(description="-1 (negative) to +1 (positive).")
    source: str


class FeedbackOut(BaseModel):
    """Customers' own words, assigned to the touchpoints they are about (worst first)."""

    journey_id: str
    everyone: bool
    quotes: list[QuoteOut]


def feedback_quotes(
    analysis: AnalysisService, journey_id: str, *, everyone: bool, per_touchpoint: int = 3
) -> FeedbackOut:
    require_events(analysis)
    journey = analysis.journey_of(journey_id)
    persona = analysis.workspace.load().persona(journey.persona)
    segment = None if everyone else persona.segment
    voice = VoiceService(analysis.workspace, analysis.database)
    evidence = voice.feedback_evidence(
        journey_id, negative=per_touchpoint, positive=1, segment=segment
    )
    names = names_of(journey)
    return FeedbackOut(
        journey_id=journey_id,
        everyone=everyone,
        quotes=[
            QuoteOut(
                text=item.text,
                stage=item.stage,
                stage_name=names.get(item.stage) if item.stage else None,
                touchpoint=item.touchpoint,
                touchpoint_name=names.get(item.touchpoint) if item.touchpoint else None,
                sentiment=item.sentiment,
                source=item.source.value,
            )
            for item in evidence
        ],
    )
