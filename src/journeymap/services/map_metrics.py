"""The numbers each stage and touchpoint shows on the map, and measurements kept until the data
or the map changes.

A map in the web app carries its data beside each card: how many customers a stage reached
(and what share of the persona's customers that is), how many went on to the next stage and
how fast, the NPS answers given there, and per touchpoint its reach and how customers spoke
of it. These are the poster's numbers (:func:`journeymap.services.poster_data.measure_poster`),
measured once per journey version and data import: the same card shows the same number on
the poster and on the screen.

Measuring takes seconds on a small workspace and a minute on the demo, so the web app runs it
as a background job and keeps the result in a :class:`MeasurementCache`, keyed by what it
measured (:class:`MeasurementKey`: the journey, its head version and a fingerprint of the
analytics database). A new version or a new import changes the key, so stale numbers are
never shown as current. A workspace without events gets :meth:`MapMetrics.unmeasured`: no
numbers, a hint to import, never zeros that look like data.

>>> with AnalysisService.open(Path("demo-workspace")) as analysis:  # doctest: +SKIP
...     metrics = measure_map(analysis, "busy-parent-journey")
...     metrics.stage("purchase").to_next
0.58
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis

from journeymap.engine import NoEventsError, database_path
from journeymap.render.content import MomentMark, StageMetrics, TouchpointMetrics
from journeymap.services.analysis import AnalysisService
from journeymap.services.jobs import JobRunner, Progress
from journeymap.services.poster_data import measure_poster
from journeymap.services.voice import VoiceService
from journeymap.store.collaboration import Job

NO_EVENTS_HINT = (
    "Import events with `journeymap import events FILE...` (and customers and feedback for "
    "segments and NPS); the map then shows what customers did at each stage."
)

# measure_poster names each part as it starts; these are the shares of the work done then
# (the moments of truth are the slow part: model fits per outcome).
_PART_SHARES = {
    "reach": 0.05,
    "stage progression": 0.15,
    "moments of truth": 0.25,
    "feedback: NPS, emotion and quotes": 0.75,
}


@dataclass(frozen=True)
class MapMetrics:
    """What the data says about each stage and touchpoint of one journey version.

    ``measured`` is false when there was nothing to measure (no events imported); then every
    lookup answers ``None`` and :attr:`hint` says what to do.
    """

    journey_id: str
    version: int | None
    measured: bool
    customers: int | None = None
    """Customers measured: the persona's segment, or everyone when it has none."""
    period: tuple[dt.date, dt.date] | None = None
    stages: Mapping[str, StageMetrics] = field(default_factory=dict)
    touchpoints: Mapping[str, TouchpointMetrics] = field(default_factory=dict)
    moments: tuple[MomentMark, ...] = ()
    notes: tuple[str, ...] = ()
    hint: str = ""

    @classmethod
    def unmeasured(cls, journey_id: str, version: int | None, reason: str) -> MapMetrics:
        """No numbers, with the reason and the hint to import events."""
        return cls(journey_id, version, measured=False, notes=(reason,), hint=NO_EVENTS_HINT)

    def stage(self, stage_id: str) -> StageMetrics | None:
        """One stage's numbers (``None`` when unmeasured or not on the measured map)."""
        return self.stages.get(stage_id)

    def touchpoint(self, touchpoint_id: str) -> TouchpointMetrics | None:
        """One touchpoint's numbers (``None`` when unmeasured or not on the measured map)."""
        return self.touchpoints.get(touchpoint_id)

    def moment(self, touchpoint_id: str) -> MomentMark | None:
        """The moment of truth the data found at a touchpoint, if any."""
        return next((m for m in self.moments if m.touchpoint == touchpoint_id), None)

    def item(self, key: str) -> dict[str, Any] | None:
        """The numbers behind a map placeholder ``stage:ID`` or ``touchpoint:ID``, as JSON."""
        kind, _, item_id = key.partition(":")
        if kind == "stage" and (stage := self.stage(item_id)) is not None:
            return stage_json(stage)
        if kind == "touchpoint" and (touchpoint := self.touchpoint(item_id)) is not None:
            return touchpoint_json(touchpoint, self.moment(item_id))
        return None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: what the API answers and what the job's record keeps."""
        return {
            "journey_id": self.journey_id,
            "version": self.version,
            "measured": self.measured,
            "customers": self.customers,
            "period": [day.isoformat() for day in self.period] if self.period else None,
            "stages": {key: stage_json(value) for key, value in self.stages.items()},
            "touchpoints": {
                key: touchpoint_json(value, self.moment(key))
                for key, value in self.touchpoints.items()
            },
            "moments": [moment_json(mark) for mark in self.moments],
            "notes": list(self.notes),
            "hint": self.hint,
        }


