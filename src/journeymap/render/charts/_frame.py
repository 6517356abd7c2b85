"""What every chart shares: the page, its title and caption, the legend, notes, fitted text.

A chart is a screen scene in pixels, 960 wide and as tall as its content, on white: the
title at the top, a one-line caption saying what the numbers are based on, the plot, then
the legend and any note (what was left out). Keeping this in one place keeps the charts
alike - the same type sizes, the same margins, the same way of saying "there is nothing to
draw" - and lets each chart module spend its lines on its own geometry.

All text goes through :func:`label`, which fits it with :func:`~journeymap.render.text.fit_text`,
so no chart can overflow the width it asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from journeymap.render.fonts import Weight, text_width
from journeymap.render.scene import LINE_HEIGHT, Anchor, Element, Group, Line, Rect, Scene, Text
from journeymap.render.style import PALETTE
from journeymap.render.text import fit_text

WIDTH = 960.0
"""The width of every chart, in pixels, unless a chart needs more (a wide process graph)."""
MARGIN = 32.0
TITLE_SIZE = 20.0
CAPTION_SIZE = 13.0
LABEL_SIZE = 12.0
SMALL_SIZE = 11.0
"""The smallest text of a chart: tick labels, notes and legend words."""
GAP = 12.0
"""Vertical space between the header, the plot, the legend and the notes."""

Swatch = Callable[[float, float], tuple[Element, ...]]
"""Draws a legend's sample mark centred on the point it is given."""

SWATCH_WIDTH = 24.0


def no_data(chart: str, why: str) -> ValueError:
    """The error every chart raises for an empty input: which chart, and what was missing."""
    return ValueError(f"cannot draw the {chart} chart: {why}")


def line_height(size: float) -> float:
    """The height one line of text takes at ``size``."""
    return size * LINE_HEIGHT


def label(
    x: float,
    y: float,
    text: str,
    *,
    width: float,
    size: float = LABEL_SIZE,
    weight: Weight = Weight.REGULAR,
    fill: str = PALETTE.ink,
    anchor: Anchor = Anchor.START,
    max_lines: int = 1,
    italic: bool = False,
) -> Text:
    """A text block whose top is at ``y``, fitted into ``width`` and ``max_lines``."""
    fitted = fit_text(text, width=max(width, 1.0), size=size, weight=weight, max_lines=max_lines)
    return Text(x, y, fitted.lines, size, fill, weight=weight, anchor=anchor, italic=italic)


@dataclass(frozen=True)
class LegendEntry:
    """One key of a legend: a sample mark and the words that explain it."""

    text: str
    swatch: Swatch


class Sheet:
    """The page of one chart as it is laid out from the top down.

    The plot's own code adds its elements and moves :attr:`y` past them; the sheet places
    the header first and the legend and notes where they are asked for.
    """

    def __init__(self, *, chart: str, title: str, caption: str, width: float = WIDTH) -> None:
        self.chart = chart
        self.title = title
        self.width = width
        self.elements: list[Element] = []
        heading = label(
            self.left,
            MARGIN,
            title,
            width=self.inner_width,
            size=TITLE_SIZE,
            weight=Weight.BOLD,
            max_lines=2,
        )
        self.y = MARGIN + heading.height + 4
        byline = label(
            self.left,
            self.y,
            caption,
            width=self.inner_width,
            size=CAPTION_SIZE,
            fill=PALETTE.muted,
        )
        self.caption = caption
        self.y += byline.height + GAP * 1.5
        self.elements.append(Group((heading, byline), role="chart-header"))

    @property
    def left(self) -> float:
        """The left edge of the content."""
        return MARGIN

    @property
    def right(self) -> float:
        """The right edge of the content."""
        return self.width - MARGIN

    @property
    def inner_width(self) -> float:
        """The width between the margins."""
        return self.width - 2 * MARGIN

    def add(self, *elements: Element) -> None:
        """Draw ``elements`` (in order, over what is there)."""
        self.elements.extend(elements)

    def legend(self, entries: Sequence[LegendEntry], *, title: str = "") -> None:
        """A legend in rows across the page at :attr:`y`: swatch, words, swatch, words..."""
        if not entries:
            return
        self.y += GAP
        parts: list[Element] = []
        height = line_height(SMALL_SIZE) + 4
        x = self.left
        if title:
            heading = label(
                x,
                self.y,
                title,
                width=self.inner_width / 3,
                size=SMALL_SIZE,
                weight=Weight.BOLD,
                fill=PALETTE.muted,
            )
            parts.append(heading)
            x += heading.width + 14
        for entry in entries:
            words = label(
                0,
                0,
                entry.text,
                width=self.inner_width - SWATCH_WIDTH - 8,
                size=SMALL_SIZE,
                fill=PALETTE.ink,
            )
            needed = SWATCH_WIDTH + 6 + words.width
            if x > self.left and x + needed > self.right:
                x = self.left
                self.y += height
            centre_y = self.y + line_height(SMALL_SIZE) / 2
            parts.extend(entry.swatch(x + SWATCH_WIDTH / 2, centre_y))
            parts.append(Text(x + SWATCH_WIDTH + 6, self.y, words.lines, SMALL_SIZE, PALETTE.ink))
            x += needed + 18
        self.y += height
        self.elements.append(Group(tuple(parts), role="legend", label="Legend"))

    def note(self, text: str, *, fill: str = PALETTE.muted) -> None:
        """A wrapped note across the page at :attr:`y` (what was left out, how to read it)."""
        if not text:
            return
        self.y += GAP / 2
        block = label(
            self.left,
            self.y,
            text,
            width=self.inner_width,
            size=SMALL_SIZE,
            fill=fill,
            max_lines=4,
        )
        self.elements.append(Group((block,), role="chart-note"))
        self.y += block.height

    def rule(self, y: float) -> Line:
        """A hairline across the content at ``y``."""
        return Line(self.left, y, self.right, y, stroke=PALETTE.hairline, stroke_width=1)

    def finish(self, *, description: str, metadata: dict[str, str] | None = None) -> Scene:
        """The scene: everything added so far, the page cut below the last element."""
        height = self.y + MARGIN
        facts = {"chart": self.chart, **(metadata or {})}
        return Scene(
            width=self.width,
            height=round(height),
            children=tuple(self.elements),
            title=self.title,
            background=PALETTE.paper,
            description=f"{self.caption} {description}".strip(),
            metadata=facts,
        )


def line_swatch(colour: str, *, dash: tuple[float, ...] = (), width: float = 2.0) -> Swatch:
    """A legend swatch: a short line."""

    def draw(cx: float, cy: float) -> tuple[Element, ...]:
        half = SWATCH_WIDTH / 2
        return (Line(cx - half, cy, cx + half, cy, stroke=colour, stroke_width=width, dash=dash),)

    return draw


def box_swatch(fill: str, *, stroke: str | None = None, opacity: float = 1.0) -> Swatch:
    """A legend swatch: a small filled box."""

    def draw(cx: float, cy: float) -> tuple[Element, ...]:
        return (
            Rect(
                cx - 8,
                cy - 5,
                16,
                10,
                fill=fill,
                stroke=stroke,
                stroke_width=1.0 if stroke else 0.0,
                opacity=opacity,
            ),
        )

    return draw


def widest(texts: Sequence[str], *, size: float, weight: Weight = Weight.REGULAR) -> float:
    """The width of the widest of ``texts`` on one line."""
    return max((text_width(t, size, weight) for t in texts), default=0.0)
