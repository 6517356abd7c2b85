"""``journeymap opportunities`` end to end on a demo workspace: suggest, export, accept."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeymap.cli.app import app
from journeymap.model import Workspace
from journeymap.moments.opportunities import BACKLOG_COLUMNS
from journeymap.services import WorkspaceService, build_demo

JOURNEY = "busy-parent-journey"
HOSTILE = '=HYPERLINK("https://evil.example","Home delivery")'


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("opportunities") / "demo"
    build_demo(folder, customers=3000, seed=5)
    return folder


@pytest.fixture
def workspace(demo: Path, tmp_path: Path) -> Path:
    """A copy of the demo that a test may change."""
    return Path(shutil.copytree(demo, tmp_path / "demo"))


def invoke(workspace: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--workspace", str(workspace), "opportunities", *args])
    return result.exit_code, result.stdout, result.stderr


def run(workspace: Path, *args: str) -> str:
    code, out, err = invoke(workspace, *args)
    assert code == 0, out + err
    return out


def test_the_demo_top_suggestion_is_the_late_parcel_of_the_bad_carrier(demo: Path) -> None:
    rows = json.loads(run(demo, "suggest", JOURNEY, "--by", "carrier", "-f", "json"))
    top = rows[0]
    assert (top["touchpoint"], top["signal"], top["direction"]) == ("home-delivery", "late", "fix")
    assert top["owner_team"] == "logistics"
    assert top["best_segment"] == "ParcelPro"
    assert top["worst_segment"] == "SwiftShip"
    assert top["gain"] > 0
    assert top["customers_affected"] > 0
    assert top["q_value"] < 0.05
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
    assert all(row["outcome"] == "review-score" for row in json.loads(run(
        demo, "suggest", JOURNEY, "--by", "carrier", "--outcome", "review-score", "-f", "json"
    )))  # fmt: skip


def test_the_table_lists_titles_owners_and_the_ids_to_accept(demo: Path) -> None:
    table = run(demo, "suggest", JOURNEY, "--by", "carrier", "--top", "1")
    assert "logistics" in table
    assert "1  home-delivery-late-" in table
    assert f"journeymap opportunities accept {JOURNEY} ID" in table


def test_the_csv_export_round_trips(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "backlog.csv"
    rows = json.loads(
        run(demo, "suggest", JOURNEY, "--by", "carrier", "--csv", str(target), "-f", "json")
    )
    with target.open(encoding="utf-8", newline="") as stream:
        exported = list(csv.DictReader(stream))
    assert [row["id"] for row in exported] == [row["id"] for row in rows]
    assert list(exported[0]) == list(rows[0])
    for mine, theirs in zip(exported, rows, strict=True):
        assert float(mine["gain"]) == pytest.approx(theirs["gain"])
        assert mine["owner_team"] == theirs["owner_team"]
        assert mine["best_segment"] == (theirs["best_segment"] or "")


def test_the_csv_export_defuses_formulas_in_names(workspace: Path, tmp_path: Path) -> None:
    with WorkspaceService.open(workspace) as service:
        journey = service.journey(JOURNEY)
        for stage in journey.stages:
            for touchpoint in stage.touchpoints:
                if touchpoint.id == "home-delivery":
                    touchpoint.name = HOSTILE
        service.save(Workspace(name=service.load().name, journeys=[journey]), message="evil")
    target = tmp_path / "backlog.csv"
    run(workspace, "suggest", JOURNEY, "--by", "carrier", "--csv", str(target), "-f", "csv")
    with target.open(encoding="utf-8", newline="") as stream:
        exported = list(csv.DictReader(stream))
    hostile = [row for row in exported if row["touchpoint"] == "home-delivery"]
    assert hostile
    for row in hostile:
        assert row["touchpoint_name"] == "'" + HOSTILE
        assert row["title"].startswith("'=HYPERLINK(")
    text = [cell for row in exported for cell in row.values() if not _is_number(cell)]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in text)


def _is_number(cell: str) -> bool:
    """Numbers such as -1.26 (a difference of review stars) are data, not formulas."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_accept_puts_the_suggestion_on_the_map_as_a_new_version(workspace: Path) -> None:
    out = run(workspace, "accept", JOURNEY, "home-delivery-late-promoter", "--by", "carrier",
              "--author", "cx-lead")  # fmt: skip
    assert "Accepted home-delivery-late-promoter" in out
    assert "version 2" in out
    with WorkspaceService.open(workspace) as service:
        [accepted] = [o for o in service.journey(JOURNEY).opportunities if o.source == "suggested"]
        assert accepted.id == "home-delivery-late-promoter"
        assert accepted.owner_team == "logistics"
        assert accepted.touchpoints == ["home-delivery"]
        assert accepted.outcome == "promoter"
        assert accepted.expected_gain is not None
        assert accepted.expected_gain > 0
        assert "ParcelPro" in accepted.description
        assert service.versions(JOURNEY)[-1].author == "cx-lead"
    rows = json.loads(run(workspace, "suggest", JOURNEY, "--by", "carrier", "-f", "json"))
    assert {row["id"]: row["on_map"] for row in rows}["home-delivery-late-promoter"] is True
    code, _, err = invoke(workspace, "accept", JOURNEY, "home-delivery-late-promoter",
                          "--by", "carrier")  # fmt: skip
    assert code == 1
    assert "already has an opportunity 'home-delivery-late-promoter'" in err
    with WorkspaceService.open(workspace) as service:
        assert len(service.versions(JOURNEY)) == 2  # the refusal saved nothing


def test_accept_names_the_ids_when_one_is_unknown(demo: Path) -> None:
    code, _, err = invoke(demo, "accept", JOURNEY, "no-such-idea", "--by", "carrier")
    assert code == 1
    assert "no suggestion 'no-such-idea'" in err
    assert "home-delivery-late-" in err


def test_an_empty_backlog_still_has_every_column(demo: Path) -> None:
    out = run(
        demo, "suggest", JOURNEY, "--by", "carrier", "--min-customers", "1000000", "-f", "csv"
    )
    assert out.splitlines() == [",".join(BACKLOG_COLUMNS)]
