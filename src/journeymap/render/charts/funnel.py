"""The funnel chart: how many customers reach each step, and how many are lost between steps.

One row per step: the step's name, a bar as long as its customers, and its numbers in a
column of their own, so no label ever sits on a bar of unknown length. Every share names
its base ("62% of 48,210 at step 2"), because a percentage without its denominator is the
most common way a funnel misleads. Between two rows the loss is written out in the pain
colour with a ▼ (not by colour alone), and the part of the previous bar that did not make
it is drawn as a pale "ghost", so the eye reads the drop before the numbers.

Each step is a ``funnel-step`` group whose tip carries the full story - and, when a sample
of customer ids per step is given, the customers behind the bar, for the HTML version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from journeymap.analytics.funnel import FunnelResult, FunnelStepResult
from journeymap.render.charts._frame import (
    GAP,
    LABEL_SIZE,
    SMALL_SIZE,
    LegendEntry,
    Sheet,
    box_swatch,
    label,
    line_height,
    no_data,
)
from journeymap.render.charts._marks import count, duration, percent
from journeymap.render.fonts import Weight
from journeymap.render.scene import Box, Element, Group, Rect, Scene, Text, Tip
from journeymap.render.style import PALETTE, blend

NAME_WIDTH = 230.0
NUMBERS_WIDTH = 250.0
BAR_HEIGHT = 30.0
DROP_GAP = 26.0
"""Room between two rows for the line that tells the drop."""
SAMPLE_SIZE = 12
"""At most this many customer ids per step go into its tip."""
IDS_PER_LINE = 4

_GHOST = blend(PALETTE.pain, PALETTE.paper, 0.14)
_OPTIONAL = blend(PALETTE.accent, PALETTE.paper, 0.35)


def funnel_chart(
    result: FunnelResult,
    *,
    title: str = "Funnel: where customers drop off",
    customers: Mapping[str, Sequence[str]] | None = None,
) -> Scene:
    """The funnel of ``result`` as a chart; ``customers`` maps a step name to sample ids.

    Raises ``ValueError`` when the funnel has no steps or nobody did its first step.
    """
    if not result.steps:
        raise no_data("funnel", "the funnel has no steps")
    first = result.steps[0].customers
    if first <= 0:
        raise no_data("funnel", "no customer did its first step")
    window = duration(result.window.total_seconds())
    sheet = Sheet(
        chart="funnel",
        title=title,
        caption=(
            f"Based on {count(first)} customers who did step 1, of {count(result.customers)} "
            f"in the data; {result.mode.value} funnel, {window} window."
        ),
    )
    bar_left = sheet.left + NAME_WIDTH + 14
    bar_width = sheet.inner_width - NAME_WIDTH - NUMBERS_WIDTH - 14 - 20
    numbers_left = bar_left + bar_width + 20
    widest = max(step.customers for step in result.steps)
    for index, step in enumerate(result.steps):
        base = _base(result.steps, index)
        width = _bar_width(step.customers, widest, bar_width)
        parts: list[Element] = []
        if index > 0:
            parts.extend(_drop_line(step, base, bar_left, sheet.y, bar_width))
            sheet.y += DROP_GAP
        top = sheet.y
        name = f"{step.step}. {step.name}" + (" (optional)" if step.optional else "")
        heading = label(sheet.left, top, name, width=NAME_WIDTH, weight=Weight.BOLD, max_lines=2)
        numbers = _numbers(step, base, first, result.customers, numbers_left, top)
        row_height = max(BAR_HEIGHT, numbers_height(numbers), heading.height)
        bar_top = top + (row_height - BAR_HEIGHT) / 2
        heading = replace(heading, y=top + (row_height - heading.height) / 2)
        ghost = _bar_width(base.customers, widest, bar_width) if base else 0.0
        if not step.optional and ghost > width:
            parts.append(
                Rect(bar_left + width, bar_top, max(ghost - width, 0), BAR_HEIGHT, fill=_GHOST)
            )
        parts.append(
            Rect(
                bar_left,
                bar_top,
                width,
                BAR_HEIGHT,
                fill=_OPTIONAL if step.optional else PALETTE.accent,
                stroke=PALETTE.accent if step.optional else None,
                stroke_width=1.0 if step.optional else 0.0,
                dash=(4, 3) if step.optional else (),
            )
        )
        parts.append(heading)
        shift = (row_height - numbers_height(numbers)) / 2
        parts.extend(replace(t, y=t.y + shift) for t in numbers)
        frame = Box(sheet.left, top - DROP_GAP if index else top, sheet.right, top + row_height)
        sheet.add(
            Group(
                tuple(parts),
                role="funnel-step",
                key=step.name,
                tip=_tip(step, base, first, (customers or {}).get(step.name, ())),
                frame=frame,
                label=f"Step {step.step}, {step.name}: {count(step.customers)} customers",
            )
        )
        sheet.y += row_height
    sheet.y += GAP / 2
    sheet.legend(
        [
            LegendEntry("customers who reached the step", box_swatch(PALETTE.accent)),
            LegendEntry("optional step", box_swatch(_OPTIONAL, stroke=PALETTE.accent)),
            LegendEntry("lost since the previous step", box_swatch(_GHOST)),
        ]
    )
    return sheet.finish(
        description=f"{len(result.steps)} steps from {result.steps[0].name} to "
        f"{result.steps[-1].name}.",
        metadata={"steps": str(len(result.steps))},
    )


def _base(steps: Sequence[FunnelStepResult], index: int) -> FunnelStepResult | None:
    """The step a step's conversion is measured from: the previous required step."""
    for earlier in reversed(steps[:index]):
        if not earlier.optional:
            return earlier
    return None


