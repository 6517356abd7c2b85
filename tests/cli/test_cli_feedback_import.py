"""``journeymap import feedback`` and ``journeymap forget`` through the CLI, on a demo workspace."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeymap.cli.app import app
from journeymap.services import build_demo

runner = CliRunner()
FEEDBACK_DATA = Path(__file__).parents[1] / "data" / "feedback"


def run(workspace: Path, *args: str, code: int = 0, given: str | None = None) -> str:
    result = runner.invoke(
        app, ["--workspace", str(workspace), *args], input=given, catch_exceptions=False
    )
    output = result.stdout + (result.stderr or "")
    assert result.exit_code == code, output
    return output


def summary(output: str) -> dict[str, object]:
    return {row["item"]: row["value"] for row in json.loads(output)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-feedback") / "demo"
    build_demo(folder, customers=300, seed=6)
    return folder


@pytest.fixture
def demo(built: Path, tmp_path: Path) -> Path:
    """A copy of the demo workspace (its feedback imported by the demo build) per test."""
    folder = tmp_path / "demo"
    shutil.copytree(built, folder)
    return folder


def test_the_demo_feedback_is_imported_already_so_importing_again_adds_nothing(
    demo: Path,
) -> None:
    files = [str(demo / "feedback" / name) for name in ("support.mbox", "reviews.csv", "nps.csv")]
    found = summary(run(demo, "import", "feedback", *files, "--format", "json"))
    assert found["feedback imported"] == 0
    assert found["rejected"] == 0
    assert found["agent messages skipped"] > 0  # type: ignore[operator]
    assert found["duplicates skipped"] + found["agent messages skipped"] == found["items read"]  # type: ignore[operator]


def test_a_malformed_mailbox_imports_what_is_sound_and_lists_the_rest(demo: Path) -> None:
    mailbox = str(FEEDBACK_DATA / "malformed.mbox")
    found = summary(run(demo, "import", "feedback", mailbox, "--format", "json"))
    assert found["items read"] == 10
    assert found["feedback imported"] == 4
    assert found["agent messages skipped"] == 1
    assert found["unlinked (no customer found)"] == 4  # these senders are no demo customers
    assert found["rejected"] == 5
    assert found["personal data redacted"] == "phone 1"
    rejects = Path(str(found["rejects file"]))
    with rejects.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["file"], row["row"]) for row in rows] == [
        ("malformed.mbox", str(n)) for n in (4, 6, 8, 9, 10)
    ]
    assert rows[0]["reason"].startswith("undecodable: message 4 at byte 1248")

    table = run(demo, "import", "feedback", mailbox)
    assert "duplicates skipped" in table
    assert "5 item(s) were rejected" in table


def test_the_reject_threshold_stores_nothing(demo: Path) -> None:
    mailbox = str(FEEDBACK_DATA / "malformed.mbox")
    output = run(demo, "import", "feedback", mailbox, "--max-rejects", "0", code=1)
    assert "nothing was imported" in output
    again = summary(run(demo, "import", "feedback", mailbox, "--format", "json"))
    assert again["feedback imported"] == 4


def test_options_map_columns_name_the_kind_and_the_company(demo: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text(
        "who,when,how,said\nC9,01/03/2025 10:00,4,Good\nC8,01/03/2025 11:00,9,Too high\n",
        encoding="utf-8",
    )
    args = ["import", "feedback", str(answers), "--kind", "csat", "--format", "json"]
    mapped = ["--map", "customer_id=who", "--map", "ts=when", "--map", "rating=how"]
    mapped += ["--map", "text=said", "--time-format", "%d/%m/%Y %H:%M"]
    found = summary(run(demo, *args, *mapped))
    assert (found["feedback imported"], found["rejected"]) == (1, 1)

    bad = run(demo, "import", "feedback", str(answers), "--map", "words=said", code=2)
    assert "FIELD one of" in bad
    unknown = run(demo, "import", "feedback", str(answers), "--kind", "tweets", code=2)
    assert "unknown kind" in unknown

    mailbox = str(FEEDBACK_DATA / "malformed.mbox")
    company = ["--company-address", "jane.doe@example.org", "--format", "json"]
    found = summary(run(demo, "import", "feedback", mailbox, *company))
    assert found["agent messages skipped"] == 1  # Jane's message; the care reply is imported


def test_forget_erases_a_customer_and_reports_it(demo: Path) -> None:
    refused = run(demo, "forget", "C000001", given="n\n", code=1)
    assert "Aborted" in refused
    rows = json.loads(run(demo, "forget", "C000001", "--yes", "--format", "json"))
    removed = {row["where"]: row["removed"] for row in rows}
    assert removed["customers"] == 1
    assert removed["events"] > 0
    table = run(demo, "forget", "C000001", "--yes")
    assert "Nothing of C000001 was found" in table
    assert "not rewritten" in table
    assert "support.mbox" in table
