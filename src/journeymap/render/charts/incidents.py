"""The incident timeline: when a watched step or signal went wrong, for how long, how badly.

One row per watched series (a funnel step's conversion, or a negative signal's rate), time
running left to right, each incident a bar from its first to the end of its last alarm
period. Under each bar its story in one line - "34% vs 90% baseline, 1,234 customers" -
so the size of the damage is read with the date. Conversion drops are marked ▼ and signal
rises ▲ as well as by colour. An incident still open in the last period tested runs to the
right edge of the axis with a dashed end and says "open".

Labels of incidents close in time are stacked on lines of their own under the row instead
of overlapping, so a bad week with many incidents grows its row rather than its clutter.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from journeymap.moments.monitor import Incident
from journeymap.render.charts._axis import LinearScale, horizontal_axis
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
from journeymap.render.charts._marks import count, percent
from journeymap.render.fonts import Weight
from journeymap.render.scene import Box, Element, Group, Rect, Scene, Text, Tip
from journeymap.render.style import PALETTE

ROW_LABEL_WIDTH = 200.0
BAR_HEIGHT = 14.0
PERIODS = {"hour": dt.timedelta(hours=1), "day": dt.timedelta(days=1), "week": dt.timedelta(days=7)}
_STEPS = (
    dt.timedelta(hours=1),
    dt.timedelta(hours=3),
    dt.timedelta(hours=6),
    dt.timedelta(hours=12),
    dt.timedelta(days=1),
    dt.timedelta(days=2),
    dt.timedelta(days=7),
    dt.timedelta(days=14),
    dt.timedelta(days=28),
    dt.timedelta(days=91),
    dt.timedelta(days=182),
    dt.timedelta(days=364),
)
_MONDAY = dt.datetime(1970, 1, 5, tzinfo=dt.UTC)


@dataclass(frozen=True)
class _Span:
    incident: Incident
    start: dt.datetime
    end: dt.datetime


def incident_chart(
    incidents: Sequence[Incident],
    *,
    title: str = "Incidents: when a step's conversion dropped or a signal rose",
    until: dt.date | None = None,
) -> Scene:
    """The timeline of ``incidents``; ``until`` (the end of the data) ends the time axis.

    Raises ``ValueError`` when there are no incidents.
    """
    if not incidents:
        raise no_data("incident", "there are no incidents")
    spans = [_span(i) for i in incidents]
    first = min(s.start for s in spans)
    last = max(max(s.end for s in spans), _moment(until) if until is not None else first)
    spans = [_Span(s.incident, s.start, last) if s.incident.open else s for s in spans]
    pad = max((last - first) * 0.02, dt.timedelta(hours=1))
    lo, hi = first - pad, last + pad
    rows: dict[tuple[str, ...], list[_Span]] = defaultdict(list)
    for span in spans:
        rows[_row_key(span.incident)].append(span)
    lost = sum(i.customers_affected for i in incidents if i.kind == "conversion")
    sheet = Sheet(
        chart="incidents",
        title=title,
        caption=(
            f"Based on {len(incidents)} incidents in {len(rows)} watched series from "
            f"{_date(first)} to {_date(last)}; {count(lost)} conversions lost in all."
        ),
    )
    plot_left = sheet.left + ROW_LABEL_WIDTH + 12
    scale = LinearScale(lo.timestamp(), hi.timestamp(), plot_left, sheet.right)
    top = sheet.y
    drawn: list[Element] = []
    for index, key in enumerate(sorted(rows)):
        group, height = _row(key, sorted(rows[key], key=_order), sheet, scale)
        if index % 2 == 0:
            sheet.add(
                Rect(sheet.left - 4, sheet.y, sheet.inner_width + 8, height, fill=PALETTE.lane)
            )
        drawn.append(group)
        sheet.y += height
    ticks = _ticks(lo, hi, sheet.right - plot_left)
    axis, below = horizontal_axis(
        scale,
        [t.timestamp() for t in ticks],
        top=top,
        bottom=sheet.y,
        text=lambda v: _tick_label(dt.datetime.fromtimestamp(v, dt.UTC), ticks),
    )
    sheet.add(*axis, *drawn)
    sheet.y = below + GAP / 2
    sheet.legend(
        [
            LegendEntry("▼ conversion dropped", _bar_swatch(PALETTE.pain)),
            LegendEntry("▲ negative signal rose", _bar_swatch(PALETTE.hygiene)),
            LegendEntry(
                "open: still running at the end of the data", _bar_swatch(PALETTE.pain, dashed=True)
            ),
        ]
    )
    return sheet.finish(
        description=f"{len(incidents)} incidents, {sum(i.open for i in incidents)} open.",
        metadata={"incidents": str(len(incidents))},
    )


def _moment(value: dt.date) -> dt.datetime:
    """A date or datetime as an aware UTC datetime (a date is its midnight)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


def _span(incident: Incident) -> _Span:
    period = PERIODS.get(incident.period, dt.timedelta(days=1))
    return _Span(incident, _moment(incident.start), _moment(incident.end) + period)


def _row_key(incident: Incident) -> tuple[str, ...]:
    """One row per watched series: a step of a funnel, or a signal of a touchpoint."""
    step = "" if incident.step is None else f"step {incident.step}"
    return (incident.name, incident.kind, incident.signal or "", incident.funnel or "", step)


