"""The cells of the lanes that hold words: goals, actions, thinking, moments of truth, pain
points, opportunities and the measured metrics per stage.

Each cell is a :class:`Group` framed by its column and lane; where its text was cut, the
group's tip carries every item so the HTML version shows the whole cell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from journeymap.model import MomentKind, Stage
from journeymap.render.blocks import Placed, bullet_list, text_block
from journeymap.render.content import MomentMark, PosterContent
from journeymap.render.fonts import Weight
from journeymap.render.grid import GUTTER, Grid, Lane
from journeymap.render.icons import moment_marker
from journeymap.render.scene import Box, Element, Group, Text, Tip
from journeymap.render.style import MOMENT_STYLES, PALETTE, TYPE
from journeymap.render.text import fit_text

PAD = 3.0
MARKER = 6.5


def word_lanes(
    content: PosterContent, grid: Grid, marks: Mapping[str, MomentMark]
) -> list[Element]:
    """Every word cell of every stage."""
    cells: dict[str, Callable[[int, Stage, Box], tuple[Placed, list[str]]]] = {
        "goals": lambda i, s, box: _items(s.goals, box),
        "actions": lambda i, s, box: _items(s.actions, box),
        "thinking": lambda i, s, box: _thinking(content, s, box),
        "moments": lambda i, s, box: _moments(content, s, box, marks),
        "pain": lambda i, s, box: _pain(content, s, box, marks),
        "opportunities": lambda i, s, box: _opportunities(content, s, box),
        "metrics": lambda i, s, box: _metrics(content, s, box),
    }
    elements: list[Element] = []
    for lane in grid.lanes:
        fill = cells.get(lane.key)
        if fill is None:
            continue
        for index, stage in enumerate(content.journey.stages):
            box = _cell(grid, lane, index)
            placed, full = fill(index, stage, box)
            tip = Tip(f"{stage.name}: {lane.label}", tuple(full)) if placed.truncated else None
            elements.append(
                Group(placed.elements, role=f"cell-{lane.key}", key=stage.id, tip=tip, frame=box)
            )
    return elements


def _cell(grid: Grid, lane: Lane, index: int) -> Box:
    x = grid.column_x(index) + GUTTER
    return Box(x, lane.y + PAD, x + grid.content_width, lane.bottom - PAD)


def _items(items: list[str], box: Box, *, italic: bool = False) -> tuple[Placed, list[str]]:
    placed = bullet_list(
        items,
        x=box.x0,
        y=box.y0,
        width=box.width,
        height=box.height,
        size=TYPE.body,
        fill=PALETTE.ink,
        italic=italic,
    )
    return placed, list(items)


def _stage_quote(content: PosterContent, stage: Stage) -> str | None:
    touchpoints = {tp.id for tp in stage.touchpoints}
    if content.data is not None:
        for quote in content.data.quotes:
            if quote.stage == stage.id or quote.touchpoint in touchpoints:
                return quote.text
    for evidence in content.journey.evidence:
        if evidence.stage == stage.id or evidence.touchpoint in touchpoints:
            return evidence.text
    return None


def _thinking(content: PosterContent, stage: Stage, box: Box) -> tuple[Placed, list[str]]:
    """Feeling words, then one short quote in the customer's words (or their concerns)."""
    elements: list[Element] = []
    full: list[str] = []
    top = box.y0
    truncated = False
    if stage.emotion is not None and stage.emotion.words:
        words = "Feels " + ", ".join(stage.emotion.words)
        full.append(words)
        placed = text_block(
            words, x=box.x0, y=top, width=box.width, height=box.height, size=TYPE.body,
            fill=PALETTE.muted, italic=True, max_lines=1,
        )  # fmt: skip
        elements.extend(placed.elements)
        top += placed.height + 1.5
        truncated |= placed.truncated
    quote = _stage_quote(content, stage)
    if quote is not None:
        text = f"“{quote}”"
        full.append(text)
        placed = text_block(
            text, x=box.x0, y=top, width=box.width, height=box.y1 - top, size=TYPE.body,
            fill=PALETTE.ink, italic=True,
        )  # fmt: skip
    else:
        full.extend(stage.concerns)
        placed = bullet_list(
            stage.concerns, x=box.x0, y=top, width=box.width, height=box.y1 - top,
            size=TYPE.body, fill=PALETTE.ink, bullet="? ",
        )  # fmt: skip
    elements.extend(placed.elements)
    return Placed(
        tuple(elements), top - box.y0 + placed.height, truncated or placed.truncated
    ), full


def _marked_list(
    entries: list[tuple[MomentKind, str, str | None]], box: Box
) -> tuple[Placed, list[str]]:
    """Rows of a marker shape, a bold title and an optional quote under it."""
    elements: list[Element] = []
    full: list[str] = []
    top = box.y0
    truncated = False
    text_x = box.x0 + MARKER + 3
    width = box.x1 - text_x
    for kind, title, quote in entries:
        full.append(f"{MOMENT_STYLES[kind].word}: {title}" + (f" — “{quote}”" if quote else ""))
        if box.y1 - top < TYPE.body * 1.25:
            truncated = True
            continue
        placed = text_block(
            title, x=text_x, y=top, width=width, height=box.y1 - top, size=TYPE.body,
            fill=PALETTE.ink, weight=Weight.BOLD, max_lines=2,
        )  # fmt: skip
        elements.append(moment_marker(kind, box.x0, top + 1.2, MARKER))
        elements.extend(placed.elements)
        top += placed.height
        truncated |= placed.truncated
        if quote:
            said = text_block(
                f"“{quote}”", x=text_x, y=top, width=width, height=box.y1 - top,
                size=TYPE.body, fill=PALETTE.muted, italic=True, max_lines=2,
            )  # fmt: skip
            elements.extend(said.elements)
            top += said.height
            truncated |= said.truncated or not said.elements
        top += 2.0
    return Placed(tuple(elements), top - box.y0, truncated), full


