"""Feedback into the map: the measured emotion per stage beside the assumed one, and quotes
as evidence on the touchpoints; unit tests on both engines and the commands on a demo."""

from __future__ import annotations

import datetime as dt
import doctest
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from journeymap.cli.app import app
from journeymap.model import (
    Emotion,
    EvidenceSource,
    Journey,
    Persona,
    Stage,
    Touchpoint,
    Workspace,
    find_problems,
)
from journeymap.services import WorkspaceService, build_demo
from journeymap.voice import emotion, evidence
from journeymap.voice.emotion import measured_emotions
from journeymap.voice.evidence import feedback_evidence

JOURNEY = Journey(
    id="j",
    name="J",
    persona="p",
    stages=[
        Stage(id="buy", name="Buy", emotion=Emotion(score=2),
              touchpoints=[Touchpoint(id="pay", name="Pay")]),
        Stage(id="ship", name="Ship", emotion=Emotion(score=-1),
              touchpoints=[Touchpoint(id="parcel", name="Parcel")]),
        Stage(id="use", name="Use", touchpoints=[Touchpoint(id="guide", name="Guide")]),
    ],
)  # fmt: skip


def _feedback(engine: Any) -> Any:
    # Buy: the team says delighted (+1.0); customers are lukewarm (about +0.1): flagged.
    # Ship: the team says unhappy (-0.5); customers agree (about -0.5): not flagged.
    buy = [0.1, 0.2, 0.0, 0.15, 0.05, 0.1, 0.2, 0.0]
    ship = [-0.6, -0.4, -0.5, -0.55, -0.45, -0.5, -0.9, 0.3]
    rows = [("buy", "pay", s) for s in buy] + [("ship", "parcel", s) for s in ship]
    rows.append((None, None, -0.9))  # unassigned: counted nowhere
    return engine.table(
        pa.table(
            {
                "feedback_id": [f"m{i}" for i in range(len(rows))],
                "customer_id": [f"c{i}" for i in range(len(rows))],
                "ts": [dt.datetime(2025, 5, 1 + i % 20, tzinfo=dt.UTC) for i in range(len(rows))],
                "source": ["email"] * len(rows),
                "text": [f"message {i}" for i in range(len(rows))],
                "stage": pa.array([r[0] for r in rows], pa.string()),
                "touchpoint": pa.array([r[1] for r in rows], pa.string()),
                "sentiment": [r[2] for r in rows],
            }
        )
    )


def test_measured_emotion_flags_the_stage_the_map_feels_differently_about(engine: Any) -> None:
    found = {e.stage: e for e in measured_emotions(_feedback(engine), JOURNEY)}
    assert list(found) == ["buy", "ship", "use"]  # spine order, every stage
    buy, ship, use = found["buy"], found["ship"], found["use"]
    assert (buy.items, buy.assumed, buy.flagged) == (8, 1.0, True)
    assert buy.mean == pytest.approx(0.1)
    assert buy.low is not None
    assert buy.high is not None
    assert buy.low < 0.1 < buy.high
    assert "the map assumes delighted (+1.00)" in buy.note
    assert (ship.items, ship.assumed, ship.flagged) == (8, -0.5, False)
    assert ship.note == ""
    assert (use.items, use.mean, use.assumed, use.flagged) == (0, None, None, False)


def test_quotes_are_the_most_negative_and_positive_items_per_touchpoint(engine: Any) -> None:
    quotes = feedback_evidence(_feedback(engine), JOURNEY, negative=2, positive=1)
    by_touchpoint: dict[str | None, list[float | None]] = {}
    for item in quotes:
        by_touchpoint.setdefault(item.touchpoint, []).append(item.sentiment)
        assert item.id.startswith("feedback-")
        assert item.source is EvidenceSource.SUPPORT_MESSAGE
        assert item.customer_id is not None
        assert item.recorded_on is not None
    assert by_touchpoint == {"pay": [0.2], "parcel": [-0.9, -0.6, 0.3]}
    # On the map they are valid evidence: right stage for each touchpoint.
    with_quotes = JOURNEY.model_copy(update={"evidence": list(quotes)})
    assert (
        find_problems(Workspace(personas=[Persona(id="p", name="P")], journeys=[with_quotes])) == []
    )


@pytest.mark.parametrize("module", [emotion, evidence], ids=lambda m: m.__name__)
def test_docstring_examples_run(module: Any) -> None:
    failures, tried = doctest.testmod(module)
    assert tried > 0
    assert failures == 0


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("voice-map") / "demo"
    build_demo(folder, customers=1500, seed=4)
    return folder


def _cli(workspace: Path, *args: str) -> Any:
    command = ["--workspace", str(workspace), "feedback", *args, "--encoder", "hashing"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_commands_put_feedback_on_the_map(workspace: Path) -> None:
    journey = "busy-parent-journey"
    emotions = json.loads(_cli(workspace, "emotions", journey, "-f", "json"))
    assert {row["stage"] for row in emotions} >= {"purchase", "delivery"}
    assert any(row["items"] > 0 for row in emotions)
    quotes = json.loads(_cli(workspace, "evidence", journey, "--save", "-f", "json"))
    assert quotes
    with WorkspaceService.open(workspace) as service:
        saved = [e for e in service.journey(journey).evidence if e.id.startswith("feedback-")]
        hand = [e for e in service.journey(journey).evidence if not e.id.startswith("feedback-")]
        first_version = service.versions(journey)[-1].number
    assert sorted(e.id for e in saved) == sorted(row["id"] for row in quotes)
    assert hand  # the demo's hand-written evidence stays
    # Saving again replaces the feedback evidence instead of piling it up.
    _cli(workspace, "evidence", journey, "--save", "--negative", "1", "--positive", "0")
    with WorkspaceService.open(workspace) as service:
        again = [e for e in service.journey(journey).evidence if e.id.startswith("feedback-")]
        assert service.versions(journey)[-1].number == first_version + 1
    assert 0 < len(again) < len(saved)
    assert all(e.sentiment is not None and e.sentiment < 0 for e in again)


def test_the_pages_example_runs_on_the_demo_with_the_real_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "feedback.md"
    section = page.read_text(encoding="utf-8").split("## Into the map", 1)[1]
    [snippet] = re.findall(r"```python\n(.*?)```", section, re.S)
    build_demo(tmp_path / "demo-workspace", customers=300, seed=2)
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, str(page), "exec"), {})
    printed = capsys.readouterr().out
    assert "Delivery: " in printed
    assert re.search(r"^[1-9]\d* quotes saved as version 2$", printed, re.M), printed