def stage_json(stage: StageMetrics) -> dict[str, Any]:
    """A stage's numbers; shares are 0..1 and ``share`` is of the measured customers."""
    return {
        "customers": stage.customers,
        "base": stage.base,
        "share": stage.customers / stage.base if stage.base else None,
        "to_next": stage.to_next,
        "median_days_to_next": stage.median_days_to_next,
        "nps": stage.nps,
        "nps_responses": stage.nps_responses,
    }


def touchpoint_json(touchpoint: TouchpointMetrics, moment: MomentMark | None) -> dict[str, Any]:
    """A touchpoint's numbers and, where the data found one, its moment of truth."""
    return {
        "customers": touchpoint.customers,
        "base": touchpoint.base,
        "share": touchpoint.customers / touchpoint.base if touchpoint.base else None,
        "feedback_items": touchpoint.feedback_items,
        "mean_sentiment": touchpoint.mean_sentiment,
        "moment": moment_json(moment) if moment is not None else None,
    }


def moment_json(mark: MomentMark) -> dict[str, Any]:
    return {
        "touchpoint": mark.touchpoint,
        "kind": mark.kind.value,
        "rank": mark.rank,
        "outcome": mark.outcome,
        "summary": mark.summary,
        "on_map": mark.on_map.value,
    }


def has_events(analysis: AnalysisService) -> bool:
    """Whether any events were imported (or a source attached) to measure."""
    try:
        analysis.database.events_table()
    except NoEventsError:
        return False
    return True


def measure_map(
    analysis: AnalysisService,
    journey_id: str,
    *,
    version: int | None = None,
    progress: Progress | None = None,
) -> MapMetrics:
    """Measure one journey's stages and touchpoints on its persona's customers."""
    if not has_events(analysis):
        return MapMetrics.unmeasured(journey_id, version, "no events imported yet")
    journey = analysis.journey_of(journey_id)
    persona = analysis.workspace.load().persona(journey.persona)
    voice = VoiceService(analysis.workspace, analysis.database) if _has_feedback(analysis) else None

    def report(part: str) -> None:
        if progress is not None:
            progress(_PART_SHARES.get(part, 0.5), part)

    data = measure_poster(analysis, voice, journey_id, persona, report=report)
    return MapMetrics(
        journey_id=journey_id,
        version=version,
        measured=True,
        customers=data.customers,
        period=data.period,
        stages=dict(data.stages),
        touchpoints=dict(data.touchpoints),
        moments=data.moments,
        notes=data.notes,
    )


def _has_feedback(analysis: AnalysisService) -> bool:
    try:
        analysis.database.feedback_table()
    except NoEventsError:
        return False
    return True


def file_stamp(data_dir: Path) -> str:
    """The analytics database's files, sized and dated: cheap (two ``stat`` calls), but it
    also moves when measuring writes its caches (feedback assignments), so it only says
    when :func:`data_fingerprint` may have changed, not that it did."""
    path = database_path(data_dir)
    parts = []
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            found = candidate.stat()
        except FileNotFoundError:
            parts.append("-")
        else:
            parts.append(f"{found.st_mtime_ns}:{found.st_size}")
    return "/".join(parts)


def data_fingerprint(analysis: AnalysisService) -> str:
    """What changes when data is imported: rows and latest times of events, customers and
    feedback (a few milliseconds on a million events; the tables are column stores)."""
    database = analysis.database
    parts = []
    for name, table in (
        ("events", _table(database.events_table)),
        ("customers", _table(database.customers_table)),
        ("feedback", _table(database.feedback_table)),
    ):
        if table is None:
            parts.append(f"{name}=-")
            continue
        if "ts" in table.columns:
            row = table.aggregate(rows=table.count(), last=table.ts.max()).to_pyarrow()
            parts.append(f"{name}={row['rows'][0].as_py()}@{row['last'][0].as_py()}")
        else:
            parts.append(f"{name}={table.count().to_pyarrow().as_py()}")
    return ";".join(parts)


