"""End-to-end through the CLI: init from a template, show, export, edit, validate, apply,
versions, diff, restore, compare; on SQLite and on PostgreSQL."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from journeymap.cli.app import app

runner = CliRunner()


def run(workspace: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--workspace", str(workspace), *args], catch_exceptions=False)
    output = result.stdout + (result.stderr or "")
    assert result.exit_code == code, output
    return output


@pytest.fixture
def workspace(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    if not store_url.startswith("sqlite"):
        monkeypatch.setenv("JOURNEYMAP_DATABASE_URL", store_url)
    monkeypatch.setenv("JOURNEYMAP_AUTHOR", "ana")
    folder = tmp_path / "shop"
    run(folder, "init", "--template", "ecommerce")
    return folder


def only_journey(folder: Path) -> str:
    rows = json.loads(run(folder, "show", "--format", "json"))
    assert len(rows) == 1
    journey_id: str = rows[0]["journey"]
    return journey_id


def test_init_writes_map_file_and_version_one(workspace: Path) -> None:
    assert (workspace / "journeymap.yaml").is_file()
    journey = only_journey(workspace)
    versions = json.loads(run(workspace, "versions", journey, "--format", "json"))
    assert [(v["version"], v["author"]) for v in versions] == [(1, "ana")]
    assert "Created from template ecommerce" in versions[0]["message"]


def test_edit_apply_diff_restore(workspace: Path, tmp_path: Path) -> None:
    journey = only_journey(workspace)
    exported = tmp_path / "edit.yaml"
    run(workspace, "export", journey, "-o", str(exported))
    document = yaml.safe_load(exported.read_text(encoding="utf-8"))
    stage = document["journeys"][0]["stages"][0]
    old_name = stage["name"]
    stage["name"] = "Discovery"
    stage["emotion"] = {"score": -2, "words": ["lost"]}
    exported.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")

    assert "1 file(s) valid" in run(workspace, "validate", str(exported))
    assert "as version 2" in run(workspace, "apply", str(exported), "-m", "Rename discovery")
    assert "Nothing changed" in run(workspace, "apply", str(exported), "-m", "again")

    changes = json.loads(run(workspace, "diff", journey, "1", "2", "--format", "json"))
    fields = [(c["change"], c["field"], c["old"], c["new"]) for c in changes]
    assert ("changed", "name", old_name, "Discovery") in fields
    assert "Discovery" in (workspace / "journeymap.yaml").read_text(encoding="utf-8")

    assert "as version 3" in run(workspace, "restore", journey, "1")
    shown = json.loads(run(workspace, "show", journey, "--format", "json"))
    assert shown[0]["stage"] == old_name
    history = json.loads(run(workspace, "versions", journey, "--format", "json"))
    assert [v["version"] for v in history] == [1, 2, 3]
    assert run(workspace, "diff", journey, "1", "3").strip() == "No differences."
    old_yaml = run(workspace, "export", journey, "--version", "2")
    assert "Discovery" in old_yaml


def test_invalid_file_is_refused_and_nothing_changes(workspace: Path, tmp_path: Path) -> None:
    journey = only_journey(workspace)
    broken = tmp_path / "broken.yaml"
    text = run(workspace, "export", journey)
    broken.write_text(text.replace("score: ", "score: 7 #", 1), encoding="utf-8")
    output = run(workspace, "validate", str(broken), code=1)
    assert f"{broken}:" in output
    assert "score" in output
    run(workspace, "apply", str(broken), code=1)
    versions = json.loads(run(workspace, "versions", journey, "--format", "json"))
    assert len(versions) == 1


def test_validate_reports_json_rows_with_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "personas:\n  - id: p\n    name: P\n    segment: plan == pro\n", encoding="utf-8"
    )
    rows = json.loads(
        run(tmp_path / "nowhere", "validate", str(broken), "--format", "json", code=1)
    )
    assert len(rows) == 1
    assert (rows[0]["line"], rows[0]["column"]) == (4, 22)
    assert "quotes" in rows[0]["hint"]


def test_csv_output_and_templates(tmp_path: Path) -> None:
    listing = run(tmp_path, "templates", "--format", "csv")
    names = [row["name"] for row in csv.DictReader(io.StringIO(listing))]
    assert {"ecommerce", "saas", "b2b-service"} <= set(names)


def test_compare_two_personas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEYMAP_AUTHOR", "ana")
    folder = tmp_path / "shop"
    run(folder, "init", "--template", "ecommerce")
    journey = only_journey(folder)
    text = run(folder, "export")
    document = yaml.safe_load(text)
    twin = copy.deepcopy(document["journeys"][0])
    twin["id"] = "twin"
    twin["stages"][0]["emotion"] = {"score": 2}
    twin["stages"][0]["touchpoints"] = twin["stages"][0]["touchpoints"][:1]
    second = tmp_path / "twin.yaml"
    second.write_text(yaml.safe_dump({"journeys": [twin]}, sort_keys=False), encoding="utf-8")
    run(folder, "apply", str(second), "-m", "A second persona's map")
    rows = json.loads(run(folder, "compare", journey, "twin", "--format", "json"))
    first = rows[0]
    assert first["right_emotion"] == 2
    assert first["only_left"]
    assert first["only_right"] == ""
    table = run(folder, "compare", journey, "twin")
    assert "feel most differently" in table


def test_commands_outside_a_workspace_say_what_to_do(tmp_path: Path) -> None:
    output = run(tmp_path / "empty", "show", code=1)
    assert "No journeymap workspace" in output
    assert "journeymap init" in output


def test_unknown_journey_and_version_are_clear_errors(workspace: Path) -> None:
    journey = only_journey(workspace)
    assert "nope" in run(workspace, "versions", "nope", code=1)
    assert "99" in run(workspace, "restore", journey, "99", code=1)


def test_init_refuses_to_overwrite(workspace: Path) -> None:
    assert "already holds" in run(workspace, "init", code=1)


def test_schema_command_matches_published_schema(tmp_path: Path) -> None:
    published = Path(__file__).resolve().parents[2] / "schema" / "journeymap.schema.json"
    assert run(tmp_path, "schema") == published.read_text(encoding="utf-8")
