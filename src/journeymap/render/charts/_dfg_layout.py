"""Where the boxes and arrows of a directly-follows graph go: igraph's Sugiyama layout, left to right.

A process graph is only useful if it is stable: the same log must give the same picture,
whatever order its edges came in, or nobody can compare this week's map with last week's.
So the caller hands over nodes and edges already sorted, igraph's layered (Sugiyama)
layout - deterministic for a given input order - assigns layers and positions within them,
and this module turns them into page geometry: layers become columns (left to right), the
position within a layer becomes the row, node boxes keep their own size, and each edge is
routed from a port on its source's side through igraph's dummy points to a port on its
target's side. Ports share a side in the order of where their edges go, so parallel edges
(``a -> b`` and ``b -> a``) run side by side instead of on top of each other.

igraph 1.0 returns the vertices' coordinates as a ``Layout`` and the dummy (control) points
of each edge in its ``edge_routing`` attribute, one list of ``[position, layer]`` per edge.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import igraph

from journeymap.render.scene import Box

Point = tuple[float, float]


@dataclass(frozen=True)
class PlacedNode:
    """A node's box on the page and its layer (column)."""

    key: str
    box: Box
    layer: int


@dataclass(frozen=True)
class Route:
    """One edge: its points from the source's port through the dummies to the target's port."""

    source: str
    target: str
    points: tuple[Point, ...]
    forward: bool
    """True when it runs left to right (its target's column is right of its source's)."""


@dataclass(frozen=True)
class GraphLayout:
    """Nodes by key, routes in the order the edges were given, and the area they take."""

    nodes: dict[str, PlacedNode]
    routes: tuple[Route, ...]
    area: Box


def layered_layout(
    nodes: Sequence[str],
    sizes: Mapping[str, tuple[float, float]],
    edges: Sequence[tuple[str, str, float]],
    *,
    origin: Point,
    column_gap: float,
    row_gap: float,
    first: str | None = None,
    last: str | None = None,
    hubs: frozenset[str] = frozenset(),
) -> GraphLayout:
    """Lay ``nodes`` (width, height from ``sizes``) and weighted ``edges`` out left to right.

    ``first`` and ``last`` (the start and end markers) get a column of their own at either
    end. ``hubs`` are nodes whose edges all meet at their centre instead of spread ports.
    Edges must not be loops; pass nodes and edges in a fixed (sorted) order.
    """
    index = {key: i for i, key in enumerate(nodes)}
    graph = igraph.Graph(
        n=len(nodes), edges=[(index[s], index[t]) for s, t, _ in edges], directed=True
    )
    weights = [weight for _, _, weight in edges]
    found = graph.layout_sugiyama(weights=weights or None, maxiter=200)
    layers = _pinned_layers([round(row[1]) for row in found], index, first, last)
    layout = graph.layout_sugiyama(layers=layers, weights=weights or None, maxiter=200)
    positions = [float(row[0]) for row in layout]
    routing: list[list[list[float]]] = [list(r) for r in layout.edge_routing]
    dummy_positions = [p[0] for r in routing for p in r]
    low = min(positions + dummy_positions)
    layer_count = max(layers) + 1
    widths = [20.0] * layer_count
    for key, i in index.items():
        widths[layers[i]] = max(widths[layers[i]], sizes[key][0])
    pitch = max(height for _, height in sizes.values()) + row_gap
    centres: list[float] = []
    x = origin[0]
    for width in widths:
        centres.append(x + width / 2)
        x += width + column_gap

    def row_y(position: float) -> float:
        return origin[1] + (position - low) * pitch + pitch / 2 - row_gap / 2

    placed: dict[str, PlacedNode] = {}
    for key, i in index.items():
        width, height = sizes[key]
        cx, cy = centres[layers[i]], row_y(positions[i])
        box = Box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
        placed[key] = PlacedNode(key, box, layers[i])
    dummies: list[list[Point]] = []
    for (source, target, _), points in zip(edges, routing, strict=True):
        forward = layers[index[source]] <= layers[index[target]]
        ordered = sorted(points, key=lambda p: p[1], reverse=not forward)
        dummies.append([(centres[round(p[1])], row_y(p[0])) for p in ordered])
    routes = _with_ports(edges, dummies, placed, hubs)
    bottom = max(
        [node.box.y1 for node in placed.values()] + [y for r in routes for _, y in r.points]
    )
    return GraphLayout(placed, routes, Box(origin[0], origin[1], x - column_gap, bottom))


def _pinned_layers(
    layers: list[int], index: Mapping[str, int], first: str | None, last: str | None
) -> list[int]:
    """The found layers with ``first`` alone in column 0 and ``last`` alone in the last."""
    pinned = {index[k] for k in (first, last) if k is not None}
    inner = [layer for i, layer in enumerate(layers) if i not in pinned]
    shift = (1 if first is not None else 0) - (min(inner) if inner else 0)
    result = [layer + shift for layer in layers]
    if first is not None:
        result[index[first]] = 0
    if last is not None:
        others = [layer for i, layer in enumerate(result) if i != index[last]]
        result[index[last]] = max(others, default=-1) + 1
    return result


def _with_ports(
    edges: Sequence[tuple[str, str, float]],
    dummies: list[list[Point]],
    placed: Mapping[str, PlacedNode],
    hubs: frozenset[str],
) -> tuple[Route, ...]:
    """Routes whose ends are spread along the sides of their nodes, sorted by where they go."""
    sides: dict[tuple[str, bool], list[tuple[float, int, bool]]] = defaultdict(list)
    forward_of: list[bool] = []
    for i, (source, target, _) in enumerate(edges):
        forward = placed[source].layer <= placed[target].layer
        forward_of.append(forward)
        toward_target = dummies[i][0][1] if dummies[i] else _centre(placed[target].box)[1]
        toward_source = dummies[i][-1][1] if dummies[i] else _centre(placed[source].box)[1]
        sides[(source, forward)].append((toward_target, i, True))
        sides[(target, not forward)].append((toward_source, i, False))
    ports: dict[tuple[int, bool], Point] = {}
    for (key, right), ends in sides.items():
        box = placed[key].box
        x = box.x1 if right else box.x0
        ends.sort(key=lambda end: (end[0], end[1], end[2]))
        for slot, (_, i, outgoing) in enumerate(ends):
            if key in hubs or len(ends) == 1:
                y = _centre(box)[1]
            else:
                y = box.y0 + box.height * (0.2 + 0.6 * slot / (len(ends) - 1))
            ports[(i, outgoing)] = (x, y)
    return tuple(
        Route(source, target, (ports[(i, True)], *dummies[i], ports[(i, False)]), forward_of[i])
        for i, (source, target, _) in enumerate(edges)
    )


def _centre(box: Box) -> Point:
    return ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
