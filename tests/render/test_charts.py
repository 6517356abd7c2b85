"""The charts: geometry rules (no overlaps, inside the page, readable colours), determinism,
the groups the HTML version relies on, and each chart's own promises, on normal and on
stress inputs (long German and Portuguese labels, 30-node graphs, crowded timelines)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Callable
from functools import cache

import pytest

from journeymap.analytics.dfg import ActivityCount, DirectlyFollowsEdge, DirectlyFollowsGraph
from journeymap.analytics.funnel import FunnelMode, FunnelResult, FunnelStepResult
from journeymap.analytics.paths import PathFlow, PathFlows
from journeymap.model import MomentKind, SignalKind
from journeymap.moments.impact import MomentImpacts, MomentVerdict, SignalImpact
from journeymap.moments.monitor import Incident
from journeymap.moments.statistics import AdjustedEffect, Comparison
from journeymap.render.charts import (
    BUILT_IN,
    ChartType,
    PersonaEmotions,
    chart_type,
    chart_types,
    dfg_chart,
    emotion_chart,
    funnel_chart,
    impact_chart,
    incident_chart,
    nps_chart,
    register_chart,
    render_chart,
    sankey_chart,
    unregister_chart,
)
from journeymap.render.scene import (
    Circle,
    CurveTo,
    Element,
    Group,
    Line,
    Path,
    Polygon,
    Rect,
    Scene,
    Text,
    text_boxes,
    walk,
)
from journeymap.render.style import MOMENT_STYLES, PALETTE, contrast_ratio
from journeymap.render.svg import to_svg
from journeymap.voice.emotion import MeasuredEmotion
from journeymap.voice.scores import FeedbackScores, ScoreRow

GERMAN = "Rücksendung über das Kundenportal mit Abholtermin und Rückerstattungsbestätigung"
PORTUGUESE = "Consideração e comparação detalhada de ofertas de fornecedores concorrentes"

# --- inputs -------------------------------------------------------------------------------


def funnel_result(names: list[str] | None = None, optional: int | None = 2) -> FunnelResult:
    names = names or ["Viewed product", "Added to basket", "Used a voucher", "Paid"]
    counts = [48_210]
    for i in range(1, len(names)):
        counts.append(int(counts[-1] * (0.3 if i == optional else 0.62)))
    if optional is not None and optional + 1 < len(names):
        counts[optional + 1] = int(counts[optional - 1] * 0.7)
    steps = []
    for i, name in enumerate(names):
        is_optional = i == optional
        base_index = i - 1
        if base_index >= 0 and optional is not None and base_index == optional:
            base_index -= 1
        base = counts[max(base_index, 0)]
        steps.append(
            FunnelStepResult(
                step=i + 1,
                name=name,
                optional=is_optional,
                customers=counts[i],
                conversion_from_previous=counts[i] / base if i else None,
                conversion_from_first=counts[i] / counts[0],
                drop_off=base - counts[i] if i else 0,
                median_seconds_from_previous=600.0 * i if i else None,
                p90_seconds_from_previous=3600.0 * i if i else None,
            )
        )
    levels = (1_000, counts[0])
    return FunnelResult(tuple(steps), levels, FunnelMode.ORDERED, dt.timedelta(days=7))


def path_flows(columns: int = 4, per_column: int = 5, seed: int = 1) -> PathFlows:
    rng = random.Random(seed)
    pool = [f"Touchpoint {i}" for i in range(per_column)] + [GERMAN, "Other"]
    flows: list[PathFlow] = []
    sources = {"Landing page": 9_000}
    for depth in range(columns):
        arriving: dict[str, int] = {}
        for source, customers in sorted(sources.items()):
            targets = rng.sample(pool, min(len(pool), 4))
            left = int(customers * 0.9)
            for target in targets:
                share = left // len(targets)
                if share > 0:
                    flows.append(PathFlow(depth, source, target, share))
                    arriving[target] = arriving.get(target, 0) + share
        sources = arriving
    return PathFlows("Landing page", 9_000, tuple(flows))


def small_dfg() -> DirectlyFollowsGraph:
    e = DirectlyFollowsEdge
    return DirectlyFollowsGraph(
        edges=(
            e("view", "basket", 900, 60.0, 40.0),
            e("basket", "payment", 600, 120.0, 90.0),
            e("payment", "confirmation", 550, 30.0, 20.0),
            e("basket", "view", 250, 80.0, 50.0),
            e("payment", "payment", 40, 20.0, 10.0),
            e("confirmation", "delivery", 500, 86_400.0, 80_000.0),
            e("payment", "support", 50, 300.0, 200.0),
            e("support", "payment", 30, 600.0, 400.0),
        ),
        start_activities=(ActivityCount("view", 1_000), ActivityCount("support", 20)),
        end_activities=(ActivityCount("delivery", 500), ActivityCount("view", 300)),
    )


def big_dfg(nodes: int = 30, edges: int = 90, seed: int = 7) -> DirectlyFollowsGraph:
    rng = random.Random(seed)
    names = [f"Aktivität {i}: {GERMAN[: 10 + i % 20]}" if i % 3 else f"A{i}" for i in range(nodes)]
    found: dict[tuple[str, str], DirectlyFollowsEdge] = {}
    for _ in range(edges):
        a, b = rng.sample(names, 2) if rng.random() > 0.05 else [names[0]] * 2
        found[(a, b)] = DirectlyFollowsEdge(a, b, rng.randint(1, 5_000), 100.0, 80.0)
    starts = tuple(ActivityCount(n, 10 + i) for i, n in enumerate(names[:3]))
    ends = tuple(ActivityCount(n, 10 + i) for i, n in enumerate(names[-4:]))
    return DirectlyFollowsGraph(tuple(found.values()), starts, ends)


def shuffled(graph: DirectlyFollowsGraph, seed: int) -> DirectlyFollowsGraph:
    rng = random.Random(seed)
    edges, starts, ends = (
        list(graph.edges),
        list(graph.start_activities),
        list(graph.end_activities),
    )
    for items in (edges, starts, ends):
        rng.shuffle(items)
    return DirectlyFollowsGraph(tuple(edges), tuple(starts), tuple(ends))


def personas(count: int = 3, stages: int = 6, long_names: bool = False) -> list[PersonaEmotions]:
    rng = random.Random(count * 100 + stages)
    names = ["Busy parent", "Bargain hunter", "Pequena empresa com muitos funcionários"]
    result = []
    for p in range(count):
        emotions = []
        for s in range(stages):
            mean = rng.uniform(-0.8, 0.8) if s != 3 else None
            half = rng.uniform(0.05, 0.3)
            assumed = rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0]) if s != 1 else None
            stage_name = f"{PORTUGUESE} {s}" if long_names else f"Stage {s}"
            emotions.append(
                MeasuredEmotion(
                    stage=f"s{s}",
                    name=stage_name,
                    assumed=assumed,
                    items=rng.randint(10, 500) if mean is not None else 0,
                    mean=mean,
                    low=None if mean is None else mean - half,
                    high=None if mean is None else mean + half,
                    flagged=mean is not None and assumed is not None and abs(assumed - mean) > 0.6,
                )
            )
        result.append(PersonaEmotions(names[p % 3] + (f" {p}" if p >= 3 else ""), tuple(emotions)))
    return result


def moment_impacts(rows: int = 8, numeric: bool = False, seed: int = 4) -> MomentImpacts:
    rng = random.Random(seed)
    touchpoints = ["Delivery", "Payment", "Support chat", GERMAN, "Onboarding e-mail"]
    impacts = []
    for i in range(rows):
        touchpoint = touchpoints[i % len(touchpoints)]
        kind = [SignalKind.HAPPENED, SignalKind.LATE, SignalKind.FAILED][i % 3]
        if numeric:
            effect = rng.uniform(-30, 30)
            low, high = effect - rng.uniform(2, 20), effect + rng.uniform(2, 20)
            significant = low > 0 or high < 0
        else:
            effect = rng.choice([0.001, 0.3, 0.6, 0.9, 1.1, 1.8, 3.2, 7.0, 400.0])
            low, high = effect / rng.uniform(1.1, 2.5), effect * rng.uniform(1.1, 2.5)
            significant = low > 1 or high < 1
        comparison = Comparison(400, 3_000, 0.3, 0.2, effect, low, high, 0.001)
        impacts.append(
            SignalImpact(
                touchpoint=touchpoint,
                signal=f"{kind.value}_{i}",
                kind=kind,
                outcome="churned",
                numeric=numeric,
                comparison=comparison,
                q_value=0.01 if significant else 0.3,
                adjusted=None if i == 5 else AdjustedEffect(effect, low, high, 0.01),
                favourable=effect < 1,
                significant=significant,
                reach_share=rng.uniform(0.05, 0.9),
                score=abs(math.log(abs(effect) + 1e-9)),
            )
        )
    kinds = list(MomentKind)
    verdicts = tuple(
        MomentVerdict(t, "churned", kinds[i % len(kinds)], MomentKind.NONE, ())
        for i, t in enumerate(touchpoints)
    )
    return MomentImpacts(tuple(impacts), verdicts, 12_000, 12_000, 0.05)


def incidents(crowded: bool = False) -> list[Incident]:
    d = dt.date
    found = [
        Incident("Payment", d(2025, 3, 3), d(2025, 3, 4), 0.9, 0.34, 1_234, 1e-9, step=3),
        Incident("Payment", d(2025, 3, 6), d(2025, 3, 6), 0.9, 0.71, 210, 1e-6, step=3),
        Incident("Delivery", d(2025, 3, 10), d(2025, 3, 20), 0.03, 0.12, 450, 1e-12, signal="late"),
        Incident(GERMAN, d(2025, 3, 25), d(2025, 3, 28), 0.8, 0.5, 999, 1e-5, step=1, open=True),
    ]
    if crowded:
        start = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
        for i in range(30):
            moment = start + dt.timedelta(hours=3 * i)
            found.append(
                Incident(
                    ["Payment", "Basket", PORTUGUESE][i % 3],
                    moment,
                    moment + dt.timedelta(hours=2),
                    0.8,
                    0.2 + i / 100,
                    100 * i,
                    1e-6,
                    step=2,
                    period="hour",
                )
            )
    return found


def feedback_scores(groups: int = 5) -> FeedbackScores:
    rows = [ScoreRow("all", None, 500, 300, 404, 800, 1_000)]
    names = ["Awareness", PORTUGUESE, "Purchase", "Delivery", "Support", GERMAN]
    for i in range(groups):
        name = names[i % len(names)] + (f" {i}" if i >= len(names) else "")
        promoters, passives, detractors = (i * 37) % 300, 20 + i, (i * 53) % 200
        if i == 4:
            promoters = passives = detractors = 0
        rows.append(ScoreRow("stage", name, promoters, passives, detractors, 0, 0))
    return FeedbackScores(tuple(rows))


CUSTOMERS = {"Viewed product": [f"cust-{i:03}" for i in range(30)], "Paid": ["cust-007"]}

CASES: dict[str, Callable[[], Scene]] = {
    "funnel": lambda: funnel_chart(funnel_result(), customers=CUSTOMERS),
    "funnel-stress": lambda: funnel_chart(
        funnel_result([f"{GERMAN} {i}" for i in range(12)], optional=4)
    ),
    "sankey": lambda: sankey_chart(path_flows(per_column=3)),
    "sankey-stress": lambda: sankey_chart(path_flows(columns=6, per_column=30), max_nodes=5),
    "dfg": lambda: dfg_chart(small_dfg(), show_median=True),
    "dfg-stress": lambda: dfg_chart(big_dfg(), max_edges=45),
    "emotion": lambda: emotion_chart(personas()),
    "emotion-stress": lambda: emotion_chart(personas(count=6, stages=10, long_names=True)),
    "impact": lambda: impact_chart(moment_impacts()),
    "impact-stress": lambda: impact_chart(moment_impacts(rows=40), top=25),
    "impact-numeric": lambda: impact_chart(moment_impacts(numeric=True), adjusted=False),
    "incidents": lambda: incident_chart(incidents(), until=dt.date(2025, 3, 31)),
    "incidents-stress": lambda: incident_chart(incidents(crowded=True)),
    "nps": lambda: nps_chart(feedback_scores()),
    "nps-stress": lambda: nps_chart(feedback_scores(groups=25)),
}


@cache
def scene(case: str) -> Scene:
    return CASES[case]()


def groups(found: Scene, role: str) -> list[Group]:
    return [e for e in walk(found.children) if isinstance(e, Group) and e.role == role]


def texts(found: Scene | Group) -> list[Text]:
    children = found.children
    return [e for e in walk(children) if isinstance(e, Text) and e.lines]


def words(found: Scene | Group) -> str:
    return " ".join(line for t in texts(found) for line in t.lines)


# --- rules every chart keeps ----------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_two_text_boxes_overlap(case: str) -> None:
    boxes = text_boxes(scene(case))
    assert boxes
    clashes = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.intersects(b)]
    assert not clashes, clashes[:3]


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_text_lies_inside_the_page(case: str) -> None:
    found = scene(case)
    outside = [box for box in text_boxes(found) if not found.page.contains(box)]
    assert not outside, outside[:3]


@pytest.mark.parametrize("case", sorted(CASES))
def test_text_stays_inside_its_groups_frame(case: str) -> None:
    for group in walk(scene(case).children):
        if isinstance(group, Group) and group.frame is not None:
            for text in texts(group):
                assert group.frame.contains(text.box), (group.role, group.key, text.lines)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_same_input_gives_the_same_svg(case: str) -> None:
    assert to_svg(CASES[case]()) == to_svg(CASES[case]())


@pytest.mark.parametrize("case", sorted(CASES))
def test_text_colours_are_readable_on_white(case: str) -> None:
    for text in texts(scene(case)):
        assert contrast_ratio(text.fill, "#ffffff") >= 4.5, (text.fill, text.lines)


def _from_palette(colour: str) -> bool:
    """Whether ``colour`` is a palette colour, or one laid over white paper at some alpha."""
    palette = {value for value in vars(PALETTE).values() if isinstance(value, str)}
    if colour in palette:
        return True
    mixed = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    for base in palette:
        pure = [int(base[i : i + 2], 16) for i in (1, 3, 5)]
        alphas = [(255 - m) / (255 - p) for m, p in zip(mixed, pure, strict=True) if p < 250]
        if alphas and max(alphas) - min(alphas) < 0.02 and 0 < alphas[0] <= 1:
            return True
    return False


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_colour_comes_from_the_palette(case: str) -> None:
    colours: set[str] = set()
    for element in walk(scene(case).children):
        if isinstance(element, Text):
            colours.add(element.fill)
        elif isinstance(element, Line):
            colours.add(element.stroke)
        elif isinstance(element, Rect | Circle | Polygon | Path):
            colours.update(c for c in (element.fill, element.stroke) if c)
    assert colours
    assert all(_from_palette(c) for c in colours), sorted(
        c for c in colours if not _from_palette(c)
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_charts_are_screen_scenes_with_title_and_caption(case: str) -> None:
    found = scene(case)
    assert found.physical_mm is None
    assert found.width >= 960
    assert found.background == PALETTE.paper
    (header,) = groups(found, "chart-header")
    title, caption = texts(header)
    assert title.lines
    assert caption.lines
    assert len(caption.lines) == 1
    assert caption.box.y0 < min(t.box.y0 for t in texts(found) if t not in (title, caption))


@pytest.mark.parametrize(
    "draw",
    [
        lambda: funnel_chart(FunnelResult((), (0,), FunnelMode.ORDERED, dt.timedelta(days=1))),
        lambda: sankey_chart(PathFlows("Landing page", 0, ())),
        lambda: dfg_chart(DirectlyFollowsGraph((), (), ())),
        lambda: emotion_chart([]),
        lambda: emotion_chart([PersonaEmotions("Busy parent", ())]),
        lambda: impact_chart(MomentImpacts((), (), 0, 0, 0.05)),
        lambda: incident_chart([]),
        lambda: nps_chart(FeedbackScores(())),
    ],
)
def test_an_empty_input_is_a_clear_value_error(draw: Callable[[], Scene]) -> None:
    with pytest.raises(ValueError, match=r"cannot draw the .* chart"):
        draw()


# --- each chart's own promises --------------------------------------------------------------


def test_funnel_has_a_step_group_per_step_with_base_labels_and_customers_in_the_tip() -> None:
    found = scene("funnel")
    steps = groups(found, "funnel-step")
    result = funnel_result()
    assert [g.key for g in steps] == [s.name for s in result.steps]
    second = result.steps[1]
    assert f"{second.conversion_from_previous:.0%} of 48,210 at step 1" in words(steps[1])
    assert "lost after step" in words(found)
    assert "skipped this optional step" in words(steps[2])
    tip = steps[0].tip
    assert tip is not None
    assert "cust-000" in " ".join(tip.lines)
    assert "cust-029" not in " ".join(tip.lines)  # a sample, not everyone
    paid = steps[-1].tip
    assert paid is not None
    assert "cust-007" in " ".join(paid.lines)


def test_funnel_bars_are_as_long_as_their_customers() -> None:
    steps = groups(scene("funnel"), "funnel-step")
    bars = [[r for r in g.children if isinstance(r, Rect)][-1] for g in steps]
    result = funnel_result()
    for step, bar in zip(result.steps, bars, strict=True):
        assert bar.x == bars[0].x
        assert bar.width == pytest.approx(bars[0].width * step.customers / 48_210, abs=0.01)


@pytest.mark.parametrize("case", ["funnel", "funnel-stress"])
def test_funnel_labels_never_sit_on_a_bar(case: str) -> None:
    found = scene(case)
    bars = [
        [r for r in g.children if isinstance(r, Rect)][-1].box for g in groups(found, "funnel-step")
    ]
    for box in text_boxes(found):
        assert not any(box.intersects(bar) for bar in bars), box


def test_sankey_nodes_are_ordered_by_customers_then_name_with_other_last() -> None:
    found = scene("sankey-stress")
    nodes = groups(found, "sankey-node")
    by_depth: dict[str, list[Group]] = {}
    for node in nodes:
        by_depth.setdefault(node.key.split(":")[0], []).append(node)
    assert len(by_depth) == 7
    assert any(n.key.endswith(":(other)") for n in nodes)
    assert "merged into one node" in words(found)
    assert "other touchpoints" in words(found)
    for column in by_depth.values():
        assert len(column) <= 5
        tops = [n.frame.y0 for n in column if n.frame]
        assert tops == sorted(tops)
        regular = [n for n in column if not n.key.endswith(":(other)")]
        sizes = [int(n.label.split(": ")[1].split()[0].replace(",", "")) for n in regular]
        assert sizes == sorted(sizes, reverse=True)
        if len(regular) < len(column):
            assert column[-1].key.endswith(":(other)")


def test_sankey_keeps_a_touchpoint_called_other_apart_from_the_merged_node() -> None:
    keys = {g.key for g in groups(scene("sankey"), "sankey-node")}
    assert any(k.endswith(":Other") for k in keys)


def test_sankey_ribbons_are_translucent_bezier_bands() -> None:
    ribbons = groups(scene("sankey"), "sankey-flow")
    assert len(ribbons) == len(path_flows(per_column=3).flows)
    for ribbon in ribbons:
        (band,) = ribbon.children
        assert isinstance(band, Path)
        assert band.opacity < 1
        assert sum(isinstance(op, CurveTo) for op in band.ops) == 2


def _node_keys(found: Scene) -> list[str]:
    return [g.key for g in groups(found, "dfg-node")]


def test_dfg_has_one_node_per_activity_and_markers_at_both_ends() -> None:
    found = scene("dfg")
    assert sorted(_node_keys(found)) == [
        "basket", "confirmation", "delivery", "payment", "support", "view",
    ]  # fmt: skip
    nodes = {g.key: g.frame for g in groups(found, "dfg-node")}
    markers = {g.key: g for g in groups(found, "dfg-marker")}
    assert set(markers) == {"start", "end"}
    start_x = min(t.box.x0 for t in texts(markers["start"]))
    end_x = max(t.box.x1 for t in texts(markers["end"]))
    assert all(start_x < f.x0 and f.x1 < end_x for f in nodes.values() if f)
    # Layers run left to right: view (first) is left of payment, payment left of delivery.
    assert nodes["view"]
    assert nodes["payment"]
    assert nodes["delivery"]
    assert nodes["view"].x1 < nodes["payment"].x0 < nodes["delivery"].x0
    edges = {g.key for g in groups(found, "dfg-edge")}
    assert "payment → payment" in edges
    assert len(edges) == len(small_dfg().edges)
    assert "22h 13m" in words(found)  # median shown when asked


def test_dfg_edges_are_smooth_paths_with_arrow_heads_and_width_by_frequency() -> None:
    edges = {g.key: g for g in groups(scene("dfg"), "dfg-edge")}
    widths = {}
    for key, group in edges.items():
        path = next(c for c in group.children if isinstance(c, Path))
        assert any(isinstance(op, CurveTo) for op in path.ops)
        assert any(isinstance(c, Polygon) for c in group.children)
        widths[key] = path.stroke_width
    assert widths["view → basket"] > widths["basket → view"] > widths["support → payment"]


def test_dfg_lays_out_identically_whatever_the_input_order() -> None:
    for graph in (small_dfg(), big_dfg()):
        reference = to_svg(dfg_chart(graph, max_edges=45), embed_fonts=False)
        for seed in range(3):
            assert to_svg(dfg_chart(shuffled(graph, seed), max_edges=45), embed_fonts=False) == (
                reference
            )


def test_dfg_keeps_the_most_frequent_edges_and_says_how_many_it_left_out() -> None:
    graph = big_dfg()
    found = scene("dfg-stress")
    shown = groups(found, "dfg-edge")
    assert len(shown) == 45
    lowest_shown = min(int(g.label.split(": ")[-1].split()[-1].replace(",", "")) for g in shown)
    left_out = sorted(e.frequency for e in graph.edges)[: len(graph.edges) - 45]
    assert max(left_out) <= lowest_shown
    assert f"{len(graph.edges) - 45} least frequent are left out" in words(found)
    assert len(_node_keys(found)) >= 20


def test_emotion_chart_draws_each_persona_assumed_dashed_and_measured_solid() -> None:
    found = scene("emotion")
    people = groups(found, "emotion-persona")
    assert [g.key for g in people] == [p.persona for p in personas()]
    styles = set()
    for person in people:
        paths = [c for c in person.children if isinstance(c, Path)]
        assert any(p.dash and p.stroke for p in paths)  # assumed
        assert any(not p.dash and p.stroke for p in paths)  # measured
        assert any(p.fill and p.opacity < 1 for p in paths)  # interval band
        points = [g for g in walk(person.children) if isinstance(g, Group)]
        assert len(points) == 6
        marks = [c for g in points for c in g.children if not isinstance(c, Circle) or c.fill]
        colour = next(p.stroke for p in paths if p.stroke)
        styles.add((colour, type(marks[0]).__name__))
    assert len(styles) == len(people)  # colour and shape both differ
    assert "× 2" in words(found)
    legend = " ".join(words(g) for g in groups(found, "legend"))
    assert all(p.persona in legend for p in personas())


def test_emotion_chart_places_values_on_the_maps_scale() -> None:
    found = scene("emotion")
    axis = {t.lines[0]: t for t in texts(found) if t.lines[0] in ("+2 delighted", "0 neutral")}
    top, zero = ((axis[k].box.y0 + axis[k].box.y1) / 2 for k in ("+2 delighted", "0 neutral"))
    first = personas()[0].emotions[0]
    point = groups(found, "emotion-stage")[0]
    assert point.key == "Busy parent:s0"
    assert first.mean is not None
    expected = zero + (top - zero) * first.mean * 2 / 2  # +2 is the top, the mean is doubled
    measured = [c for c in point.children if not isinstance(c, Circle) or c.fill]
    centres = [_centre_y(c) for c in measured]
    assert any(abs(y - expected) < 0.5 for y in centres)


def _centre_y(element: Element) -> float:
    if isinstance(element, Circle):
        return element.cy
    if isinstance(element, Rect):
        return element.y + element.height / 2
    if isinstance(element, Polygon):
        ys = [y for _, y in element.points]
        return (max(ys) + min(ys)) / 2
    raise AssertionError(element)


def test_impact_chart_marks_kind_by_colour_and_shape_and_significance_by_fill() -> None:
    found = scene("impact")
    rows = groups(found, "impact-row")
    impacts = moment_impacts()
    assert len(rows) == len(impacts.impacts)
    kinds = {v.touchpoint: v.found for v in impacts.verdicts}
    by_key = {f"{i.column}|{i.outcome}": i for i in impacts.impacts}
    for row in rows:
        impact = by_key[row.key]
        points = [c for c in row.children if isinstance(c, Polygon | Rect | Circle)]
        if impact.adjusted is None:
            assert not points
            assert "no estimate" in words(row)
            continue
        (point,) = points
        style = MOMENT_STYLES[kinds[impact.touchpoint]]
        assert point.stroke == style.colour
        assert (point.fill == style.colour) is impact.significant
        assert "OR " in words(row)
    assert any(isinstance(e, Line) and e.stroke == PALETTE.ink for e in walk(found.children))
    assert "log scale" in words(found)
    legend = " ".join(words(g) for g in groups(found, "legend"))
    assert "significant (q < 0.05)" in legend
    assert "not significant" in legend


def _ticks(found: Scene) -> dict[float, float]:
    """Tick value -> x, from the texts that are plain numbers."""
    ticks = {}
    for text in texts(found):
        try:
            ticks[float(text.lines[0].replace("−", "-"))] = text.x
        except ValueError:
            continue
    return ticks


def test_impact_chart_puts_no_effect_at_the_reference_line_of_a_log_axis() -> None:
    found = scene("impact")
    ticks = _ticks(found)
    assert 1.0 in ticks
    values = sorted(ticks)
    assert len(values) >= 3
    per_log = [(ticks[b] - ticks[a]) / math.log(b / a) for a, b in itertools.pairwise(values)]
    assert max(per_log) == pytest.approx(min(per_log), rel=0.01)  # a log axis
    heavy = [e for e in walk(found.children) if isinstance(e, Line) and e.stroke_width == 1.2]
    assert any(line.x1 == line.x2 and abs(line.x1 - ticks[1.0]) < 0.01 for line in heavy)


def test_impact_chart_for_numeric_outcomes_uses_differences() -> None:
    found = scene("impact-numeric")
    assert "Δ " in words(found)
    assert "Difference in churned" in words(found)
    assert found.metadata["measure"] == "difference of means"


def test_incident_chart_tells_the_drop_with_its_base_and_marks_open_incidents() -> None:
    found = scene("incidents")
    shown = groups(found, "incident")
    assert len(shown) == 4
    assert "▼ 34% vs 90% baseline, 1,234 customers" in words(found)
    assert "▲ 12% vs 3% baseline, 450 extra cases" in words(found)
    assert any("open" in words(g) for g in shown)
    rows = groups(found, "incident-row")
    assert len(rows) == 3


def test_incident_chart_stacks_crowded_labels_instead_of_overlapping() -> None:
    found = scene("incidents-stress")
    assert len(groups(found, "incident")) == 34
    rows = groups(found, "incident-row")
    tallest = max(r.frame.height for r in rows if r.frame)
    assert tallest > 60


def test_nps_chart_shows_score_interval_and_base() -> None:
    found = scene("nps")
    rows = groups(found, "nps-row")
    assert [r.key for r in rows][:2] == ["all", "Awareness"]
    assert "n=1,204" in words(rows[0])
    assert "no NPS answers" in words(found)
    overall = feedback_scores().rows[0]
    assert overall.nps is not None
    assert overall.nps_interval is not None
    assert f"NPS +{overall.nps:.0f}" in words(rows[0])
    zero = next(t for t in texts(found) if t.lines == ("0",))
    assert any(
        isinstance(e, Line) and e.stroke == PALETTE.ink and abs(e.x1 - zero.x) < 0.01
        for e in walk(found.children)
    )


# --- the registry ---------------------------------------------------------------------------


def test_built_in_charts_are_registered() -> None:
    names = {c.name for c in chart_types()}
    assert {"funnel", "sankey", "dfg", "emotion", "impact", "incidents", "nps"} <= names
    assert chart_type("funnel").render is funnel_chart
    assert set(BUILT_IN) <= set(chart_types())


def test_a_third_party_chart_registers_and_renders_like_a_built_in() -> None:
    def tiny(data: FeedbackScores, *, title: str = "x") -> Scene:
        return Scene(100, 100, (), title=title)

    mine = ChartType("tiny", "Tiny chart", tiny, FeedbackScores)
    try:
        register_chart(mine)
        assert chart_type("tiny") is mine
        assert render_chart("tiny", FeedbackScores(()), title="hi").title == "hi"
        with pytest.raises(ValueError, match="already registered"):
            register_chart(ChartType("tiny", "Another", tiny, FeedbackScores))
        register_chart(ChartType("tiny", "Another", tiny, FeedbackScores), replace=True)
        assert chart_type("tiny").title == "Another"
    finally:
        unregister_chart("tiny")
    with pytest.raises(KeyError, match="known: dfg"):
        chart_type("tiny")


def test_render_chart_draws_a_built_in_by_name() -> None:
    assert to_svg(render_chart("nps", feedback_scores())) == to_svg(scene("nps"))


def test_chart_names_must_be_single_lowercase_words() -> None:
    with pytest.raises(ValueError, match="one lowercase word"):
        register_chart(ChartType("My Chart", "Mine", nps_chart, FeedbackScores))
