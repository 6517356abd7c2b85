"""The journey map poster: the lens on top, the experience in the middle, the insights below.

The anatomy follows NN/g's "Journey Mapping 101" (POSTER.md): the persona and scenario with
what only journeymap can add (data period, customers measured, validation with customers);
the spine of stages as columns with lanes for goals, actions, touchpoints, thinking and the
emotion curve; then moments of truth, pain points with quotes, opportunities with owners and
a metrics strip. :func:`poster_scene` is pure layout: the same content gives the same scene.

>>> scene = poster_scene(content, size=PosterSize.A1)  # doctest: +SKIP
>>> to_svg(scene)  # doctest: +SKIP
"""

from __future__ import annotations

from journeymap.model import MomentKind
from journeymap.render.blocks import bullet_list, text_block
from journeymap.render.cards import needed_height, touchpoint_lane
from journeymap.render.content import MomentMark, PosterContent
from journeymap.render.curve import emotion_lane
from journeymap.render.fonts import Weight, text_width
from journeymap.render.grid import (
    LABEL_WIDTH,
    LENS_HEIGHT,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    SPINE_HEIGHT,
    Grid,
    poster_grid,
)
from journeymap.render.icons import moment_marker
from journeymap.render.insights import word_lanes
from journeymap.render.scene import (
    Anchor,
    Box,
    Circle,
    Element,
    Group,
    Line,
    Polygon,
    Rect,
    Scene,
    Text,
    Tip,
)
from journeymap.render.style import MOMENT_STYLES, PALETTE, TYPE, PosterSize
from journeymap.render.text import fit_text, truncate_line

PERSONA_WIDTH = 330.0
DATA_WIDTH = 250.0


def poster_scene(content: PosterContent, *, size: PosterSize = PosterSize.A3) -> Scene:
    """The poster of one journey at one size (A3, A2, A1 or the screen)."""
    journey = content.journey
    data = content.data
    marks = _best_marks(content)
    draft = poster_grid(len(journey.stages), with_metrics=data is not None)
    grid = poster_grid(
        len(journey.stages),
        with_metrics=data is not None,
        touchpoint_height=needed_height(content, draft.content_width, marks),
    )
    elements: list[Element] = []
    elements += _lens(content)
    elements += _lane_frames(grid)
    elements += _spine(content, grid)
    elements += touchpoint_lane(content, grid, marks)
    elements += word_lanes(content, grid, marks)
    elements += emotion_lane(content, grid)
    elements += _footer(content, grid)
    return Scene(
        width=PAGE_WIDTH,
        height=PAGE_HEIGHT,
        children=tuple(elements),
        title=f"{journey.name} — journey map of {content.persona.name}",
        description=journey.description,
        physical_mm=size.millimetres,
        metadata={
            "journey": journey.id,
            "version": str(content.version or ""),
            "size": size.value,
            "generator": "journeymap",
        },
    )


def _best_marks(content: PosterContent) -> dict[str, MomentMark]:
    """Per touchpoint, its best-ranked moment found in the data."""
    marks: dict[str, MomentMark] = {}
    if content.data is None:
        return marks
    for mark in sorted(content.data.moments, key=lambda m: (m.rank, m.touchpoint)):
        marks.setdefault(mark.touchpoint, mark)
    return marks


