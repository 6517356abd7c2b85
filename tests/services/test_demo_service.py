"""The demo service end to end: files, store, map file, and a swap that never half-finishes."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeymap.cli.app import app
from journeymap.demo import read_manifest
from journeymap.mapfile import load_file
from journeymap.services import WorkspaceExistsError, WorkspaceService, build_demo

SMALL = 400  # customers: enough for every planted truth to appear, fast to build


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "demo-workspace"
    build_demo(folder, customers=SMALL, seed=3)
    return folder


def test_demo_builds_a_complete_workspace(demo_folder: Path) -> None:
    for relative in (
        "journeymap.yaml",
        "journeymap.db",
        "manifest.json",
        "data/events.parquet",
        "data/customers.parquet",
        "data/customers.csv",
        "feedback/support.mbox",
        "feedback/reviews.csv",
        "feedback/nps.csv",
    ):
        assert (demo_folder / relative).is_file(), relative
    manifest = read_manifest(demo_folder)
    assert manifest.customers == SMALL
    assert manifest.events > SMALL * 10
    with WorkspaceService.open(demo_folder) as service:
        workspace = service.load()
        assert len(workspace.personas) >= 3
        assert all(len(service.versions(j.id)) == 1 for j in workspace.journeys)
    assert load_file(demo_folder / "journeymap.yaml") == workspace


def test_rebuilding_replaces_the_demo(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    build_demo(folder, customers=SMALL, seed=1)
    (folder / "notes.txt").write_text("scratch", encoding="utf-8")
    result = build_demo(folder, customers=SMALL, seed=2)
    assert result.manifest.seed == 2
    assert not (folder / "notes.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]  # no staging folders left


def test_a_failed_build_leaves_the_old_demo_and_no_debris(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    build_demo(folder, customers=SMALL, seed=1)
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))

    def explode(phase: str, done: int, total: int) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        build_demo(folder, customers=SMALL, seed=2, progress=explode)
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before
    assert read_manifest(folder).seed == 1
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]


def test_a_real_workspace_is_not_replaced_without_force(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    WorkspaceService.init(folder, template="saas").close()
    with pytest.raises(WorkspaceExistsError, match="not a demo"):
        build_demo(folder, customers=SMALL)
    assert not (folder / "manifest.json").exists()


def test_cli_demo_prints_the_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the suggested render command writes poster.pdf here
    result = CliRunner().invoke(
        app, ["demo", "--workspace", str(tmp_path / "d"), "--customers", str(SMALL)]
    )
    assert result.exit_code == 0, result.output
    assert "Demo workspace ready" in result.output
    assert "late-delivery" in result.output
    assert "data/events.parquet" in result.output
    posters = sorted(p.name for p in (tmp_path / "d" / "posters").iterdir())
    assert posters == [
        f"{persona}-journey-A1.{suffix}"
        for persona in ("bargain-hunter", "busy-parent", "retiree")
        for suffix in ("html", "pdf")
    ]
    # Every command the summary suggests runs on the demo it just built (status 1 from
    # monitor would only mean "an incident is open").
    suggested = [
        shlex.split(line.strip())[1:]
        for line in result.output.splitlines()
        if line.strip().startswith("journeymap ")
    ]
    assert len(suggested) == 6
    for command in suggested:
        ran = CliRunner().invoke(app, ["--workspace", str(tmp_path / "d"), *command])
        assert ran.exit_code in (0, 1), (command, ran.output)
        assert ran.exception is None or isinstance(ran.exception, SystemExit), ran.output


def test_getting_started_python_example_runs(
    demo_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tutorial's Python snippet works as written (docs stay honest)."""
    page = Path(__file__).resolve().parents[2] / "docs" / "getting-started.md"
    [snippet] = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    monkeypatch.chdir(demo_folder.parent)
    exec(compile(snippet, str(page), "exec"), {})
    printed = capsys.readouterr().out
    assert "->" in printed


def test_measuring_page_python_example_runs(
    demo_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The measuring page's Python snippet finds the planted payment outage as written."""
    page = Path(__file__).resolve().parents[2] / "docs" / "measuring.md"
    [snippet] = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    monkeypatch.chdir(demo_folder.parent)
    exec(compile(snippet, str(page), "exec"), {})
    outage = {d.isoformat() for d in read_manifest(demo_folder).payment_outage_dates}
    printed = capsys.readouterr().out.strip()
    assert printed.removeprefix("payment broke on ") in outage
