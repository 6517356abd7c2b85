"""The generator's small parts: vectorised sampling, the chunk event log, ids, the calendar."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from journeymap.demo.catalogue import EVENTS, Vocabulary
from journeymap.demo.eventlog import EventLog
from journeymap.demo.population import ascii_fold
from journeymap.demo.sampling import choose, expand, group_cumsum
from journeymap.demo.tables import IdFormat, fixed_width_text
from journeymap.demo.timeline import DAY, Timeline


def test_expand_repeats_rows_with_their_positions() -> None:
    source, position = expand(np.array([2, 0, 3]))
    assert source.tolist() == [0, 0, 2, 2, 2]
    assert position.tolist() == [0, 1, 0, 1, 2]


def test_group_cumsum_restarts_for_each_group() -> None:
    values = np.array([1.0, 2.0, 10.0, 20.0, 30.0])
    assert group_cumsum(values, np.array([0, 0, 4, 4, 4])).tolist() == [1, 3, 10, 30, 60]
    assert group_cumsum(np.empty(0), np.empty(0, dtype=np.int64)).size == 0


def test_choose_draws_from_each_rows_distribution() -> None:
    rng = np.random.default_rng(1)
    group = np.repeat([0, 1], 10_000)
    picked = choose(rng, [(1.0, 0.0, 0.0), (0.0, 1.0, 3.0)], group)
    assert set(picked[:10_000].tolist()) == {0}
    assert picked[10_000:].mean() == pytest.approx(1.75, abs=0.03)


def test_event_log_sorts_by_customer_then_time_then_insertion_and_drops_the_outside() -> None:
    log = EventLog(3)
    log.add("order_placed", np.array([1, 0]), np.array([50.0, 70.0]), channel="web")
    log.add("order_confirmation_email", np.array([1, 2]), np.array([50.0, -1.0]), channel="email")
    log.add("cart_add", np.array([1, 2]), np.array([10.0, 1000.0]), channel="app")
    events = log.finish(end=999.0)
    names = [EVENTS.values[code] for code in events.event.tolist()]
    assert events.customer.tolist() == [0, 1, 1, 1]
    assert names == ["order_placed", "cart_add", "order_placed", "order_confirmation_email"]
    assert log.last_seen.tolist() == [70.0, 50.0, 1000.0]


def test_event_log_rejects_ragged_blocks() -> None:
    with pytest.raises(ValueError, match="cart_add: 2 customers but 1 times"):
        EventLog(2).add("cart_add", np.array([0, 1]), np.array([1.0]), channel="web")


def test_vocabulary_names_the_choices_on_a_typo() -> None:
    with pytest.raises(KeyError, match="'emial' is not one of web, email"):
        Vocabulary(["web", "email"])["emial"]


def test_fixed_width_ids_with_nulls() -> None:
    ids = IdFormat(5)
    orders = ids.order(
        np.array([7, 0, 123456]), np.array([1, 0, 12]), np.array([True, False, True])
    )
    assert orders.to_pylist() == ["NW-000007-01", None, "NW-123456-12"]
    assert ids.customer(np.array([1, 42])).to_pylist() == ["C000001", "C000042"]
    assert IdFormat(2_000_000).customer_text(3) == "C0000003"
    assert fixed_width_text([b"E", (np.array([5]), 3)]).to_pylist() == ["E005"]


def test_timeline_outage_days_sit_inside_the_window() -> None:
    timeline = Timeline(dt.date(2025, 3, 3), 120)
    assert timeline.outage_days == (54, 55, 56)
    assert timeline.outage_dates[0] == dt.date(2025, 4, 26)
    inside = timeline.in_outage(np.array([53.9, 54.0, 56.99, 57.0]) * DAY)
    assert inside.tolist() == [False, True, True, False]
    with pytest.raises(ValueError, match=r"days must be at least 60 .*got days=59"):
        Timeline(dt.date(2025, 3, 3), 59)


@pytest.mark.parametrize(
    ("name", "folded"),
    [("Ó Briain", "obriain"), ("Weiß", "weiss"), ("O'Sullivan", "osullivan"), ("Zoë", "zoe")],
)
def test_names_fold_to_mail_friendly_ascii(name: str, folded: str) -> None:
    assert ascii_fold(name) == folded
