"""Pain-point themes: planted clusters found, named by c-TF-IDF, counted, trended and quoted."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from engines import Engine
from journeymap.voice import HashingEncoder, pain_point_themes
from journeymap.voice.assignment import embed_items

MONDAY = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
LATE = ["parcel late again courier", "courier late parcel missing", "late parcel no courier",
        "parcel still late courier", "courier never came parcel late", "late late parcel"]  # fmt: skip
BROKEN = ["kettle arrived broken dented", "dented kettle broken", "broken kettle dented box",
          "kettle dented broken handle"]  # fmt: skip


def feedback(engine: Engine) -> tuple[ibis.Table, list[str], list[str]]:
    texts = LATE + BROKEN + ["refund slow refund", "refund please refund", "great parcel"]
    ids = [f"f{n:02d}" for n in range(len(texts))]
    week = [0, 0, 1, 1, 2, 2, 0, 0, 0, 0, 0, 0, 0]
    table = pa.table(
        {
            "feedback_id": ids,
            "customer_id": ids,
            "ts": pa.array([MONDAY + dt.timedelta(weeks=w) for w in week],
                           pa.timestamp("us", tz="UTC")),
            "text": texts,
            "touchpoint": ["home-delivery"] * 10 + ["refund", "refund", "home-delivery"],
            "stage": ["delivery"] * 10 + ["returns", "returns", "delivery"],
            "sentiment": [-0.6] * 12 + [0.8],
        }
    )  # fmt: skip
    return engine.table(table), ids, texts


def test_planted_themes_are_found_named_counted_trended_and_quoted(engine: Engine) -> None:
    table, ids, texts = feedback(engine)
    found = pain_point_themes(table, embed_items(ids, texts, HashingEncoder()), min_items=3)
    delivery = found.of("home-delivery")
    assert [(t.rank, t.items) for t in delivery] == [(1, 6), (2, 4)]
    late, broken = delivery
    assert {"late", "parcel", "courier"} <= set(late.terms[:4])
    assert {"kettle", "dented", "broken"} <= set(broken.terms[:4])
    assert late.share == pytest.approx(0.6)
    assert late.weekly == ((MONDAY.date(), 2), (MONDAY.date() + dt.timedelta(weeks=1), 2),
                           (MONDAY.date() + dt.timedelta(weeks=2), 2))  # fmt: skip
    assert broken.weekly[1:] == ((MONDAY.date() + dt.timedelta(weeks=1), 0),
                                 (MONDAY.date() + dt.timedelta(weeks=2), 0))  # fmt: skip
    assert broken.trend < 0
    assert late.trend == pytest.approx(0.0, abs=1e-9)
    assert len(late.quotes) == 3
    assert all(q.text in LATE for q in late.quotes)
    (refund,) = found.of("refund")  # too few items to split
    assert refund.items == 2
    assert refund.terms[0] == "refund"
    assert "great parcel" not in {q.text for t in found.themes for q in t.quotes}


def test_themes_are_deterministic_and_come_per_stage_too() -> None:
    engine_table, ids, texts = feedback_memtable()
    vectors = embed_items(ids, texts, HashingEncoder())
    first = pain_point_themes(engine_table, vectors, min_items=3)
    assert first == pain_point_themes(engine_table, vectors, min_items=3)
    stages = pain_point_themes(engine_table, vectors, by="stage", min_items=3)
    assert [t.group for t in stages.themes] == ["delivery", "delivery", "returns"]
    table = first.to_arrow()
    assert table.column_names[:3] == ["touchpoint", "theme", "name"]
    assert first.rows()[0]["weekly"][0] == {"week": "2025-03-03", "items": 2}
    with pytest.raises(ValueError, match="per touchpoint or stage"):
        pain_point_themes(engine_table, vectors, by="persona")


def feedback_memtable() -> tuple[ibis.Table, list[str], list[str]]:
    class Memory:
        @staticmethod
        def table(data: pa.Table) -> ibis.Table:
            return ibis.memtable(data)

    return feedback(Memory())  # type: ignore[arg-type]


def test_no_structure_gives_one_theme_and_no_negatives_none() -> None:
    texts = [f"word{n} alpha{n}" for n in range(12)]
    ids = [str(n) for n in range(12)]
    table = ibis.memtable({"feedback_id": ids, "text": texts, "touchpoint": ["t"] * 12,
                           "sentiment": [-1.0] * 12,
                           "ts": [MONDAY] * 12})  # fmt: skip
    found = pain_point_themes(table, embed_items(ids, texts, HashingEncoder()), min_items=3,
                              min_silhouette=0.5)  # fmt: skip
    assert [t.items for t in found.themes] == [12]
    happy = table.mutate(sentiment=ibis.literal(0.5))
    assert pain_point_themes(happy, embed_items(ids, texts, HashingEncoder())).themes == ()


def test_order_numbers_dates_and_prices_do_not_name_a_theme() -> None:
    texts = [f"Order NW-{n:06d}-01 still not here, due 11.06.2025, paid £{n}.50" for n in range(6)]
    ids = [f"m{n}" for n in range(6)]
    table = ibis.memtable(
        pa.table(
            {"feedback_id": ids, "ts": pa.array([MONDAY] * 6, pa.timestamp("us", tz="UTC")),
             "text": texts, "touchpoint": ["home-delivery"] * 6, "sentiment": [-0.5] * 6}
        )
    )  # fmt: skip
    (theme,) = pain_point_themes(table, embed_items(ids, texts, HashingEncoder())).themes
    assert "nw" not in " ".join(theme.terms)
    assert {"order", "paid", "due"} & set(theme.terms)
