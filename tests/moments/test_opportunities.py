"""The opportunity backlog on a log with planted truths: a carrier that is late far more often
than the other, one bad week, a delighter most customers miss and a signal that does nothing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import ibis
import numpy as np
import pyarrow as pa
import pytest

from engines import Engine
from journeymap.model import (
    EventRule,
    ExperienceSignal,
    Impact,
    Journey,
    MomentKind,
    Outcome,
    Persona,
    SignalKind,
    Stage,
    Team,
    Touchpoint,
    Workspace,
)
from journeymap.moments import (
    OpportunityBacklog,
    SuggestedOpportunity,
    moment_impacts,
    suggest_opportunities,
)
from journeymap.moments.opportunities import BACKLOG_COLUMNS
from journeymap.services import JourneymapError, WorkspaceService

START = dt.datetime(2025, 6, 2, tzinfo=dt.UTC)  # a Monday
WEEKS = 8
BAD_WEEK = dt.date(2025, 6, 23)  # the fourth week: every carrier is late there

DELIVERY = Touchpoint(
    id="home-delivery",
    name="Home delivery",
    owner_team="logistics",
    moment=MomentKind.HYGIENE_FACTOR,
    event_rule=EventRule(events=["delivered"]),
    signals=[
        ExperienceSignal(
            id="late",
            name="Arrived late",
            kind=SignalKind.LATE,
            promised="promised_date",
            actual="delivered_date",
        )
    ],
)
WELCOME_CALL = Touchpoint(  # nobody owns it yet
    id="welcome-call",
    name="Welcome call",
    moment=MomentKind.DELIGHTER,
    event_rule=EventRule(events=["welcome_call"]),
    signals=[ExperienceSignal(id="called", name="Got a welcome call")],
)
NEWSLETTER = Touchpoint(
    id="newsletter",
    name="Newsletter",
    owner_team="crm",
    event_rule=EventRule(events=["newsletter_open"]),
    signals=[ExperienceSignal(id="opened", name="Opened the newsletter")],
)
JOURNEY = Journey(
    id="parcel-journey",
    name="Parcel journey",
    persona="shopper",
    stages=[
        Stage(id="delivery", name="Delivery", touchpoints=[DELIVERY, WELCOME_CALL, NEWSLETTER])
    ],
    outcomes=[
        Outcome(id="repeat", name="Bought again", event_rule=EventRule(events=["repeat_order"])),
        Outcome(
            id="stars", name="Review stars", event_rule=EventRule(events=["review"]), value="score"
        ),
    ],
)


@dataclass(frozen=True)
class PlantedLog:
    """The log and the truths behind it, per customer, to check the numbers by hand."""

    table: pa.Table
    carrier: np.ndarray
    week: np.ndarray
    late: np.ndarray
    welcome: np.ndarray
    repeat: np.ndarray
    stars: np.ndarray
    reviewed: np.ndarray


def planted_log(customers: int = 6000, seed: int = 3) -> PlantedLog:
    """SwiftShip is late 35 % of the time, ParcelPro 5 %, and every parcel of the bad week
    60 %; lateness cuts the chance of buying again from 45 % to 15 % and costs 1.7 review
    stars. ParcelPro's customers get a welcome call 30 % of the time, SwiftShip's 15 %; it
    adds 15 points to buying again. Half the customers open the newsletter: no effect."""
    rng = np.random.default_rng(seed)
    carrier = np.where(rng.random(customers) < 0.5, "ParcelPro", "SwiftShip")
    week = rng.integers(0, WEEKS, customers)
    mondays = np.array([START.date() + dt.timedelta(weeks=int(w)) for w in week])
    late_share = np.where(carrier == "ParcelPro", 0.05, 0.35)
    late_share = np.where(mondays == BAD_WEEK, 0.6, late_share)
    late = rng.random(customers) < late_share
    welcome = rng.random(customers) < np.where(carrier == "ParcelPro", 0.30, 0.15)
    repeat = rng.random(customers) < np.where(late, 0.15, 0.45) + 0.15 * welcome
    reviewed = rng.random(customers) < 0.5
    stars = np.clip(np.round(rng.normal(np.where(late, 2.5, 4.2), 0.7)), 1, 5)
    newsletter = rng.random(customers) < 0.5
    rows: dict[str, list[object]] = {key: [] for key in (
        "customer_id", "ts", "event", "carrier", "promised_date", "delivered_date", "score")}  # fmt: skip

    def add(c: int, at: dt.datetime, event: str, **extra: object) -> None:
        rows["customer_id"].append(f"c{c:05d}")
        rows["ts"].append(at)
        rows["event"].append(event)
        for key in ("carrier", "promised_date", "delivered_date", "score"):
            rows[key].append(extra.get(key))

    for c in range(customers):
        ordered = START + dt.timedelta(weeks=int(week[c]), days=int(rng.integers(0, 4)))
        add(c, ordered, "order")
        promised = (ordered + dt.timedelta(days=2)).date()
        delivered = promised + dt.timedelta(days=2 if late[c] else 0)
        add(c, ordered + dt.timedelta(days=2, hours=12), "delivered", carrier=str(carrier[c]),
            promised_date=promised, delivered_date=delivered)  # fmt: skip
        if welcome[c]:
            add(c, ordered + dt.timedelta(days=3), "welcome_call")
        if newsletter[c]:
            add(c, ordered + dt.timedelta(days=1), "newsletter_open")
        if reviewed[c]:
            add(c, ordered + dt.timedelta(days=5), "review", score=int(stars[c]))
        if repeat[c]:
            add(c, ordered + dt.timedelta(days=30), "repeat_order")
    table = pa.table(
        {
            "customer_id": rows["customer_id"],
            "ts": pa.array(rows["ts"], pa.timestamp("us", tz="UTC")),
            "event": rows["event"],
            "carrier": pa.array(rows["carrier"], pa.string()),
            "promised_date": pa.array(rows["promised_date"], pa.date32()),
            "delivered_date": pa.array(rows["delivered_date"], pa.date32()),
            "score": pa.array(rows["score"], pa.int64()),
        }
    )
    return PlantedLog(table, carrier, mondays, late, welcome, repeat, stars, reviewed)


@pytest.fixture(scope="module")
def log() -> PlantedLog:
    return planted_log()


@pytest.fixture(scope="module")
def backlog(log: PlantedLog) -> OpportunityBacklog:
    events = ibis.memtable(log.table)
    impacts = moment_impacts(events, JOURNEY)
    return suggest_opportunities(events, JOURNEY, impacts, segment="carrier")


def by_id(backlog: OpportunityBacklog, suggestion_id: str) -> SuggestedOpportunity:
    return backlog.suggestion(suggestion_id)


def test_late_delivery_is_ranked_first_with_its_owner_and_the_good_carrier(
    backlog: OpportunityBacklog,
) -> None:
    top = backlog.suggestions[0]
    assert (top.touchpoint, top.signal, top.direction) == ("home-delivery", "late", "fix")
    assert top.owner == "logistics"
    assert top.best_segment is not None
    assert top.best_segment.label == "ParcelPro"
    assert top.worst_segment is not None
    assert top.worst_segment.label == "SwiftShip"
    assert top.basis == "best segment"
    assert top.title.startswith("Home delivery: cut 'Arrived late' from ")
    assert "like carrier ParcelPro" in top.title
    assert top.expected_impact is Impact.HIGH


def test_the_expected_gain_matches_a_hand_calculation(
    log: PlantedLog, backlog: OpportunityBacklog
) -> None:
    found = by_id(backlog, "home-delivery-late-repeat")
    n = len(log.late)
    current = log.late.mean()
    parcel_pro = log.late[log.carrier == "ParcelPro"].mean()
    per_customer = log.repeat[~log.late].mean() - log.repeat[log.late].mean()
    assert found.customers == n
    assert found.customers_affected == int(log.late.sum())
    assert found.current_rate == pytest.approx(current)
    assert found.best_segment is not None
    assert found.best_segment.rate == pytest.approx(parcel_pro)
    expected = (current - parcel_pro) * n * per_customer  # repeat buyers gained
    assert found.gain_like_segment == pytest.approx(expected)
    assert found.relative_gain == pytest.approx(expected / log.repeat.sum())
    # Review stars: counted among the customers who reviewed, in stars.
    stars = by_id(backlog, "home-delivery-late-stars")
    reviewed = log.reviewed
    late_reviewed = log.late[reviewed]
    star_gain = (
        (late_reviewed.mean() - late_reviewed[log.carrier[reviewed] == "ParcelPro"].mean())
        * reviewed.sum()
        * (log.stars[reviewed & ~log.late].mean() - log.stars[reviewed & log.late].mean())
    )
    assert stars.customers == int(reviewed.sum())
    assert stars.gain_like_segment == pytest.approx(star_gain)
    assert "'Review stars' in total" in stars.gain_text


def test_the_planted_bad_week_is_the_worst_and_never_the_benchmark(
    log: PlantedLog, backlog: OpportunityBacklog
) -> None:
    found = by_id(backlog, "home-delivery-late-repeat")
    assert found.worst_week is not None
    assert found.worst_week.label == BAD_WEEK.isoformat()
    assert found.best_week is not None
    assert found.best_week.label != BAD_WEEK.isoformat()
    # The first week of the log is never a benchmark (its journeys are cut short); the
    # weeks that may be hold every customer but those of the first week.
    first = START.date()
    usable = log.week != first
    best = dt.date.fromisoformat(found.best_week.label)
    current = log.late[usable].mean()
    best_rate = log.late[log.week == best].mean()
    assert found.best_week.rate == pytest.approx(best_rate)
    per_customer = log.repeat[~log.late].mean() - log.repeat[log.late].mean()
    expected = (current - best_rate) * usable.sum() * per_customer
    assert found.gain_like_week == pytest.approx(expected)


def test_a_delighter_most_customers_miss_is_suggested_to_spread(
    log: PlantedLog, backlog: OpportunityBacklog
) -> None:
    found = by_id(backlog, "welcome-call-called-repeat")
    assert found.direction == "spread"
    assert found.owner == "unowned"
    assert found.best_segment is not None
    assert found.best_segment.label == "ParcelPro"
    assert found.customers_affected == int((~log.welcome).sum())  # who did not get it
    assert found.gain > 0
    assert found.title.startswith("Welcome call: raise 'Got a welcome call' from ")


def test_a_signal_with_no_effect_is_never_suggested(backlog: OpportunityBacklog) -> None:
    assert all(s.touchpoint != "newsletter" for s in backlog.suggestions)


def test_the_backlog_is_ranked_by_relative_gain_and_flattens_to_rows(
    backlog: OpportunityBacklog,
) -> None:
    gains = [s.relative_gain for s in backlog.suggestions]
    assert gains == sorted(gains, reverse=True)
    rows = backlog.rows()
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
    assert all(tuple(row) == BACKLOG_COLUMNS for row in rows)
    assert rows[0]["owner_team"] == "logistics"
    assert backlog.to_arrow().num_rows == len(rows)
    with pytest.raises(KeyError, match="the backlog holds"):
        backlog.suggestion("no-such-suggestion")


def test_the_same_numbers_on_every_engine(engine: Engine, backlog: OpportunityBacklog) -> None:
    log = planted_log(customers=1500, seed=4)
    here = engine.table(log.table)
    impacts = moment_impacts(here, JOURNEY)
    found = suggest_opportunities(here, JOURNEY, impacts, segment="carrier", min_customers=50)
    reference = suggest_opportunities(
        ibis.memtable(log.table), JOURNEY, moment_impacts(ibis.memtable(log.table), JOURNEY),
        segment="carrier", min_customers=50,
    )  # fmt: skip
    assert [s.id for s in found.suggestions] == [s.id for s in reference.suggestions]
    assert found.suggestions[0].id == "home-delivery-late-repeat"
    for mine, theirs in zip(found.suggestions, reference.suggestions, strict=True):
        assert mine.gain == pytest.approx(theirs.gain)
        assert mine.best_week == theirs.best_week


def test_a_small_lucky_group_is_no_benchmark(log: PlantedLog) -> None:
    events = ibis.memtable(log.table)
    impacts = moment_impacts(events, JOURNEY)
    strict = suggest_opportunities(events, JOURNEY, impacts, segment="carrier",
                                   min_customers=len(log.late))  # fmt: skip
    assert strict.suggestions == ()
    assert any("did clearly better" in note for note in strict.notes)


def test_a_missing_segment_column_is_named(log: PlantedLog) -> None:
    events = ibis.memtable(log.table)
    impacts = moment_impacts(events, JOURNEY)
    with pytest.raises(ValueError, match=r"no such column; their columns are: .*carrier"):
        suggest_opportunities(events, JOURNEY, impacts, segment="country")


def test_accepting_puts_the_opportunity_on_the_stored_map_once(
    tmp_path: Path, log: PlantedLog, backlog: OpportunityBacklog
) -> None:
    with WorkspaceService.init(tmp_path / "shop") as service:
        service.save(
            Workspace(
                personas=[Persona(id="shopper", name="Shopper")],
                teams=[Team(id="logistics", name="Logistics"), Team(id="crm", name="CRM")],
                journeys=[JOURNEY],
            ),
            message="the map",
        )
        suggestion = backlog.suggestions[0]
        info = service.add_opportunity(JOURNEY.id, suggestion.to_opportunity())
        assert info.number == 2
        saved = service.journey(JOURNEY.id).opportunities
        assert [o.id for o in saved] == [suggestion.id]
        assert saved[0].owner_team == "logistics"
        assert saved[0].touchpoints == ["home-delivery"]
        assert saved[0].source == "suggested"
        assert saved[0].outcome == suggestion.outcome
        assert saved[0].expected_gain == pytest.approx(suggestion.gain, abs=0.01)
        assert "ParcelPro" in saved[0].description
        assert suggestion.id in service.layout.map_file.read_text(encoding="utf-8")
        with pytest.raises(JourneymapError, match="already has an opportunity"):
            service.add_opportunity(JOURNEY.id, suggestion.to_opportunity())
        assert [v.number for v in service.versions(JOURNEY.id)] == [1, 2]  # nothing saved
        events = ibis.memtable(log.table)
        accepted = service.journey(JOURNEY.id)
        again = suggest_opportunities(
            events, accepted, moment_impacts(events, accepted), segment="carrier"
        )
        assert again.suggestion(suggestion.id).on_map


def test_the_moments_page_backlog_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The page's main example is the one ```python block tests/moments/test_moments_docs.py
    # runs; the backlog's example is fenced ```py so that each test runs its own.
    from journeymap.services import build_demo

    build_demo(tmp_path / "demo-workspace", customers=3000, seed=5)
    page = Path(__file__).resolve().parents[2] / "docs" / "moments.md"
    [snippet] = re.findall(r"```py\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, str(page), "exec"), {})
    printed = capsys.readouterr().out
    assert "1. home-delivery-late-" in printed
    assert "owner: logistics" in printed