def _bar_width(customers: int, widest: int, width: float) -> float:
    if customers <= 0 or widest <= 0:
        return 0.0
    return max(width * customers / widest, 2.0)


def _numbers(
    step: FunnelStepResult,
    base: FunnelStepResult | None,
    first: int,
    everyone: int,
    x: float,
    top: float,
) -> tuple[Text, ...]:
    """The numbers column of one row: customers, share of the previous step, of step 1."""
    lines: list[tuple[str, Weight, float, str]] = [
        (f"{count(step.customers)} customers", Weight.BOLD, LABEL_SIZE, PALETTE.ink)
    ]
    if base is None:
        if everyone:
            lines.append(
                (
                    f"{percent(step.customers / everyone)} of {count(everyone)} in the data",
                    Weight.REGULAR,
                    SMALL_SIZE,
                    PALETTE.muted,
                )
            )
    else:
        if step.conversion_from_previous is not None:
            lines.append(
                (
                    f"{percent(step.conversion_from_previous)} of {count(base.customers)} "
                    f"at step {base.step}",
                    Weight.REGULAR,
                    SMALL_SIZE,
                    PALETTE.ink,
                )
            )
        if step.conversion_from_first is not None and base.step != 1:
            lines.append(
                (
                    f"{percent(step.conversion_from_first)} of {count(first)} at step 1",
                    Weight.REGULAR,
                    SMALL_SIZE,
                    PALETTE.muted,
                )
            )
    texts: list[Text] = []
    y = top
    for text, weight, size, fill in lines:
        texts.append(label(x, y, text, width=NUMBERS_WIDTH, size=size, weight=weight, fill=fill))
        y += line_height(size)
    return tuple(texts)


def numbers_height(texts: Sequence[Text]) -> float:
    """The height of a stack of text blocks."""
    return sum(t.height for t in texts)


def _drop_line(
    step: FunnelStepResult, base: FunnelStepResult | None, x: float, y: float, width: float
) -> list[Element]:
    """The line between two rows: how many were lost (or skipped an optional step), how fast."""
    share = step.drop_off / base.customers if base and base.customers else 0.0
    if step.optional:
        words = f"○ {count(step.drop_off)} skipped this optional step ({percent(share)})"
    elif base is None or step.drop_off <= 0:
        words = "▼ none lost"
    else:
        words = f"▼ {count(step.drop_off)} lost after step {base.step} ({percent(share)})"
    if step.median_seconds_from_previous is not None:
        words += f" · median {duration(step.median_seconds_from_previous)} from step {base.step if base else 1}"
    top = y + (DROP_GAP - line_height(SMALL_SIZE)) / 2
    fill = PALETTE.muted if step.optional else PALETTE.pain
    return [label(x, top, words, width=width, size=SMALL_SIZE, fill=fill)]


def _tip(
    step: FunnelStepResult, base: FunnelStepResult | None, first: int, sample: Sequence[str]
) -> Tip:
    lines = [f"{count(step.customers)} customers reached this step"]
    if base is not None and step.conversion_from_previous is not None:
        lines.append(
            f"{percent(step.conversion_from_previous)} of {count(base.customers)} customers "
            f"at step {base.step} ({base.name}); {count(step.drop_off)} did not get here"
        )
    if step.conversion_from_first is not None:
        lines.append(f"{percent(step.conversion_from_first)} of {count(first)} at step 1")
    if step.median_seconds_from_previous is not None:
        lines.append(f"median {duration(step.median_seconds_from_previous)} from the step before")
    if step.p90_seconds_from_previous is not None:
        lines.append(f"90% within {duration(step.p90_seconds_from_previous)}")
    if sample:
        shown = list(sample[:SAMPLE_SIZE])
        lines.append(f"Customers at this step ({len(shown)} of {count(step.customers)}):")
        for start in range(0, len(shown), IDS_PER_LINE):
            lines.append(", ".join(shown[start : start + IDS_PER_LINE]))
    return Tip(title=f"Step {step.step}: {step.name}", lines=tuple(lines))
