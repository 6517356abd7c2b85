"""The voice service and ``journeymap feedback`` on a demo workspace, with the hashing encoder."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeymap.cli.app import app
from journeymap.services import build_demo
from journeymap.services.errors import JourneymapError
from journeymap.services.voice import VoiceService
from journeymap.voice import HashingEncoder
from journeymap.voice.embeddings import Vectors

JOURNEY = "busy-parent-journey"


class CountingEncoder(HashingEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.asked += len(texts)
        return super().encode(texts)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("voice") / "demo"
    build_demo(folder, customers=1500, seed=3)
    return folder


def cli(workspace: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--workspace", str(workspace), "feedback", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_vectors_and_verdicts_are_cached_and_a_changed_map_is_assigned_afresh(
    workspace: Path,
) -> None:
    encoder = CountingEncoder()
    with VoiceService.open(workspace, encoder=encoder) as voice:
        first = voice.assign(JOURNEY)
        encoded = encoder.asked
        assert encoded > 100
        assert first.assigned > 0
        assert voice.assign(JOURNEY).to_arrow() == first.to_arrow()
        assert encoder.asked == encoded  # verdicts and vectors came from the database
        touchpoints = len(list(voice.journey(JOURNEY).touchpoints()))
        voice.assign(JOURNEY, context=False)  # other settings: new verdicts from stored vectors
        assert encoder.asked == encoded + touchpoints
        current = voice.workspace.load()
        journey = next(j for j in current.journeys if j.id == JOURNEY)
        journey.touchpoint("home-delivery").description = "Boxes at the front door."
        voice.workspace.save(current, message="reword home delivery")
        changed = voice.assign(JOURNEY)
        assert encoder.asked == encoded + 2 * touchpoints  # only the touchpoints again
        keys = voice.database.backend.con.sql("SELECT DISTINCT key FROM voice_model_assignments")
        assert len(keys.fetchall()) == 1  # the stale verdicts were replaced
        assert changed.to_arrow().num_rows == first.to_arrow().num_rows


def test_an_override_is_stored_wins_and_can_be_removed(workspace: Path) -> None:
    with VoiceService.open(workspace, encoder=HashingEncoder()) as voice:
        rows = voice.assign(JOURNEY).rows()
        item = next(r for r in rows if r["touchpoint"] != "welcome-call")["feedback_id"]
        voice.override(JOURNEY, item, "welcome-call", note="it says so")
        assert voice.overrides(JOURNEY) == {item: "welcome-call"}
        again = {r["feedback_id"]: r for r in voice.assign(JOURNEY).rows()}
        assert (again[item]["touchpoint"], again[item]["assigned_by"]) == (
            "welcome-call",
            "override",
        )
        with pytest.raises(JourneymapError, match="no touchpoint 'nope'"):
            voice.override(JOURNEY, item, "nope")
        with pytest.raises(JourneymapError, match="no feedback item 'missing'"):
            voice.override(JOURNEY, "missing", "refund")
        voice.override(JOURNEY, item, None)
        assert voice.overrides(JOURNEY) == {}


def test_sentiment_is_cached_and_the_rating_wins(workspace: Path) -> None:
    with VoiceService.open(workspace, encoder=HashingEncoder()) as voice:
        scores = {r["feedback_id"]: r for r in voice.sentiment().rows()}
        cached = voice.tables.text_sentiments("vader-3.3", dict.fromkeys(scores, "x"))
        assert cached == {}  # keyed by the text's hash, not anything else
        count = voice.database.backend.con.sql("SELECT count(*) FROM voice_sentiment").fetchall()
        assert count[0][0] == len(scores)
    assert any(r["sentiment_source"] == "rating" for r in scores.values())
    assert any(r["sentiment_source"] == "text" for r in scores.values())


def test_the_commands_print_tables_and_json(workspace: Path) -> None:
    assert "Sentiment of" in cli(workspace, "sentiment", "--limit", "3")
    assigned = json.loads(cli(workspace, "assign", JOURNEY, "--encoder", "hashing",
                              "--format", "json", "--threshold", "0.5"))  # fmt: skip
    assert {"feedback_id", "touchpoint", "stage", "confidence", "assigned_by"} <= set(assigned[0])
    unassigned = json.loads(cli(workspace, "assign", JOURNEY, "--encoder", "hashing",
                                "--unassigned", "--format", "json"))  # fmt: skip
    assert all(row["touchpoint"] is None for row in unassigned)
    themes = json.loads(cli(workspace, "themes", JOURNEY, "--encoder", "hashing",
                            "--touchpoint", "home-delivery", "--format", "json"))  # fmt: skip
    assert themes
    assert themes[0]["touchpoint"] == "home-delivery"
    assert len(themes[0]["quotes"]) <= 3
    assert "Pain-point themes per stage" in cli(
        workspace, "themes", JOURNEY, "--encoder", "hashing", "--by-stage", "--max-themes", "2"
    )
    scores = json.loads(cli(workspace, "scores", JOURNEY, "--encoder", "hashing",
                            "--csat-source", "review", "--format", "json"))  # fmt: skip
    levels = {row["level"] for row in scores}
    assert levels == {"all", "persona", "stage", "touchpoint"}
    overall = next(row for row in scores if row["level"] == "all")
    assert overall["nps_low"] < overall["nps"] < overall["nps_high"]
    assert overall["csat_responses"] > 0
    item = assigned[0]["feedback_id"]
    assert "set to refund" in cli(workspace, "override", JOURNEY, item, "refund")
    listed = json.loads(cli(workspace, "override", JOURNEY, "--format", "json"))
    assert listed == [{"feedback_id": item, "touchpoint": "refund"}]
    assert "removed" in cli(workspace, "override", JOURNEY, item, "--remove")


def test_mistakes_are_explained(workspace: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["--workspace", str(workspace), "feedback", "assign", JOURNEY,
                                 "--encoder", "nope"])  # fmt: skip
    assert result.exit_code == 1
    assert "no encoder 'nope'" in result.output
    result = runner.invoke(app, ["--workspace", str(workspace), "feedback", "override", JOURNEY,
                                 "some-id"])  # fmt: skip
    assert result.exit_code != 0
    assert "TOUCHPOINT" in result.output


def test_a_missing_model_is_a_user_error_with_a_hint(workspace: Path) -> None:
    class Missing(HashingEncoder):
        def __init__(self) -> None:
            super().__init__()
            self.name = "missing-model"

        def encode(self, texts: Sequence[str]) -> Vectors:
            raise ImportError("sentence embeddings need torch: pip install ...")

    with (
        VoiceService.open(workspace, encoder=Missing()) as voice,
        pytest.raises(JourneymapError, match="need torch") as raised,
    ):
        voice.assign(JOURNEY)
    assert "--encoder hashing" in raised.value.hint