def _lens(content: PosterContent) -> list[Element]:
    """Persona card, the scenario with its expectations, and what the data and customers say."""
    persona = content.persona
    top, height = MARGIN, LENS_HEIGHT
    x = MARGIN
    card: list[Element] = [
        Rect(x, top, PERSONA_WIDTH, height, fill=PALETTE.lane, radius=4),
        Circle(x + 26, top + 26, 17, fill=PALETTE.accent),
    ]
    initials = "".join(word[0] for word in persona.name.replace(",", " ").split()[:2]).upper()
    card.append(
        Text(x + 26, top + 26 - 6.9, (initials or "?",), 11, PALETTE.on_accent, Weight.BOLD,
             Anchor.MIDDLE)
    )  # fmt: skip
    inner_x, inner_w = x + 50, PERSONA_WIDTH - 58
    name = text_block(
        persona.name, x=inner_x, y=top + 8, width=inner_w, height=30, size=13,
        fill=PALETTE.ink, weight=Weight.BOLD, max_lines=1,
    )  # fmt: skip
    card += name.elements
    attributes = " · ".join(persona.attributes.values())
    facts = text_block(
        attributes, x=inner_x, y=top + 27, width=inner_w, height=20, size=TYPE.caption,
        fill=PALETTE.muted, max_lines=2,
    )  # fmt: skip
    card += facts.elements
    quote = text_block(
        f"“{persona.quote}”" if persona.quote else "", x=x + 8, y=top + 50,
        width=PERSONA_WIDTH - 16, height=22, size=TYPE.body, fill=PALETTE.ink, italic=True,
    )  # fmt: skip
    card += quote.elements
    goals = bullet_list(
        persona.goals, x=x + 8, y=top + 74, width=PERSONA_WIDTH - 16, height=height - 80,
        size=TYPE.body, fill=PALETTE.ink,
    )  # fmt: skip
    card += goals.elements
    persona_tip = Tip(
        persona.name,
        (
            persona.description,
            f"“{persona.quote}”" if persona.quote else "",
            *(f"Goal: {goal}" for goal in persona.goals),
            *(f"{key.replace('_', ' ')}: {value}" for key, value in persona.attributes.items()),
        ),
    )
    elements: list[Element] = [
        Group(tuple(card), role="persona", key=persona.id, tip=persona_tip,
              frame=Box(x, top, x + PERSONA_WIDTH, top + height))
    ]  # fmt: skip
    elements += _scenario(content)
    elements += _data_box(content)
    return elements


def _scenario(content: PosterContent) -> list[Element]:
    journey = content.journey
    x = MARGIN + PERSONA_WIDTH + 16
    width = PAGE_WIDTH - MARGIN - DATA_WIDTH - 16 - x
    top = MARGIN + 2
    title = text_block(
        journey.name, x=x, y=top, width=width, height=TYPE.title * 1.3, size=TYPE.title,
        fill=PALETTE.ink, weight=Weight.BOLD, max_lines=1,
    )  # fmt: skip
    scenario = text_block(
        journey.description, x=x, y=top + 30, width=width, height=42, size=TYPE.body + 1,
        fill=PALETTE.ink,
    )  # fmt: skip
    expects_y = top + 30 + max(scenario.height, 11) + 6
    label = Text(x, expects_y, ("Expects",), TYPE.caption, PALETTE.muted, Weight.BOLD)
    expectations = bullet_list(
        journey.expectations, x=x + 38, y=expects_y, width=width - 38,
        height=MARGIN + LENS_HEIGHT - expects_y, size=TYPE.body, fill=PALETTE.ink,
    )  # fmt: skip
    children = (*title.elements, *scenario.elements, label, *expectations.elements)
    tip = Tip(journey.name, (journey.description, *journey.expectations))
    return [
        Group(children, role="scenario", key=journey.id, tip=tip,
              frame=Box(x, MARGIN, x + width, MARGIN + LENS_HEIGHT))
    ]  # fmt: skip


