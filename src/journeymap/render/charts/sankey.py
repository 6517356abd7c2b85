"""The Sankey diagram of paths: where customers go, touchpoint by touchpoint, from a start.

Columns are depths (the start, then each next touchpoint), nodes are touchpoints sized by
the customers there, ribbons are the customers moving from one to the next, drawn as
translucent cubic Bézier bands. The order is deterministic - most customers first, then by
name - so the same result always draws the same picture and two pictures can be compared.
A column with more touchpoints than ``max_nodes`` keeps the largest and merges the rest into
one node ("27 other touchpoints"), always last; the note says how many were merged, so
nothing disappears silently. The part of a node no ribbon leaves is the customers whose path ended there.

Every node's label keeps a slot of its own (a node is never shorter than its label's slot),
so labels of small neighbouring touchpoints cannot collide.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from journeymap.analytics.paths import PathFlow, PathFlows
from journeymap.render.charts._frame import (
    LABEL_SIZE,
    MARGIN,
    SMALL_SIZE,
    WIDTH,
    Sheet,
    label,
    line_height,
    no_data,
)
from journeymap.render.charts._marks import count, percent
from journeymap.render.fonts import Weight
from journeymap.render.scene import (
    Box,
    ClosePath,
    CurveTo,
    Element,
    Group,
    LineTo,
    MoveTo,
    Path,
    Rect,
    Scene,
    Tip,
)
from journeymap.render.style import PALETTE

NODE_WIDTH = 12.0
MIN_PITCH = 150.0
"""Columns are never closer than this, so a label has room; wide paths widen the chart."""
PLOT_HEIGHT = 420.0
"""The height the busiest column's customers fill, before label slots are added."""
NODE_GAP = 10.0
RIBBON_OPACITY = 0.28
_OTHER_TAG = "\x00other"
"""The name merged nodes carry inside: no touchpoint can have it, so one called Other stays."""


@dataclass(frozen=True)
class _Node:
    depth: int
    name: str
    customers: int
    other: bool
    ended: int

    @property
    def key(self) -> str:
        return f"{self.depth}:{'(other)' if self.other else self.name}"


@dataclass(frozen=True)
class _Placed:
    node: _Node
    x: float
    y: float
    height: float
    slot: float


def sankey_chart(flows: PathFlows, *, title: str | None = None, max_nodes: int = 6) -> Scene:
    """The paths of ``flows`` as a Sankey diagram, at most ``max_nodes`` touchpoints a column.

    Raises ``ValueError`` when no customer went anywhere after the start.
    """
    if max_nodes < 2:
        raise ValueError(
            f"max_nodes must be at least 2 (one touchpoint and Other); got {max_nodes}"
        )
    links = [f for f in flows.flows if f.customers > 0]
    if flows.customers <= 0 or not links:
        raise no_data("paths", f"no customer went anywhere after {flows.start!r}")
    links, merged = _merge_small(links, flows, max_nodes)
    columns = _columns(links, flows, merged)
    pitch = max(MIN_PITCH, (WIDTH - 2 * MARGIN) / len(columns))
    sheet = Sheet(
        chart="sankey",
        title=title or f"Paths after {flows.start}",
        caption=(
            f"Based on {count(flows.customers)} customers, from their first {flows.start}; "
            "each column is one more touchpoint; widths are customers."
        ),
        width=max(WIDTH, 2 * MARGIN + pitch * len(columns)),
    )
    for depth in range(len(columns)):
        heading = "Start" if depth == 0 else f"Touchpoint {depth}"
        sheet.add(
            label(
                sheet.left + depth * pitch,
                sheet.y,
                heading,
                width=pitch - 12,
                size=SMALL_SIZE,
                weight=Weight.BOLD,
                fill=PALETTE.muted,
            )
        )
    sheet.y += line_height(SMALL_SIZE) + 8
    scale = PLOT_HEIGHT / max(sum(n.customers for n in column) for column in columns)
    placed: dict[str, _Placed] = {}
    bottom = sheet.y
    for depth, column in enumerate(columns):
        y = sheet.y
        for node in column:
            height = max(node.customers * scale, 2.0)
            slot = max(height, _label_height()) + NODE_GAP
            placed[node.key] = _Placed(node, sheet.left + depth * pitch, y, height, slot)
            y += slot
        bottom = max(bottom, y)
    sheet.add(*_ribbons(links, placed, scale))
    for spot in placed.values():
        sheet.add(_node_group(spot, flows, pitch))
    sheet.y = bottom
    if merged:
        sheet.note(
            f"In each column, touchpoints beyond the {max_nodes - 1} with most customers are "
            f"merged into one node ({sum(merged.values())} in all); hover a node for its numbers."
        )
    sheet.note(
        f"Paths that end at a touchpoint leave its bar without a ribbon; "
        f"shares are of the {count(flows.customers)} customers at the start."
    )
    return sheet.finish(
        description=f"{len(placed)} touchpoints over {len(columns)} columns.",
        metadata={"start": flows.start},
    )


