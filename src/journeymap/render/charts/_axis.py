"""Scales and axes: where a value lands on the page, and the ticks that let a reader check.

Every chart with a measured axis uses these: a linear scale (NPS, emotion, differences), a
log scale (odds ratios, where 0.5 and 2 are the same distance from "no effect"), "nice"
ticks (1, 2, 5 times a power of ten), and axes whose tick labels are thinned until they no
longer collide, so the no-overlap rule holds at any width.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from journeymap.render.charts._frame import SMALL_SIZE, label, line_height
from journeymap.render.scene import Anchor, Element, Line, Text
from journeymap.render.style import PALETTE


@dataclass(frozen=True)
class LinearScale:
    """Maps ``lo..hi`` onto the pixels ``start..end`` (``end`` may be left of ``start``)."""

    lo: float
    hi: float
    start: float
    end: float

    def __post_init__(self) -> None:
        if not self.hi > self.lo:
            raise ValueError(f"a scale needs lo < hi, got {self.lo} and {self.hi}")

    def __call__(self, value: float) -> float:
        """The pixel of ``value`` (values outside the domain land outside the range)."""
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)

    def clamped(self, value: float) -> float:
        """The pixel of ``value`` held inside the range."""
        return self(min(max(value, self.lo), self.hi))


@dataclass(frozen=True)
class LogScale:
    """Maps ``lo..hi`` (both positive) logarithmically onto ``start..end``."""

    lo: float
    hi: float
    start: float
    end: float

    def __post_init__(self) -> None:
        if not 0 < self.lo < self.hi:
            raise ValueError(f"a log scale needs 0 < lo < hi, got {self.lo} and {self.hi}")

    def __call__(self, value: float) -> float:
        """The pixel of ``value`` (which must be positive)."""
        span = math.log(self.hi) - math.log(self.lo)
        return self.start + (math.log(value) - math.log(self.lo)) / span * (self.end - self.start)

    def clamped(self, value: float) -> float:
        """The pixel of ``value`` held inside the range (zero and below go to ``lo``)."""
        return self(min(max(value, self.lo), self.hi))


Scale = LinearScale | LogScale


def nice_step(span: float, count: int) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about ``count`` ticks over ``span``."""
    raw = span / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round values from ``lo`` to ``hi`` (both included when they are round themselves)."""
    step = nice_step(hi - lo, count)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


def nice_range(lo: float, hi: float, count: int = 6) -> tuple[float, float]:
    """``lo..hi`` widened out to the nearest ticks."""
    if hi <= lo:
        hi = lo + 1
    step = nice_step(hi - lo, count)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def log_range(lo: float, hi: float) -> tuple[float, float]:
    """``lo..hi`` widened to whole 1-2-5 steps, always holding 1 (no effect)."""
    lo, hi = min(lo, 1.0), max(hi, 1.0)
    return _log_floor(lo / 1.05), _log_ceil(hi * 1.05)


def log_ticks(lo: float, hi: float) -> list[float]:
    """The 1-2-5 values between ``lo`` and ``hi`` (every third kept over many decades)."""
    values = []
    for power in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1):
        for factor in (1, 2, 5):
            value = factor * 10.0**power
            if lo * (1 - 1e-9) <= value <= hi * (1 + 1e-9):
                values.append(float(f"{value:.10g}"))
    if len(values) > 9:
        values = [v for v in values if f"{v:.10g}".lstrip("0.").startswith("1")]
    return values


def _log_floor(value: float) -> float:
    power = 10.0 ** math.floor(math.log10(value))
    return max(f * power for f in (1, 2, 5) if f * power <= value * (1 + 1e-9))


def _log_ceil(value: float) -> float:
    power = 10.0 ** math.floor(math.log10(value))
    return min(f * power for f in (1, 2, 5, 10) if f * power >= value * (1 - 1e-9))


def horizontal_axis(
    scale: Scale,
    ticks: Sequence[float],
    *,
    top: float,
    bottom: float,
    text: Callable[[float], str],
    strong: Sequence[float] = (),
) -> tuple[list[Element], float]:
    """Grid lines from ``top`` to ``bottom`` at the ticks, labels under ``bottom``.

    ``strong`` values (zero, "no effect") get a dark line. Labels that would touch the one
    before are left out, so the axis stays readable however many ticks fit. Returns the
    elements and the y below the labels.
    """
    elements: list[Element] = []
    placed_right = -math.inf
    for value in ticks:
        x = scale(value)
        heavy = any(math.isclose(value, s) for s in strong)
        elements.append(
            Line(
                x,
                top,
                x,
                bottom,
                stroke=PALETTE.ink if heavy else PALETTE.hairline,
                stroke_width=1.2 if heavy else 1.0,
            )
        )
        words = label(
            x,
            bottom + 4,
            text(value),
            width=120,
            size=SMALL_SIZE,
            fill=PALETTE.muted,
            anchor=Anchor.MIDDLE,
        )
        box = words.box
        if box.x0 >= placed_right + 6 and box.x0 >= scale.start - 40:
            elements.append(words)
            placed_right = box.x1
    return elements, bottom + 4 + line_height(SMALL_SIZE)


def vertical_axis(
    scale: Scale,
    ticks: Sequence[float],
    *,
    left: float,
    right: float,
    text: Callable[[float], str],
    label_width: float,
    strong: Sequence[float] = (),
) -> list[Element]:
    """Grid lines from ``left`` to ``right`` at the ticks, labels right-aligned before ``left``."""
    elements: list[Element] = []
    placed: list[Text] = []
    for value in ticks:
        y = scale(value)
        heavy = any(math.isclose(value, s) for s in strong)
        elements.append(
            Line(
                left,
                y,
                right,
                y,
                stroke=PALETTE.ink if heavy else PALETTE.hairline,
                stroke_width=1.2 if heavy else 1.0,
            )
        )
        words = label(
            left - 8,
            y - line_height(SMALL_SIZE) / 2,
            text(value),
            width=label_width,
            size=SMALL_SIZE,
            fill=PALETTE.muted,
            anchor=Anchor.END,
        )
        if not any(words.box.intersects(other.box) for other in placed):
            elements.append(words)
            placed.append(words)
    return elements