def _data_box(content: PosterContent) -> list[Element]:
    x = PAGE_WIDTH - MARGIN - DATA_WIDTH
    top = MARGIN
    lines: list[tuple[str, Weight]] = []
    data = content.data
    if data is None:
        lines.append(("Not measured on data yet", Weight.BOLD))
        lines.append(("journeymap render --with-data adds reach, conversion, time, NPS and the "
                      "measured emotion", Weight.REGULAR))  # fmt: skip
    else:
        if data.period is not None:
            start, end = data.period
            lines.append((f"Data {start.isoformat()} to {end.isoformat()}", Weight.BOLD))
        if data.customers is not None:
            who = f" ({content.measured_for})" if content.measured_for else ""
            lines.append((f"{data.customers:,} customers measured{who}", Weight.REGULAR))
        feedback = sum(e.items for e in data.emotions.values())
        if feedback:
            lines.append((f"{feedback:,} customer texts read", Weight.REGULAR))
    lines.append((content.validation_summary(), Weight.REGULAR))
    children: list[Element] = [
        Rect(x, top, DATA_WIDTH, LENS_HEIGHT, fill=PALETTE.paper, stroke=PALETTE.rule,
             stroke_width=0.6, radius=4)
    ]  # fmt: skip
    y = top + 7
    full: list[str] = []
    for text, weight in lines:
        full.append(text)
        placed = text_block(
            text, x=x + 8, y=y, width=DATA_WIDTH - 16, height=top + LENS_HEIGHT - 6 - y,
            size=TYPE.body, fill=PALETTE.ink if weight is Weight.BOLD else PALETTE.muted,
            weight=weight,
        )  # fmt: skip
        children += placed.elements
        y += placed.height + 3
    if data is not None:
        full.extend(data.notes)
    return [
        Group(tuple(children), role="data", tip=Tip("What this poster is based on", tuple(full)),
              frame=Box(x, top, x + DATA_WIDTH, top + LENS_HEIGHT))
    ]  # fmt: skip


def _lane_frames(grid: Grid) -> list[Element]:
    """Lane backgrounds, lane labels and the column rules of the grid."""
    elements: list[Element] = []
    right = PAGE_WIDTH - MARGIN
    for number, lane in enumerate(grid.lanes):
        if number % 2 == 0:
            elements.append(Rect(MARGIN, lane.y, right - MARGIN, lane.height, fill=PALETTE.lane))
        label = fit_text(lane.label, width=LABEL_WIDTH - 10, size=TYPE.lane_label,
                         weight=Weight.BOLD, max_lines=3)  # fmt: skip
        label_y = lane.y + 4 if lane.key != "emotion" else lane.y + lane.height - 30
        elements.append(
            Text(MARGIN + 4, label_y, label.lines, TYPE.lane_label, PALETTE.muted, Weight.BOLD)
        )
    top = grid.lanes[0].y
    bottom = grid.lanes[-1].bottom
    for index in range(1, grid.stages):
        x = grid.column_x(index)
        elements.append(Line(x, top, x, bottom, PALETTE.hairline, 0.6))
    return elements


def _spine(content: PosterContent, grid: Grid) -> list[Element]:
    """The stages as one arrow of chevrons, numbered, left to right."""
    elements: list[Element] = []
    y, h = grid.spine_y, SPINE_HEIGHT
    tip_depth = min(8.0, grid.column_width * 0.1)
    for index, stage in enumerate(content.journey.stages):
        x0 = grid.column_x(index)
        x1 = x0 + grid.column_width - 1.5
        notch = tip_depth if index > 0 else 0.0
        shape = Polygon(
            ((x0, y), (x1 - tip_depth, y), (x1, y + h / 2), (x1 - tip_depth, y + h),
             (x0, y + h), (x0 + notch, y + h / 2)),
            fill=PALETTE.accent,
        )  # fmt: skip
        text_x = x0 + notch + 4
        width = x1 - tip_depth - text_x - 2
        # Long names step down the type scale before they are cut.
        for size in (TYPE.stage, TYPE.stage - 1.5, TYPE.body):
            label = fit_text(f"{index + 1}  {stage.name}", width=width, size=size,
                             weight=Weight.BOLD, max_lines=2)  # fmt: skip
            if not label.truncated and not _breaks_words(label.lines, stage.name):
                break
        text = Text(text_x, y + (h - len(label.lines) * size * 1.25) / 2, label.lines,
                    size, PALETTE.on_accent, Weight.BOLD)  # fmt: skip
        elements.append(
            Group((shape, text), role="stage", key=stage.id, tip=_stage_tip(stage_index=index,
                  content=content), frame=Box(x0, y, x1, y + h), label=f"Stage {stage.name}")
        )  # fmt: skip
    return elements