def _values(links: list[PathFlow], flows: PathFlows) -> dict[tuple[int, str], int]:
    """Customers at each (depth, touchpoint): what came in, or what left if that is more."""
    into: dict[tuple[int, str], int] = defaultdict(int)
    out: dict[tuple[int, str], int] = defaultdict(int)
    for link in links:
        out[(link.depth, link.source)] += link.customers
        into[(link.depth + 1, link.target)] += link.customers
    into[(0, flows.start)] = max(into[(0, flows.start)], flows.customers)
    return {k: max(into.get(k, 0), out.get(k, 0)) for k in set(into) | set(out)}


def _merge_small(
    links: list[PathFlow], flows: PathFlows, max_nodes: int
) -> tuple[list[PathFlow], dict[int, int]]:
    """Links with each crowded column's smallest touchpoints renamed to Other, and how many."""
    values = _values(links, flows)
    by_depth: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for depth, name in values:
        by_depth[depth].append((depth, name))
    merged: set[tuple[int, str]] = set()
    for nodes in by_depth.values():
        if len(nodes) > max_nodes:
            ranked = sorted(nodes, key=lambda k: (-values[k], k[1]))
            merged.update(ranked[max_nodes - 1 :])
    if not merged:
        return sorted(links, key=_link_order), {}
    summed: dict[tuple[int, str, str], int] = defaultdict(int)
    for link in links:
        source = _OTHER_TAG if (link.depth, link.source) in merged else link.source
        target = _OTHER_TAG if (link.depth + 1, link.target) in merged else link.target
        summed[(link.depth, source, target)] += link.customers
    merged_links = [PathFlow(d, s, t, c) for (d, s, t), c in summed.items()]
    per_depth: dict[int, int] = defaultdict(int)
    for depth, _ in merged:
        per_depth[depth] += 1
    return sorted(merged_links, key=_link_order), dict(per_depth)


def _link_order(link: PathFlow) -> tuple[int, str, str]:
    return (link.depth, link.source, link.target)


def _columns(links: list[PathFlow], flows: PathFlows, merged: dict[int, int]) -> list[list[_Node]]:
    values = _values(links, flows)
    leaving: dict[tuple[int, str], int] = defaultdict(int)
    for link in links:
        leaving[(link.depth, link.source)] += link.customers
    depth_count = max(depth for depth, _ in values) + 1
    columns: list[list[_Node]] = [[] for _ in range(depth_count)]
    for (depth, name), value in values.items():
        other = name == _OTHER_TAG
        ended = value - leaving.get((depth, name), 0)
        shown = f"{merged.get(depth, 0)} other touchpoints" if other else name
        columns[depth].append(_Node(depth, shown, value, other, ended))
    for column in columns:
        column.sort(key=lambda n: (n.other, -n.customers, n.name))
    return columns


def _label_height() -> float:
    return 2 * line_height(LABEL_SIZE) + line_height(SMALL_SIZE)


def _node_key(depth: int, name: str) -> str:
    return f"{depth}:(other)" if name == _OTHER_TAG else f"{depth}:{name}"


