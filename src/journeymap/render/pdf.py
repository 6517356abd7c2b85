"""Scene -> PDF: vector shapes and real text, for print shops and for searching the poster.

A poster at A1 as a bitmap would be huge and blurry at the printer; drawn with ReportLab it
stays sharp at any size, and its text can be selected, searched and read aloud. Each
primitive of the scene is translated directly (the PDF is not made from the SVG), so this
module mirrors :mod:`journeymap.render.svg` rule for rule: same page mapping (the SVG's
``viewBox`` with ``xMidYMid meet``), same paint rules (no fill when ``fill`` is ``None``, no
outline when ``stroke`` is ``None`` or its width is 0), same baselines, same font files.

The bytes are deterministic: ReportLab's ``invariant`` mode fixes the document id and dates,
and the metadata comes from the scene alone.
"""

from __future__ import annotations

import io
from functools import cache

from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import FILL_NON_ZERO, Canvas

from journeymap.render.fonts import Weight, font_directory, font_file
from journeymap.render.scene import (
    Anchor,
    Circle,
    ClosePath,
    CurveTo,
    Element,
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

POINTS_PER_INCH = 72.0
MM_PER_INCH = 25.4
POINTS_PER_PIXEL = 0.75
"""A CSS pixel is 1/96 inch, a point 1/72 inch."""

CREATOR = "journeymap"

_FONT_NAMES = {
    (Weight.REGULAR, False): "DejaVuSans",
    (Weight.BOLD, False): "DejaVuSans-Bold",
    (Weight.REGULAR, True): "DejaVuSans-Oblique",
    (Weight.BOLD, True): "DejaVuSans-BoldOblique",
}
_OBLIQUE_FILES = {
    Weight.REGULAR: "DejaVuSans-Oblique.ttf",
    Weight.BOLD: "DejaVuSans-BoldOblique.ttf",
}
_SVG_MITER_LIMIT = 4.0
"""SVG's default miter limit (PDF's is 10), so sharp corners are cut the same way."""


def to_pdf(scene: Scene) -> bytes:
    """The scene as a one-page PDF with vector shapes and extractable text."""
    page_width, page_height = page_size(scene)
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(page_width, page_height),
        invariant=1,
        pageCompression=1,
        initialFontName=_font(Weight.REGULAR, italic=False),
    )
    canvas.setTitle(scene.title)
    canvas.setAuthor(CREATOR)
    canvas.setCreator(CREATOR)
    canvas.setProducer(CREATOR)
    canvas.setSubject(scene.description)

    canvas.setFillColor(HexColor(scene.background))
    canvas.rect(0, 0, page_width, page_height, stroke=0, fill=1)

    # The SVG's viewBox rule: one uniform scale, the scene centred on the page.
    factor = min(page_width / scene.width, page_height / scene.height)
    canvas.translate(
        (page_width - scene.width * factor) / 2,
        (page_height - scene.height * factor) / 2,
    )
    canvas.scale(factor, factor)
    canvas.setMiterLimit(_SVG_MITER_LIMIT)
    painter = _Painter(canvas, scene.height)
    for element in scene.children:
        painter.draw(element)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def page_size(scene: Scene) -> tuple[float, float]:
    """The page in points: the physical size for print, 1 px = 0.75 pt for the screen."""
    if scene.physical_mm is not None:
        width_mm, height_mm = scene.physical_mm
        return (
            width_mm / MM_PER_INCH * POINTS_PER_INCH,
            height_mm / MM_PER_INCH * POINTS_PER_INCH,
        )
    return scene.width * POINTS_PER_PIXEL, scene.height * POINTS_PER_PIXEL


def _font(weight: Weight, *, italic: bool) -> str:
    """The registered name of a face, registering the four DejaVu faces on first use."""
    available = _register_fonts()
    name = _FONT_NAMES[(weight, italic)]
    return name if name in available else _FONT_NAMES[(weight, False)]


@cache
def _register_fonts() -> frozenset[str]:
    registered = set()
    for weight in Weight:
        name = _FONT_NAMES[(weight, False)]
        pdfmetrics.registerFont(TTFont(name, str(font_file(weight))))
        registered.add(name)
        oblique = font_directory() / _OBLIQUE_FILES[weight]
        if oblique.is_file():
            name = _FONT_NAMES[(weight, True)]
            pdfmetrics.registerFont(TTFont(name, str(oblique)))
            registered.add(name)
    return frozenset(registered)


