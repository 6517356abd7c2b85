"""The directly-follows graph as a process map: activities as boxes, transitions as arrows.

Process maps are read for their big rivers, so the chart keeps the ``max_edges`` most
frequent transitions and says in a note how many it left out. Arrows are as wide as they are
frequent and labelled with their count (and their median time, when asked); a label that
would touch a box or another label moves along its arrow, and is left for the tip when no
spot is free, so text never collides however dense the graph. A start marker (●) and an end
marker (■) show where journeys begin and end, with dashed arrows for those customers.

The layout (:mod:`journeymap.render.charts._dfg_layout`) is a deterministic Sugiyama layout
over sorted input, so the same graph gives the same SVG byte for byte, whatever order its
edges arrived in. Loops (an activity followed by itself) are drawn as a small arc above
their box.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.analytics.dfg import DirectlyFollowsEdge, DirectlyFollowsGraph
from journeymap.render.charts._dfg_edges import (
    END,
    LOOP_HEIGHT,
    START,
    EdgeLabels,
    draw_edge,
    draw_loop,
)
from journeymap.render.charts._dfg_layout import GraphLayout, Route, layered_layout
from journeymap.render.charts._frame import (
    LABEL_SIZE,
    MARGIN,
    SMALL_SIZE,
    LegendEntry,
    Sheet,
    label,
    line_height,
    line_swatch,
    no_data,
)
from journeymap.render.charts._marks import Marker, count, marker
from journeymap.render.fonts import Weight
from journeymap.render.scene import (
    Anchor,
    Box,
    Group,
    Rect,
    Scene,
    Text,
    Tip,
)
from journeymap.render.style import PALETTE

NAME_WIDTH = 130.0
PADDING = 8.0
MARKER_SIZE = (44.0, 40.0)


@dataclass(frozen=True)
class _Activity:
    name: str
    events: int
    starts: int
    ends: int


def dfg_chart(
    graph: DirectlyFollowsGraph,
    *,
    title: str = "Process map: which activity follows which",
    max_edges: int = 40,
    show_median: bool = False,
) -> Scene:
    """The ``max_edges`` most frequent transitions of ``graph`` as a left-to-right process map.

    ``show_median`` adds each transition's median time to its label. Raises ``ValueError``
    when the graph has no edges and no start activities.
    """
    if max_edges < 1:
        raise ValueError(f"max_edges must be at least 1; got {max_edges}")
    if not graph.edges and not graph.start_activities:
        raise no_data("process map", "the graph has no transitions")
    ranked = sorted(graph.edges, key=lambda e: (-e.frequency, e.source, e.target))
    kept = sorted(ranked[:max_edges], key=lambda e: (e.source, e.target))
    activities = _activities(graph, kept)
    transitions = sum(e.frequency for e in graph.edges)
    timing = ", and the median time" if show_median else ""
    sheet = Sheet(
        chart="dfg",
        title=title,
        caption=(
            f"Based on {count(transitions)} transitions between {len(activities)} activities. "
            f"Arrows: how often one directly followed another{timing}."
        ),
    )
    sizes, texts = _node_contents(activities)
    edges = [(e.source, e.target, float(e.frequency)) for e in kept if e.source != e.target]
    starts = sorted(graph.start_activities, key=lambda a: a.activity)
    ends = sorted(graph.end_activities, key=lambda a: a.activity)
    edges += [(START, a.activity, float(a.customers)) for a in starts if a.activity in sizes]
    edges += [(a.activity, END, float(a.customers)) for a in ends if a.activity in sizes]
    nodes = sorted(activities)
    if starts:
        nodes.insert(0, START)
        sizes[START] = MARKER_SIZE
    if ends:
        nodes.append(END)
        sizes[END] = MARKER_SIZE
    layout = layered_layout(
        nodes,
        sizes,
        edges,
        origin=(sheet.left, sheet.y + LOOP_HEIGHT + line_height(SMALL_SIZE)),
        column_gap=120.0 if show_median else 90.0,
        row_gap=40.0,
        first=START if starts else None,
        last=END if ends else None,
        hubs=frozenset({START, END}),
    )
    if layout.area.x1 + MARGIN > sheet.width:
        sheet.width = layout.area.x1 + MARGIN
    labels = EdgeLabels(layout, Box(sheet.left, sheet.y, sheet.right, layout.area.y1 + 30))
    heaviest = max((e.frequency for e in kept), default=1)
    by_pair = {(e.source, e.target): e for e in kept}
    hidden = 0
    for route in sorted(layout.routes, key=lambda r: _priority(r, by_pair)):
        edge = by_pair.get((route.source, route.target))
        hidden += draw_edge(route, edge, heaviest, labels, show_median)
    loops = [e for e in kept if e.source == e.target]
    for edge in sorted(loops, key=lambda e: (-e.frequency, e.source)):
        hidden += draw_loop(edge, layout, heaviest, labels, show_median)
    sheet.add(*labels.edges)
    for name in nodes:
        sheet.add(_node(name, layout, texts.get(name, ()), activities.get(name), graph))
    sheet.y = labels.area.y1
    sheet.legend(
        [
            LegendEntry("transitions (wider: more often)", line_swatch(PALETTE.accent, width=3)),
            LegendEntry(
                "customers starting or ending there",
                line_swatch(PALETTE.muted, dash=(4, 3), width=1.2),
            ),
            LegendEntry(
                "start", lambda x, y: (marker(Marker.CIRCLE, x, y, 6, colour=PALETTE.ink),)
            ),
            LegendEntry("end", lambda x, y: (marker(Marker.SQUARE, x, y, 6, colour=PALETTE.ink),)),
        ]
    )
    notes = []
    if len(ranked) > len(kept):
        notes.append(
            f"Showing the {len(kept)} most frequent of {len(ranked)} transitions; the "
            f"{len(ranked) - len(kept)} least frequent are left out."
        )
    everything = {e.source for e in graph.edges} | {e.target for e in graph.edges}
    unseen = len(everything - set(activities))
    if unseen:
        notes.append(f"{unseen} activities appear only in those and are not drawn.")
    if hidden:
        notes.append(f"{hidden} arrow labels left out for room; hover an arrow for its numbers.")
    sheet.note(" ".join(notes))
    return sheet.finish(
        description=f"{len(activities)} activities, {len(kept)} transitions shown.",
        metadata={"activities": str(len(activities)), "edges": str(len(kept))},
    )


def _activities(
    graph: DirectlyFollowsGraph, kept: list[DirectlyFollowsEdge]
) -> dict[str, _Activity]:
    """Activities the kept edges and the starts and ends touch, with their event counts."""
    names = {e.source for e in kept} | {e.target for e in kept}
    names |= {a.activity for a in graph.start_activities + graph.end_activities}
    starts = {a.activity: a.customers for a in graph.start_activities}
    ends = {a.activity: a.customers for a in graph.end_activities}
    events = dict.fromkeys(names, 0)
    for edge in graph.edges:
        if edge.target in events:
            events[edge.target] += edge.frequency
    return {
        name: _Activity(
            name, events[name] + starts.get(name, 0), starts.get(name, 0), ends.get(name, 0)
        )
        for name in sorted(names)
    }


def _node_contents(
    activities: dict[str, _Activity],
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[Text, Text]]]:
    """Each activity's box size and its two texts (placed at 0, 0), sized to the label."""
    sizes: dict[str, tuple[float, float]] = {}
    texts: dict[str, tuple[Text, Text]] = {}
    for name, activity in activities.items():
        title = label(
            0, 0, name, width=NAME_WIDTH, weight=Weight.BOLD, max_lines=2, anchor=Anchor.MIDDLE
        )
        events = label(
            0,
            0,
            f"{count(activity.events)} events",
            width=NAME_WIDTH,
            size=SMALL_SIZE,
            fill=PALETTE.muted,
            anchor=Anchor.MIDDLE,
        )
        width = max(title.width, events.width, 48.0) + 2 * PADDING
        height = 2 * line_height(LABEL_SIZE) + events.height + 2 * PADDING
        sizes[name] = (width, height)
        texts[name] = (title, events)
    return sizes, texts


