"""Touchpoint cards: channel icon, name, owner team badge and moment marker, stacked per stage.

A stage with a handful of touchpoints gets full cards; when the busiest stage would not fit,
every stage switches to compact one-line cards (the same size everywhere keeps the grid), and
what still does not fit is counted in a "+3 more" line. Nothing overlaps, nothing is lost:
each card carries its whole story for the HTML version.
"""

from __future__ import annotations

from collections.abc import Mapping

from journeymap.model import MomentKind, Stage, Touchpoint
from journeymap.render.content import MomentMark, PosterContent
from journeymap.render.fonts import Weight, text_width
from journeymap.render.grid import Grid
from journeymap.render.icons import channel_icon, moment_marker
from journeymap.render.scene import Box, Element, Group, Rect, Text, Tip
from journeymap.render.style import MOMENT_STYLES, PALETTE, TYPE
from journeymap.render.text import fit_text, truncate_line

PAD = 3.5
ICON = 8.0
MARKER = 7.0
CARD_GAP = 3.0
COMPACT_HEIGHT = TYPE.body * 1.25 + 2 * 2.5
BADGE_HEIGHT = TYPE.caption * 1.25 + 1.5


def _stack(heights: list[float]) -> float:
    return sum(heights) + CARD_GAP * max(len(heights) - 1, 0) + 2 * PAD


def needed_height(
    content: PosterContent, content_width: float, marks: Mapping[str, MomentMark]
) -> float:
    """The lane height that shows every stage's cards: full, or compact where that is less."""
    needed = 0.0
    for stage in content.journey.stages:
        full = _stack([_full_height(tp, content_width, marks) for tp in stage.touchpoints])
        compact = _stack([COMPACT_HEIGHT] * len(stage.touchpoints))
        needed = max(needed, min(full, max(compact, 0.6 * full)))
    return needed


def touchpoint_lane(
    content: PosterContent, grid: Grid, marks: Mapping[str, MomentMark]
) -> list[Element]:
    """The cards of every stage, laid into the touchpoint lane.

    A stage whose full cards do not fit the lane gets compact one-line cards; what still
    does not fit is counted in a "+N more" line whose tip names them.
    """
    lane = grid.lane("touchpoints")
    elements: list[Element] = []
    for index, stage in enumerate(content.journey.stages):
        heights = [_full_height(tp, grid.content_width, marks) for tp in stage.touchpoints]
        compact = _stack(heights) > lane.height + 1e-6
        if compact:
            heights = [COMPACT_HEIGHT] * len(stage.touchpoints)
        elements.extend(_stage_cards(content, grid, index, stage, heights, marks, compact=compact))
    return elements


def _stage_cards(
    content: PosterContent,
    grid: Grid,
    index: int,
    stage: Stage,
    heights: list[float],
    marks: Mapping[str, MomentMark],
    *,
    compact: bool,
) -> list[Element]:
    lane = grid.lane("touchpoints")
    x = grid.content_x(index)
    width = grid.content_width
    y = lane.y + PAD
    bottom = lane.bottom - PAD
    more_line = TYPE.caption * 1.25
    elements: list[Element] = []
    shown = 0
    for position, (touchpoint, height) in enumerate(zip(stage.touchpoints, heights, strict=True)):
        left = len(stage.touchpoints) - position - 1
        room = bottom - (more_line + CARD_GAP if left else 0.0)
        if y + height > room + 1e-6:
            break
        elements.append(
            _card(content, touchpoint, stage, x, y, width, height, marks, compact=compact)
        )
        y += height + CARD_GAP
        shown += 1
    hidden = stage.touchpoints[shown:]
    if hidden:
        names = tuple(tp.name for tp in hidden)
        label = truncate_line(f"+{len(hidden)} more", width=width, size=TYPE.caption)
        elements.append(
            Group(
                (Text(x, y, (label,), TYPE.caption, PALETTE.muted, italic=True),),
                role="more",
                key=stage.id,
                tip=Tip(f"{stage.name}: {len(hidden)} more touchpoints", names),
            )
        )
    return elements


def _name_width(
    card_width: float, touchpoint: Touchpoint, marks: Mapping[str, MomentMark]
) -> float:
    marker = MARKER + 3 if _kind(touchpoint, marks) is not MomentKind.NONE else 0.0
    return card_width - 2 * PAD - ICON - 3 - marker


def _full_height(touchpoint: Touchpoint, width: float, marks: Mapping[str, MomentMark]) -> float:
    lines = fit_text(
        touchpoint.name,
        width=_name_width(width, touchpoint, marks),
        size=TYPE.body,
        weight=Weight.BOLD,
        max_lines=2,
    ).lines
    badge = BADGE_HEIGHT + 2 if touchpoint.owner_team else 0.0
    return 2 * PAD + len(lines) * TYPE.body * 1.25 + badge


