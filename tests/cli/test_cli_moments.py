"""``journeymap moments`` end to end on a demo workspace: rank, verdicts and score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeymap.cli.app import app
from journeymap.services import build_demo

JOURNEY = "bargain-hunter-journey"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("moments") / "demo"
    build_demo(folder, customers=3000, seed=5)
    return folder


def run(workspace: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--workspace", str(workspace), "moments", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_rank_puts_the_late_parcel_first_for_review_scores(workspace: Path) -> None:
    rows = json.loads(run(workspace, "rank", JOURNEY, "--outcome", "review-score", "-f", "json"))
    assert rows[0]["touchpoint"] == "home-delivery"
    assert rows[0]["signal"] == "late"
    assert rows[0]["favourable"] is False
    assert all(row["significant"] for row in rows)
    everything = json.loads(run(workspace, "rank", JOURNEY, "--all", "--top", "500", "-f", "json"))
    assert len(everything) > len(rows)


def test_verdicts_flag_where_the_map_is_wrong(workspace: Path) -> None:
    rows = json.loads(
        run(workspace, "verdicts", JOURNEY, "--disagreements", "--outcome", "repeat-purchase",
            "-f", "json")
    )  # fmt: skip
    notes = {row["touchpoint"]: row["note"] for row in rows}
    assert notes["order-confirmation"] == (
        "the map calls this a delighter; the data says a hygiene factor"
    )
    assert all(not row["agrees"] for row in rows)


def test_score_reports_held_out_auc_beside_the_baseline(workspace: Path) -> None:
    found = json.loads(run(workspace, "score", JOURNEY, "--outcome", "churned", "-f", "json"))
    assert 0.5 < found["auc"] <= 1
    assert isinstance(found["beats_baseline"], bool)
    assert len(found["calibration"]) == 10
    assert {"signal", "weight"} <= set(found["weights"][0])
    table = run(workspace, "score", JOURNEY, "--outcome", "churned")
    assert "Calibration on held-out customers" in table


def test_a_numeric_outcome_cannot_be_scored(workspace: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["--workspace", str(workspace), "moments", "score", JOURNEY, "--outcome", "review-score"],
    )
    assert result.exit_code != 0
    assert "numeric" in result.output


def test_a_cut_off_splits_observation_and_outcome(workspace: Path) -> None:
    # The demo runs from 2025-03-03 for 120 days; its churn flag means "no order in the last
    # 45 days", so the cut-off 45 days before the end lines both windows up.
    found = json.loads(
        run(workspace, "score", JOURNEY, "--outcome", "churned", "--observed-before",
            "2025-05-17", "-f", "json")
    )  # fmt: skip
    everything = json.loads(run(workspace, "score", JOURNEY, "--outcome", "churned", "-f", "json"))
    assert found["test_customers"] < everything["test_customers"]  # buyers before the cut-off
    assert 0.5 <= found["auc"] <= 1
    rows = json.loads(
        run(workspace, "rank", JOURNEY, "--outcome", "churned", "--all",
            "--observed-before", "2025-05-17", "-f", "json")
    )  # fmt: skip
    assert {row["outcome"] for row in rows} == {"churned"}


def test_each_ranked_moment_names_its_evidence_and_can_carry_examples(workspace: Path) -> None:
    rows = json.loads(
        run(workspace, "rank", JOURNEY, "--outcome", "review-score", "--top", "1",
            "--examples", "2", "--observed-before", "45d", "-f", "json")
    )  # fmt: skip
    (row,) = rows
    assert row["evidence"] == (
        f"journeymap moments evidence {JOURNEY} home-delivery:late --outcome review-score "
        "--observed-before 45d"
    )
    assert len(row["examples"]) == 2
    assert all("Home delivery [lived]" in example["path"] for example in row["examples"])


def test_evidence_shows_the_customers_behind_a_moment(workspace: Path) -> None:
    command = ["evidence", JOURNEY, "home-delivery:late", "--outcome", "churned",
               "--observed-before", "45d"]  # fmt: skip
    found = json.loads(run(workspace, *command, "--examples", "2", "-f", "json"))
    assert found["side"] == "worse"
    assert found["lived_by"] >= len(found["examples"]) == 2
    for example in found["examples"]:
        assert example["outcome"] is True
        assert next(step["touchpoint"] for step in example["steps"] if step["lived"]) == (
            "Home delivery"
        )
    table = run(workspace, *command)
    assert "customers lived it, worse churned than the rest" in table


def test_bad_signals_and_cut_offs_are_explained(workspace: Path) -> None:
    runner = CliRunner()
    base = ["--workspace", str(workspace), "moments"]
    unknown = runner.invoke(app, [*base, "evidence", JOURNEY, "home-delivery:lost"])
    assert unknown.exit_code != 0
    assert "no signal 'home-delivery:lost'" in unknown.output
    bad_cut = runner.invoke(app, [*base, "rank", JOURNEY, "--observed-before", "soon"])
    assert bad_cut.exit_code != 0
    assert "neither a time" in bad_cut.output
