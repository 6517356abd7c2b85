"""What the data says about a journey, gathered for the poster's "with data" side.

Each part comes from the analyses users can also run one by one (reach, stage progression,
moments of truth, NPS, measured emotion, quotes), on the customers of one persona's segment
where it has one. Parts whose inputs are missing (no feedback imported, too little history
for an observation window) are left out with a note on the poster, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from journeymap.analytics import Scope
from journeymap.analytics.progression import stage_progression
from journeymap.analytics.reach import Reach
from journeymap.engine import NoEventsError
from journeymap.model import MomentKind, Persona
from journeymap.model.canonical import SENTIMENT, TOUCHPOINT
from journeymap.moments.impact import MomentImpacts, SignalImpact
from journeymap.render.content import (
    MomentMark,
    PosterData,
    Quote,
    StageMetrics,
    TouchpointMetrics,
)
from journeymap.services.analysis import AnalysisService
from journeymap.services.errors import JourneymapError
from journeymap.services.voice import VoiceService

Report = Callable[[str], None]
"""Called with the name of each part as it starts, for progress on long work."""

OBSERVATION_WINDOW = dt.timedelta(days=45)
"""Moments are measured on what happened before the last 45 days, outcomes after (see the
moments docs): over the whole history, parcels still on their way look like causes."""


def measure_poster(
    analysis: AnalysisService,
    voice: VoiceService | None,
    journey_id: str,
    persona: Persona,
    *,
    report: Report | None = None,
) -> PosterData:
    """Reach, progression, moments, NPS, measured emotion and quotes for one journey."""
    say = report or (lambda _: None)
    notes: list[str] = []
    scope = Scope(segment=persona.segment) if persona.segment else Scope()
    if persona.segment is None:
        notes.append(f"{persona.name} has no segment rule: the numbers are all customers'")
    say("reach")
    events = analysis.touchpoint_events(journey_id, scope)
    journey = analysis.journey_of(journey_id)
    reach = analysis.reach(journey_id, scope)
    say("stage progression")
    progression = stage_progression(events, journey)
    period = _period(analysis, scope)
    say("moments of truth")
    marks = _moment_marks(analysis, journey_id, scope, notes)
    stages: dict[str, StageMetrics] = {}
    nps = {}
    emotions = {}
    quotes: tuple[Quote, ...] = ()
    touchpoint_feedback: dict[str, tuple[int, float | None]] = {}
    if voice is not None:
        try:
            say("feedback: NPS, emotion and quotes")
            segment = persona.segment
            scores = voice.scores(journey_id, segment=segment)
            nps = {row.group: row for row in scores.level("stage")}
            emotions = {e.stage: e for e in voice.measured_emotions(journey_id, segment=segment)}
            touchpoint_feedback = _feedback_by_touchpoint(voice, journey_id, segment)
            quotes = tuple(
                Quote(
                    text=item.text,
                    stage=item.stage,
                    touchpoint=item.touchpoint,
                    sentiment=item.sentiment,
                    source=item.source.value,
                )
                for item in voice.feedback_evidence(
                    journey_id, negative=2, positive=1, segment=segment
                )
            )
        except JourneymapError as error:
            notes.append(f"No customer feedback on the poster: {error}")
    for progress in progression.stages:
        row = reach.row(progress.stage) if _has_row(reach, progress.stage) else None
        score = nps.get(progress.stage)
        median = progress.time_to_next.median if progress.time_to_next else None
        stages[progress.stage] = StageMetrics(
            customers=row.customers if row is not None else progress.customers,
            base=reach.customers,
            to_next=progress.next_share,
            median_days_to_next=median / 86_400 if median is not None else None,
            nps=score.nps if score is not None else None,
            nps_responses=score.nps_responses if score is not None else 0,
        )
    touchpoints = {
        tp.id: TouchpointMetrics(
            customers=reach.row(tp.id).customers if _has_row(reach, tp.id) else 0,
            base=reach.customers,
            feedback_items=touchpoint_feedback.get(tp.id, (0, None))[0],
            mean_sentiment=touchpoint_feedback.get(tp.id, (0, None))[1],
        )
        for _, tp in journey.touchpoints()
    }
    return PosterData(
        period=period,
        customers=reach.customers,
        stages=stages,
        touchpoints=touchpoints,
        emotions=emotions,
        moments=marks,
        quotes=quotes,
        notes=tuple(notes),
    )


def _has_row(reach: Reach, row_id: str) -> bool:
    try:
        reach.row(row_id)
    except KeyError:
        return False
    return True


def _feedback_by_touchpoint(
    voice: VoiceService, journey_id: str, segment: str | None
) -> dict[str, tuple[int, float | None]]:
    """Items and mean sentiment of the feedback assigned to each touchpoint."""
    annotated = voice.annotated(journey_id, segment=segment)
    assigned = annotated.filter(annotated[TOUCHPOINT].notnull())
    counts = assigned.group_by(TOUCHPOINT).aggregate(
        items=assigned.count(), mean=assigned[SENTIMENT].mean()
    )
    return {
        row[TOUCHPOINT]: (int(row["items"]), row["mean"]) for row in counts.to_pyarrow().to_pylist()
    }


def _period(analysis: AnalysisService, scope: Scope) -> tuple[dt.date, dt.date] | None:
    events = analysis.events(scope)
    found = events.aggregate(first=events.ts.min(), last=events.ts.max()).to_pyarrow()
    first, last = found["first"][0].as_py(), found["last"][0].as_py()
    if first is None or last is None:
        return None
    return first.date(), last.date()


def _moment_marks(
    analysis: AnalysisService, journey_id: str, scope: Scope, notes: list[str]
) -> tuple[MomentMark, ...]:
    try:
        impacts = analysis.moment_impacts(
            journey_id, scope=scope, observed_before=OBSERVATION_WINDOW
        )
    except (JourneymapError, NoEventsError) as error:
        notes.append(f"Moments of truth not measured: {error}")
        return ()
    notes.extend(impacts.notes)
    return moment_marks(impacts)


def moment_marks(impacts: MomentImpacts) -> tuple[MomentMark, ...]:
    """One mark per touchpoint the data calls a moment of truth, ranked by impact x reach.

    A touchpoint's verdicts may differ by outcome; the mark takes the verdict whose
    significant signals weigh most, and the rank orders touchpoints by that weight.
    """
    by_column = {(i.column, i.outcome): i for i in impacts.impacts}
    best: dict[str, tuple[float, MomentMark]] = {}
    for verdict in impacts.verdicts:
        if verdict.found is MomentKind.NONE:
            continue
        found = [
            by_column[(c, verdict.outcome)]
            for c in verdict.evidence
            if (c, verdict.outcome) in by_column
        ]
        if not found:
            continue
        top = max(found, key=lambda impact: (impact.score, impact.column))
        weight = sum(impact.score for impact in found)
        mark = MomentMark(
            touchpoint=verdict.touchpoint,
            kind=verdict.found,
            rank=0,
            outcome=verdict.outcome,
            summary=_summary(top),
            on_map=verdict.on_map,
        )
        current = best.get(verdict.touchpoint)
        if current is None or (weight, verdict.outcome) > (current[0], current[1].outcome):
            best[verdict.touchpoint] = (weight, mark)
    ordered = sorted(best.values(), key=lambda pair: (-pair[0], pair[1].touchpoint))
    return tuple(
        MomentMark(
            touchpoint=mark.touchpoint,
            kind=mark.kind,
            rank=rank,
            outcome=mark.outcome,
            summary=mark.summary,
            on_map=mark.on_map,
        )
        for rank, (_, mark) in enumerate(ordered, start=1)
    )


def _summary(impact: SignalImpact) -> str:
    """``churned 21% with Arrived late vs 9% without (n=4,210)``."""
    c = impact.comparison
    if c.outcome_with is None or c.outcome_without is None:
        return f"{impact.signal}: n={c.with_signal:,}"
    if impact.numeric:
        values = f"{c.outcome_with:.2f} with vs {c.outcome_without:.2f} without"
    else:
        values = f"{c.outcome_with:.0%} with vs {c.outcome_without:.0%} without"
    return f"{impact.outcome} {values} {impact.signal} (n={c.with_signal:,})"
