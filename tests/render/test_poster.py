"""The poster's layout: nothing overlaps, nothing leaves its box or the page, long text is cut
with a marker and kept whole for the HTML, colours are legible and not the only carrier of
meaning, and the same journey always draws the same bytes.

The checks parse the SVG the poster writes (text boxes from its tspans, cards from its
``data-frame`` attributes), so they test the file people get, not only the layout objects.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from journeymap.demo.workspace import demo_workspace
from journeymap.model import (
    Channel,
    Emotion,
    Evidence,
    EvidenceSource,
    Journey,
    MomentKind,
    Opportunity,
    Persona,
    Stage,
    Team,
    Touchpoint,
)
from journeymap.render.content import (
    MomentMark,
    PosterContent,
    PosterData,
    Quote,
    StageMetrics,
    TouchpointMetrics,
)
from journeymap.render.fonts import Weight, text_width
from journeymap.render.grid import PAGE_HEIGHT, PAGE_WIDTH
from journeymap.render.poster import poster_scene
from journeymap.render.scene import Box, Group, Polygon, Rect, Scene, Text, walk
from journeymap.render.style import MOMENT_STYLES, PALETTE, PosterSize, contrast_ratio
from journeymap.render.svg import to_svg
from journeymap.render.text import ELLIPSIS
from journeymap.voice.emotion import MeasuredEmotion

SVG = "{http://www.w3.org/2000/svg}"
GOLDEN = Path(__file__).parent / "golden" / "demo-poster.svg"


def demo_content(journey_id: str = "busy-parent-journey") -> PosterContent:
    workspace = demo_workspace()
    journey = workspace.journey(journey_id)
    return PosterContent(
        journey=journey,
        persona=workspace.persona(journey.persona),
        teams={team.id: team for team in workspace.teams},
        version=3,
        saved_on=dt.date(2025, 7, 1),
    )


GERMAN = (
    "Die Lieferungsverzögerungsbenachrichtigung kam erst nach dem Liefertermin, und niemand "
    "beim Kundendienst konnte mir sagen, wann das Paket tatsächlich ankommen würde."
)
PORTUGUESE = (
    "A confirmação da encomenda chegou rapidamente, mas a informação sobre a entrega foi "
    "insuficiente e não consegui acompanhar a expedição em nenhum momento."
)


def stress_content(stages: int = 12, touchpoints: int = 60) -> PosterContent:
    """12 stages, 60 touchpoints unevenly spread, long German and Portuguese everywhere."""
    per_stage = [touchpoints // stages] * stages
    if stages > 2 and touchpoints // stages > 7:
        per_stage[2] += 7  # one crowded stage
        per_stage[-1] -= 7
    kinds = list(MomentKind)
    channels = list(Channel)
    built: list[Stage] = []
    number = 0
    for index in range(stages):
        items = []
        for _ in range(per_stage[index]):
            items.append(
                Touchpoint(
                    id=f"tp-{number}",
                    name=(GERMAN if number % 2 else PORTUGUESE)[: 30 + number % 40],
                    description=GERMAN,
                    channel=channels[number % len(channels)],
                    direct=number % 3 != 0,
                    owner_team="kundendienst" if number % 2 else "logistica",
                    moment=kinds[number % len(kinds)],
                )
            )
            number += 1
        built.append(
            Stage(
                id=f"stage-{index}",
                name=("Rücksendungsabwicklung und Erstattung", "Consideração")[index % 2],
                goals=[GERMAN, PORTUGUESE, GERMAN],
                actions=[PORTUGUESE, GERMAN],
                concerns=[GERMAN],
                barriers=[PORTUGUESE, GERMAN],
                emotion=Emotion(score=(index % 5) - 2, words=["verärgert", "ansiosa"]),
                touchpoints=items,
            )
        )
    journey = Journey(
        id="stress",
        name="Ein sehr langer Reisename für eine Kundenreise mit zwölf Phasen " * 2,
        persona="stress-persona",
        description=GERMAN + " " + PORTUGUESE,
        expectations=[GERMAN, PORTUGUESE, GERMAN],
        stages=built,
        evidence=[
            Evidence(
                id=f"ev-{i}", source=EvidenceSource.INTERVIEW, text=PORTUGUESE, stage=f"stage-{i}"
            )
            for i in range(stages)
        ],
        opportunities=[
            Opportunity(
                id=f"op-{i}", title=GERMAN, owner_team="kundendienst", touchpoints=[f"tp-{i * 4}"]
            )
            for i in range(touchpoints // 4)
        ],
    )
    persona = Persona(
        id="stress-persona",
        name="Maria Conceição da Silva-Müllerschön",
        quote=PORTUGUESE,
        goals=[GERMAN, PORTUGUESE, GERMAN, PORTUGUESE],
        attributes={"beruf": GERMAN, "idade": "35-44"},
    )
    teams = {
        "kundendienst": Team(id="kundendienst", name="Kundendienst und Reklamationsbearbeitung"),
        "logistica": Team(id="logistica", name="Logística e transportadoras parceiras"),
    }
    data = PosterData(
        period=(dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
        customers=123_456,
        stages={
            s.id: StageMetrics(
                customers=98_765,
                base=123_456,
                to_next=0.623,
                median_days_to_next=12.5,
                nps=-12.0,
                nps_responses=4_321,
            )
            for s in built
        },
        touchpoints={
            tp.id: TouchpointMetrics(
                customers=1_000, base=123_456, feedback_items=20, mean_sentiment=-0.3
            )
            for s in built
            for tp in s.touchpoints
        },
        emotions={
            s.id: MeasuredEmotion(
                stage=s.id,
                name=s.name,
                assumed=0.5,
                items=300,
                mean=(-1) ** i * 0.4,
                low=(-1) ** i * 0.4 - 0.1,
                high=(-1) ** i * 0.4 + 0.1,
                flagged=True,
            )
            for i, s in enumerate(built)
        },
        moments=tuple(
            MomentMark(
                touchpoint=f"tp-{i}",
                kind=MomentKind.PAIN_POINT,
                rank=i + 1,
                outcome="churned",
                summary=GERMAN,
            )
            for i in range(0, touchpoints, 3)
        ),
        quotes=tuple(
            Quote(text=GERMAN, touchpoint=f"tp-{i}", sentiment=-0.8) for i in range(touchpoints)
        ),
    )
    return PosterContent(
        journey=journey,
        persona=persona,
        teams=teams,
        version=7,
        saved_on=dt.date(2025, 7, 1),
        data=data,
    )


def _number(value: str) -> float:
    return float(value)


def svg_text_boxes(svg: str) -> list[Box]:
    """Every text line's box, measured from the SVG's own attributes and text."""
    root = ET.fromstring(svg.split("?>", 1)[-1])
    boxes = []
    for text in root.iter(f"{SVG}text"):
        size = _number(text.get("font-size", "0"))
        weight = Weight.BOLD if text.get("font-weight") == "700" else Weight.REGULAR
        anchor = text.get("text-anchor", "start")
        for span in text.iter(f"{SVG}tspan"):
            content = span.text or ""
            width = text_width(content, size, weight)
            x, baseline = _number(span.get("x", "0")), _number(span.get("y", "0"))
            x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            # The line box: the font's ascent above the baseline, its descent below.
            boxes.append(Box(x0, baseline - 0.93 * size, x0 + width, baseline + 0.24 * size))
    return boxes


def svg_frames(svg: str) -> list[tuple[Box, list[Box]]]:
    """Each framed group (cards, cells) with the text boxes inside it."""
    root = ET.fromstring(svg.split("?>", 1)[-1])
    framed = []
    for group in root.iter(f"{SVG}g"):
        frame = group.get("data-frame")
        if frame is None:
            continue
        x0, y0, x1, y1 = (float(v) for v in frame.split())
        inner = svg_text_boxes(
            '<svg xmlns="http://www.w3.org/2000/svg">'
            + ET.tostring(group, encoding="unicode")
            + "</svg>"
        )
        framed.append((Box(x0, y0, x1, y1), inner))
    return framed


def assert_lays_out_cleanly(scene: Scene) -> None:
    svg = to_svg(scene, embed_fonts=False)
    boxes = svg_text_boxes(svg)
    assert boxes, "the poster has no text"
    page = Box(0, 0, scene.width, scene.height)
    outside = [box for box in boxes if not page.contains(box)]
    assert not outside, f"text outside the page: {outside[:3]}"
    overlaps = [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a.intersects(b, tolerance=0.3)
    ]
    assert not overlaps, f"{len(overlaps)} overlapping text boxes, e.g. {overlaps[:2]}"
    for frame, inner in svg_frames(svg):
        spilled = [box for box in inner if not frame.contains(box, tolerance=0.3)]
        assert not spilled, f"text leaves its card {frame}: {spilled[:2]}"
    rects = [e.box for e in walk(scene.children) if isinstance(e, Rect)]
    assert all(page.contains(rect) for rect in rects)


@pytest.mark.parametrize("journey_id", ["busy-parent-journey", "retiree-journey"])
def test_the_demo_journeys_lay_out_without_overlaps(journey_id: str) -> None:
    assert_lays_out_cleanly(poster_scene(demo_content(journey_id)))


def test_twelve_stages_sixty_touchpoints_and_long_german_and_portuguese_lay_out() -> None:
    content = stress_content()
    scene = poster_scene(content, size=PosterSize.A1)
    assert_lays_out_cleanly(scene)
    svg = to_svg(scene, embed_fonts=False)
    # Long text is cut with a visible marker ...
    assert svg.count(ELLIPSIS) > 20
    # ... and every touchpoint is either drawn as a card or named in a "+N more" tip.
    cards = re.findall(r'class="jm-touchpoint" data-key="(tp-\d+)"', svg)
    hidden = sum(int(n) for n in re.findall(r">\+(\d+) more<", svg))
    assert len(cards) + hidden == 60
    assert len(set(cards)) == len(cards)


@pytest.mark.parametrize("stages", [1, 3, 6, 12])
def test_from_one_to_twelve_stages_lay_out(stages: int) -> None:
    assert_lays_out_cleanly(poster_scene(stress_content(stages=stages, touchpoints=5 * stages)))


def test_more_than_twelve_stages_is_refused_with_advice() -> None:
    content = stress_content(stages=13, touchpoints=65)
    with pytest.raises(ValueError, match="1 to 12 stages; this journey has 13"):
        poster_scene(content)


def test_cut_text_stays_whole_in_the_tips() -> None:
    svg = to_svg(poster_scene(stress_content()), embed_fonts=False)
    root = ET.fromstring(svg.split("?>", 1)[-1])
    tips = [g.get("data-tip", "") for g in root.iter(f"{SVG}g") if g.get("data-tip")]
    assert any(
        "Lieferungsverzögerungsbenachrichtigung kam erst nach dem Liefertermin" in t for t in tips
    )
    assert any("não consegui acompanhar a expedição em nenhum momento" in t for t in tips)


def test_every_text_colour_meets_wcag_aa_on_what_it_lies_on() -> None:
    scene = poster_scene(stress_content())
    backgrounds = {
        PALETTE.on_accent: [PALETTE.accent],
        PALETTE.accent: [PALETTE.paper, PALETTE.lane, PALETTE.accent_tint],
    }
    fills = {e.fill for e in walk(scene.children) if isinstance(e, Text)}
    assert fills  # something was checked
    for fill in fills:
        for background in backgrounds.get(fill, [PALETTE.paper, PALETTE.lane]):
            assert contrast_ratio(fill, background) >= 4.5, (fill, background)


def test_moment_kinds_differ_in_shape_not_only_in_colour() -> None:
    from journeymap.render.icons import moment_marker

    shapes = {}
    for kind in (MomentKind.DELIGHTER, MomentKind.HYGIENE_FACTOR, MomentKind.PAIN_POINT):
        marker = moment_marker(kind, 0, 0, 10)
        shapes[kind] = (type(marker).__name__, marker.points if isinstance(marker, Polygon) else ())
        assert MOMENT_STYLES[kind].word in to_svg(poster_scene(demo_content()))
    assert len(set(shapes.values())) == 3
    # delighter points up, pain point down
    up = shapes[MomentKind.DELIGHTER][1]
    down = shapes[MomentKind.PAIN_POINT][1]
    assert up[0][1] < up[1][1]
    assert down[2][1] > down[0][1]


@pytest.mark.parametrize(
    ("size", "millimetres"),
    [
        (PosterSize.A3, ("420mm", "297mm")),
        (PosterSize.A2, ("594mm", "420mm")),
        (PosterSize.A1, ("841mm", "594mm")),
    ],
)
def test_print_sizes_have_their_physical_dimensions(
    size: PosterSize, millimetres: tuple[str, str]
) -> None:
    svg = to_svg(poster_scene(demo_content(), size=size), embed_fonts=False)
    assert f'width="{millimetres[0]}" height="{millimetres[1]}"' in svg
    assert f'viewBox="0 0 {PAGE_WIDTH:.2f} {PAGE_HEIGHT:.2f}"' in svg  # A3 points, stretched
    # The smallest text is 8 pt at A3, so at least 8 pt on every larger page.
    sizes = {float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)}
    assert min(sizes) * size.scale >= 8.0


def test_the_same_journey_draws_the_same_bytes_and_matches_the_golden_file() -> None:
    first = to_svg(poster_scene(demo_content()), embed_fonts=False)
    second = to_svg(poster_scene(demo_content()), embed_fonts=False)
    assert first == second
    assert to_svg(poster_scene(demo_content())) == to_svg(poster_scene(demo_content()))
    if os.environ.get("JOURNEYMAP_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(first, encoding="utf-8")
    assert GOLDEN.exists(), "run with JOURNEYMAP_UPDATE_GOLDEN=1 once to write the golden file"
    assert first == GOLDEN.read_text(encoding="utf-8"), (
        "the demo poster changed; look at it, then JOURNEYMAP_UPDATE_GOLDEN=1 to accept"
    )


def test_with_data_the_metrics_strip_and_the_measured_curve_appear() -> None:
    svg = to_svg(poster_scene(stress_content()), embed_fonts=False)
    assert "98,765 customers" in svg
    assert "80% of 123,456" in svg
    assert "123,456 customers measured" in svg
    assert 'class="jm-cell-metrics"' in svg
    without = to_svg(poster_scene(demo_content()), embed_fonts=False)
    assert 'class="jm-cell-metrics"' not in without
    assert "Not measured on data yet" in without


def test_each_touchpoint_card_names_its_owner_and_stays_in_its_column() -> None:
    scene = poster_scene(demo_content())
    cards = [e for e in walk(scene.children) if isinstance(e, Group) and e.role == "touchpoint"]
    journey = demo_content().journey
    assert {card.key for card in cards} == {tp.id for _, tp in journey.touchpoints()}
    for card in cards:
        assert card.tip is not None
        assert any(line.startswith("Owner: ") for line in card.tip.lines)