def _ribbons(links: list[PathFlow], placed: dict[str, _Placed], scale: float) -> list[Element]:
    """Each link as a band from its source's right edge to its target's left edge.

    Bands leave a node in the order of their targets, top first, and arrive in the order of
    their sources, so they do not cross at the nodes.
    """

    def position(key: str) -> tuple[float, float]:
        return (placed[key].y, placed[key].x)

    outgoing = sorted(
        links,
        key=lambda k: (
            position(_node_key(k.depth, k.source)),
            position(_node_key(k.depth + 1, k.target)),
        ),
    )
    incoming = sorted(
        links,
        key=lambda k: (
            position(_node_key(k.depth + 1, k.target)),
            position(_node_key(k.depth, k.source)),
        ),
    )
    start: dict[int, float] = {}
    used: dict[str, float] = defaultdict(float)
    for link in outgoing:
        key = _node_key(link.depth, link.source)
        start[id(link)] = placed[key].y + used[key]
        used[key] += link.customers * scale
    end: dict[int, float] = {}
    used = defaultdict(float)
    for link in incoming:
        key = _node_key(link.depth + 1, link.target)
        end[id(link)] = placed[key].y + used[key]
        used[key] += link.customers * scale
    elements: list[Element] = []
    for link in links:
        source = placed[_node_key(link.depth, link.source)]
        target = placed[_node_key(link.depth + 1, link.target)]
        thickness = max(link.customers * scale, 0.8)
        x0, x1 = source.x + NODE_WIDTH, target.x
        y0, y1 = start[id(link)], end[id(link)]
        middle = (x0 + x1) / 2
        band = Path(
            (
                MoveTo(x0, y0),
                CurveTo(middle, y0, middle, y1, x1, y1),
                LineTo(x1, y1 + thickness),
                CurveTo(middle, y1 + thickness, middle, y0 + thickness, x0, y0 + thickness),
                ClosePath(),
            ),
            fill=PALETTE.muted if source.node.other or target.node.other else PALETTE.accent,
            opacity=RIBBON_OPACITY,
        )
        names = f"{source.node.name} → {target.node.name}"
        elements.append(
            Group(
                (band,),
                role="sankey-flow",
                key=f"{link.depth}:{source.node.name}->{target.node.name}",
                tip=Tip(
                    names,
                    (
                        f"{count(link.customers)} customers",
                        f"from touchpoint {link.depth} to {link.depth + 1}",
                    ),
                ),
                label=f"{names}: {count(link.customers)} customers",
            )
        )
    return elements


def _node_group(spot: _Placed, flows: PathFlows, pitch: float) -> Group:
    node = spot.node
    width = pitch - NODE_WIDTH - 20
    x = spot.x + NODE_WIDTH + 6
    name = label(x, 0, node.name, width=width, max_lines=2, weight=Weight.BOLD)
    share = f"{count(node.customers)} ({percent(node.customers / flows.customers)})"
    numbers = label(x, 0, share, width=width, size=SMALL_SIZE, fill=PALETTE.muted)
    height = name.height + numbers.height
    top = spot.y + spot.height / 2 - height / 2
    top = min(max(top, spot.y), spot.y + spot.slot - NODE_GAP - height)
    name = label(x, top, node.name, width=width, max_lines=2, weight=Weight.BOLD)
    numbers = label(x, top + name.height, share, width=width, size=SMALL_SIZE, fill=PALETTE.muted)
    backing = Rect(
        x - 3,
        top - 1,
        max(name.width, numbers.width) + 6,
        height + 2,
        fill=PALETTE.paper,
        opacity=0.8,
        radius=2,
    )
    bar = Rect(
        spot.x, spot.y, NODE_WIDTH, spot.height, fill=PALETTE.muted if node.other else PALETTE.ink
    )
    tip = [
        f"{count(node.customers)} customers ({percent(node.customers / flows.customers)} "
        f"of {count(flows.customers)} at the start)"
    ]
    if node.ended > 0:
        tip.append(f"{count(node.ended)} ended their path here")
    return Group(
        (bar, backing, name, numbers),
        role="sankey-node",
        key=node.key,
        tip=Tip(node.name if node.depth else f"Start: {node.name}", tuple(tip)),
        frame=Box(spot.x, spot.y, spot.x + pitch, spot.y + spot.slot),
        label=f"{node.name}: {count(node.customers)} customers",
    )