def _moments(
    content: PosterContent, stage: Stage, box: Box, marks: Mapping[str, MomentMark]
) -> tuple[Placed, list[str]]:
    """The stage's moments of truth, ranked: by the data where measured, else by the map."""
    rows: list[tuple[int, str, MomentKind, str]] = []
    for touchpoint in stage.touchpoints:
        mark = marks.get(touchpoint.id)
        if mark is not None:
            rows.append((mark.rank, touchpoint.name, mark.kind, f"#{mark.rank} {touchpoint.name}"))
        elif touchpoint.moment is not MomentKind.NONE:
            if content.data is not None:
                # Measured, and the data did not confirm it: the team's claim, without a rank
                # that could be read as the data's.
                rows.append((999, touchpoint.name, touchpoint.moment, f"{touchpoint.name} (map)"))
                continue
            rank = touchpoint.impact_rank or 99
            label = f"#{rank} {touchpoint.name}" if touchpoint.impact_rank else touchpoint.name
            rows.append((rank, touchpoint.name, touchpoint.moment, label))
    rows.sort(key=lambda row: (row[0], row[1]))
    return _marked_list([(kind, label, None) for _, _, kind, label in rows], box)


def _pain(
    content: PosterContent, stage: Stage, box: Box, marks: Mapping[str, MomentMark]
) -> tuple[Placed, list[str]]:
    """Pain points with a customer's words, then the barriers the team wrote down."""
    entries: list[tuple[MomentKind, str, str | None]] = []
    quotes = content.data.quotes if content.data is not None else ()
    for touchpoint in stage.touchpoints:
        mark = marks.get(touchpoint.id)
        kind = mark.kind if mark is not None else touchpoint.moment
        if kind is not MomentKind.PAIN_POINT:
            continue
        said = next(
            (q.text for q in quotes if q.touchpoint == touchpoint.id and (q.sentiment or 0) < 0),
            None,
        )
        entries.append((MomentKind.PAIN_POINT, touchpoint.name, said))
    placed, full = _marked_list(entries, box)
    rest = Box(box.x0, box.y0 + placed.height, box.x1, box.y1)
    if stage.barriers and rest.height >= TYPE.body * 1.25:
        barriers = bullet_list(
            stage.barriers, x=rest.x0, y=rest.y0, width=rest.width, height=rest.height,
            size=TYPE.body, fill=PALETTE.ink, bullet="– ",
        )  # fmt: skip
        full.extend(stage.barriers)
        return Placed(
            placed.elements + barriers.elements,
            placed.height + barriers.height,
            placed.truncated or barriers.truncated,
        ), full
    full.extend(stage.barriers)
    return Placed(placed.elements, placed.height, placed.truncated or bool(stage.barriers)), full


def _opportunities(content: PosterContent, stage: Stage, box: Box) -> tuple[Placed, list[str]]:
    """Opportunities on the stage's touchpoints, each with the team that owns it."""
    touchpoints = {tp.id for tp in stage.touchpoints}
    items = [
        f"{o.title} ({content.team_name(o.owner_team)})" if o.owner_team else o.title
        for o in content.journey.opportunities
        if touchpoints & set(o.touchpoints)
    ]
    return _items(items, box)


def _metrics(content: PosterContent, stage: Stage, box: Box) -> tuple[Placed, list[str]]:
    """Customers reached, conversion to the next stage, median time and NPS, with bases."""
    data = content.data
    metrics = data.stages.get(stage.id) if data is not None else None
    if metrics is None:
        text = "Not measured"
        return text_block(
            text, x=box.x0, y=box.y0, width=box.width, height=box.height, size=TYPE.caption,
            fill=PALETTE.muted, italic=True,
        ), [text]  # fmt: skip
    share = metrics.customers / metrics.base if metrics.base else 0.0
    items = [f"{metrics.customers:,} customers", f"{share:.0%} of {metrics.base:,}"]
    if metrics.to_next is not None:
        days = metrics.median_days_to_next
        median = f", median {_duration(days)}" if days is not None else ""
        items.append(f"→ {metrics.to_next:.0%} next stage{median}")
    if metrics.nps is not None:
        items.append(f"NPS {metrics.nps:+.0f} (n={metrics.nps_responses:,})")
    elements: list[Element] = []
    top = box.y0
    truncated = False
    for position, item in enumerate(items):
        weight = Weight.BOLD if position == 0 else Weight.REGULAR
        lines = fit_text(item, width=box.width, size=TYPE.caption, weight=weight, max_lines=2)
        block = Text(box.x0, top, lines.lines, TYPE.caption, PALETTE.ink, weight=weight)
        if top + block.height > box.y1 + 1e-6:
            truncated = True
            break
        elements.append(block)
        top += block.height
        truncated |= lines.truncated
    return Placed(tuple(elements), top - box.y0, truncated), items


def _duration(days: float) -> str:
    """``12 min``, ``5.2 h`` or ``3.4 d``: the unit that keeps the number readable."""
    hours = days * 24
    if hours < 1:
        return f"{max(hours * 60, 1):.0f} min"
    if hours < 24:
        return f"{hours:.1f} h"
    return f"{days:.1f} d"
