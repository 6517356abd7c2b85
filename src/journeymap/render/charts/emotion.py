"""The emotion curve per persona: what the team assumed beside what customers' feedback says.

A journey map's emotion curve is usually a guess. This chart puts the guess (dashed, hollow
markers) next to the measurement (solid, filled markers, with its 95 % interval as a
translucent band) for several personas at once, on the map's own scale from −2 (distressed)
to +2 (delighted). Feedback sentiment runs from −1 to 1, so measured values are doubled onto
that scale, and the axis says so. Each persona has a colour *and* a marker shape, so the
chart still reads in grey; stages where the team's point lies outside the interval
(``MeasuredEmotion.flagged``) get a ring. Markers of several personas at one stage are
nudged sideways so none hides another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from journeymap.render.charts._axis import LinearScale, vertical_axis
from journeymap.render.charts._frame import (
    GAP,
    SMALL_SIZE,
    LegendEntry,
    Sheet,
    Swatch,
    label,
    line_swatch,
    no_data,
)
from journeymap.render.charts._marks import Marker, count, marker, signed
from journeymap.render.fonts import Weight
from journeymap.render.scene import (
    Anchor,
    Circle,
    ClosePath,
    Element,
    Group,
    Line,
    LineTo,
    MoveTo,
    Path,
    PathOp,
    Scene,
    Tip,
)
from journeymap.render.style import PALETTE
from journeymap.voice.emotion import MeasuredEmotion

PERSONA_COLOURS = (
    PALETTE.accent,
    PALETTE.pain,
    PALETTE.delighter,
    PALETTE.hygiene,
    PALETTE.ink,
    PALETTE.muted,
)
PERSONA_MARKERS = (
    Marker.CIRCLE,
    Marker.SQUARE,
    Marker.TRIANGLE_UP,
    Marker.DIAMOND,
    Marker.TRIANGLE_DOWN,
)
SCALE = 2.0
"""Sentiment (−1..1) times this is the map's emotion scale (−2..+2)."""
AXIS_WIDTH = 104.0
PLOT_HEIGHT = 300.0
DODGE = 7.0
BAND_OPACITY = 0.12
T = TypeVar("T")
_TICKS = {2.0: "+2 delighted", 1.0: "+1", 0.0: "0 neutral", -1.0: "−1", -2.0: "−2 distressed"}


@dataclass(frozen=True)
class PersonaEmotions:
    """One persona's measured emotions, stage by stage (from ``measured_emotions``)."""

    persona: str
    emotions: tuple[MeasuredEmotion, ...]


@dataclass(frozen=True)
class PersonaStyle:
    """How one persona is drawn: its colour and its marker."""

    colour: str
    shape: Marker


def persona_style(index: int) -> PersonaStyle:
    """The style of the ``index``-th persona (colours and shapes cycle independently)."""
    return PersonaStyle(
        PERSONA_COLOURS[index % len(PERSONA_COLOURS)], PERSONA_MARKERS[index % len(PERSONA_MARKERS)]
    )


def emotion_chart(
    personas: Sequence[PersonaEmotions],
    *,
    title: str = "Emotion curve: assumed by the team, measured from customers",
) -> Scene:
    """The assumed and measured emotion of each persona across the stages.

    Stages appear in the order they are first met, persona by persona. Raises ``ValueError``
    when no persona has an assumed or measured value at any stage.
    """
    stages: dict[str, str] = {}
    for persona in personas:
        for emotion in persona.emotions:
            stages.setdefault(emotion.stage, emotion.name)
    values = [
        e for p in personas for e in p.emotions if e.assumed is not None or e.mean is not None
    ]
    if not values:
        raise no_data("emotion", "no stage has an assumed or a measured emotion")
    items = sum(e.items for p in personas for e in p.emotions)
    sheet = Sheet(
        chart="emotion",
        title=title,
        caption=(
            f"Based on {count(items)} feedback items about {len(stages)} stages, "
            f"for {len(personas)} persona{'s' if len(personas) != 1 else ''}."
        ),
    )
    axis_note = label(
        sheet.left,
        sheet.y,
        "Emotion, −2 to +2 (the map's scale). Measured: mean feedback "
        "sentiment (−1 to 1) × 2, band: its 95% interval.",
        width=sheet.inner_width,
        size=SMALL_SIZE,
        fill=PALETTE.muted,
        max_lines=2,
    )
    sheet.add(axis_note)
    sheet.y += axis_note.height + GAP * 1.5
    plot_left = sheet.left + AXIS_WIDTH
    pitch = (sheet.right - plot_left) / len(stages)
    xs = {stage: plot_left + pitch * (i + 0.5) for i, stage in enumerate(stages)}
    top, bottom = sheet.y, sheet.y + PLOT_HEIGHT
    scale = LinearScale(-2.0, 2.0, bottom, top)
    sheet.add(
        *vertical_axis(
            scale,
            list(_TICKS),
            left=plot_left,
            right=sheet.right,
            text=lambda v: _TICKS[v],
            label_width=AXIS_WIDTH - 10,
            strong=[0.0],
        )
    )
    for x in xs.values():
        sheet.add(Line(x, top, x, bottom, stroke=PALETTE.hairline, stroke_width=1.0))
    label_bottom = bottom
    for stage, x in xs.items():
        words = label(
            x,
            bottom + 6,
            stages[stage],
            width=pitch - 8,
            weight=Weight.BOLD,
            anchor=Anchor.MIDDLE,
            max_lines=3,
        )
        sheet.add(words)
        label_bottom = max(label_bottom, words.box.y1)
    for index, persona in enumerate(personas):
        offset = (index - (len(personas) - 1) / 2) * DODGE
        sheet.add(_persona(persona, persona_style(index), xs, offset, scale))
    sheet.y = label_bottom + GAP / 2
    entries = [
        LegendEntry(p.persona, _persona_swatch(persona_style(i))) for i, p in enumerate(personas)
    ]
    sheet.legend(entries, title="Personas")
    sheet.legend(
        [
            LegendEntry("measured (filled)", line_swatch(PALETTE.ink, width=2.2)),
            LegendEntry("assumed by the team (hollow)", line_swatch(PALETTE.ink, dash=(5, 3))),
            LegendEntry(
                "flagged: the team's point is outside the interval",
                lambda x, y: (Circle(x, y, 8, stroke=PALETTE.ink, stroke_width=1.4),),
            ),
        ]
    )
    return sheet.finish(
        description=f"{len(personas)} personas over {len(stages)} stages.",
        metadata={"personas": str(len(personas)), "stages": str(len(stages))},
    )


