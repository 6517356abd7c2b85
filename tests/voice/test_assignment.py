"""Assigning feedback to touchpoints with the hashing encoder: words, keywords, context,
threshold, threads, overrides and examples."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from engines import Engine
from journeymap.model import Journey, Stage, Touchpoint
from journeymap.voice import (
    AssignmentSettings,
    CustomerContext,
    HashingEncoder,
    assign_touchpoints,
    keyword_matches,
    next_touchpoints,
    recent_touchpoints,
    touchpoint_profiles,
)
from journeymap.voice.priors import context_weights
from journeymap.voice.profiles import profiles_key

T0 = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
WORDS_ONLY = AssignmentSettings(rounds=0)


def journey(description: str = "The parcel arrives at the door.") -> Journey:
    return Journey(
        id="j",
        name="J",
        persona="p",
        stages=[
            Stage(id="delivery", name="Delivery", touchpoints=[
                Touchpoint(id="home-delivery", name="Home delivery", description=description,
                           keywords=["courier", "late"]),
                Touchpoint(id="delivery-updates", name="Delivery updates",
                           description="Tracking emails while the parcel travels.",
                           keywords=["tracking", "dispatched"]),
            ]),
            Stage(id="returns", name="Returns", touchpoints=[
                Touchpoint(id="refund", name="Refund", description="Money back after a return.",
                           keywords=["refund", "money back"]),
            ]),
        ],
    )  # fmt: skip


def items(rows: list[tuple[str, str, str, str | None]]) -> ibis.Table:
    """(feedback id, customer, text, thread) rows, all written at T0."""
    return ibis.memtable(
        pa.table(
            {
                "feedback_id": [r[0] for r in rows],
                "customer_id": [r[1] for r in rows],
                "ts": pa.array([T0] * len(rows), pa.timestamp("us", tz="UTC")),
                "subject": pa.array([None] * len(rows), pa.string()),
                "text": [r[2] for r in rows],
                "thread_id": pa.array([r[3] for r in rows], pa.string()),
            }
        )
    )


FEEDBACK = [
    ("m1", "a", "The courier is late and my parcel never came to the door", "t1"),
    ("m2", "b", "I want my money back, where is the refund for my return?", "t2"),
    ("m3", "c", "Hello, lovely weather today", None),
    ("m4", "b", "Thanks!", "t2"),
]


def by_id(found: object) -> dict[str, dict[str, object]]:
    return {row["feedback_id"]: row for row in found.rows()}  # type: ignore[attr-defined]


def test_clear_words_are_assigned_and_vague_ones_stay_unassigned() -> None:
    found = assign_touchpoints(items(FEEDBACK), journey(), encoder=HashingEncoder(),
                               settings=WORDS_ONLY)  # fmt: skip
    rows = by_id(found)
    assert (rows["m1"]["touchpoint"], rows["m1"]["stage"]) == ("home-delivery", "delivery")
    assert (rows["m2"]["touchpoint"], rows["m2"]["stage"]) == ("refund", "returns")
    assert rows["m1"]["assigned_by"] == "model"
    assert rows["m3"]["touchpoint"] is None
    assert rows["m3"]["assigned_by"] is None
    assert found.assigned == 3
    assert found.coverage == 0.75


def test_the_messages_of_a_thread_are_decided_together() -> None:
    rows = by_id(assign_touchpoints(items(FEEDBACK), journey(), encoder=HashingEncoder(),
                                    settings=WORDS_ONLY))  # fmt: skip
    # "Thanks!" names nothing; weighted by how sure each message is, the thread stays a refund
    assert (rows["m4"]["touchpoint"], rows["m4"]["assigned_by"]) == ("refund", "model")
    assert rows["m4"]["confidence"] == pytest.approx(rows["m2"]["confidence"])
    assert rows["m2"]["confidence"] > 0.99


def test_an_unassigned_message_follows_an_override_in_its_thread() -> None:
    strict = AssignmentSettings(rounds=0, threshold=1.0)
    rows = by_id(assign_touchpoints(items(FEEDBACK), journey(), encoder=HashingEncoder(),
                                    overrides={"m2": "delivery-updates"}, settings=strict))  # fmt: skip
    assert (rows["m4"]["touchpoint"], rows["m4"]["assigned_by"]) == ("delivery-updates", "thread")
    assert rows["m4"]["confidence"] < strict.threshold


def test_a_higher_threshold_leaves_more_unassigned() -> None:
    strict = AssignmentSettings(rounds=0, threshold=1.0)
    found = assign_touchpoints(items(FEEDBACK[:3]), journey(), encoder=HashingEncoder(),
                               settings=strict)  # fmt: skip
    assert found.assigned == 0
    assert [row["best_touchpoint"] for row in found.rows()][:2] == ["home-delivery", "refund"]


def test_an_override_wins_and_a_wrong_one_is_refused() -> None:
    found = assign_touchpoints(items(FEEDBACK), journey(), encoder=HashingEncoder(),
                               overrides={"m1": "refund", "m3": "delivery-updates"},
                               settings=WORDS_ONLY)  # fmt: skip
    rows = by_id(found)
    assert (rows["m1"]["touchpoint"], rows["m1"]["assigned_by"]) == ("refund", "override")
    assert (rows["m3"]["touchpoint"], rows["m3"]["confidence"]) == ("delivery-updates", 1.0)
    with pytest.raises(ValueError, match="override to unknown touchpoint\\(s\\) 'nope'"):
        assign_touchpoints(items(FEEDBACK), journey(), encoder=HashingEncoder(),
                           overrides={"m1": "nope"})  # fmt: skip


def test_overrides_teach_the_model_words_the_map_does_not_use() -> None:
    rows = [("x1", "a", "my sofa cushions got soaked by the rain on the doorstep", None),
            ("x2", "b", "cushions soaked on the doorstep again", None)]  # fmt: skip
    without = by_id(assign_touchpoints(items(rows), journey(), encoder=HashingEncoder()))
    assert without["x2"]["touchpoint"] is None
    taught = by_id(assign_touchpoints(items(rows), journey(), encoder=HashingEncoder(),
                                      overrides={"x1": "home-delivery"}))  # fmt: skip
    assert (taught["x2"]["touchpoint"], taught["x2"]["assigned_by"]) == ("home-delivery", "model")


def test_recent_touchpoints_count_events_up_to_the_item_within_the_window(engine: Engine) -> None:
    events = engine.table(
        pa.table(
            {
                "customer_id": ["a", "a", "a", "a", "b"],
                "ts": pa.array(
                    [T0 - dt.timedelta(hours=h) for h in (30 * 24, 50, 2, -1, 1)],
                    pa.timestamp("us", tz="UTC"),
                ),
                "touchpoint": ["refund", "home-delivery", "home-delivery", "refund", None],
            }
        )
    )
    feedback = engine.table(items([("m1", "a", "x", None), ("m2", "b", "y", None)]).to_pyarrow())
    found = recent_touchpoints(feedback, events, window=dt.timedelta(days=14)).to_pyarrow()
    assert found.to_pylist() == [
        {"feedback_id": "m1", "touchpoint": "home-delivery", "hours_before": 2.0}
    ]


def test_the_context_decides_between_touchpoints_the_words_fit_alike() -> None:
    text = [("m1", "a", "Where is my parcel", None)]
    events = ibis.memtable(
        pa.table(
            {
                "customer_id": ["a"],
                "ts": pa.array([T0 - dt.timedelta(hours=3)], pa.timestamp("us", tz="UTC")),
                "touchpoint": ["delivery-updates"],
            }
        )
    )
    loose = AssignmentSettings(rounds=0, threshold=0.0, floor=-1.0)
    alone = by_id(assign_touchpoints(items(text), journey(), encoder=HashingEncoder(),
                                     settings=loose))  # fmt: skip
    told = by_id(assign_touchpoints(items(text), journey(), encoder=HashingEncoder(),
                                    touchpoint_events=events, settings=loose))  # fmt: skip
    assert alone["m1"]["touchpoint"] == "home-delivery"
    assert told["m1"]["touchpoint"] == "delivery-updates"
    assert told["m1"]["context_touchpoint"] == "delivery-updates"


def test_keywords_count_by_rarity_and_match_word_starts() -> None:
    profiles = touchpoint_profiles(journey())
    found = keyword_matches(["the courier called", "late again", "late late", "nothing"], profiles)
    assert found[0, 0] == pytest.approx(1 - 0.0)  # "courier" in one of four texts: log4/log4
    assert found[1, 0] == pytest.approx(0.5)  # "late" in two of four
    assert not found[3].any()


def test_the_cache_key_changes_with_the_touchpoints_and_the_settings() -> None:
    first = profiles_key(touchpoint_profiles(journey()), "enc")
    assert first == profiles_key(touchpoint_profiles(journey()), "enc")
    assert first != profiles_key(touchpoint_profiles(journey("Boxes at the door.")), "enc")
    assert first != profiles_key(touchpoint_profiles(journey()), "other")
    assert AssignmentSettings().model_key() != AssignmentSettings(floor=0.2).model_key()
    assert AssignmentSettings().model_key() == AssignmentSettings(threshold=0.1).model_key()


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="threshold"):
        AssignmentSettings(threshold=1.5)
    with pytest.raises(ValueError, match="rounds"):
        AssignmentSettings(rounds=-1)


def events_of(rows: list[tuple[str, float, str]]) -> ibis.Table:
    """(customer, hours before T0, touchpoint) rows as touchpoint events."""
    return ibis.memtable(
        pa.table(
            {
                "customer_id": [r[0] for r in rows],
                "ts": pa.array([T0 - dt.timedelta(hours=r[1]) for r in rows],
                               pa.timestamp("us", tz="UTC")),
                "touchpoint": [r[2] for r in rows],
            }
        )
    )  # fmt: skip


def test_an_item_whose_words_name_nothing_is_about_where_it_was_given() -> None:
    text = [("m1", "a", "Hello, lovely weather today", None)]
    given = events_of([("a", 0.0, "refund"), ("a", 5.0, "home-delivery")])
    before = events_of([("a", 1.0, "refund")])  # an hour before: lived, not where it was given
    at = by_id(assign_touchpoints(items(text), journey(), encoder=HashingEncoder(),
                                  touchpoint_events=given, settings=WORDS_ONLY))  # fmt: skip
    lived = by_id(assign_touchpoints(items(text), journey(), encoder=HashingEncoder(),
                                     touchpoint_events=before, settings=WORDS_ONLY))  # fmt: skip
    assert (at["m1"]["touchpoint"], at["m1"]["assigned_by"]) == ("refund", "model")
    assert at["m1"]["confidence"] > 0.99
    assert at["m1"]["context_touchpoint"] == "home-delivery"  # the last one lived before
    assert lived["m1"]["touchpoint"] is None
    assert lived["m1"]["best_touchpoint"] == "refund"


def test_clear_words_win_over_where_the_item_was_given() -> None:
    text = [("m1", "a", "The courier is late and my parcel never came to the door", None)]
    given = events_of([("a", 0.0, "refund")])
    rows = by_id(assign_touchpoints(items(text), journey(), encoder=HashingEncoder(),
                                    touchpoint_events=given, settings=WORDS_ONLY))  # fmt: skip
    assert rows["m1"]["touchpoint"] == "home-delivery"


def test_what_usually_comes_next_is_what_the_customer_is_waiting_for(engine: Engine) -> None:
    log = engine.table(
        events_of(
            [("x", 50.0, "delivery-updates"), ("x", 40.0, "delivery-updates"),
             ("x", 10.0, "home-delivery"), ("y", 30.0, "delivery-updates"),
             ("y", 20.0, "home-delivery"), ("y", 5.0, "refund"),
             ("z", 30.0, "delivery-updates"), ("z", 29.0, "refund")]
        ).to_pyarrow()
    )  # fmt: skip
    assert next_touchpoints(log) == {
        "delivery-updates": {"home-delivery": 2 / 3, "refund": 1 / 3},
        "home-delivery": {"refund": 1.0},
    }


def test_a_customer_waiting_for_a_delivery_writes_about_the_delivery() -> None:
    # The words lean to the tracking e-mails ("the parcel travels"); but the dispatch notice
    # came 20 hours ago and the delivery has not, which usually follows: they are waiting.
    text = [("m1", "a", "my parcel travels where", None)]
    history = [("b", 50.0, "delivery-updates"), ("b", 30.0, "home-delivery"),
               ("a", 20.0, "delivery-updates")]  # fmt: skip
    loose = AssignmentSettings(rounds=0, threshold=0.0, floor=-1.0, context_boost=0.0)
    words = by_id(assign_touchpoints(items(text), journey(), encoder=HashingEncoder(),
                                     settings=loose))  # fmt: skip
    found = by_id(assign_touchpoints(items(text), journey(), encoder=HashingEncoder(),
                                     touchpoint_events=events_of(history), settings=loose))  # fmt: skip
    assert words["m1"]["touchpoint"] == "delivery-updates"
    assert found["m1"]["touchpoint"] == "home-delivery"
    assert found["m1"]["context_touchpoint"] == "delivery-updates"
    reached = [*history, ("a", 1.0, "home-delivery")]  # delivered an hour ago: nothing waited for
    weights = context_weights(["m1"], touchpoint_profiles(journey()), CustomerContext(
        recent_touchpoints(items(text), events_of(reached)).to_pyarrow(),
        next_touchpoints(events_of(reached))), half_life_hours=72.0)  # fmt: skip
    assert not weights.waiting.any()
    assert weights.lived[0, 0] > weights.lived[0, 1] > 0  # home delivery is the latest


def test_where_an_item_was_given_is_not_counted_as_lived() -> None:
    context = CustomerContext(
        pa.table({"feedback_id": ["m1", "m1"], "touchpoint": ["refund", "home-delivery"],
                  "hours_before": [0.0, 72.0]})
    )  # fmt: skip
    weights = context_weights(["m1"], touchpoint_profiles(journey()), context,
                              half_life_hours=72.0)  # fmt: skip
    assert weights.given.tolist() == [[False, False, True]]
    assert weights.lived.tolist() == [[0.5, 0.0, 0.0]]
    assert weights.last_lived.tolist() == [0]


def test_a_touchpoint_passed_by_chance_as_an_item_arrived_is_not_where_it_was_given() -> None:
    ids = [f"m{n}" for n in range(200)]
    context = CustomerContext(
        pa.table({"feedback_id": [*ids, "m0"], "touchpoint": ["refund"] * 200 + ["home-delivery"],
                  "hours_before": [0.0] * 201})
    )  # fmt: skip
    weights = context_weights(ids, touchpoint_profiles(journey()), context, half_life_hours=72.0)
    assert weights.given[:, 2].all()  # the refund inbox: every item arrived there
    assert not weights.given[:, 0].any()  # one item in 200 at home delivery: a coincidence
    assert weights.lived[0].tolist() == [1.0, 0.0, 0.0]  # lived at the moment of writing