def _table(get: Callable[[], ibis.Table]) -> ibis.Table | None:
    try:
        return get()
    except NoEventsError:
        return None


@dataclass(frozen=True, slots=True)
class MeasurementKey:
    """What one measurement measured: a kind of analysis of one journey version on one data."""

    kind: str
    journey_id: str
    version: int
    fingerprint: str
    options: str = ""
    """Anything else that changes the answer (a segment, a funnel), as text."""


Work = Callable[[Progress], tuple[object, Any]]
"""A measurement: reports progress, returns the value to keep and the job's JSON result."""


@dataclass(frozen=True, slots=True)
class Started:
    """A measurement not (yet) available: the job computing it, or the job that failed."""

    job: Job


class MeasurementCache:
    """Measurements by :class:`MeasurementKey`, each computed once by a background job.

    Only the latest value per kind and journey is kept (a new version or import replaces
    it), so memory stays at one result per analysis and journey. In memory, per process: a
    restarted server measures again on first request.
    """

    def __init__(self, runner: JobRunner) -> None:
        self.runner = runner
        self._values: dict[MeasurementKey, object] = {}
        self._jobs: dict[MeasurementKey, str] = {}
        self._labels: dict[str, tuple[str, str]] = {}
        self._stamps: tuple[str, str] | None = None
        self._lock = threading.Lock()

    def fingerprint(self, stamp: str) -> str | None:
        """The data fingerprint last found while the files had ``stamp``, if any."""
        with self._lock:
            if self._stamps is not None and self._stamps[0] == stamp:
                return self._stamps[1]
        return None

    def last_fingerprint(self) -> str | None:
        """The data fingerprint found last, whatever the files look like now."""
        with self._lock:
            return self._stamps[1] if self._stamps is not None else None

    def remember_fingerprint(self, stamp: str, fingerprint: str) -> None:
        with self._lock:
            self._stamps = (stamp, fingerprint)

    def get(self, key: MeasurementKey) -> object | None:
        """The value measured for ``key``, or ``None`` when it was not (yet)."""
        with self._lock:
            return self._values.get(key)

    def latest(self, kind: str, journey_id: str) -> tuple[MeasurementKey, object] | None:
        """The newest value of a kind for a journey, whatever version or data it measured."""
        with self._lock:
            for key, value in self._values.items():
                if (key.kind, key.journey_id) == (kind, journey_id):
                    return key, value
        return None

    def label(self, job_id: str) -> tuple[str, str] | None:
        """The journey and kind a job of this cache measures (``None`` for others' jobs)."""
        with self._lock:
            return self._labels.get(job_id)

    def measure(
        self,
        key: MeasurementKey,
        work: Work,
        *,
        created_by: int | None,
        again: bool = False,
    ) -> object | Started:
        """The value for ``key`` if measured, else the job measuring it (started if needed).

        A failed job is answered as it is, so its message reaches the person, until someone
        asks ``again``; a finished one whose value is gone (evicted) runs anew.
        """
        with self._lock:
            if not again and key in self._values:
                return self._values[key]
            job_id = self._jobs.get(key)
            if job_id is not None and not again:
                job = self.runner.job(job_id)
                if job.status != "done":
                    return Started(job)

            def run(progress: Progress) -> Any:
                value, result = work(progress)
                self._keep(key, value)
                return result

            job = self.runner.submit(key.kind, run, created_by=created_by)
            self._jobs[key] = job.id
            self._labels[job.id] = (key.journey_id, key.kind)
            return Started(job)

    def _keep(self, key: MeasurementKey, value: object) -> None:
        with self._lock:
            for other in [k for k in self._values if (k.kind, k.journey_id, k.options)
                          == (key.kind, key.journey_id, key.options)]:  # fmt: skip
                del self._values[other]
            self._values[key] = value

    def forget(self) -> None:
        """Drop every value (tests; an operator freeing memory)."""
        with self._lock:
            self._values.clear()
