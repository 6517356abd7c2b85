"""Marks and numbers every chart draws the same way: marker shapes, arrow heads, and labels.

Colour never carries meaning alone (POSTER.md), so every series and every moment kind also
has a shape; the shapes are drawn here once, at a given centre and radius, so a triangle in
the legend is the triangle in the plot. Numbers are written here too, so that every chart
says "48,210" and "62%" and "2h 14m" alike, always with their unit.
"""

from __future__ import annotations

import math
from enum import StrEnum

from journeymap.render.scene import Circle, Element, Polygon, Rect
from journeymap.render.style import PALETTE, MomentShape


class Marker(StrEnum):
    """The shapes a point can take; the first four are the moment kinds' shapes."""

    CIRCLE = "circle"
    SQUARE = "square"
    TRIANGLE_UP = "triangle-up"
    TRIANGLE_DOWN = "triangle-down"
    DIAMOND = "diamond"


_MOMENT_MARKERS = {
    MomentShape.CIRCLE: Marker.CIRCLE,
    MomentShape.SQUARE: Marker.SQUARE,
    MomentShape.TRIANGLE_UP: Marker.TRIANGLE_UP,
    MomentShape.TRIANGLE_DOWN: Marker.TRIANGLE_DOWN,
}


def marker_for(shape: MomentShape) -> Marker:
    """The marker that draws a moment kind's shape."""
    return _MOMENT_MARKERS[shape]


def marker(
    shape: Marker,
    cx: float,
    cy: float,
    r: float,
    *,
    colour: str,
    filled: bool = True,
    stroke_width: float = 1.5,
) -> Element:
    """One marker centred on ``(cx, cy)``; ``r`` is about half its width.

    A hollow marker is outlined in ``colour`` on paper, so it still hides the line behind it.
    """
    fill = colour if filled else PALETTE.paper
    stroke = colour
    if shape is Marker.CIRCLE:
        return Circle(cx, cy, r, fill=fill, stroke=stroke, stroke_width=stroke_width)
    if shape is Marker.SQUARE:
        side = r * 1.7
        return Rect(
            cx - side / 2,
            cy - side / 2,
            side,
            side,
            fill=fill,
            stroke=stroke,
            stroke_width=stroke_width,
        )
    points: tuple[tuple[float, float], ...]
    if shape is Marker.TRIANGLE_UP:
        points = ((cx, cy - r * 1.15), (cx + r * 1.1, cy + r * 0.8), (cx - r * 1.1, cy + r * 0.8))
    elif shape is Marker.TRIANGLE_DOWN:
        points = ((cx - r * 1.1, cy - r * 0.8), (cx + r * 1.1, cy - r * 0.8), (cx, cy + r * 1.15))
    else:
        points = ((cx, cy - r * 1.2), (cx + r * 1.2, cy), (cx, cy + r * 1.2), (cx - r * 1.2, cy))
    return Polygon(points, fill=fill, stroke=stroke, stroke_width=stroke_width)


def arrow_head(
    tip_x: float, tip_y: float, *, direction: tuple[float, float], size: float, colour: str
) -> Polygon:
    """A filled triangle whose point is ``(tip_x, tip_y)``, pointing along ``direction``."""
    dx, dy = direction
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    base_x, base_y = tip_x - ux * size, tip_y - uy * size
    half = size * 0.55
    return Polygon(
        (
            (tip_x, tip_y),
            (base_x - uy * half, base_y + ux * half),
            (base_x + uy * half, base_y - ux * half),
        ),
        fill=colour,
    )


def count(value: int | float) -> str:
    """A count with thousands separators: ``48,210``."""
    return f"{round(value):,}"


def percent(share: float) -> str:
    """A share (0..1) as a percentage: ``62%``, ``0.4%`` below one per cent, ``<0.1%``."""
    value = share * 100
    if value == 0:
        return "0%"
    if abs(value) < 0.1:
        return "<0.1%"
    if abs(value) < 1:
        return f"{value:.1f}%"
    if abs(value) > 99 and abs(value) < 100:
        return f"{value:.1f}%"
    return f"{value:.0f}%"


def signed(value: float, decimals: int = 0) -> str:
    """A number with its sign always written, and a true minus: ``+32``, ``−4.5``."""
    text = f"{abs(value):.{decimals}f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def duration(seconds: float) -> str:
    """A duration in the two largest units that matter: ``45s``, ``12m``, ``2h 14m``, ``3d 4h``."""
    if seconds < 0 or math.isnan(seconds):
        raise ValueError(f"a duration must be a non-negative number of seconds, got {seconds}")
    if seconds < 60:
        return f"{seconds:.0f}s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"


def number(value: float) -> str:
    """A measured value to three significant digits: ``2.41``, ``0.0312``, ``18.5``, ``0.3``."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else ("∞" if value > 0 else "−∞")
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    text = f"{abs(value):.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return ("−" if value < 0 else "") + text
