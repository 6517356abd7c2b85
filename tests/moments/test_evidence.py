"""Evidence behind a moment: example customers who lived it, with the outcome it goes with,
and their paths around it; on DuckDB and Spark."""

from __future__ import annotations

import datetime as dt

import pytest
from test_impact import JOURNEY, planted_log

from engines import Engine
from journeymap.moments import moment_evidence

CUSTOMERS = 400


@pytest.fixture
def planted(engine: Engine):  # type: ignore[no-untyped-def]
    return engine.table(planted_log(CUSTOMERS, seed=4))


def _truth() -> dict[str, dict[str, object]]:
    """Per customer of the planted log: late, and lost (no repeat order)."""
    table = planted_log(CUSTOMERS, seed=4).to_pylist()
    truth: dict[str, dict[str, object]] = {}
    for row in table:
        person = truth.setdefault(row["customer_id"], {"late": False, "lost": False})
        if row["event"] == "delivery" and row["delivered_date"] > row["promised_date"]:
            person["late"] = True
        if row["event"] == "goodbye":
            person["lost"] = True
    return truth


def test_examples_lived_the_moment_and_had_the_outcome_it_goes_with(planted) -> None:  # type: ignore[no-untyped-def]
    found = moment_evidence(planted, JOURNEY, "delivery:late", outcome="lost", examples=4)
    truth = _truth()
    assert found.side == "worse"  # late parcels go with more lost customers
    assert found.lived_by == sum(1 for t in truth.values() if t["late"] and t["lost"])
    assert len(found.examples) == 4
    for example in found.examples:
        assert truth[example.customer_id] == {"late": True, "lost": True}
        assert example.outcome is True
        lived = [step for step in example.steps if step.lived]
        assert [step.touchpoint for step in lived] == ["delivery"]
        assert example.steps[0].ts <= lived[0].ts <= example.steps[-1].ts
        assert "delivery [lived]" in example.text()


def test_a_favourable_moment_shows_customers_with_the_good_outcome(planted) -> None:  # type: ignore[no-untyped-def]
    found = moment_evidence(planted, JOURNEY, "welcome:had", outcome="repeat", examples=3)
    assert found.side == "better"
    assert [e.outcome for e in found.examples] == [True, True, True]


def test_the_choice_is_deterministic_and_the_seed_changes_it(planted) -> None:  # type: ignore[no-untyped-def]
    first = moment_evidence(planted, JOURNEY, "delivery:late", examples=3)
    again = moment_evidence(planted, JOURNEY, "delivery:late", examples=3)
    other = moment_evidence(planted, JOURNEY, "delivery:late", examples=3, seed=9)
    assert [e.customer_id for e in first.examples] == [e.customer_id for e in again.examples]
    assert [e.customer_id for e in first.examples] != [e.customer_id for e in other.examples]
    assert first.outcome is None
    assert first.side is None


def test_paths_are_cut_around_the_moment(planted) -> None:  # type: ignore[no-untyped-def]
    whole = moment_evidence(planted, JOURNEY, "delivery:late", examples=3, around=100)
    cut = moment_evidence(planted, JOURNEY, "delivery:late", examples=3, around=0)
    for full, short in zip(whole.examples, cut.examples, strict=True):
        assert full.customer_id == short.customer_id
        assert [step.lived for step in short.steps] == [True]
        assert short.skipped_before + 1 + short.skipped_after == len(full.steps)
        assert full.skipped_before == full.skipped_after == 0
    assert any(e.skipped_before for e in cut.examples)  # confirmations come before delivery
    assert "earlier) > delivery [lived]" in next(e for e in cut.examples if e.skipped_before).text()


def test_observation_window_keeps_paths_before_the_cut_off(planted) -> None:  # type: ignore[no-untyped-def]
    cut = dt.datetime(2025, 6, 5, tzinfo=dt.UTC)  # after delivery (60 h), before the outcome
    found = moment_evidence(planted, JOURNEY, "delivery:late", outcome="lost", observed_before=cut)
    assert found.examples
    assert all(step.ts < cut for e in found.examples for step in e.steps)


def test_unknown_signals_and_outcomes_are_named(planted) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=r"no signal 'delivery:lost'.*delivery:late"):
        moment_evidence(planted, JOURNEY, "delivery:lost")
    with pytest.raises(ValueError, match=r"no outcome 'happy'.*repeat"):
        moment_evidence(planted, JOURNEY, "delivery:late", outcome="happy")
