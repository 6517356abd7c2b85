"""``journeymap report``: a static site with the poster, every chart and the ranked findings,
that opens from the file system with no server and no network."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from journeymap import RenderService
from journeymap.cli.app import app
from journeymap.services import JourneymapError, build_demo
from journeymap.services.report import MARKER, ReportResult, write_report


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "demo"
    build_demo(folder, customers=2000, seed=9)
    return folder


@pytest.fixture(scope="module")
def written(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> ReportResult:
    out = tmp_path_factory.mktemp("site") / "report"
    with RenderService.open(demo) as service:
        return write_report(service, "busy-parent-journey", out)


def test_the_site_holds_the_poster_every_chart_and_the_tables(written: ReportResult) -> None:
    names = {path.relative_to(written.folder).as_posix() for path in written.files}
    assert {"index.html", "poster.pdf", "poster.png", "poster.svg", MARKER} <= names
    for chart in ("funnel", "paths", "dfg", "emotion"):
        assert chart in written.charts, written.notes
        assert f"charts/{chart}.svg" in names
        with Image.open(written.folder / "charts" / f"{chart}.png") as image:
            assert image.width >= 960
    assert any(chart.startswith("moments-") for chart in written.charts), written.notes
    html = written.index.read_text(encoding="utf-8")
    for heading in ("The journey map", "Funnel: Checkout", "Moments of truth, ranked",
                    "Opportunity backlog", "Incidents", "Directly-follows graph"):  # fmt: skip
        assert heading in html, heading
    assert html.count("<svg") >= 1 + len(written.charts)


def test_the_site_opens_from_the_file_system_without_network(written: ReportResult) -> None:
    html = written.index.read_text(encoding="utf-8")
    addresses = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert addresses <= {"http://www.w3.org/2000/svg"}, addresses
    for link in re.findall(r'href="([^"#]+)"', html):
        assert (written.folder / link).is_file(), link
    assert "default-src 'none'" in html
    assert oct(written.folder.stat().st_mode & 0o777) == "0o755"


def test_the_funnel_bars_name_the_customers_behind_them(written: ReportResult) -> None:
    html = written.index.read_text(encoding="utf-8")
    assert re.search(r"jm-funnel-step", html)
    assert re.search(r"C\d{6}", html), "no customer id behind any funnel bar"


def test_a_folder_that_is_not_a_report_is_never_overwritten(demo: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("mine")
    with (
        RenderService.open(demo) as service,
        pytest.raises(JourneymapError, match="not a journeymap report"),
    ):
        write_report(service, "busy-parent-journey", precious)
    assert [p.name for p in precious.iterdir()] == ["thesis.txt"]


def test_cli_report_replaces_an_earlier_report(demo: Path, written: ReportResult) -> None:
    before = {p.name for p in written.folder.parent.iterdir()}
    result = CliRunner().invoke(
        app,
        ["--workspace", str(demo), "report", "--persona", "retiree", "--out",
         str(written.folder), "--size", "A3"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "index.html" in result.output
    html = written.index.read_text(encoding="utf-8")
    assert "Robert shops at Northwind Home" in html  # the retiree's journey replaced it
    assert {p.name for p in written.folder.parent.iterdir()} == before  # no staging left
