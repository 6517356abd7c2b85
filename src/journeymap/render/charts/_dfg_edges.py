"""Drawing a process map's arrows: smooth routes, arrow heads, loops, and labels that fit.

The layout gives each edge a list of points (ports and igraph's dummy points); here they
become cubic Béziers that leave and enter their boxes horizontally and follow the route in
between (Catmull-Rom tangents at the dummies), with an arrow head at the target. An arrow's
label is tried at points along it, from its middle outwards, and kept at the first spot
that touches no box and no other label (:class:`EdgeLabels`); an arrow whose label finds
no room keeps its numbers in its tip, and the chart counts it in its note.
"""

from __future__ import annotations

from itertools import pairwise

from journeymap.analytics.dfg import DirectlyFollowsEdge
from journeymap.render.charts._dfg_layout import GraphLayout, Point, Route
from journeymap.render.charts._frame import SMALL_SIZE, label, line_height
from journeymap.render.charts._marks import arrow_head, count, duration
from journeymap.render.scene import (
    Anchor,
    Box,
    CurveTo,
    Element,
    Group,
    MoveTo,
    Path,
    Rect,
    Text,
    Tip,
)
from journeymap.render.style import PALETTE

START = "\x00start"
"""The key of the start marker among the graph's nodes (no activity can be called so)."""
END = "\x00end"
"""The key of the end marker."""
ARROW = 7.0
LOOP_HEIGHT = 22.0

Segment = tuple[Point, Point, Point, Point]
"""A cubic Bézier: start, two control points, end."""


class EdgeLabels:
    """Places arrow labels where they touch no box and no other label, or not at all."""

    def __init__(self, layout: GraphLayout, area: Box) -> None:
        self.area = area
        self.taken: list[Box] = [grow(n.box, 3) for n in layout.nodes.values()]
        self.layout = layout
        self.edges: list[Element] = []

    def place(self, text: str, candidates: list[Point]) -> Text | None:
        """The label at the first candidate centre where it fits, or None."""
        for x, y in candidates:
            block = label(
                x,
                y - line_height(SMALL_SIZE) / 2,
                text,
                width=160,
                size=SMALL_SIZE,
                anchor=Anchor.MIDDLE,
            )
            box = grow(block.box, 2)
            if self.area.contains(box) and not any(box.intersects(t) for t in self.taken):
                self.taken.append(box)
                return block
        return None


def edge_width(frequency: int, heaviest: int) -> float:
    """An arrow's stroke width: 1 px for the rarest, 6 px for the most frequent."""
    return 1.0 + 5.0 * frequency / heaviest


def draw_edge(
    route: Route,
    edge: DirectlyFollowsEdge | None,
    heaviest: int,
    labels: EdgeLabels,
    show_median: bool,
) -> bool:
    """Draw one routed edge with its arrow head; True when its label found no room."""
    direction = 1.0 if route.forward else -1.0
    points = list(route.points)
    tip = points[-1]
    points[-1] = (tip[0] - direction * ARROW, tip[1])
    segments = smooth_segments(points, direction)
    ops: list[MoveTo | CurveTo] = [MoveTo(*points[0])]
    ops.extend(CurveTo(*c1, *c2, *end) for _, c1, c2, end in segments)
    marked = edge is None
    colour = PALETTE.muted if marked else PALETTE.accent
    width = 1.2 if edge is None else edge_width(edge.frequency, heaviest)
    parts: list[Element] = [
        Path(
            tuple(ops),
            stroke=colour,
            stroke_width=width,
            dash=(4, 3) if marked else (),
            opacity=0.85,
        ),
        arrow_head(*tip, direction=(direction, 0.0), size=ARROW + width / 2, colour=colour),
    ]
    if edge is not None:
        text = edge_text(edge, show_median)
        placed = labels.place(text, _candidates(segments))
        if placed is not None:
            box = placed.box
            parts.append(
                Rect(
                    box.x0 - 2,
                    box.y0,
                    box.width + 4,
                    box.height,
                    fill=PALETTE.paper,
                    opacity=0.85,
                    radius=2,
                )
            )
            parts.append(placed)
        labels.edges.append(
            Group(
                tuple(parts),
                role="dfg-edge",
                key=f"{edge.source} → {edge.target}",
                tip=edge_tip(edge),
                label=f"{edge.source} to {edge.target}: {text}",
            )
        )
        return placed is None
    activity = route.target if route.source == START else route.source
    role, words = ("dfg-start", "start") if route.source == START else ("dfg-end", "end")
    labels.edges.append(
        Group(
            tuple(parts),
            role=role,
            key=activity,
            tip=Tip(activity, (f"customers whose journey {words}s here",)),
        )
    )
    return False


