"""Collaboration use cases: comment threads with @team mentions, customers' validations and
their summary, each team's touchpoints, and when a journey goes stale (by date, by drift)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from journeymap.model import (
    EventRule,
    Evidence,
    EvidenceSource,
    Journey,
    MomentKind,
    Opportunity,
    Persona,
    Stage,
    Team,
    Touchpoint,
    Workspace,
)
from journeymap.moments import MomentImpacts
from journeymap.moments.impact import MomentVerdict
from journeymap.services import (
    AnalysisService,
    CollaborationService,
    DataDrift,
    WorkspaceService,
    data_drift,
)
from journeymap.services.collaboration import parse_mentions
from journeymap.store import NotFoundError, Store, sqlite_url

T0 = dt.datetime(2025, 5, 1, 9, 0, tzinfo=dt.UTC)


def shop() -> Workspace:
    return Workspace(
        personas=[Persona(id="parent", name="Busy parent")],
        teams=[
            Team(id="web", name="Web"),
            Team(id="payments", name="Payments"),
            Team(id="support-team", name="Support"),
        ],
        journeys=[
            Journey(
                id="buy",
                name="Buying",
                persona="parent",
                stages=[
                    Stage(
                        id="browse",
                        name="Browse",
                        touchpoints=[
                            Touchpoint(
                                id="search",
                                name="Search",
                                owner_team="web",
                                event_rule=EventRule(events=["search"]),
                            ),
                        ],
                    ),
                    Stage(
                        id="checkout",
                        name="Checkout",
                        touchpoints=[
                            Touchpoint(
                                id="payment",
                                name="Payment",
                                owner_team="web",
                                moment=MomentKind.PAIN_POINT,
                                event_rule=EventRule(events=["payment"]),
                            ),
                            Touchpoint(id="receipt", name="Receipt", owner_team="payments"),
                        ],
                    ),
                ],
                evidence=[
                    Evidence(
                        id="interview-1",
                        source=EvidenceSource.INTERVIEW,
                        text="The card form timed out.",
                        touchpoint="payment",
                    )
                ],
                opportunities=[
                    Opportunity(
                        id="retry",
                        title="Keep the basket",
                        owner_team="payments",
                        touchpoints=["payment"],
                    ),
                    Opportunity(
                        id="faster-search",
                        title="Faster search",
                        owner_team="web",
                        touchpoints=["search"],
                    ),
                ],
            ),
            Journey(
                id="return",
                name="Returning",
                persona="parent",
                review_every_days=7,
                stages=[
                    Stage(
                        id="request",
                        name="Request",
                        touchpoints=[
                            Touchpoint(
                                id="form",
                                name="Return form",
                                owner_team="web",
                                moment=MomentKind.DELIGHTER,
                            ),
                        ],
                    )
                ],
            ),
        ],
    )


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(sqlite_url(tmp_path / "journeymap.db")) as opened:
        opened.save_workspace(shop(), author="ana", message="first maps")
        yield opened


@pytest.fixture
def clock(store: Store) -> Clock:
    # Versions are stamped by the store's own clock; start the test's clock there.
    return Clock(store.versions("buy")[0].created_at)


@pytest.fixture
def service(store: Store, clock: Clock) -> CollaborationService:
    return CollaborationService(store, clock=clock)


def user(store: Store, name: str, role: str = "editor") -> int:
    return store.people.add_user(
        username=name, display_name=name.title(), role=role, password_hash=None, now=T0
    ).id


# -- comments -----------------------------------------------------------------------------


def test_replies_gather_under_their_thread(
    service: CollaborationService, store: Store, clock: Clock
) -> None:
    ana, bo = user(store, "ana"), user(store, "bo")
    first = service.comment("buy", "touchpoint", "payment", "Card form times out", user_id=ana)
    clock.advance(minutes=1)
    other = service.comment("buy", "touchpoint", "payment", "Too many fields", user_id=bo)
    clock.advance(minutes=1)
    reply = service.comment("buy", "touchpoint", "payment", "Seen it too", user_id=bo,
                            reply_to=first.id)  # fmt: skip
    clock.advance(minutes=1)
    service.comment("buy", "touchpoint", "payment", "On it", user_id=ana, reply_to=reply.id)
    service.comment("buy", "journey", "buy", "Overall fine", user_id=ana)

    threads = service.threads("buy", "touchpoint", "payment")
    assert [(t.root.body, [r.body for r in t.replies]) for t in threads] == [
        ("Card form times out", ["Seen it too", "On it"]),
        ("Too many fields", []),
    ]
    assert threads[0].replies[0].created_at == first.created_at + dt.timedelta(minutes=2)
    assert [t.root.id for t in service.threads("buy")] == [first.id, other.id, first.id + 4]
    assert service.threads("buy", "stage") == []

    with pytest.raises(ValueError, match="same item"):
        service.comment("buy", "touchpoint", "search", "x", user_id=ana, reply_to=first.id)
    resolved = service.resolve(first.id, user_id=bo)
    assert resolved.resolved_at == clock.now
    assert service.threads("buy", "touchpoint", "payment")[0].resolved


def test_mentions_are_only_the_workspaces_teams(
    service: CollaborationService, store: Store
) -> None:
    ana = user(store, "ana")
    comment = service.comment(
        "buy", "touchpoint", "payment",
        "@payments and @support-team, please look; cc @nobody and ana@web.com. @Web too, @payments",
        user_id=ana,
    )  # fmt: skip
    assert comment.mentions == ["payments", "support-team", "web"]
    assert "@nobody" in comment.body  # unknown @words stay as written
    assert [c.id for c in service.mentioning("payments")] == [comment.id]
    assert service.mentioning("marketing") == []


def test_parse_mentions_takes_trailing_punctuation_off() -> None:
    teams = ["web", "support-team"]
    assert parse_mentions("ask @web- or @support-team_", teams) == ["web", "support-team"]
    assert parse_mentions("email@web", teams) == []
    assert parse_mentions("no mentions", teams) == []


def test_comments_need_an_item_of_the_current_version(
    service: CollaborationService, store: Store
) -> None:
    ana = user(store, "ana")
    with pytest.raises(NotFoundError, match=r"no touchpoint 'checkout'.*search, payment, receipt"):
        service.comment("buy", "touchpoint", "checkout", "x", user_id=ana)
    with pytest.raises(NotFoundError, match="no journey 'return'"):
        service.comment("buy", "journey", "return", "x", user_id=ana)
    with pytest.raises(NotFoundError, match="nowhere"):
        service.comment("nowhere", "journey", "nowhere", "x", user_id=ana)
    with pytest.raises(ValueError, match="journey, stage, touchpoint, opportunity, evidence"):
        service.comment("buy", "outcome", "converted", "x", user_id=ana)
    with pytest.raises(ValueError, match="needs some text"):
        service.comment("buy", "journey", "buy", "   ", user_id=ana)
    for kind, item in [("stage", "browse"), ("opportunity", "retry"),
                       ("evidence", "interview-1")]:  # fmt: skip
        assert service.comment("buy", kind, item, "ok", user_id=ana).item_id == item


def test_a_big_journey_does_not_make_a_huge_message(store: Store, clock: Clock) -> None:
    stages = [Stage(id=f"s{i}", name=f"Stage {i}") for i in range(50)]
    big = Journey(id="big", name="Big", persona="parent", stages=stages)
    store.save_journey(big, author="ana", message="big", base_version=None)
    with pytest.raises(NotFoundError) as refused:
        CollaborationService(store, clock=clock).comment(
            "big", "stage", "s99", "x", user_id=user(store, "ana")
        )
    assert "s0, s1" in str(refused.value)
    assert "and 42 more" in str(refused.value)
    assert "s49" not in str(refused.value)


# -- validations --------------------------------------------------------------------------


def test_a_customer_answering_again_replaces_the_answer(
    service: CollaborationService, store: Store, clock: Clock
) -> None:
    cy = user(store, "cy", role="customer")
    first = service.validate("buy", "touchpoint", "payment", user_id=cy, verdict="confirmed",
                             feeling=-1, comment="  Slow  ")  # fmt: skip
    clock.advance(hours=1)
    again = service.validate("buy", "touchpoint", "payment", user_id=cy, verdict="disputed",
                             feeling=-2)  # fmt: skip
    assert first.comment == "Slow"
    assert again.id == first.id
    assert (again.verdict, again.feeling, again.updated_at) == ("disputed", -2, clock.now)
    assert len(store.collaboration.validations_of("buy")) == 1


@pytest.mark.parametrize(
    ("kind", "item", "answer", "message"),
    [
        ("touchpoint", "payment", {"feeling": 3}, "from -2 to 2, not 3"),
        ("touchpoint", "payment", {"feeling": True}, "from -2 to 2"),
        ("touchpoint", "payment", {"verdict": "maybe"}, "confirmed, disputed or none"),
        ("touchpoint", "payment", {"comment": "x" * 2001}, "at most 2000 characters"),
        ("opportunity", "retry", {}, "use one of stage, touchpoint"),
    ],
)
def test_validations_are_checked(
    service: CollaborationService,
    store: Store,
    kind: str,
    item: str,
    answer: dict[str, object],
    message: str,
) -> None:
    cy = user(store, "cy", role="customer")
    with pytest.raises(ValueError, match=message):
        service.validate("buy", kind, item, user_id=cy, **answer)  # type: ignore[arg-type]


def test_validating_an_unknown_stage_is_not_found(
    service: CollaborationService, store: Store
) -> None:
    cy = user(store, "cy", role="customer")
    with pytest.raises(NotFoundError, match=r"no stage 'pay'.*browse, checkout"):
        service.validate("buy", "stage", "pay", user_id=cy, verdict="confirmed")


def test_summary_states_counts_and_mean_feeling(
    service: CollaborationService, store: Store, clock: Clock
) -> None:
    cy, di, ed = (user(store, name, role="customer") for name in ("cy", "di", "ed"))
    service.validate("buy", "touchpoint", "payment", user_id=cy, verdict="confirmed", feeling=-2,
                     comment="awful")  # fmt: skip
    service.validate("buy", "touchpoint", "payment", user_id=di, verdict="disputed", feeling=1)
    service.validate("buy", "touchpoint", "payment", user_id=ed, verdict="confirmed")
    service.validate("buy", "touchpoint", "search", user_id=cy, verdict="confirmed", feeling=2)
    service.validate("buy", "touchpoint", "search", user_id=di, verdict="confirmed", feeling=1)
    clock.advance(days=2)
    service.validate("buy", "stage", "checkout", user_id=cy, feeling=0, comment="meh")

    summary = service.validation_summary("buy")
    payment = summary.for_item("touchpoint", "payment")
    assert (payment.state, payment.confirmations, payment.disputes) == ("disputed", 2, 1)
    assert (payment.mean_feeling, payment.comments, payment.responses) == (-0.5, 1, 3)
    search = summary.for_item("touchpoint", "search")
    assert (search.state, search.confirmations, search.mean_feeling) == ("confirmed", 2, 1.5)
    checkout = summary.for_item("stage", "checkout")  # a feeling, no verdict
    assert (checkout.state, checkout.mean_feeling, checkout.comments) == ("hypothesis", 0.0, 1)
    receipt = summary.for_item("touchpoint", "receipt")  # nobody answered
    assert (receipt.state, receipt.responses, receipt.mean_feeling) == ("hypothesis", 0, None)
    assert [(i.item_kind, i.item_id) for i in summary.items] == [
        ("stage", "browse"), ("touchpoint", "search"), ("stage", "checkout"),
        ("touchpoint", "payment"), ("touchpoint", "receipt"),
    ]  # fmt: skip
    assert summary.last_validated_at == clock.now
    assert service.validation_summary("return").last_validated_at is None
    with pytest.raises(KeyError):
        summary.for_item("touchpoint", "form")


# -- ownership ----------------------------------------------------------------------------


def test_my_touchpoints_cross_every_journey(service: CollaborationService) -> None:
    web = service.my_touchpoints("web")
    assert [(t.journey_id, t.stage_id, t.touchpoint.id, t.moment) for t in web.touchpoints] == [
        ("buy", "browse", "search", MomentKind.NONE),
        ("buy", "checkout", "payment", MomentKind.PAIN_POINT),
        ("return", "request", "form", MomentKind.DELIGHTER),
    ]
    assert [o.id for o in web.touchpoints[1].opportunities] == ["retry"]
    assert web.touchpoints[1].stage_name == "Checkout"
    assert [(o.journey_id, o.opportunity.id) for o in web.opportunities] == [
        ("buy", "faster-search")
    ]
    payments = service.my_touchpoints("payments")
    assert [t.touchpoint.id for t in payments.touchpoints] == ["receipt"]
    assert [o.opportunity.id for o in payments.opportunities] == ["retry"]
    assert service.my_touchpoints("support-team").touchpoints == []
    with pytest.raises(NotFoundError, match="unknown team 'sales'; teams: web, payments"):
        service.my_touchpoints("sales")


# -- reviews and staleness ----------------------------------------------------------------


def test_a_journey_goes_stale_after_its_review_date(
    service: CollaborationService, store: Store, clock: Clock
) -> None:
    created = clock.now
    fresh = service.staleness("buy")
    assert not fresh.stale
    assert fresh.reasons == []
    assert fresh.review_due == created.date() + dt.timedelta(days=90)
    assert (fresh.review_every_days, fresh.last_reviewed_at) == (90, None)
    assert fresh.last_saved_at == store.head("buy").created_at

    assert not service.staleness("buy", now=created + dt.timedelta(days=90)).stale
    late = service.staleness("buy", now=created + dt.timedelta(days=91))
    assert late.stale
    assert late.reasons == [
        f"the review was due on {fresh.review_due.isoformat()} (every 90 days; never "
        f"reviewed since its first version on {created.date().isoformat()})"
    ]

    # The journey's own cadence wins over the workspace's.
    assert service.staleness("return", now=created + dt.timedelta(days=8)).stale

    clock.advance(days=95)
    review = service.mark_reviewed("buy", user_id=user(store, "ana"), note=" all true ")
    assert (review.note, review.reviewed_at) == ("all true", clock.now)
    reviewed = service.staleness("buy")
    assert not reviewed.stale
    assert reviewed.last_reviewed_at == clock.now
    assert reviewed.review_due == clock.now.date() + dt.timedelta(days=90)
    clock.advance(days=91)
    assert "last reviewed on" in service.staleness("buy").reasons[0]


def test_the_workspace_default_cadence_is_a_setting(store: Store, clock: Clock) -> None:
    service = CollaborationService(store, clock=clock, review_every_days=30)
    assert service.staleness("buy").review_every_days == 30
    assert service.staleness("buy", now=clock.now + dt.timedelta(days=31)).stale


def test_drift_makes_a_journey_stale_with_its_reasons(service: CollaborationService) -> None:
    assert not service.staleness("buy", drift=DataDrift()).stale
    drifted = service.staleness(
        "buy", drift=DataDrift(unmatched_event_types=["chat_opened"], moments_changed=["payment"])
    )
    assert drifted.stale
    assert drifted.reasons == [
        "1 new event type no touchpoint covers since the last review: chat_opened",
        "the data classifies 1 touchpoint differently from the map: payment",
    ]


def test_reviewing_a_journey_that_is_not_there_is_not_found(
    service: CollaborationService, store: Store
) -> None:
    with pytest.raises(NotFoundError):
        service.mark_reviewed("nowhere", user_id=user(store, "ana"))
    with pytest.raises(NotFoundError):
        service.staleness("nowhere")


def test_data_drift_finds_event_types_new_since_the_review(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    WorkspaceService.init(folder).close()
    events = tmp_path / "events.csv"
    events.write_text(
        "customer_id,ts,event\n"
        "c1,2025-04-01T10:00:00Z,search\n"
        "c1,2025-04-01T10:05:00Z,wishlist\n"  # uncovered, but there before the review
        "c1,2025-05-20T10:00:00Z,wishlist\n"
        "c2,2025-05-20T10:00:00Z,payment\n"
        "c2,2025-05-21T10:00:00Z,chat_opened\n"  # uncovered and new
        "c3,2025-05-22T10:00:00Z,coupon\n",  # uncovered and new
        encoding="utf-8",
    )
    with AnalysisService.open(folder) as analysis:
        analysis.workspace.save(shop(), message="maps")
        analysis.import_events([events])
        store = analysis.workspace.store
        service = CollaborationService(store, clock=Clock(dt.datetime(2025, 5, 1, tzinfo=dt.UTC)))
        service.mark_reviewed("buy", user_id=user(store, "ana"))

        drift = data_drift(analysis, "buy")
        assert drift.unmatched_event_types == ["chat_opened", "coupon"]
        assert drift.moments_changed == []
        everything = data_drift(analysis, "buy", since=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        assert everything.unmatched_event_types == ["chat_opened", "coupon", "wishlist"]

        verdicts = (
            MomentVerdict("payment", "converted", MomentKind.HYGIENE_FACTOR,
                          MomentKind.PAIN_POINT, ("payment:happened",)),
            MomentVerdict("search", "converted", MomentKind.NONE, MomentKind.NONE, ()),
            MomentVerdict("payment", "churned", MomentKind.DELIGHTER, MomentKind.PAIN_POINT, ()),
        )  # fmt: skip
        impacts = MomentImpacts(impacts=(), verdicts=verdicts, customers=3, model_customers=3,
                                fdr=0.05)  # fmt: skip
        assert data_drift(analysis, "buy", impacts=impacts).moments_changed == ["payment"]
        assert service.staleness("buy", drift=drift).stale
