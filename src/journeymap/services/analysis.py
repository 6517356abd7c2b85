"""Measuring the journey: importing events and customers, and running the analytics on them.

The one API behind ``journeymap import ...`` and ``journeymap analyze ...`` (and later the
web app). It joins the two halves of a workspace: the maps in the store (which touchpoint
is which event, whose segment is which) and the events in the analytics database. The
analytics themselves are pure functions in :mod:`journeymap.analytics`; this module only
picks the tables, the journey and the scope.

>>> with AnalysisService.open(Path("demo-workspace")) as analysis:  # doctest: +SKIP
...     result = analysis.funnel("busy-parent-journey", ["basket", "payment", "order-placed"])
...     [(s.name, s.customers) for s in result.steps]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Literal

import ibis

from journeymap.analytics.breakdown import Breakdown
from journeymap.analytics.cohorts import RetentionCohorts, retention_cohorts
from journeymap.analytics.conformance import Conformance, conformance
from journeymap.analytics.dfg import (
    DirectlyFollowsGraph,
    directly_follows,
    directly_follows_breakdown,
)
from journeymap.analytics.funnel import (
    FunnelBreakdown,
    FunnelMode,
    FunnelPeriods,
    FunnelResult,
    FunnelStep,
    funnel,
    funnel_breakdown,
    funnel_by_period,
    funnel_customers,
)
from journeymap.analytics.matching import UnmatchedEvents, match_touchpoints, unmatched_events
from journeymap.analytics.outcomes import OutcomeSummary, outcome_summary, outcome_table
from journeymap.analytics.paths import (
    Neighbours,
    PathFlows,
    next_touchpoints,
    next_touchpoints_breakdown,
    path_flows,
    path_flows_breakdown,
    previous_touchpoints,
    previous_touchpoints_breakdown,
)
from journeymap.analytics.progression import StageProgression, stage_progression
from journeymap.analytics.reach import Reach, reach
from journeymap.analytics.returns import Returns, returns
from journeymap.analytics.scope import Scope, apply_scope, with_breakdown
from journeymap.analytics.time_to_value import Milestone, TimeToValue, time_to_value
from journeymap.analytics.variants import Variants, variants, variants_breakdown
from journeymap.engine import AnalyticsDatabase, ImportSummary, NoEventsError, database_path
from journeymap.ingest import ColumnMapping, read_customers, read_events
from journeymap.model import Funnel, Journey
from journeymap.model.canonical import EVENT, TOUCHPOINT
from journeymap.moments import (
    CutOff,
    ExperienceScore,
    JourneyMonitoring,
    MomentEvidence,
    MomentImpacts,
    experience_score,
    moment_evidence,
    moment_impacts,
    monitor_funnel,
    monitor_journey,
    monitor_signals,
)
from journeymap.moments.opportunities import (
    OpportunityBacklog,
    SuggestedOpportunity,
    suggest_opportunities,
)
from journeymap.moments.periods import check_period
from journeymap.services.errors import JourneymapError, as_user_error
from journeymap.services.feedback_events import (
    feedback_events,
    no_feedback_notes,
    text_feedback_signals,
    with_feedback_events,
)
from journeymap.services.voice import VoiceService
from journeymap.services.workspace import WorkspaceService
from journeymap.store import VersionInfo
from journeymap.voice.embeddings import Encoder

Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class ImportOptions:
    """How to read import files: column mapping, CSV delimiter, format, reject threshold."""

    mapping: ColumnMapping | None = None
    delimiter: str | None = None
    format: str | None = None
    """``csv``, ``parquet``, ``jsonl`` or ``xes``; ``None`` goes by the file extension."""
    max_rejects: int | float | None = None
    """Most rejected rows allowed (an ``int``), or largest rejected share (a ``float`` < 1)."""


class AnalysisService:
    """One workspace's maps and events, ready to measure."""

    def __init__(
        self,
        workspace: WorkspaceService,
        database: AnalyticsDatabase,
        *,
        encoder: Encoder | None = None,
    ) -> None:
        self.workspace = workspace
        self.database = database
        # Assigns feedback to touchpoints for the signals that read customer text.
        self._encoder = encoder

    @classmethod
    def open(
        cls, directory: Path | None = None, *, encoder: Encoder | None = None
    ) -> AnalysisService:
        """Open the workspace and its analytics database (``data/journeymap.duckdb``)."""
        workspace = WorkspaceService.open(directory)
        try:
            database = AnalyticsDatabase.open(database_path(workspace.layout.data_dir))
        except BaseException:
            workspace.close()
            raise
        return cls(workspace, database, encoder=encoder)

    def close(self) -> None:
        """Release the store and the analytics database."""
        try:
            self.database.close()
        finally:
            self.workspace.close()

    def __enter__(self) -> AnalysisService:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- data in ---------------------------------------------------------------------------

    def import_events(
        self,
        files: Sequence[Path],
        options: ImportOptions = ImportOptions(),
        *,
        progress: Progress | None = None,
    ) -> ImportSummary:
        """Import event files (CSV/TSV/gz, Parquet, JSON Lines, XES) all or nothing."""
        return self.import_files("events", files, options, progress=progress)

    def import_customers(
        self,
        files: Sequence[Path],
        options: ImportOptions = ImportOptions(),
        *,
        progress: Progress | None = None,
    ) -> ImportSummary:
        """Import (upsert) customer files: a customer id column, the rest properties."""
        return self.import_files("customers", files, options, progress=progress)

    def import_files(
        self,
        what: Literal["events", "customers"],
        files: Sequence[Path],
        options: ImportOptions,
        *,
        progress: Progress | None = None,
    ) -> ImportSummary:
        """Import events or customers in one transaction (all or nothing)."""
        read = read_events if what == "events" else read_customers
        sources = [
            read(f, mapping=options.mapping, delimiter=options.delimiter, format=options.format)
            for f in files
        ]
        store = self.database.import_events if what == "events" else self.database.import_customers
        return store(sources, max_rejects=options.max_rejects, progress=progress)

    # -- the tables analyses run on ----------------------------------------------------------

    def journey_of(self, journey_id: str) -> Journey:
        """A journey at its head version."""
        return self.workspace.journey(journey_id)

    def customers(self) -> ibis.Table | None:
        """The customers table, or ``None`` when none was imported or attached."""
        try:
            return self.database.customers_table()
        except NoEventsError:
            return None

    def scope_for(self, journey_id: str, scope: Scope, *, persona: bool) -> Scope:
        """``scope`` narrowed to the journey persona's segment when ``persona`` is set."""
        if not persona:
            return scope
        journey = self.journey_of(journey_id)
        segment = self.workspace.load().persona(journey.persona).segment
        if segment is None:
            raise JourneymapError(
                f"persona {journey.persona!r} has no segment rule.",
                hint="Add `segment:` to the persona in the map file, or drop --persona.",
            )
        return Scope(start=scope.start, end=scope.end, channels=scope.channels, segment=segment)

    def events(self, scope: Scope = Scope(), *, by: str | None = None) -> ibis.Table:
        """The events in scope, with the breakdown column ``by`` joined from customers."""
        events = apply_scope(self.database.events_table(), scope, self.customers())
        return events if by is None else self._broken_down(events, by)

    def _broken_down(self, events: ibis.Table, by: str) -> ibis.Table:
        """``events`` with the customer property ``by`` joined (see ``with_breakdown``)."""
        customers = self.customers()
        if customers is None:
            raise JourneymapError(
                f"--by {by} needs a customers table.",
                hint="Import one with `journeymap import customers FILE`.",
            )
        return with_breakdown(events, customers, by)

    def _moments_events(
        self, journey: Journey, scope: Scope = Scope(), *, by: str | None = None
    ) -> tuple[ibis.Table, tuple[str, ...]]:
        """The events the moments analyses read, and notes on them.

        When the journey has signals that read customer text (``negative_feedback`` without
        ``followed_by``), the feedback that can mark them joins the events (see
        :mod:`journeymap.services.feedback_events`): assigned to touchpoints by the voice
        service on this workspace's database, which encodes new items the first time (about
        a minute for the 50,000-customer demo; cached afterwards). With no feedback imported
        the events are the plain ones, and the notes say which signals nobody could live.
        Feedback keeps the scope's dates; it has no channel, so a channel scope leaves it be.
        """
        signals = text_feedback_signals(journey)
        events = self.events(scope)
        notes: tuple[str, ...] = ()
        if signals:
            try:
                self.database.feedback_table()
            except NoEventsError:
                notes = no_feedback_notes(signals)
            else:
                voice = VoiceService(self.workspace, self.database, encoder=self._encoder)
                rows = feedback_events(voice.annotated(journey.id), signals=signals)
                dated = apply_scope(rows, Scope(start=scope.start, end=scope.end))
                events = with_feedback_events(events, dated.to_pyarrow())
        return (events if by is None else self._broken_down(events, by)), notes

    def touchpoint_events(
        self, journey_id: str, scope: Scope = Scope(), *, by: str | None = None
    ) -> ibis.Table:
        """The events in scope matched to the journey's touchpoints (see ``match_touchpoints``)."""
        return match_touchpoints(self.events(scope, by=by), self.journey_of(journey_id))

    # -- analyses --------------------------------------------------------------------------

    def coverage(self, journey_id: str, scope: Scope = Scope()) -> UnmatchedEvents:
        """Event types no touchpoint of the journey covers: the map's gaps."""
        return unmatched_events(self.events(scope), self.journey_of(journey_id))

    def reach(self, journey_id: str, scope: Scope = Scope(), *, by: str | None = None) -> Reach:
        """Customers and events per stage and touchpoint."""
        journey = self.journey_of(journey_id)
        return reach(self.touchpoint_events(journey_id, scope, by=by), journey, by=by)

    def funnel_steps(self, journey_id: str, touchpoints: Sequence[str]) -> list[FunnelStep]:
        """Funnel steps from touchpoint ids (``?`` suffix: optional), checked against the map."""
        journey = self.journey_of(journey_id)
        known = [t.id for _, t in journey.touchpoints()]
        steps = []
        for raw in touchpoints:
            name = raw.rstrip("?")
            if name not in known:
                raise JourneymapError(
                    f"journey {journey_id!r} has no touchpoint {name!r}.",
                    hint=f"Use touchpoint ids of the map: {', '.join(known)}.",
                )
            steps.append(FunnelStep(name, touchpoint=name, optional=raw.endswith("?")))
        return steps

    def funnel(
        self,
        journey_id: str,
        touchpoints: Sequence[str],
        *,
        window: dt.timedelta = dt.timedelta(days=7),
        mode: FunnelMode | str = FunnelMode.ORDERED,
        scope: Scope = Scope(),
    ) -> FunnelResult:
        """A funnel over touchpoints of the journey (see :func:`journeymap.analytics.funnel`)."""
        steps = self.funnel_steps(journey_id, touchpoints)
        events = self.touchpoint_events(journey_id, scope)
        return funnel(events, steps, window=window, mode=mode)

    def funnel_breakdown(
        self,
        journey_id: str,
        touchpoints: Sequence[str],
        *,
        by: str,
        window: dt.timedelta = dt.timedelta(days=7),
        mode: FunnelMode | str = FunnelMode.ORDERED,
        scope: Scope = Scope(),
    ) -> FunnelBreakdown:
        """The funnel per value of a customer property (``by``), in one pass."""
        steps = self.funnel_steps(journey_id, touchpoints)
        events = self.touchpoint_events(journey_id, scope, by=by)
        return funnel_breakdown(events, steps, window=window, by=by, mode=mode)

    def funnel_customers(
        self,
        journey_id: str,
        touchpoints: Sequence[str],
        *,
        window: dt.timedelta = dt.timedelta(days=7),
        mode: FunnelMode | str = FunnelMode.ORDERED,
        scope: Scope = Scope(),
    ) -> ibis.Table:
        """Who is behind a funnel: one row per customer with their level and step times."""
        steps = self.funnel_steps(journey_id, touchpoints)
        events = self.touchpoint_events(journey_id, scope)
        return funnel_customers(events, steps, window=window, mode=mode)

    def funnel_by_period(
        self,
        journey_id: str,
        touchpoints: Sequence[str],
        *,
        window: dt.timedelta = dt.timedelta(days=7),
        period: str = "day",
        mode: FunnelMode | str = FunnelMode.ORDERED,
        scope: Scope = Scope(),
    ) -> FunnelPeriods:
        """The funnel per day, week or month of entry: the day a step broke shows as a dip."""
        steps = self.funnel_steps(journey_id, touchpoints)
        events = self.touchpoint_events(journey_id, scope)
        return funnel_by_period(events, steps, window=window, period=period, mode=mode)  # type: ignore[arg-type]

    def monitor(
        self,
        journey_id: str,
        touchpoints: Sequence[str] | None = None,
        *,
        funnel: str | None = None,
        window: dt.timedelta | None = None,
        period: str = "auto",
        alpha: float = 0.0001,
        signals: bool = True,
        scope: Scope = Scope(),
    ) -> JourneyMonitoring:
        """Drops in the journey's funnels and rises in its negative signals, each period
        against a rolling baseline (see :mod:`journeymap.moments.journey_monitor`).

        Watches every funnel the journey declares, or the one with id ``funnel``, or an ad
        hoc one through ``touchpoints`` (``?`` suffix: optional; conversion window 2 days
        unless ``window`` says otherwise; ``window`` also overrides a declared funnel's).
        ``period`` is ``auto`` (hours when the volume allows, else days), ``hour``, ``day``
        or ``week``.
        """
        journey = self.journey_of(journey_id)
        if signals:
            events = match_touchpoints(self._moments_events(journey, scope)[0], journey)
        else:
            events = self.touchpoint_events(journey_id, scope)
        with as_user_error():
            chosen = check_period(period)
            if touchpoints is not None:
                if funnel is not None:
                    raise JourneymapError("give either the steps or a funnel id, not both.")
                ad_hoc = monitor_funnel(
                    events, self.funnel_steps(journey_id, touchpoints),
                    window=window or dt.timedelta(days=2), period=chosen, alpha=alpha,
                )  # fmt: skip
                rises = None
                if signals:
                    rises = monitor_signals(events, journey, period=chosen, alpha=alpha)
                return JourneyMonitoring(journey.id, (ad_hoc,), rises)
            funnels = self._funnels_to_monitor(journey, funnel)
            if window is not None:
                hours = window.total_seconds() / 3600
                funnels = [f.model_copy(update={"window_hours": hours}) for f in funnels]
            return monitor_journey(events, journey, funnels=funnels, signals=signals,
                                   period=chosen, alpha=alpha)  # fmt: skip

    def _funnels_to_monitor(self, journey: Journey, funnel: str | None) -> list[Funnel]:
        """The declared funnel ``funnel``, or all of them; an error says how to declare one."""
        known = [f.id for f in journey.funnels]
        if not known:
            raise JourneymapError(
                f"journey {journey.id!r} declares no funnel to monitor.",
                hint="Add `funnels:` to the journey in the map file (see the Funnel section of "
                "docs/reference/map-format.md), or give the steps: --steps basket,payment,...",
            )
        if funnel is None:
            return list(journey.funnels)
        if funnel not in known:
            raise JourneymapError(
                f"journey {journey.id!r} has no funnel {funnel!r}.",
                hint=f"Use one of its funnels: {', '.join(known)}.",
            )
        return [journey.funnel(funnel)]

    def next_touchpoints(
        self, journey_id: str, touchpoint: str, *, top: int = 10, scope: Scope = Scope()
    ) -> Neighbours:
        """What customers do right after a touchpoint."""
        return next_touchpoints(self.touchpoint_events(journey_id, scope), touchpoint, top=top)

    def next_touchpoints_breakdown(
        self, journey_id: str, touchpoint: str, *, by: str, top: int = 10, scope: Scope = Scope()
    ) -> Breakdown[Neighbours]:
        """What customers do right after a touchpoint, per value of a customer property."""
        events = self.touchpoint_events(journey_id, scope, by=by)
        return next_touchpoints_breakdown(events, touchpoint, by=by, top=top)

    def previous_touchpoints(
        self, journey_id: str, touchpoint: str, *, top: int = 10, scope: Scope = Scope()
    ) -> Neighbours:
        """What customers do right before a touchpoint."""
        return previous_touchpoints(self.touchpoint_events(journey_id, scope), touchpoint, top=top)

    def previous_touchpoints_breakdown(
        self, journey_id: str, touchpoint: str, *, by: str, top: int = 10, scope: Scope = Scope()
    ) -> Breakdown[Neighbours]:
        """What customers do right before a touchpoint, per value of a customer property."""
        events = self.touchpoint_events(journey_id, scope, by=by)
        return previous_touchpoints_breakdown(events, touchpoint, by=by, top=top)

    def path_flows(
        self, journey_id: str, start: str, *, steps: int = 5, scope: Scope = Scope()
    ) -> PathFlows:
        """Flows from a touchpoint over the next few steps, for a Sankey diagram."""
        return path_flows(self.touchpoint_events(journey_id, scope), start, steps=steps)

    def path_flows_breakdown(
        self, journey_id: str, start: str, *, by: str, steps: int = 5, scope: Scope = Scope()
    ) -> Breakdown[PathFlows]:
        """Flows from a touchpoint, per value of a customer property."""
        events = self.touchpoint_events(journey_id, scope, by=by)
        return path_flows_breakdown(events, start, by=by, steps=steps)

    def variants(
        self, journey_id: str, *, top: int = 20, by_touchpoint: bool = True, scope: Scope = Scope()
    ) -> Variants:
        """The most common whole journeys (sequences of touchpoints, or of raw events)."""
        events, activity = self._sequence_events(journey_id, by_touchpoint, scope, None)
        return variants(events, activity=activity, top=top)

    def variants_breakdown(
        self,
        journey_id: str,
        *,
        by: str,
        top: int = 20,
        by_touchpoint: bool = True,
        scope: Scope = Scope(),
    ) -> Breakdown[Variants]:
        """The most common whole journeys per value of a customer property."""
        events, activity = self._sequence_events(journey_id, by_touchpoint, scope, by)
        return variants_breakdown(events, by=by, activity=activity, top=top)

    def directly_follows(
        self, journey_id: str, *, by_touchpoint: bool = False, scope: Scope = Scope()
    ) -> DirectlyFollowsGraph:
        """The directly-follows graph of events (or of touchpoints) with frequencies and times."""
        events, activity = self._sequence_events(journey_id, by_touchpoint, scope, None)
        return directly_follows(events, activity=activity)

    def directly_follows_breakdown(
        self,
        journey_id: str,
        *,
        by: str,
        by_touchpoint: bool = False,
        scope: Scope = Scope(),
    ) -> Breakdown[DirectlyFollowsGraph]:
        """The directly-follows graph per value of a customer property."""
        events, activity = self._sequence_events(journey_id, by_touchpoint, scope, by)
        return directly_follows_breakdown(events, by=by, activity=activity)

    def _sequence_events(
        self, journey_id: str, by_touchpoint: bool, scope: Scope, by: str | None
    ) -> tuple[ibis.Table, str]:
        """The events variants and the DFG run on, and their activity column: touchpoint
        events that matched a touchpoint, or every raw event by its name."""
        if by_touchpoint:
            events = self.touchpoint_events(journey_id, scope, by=by)
            return events.filter(events[TOUCHPOINT].notnull()), TOUCHPOINT
        return self.events(scope, by=by), EVENT

    def conformance(
        self, journey_id: str, *, scope: Scope = Scope(), by: str | None = None
    ) -> Conformance:
        """How closely customers follow the designed spine: order, skips, backtracks, time."""
        events = self.touchpoint_events(journey_id, scope, by=by)
        return conformance(events, self.journey_of(journey_id), by=by)

    def stage_progression(self, journey_id: str, *, scope: Scope = Scope()) -> StageProgression:
        """Customers per stage and the share of them who go on to the next stage, and when."""
        events = self.touchpoint_events(journey_id, scope)
        return stage_progression(events, self.journey_of(journey_id))

    def time_to_value(
        self,
        journey_id: str,
        value: str,
        *,
        start: str | None = None,
        scope: Scope = Scope(),
        by: str | None = None,
    ) -> TimeToValue:
        """Time from first touch (or the ``start`` touchpoint) to the ``value`` touchpoint."""
        self.funnel_steps(journey_id, [value] + ([start] if start else []))  # check the ids
        events = self.touchpoint_events(journey_id, scope, by=by)
        begin = Milestone(touchpoint=start) if start else None
        return time_to_value(events, Milestone(touchpoint=value), start=begin, by=by)

    def returns(
        self,
        journey_id: str,
        *,
        lapse_days: int = 45,
        activity: str | None = None,
        scope: Scope = Scope(),
        by: str | None = None,
    ) -> Returns:
        """Customers who lapse for ``lapse_days`` and come back, and what brought them back."""
        events = self.touchpoint_events(journey_id, scope, by=by)
        return returns(events, lapse_days=lapse_days, activity=activity, by=by)

    def cohorts(
        self,
        journey_id: str,
        *,
        period: str = "week",
        periods: int = 12,
        activity: str | None = None,
        scope: Scope = Scope(),
        by: str | None = None,
    ) -> RetentionCohorts:
        """Retention by first-touch week or month."""
        events = self.touchpoint_events(journey_id, scope, by=by)
        return retention_cohorts(events, period=period, periods=periods, activity=activity, by=by)

    def outcomes(
        self, journey_id: str, *, scope: Scope = Scope(), by: str | None = None
    ) -> OutcomeSummary:
        """The journey's named outcomes (converted, churned...) counted over customers."""
        journey = self.journey_of(journey_id)
        events = self.events(scope, by=by)
        return outcome_summary(events, journey.outcomes, customers=self.customers(), by=by)

    def outcome_table(self, journey_id: str, *, scope: Scope = Scope()) -> ibis.Table:
        """One row per customer, one boolean column per outcome of the journey."""
        journey = self.journey_of(journey_id)
        return outcome_table(self.events(scope), journey.outcomes, customers=self.customers())

    def moment_impacts(
        self,
        journey_id: str,
        *,
        scope: Scope = Scope(),
        control_by: str | None = None,
        fdr: float = 0.05,
        observed_before: CutOff | None = None,
    ) -> MomentImpacts:
        """Every experience signal of the journey tested against every outcome, ranked, and
        each moment of truth classified (see :mod:`journeymap.moments.impact`)."""
        journey = self.journey_of(journey_id)
        events, notes = self._moments_events(journey, scope, by=control_by)
        with as_user_error():
            found = moment_impacts(
                events,
                journey,
                customers=self.customers(),
                segment=control_by,
                fdr=fdr,
                observed_before=observed_before,
            )
        return replace(found, notes=(*notes, *found.notes)) if notes else found

    def opportunities(
        self,
        journey_id: str,
        *,
        scope: Scope = Scope(),
        by: str | None = None,
        observed_before: CutOff | None = None,
        fdr: float = 0.05,
        min_customers: int = 100,
    ) -> OpportunityBacklog:
        """The opportunity backlog: significant moments to fix or spread, ranked by what they
        would gain if they performed like their best segment or week (see
        :mod:`journeymap.moments.opportunities`).

        ``by`` is an event property (``carrier``) or a customer property (``country``); by
        default ``persona`` when the events or the customers have one, else weeks only.
        """
        journey = self.journey_of(journey_id)
        events, notes = self._moments_events(journey, scope)
        customers = self.customers()
        segment = by
        if segment is None and customers is not None and "persona" in customers.columns:
            segment = "persona"
        if segment is not None and segment not in events.columns and customers is not None:
            events = with_breakdown(events, customers, segment)
        with as_user_error():
            impacts = moment_impacts(
                events, journey, customers=customers, fdr=fdr, observed_before=observed_before
            )
            backlog = suggest_opportunities(
                events, journey, impacts, customers=customers, segment=segment,
                observed_before=observed_before, min_customers=min_customers,
            )  # fmt: skip
        return replace(backlog, notes=(*notes, *backlog.notes)) if notes else backlog

    def accept_opportunity(
        self,
        journey_id: str,
        suggestion_id: str,
        *,
        scope: Scope = Scope(),
        by: str | None = None,
        observed_before: CutOff | None = None,
        fdr: float = 0.05,
        min_customers: int = 100,
        author: str | None = None,
    ) -> tuple[SuggestedOpportunity, VersionInfo]:
        """Recompute the backlog with these options and put one suggestion on the map as an
        opportunity (status idea), saved as a new version of the journey."""
        backlog = self.opportunities(
            journey_id, scope=scope, by=by, observed_before=observed_before, fdr=fdr,
            min_customers=min_customers,
        )  # fmt: skip
        try:
            suggestion = backlog.suggestion(suggestion_id)
        except KeyError:
            known = ", ".join(s.id for s in backlog.suggestions) or "none"
            raise JourneymapError(
                f"the backlog of {journey_id!r} has no suggestion {suggestion_id!r}.",
                hint=f"Its suggestions with these options: {known}. Pass the same --by, "
                "--observed-before and scope options as to `opportunities suggest`.",
            ) from None
        info = self.workspace.add_opportunity(
            journey_id,
            suggestion.to_opportunity(),
            author=author,
            message=f"Accepted suggested opportunity {suggestion.id}",
        )
        return suggestion, info

    def moment_evidence(
        self,
        journey_id: str,
        signal: str,
        *,
        outcome: str | None = None,
        examples: int = 3,
        around: int = 6,
        scope: Scope = Scope(),
        observed_before: CutOff | None = None,
    ) -> MomentEvidence:
        """Example customers who lived a signal (with the outcome it goes with) and their
        paths around it (see :mod:`journeymap.moments.evidence`)."""
        journey = self.journey_of(journey_id)
        events, _ = self._moments_events(journey, scope)
        with as_user_error():
            return moment_evidence(
                events,
                journey,
                signal,
                outcome=outcome,
                customers=self.customers(),
                examples=examples,
                around=around,
                observed_before=observed_before,
            )

    def experience_score(
        self,
        journey_id: str,
        *,
        outcome: str,
        scope: Scope = Scope(),
        by: str | None = None,
        observed_before: CutOff | None = None,
    ) -> ExperienceScore:
        """The experience score for one yes/no outcome, judged on held-out customers."""
        journey = self.journey_of(journey_id)
        events, _ = self._moments_events(journey, scope, by=by)
        with as_user_error():
            return experience_score(
                events,
                journey,
                outcome=outcome,
                customers=self.customers(),
                segment=by,
                observed_before=observed_before,
            )