class _Painter:
    """Draws elements onto a canvas whose unit is the scene's, flipping y (PDF counts up)."""

    def __init__(self, canvas: Canvas, height: float) -> None:
        self.canvas = canvas
        self.height = height

    def y(self, value: float) -> float:
        """A scene y (down from the top) as a PDF y (up from the bottom)."""
        return self.height - value

    def draw(self, element: Element) -> None:
        """Draw one element (a group with all its children)."""
        if isinstance(element, Group):
            for child in element.children:
                self.draw(child)
        elif isinstance(element, Text):
            self.text(element)
        else:
            self.canvas.saveState()
            try:
                self.shape(element)
            finally:
                self.canvas.restoreState()

    def shape(self, element: Rect | Line | Circle | Polygon | Path) -> None:
        """Draw one shape with its paint, dash and opacity."""
        canvas = self.canvas
        path = canvas.beginPath()
        if isinstance(element, Rect):
            if element.width <= 0 or element.height <= 0:
                return
            radius = min(element.radius, element.width / 2, element.height / 2)
            bottom = self.y(element.y + element.height)
            if radius > 0:
                path.roundRect(element.x, bottom, element.width, element.height, radius)
            else:
                path.rect(element.x, bottom, element.width, element.height)
            self.paint(
                path,
                element.fill,
                element.stroke,
                element.stroke_width,
                element.dash,
                element.opacity,
            )
        elif isinstance(element, Line):
            path.moveTo(element.x1, self.y(element.y1))
            path.lineTo(element.x2, self.y(element.y2))
            self.paint(
                path, None, element.stroke, element.stroke_width, element.dash, element.opacity
            )
        elif isinstance(element, Circle):
            if element.r <= 0:
                return
            path.circle(element.cx, self.y(element.cy), element.r)
            self.paint(path, element.fill, element.stroke, element.stroke_width, (), 1.0)
        elif isinstance(element, Polygon):
            if not element.points:
                return
            (x0, y0), *rest = element.points
            path.moveTo(x0, self.y(y0))
            for x, y in rest:
                path.lineTo(x, self.y(y))
            path.close()
            self.paint(
                path, element.fill, element.stroke, element.stroke_width, (), element.opacity
            )
        else:
            for op in element.ops:
                if isinstance(op, MoveTo):
                    path.moveTo(op.x, self.y(op.y))
                elif isinstance(op, LineTo):
                    path.lineTo(op.x, self.y(op.y))
                elif isinstance(op, CurveTo):
                    path.curveTo(op.c1x, self.y(op.c1y), op.c2x, self.y(op.c2y), op.x, self.y(op.y))
                elif isinstance(op, ClosePath):
                    path.close()
            self.paint(
                path,
                element.fill,
                element.stroke,
                element.stroke_width,
                element.dash,
                element.opacity,
            )

    def paint(
        self,
        path: object,
        fill: str | None,
        stroke: str | None,
        stroke_width: float,
        dash: tuple[float, ...],
        opacity: float,
    ) -> None:
        """Fill and outline a path by the SVG's rules (non-zero fill, no paint for None)."""
        canvas = self.canvas
        do_fill = fill is not None
        do_stroke = stroke is not None and stroke_width > 0
        if not (do_fill or do_stroke) or opacity <= 0:
            return
        alpha = min(opacity, 1.0)
        if fill is not None:
            canvas.setFillColor(HexColor(fill))
            if alpha < 1:
                canvas.setFillAlpha(alpha)
        if stroke is not None and do_stroke:
            canvas.setStrokeColor(HexColor(stroke))
            canvas.setLineWidth(stroke_width)
            if alpha < 1:
                canvas.setStrokeAlpha(alpha)
            if dash and all(d >= 0 for d in dash) and sum(dash) > 0:
                canvas.setDash(list(dash), 0)
        canvas.drawPath(path, stroke=int(do_stroke), fill=int(do_fill), fillMode=FILL_NON_ZERO)

    def text(self, text: Text) -> None:
        """Draw each line at its baseline, anchored at its start, middle or end."""
        if not text.lines:
            return
        canvas = self.canvas
        canvas.saveState()
        try:
            canvas.setFont(_font(text.weight, italic=text.italic), text.size)
            canvas.setFillColor(HexColor(text.fill))
            draw = {
                Anchor.START: canvas.drawString,
                Anchor.MIDDLE: canvas.drawCentredString,
                Anchor.END: canvas.drawRightString,
            }[text.anchor]
            for index, line in enumerate(text.lines):
                if line:
                    draw(text.x, self.y(text.baseline(index)), line)
        finally:
            canvas.restoreState()
