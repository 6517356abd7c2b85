"""PNG and PDF outputs: physical size, dpi, real pixels and real text, the same bytes each time.

The scenes are built by hand so each check knows where every shape and word lies; the PDF is
turned back into pixels and text with PDFium, and compared with the PNG (made from the SVG),
so the two backends cannot drift apart unnoticed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageChops, ImageStat

from journeymap.render.fonts import Weight
from journeymap.render.pdf import page_size, to_pdf
from journeymap.render.raster import pixel_size, to_png
from journeymap.render.scene import (
    Anchor,
    Circle,
    ClosePath,
    CurveTo,
    Group,
    Line,
    LineTo,
    MoveTo,
    Path,
    Polygon,
    Rect,
    Scene,
    Text,
)

A3_MM = (420.0, 297.0)
A3_POINTS = (420 / 25.4 * 72, 297 / 25.4 * 72)  # 1190.55 x 841.89
ACCENT = "#1d4f91"
INK = "#1f2933"

CARD = Rect(40, 40, 360, 140, fill=ACCENT, radius=10)
TITLE = Text(
    60, 60, ("Grüße aus Köln", "Straße über Äcker"), size=22, fill="#ffffff", weight=Weight.BOLD
)
BODY = Text(60, 260, ("Atenção: ação rápida", "é ç ã ö ü ä ß"), size=28, fill=INK)
OUTLINE = Rect(700, 60, 300, 200, stroke=INK, stroke_width=4, dash=(12, 6))
HALF_BLACK = Rect(700, 400, 200, 150, fill="#000000", opacity=0.5)


def _scene(*, physical_mm: tuple[float, float] | None = A3_MM) -> Scene:
    width, height = A3_POINTS
    return Scene(
        width=width,
        height=height,
        title="Onboarding – Übersicht",
        description="A test poster",
        physical_mm=physical_mm,
        children=(
            Group(children=(CARD, TITLE), role="touchpoint", key="signup"),
            BODY,
            OUTLINE,
            HALF_BLACK,
            Path(
                (MoveTo(40, 700), CurveTo(300, 560, 600, 820, 1100, 680)),
                stroke="#b3261e",
                stroke_width=5,
            ),
            Path(
                (MoveTo(40, 800), LineTo(200, 760), LineTo(360, 800), ClosePath()),
                fill="#17703a",
            ),
            Line(40, 600, 600, 600, stroke="#c8ced6", stroke_width=2),
            Circle(1100, 120, 30, fill="#8a5300"),
            Polygon(((1000, 400), (1060, 500), (940, 500)), fill="#b3261e"),
            Text(1150, 560, ("rechtsbündig",), size=18, fill=INK, anchor=Anchor.END),
            Text(900, 620, ("mittig", "zentriert"), size=18, fill=INK, anchor=Anchor.MIDDLE),
            Text(60, 420, ("Kursiv geschrieben",), size=18, fill=INK, italic=True),
        ),
    )


@pytest.fixture(scope="module")
def a3_png() -> bytes:
    return to_png(_scene(), dpi=150)


@pytest.fixture(scope="module")
def a3_pdf() -> bytes:
    return to_pdf(_scene())


@pytest.fixture(scope="module")
def pdf_page(a3_pdf: bytes) -> Iterator[pdfium.PdfPage]:
    document = pdfium.PdfDocument(a3_pdf)
    try:
        yield document[0]
    finally:
        document.close()


def _image(png: bytes) -> Image.Image:
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return image.copy()


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _pixel(image: Image.Image, x: float, y: float, per_unit: float) -> tuple[int, ...]:
    """The colour at scene point (x, y) of an image with ``per_unit`` pixels per unit."""
    value = image.convert("RGB").getpixel((round(x * per_unit), round(y * per_unit)))
    assert isinstance(value, tuple)
    return value


def _close(actual: tuple[int, ...], expected: tuple[int, int, int], tolerance: int = 3) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def _dark_fraction(image: Image.Image, box: tuple[float, float, float, float]) -> float:
    """Share of pixels darker than mid grey inside ``box`` (pixel coordinates)."""
    x0, y0, x1, y1 = (round(v) for v in box)
    region = image.convert("L").crop((x0, y0, x1, y1))
    histogram = region.histogram()
    return sum(histogram[:128]) / max(1, sum(histogram))


# PNG ------------------------------------------------------------------------------------


def test_a3_png_has_the_physical_size_at_150_dpi(a3_png: bytes) -> None:
    with Image.open(io.BytesIO(a3_png)) as opened:
        assert opened.format == "PNG"
    image = _image(a3_png)
    assert image.size == (2480, 1754)  # 420 mm and 297 mm at 150 dpi
    assert pixel_size(_scene(), dpi=150) == (2480, 1754)
    dpi = image.info["dpi"]
    assert dpi[0] == pytest.approx(150, abs=0.05)
    assert dpi[1] == pytest.approx(150, abs=0.05)
    assert image.mode == "RGB"


def test_png_size_follows_the_dpi() -> None:
    image = _image(to_png(_scene(), dpi=72))
    assert image.size == (1191, 842)
    assert image.info["dpi"][0] == pytest.approx(72, abs=0.05)


def test_screen_png_is_width_times_scale() -> None:
    scene = Scene(
        width=400,
        height=250,
        children=(Rect(10, 10, 100, 50, fill=ACCENT), BODY),
    )
    assert _image(to_png(scene)).size == (400, 250)
    doubled = _image(to_png(scene, scale=2))
    assert doubled.size == (800, 500)
    assert _close(_pixel(doubled, 60, 35, 2), _rgb(ACCENT))
    assert _image(to_png(scene, scale=1.5)).size == (600, 375)
    # 333 x 100 at 1.3 is 432.9 x 130: resvg would make it 131 high, we promise round().
    odd = Scene(width=333, height=100, children=(Rect(0, 0, 333, 100, fill=ACCENT),))
    assert _image(to_png(odd, scale=1.3)).size == (433, 130)


def test_png_draws_shapes_and_text_where_the_scene_puts_them(a3_png: bytes) -> None:
    image = _image(a3_png)
    per_unit = 2480 / A3_POINTS[0]
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None
    assert len(colours) > 20  # shapes, anti-aliased text

    # The card's fill, away from its text; white paper elsewhere.
    assert _close(_pixel(image, 380, 160, per_unit), _rgb(ACCENT))
    assert _pixel(image, 600, 350, per_unit) == (255, 255, 255)
    # An outline without fill leaves its inside white; its edge is drawn.
    assert _pixel(image, 850, 160, per_unit) == (255, 255, 255)
    # Half-transparent black over white is mid grey.
    grey = _pixel(image, 800, 475, per_unit)
    assert _close(grey, (128, 128, 128), tolerance=4)

    # Dark ink inside the body text's box, none in an empty box of the same size.
    box = BODY.box
    text_box = (box.x0 * per_unit, box.y0 * per_unit, box.x1 * per_unit, box.y1 * per_unit)
    assert _dark_fraction(image, text_box) > 0.08
    empty = (420 * per_unit, 300 * per_unit, 680 * per_unit, 380 * per_unit)
    assert _dark_fraction(image, empty) == 0.0


def test_png_bytes_are_deterministic(a3_png: bytes) -> None:
    assert to_png(_scene(), dpi=150) == a3_png
    # No text chunks or timestamps: pHYs is the only metadata.
    assert b"tIME" not in a3_png
    assert b"tEXt" not in a3_png
    assert b"pHYs" in a3_png


def test_png_rejects_a_nonpositive_dpi() -> None:
    with pytest.raises(ValueError, match="dpi"):
        to_png(_scene(), dpi=0)


# PDF ------------------------------------------------------------------------------------


def test_pdf_page_is_a3_in_points(pdf_page: pdfium.PdfPage) -> None:
    width, height = pdf_page.get_size()
    assert width == pytest.approx(1190.55, abs=0.01)
    assert height == pytest.approx(841.89, abs=0.01)
    assert page_size(_scene()) == pytest.approx(A3_POINTS)


def test_screen_pdf_page_is_three_quarters_of_a_pixel() -> None:
    scene = Scene(width=1200, height=800, children=(Rect(0, 0, 100, 100, fill=ACCENT),))
    document = pdfium.PdfDocument(to_pdf(scene))
    try:
        assert document[0].get_size() == pytest.approx((900.0, 600.0))
    finally:
        document.close()


def test_pdf_is_vector_with_text(pdf_page: pdfium.PdfPage) -> None:
    kinds = [obj.type for obj in pdf_page.get_objects()]
    assert pdfium_c.FPDF_PAGEOBJ_IMAGE not in kinds
    assert kinds.count(pdfium_c.FPDF_PAGEOBJ_PATH) >= 9  # background and every shape
    assert kinds.count(pdfium_c.FPDF_PAGEOBJ_TEXT) == 8  # one per line of text


def test_pdf_renders_with_the_page_aspect_and_real_content(pdf_page: pdfium.PdfPage) -> None:
    image = pdf_page.render(scale=1).to_pil().convert("RGB")
    width, height = image.size
    assert width / height == pytest.approx(420 / 297, rel=0.01)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None
    assert len(colours) > 20
    # y is flipped correctly: the card is at the top left, the paper below it white.
    assert _close(_pixel(image, 380, 160, 1), _rgb(ACCENT))
    assert _pixel(image, 380, 841.89 - 160, 1) == (255, 255, 255)
    assert _pixel(image, 850, 160, 1) == (255, 255, 255)
    assert _close(_pixel(image, 800, 475, 1), (128, 128, 128), tolerance=4)


def test_pdf_text_is_extractable(pdf_page: pdfium.PdfPage) -> None:
    text = pdf_page.get_textpage().get_text_range()
    for words in (
        "Grüße aus Köln",
        "Straße über Äcker",
        "Atenção: ação rápida",
        "é ç ã ö ü ä ß",
        "rechtsbündig",
        "zentriert",
        "Kursiv geschrieben",
    ):
        assert words in text


def test_pdf_metadata_comes_from_the_scene(a3_pdf: bytes) -> None:
    document = pdfium.PdfDocument(a3_pdf)
    try:
        metadata = document.get_metadata_dict()
    finally:
        document.close()
    assert metadata["Title"] == "Onboarding – Übersicht"
    assert metadata["Author"] == "journeymap"
    assert metadata["Creator"] == "journeymap"
    assert metadata["Subject"] == "A test poster"


def test_pdf_bytes_are_deterministic(a3_pdf: bytes) -> None:
    assert to_pdf(_scene()) == a3_pdf
    assert a3_pdf.startswith(b"%PDF-")


def test_pdf_looks_like_the_png(a3_png: bytes, pdf_page: pdfium.PdfPage) -> None:
    """Same shapes in the same places: the two backends agree to within anti-aliasing."""
    pdf_image = pdf_page.render(scale=150 / 72).to_pil().convert("L").resize((248, 175))
    png_image = _image(a3_png).convert("L").resize((248, 175))
    difference = ImageChops.difference(pdf_image, png_image)
    assert ImageStat.Stat(difference).mean[0] < 1.5
    # The check can fail: a scene drawn upside down is far off.
    flipped = pdf_image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    assert ImageStat.Stat(ImageChops.difference(flipped, png_image)).mean[0] > 5