def _persona_swatch(style: PersonaStyle) -> Swatch:
    def draw(cx: float, cy: float) -> tuple[Element, ...]:
        return (
            Line(cx - 12, cy, cx + 12, cy, stroke=style.colour, stroke_width=2.2),
            marker(style.shape, cx, cy, 4.5, colour=style.colour),
        )

    return draw


def _runs(points: list[tuple[float, T | None]]) -> list[list[tuple[float, T]]]:
    """Consecutive points that have a value: a curve breaks where a stage has none."""
    runs: list[list[tuple[float, T]]] = [[]]
    for x, value in points:
        if value is None:
            runs.append([])
        else:
            runs[-1].append((x, value))
    return [run for run in runs if run]


def _polyline(run: list[tuple[float, float]]) -> tuple[PathOp, ...]:
    return (MoveTo(*run[0]), *(LineTo(x, y) for x, y in run[1:]))


def _persona(
    persona: PersonaEmotions,
    style: PersonaStyle,
    xs: dict[str, float],
    offset: float,
    scale: LinearScale,
) -> Group:
    ordered = sorted(persona.emotions, key=lambda e: xs[e.stage])
    parts: list[Element] = []
    band = [
        (
            xs[e.stage] + offset,
            (e.low, e.high) if e.low is not None and e.high is not None else None,
        )
        for e in ordered
    ]
    for interval in _runs(band):
        upper = [(x, scale.clamped(high * SCALE)) for x, (_, high) in interval]
        lower = [(x, scale.clamped(low * SCALE)) for x, (low, _) in reversed(interval)]
        if len(interval) == 1:
            x, y_top = upper[0]
            parts.append(
                Line(x, y_top, x, lower[0][1], stroke=style.colour, stroke_width=6, opacity=0.25)
            )
            continue
        ops = (*_polyline(upper), *(LineTo(x, y) for x, y in lower), ClosePath())
        parts.append(Path(ops, fill=style.colour, opacity=BAND_OPACITY))
    assumed = [(xs[e.stage] + offset, _scaled(e.assumed, scale)) for e in ordered]
    measured = [(xs[e.stage] + offset, _scaled(e.mean, scale)) for e in ordered]
    for run in _runs(assumed):
        parts.append(Path(_polyline(run), stroke=style.colour, stroke_width=1.6, dash=(5, 3)))
    for run in _runs(measured):
        parts.append(Path(_polyline(run), stroke=style.colour, stroke_width=2.2))
    for emotion in ordered:
        parts.append(
            _stage_point(persona.persona, emotion, style, xs[emotion.stage] + offset, scale)
        )
    tip = tuple(f"{e.name}: {_describe(e)}" for e in ordered)
    return Group(
        tuple(parts),
        role="emotion-persona",
        key=persona.persona,
        tip=Tip(persona.persona, tip),
        label=f"Emotion curve of {persona.persona}",
    )


def _scaled(value: float | None, scale: LinearScale) -> float | None:
    return None if value is None else scale.clamped(value * SCALE)


def _stage_point(
    persona: str, emotion: MeasuredEmotion, style: PersonaStyle, x: float, scale: LinearScale
) -> Group:
    marks: list[Element] = []
    if emotion.assumed is not None:
        y = scale.clamped(emotion.assumed * SCALE)
        marks.append(marker(style.shape, x, y, 4.5, colour=style.colour, filled=False))
    if emotion.mean is not None:
        y = scale.clamped(emotion.mean * SCALE)
        if emotion.flagged:
            marks.append(Circle(x, y, 9, stroke=PALETTE.ink, stroke_width=1.4))
        marks.append(marker(style.shape, x, y, 4.5, colour=style.colour))
    lines = [_describe(emotion)]
    if emotion.note:
        lines.append(emotion.note)
    return Group(
        tuple(marks),
        role="emotion-stage",
        key=f"{persona}:{emotion.stage}",
        tip=Tip(f"{persona} · {emotion.name}", tuple(lines)),
    )


def _describe(emotion: MeasuredEmotion) -> str:
    """``assumed +1.0; measured −0.4 (−0.8 to 0.0, n=340)`` on the −2..+2 scale."""
    parts = []
    if emotion.assumed is not None:
        parts.append(f"assumed {signed(emotion.assumed * SCALE, 1)}")
    if emotion.mean is not None:
        measured = f"measured {signed(emotion.mean * SCALE, 1)}"
        if emotion.low is not None and emotion.high is not None:
            measured += f" ({signed(emotion.low * SCALE, 1)} to {signed(emotion.high * SCALE, 1)}"
            measured += f", n={count(emotion.items)})"
        else:
            measured += f" (n={count(emotion.items)})"
        parts.append(measured)
    else:
        parts.append("no feedback")
    return "; ".join(parts)