def _priority(
    route: Route, by_pair: dict[tuple[str, str], DirectlyFollowsEdge]
) -> tuple[int, int, str, str]:
    edge = by_pair.get((route.source, route.target))
    return (edge is None, -(edge.frequency if edge else 0), route.source, route.target)


def _node(
    name: str,
    layout: GraphLayout,
    texts: tuple[Text, ...],
    activity: _Activity | None,
    graph: DirectlyFollowsGraph,
) -> Group:
    box = layout.nodes[name].box
    cx = (box.x0 + box.x1) / 2
    if name in (START, END):
        is_start = name == START
        people = sum(
            a.customers for a in (graph.start_activities if is_start else graph.end_activities)
        )
        shape = Marker.CIRCLE if is_start else Marker.SQUARE
        word = "Start" if is_start else "End"
        mark = marker(shape, cx, box.y0 + 9, 8, colour=PALETTE.ink)
        words = label(
            cx,
            box.y0 + 20,
            word,
            width=box.width,
            size=SMALL_SIZE,
            weight=Weight.BOLD,
            anchor=Anchor.MIDDLE,
        )
        verb = "started" if is_start else "ended"
        return Group(
            (mark, words),
            role="dfg-marker",
            key=word.lower(),
            tip=Tip(word, (f"{count(people)} customers' journeys {verb}",)),
        )
    assert activity is not None
    title, events = texts
    top = box.y0 + PADDING
    title = Text(
        cx, top, title.lines, title.size, title.fill, weight=title.weight, anchor=Anchor.MIDDLE
    )
    events = Text(
        cx,
        box.y1 - PADDING - events.height,
        events.lines,
        events.size,
        events.fill,
        anchor=Anchor.MIDDLE,
    )
    card = Rect(
        box.x0,
        box.y0,
        box.width,
        box.height,
        fill=PALETTE.accent_tint,
        stroke=PALETTE.accent,
        stroke_width=1.0,
        radius=4,
    )
    tip = [f"{count(activity.events)} events"]
    if activity.starts:
        tip.append(f"first activity of {count(activity.starts)} customers")
    if activity.ends:
        tip.append(f"last activity of {count(activity.ends)} customers")
    return Group(
        (card, title, events),
        role="dfg-node",
        key=name,
        tip=Tip(name, tuple(tip)),
        frame=box,
        label=f"{name}: {count(activity.events)} events",
    )
