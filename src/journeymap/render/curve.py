"""The poster's emotion curve: the team's assumed feeling per stage and the measured one.

Assumed is dashed with hollow dots, measured solid with filled dots and its interval as a
band (POSTER.md), so the two read apart in grey print too. Feedback sentiment (-1..1) maps to
the map's emotion scale (-2..+2) by doubling it. Curves are smoothed with Catmull-Rom splines
whose control points are clamped to the lane, so a curve never overshoots the scale.
"""

from __future__ import annotations

from collections.abc import Sequence

from journeymap.render.content import PosterContent
from journeymap.render.grid import Grid, Lane
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
    PathOp,
    Text,
    Tip,
)
from journeymap.render.style import PALETTE, TYPE

PAD = 9.0


def emotion_lane(content: PosterContent, grid: Grid) -> list[Element]:
    """Scale, neutral line, the assumed curve and, with data, the measured one and its band."""
    lane = grid.lane("emotion")
    elements: list[Element] = _scale(lane, grid)
    stages = content.journey.stages
    assumed = [
        (grid.centre_x(i), _y(lane, stage.emotion.score))
        for i, stage in enumerate(stages)
        if stage.emotion is not None and (stage.emotion.score or stage.emotion.words)
    ]
    measured: list[tuple[float, float, float, float, int]] = []
    data = content.data
    if data is not None:
        for i, stage in enumerate(stages):
            found = data.emotions.get(stage.id)
            if found is None or found.mean is None:
                continue
            low = found.low if found.low is not None else found.mean
            high = found.high if found.high is not None else found.mean
            measured.append(
                (
                    grid.centre_x(i),
                    _y(lane, 2 * found.mean),
                    _y(lane, 2 * high),
                    _y(lane, 2 * low),
                    i,
                )
            )
    if len(measured) >= 2:
        top = [(x, hi) for x, _, hi, _, _ in measured]
        bottom = [(x, lo) for x, _, _, lo, _ in reversed(measured)]
        band_ops: list[PathOp] = [*_smooth(top, lane), LineTo(*bottom[0])]
        band_ops += list(_smooth(bottom, lane))[1:]
        band_ops.append(ClosePath())
        elements.append(Path(tuple(band_ops), fill=PALETTE.band, opacity=0.16))
    if len(assumed) >= 2:
        elements.append(
            Path(_smooth(assumed, lane), stroke=PALETTE.muted, stroke_width=1.3, dash=(4.0, 2.5))
        )
    if len(measured) >= 2:
        line = [(x, y) for x, y, _, _, _ in measured]
        elements.append(Path(_smooth(line, lane), stroke=PALETTE.accent, stroke_width=1.8))
    for i in range(len(stages)):
        elements.append(_stage_point(content, grid, lane, i))
    return elements


def _stage_point(content: PosterContent, grid: Grid, lane: Lane, index: int) -> Group:
    stage = content.journey.stages[index]
    x = grid.centre_x(index)
    children: list[Element] = []
    lines: list[str] = []
    if stage.emotion is not None and (stage.emotion.score or stage.emotion.words):
        y = _y(lane, stage.emotion.score)
        children.append(
            Circle(x, y, 2.6, fill=PALETTE.paper, stroke=PALETTE.muted, stroke_width=1.1)
        )
        words = f" ({', '.join(stage.emotion.words)})" if stage.emotion.words else ""
        lines.append(f"Assumed by the team: {stage.emotion.score:+d}{words}")
    data = content.data
    found = data.emotions.get(stage.id) if data is not None else None
    if found is not None and found.mean is not None:
        y = _y(lane, 2 * found.mean)
        children.append(Circle(x, y, 2.8, fill=PALETTE.accent))
        value = f"{2 * found.mean:+.1f}".replace("-", "−")
        label_y = y - TYPE.caption * 1.25 - 3 if y > lane.y + lane.height / 2 else y + 4
        children.append(
            Text(x + 4, label_y, (value,), TYPE.caption, PALETTE.accent, anchor=Anchor.START)
        )
        interval = ""
        if found.low is not None and found.high is not None:
            interval = f", 95% interval {2 * found.low:+.2f} to {2 * found.high:+.2f}"
        lines.append(
            f"Measured from feedback: {2 * found.mean:+.2f} on the -2..+2 scale "
            f"(n={found.items:,}{interval})"
        )
        if found.note:
            lines.append(found.note)
    if not lines:
        lines.append("No emotion on the map for this stage")
    return Group(tuple(children), role="emotion", key=stage.id, tip=Tip(stage.name, tuple(lines)))


def _scale(lane: Lane, grid: Grid) -> list[Element]:
    right = grid.column_x(grid.stages)
    elements: list[Element] = [
        Line(grid.body_x, _y(lane, 0), right, _y(lane, 0), PALETTE.rule, 0.6, dash=(1.5, 1.5))
    ]
    for score, word in ((2, "+2 delighted"), (0, "0 neutral"), (-2, "−2 distressed")):
        y = _y(lane, score) - TYPE.caption * 0.62
        elements.append(
            Text(grid.body_x - 4, y, (word,), TYPE.caption, PALETTE.muted, anchor=Anchor.END)
        )
    return elements


def _y(lane: Lane, score: float) -> float:
    """The y of a score on the -2..+2 scale inside the lane."""
    clamped = max(-2.0, min(2.0, score))
    inner = lane.height - 2 * PAD
    return lane.y + PAD + (2.0 - clamped) / 4.0 * inner


def _smooth(points: Sequence[tuple[float, float]], lane: Lane) -> tuple[PathOp, ...]:
    """A Catmull-Rom spline through the points as cubic Béziers, clamped to the lane."""
    top, bottom = lane.y + PAD, lane.bottom - PAD
    ops: list[PathOp] = [MoveTo(*points[0])]
    for i in range(len(points) - 1):
        p0 = points[i - 1] if i > 0 else points[i]
        p1, p2 = points[i], points[i + 1]
        p3 = points[i + 2] if i + 2 < len(points) else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        ops.append(
            CurveTo(
                c1[0],
                min(max(c1[1], top), bottom),
                c2[0],
                min(max(c2[1], top), bottom),
                p2[0],
                p2[1],
            )
        )
    return tuple(ops)