def _kind(touchpoint: Touchpoint, marks: Mapping[str, MomentMark]) -> MomentKind:
    mark = marks.get(touchpoint.id)
    return mark.kind if mark is not None else touchpoint.moment


def _card(
    content: PosterContent,
    touchpoint: Touchpoint,
    stage: Stage,
    x: float,
    y: float,
    width: float,
    height: float,
    marks: Mapping[str, MomentMark],
    *,
    compact: bool,
) -> Group:
    kind = _kind(touchpoint, marks)
    inner_pad = 2.5 if compact else PAD
    children: list[Element] = [
        Rect(
            x,
            y,
            width,
            height,
            fill=PALETTE.paper,
            stroke=PALETTE.rule,
            stroke_width=0.6,
            radius=2.5,
            dash=() if touchpoint.direct else (2.0, 1.5),
        )
    ]
    children += channel_icon(
        touchpoint.channel, x + inner_pad, y + inner_pad + 0.5, ICON, PALETTE.muted
    )
    name_x = x + inner_pad + ICON + 3
    name_width = _name_width(width, touchpoint, marks)
    if compact:  # one line, cut by characters: "Delivery upd…" says more than "Delivery…"
        lines: tuple[str, ...] = (
            truncate_line(touchpoint.name, width=name_width, size=TYPE.body, weight=Weight.BOLD),
        )
    else:
        lines = fit_text(
            touchpoint.name, width=name_width, size=TYPE.body, weight=Weight.BOLD, max_lines=2
        ).lines
    children.append(Text(name_x, y + inner_pad, lines, TYPE.body, PALETTE.ink, weight=Weight.BOLD))
    if kind is not MomentKind.NONE:
        children.append(
            moment_marker(kind, x + width - inner_pad - MARKER, y + inner_pad + 1, MARKER)
        )
    if touchpoint.owner_team and not compact:
        children += _badge(
            content.team_name(touchpoint.owner_team),
            name_x,
            y + height - PAD - BADGE_HEIGHT,
            x + width - PAD - name_x,
        )
    return Group(
        tuple(children),
        role="touchpoint",
        key=touchpoint.id,
        tip=_tip(content, touchpoint, stage, marks),
        frame=Box(x, y, x + width, y + height),
        label=f"Touchpoint {touchpoint.name}",
    )


def _badge(team: str, x: float, y: float, width: float) -> list[Element]:
    label = truncate_line(team, width=width - 4, size=TYPE.caption)
    badge_width = min(text_width(label, TYPE.caption) + 4, width)
    return [
        Rect(x, y, badge_width, BADGE_HEIGHT, fill=PALETTE.accent_tint, radius=1.5),
        Text(x + 2, y + 0.75, (label,), TYPE.caption, PALETTE.accent),
    ]


def _tip(
    content: PosterContent, touchpoint: Touchpoint, stage: Stage, marks: Mapping[str, MomentMark]
) -> Tip:
    lines = [f"Stage: {stage.name}"]
    if touchpoint.description:
        lines.append(touchpoint.description)
    lines.append(
        f"Channel: {touchpoint.channel.value}, {'direct' if touchpoint.direct else 'indirect'}"
    )
    if touchpoint.owner_team:
        lines.append(f"Owner: {content.team_name(touchpoint.owner_team)} ({touchpoint.tier.value})")
    if touchpoint.moment is not MomentKind.NONE:
        rank = f", rank {touchpoint.impact_rank}" if touchpoint.impact_rank else ""
        lines.append(f"The map: {MOMENT_STYLES[touchpoint.moment].word.lower()}{rank}")
    mark = marks.get(touchpoint.id)
    if mark is not None:
        lines.append(
            f"The data: {MOMENT_STYLES[mark.kind].word.lower()}, rank {mark.rank} "
            f"for {mark.outcome}: {mark.summary}"
        )
    lines.append(f"Performance: {touchpoint.performance.value}")
    data = content.data
    if data is not None and touchpoint.id in data.touchpoints:
        metrics = data.touchpoints[touchpoint.id]
        share = metrics.customers / metrics.base if metrics.base else 0.0
        lines.append(f"Reached {metrics.customers:,} customers ({share:.0%} of {metrics.base:,})")
        if metrics.mean_sentiment is not None:
            lines.append(
                f"Feedback: {metrics.feedback_items:,} items, mean sentiment "
                f"{metrics.mean_sentiment:+.2f}"
            )
    if data is not None:
        for quote in data.quotes:
            if quote.touchpoint == touchpoint.id:
                lines.append(f"“{quote.text}”")
    return Tip(touchpoint.name, tuple(lines))
