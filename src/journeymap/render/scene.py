"""What a poster or a chart *is*, before it is SVG, PNG, PDF or HTML: shapes and text boxes.

Layout code builds a :class:`Scene` of a few primitive types, placed in absolute coordinates
(points for print, pixels for the screen). Every output format is a translation of the same
scene, so the PDF cannot drift from the SVG, and tests can check the geometry (no two text
boxes overlap, everything inside the page) on the scene or on the SVG it writes.

Text boxes are positioned by their *top* edge, not their baseline: layout thinks in boxes, and
the backends compute each line's baseline from the font's ascent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from journeymap.render.fonts import Weight, metrics, text_width

LINE_HEIGHT = 1.25
"""Line spacing as a multiple of the font size, the same in every backend."""


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle by its corners."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        """Its width."""
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        """Its height."""
        return self.y1 - self.y0

    def intersects(self, other: Box, *, tolerance: float = 0.01) -> bool:
        """Whether the two overlap by more than ``tolerance`` (touching edges do not count)."""
        return (
            self.x0 < other.x1 - tolerance
            and other.x0 < self.x1 - tolerance
            and self.y0 < other.y1 - tolerance
            and other.y0 < self.y1 - tolerance
        )

    def contains(self, other: Box, *, tolerance: float = 0.01) -> bool:
        """Whether ``other`` lies inside this box."""
        return (
            other.x0 >= self.x0 - tolerance
            and other.y0 >= self.y0 - tolerance
            and other.x1 <= self.x1 + tolerance
            and other.y1 <= self.y1 + tolerance
        )


class Anchor(StrEnum):
    """Which point of a line its x names: its start, middle or end."""

    START = "start"
    MIDDLE = "middle"
    END = "end"


@dataclass(frozen=True)
class Rect:
    """A rectangle, optionally with rounded corners and a (dashed) outline."""

    x: float
    y: float
    width: float
    height: float
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 0.0
    radius: float = 0.0
    dash: tuple[float, ...] = ()
    opacity: float = 1.0

    @property
    def box(self) -> Box:
        """The area it covers."""
        return Box(self.x, self.y, self.x + self.width, self.y + self.height)


@dataclass(frozen=True)
class Line:
    """A straight line."""

    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    stroke_width: float = 1.0
    dash: tuple[float, ...] = ()
    opacity: float = 1.0


@dataclass(frozen=True)
class Circle:
    """A circle (dots on curves, persona initials, node markers)."""

    cx: float
    cy: float
    r: float
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 0.0


@dataclass(frozen=True)
class Polygon:
    """A closed polygon (the moment-kind shapes ▲ ■ ▼, arrow heads)."""

    points: tuple[tuple[float, float], ...]
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 0.0
    opacity: float = 1.0


@dataclass(frozen=True)
class MoveTo:
    """Start a new sub-path at a point."""

    x: float
    y: float


@dataclass(frozen=True)
class LineTo:
    """A straight segment to a point."""

    x: float
    y: float


@dataclass(frozen=True)
class CurveTo:
    """A cubic Bézier segment through two control points to a point."""

    c1x: float
    c1y: float
    c2x: float
    c2y: float
    x: float
    y: float


@dataclass(frozen=True)
class ClosePath:
    """Close the current sub-path."""


PathOp = MoveTo | LineTo | CurveTo | ClosePath


@dataclass(frozen=True)
class Path:
    """A free path: emotion curves, interval bands, Sankey ribbons, graph edges."""

    ops: tuple[PathOp, ...]
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 0.0
    dash: tuple[float, ...] = ()
    opacity: float = 1.0


@dataclass(frozen=True)
class Text:
    """A block of already wrapped lines whose top edge is at ``y``."""

    x: float
    y: float
    lines: tuple[str, ...]
    size: float
    fill: str
    weight: Weight = Weight.REGULAR
    anchor: Anchor = Anchor.START
    italic: bool = False

    @property
    def line_height(self) -> float:
        """Distance between two baselines."""
        return self.size * LINE_HEIGHT

    @property
    def height(self) -> float:
        """Height of the block, first line's top to last line's bottom."""
        return len(self.lines) * self.line_height

    @property
    def width(self) -> float:
        """Width of the widest line."""
        return max((text_width(line, self.size, self.weight) for line in self.lines), default=0.0)

    def baseline(self, index: int) -> float:
        """The baseline of line ``index``: half the leading above the ascent."""
        font = metrics(self.weight)
        leading = self.line_height - (font.ascent + font.descent) * self.size
        return self.y + leading / 2 + font.ascent * self.size + index * self.line_height

    @property
    def box(self) -> Box:
        """The area the lines take."""
        width = self.width
        x0 = {
            Anchor.START: self.x,
            Anchor.MIDDLE: self.x - width / 2,
            Anchor.END: self.x - width,
        }[self.anchor]
        return Box(x0, self.y, x0 + width, self.y + self.height)


@dataclass(frozen=True)
class Tip:
    """What the HTML version shows on hover or focus: a title and the whole story."""

    title: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """Shapes that belong together: a card, a lane, a chart's bar with its label.

    ``role`` names what it is (``touchpoint``, ``stage``, ``moment``...) for CSS, the HTML's
    interactivity and the tests; ``frame`` is the card its text must stay inside.
    """

    children: tuple[Element, ...]
    role: str = ""
    key: str = ""
    tip: Tip | None = None
    frame: Box | None = None
    label: str = ""


Element = Rect | Line | Circle | Polygon | Path | Text | Group


@dataclass(frozen=True)
class Scene:
    """A page: its size in user units, an optional physical size, and what is drawn on it."""

    width: float
    height: float
    children: tuple[Element, ...]
    title: str = ""
    background: str = "#ffffff"
    physical_mm: tuple[float, float] | None = None
    description: str = ""
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def page(self) -> Box:
        """The page as a box."""
        return Box(0.0, 0.0, self.width, self.height)


def walk(elements: tuple[Element, ...]) -> list[Element]:
    """Every element, groups included, depth first in drawing order."""
    found: list[Element] = []
    for element in elements:
        found.append(element)
        if isinstance(element, Group):
            found.extend(walk(element.children))
    return found


def text_boxes(scene: Scene) -> list[Box]:
    """The box of every non-empty text block of the scene."""
    return [e.box for e in walk(scene.children) if isinstance(e, Text) and e.lines]
