"""The moments-of-truth impact chart: a forest plot of each signal's effect on one outcome.

One row per signal (the ``top`` by the ranking score), its effect as a point and its 95 %
interval as a line, against a reference line at "no effect". One chart shows one outcome and
one kind of number, never a mix: odds ratios on a log axis for yes/no outcomes (so halving
and doubling the odds sit equally far from 1), differences of means on a linear axis for
numeric ones. By default the effect is the one adjusted for every other signal and the
segment, as the verdicts use it; rows the model could not estimate say so instead of
silently showing the raw number.

The marker shows the moment kind the data found for the touchpoint - colour *and* shape
from :data:`~journeymap.render.style.MOMENT_STYLES` - and is filled when the signal is
significant, hollow when it is not, with both explained in the legend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from journeymap.model import MomentKind
from journeymap.moments.impact import MomentImpacts, SignalImpact
from journeymap.render.charts._axis import (
    LinearScale,
    LogScale,
    Scale,
    horizontal_axis,
    log_range,
    log_ticks,
    nice_range,
    nice_ticks,
)
from journeymap.render.charts._frame import (
    GAP,
    SMALL_SIZE,
    LegendEntry,
    Sheet,
    Swatch,
    label,
    line_height,
    no_data,
)
from journeymap.render.charts._marks import count, marker, marker_for, number, percent
from journeymap.render.fonts import Weight
from journeymap.render.scene import Box, Element, Group, Line, Rect, Scene, Tip
from journeymap.render.style import MOMENT_STYLES, PALETTE

LABEL_WIDTH = 230.0
VALUE_WIDTH = 225.0
ROW_HEIGHT = 38.0
LOG_LIMITS = (1e-3, 1e3)


@dataclass(frozen=True)
class _Row:
    impact: SignalImpact
    effect: float | None
    low: float | None
    high: float | None
    found: MomentKind


def impact_chart(
    impacts: MomentImpacts,
    *,
    outcome: str | None = None,
    top: int = 15,
    adjusted: bool = True,
    title: str | None = None,
) -> Scene:
    """A forest plot of the ``top`` signals for ``outcome`` (default: the top-ranked one's).

    ``adjusted=False`` plots the unadjusted comparison instead. Raises ``ValueError`` when
    there is no impact for the outcome.
    """
    if top < 1:
        raise ValueError(f"top must be at least 1; got {top}")
    if outcome is None:
        ranked_all = impacts.ranked()
        if not ranked_all:
            raise no_data("impact", "no signal was tested")
        outcome = ranked_all[0].outcome
    ranked = impacts.ranked(outcome)
    if not ranked:
        raise no_data("impact", f"no signal was tested against the outcome {outcome!r}")
    shown = ranked[:top]
    numeric = shown[0].numeric
    if adjusted and all(i.adjusted is None for i in shown):
        adjusted = False
    kinds = {(v.touchpoint, v.outcome): v.found for v in impacts.verdicts}
    rows = [_row(i, adjusted, kinds.get((i.touchpoint, outcome), MomentKind.NONE)) for i in shown]
    measure = "difference of means" if numeric else "odds ratio"
    which = "adjusted for the other signals and the segment" if adjusted else "unadjusted"
    sheet = Sheet(
        chart="impact",
        title=title or f"Moments of truth: what moves {outcome}",
        caption=(
            f"Based on {count(impacts.customers)} customers; {measure} with 95% interval, "
            f"{which}; top {len(shown)} of {len(ranked)} signals."
        ),
    )
    plot_left = sheet.left + LABEL_WIDTH + 16
    plot_right = sheet.right - VALUE_WIDTH - 16
    scale = _scale(rows, numeric, plot_left, plot_right)
    top_y = sheet.y
    body: list[Element] = []
    for index in range(0, len(rows), 2):
        y = top_y + index * ROW_HEIGHT
        body.append(Rect(sheet.left, y, sheet.inner_width, ROW_HEIGHT, fill=PALETTE.lane))
    bottom = top_y + len(rows) * ROW_HEIGHT
    reference = 0.0 if numeric else 1.0
    ticks = _ticks(scale, numeric)
    axis, below = horizontal_axis(
        scale, ticks, top=top_y, bottom=bottom, text=_tick, strong=[reference]
    )
    sheet.add(*body, *axis)
    for index, row in enumerate(rows):
        sheet.add(_draw_row(row, top_y + index * ROW_HEIGHT, sheet, scale, numeric, plot_right))
    words = (
        f"Difference in {outcome} with the signal minus without"
        if numeric
        else f"Odds ratio of {outcome} (log scale): below 1 lower odds with the signal"
    )
    sheet.y = below + 2
    axis_label = label(
        plot_left,
        sheet.y,
        words,
        width=sheet.right - plot_left,
        size=SMALL_SIZE,
        fill=PALETTE.muted,
    )
    sheet.add(axis_label)
    sheet.y += axis_label.height + GAP / 2
    sheet.legend(
        [LegendEntry(style.word, _kind_swatch(style.kind)) for style in MOMENT_STYLES.values()],
        title="Found",
    )
    sheet.legend(
        [
            LegendEntry(f"significant (q < {impacts.fdr:g})", _fill_swatch(True)),
            LegendEntry("not significant", _fill_swatch(False)),
        ]
    )
    if len(ranked) > len(shown):
        sheet.note(f"{len(ranked) - len(shown)} more signals tested for {outcome} are not shown.")
    return sheet.finish(
        description=f"{len(rows)} signals against {outcome}.",
        metadata={"outcome": outcome, "measure": measure},
    )


def _row(impact: SignalImpact, adjusted: bool, found: MomentKind) -> _Row:
    if adjusted:
        a = impact.adjusted
        return _Row(
            impact, a.effect if a else None, a.low if a else None, a.high if a else None, found
        )
    c = impact.comparison
    return _Row(impact, c.effect, c.low, c.high, found)


def _usable(value: float | None, numeric: bool) -> bool:
    return value is not None and math.isfinite(value) and (numeric or value > 0)


def _scale(rows: list[_Row], numeric: bool, left: float, right: float) -> Scale:
    values = [
        v for r in rows for v in (r.effect, r.low, r.high) if v is not None and _usable(v, numeric)
    ]
    if numeric:
        lo, hi = nice_range(min([0.0, *values]), max([0.0, *values]))
        return LinearScale(lo, hi, left, right)
    lo = max(min(values, default=1.0), LOG_LIMITS[0])
    hi = min(max(values, default=1.0), LOG_LIMITS[1])
    lo, hi = log_range(lo, hi)
    return LogScale(lo, hi, left, right)


def _ticks(scale: Scale, numeric: bool) -> list[float]:
    if numeric:
        return nice_ticks(scale.lo, scale.hi, 6)
    return log_ticks(scale.lo, scale.hi)


def _tick(value: float) -> str:
    """A tick label: ``0.5``, ``1``, ``20``, ``−10``."""
    text = f"{abs(value):g}"
    return ("−" if value < 0 else "") + text


def _draw_row(
    row: _Row, y: float, sheet: Sheet, scale: Scale, numeric: bool, plot_right: float
) -> Group:
    """One signal: its name and reach, its interval and point, its numbers."""
    impact = row.impact
    heading = label(
        sheet.left + 8, y + 4, impact.touchpoint, width=LABEL_WIDTH - 8, weight=Weight.BOLD
    )
    detail = label(
        sheet.left + 8,
        y + 4 + heading.height,
        f"{impact.signal.replace('_', ' ')} · {percent(impact.reach_share)} of customers",
        width=LABEL_WIDTH - 8,
        size=SMALL_SIZE,
        fill=PALETTE.muted,
    )
    parts: list[Element] = [heading, detail]
    parts.extend(_estimate(row, y + ROW_HEIGHT / 2, scale, numeric))
    parts.extend(_numbers(row, y, plot_right + 16, numeric))
    return Group(
        tuple(parts),
        role="impact-row",
        key=f"{impact.column}|{impact.outcome}",
        tip=_tip(row),
        frame=Box(sheet.left, y, sheet.right, y + ROW_HEIGHT),
        label=f"{impact.touchpoint} {impact.signal}",
    )


def _estimate(row: _Row, centre: float, scale: Scale, numeric: bool) -> list[Element]:
    """The interval as a line with end ticks (none where it runs off the axis) and the point."""
    if row.effect is None or not _usable(row.effect, numeric):
        return []
    marks: list[Element] = []
    low, high = row.low, row.high
    if low is not None and high is not None and _usable(low, numeric) and _usable(high, numeric):
        x0, x1 = scale.clamped(low), scale.clamped(high)
        marks.append(Line(x0, centre, x1, centre, stroke=PALETTE.ink, stroke_width=1.6))
        for value, x in ((low, x0), (high, x1)):
            if scale.lo <= value <= scale.hi:
                marks.append(
                    Line(x, centre - 5, x, centre + 5, stroke=PALETTE.ink, stroke_width=1.2)
                )
    style = MOMENT_STYLES[row.found]
    point = marker(
        marker_for(style.shape),
        scale.clamped(row.effect),
        centre,
        6,
        colour=style.colour,
        filled=row.impact.significant,
        stroke_width=2,
    )
    marks.append(point)
    return marks


def _numbers(row: _Row, y: float, x: float, numeric: bool) -> list[Element]:
    """The effect with its interval, then the q-value and the kind found."""
    impact = row.impact
    if row.effect is None or not _usable(row.effect, numeric):
        centre = y + ROW_HEIGHT / 2 - line_height(SMALL_SIZE) / 2
        return [
            label(x, centre, "no estimate", width=VALUE_WIDTH, size=SMALL_SIZE, fill=PALETTE.muted)
        ]
    interval = ""
    if row.low is not None and row.high is not None:
        joint = "–" if row.low >= 0 else " to "
        interval = f" ({number(row.low)}{joint}{number(row.high)})"
    weight = Weight.BOLD if impact.significant else Weight.REGULAR
    prefix = "Δ" if numeric else "OR"
    value = label(
        x, y + 4, f"{prefix} {number(row.effect)}{interval}", width=VALUE_WIDTH, weight=weight
    )
    q = f"q = {impact.q_value:.2g}" if impact.q_value is not None else "q not computed"
    words = f"{q} · {MOMENT_STYLES[row.found].word.lower()}"
    verdict = label(
        x, y + 4 + value.height, words, width=VALUE_WIDTH, size=SMALL_SIZE, fill=PALETTE.muted
    )
    return [value, verdict]


def _tip(row: _Row) -> Tip:
    impact, c = row.impact, row.impact.comparison
    lines = [
        f"{'Significant' if impact.significant else 'Not significant'}; "
        f"found: {MOMENT_STYLES[row.found].word}",
        f"{count(c.with_signal)} customers with the signal, {count(c.without_signal)} without",
    ]
    if c.outcome_with is not None and c.outcome_without is not None:
        show = number if impact.numeric else percent
        lines.append(
            f"{impact.outcome}: {show(c.outcome_with)} with, {show(c.outcome_without)} without"
        )
    if c.p_value is not None:
        lines.append(f"p = {c.p_value:.2g}")
    return Tip(f"{impact.touchpoint} · {impact.signal}", tuple(lines))


def _kind_swatch(kind: MomentKind) -> Swatch:
    style = MOMENT_STYLES[kind]
    return lambda x, y: (marker(marker_for(style.shape), x, y, 5.5, colour=style.colour),)


def _fill_swatch(filled: bool) -> Swatch:
    return lambda x, y: (
        marker(
            marker_for(MOMENT_STYLES[MomentKind.NONE].shape),
            x,
            y,
            5.5,
            colour=PALETTE.ink,
            filled=filled,
            stroke_width=2,
        ),
    )
