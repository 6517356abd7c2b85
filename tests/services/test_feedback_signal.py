"""Negative feedback about a touchpoint as a moment of truth, through the analysis service on
a demo workspace: found where customers complained after a delivery, and a note instead
where no feedback is imported. The hashing encoder assigns the feedback (no model loaded)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest

from journeymap.ingest import read_customers, read_events
from journeymap.model import ExperienceSignal, SignalKind, Workspace
from journeymap.services import AnalysisService, VoiceService, WorkspaceService, build_demo
from journeymap.voice import HashingEncoder
from journeymap.voice.embeddings import Encoder, Vectors

DEMO_JOURNEY = "busy-parent-journey"
JOURNEY = "complaints-journey"
SIGNAL = "home-delivery:complained"
NOTE = f"no customer feedback is imported: signal {SIGNAL} reads it"


class CountingEncoder(HashingEncoder):
    """The hashing encoder under a name of its own (so nothing cached for another encoder
    is reused), counting what it is asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.name = "counting-hashing"
        self.asked = 0

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.asked += len(texts)
        return super().encode(texts)


def with_complaints(workspace: Workspace) -> Workspace:
    """The workspace plus a copy of the demo journey whose home delivery has a signal that
    reads the customers' text."""
    journey = workspace.journey(DEMO_JOURNEY).model_copy(deep=True)
    journey.id, journey.name = JOURNEY, "Complaints"
    journey.opportunities = []
    journey.touchpoint("home-delivery").signals.append(
        ExperienceSignal(
            id="complained",
            name="Complained about the delivery",
            kind=SignalKind.NEGATIVE_FEEDBACK,
        )
    )
    workspace.journeys.append(journey)
    return workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo (events, customers and feedback imported) with the complaints journey."""
    folder = tmp_path_factory.mktemp("feedback-signal") / "demo"
    build_demo(folder, customers=1500, seed=11)
    with WorkspaceService.open(folder) as service:
        service.save(with_complaints(service.load()), message="complaints as a moment")
    return folder


@pytest.fixture(scope="module")
def without_feedback(tmp_path_factory: pytest.TempPathFactory, demo: Path) -> Path:
    """The same maps, events and customers, and no feedback imported."""
    folder = tmp_path_factory.mktemp("no-feedback") / "workspace"
    with WorkspaceService.init(folder) as service, WorkspaceService.open(demo) as source:
        service.save(source.load(), message="the demo's maps")
    with AnalysisService.open(folder) as analysis:
        data = demo / "data"
        analysis.database.import_events([read_events(data / "events.parquet")])
        analysis.database.import_customers([read_customers(data / "customers.parquet")])
    return folder


def complainers(analysis: AnalysisService, encoder: Encoder) -> set[str]:
    """The oracle, in Python: customers with negative feedback assigned to home delivery
    written after one of their deliveries."""
    voice = VoiceService(analysis.workspace, analysis.database, encoder=encoder)
    rows = voice.annotated(JOURNEY).to_pyarrow().to_pylist()
    delivered: dict[str, dt.datetime] = {}
    events = analysis.events()
    deliveries = events.filter(events.event == "order_delivered")
    first = deliveries.group_by("customer_id").agg(first=deliveries.ts.min()).to_pyarrow()
    for row in first.to_pylist():
        delivered[row["customer_id"]] = row["first"]
    return {
        row["customer_id"]
        for row in rows
        if row["touchpoint"] == "home-delivery"
        and row["sentiment"] is not None
        and row["sentiment"] < 0
        and row["customer_id"] in delivered
        and row["ts"] > delivered[row["customer_id"]]
    }


def test_customers_who_complained_after_a_delivery_live_the_signal(demo: Path) -> None:
    encoder = CountingEncoder()
    with AnalysisService.open(demo, encoder=encoder) as analysis:
        found = analysis.moment_evidence(JOURNEY, SIGNAL, examples=50)
        assert encoder.asked > 0  # the injected encoder assigned the feedback
        expected = complainers(analysis, encoder)
        assert len(expected) >= 5
        assert found.lived_by == len(expected)
        assert {example.customer_id for example in found.examples} <= expected
        assert len(found.examples) == min(50, len(expected))


def test_moment_impacts_test_the_signal(demo: Path) -> None:
    with AnalysisService.open(demo, encoder=HashingEncoder()) as analysis:
        expected = complainers(analysis, HashingEncoder())
        outcomes = {outcome.id for outcome in analysis.journey_of(JOURNEY).outcomes}
        impacts = analysis.moment_impacts(JOURNEY)
        plain = analysis.moment_impacts(DEMO_JOURNEY)
    tested = {i.outcome: i for i in impacts.impacts if i.column == SIGNAL}
    assert set(tested) == outcomes
    assert tested["converted"].comparison.with_signal == len(expected) > 0
    assert NOTE not in impacts.notes
    # Feedback adds no customers: the analyses study the same people as without it.
    assert impacts.customers == plain.customers


def test_without_imported_feedback_a_note_says_the_signal_reads_it(
    without_feedback: Path,
) -> None:
    with AnalysisService.open(without_feedback, encoder=HashingEncoder()) as analysis:
        impacts = analysis.moment_impacts(JOURNEY)
        assert NOTE in impacts.notes
        tested = [i for i in impacts.impacts if i.column == SIGNAL]
        assert tested
        assert all(i.comparison.with_signal == 0 for i in tested)
        backlog = analysis.opportunities(JOURNEY)
        assert NOTE in backlog.notes
        assert analysis.moment_evidence(JOURNEY, SIGNAL).lived_by == 0
        # A journey without such a signal says nothing about feedback.
        assert not any("feedback" in note for note in analysis.moment_impacts(DEMO_JOURNEY).notes)
