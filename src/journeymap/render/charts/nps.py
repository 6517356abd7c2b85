"""NPS by stage (or persona, or touchpoint): the score, how sure it is, and how many answered.

A Net Promoter Score runs from −100 to +100 and is read against zero, so the axis is fixed
at that range with a strong zero line, and a bar runs from zero to the score - to the right
in the accent colour when more customers promote than detract, to the left in the pain
colour when fewer do (the side says it as well as the colour). The interval is drawn over
the bar, because an NPS of +12 from 40 answers is not an NPS of +12 from 4,000: every row
writes its base ("n=1,204") beside the score. The overall score comes first, as the
reference the groups are compared with.
"""

from __future__ import annotations

from journeymap.render.charts._axis import LinearScale, horizontal_axis
from journeymap.render.charts._frame import (
    GAP,
    SMALL_SIZE,
    LegendEntry,
    Sheet,
    box_swatch,
    label,
    line_height,
    line_swatch,
    no_data,
)
from journeymap.render.charts._marks import count, percent, signed
from journeymap.render.fonts import Weight
from journeymap.render.scene import Box, Element, Group, Line, Rect, Scene, Tip
from journeymap.render.style import PALETTE, blend
from journeymap.voice.scores import FeedbackScores, ScoreRow

LABEL_WIDTH = 220.0
VALUE_WIDTH = 245.0
ROW_HEIGHT = 40.0
BAR_HEIGHT = 18.0
_POSITIVE = blend(PALETTE.accent, PALETTE.paper, 0.45)
_NEGATIVE = blend(PALETTE.pain, PALETTE.paper, 0.45)
_LEVEL_WORDS = {"stage": "stage", "persona": "persona", "touchpoint": "touchpoint", "all": "group"}


def nps_chart(
    scores: FeedbackScores,
    *,
    level: str = "stage",
    title: str | None = None,
    include_overall: bool = True,
) -> Scene:
    """The NPS of each group of ``level`` with its interval and its number of answers.

    Groups without NPS answers are listed as such. Raises ``ValueError`` when no group of
    the level has an NPS answer.
    """
    rows = list(scores.level(level))
    if not any(row.nps_responses for row in rows):
        raise no_data("NPS", f"no {_LEVEL_WORDS.get(level, level)} has NPS answers")
    overall = [r for r in scores.level("all") if r.nps_responses] if include_overall else []
    shown = [*overall[:1], *rows] if level != "all" else rows
    answers = sum(row.nps_responses for row in rows)
    confidence = f"{rows[0].confidence:.0%}"
    where = f" assigned to a {level}" if level in ("stage", "touchpoint") else ""
    sheet = Sheet(
        chart="nps",
        title=title or f"Net Promoter Score by {_LEVEL_WORDS.get(level, level)}",
        caption=(
            f"Based on {count(answers)} NPS answers{where} (0–10): % promoters (9–10) minus % "
            f"detractors (0–6), with its {confidence} interval."
        ),
    )
    plot_left = sheet.left + LABEL_WIDTH + 16
    plot_right = sheet.right - VALUE_WIDTH - 16
    scale = LinearScale(-100.0, 100.0, plot_left, plot_right)
    top = sheet.y
    drawn: list[Element] = []
    for index, row in enumerate(shown):
        y = top + index * ROW_HEIGHT
        if index % 2 == 0:
            sheet.add(Rect(sheet.left, y, sheet.inner_width, ROW_HEIGHT, fill=PALETTE.lane))
        drawn.append(_row(row, y, sheet, scale, plot_right + 16))
    bottom = top + len(shown) * ROW_HEIGHT
    axis, below = horizontal_axis(
        scale,
        [-100, -50, 0, 50, 100],
        top=top,
        bottom=bottom,
        text=lambda v: signed(v),
        strong=[0.0],
    )
    sheet.add(*axis, *drawn)
    if overall and level != "all":
        sheet.add(
            Line(
                sheet.left,
                top + ROW_HEIGHT,
                sheet.right,
                top + ROW_HEIGHT,
                stroke=PALETTE.rule,
                stroke_width=1.0,
            )
        )
    sheet.y = below + GAP / 2
    sheet.legend(
        [
            LegendEntry("more promoters than detractors", box_swatch(_POSITIVE)),
            LegendEntry("fewer promoters than detractors", box_swatch(_NEGATIVE)),
            LegendEntry(f"{confidence} interval", line_swatch(PALETTE.ink, width=1.6)),
        ]
    )
    return sheet.finish(
        description=f"{len(shown)} groups, {count(answers)} answers.",
        metadata={"level": level},
    )