def smooth_segments(points: list[Point], direction: float) -> list[Segment]:
    """Cubic Bézier segments through ``points``, leaving and entering horizontally.

    Interior points (igraph's dummies) get Catmull-Rom tangents, so a long edge flows along
    its route instead of turning flat at every column.
    """
    tangents: list[Point] = []
    for i, (x, _y) in enumerate(points):
        if i == 0 or i == len(points) - 1:
            neighbour = points[1] if i == 0 else points[-2]
            tangents.append((direction * abs(x - neighbour[0]), 0.0))
        else:
            (xa, ya), (xb, yb) = points[i - 1], points[i + 1]
            tangents.append(((xb - xa) / 2, (yb - ya) / 2))
    segments: list[Segment] = []
    for i, ((x0, y0), (x1, y1)) in enumerate(pairwise(points)):
        (tx0, ty0), (tx1, ty1) = tangents[i], tangents[i + 1]
        segments.append(
            ((x0, y0), (x0 + tx0 / 3, y0 + ty0 / 3), (x1 - tx1 / 3, y1 - ty1 / 3), (x1, y1))
        )
    return segments


def edge_text(edge: DirectlyFollowsEdge, show_median: bool) -> str:
    text = count(edge.frequency)
    if show_median:
        text += f" · {duration(edge.median_seconds)}"
    return text


def edge_tip(edge: DirectlyFollowsEdge) -> Tip:
    return Tip(
        f"{edge.source} → {edge.target}",
        (
            f"{count(edge.frequency)} times directly followed",
            f"median {duration(edge.median_seconds)}, mean {duration(edge.mean_seconds)} between them",
        ),
    )


def _candidates(segments: list[Segment]) -> list[Point]:
    """Points along the route, from its middle outwards: where a label is tried."""
    middle = (len(segments) - 1) / 2
    order = sorted(range(len(segments)), key=lambda i: (abs(i - middle), i))
    return [_bezier(segments[i], t) for i in order for t in (0.5, 0.35, 0.65, 0.2, 0.8)]


def _bezier(segment: Segment, t: float) -> Point:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = segment
    a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
    return (a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3)


def draw_loop(
    edge: DirectlyFollowsEdge,
    layout: GraphLayout,
    heaviest: int,
    labels: EdgeLabels,
    show_median: bool,
) -> bool:
    """An activity followed by itself: an arc over its box, arrow pointing back down."""
    box = layout.nodes[edge.source].box
    width = edge_width(edge.frequency, heaviest)
    right, left, top = box.x0 + box.width * 0.62, box.x0 + box.width * 0.38, box.y0
    arc = Path(
        (
            MoveTo(right, top),
            CurveTo(right + 8, top - LOOP_HEIGHT, left - 8, top - LOOP_HEIGHT, left, top - ARROW),
        ),
        stroke=PALETTE.accent,
        stroke_width=width,
        opacity=0.85,
    )
    head = arrow_head(
        left, top, direction=(0.0, 1.0), size=ARROW + width / 2, colour=PALETTE.accent
    )
    text = "↻ " + edge_text(edge, show_median)
    y = top - LOOP_HEIGHT
    placed = labels.place(text, [(right + 36, y), (left - 36, y), ((left + right) / 2, y - 9)])
    parts: list[Element] = [arc, head]
    if placed is not None:
        parts.append(placed)
    labels.edges.append(
        Group(
            tuple(parts),
            role="dfg-edge",
            key=f"{edge.source} → {edge.target}",
            tip=edge_tip(edge),
            label=f"{edge.source} repeated: {text}",
        )
    )
    return placed is None


def grow(box: Box, by: float) -> Box:
    return Box(box.x0 - by, box.y0 - by, box.x1 + by, box.y1 + by)
