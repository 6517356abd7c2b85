"""The map's numbers and the cache of background measurements, without the web app."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journeymap.model import MomentKind
from journeymap.render.content import MomentMark, StageMetrics, TouchpointMetrics
from journeymap.services.analysis import AnalysisService
from journeymap.services.jobs import JobRunner, Progress
from journeymap.services.map_metrics import (
    NO_EVENTS_HINT,
    MapMetrics,
    MeasurementCache,
    MeasurementKey,
    Started,
    data_fingerprint,
    file_stamp,
    measure_map,
)
from journeymap.services.workspace import WorkspaceService


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[WorkspaceService]:
    with WorkspaceService.init(tmp_path / "w", template="ecommerce", author="test") as service:
        yield service


def test_metrics_look_up_items_and_serialise() -> None:
    metrics = MapMetrics(
        journey_id="buy", version=3, measured=True, customers=200,
        stages={"pay": StageMetrics(customers=50, base=200, to_next=0.5)},
        touchpoints={"card": TouchpointMetrics(customers=40, base=200, feedback_items=2,
                                               mean_sentiment=-0.4)},
        moments=(MomentMark("card", MomentKind.PAIN_POINT, 1, "churned", "churned 20% vs 9%"),),
    )  # fmt: skip
    assert metrics.item("stage:pay") == {
        "customers": 50, "base": 200, "share": 0.25, "to_next": 0.5,
        "median_days_to_next": None, "nps": None, "nps_responses": 0,
    }  # fmt: skip
    touchpoint = metrics.item("touchpoint:card")
    assert touchpoint is not None
    assert touchpoint["moment"]["kind"] == "pain_point"
    assert metrics.item("stage:nope") is None
    assert metrics.item("nonsense") is None
    assert metrics.to_json()["touchpoints"]["card"]["share"] == 0.2


def test_without_events_there_are_no_numbers(workspace: WorkspaceService) -> None:
    with AnalysisService.open(workspace.layout.root) as analysis:
        metrics = measure_map(analysis, "family-order", version=1)
        fingerprint = data_fingerprint(analysis)
    assert not metrics.measured
    assert metrics.stages == {}
    assert metrics.hint == NO_EVENTS_HINT
    assert metrics.stage("anything") is None
    assert fingerprint == "events=-;customers=-;feedback=-"
    assert file_stamp(workspace.layout.data_dir) != "-/-"


def test_the_cache_measures_once_per_key_and_keeps_the_latest(
    workspace: WorkspaceService,
) -> None:
    calls: list[str] = []
    release = threading.Event()

    def work(name: str) -> Any:
        def run(progress: Progress) -> tuple[object, Any]:
            progress(0.5, "half")
            release.wait(5)
            calls.append(name)
            return name, {"name": name}

        return run

    with JobRunner(workspace.store) as runner:
        cache = MeasurementCache(runner)
        first = MeasurementKey("metrics", "buy", 1, "data-a")
        started = cache.measure(first, work("a"), created_by=None)
        assert isinstance(started, Started)
        again = cache.measure(first, work("a2"), created_by=None)
        assert isinstance(again, Started)
        assert again.job.id == started.job.id  # the running job, not a second one
        release.set()
        runner.wait(started.job.id, timeout=10)
        assert cache.measure(first, work("never"), created_by=None) == "a"
        assert cache.label(started.job.id) == ("buy", "metrics")
        newer = MeasurementKey("metrics", "buy", 2, "data-a")
        job = cache.measure(newer, work("b"), created_by=None)
        assert isinstance(job, Started)
        runner.wait(job.job.id, timeout=10)
        assert cache.get(newer) == "b"
        assert cache.get(first) is None  # only the latest per kind and journey stays
        assert cache.latest("metrics", "buy") == (newer, "b")
    assert calls == ["a", "b"]


def test_a_failed_measurement_is_answered_until_asked_again(workspace: WorkspaceService) -> None:
    def fail(progress: Progress) -> tuple[object, Any]:
        raise ValueError("no promised_date column")

    with JobRunner(workspace.store) as runner:
        cache = MeasurementCache(runner)
        key = MeasurementKey("moments", "buy", 1, "x")
        started = cache.measure(key, fail, created_by=None)
        assert isinstance(started, Started)
        runner.wait(started.job.id, timeout=10)
        answer = cache.measure(key, fail, created_by=None)
        assert isinstance(answer, Started)
        assert answer.job.status == "failed"
        assert answer.job.error == "no promised_date column"
        retried = cache.measure(key, lambda p: ("ok", None), created_by=None, again=True)
        assert isinstance(retried, Started)
        assert retried.job.id != started.job.id
        runner.wait(retried.job.id, timeout=10)
        assert cache.get(key) == "ok"