def _row(row: ScoreRow, y: float, sheet: Sheet, scale: LinearScale, value_x: float) -> Group:
    """One group: its name, its bar and interval, its score and base."""
    name = row.group if row.group is not None else "All customers"
    heading = label(sheet.left + 8, 0, name, width=LABEL_WIDTH - 8, weight=Weight.BOLD, max_lines=2)
    heading = label(
        sheet.left + 8,
        y + (ROW_HEIGHT - heading.height) / 2,
        name,
        width=LABEL_WIDTH - 8,
        weight=Weight.BOLD,
        max_lines=2,
    )
    parts: list[Element] = [heading]
    centre = y + ROW_HEIGHT / 2
    nps, interval = row.nps, row.nps_interval
    if nps is None or interval is None:
        parts.append(
            label(
                value_x,
                centre - line_height(SMALL_SIZE) / 2,
                "no NPS answers",
                width=VALUE_WIDTH,
                size=SMALL_SIZE,
                fill=PALETTE.muted,
            )
        )
        return Group(
            tuple(parts), role="nps-row", key=row.group or "all", tip=Tip(name, ("no NPS answers",))
        )
    zero, end = scale(0.0), scale(nps)
    parts.append(
        Rect(
            min(zero, end),
            centre - BAR_HEIGHT / 2,
            max(abs(end - zero), 1.5),
            BAR_HEIGHT,
            fill=_POSITIVE if nps >= 0 else _NEGATIVE,
        )
    )
    low, high = scale(interval[0]), scale(interval[1])
    parts.append(Line(low, centre, high, centre, stroke=PALETTE.ink, stroke_width=1.6))
    for x in (low, high):
        parts.append(Line(x, centre - 5, x, centre + 5, stroke=PALETTE.ink, stroke_width=1.2))
    parts.append(
        Line(
            end,
            centre - BAR_HEIGHT / 2,
            end,
            centre + BAR_HEIGHT / 2,
            stroke=PALETTE.ink,
            stroke_width=2.0,
        )
    )
    score = label(
        value_x,
        y + 5,
        f"NPS {signed(nps)} ({signed(interval[0])} to {signed(interval[1])})",
        width=VALUE_WIDTH,
        weight=Weight.BOLD,
    )
    n = row.nps_responses
    base = (
        f"n={count(n)} · {percent(row.promoters / n)} promoters, "
        f"{percent(row.detractors / n)} detractors"
    )
    parts.append(score)
    parts.append(
        label(
            value_x,
            y + 5 + score.height,
            base,
            width=VALUE_WIDTH,
            size=SMALL_SIZE,
            fill=PALETTE.muted,
        )
    )
    tip = (
        f"NPS {signed(nps, 1)}, {row.confidence:.0%} interval {signed(interval[0], 1)} to "
        f"{signed(interval[1], 1)}",
        f"{count(row.promoters)} promoters, {count(row.passives)} passives, "
        f"{count(row.detractors)} detractors",
    )
    return Group(
        tuple(parts),
        role="nps-row",
        key=row.group or "all",
        tip=Tip(name, tip),
        frame=Box(sheet.left, y, sheet.right, y + ROW_HEIGHT),
        label=f"{name}: NPS {signed(nps)}, n={count(n)}",
    )