def _breaks_words(lines: tuple[str, ...], text: str) -> bool:
    """Whether wrapping had to cut inside a word (each line should end at a word's end)."""
    words = set(text.split())
    return any(line.split()[-1] not in words and not line.split()[-1].isdigit()
               for line in lines if line.split())  # fmt: skip


def _stage_tip(*, stage_index: int, content: PosterContent) -> Tip:
    stage = content.journey.stages[stage_index]
    lines = [stage.description] if stage.description else []
    fields = (
        ("Goals", stage.goals), ("Expects", stage.expectations), ("Concerns", stage.concerns),
        ("Barriers", stage.barriers), ("Motivations", stage.motivations),
        ("Actions", stage.actions), ("Open questions", stage.open_questions),
    )  # fmt: skip
    for name, items in fields:
        if items:
            lines.append(f"{name}: {'; '.join(items)}")
    if stage.effort is not None:
        notes = f" ({stage.effort_notes})" if stage.effort_notes else ""
        lines.append(f"Effort: {stage.effort.value}{notes}")
    for name, value in (("Outcome sought", stage.desired_outcome),
                        ("Success for the customer", stage.customer_success),
                        ("Success for the company", stage.company_success)):  # fmt: skip
        if value:
            lines.append(f"{name}: {value}")
    return Tip(stage.name, tuple(lines))


def _footer(content: PosterContent, grid: Grid) -> list[Element]:
    """The legend (shape, colour and word for each kind; line styles) and the imprint."""
    y = grid.footer_y + 4
    x = MARGIN
    size = TYPE.caption
    elements: list[Element] = []
    for kind in (MomentKind.DELIGHTER, MomentKind.HYGIENE_FACTOR, MomentKind.PAIN_POINT):
        style = MOMENT_STYLES[kind]
        elements.append(moment_marker(kind, x, y + 1.5, 7))
        elements.append(Text(x + 10, y, (style.word,), size, PALETTE.ink))
        x += 10 + text_width(style.word, size) + 14
    elements.append(Line(x, y + 5, x + 18, y + 5, PALETTE.muted, 1.3, dash=(4.0, 2.5)))
    elements.append(Text(x + 22, y, ("assumed by the team",), size, PALETTE.ink))
    x += 22 + text_width("assumed by the team", size) + 14
    elements.append(Line(x, y + 5, x + 18, y + 5, PALETTE.accent, 1.8))
    measured = "measured from feedback, band = 95% interval"
    elements.append(Text(x + 22, y, (measured,), size, PALETTE.ink))
    x += 22 + text_width(measured, size) + 14
    elements.append(Rect(x, y + 0.5, 16, 9, stroke=PALETTE.rule, stroke_width=0.6, radius=2,
                         dash=(2.0, 1.5)))  # fmt: skip
    elements.append(Text(x + 20, y, ("indirect touchpoint",), size, PALETTE.ink))
    x += 20 + text_width("indirect touchpoint", size) + 14
    journey = content.journey
    version = f" · version {content.version}" if content.version else ""
    date = f" · {content.saved_on.isoformat()}" if content.saved_on else ""
    imprint = truncate_line(
        f"{journey.name}{version}{date} · made with journeymap",
        width=PAGE_WIDTH - MARGIN - x,
        size=size,
    )
    elements.append(Text(PAGE_WIDTH - MARGIN, y, (imprint,), size, PALETTE.muted,
                         anchor=Anchor.END))  # fmt: skip
    return [Group(tuple(elements), role="legend")]
