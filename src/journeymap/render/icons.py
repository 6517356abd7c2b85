"""Small pictograms drawn as shapes: moment-kind markers and channel icons.

Drawn, not typed: a glyph depends on the font having it, a shape is the same in every output.
Each function returns scene elements fitted in a square of side ``size`` at ``(x, y)``.
"""

from __future__ import annotations

from journeymap.model.enums import Channel, MomentKind
from journeymap.render.scene import (
    Circle,
    ClosePath,
    Element,
    Line,
    LineTo,
    MoveTo,
    Path,
    Polygon,
    Rect,
)
from journeymap.render.style import MOMENT_STYLES


def moment_marker(
    kind: MomentKind, x: float, y: float, size: float, *, filled: bool = True
) -> Element:
    """The moment kind's shape (▲ delighter, ■ hygiene factor, ▼ pain point, ● none)."""
    colour = MOMENT_STYLES[kind].colour
    fill = colour if filled else "#ffffff"
    stroke_width = max(size * 0.12, 0.6)
    if kind is MomentKind.DELIGHTER:
        points = ((x + size / 2, y), (x + size, y + size), (x, y + size))
        return Polygon(points, fill=fill, stroke=colour, stroke_width=stroke_width)
    if kind is MomentKind.PAIN_POINT:
        points = ((x, y), (x + size, y), (x + size / 2, y + size))
        return Polygon(points, fill=fill, stroke=colour, stroke_width=stroke_width)
    if kind is MomentKind.HYGIENE_FACTOR:
        inset = size * 0.08
        side = size - 2 * inset
        return Rect(
            x + inset, y + inset, side, side, fill=fill, stroke=colour, stroke_width=stroke_width
        )
    return Circle(
        x + size / 2, y + size / 2, size * 0.4, fill=fill, stroke=colour, stroke_width=stroke_width
    )


def channel_icon(channel: Channel, x: float, y: float, size: float, colour: str) -> list[Element]:
    """A line drawing of the channel: envelope, screen, phone, shop, bubble, globe..."""
    s = size
    w = max(s * 0.1, 0.6)
    if channel in (Channel.EMAIL, Channel.MAIL):
        return [
            Rect(x, y + s * 0.2, s, s * 0.6, stroke=colour, stroke_width=w),
            Path(
                (
                    MoveTo(x, y + s * 0.2),
                    LineTo(x + s / 2, y + s * 0.55),
                    LineTo(x + s, y + s * 0.2),
                ),
                stroke=colour,
                stroke_width=w,
            ),
        ]
    if channel in (Channel.APP, Channel.PHONE):
        icon: list[Element] = [
            Rect(x + s * 0.25, y, s * 0.5, s, stroke=colour, stroke_width=w, radius=s * 0.08)
        ]
        if channel is Channel.APP:
            icon.append(Circle(x + s / 2, y + s * 0.85, s * 0.06, fill=colour))
        else:
            icon.append(Line(x + s * 0.4, y + s * 0.12, x + s * 0.6, y + s * 0.12, colour, w))
        return icon
    if channel is Channel.STORE:
        return [
            Polygon(
                ((x, y + s * 0.45), (x + s / 2, y), (x + s, y + s * 0.45)),
                stroke=colour,
                stroke_width=w,
            ),
            Rect(x + s * 0.12, y + s * 0.45, s * 0.76, s * 0.55, stroke=colour, stroke_width=w),
        ]
    if channel in (Channel.CHAT, Channel.SMS):
        icon = [
            Rect(x, y + s * 0.1, s, s * 0.6, stroke=colour, stroke_width=w, radius=s * 0.15),
            Path(
                (
                    MoveTo(x + s * 0.25, y + s * 0.7),
                    LineTo(x + s * 0.2, y + s),
                    LineTo(x + s * 0.5, y + s * 0.7),
                ),
                stroke=colour,
                stroke_width=w,
            ),
        ]
        if channel is Channel.SMS:
            icon += [Circle(x + s * f, y + s * 0.4, s * 0.06, fill=colour) for f in (0.3, 0.5, 0.7)]
        return icon
    if channel is Channel.SOCIAL:
        nodes = ((0.2, 0.5), (0.8, 0.2), (0.8, 0.8))
        return [
            Line(x + s * 0.2, y + s * 0.5, x + s * 0.8, y + s * 0.2, colour, w),
            Line(x + s * 0.2, y + s * 0.5, x + s * 0.8, y + s * 0.8, colour, w),
            *(Circle(x + s * a, y + s * b, s * 0.14, fill=colour) for a, b in nodes),
        ]
    if channel is Channel.PARTNER:
        return [
            Circle(x + s * 0.35, y + s / 2, s * 0.3, stroke=colour, stroke_width=w),
            Circle(x + s * 0.65, y + s / 2, s * 0.3, stroke=colour, stroke_width=w),
        ]
    if channel is Channel.EVENT:
        return [
            Rect(x, y + s * 0.12, s, s * 0.88, stroke=colour, stroke_width=w),
            Rect(x, y + s * 0.12, s, s * 0.22, fill=colour),
        ]
    if channel is Channel.WEB:
        return [
            Circle(x + s / 2, y + s / 2, s / 2, stroke=colour, stroke_width=w),
            Line(x, y + s / 2, x + s, y + s / 2, colour, w),
            Path(
                (
                    MoveTo(x + s / 2, y),
                    LineTo(x + s * 0.3, y + s / 2),
                    LineTo(x + s / 2, y + s),
                    LineTo(x + s * 0.7, y + s / 2),
                    ClosePath(),
                ),
                stroke=colour,
                stroke_width=w,
            ),
        ]
    return [Circle(x + s / 2, y + s / 2, s * 0.3, stroke=colour, stroke_width=w)]
