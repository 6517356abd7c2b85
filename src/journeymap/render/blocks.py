"""Text blocks for layout: fit a text or a list into a cell, and say whether it was cut.

The poster's cells have fixed heights (a grid, POSTER.md); these helpers put as much as fits
and report what did not, so the cell can carry the whole text for the HTML version.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.render.fonts import Weight
from journeymap.render.scene import LINE_HEIGHT, Element, Text
from journeymap.render.text import ELLIPSIS, fit_text


@dataclass(frozen=True)
class Placed:
    """Elements placed in a cell, the height they took and whether anything was cut."""

    elements: tuple[Element, ...]
    height: float
    truncated: bool


def lines_that_fit(height: float, size: float) -> int:
    """How many lines of ``size`` fit in ``height``."""
    return max(int((height + 1e-6) // (size * LINE_HEIGHT)), 0)


def text_block(
    text: str,
    *,
    x: float,
    y: float,
    width: float,
    height: float,
    size: float,
    fill: str,
    weight: Weight = Weight.REGULAR,
    italic: bool = False,
    max_lines: int | None = None,
) -> Placed:
    """``text`` wrapped into the box at (x, y), cut with … where the box ends."""
    room = lines_that_fit(height, size)
    if max_lines is not None:
        room = min(room, max_lines)
    if not text.strip() or room == 0:
        return Placed((), 0.0, bool(text.strip()))
    fitted = fit_text(text, width=width, size=size, weight=weight, max_lines=room)
    block = Text(x, y, fitted.lines, size, fill, weight=weight, italic=italic)
    return Placed((block,), block.height, fitted.truncated)


def bullet_list(
    items: list[str],
    *,
    x: float,
    y: float,
    width: float,
    height: float,
    size: float,
    fill: str,
    bullet: str = "• ",
    italic: bool = False,
    gap: float = 1.5,
) -> Placed:
    """Items one under another, each wrapped; what does not fit is cut, the last with …"""
    elements: list[Element] = []
    top = y
    truncated = False
    for index, item in enumerate(items):
        room_left = y + height - top
        if lines_that_fit(room_left, size) == 0:
            truncated = True
            break
        placed = text_block(
            f"{bullet}{item}" if bullet else item,
            x=x,
            y=top,
            width=width,
            height=room_left,
            size=size,
            fill=fill,
            italic=italic,
        )
        elements.extend(placed.elements)
        top += placed.height + gap
        if placed.truncated:
            truncated = True
            break
        if index < len(items) - 1 and lines_that_fit(y + height - top, size) == 0:
            # More items follow that have no room: the last one shown says so with "…".
            truncated = True
            last = placed.elements[-1]
            assert isinstance(last, Text)
            marked = text_block(
                f"{bullet}{item} {ELLIPSIS}" if bullet else f"{item} {ELLIPSIS}",
                x=x,
                y=last.y,
                width=width,
                height=height,
                size=size,
                fill=fill,
                italic=italic,
                max_lines=len(last.lines),
            )
            elements[-1:] = marked.elements
            break
    return Placed(tuple(elements), max(top - y - gap, 0.0), truncated)
