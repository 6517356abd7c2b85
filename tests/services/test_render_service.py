"""Posters through the service and the CLI, on a small demo workspace with its data.

The acceptance of the poster issue: the demo journey renders in every format; the PDF and
the PNG are turned back into images and checked for their size and that they are not blank;
the HTML is one file that needs no network and escapes what the map says.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from typer.testing import CliRunner

from journeymap import PosterFormat, PosterSize, RenderService
from journeymap.cli.app import app
from journeymap.model import Stage
from journeymap.services import JourneymapError, WorkspaceService, build_demo
from journeymap.services.render import encode_scene

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("render") / "demo"
    build_demo(folder, customers=400, seed=5)
    return folder


@pytest.fixture(scope="module")
def with_data(demo: Path) -> dict[PosterFormat, bytes]:
    with RenderService.open(demo) as service:
        posters = service.posters(
            "busy-parent-journey", formats=list(PosterFormat), size=PosterSize.A3, with_data=True
        )
    return {poster.format: poster.content for poster in posters}


def _not_blank(image: Image.Image) -> None:
    grey = image.convert("L")
    histogram = grey.histogram()
    dark = sum(histogram[:100])
    assert dark > 0.002 * grey.width * grey.height, "almost no dark pixels: blank page?"
    assert len(image.convert("RGB").getcolors(maxcolors=1_000_000) or []) > 50


def test_the_png_has_the_print_size_and_is_not_blank(with_data: dict[PosterFormat, bytes]) -> None:
    image = Image.open(io.BytesIO(with_data[PosterFormat.PNG]))
    assert image.size == (2480, 1754)  # A3 at 150 dpi
    assert round(image.info["dpi"][0]) == 150
    _not_blank(image)


def test_the_pdf_is_a_real_a3_page_with_text(with_data: dict[PosterFormat, bytes]) -> None:
    document = pdfium.PdfDocument(with_data[PosterFormat.PDF])
    assert len(document) == 1
    page = document[0]
    width, height = page.get_size()
    assert (round(width, 1), round(height, 1)) == (1190.6, 841.9)
    image = page.render(scale=1.0).to_pil()
    assert image.size == (1191, 842)
    _not_blank(image)
    text = page.get_textpage().get_text_range()
    assert "Sam shops at Northwind Home" in text
    assert "Pain points" in text
    assert "customers measured" in text


def test_the_svg_carries_the_data(with_data: dict[PosterFormat, bytes]) -> None:
    svg = with_data[PosterFormat.SVG].decode("utf-8")
    assert 'width="420mm" height="297mm"' in svg
    assert "@font-face" in svg
    assert re.search(r"[\d,]+ customers measured", svg)
    assert 'class="jm-cell-metrics"' in svg
    assert re.search(r"→ \d+% next stage", svg)


def test_the_html_is_one_file_that_needs_no_network(with_data: dict[PosterFormat, bytes]) -> None:
    html = with_data[PosterFormat.HTML].decode("utf-8")
    assert "Content-Security-Policy" in html
    assert "default-src 'none'" in html
    addresses = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert addresses <= {"http://www.w3.org/2000/svg"}, addresses
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html)
    assert html.count('class="jm-touchpoint"') == 27
    assert "The whole map as text" in html


def test_the_same_version_draws_the_same_bytes(demo: Path) -> None:
    with RenderService.open(demo) as service:
        first = service.poster("retiree-journey", format=PosterFormat.PDF)
        again = service.poster("retiree-journey", format=PosterFormat.PDF)
    assert first.content == again.content
    assert first.file_name == "retiree-journey-A3.pdf"


def test_text_from_the_map_is_escaped_everywhere(demo: Path, tmp_path: Path) -> None:
    with RenderService.open(demo) as service:
        content = service.poster_content("busy-parent-journey")
    from journeymap.render.poster import poster_scene

    hostile = "<script>alert('owned')</script> & <b>bold</b>"
    journey = content.journey.model_copy(update={"name": hostile, "description": hostile})
    scene = poster_scene(type(content)(**{**content.__dict__, "journey": journey}))
    for format in (PosterFormat.SVG, PosterFormat.HTML):
        text = encode_scene(scene, format, PosterSize.A3).decode("utf-8")
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert" in text
    html = encode_scene(scene, PosterFormat.HTML, PosterSize.A3).decode("utf-8")
    assert html.count("<script>") == 1  # ours, the tooltip


def test_another_personas_customers_and_the_personas_own_journey(demo: Path) -> None:
    with RenderService.open(demo) as service:
        assert service.journey_for(None, "retiree") == "retiree-journey"
        content = service.poster_content(
            "bargain-hunter-journey", persona="busy-parent", with_data=True
        )
        with pytest.raises(JourneymapError, match="no persona 'nobody'"):
            service.journey_for(None, "nobody")
        with pytest.raises(JourneymapError, match="name a journey or a persona"):
            service.journey_for(None, None)
    assert content.measured_for == "Sam, the busy parent"
    assert content.data is not None
    assert content.data.moments or content.data.notes


def test_a_journey_with_too_many_stages_is_refused_with_advice(demo: Path) -> None:
    with WorkspaceService.open(demo) as workspace:
        journey = workspace.journey("retiree-journey")
        stages = [Stage(id=f"stage-{n}", name=f"Stage {n}") for n in range(13)]
        long = journey.model_copy(
            update={"id": "long", "stages": stages, "evidence": [], "opportunities": [],
                    "funnels": [], "outcomes": []}
        )  # fmt: skip
        whole = workspace.load()
        workspace.save(whole.model_copy(update={"journeys": [long]}), message="twenty stages")
    with RenderService.open(demo) as service, pytest.raises(JourneymapError, match="1 to 12"):
        service.poster("long")


def test_cli_render_writes_every_format_and_infers_it_from_the_suffix(
    demo: Path, tmp_path: Path
) -> None:
    for name in ("poster.svg", "poster.pdf", "poster.png", "poster.html"):
        out = tmp_path / name
        result = runner.invoke(
            app,
            ["--workspace", str(demo), "render", "retiree-journey", "--size", "A2", "-o", str(out)],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 10_000
        assert f"Wrote {out}" in result.output.replace("\n", "")
    assert (tmp_path / "poster.pdf").read_bytes().startswith(b"%PDF")
    with Image.open(tmp_path / "poster.png") as image:
        assert image.size == (3508, 2480)  # A2 at 150 dpi
    assert not list(tmp_path.glob(".poster*"))  # no temporary files left


def test_cli_render_explains_what_is_wrong(demo: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--workspace", str(demo), "render", "no-such-journey"])
    assert result.exit_code == 1
    assert "no-such-journey" in result.output


def test_the_poster_page_python_example_runs(
    demo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = DOCS / "poster.md"
    [snippet] = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    monkeypatch.chdir(demo.parent)
    (demo.parent / "demo-workspace").symlink_to(demo)
    exec(compile(snippet, str(page), "exec"), {})
    assert "busy-parent-journey-A1.pdf" in capsys.readouterr().out
    assert (demo.parent / "busy-parent-A1.pdf").read_bytes().startswith(b"%PDF")


def test_feedback_on_the_poster_is_the_personas_customers(demo: Path) -> None:
    from journeymap.services import VoiceService

    segment = 'family_status == "family_with_children"'
    with VoiceService.open(demo) as voice:
        everyone = sum(e.items for e in voice.measured_emotions("busy-parent-journey"))
        parents = sum(
            e.items for e in voice.measured_emotions("busy-parent-journey", segment=segment)
        )
        quotes = voice.feedback_evidence("busy-parent-journey", segment=segment)
    assert 0 < parents < everyone
    import pyarrow.parquet as pq

    table = pq.read_table(
        demo / "data" / "customers.parquet", columns=["customer_id", "family_status"]
    )
    families = {
        row["customer_id"]
        for row in table.to_pylist()
        if row["family_status"] == "family_with_children"
    }
    quoted = {e.customer_id for e in quotes}
    assert quoted
    assert quoted <= families