def _order(span: _Span) -> tuple[dt.datetime, dt.datetime]:
    return (span.start, span.end)


def _row(
    key: tuple[str, ...], spans: list[_Span], sheet: Sheet, scale: LinearScale
) -> tuple[Group, float]:
    """One watched series: its name, its bars, and their labels packed on as few lines as fit."""
    name, kind, signal = key[:3]
    y = sheet.y
    parts: list[Element] = []
    what = f"{signal.replace('_', ' ')} rate" if kind == "signal" else "conversion"
    step = spans[0].incident.step
    if kind == "conversion" and step is not None:
        what = f"conversion to step {step}"
    heading = label(sheet.left, y + 8, name, width=ROW_LABEL_WIDTH, weight=Weight.BOLD, max_lines=2)
    detail = label(
        sheet.left,
        y + 8 + heading.height,
        what,
        width=ROW_LABEL_WIDTH,
        size=SMALL_SIZE,
        fill=PALETTE.muted,
    )
    bar_top = y + 10
    lines: list[float] = []
    labels: list[Element] = []
    for span in spans:
        incident = span.incident
        colour = PALETTE.hygiene if kind == "signal" else PALETTE.pain
        x0, x1 = scale(span.start.timestamp()), scale(span.end.timestamp())
        parts.append(
            Rect(
                x0,
                bar_top,
                max(x1 - x0, 3.0),
                BAR_HEIGHT,
                fill=colour,
                opacity=0.55 if incident.open else 1.0,
            )
        )
        if incident.open:
            parts.append(
                Rect(
                    x0,
                    bar_top,
                    max(x1 - x0, 3.0),
                    BAR_HEIGHT,
                    stroke=colour,
                    stroke_width=1.5,
                    dash=(4, 3),
                )
            )
        text = _story(incident)
        block = label(0, 0, text, width=sheet.right - scale.start, size=SMALL_SIZE, fill=colour)
        left = max(min(x0, sheet.right - block.width), scale.start)
        line = next((i for i, end in enumerate(lines) if end + 10 <= left), len(lines))
        if line == len(lines):
            lines.append(0.0)
        lines[line] = left + block.width
        top = bar_top + BAR_HEIGHT + 3 + line * line_height(SMALL_SIZE)
        placed = Text(left, top, block.lines, SMALL_SIZE, colour)
        labels.append(
            Group((placed,), role="incident", key=_incident_key(incident), tip=_tip(incident, span))
        )
    height = max(
        BAR_HEIGHT + 3 + len(lines) * line_height(SMALL_SIZE) + 20,
        heading.height + detail.height + 16,
    )
    parts.extend((heading, detail, *labels))
    return Group(
        tuple(parts),
        role="incident-row",
        key=" · ".join(k for k in key if k),
        frame=Box(sheet.left, y, sheet.right, y + height),
    ), height


def _story(incident: Incident) -> str:
    mark = "▲" if incident.kind == "signal" else "▼"
    what = "extra cases" if incident.kind == "signal" else "customers"
    text = (
        f"{mark} {percent(incident.observed_rate)} vs {percent(incident.baseline_rate)} "
        f"baseline, {count(incident.customers_affected)} {what}"
    )
    return f"open · {text}" if incident.open else text


def _incident_key(incident: Incident) -> str:
    return f"{incident.name}|{incident.signal or incident.kind}|{incident.start.isoformat()}"


def _tip(incident: Incident, span: _Span) -> Tip:
    change = "rose" if incident.kind == "signal" else "dropped"
    lines = [
        f"{_date(span.start)} to {'now (open)' if incident.open else _date(span.end)}",
        f"rate {change} to {percent(incident.observed_rate)} from a baseline of "
        f"{percent(incident.baseline_rate)}",
        f"{count(incident.customers_affected)} "
        f"{'extra cases' if incident.kind == 'signal' else 'conversions lost'}",
        f"smallest p-value {incident.p_value:.2g}, checked per {incident.period}",
    ]
    return Tip(incident.name, tuple(lines))


def _date(moment: dt.datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def _ticks(lo: dt.datetime, hi: dt.datetime, width: float) -> list[dt.datetime]:
    """Round moments between ``lo`` and ``hi``, at most one per 90 pixels."""
    most = max(int(width // 90), 2)
    step = next((s for s in _STEPS if (hi - lo) / s <= most), _STEPS[-1])
    anchor = _MONDAY if step >= dt.timedelta(days=7) else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    first = anchor + step * -(-(lo - anchor) // step)
    ticks = []
    while first <= hi:
        ticks.append(first)
        first += step
    return ticks


def _tick_label(moment: dt.datetime, ticks: list[dt.datetime]) -> str:
    hourly = len(ticks) > 1 and ticks[1] - ticks[0] < dt.timedelta(days=1)
    if hourly and (moment.hour or moment.minute):
        return f"{moment:%H:%M}"
    return f"{moment.day} {moment:%b}"


def _bar_swatch(colour: str, *, dashed: bool = False) -> Swatch:
    def draw(cx: float, cy: float) -> tuple[Element, ...]:
        if dashed:
            return (
                Rect(cx - 10, cy - 5, 20, 10, fill=colour, opacity=0.55),
                Rect(cx - 10, cy - 5, 20, 10, stroke=colour, stroke_width=1.5, dash=(4, 3)),
            )
        return (Rect(cx - 10, cy - 5, 20, 10, fill=colour),)

    return draw
