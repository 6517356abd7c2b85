"""Working on maps together: comments with @team mentions, customers' validations, each team's
touchpoints, and reviews that keep a map from quietly going stale.

The rows live in :mod:`journeymap.store.collaboration`; this module decides what they may
say. A comment or a validation must be about an item that exists in the journey's current
version, so nobody discusses a stage that was renamed away. A map is a hypothesis until
customers confirm it, so the validation summary keeps "nobody said" (hypothesis) apart
from "they agree" (confirmed) and "someone disagrees" (disputed). And a map describes a
moving business: it is stale when its review date has passed or when the data has drifted
from it (new events no touchpoint covers, moments the data classifies differently).

>>> collaboration = CollaborationService(store)  # doctest: +SKIP
>>> collaboration.comment("buy", "touchpoint", "payment", "@payments it times out",
...                       user_id=ada.id).mentions  # doctest: +SKIP
['payments']
>>> collaboration.staleness("buy").stale  # doctest: +SKIP
False
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from journeymap.analytics.scope import Scope, apply_scope
from journeymap.model import Journey, MomentKind, Opportunity, Touchpoint
from journeymap.model.canonical import EVENT
from journeymap.services.accounts import now_utc
from journeymap.store import NotFoundError, Store
from journeymap.store.collaboration import (
    VALIDATION_ITEM_KINDS,
    Comment,
    CustomerValidation,
    Review,
    check_item_kind,
)

if TYPE_CHECKING:
    from journeymap.moments import MomentImpacts
    from journeymap.services.analysis import AnalysisService

DEFAULT_REVIEW_EVERY_DAYS = 90
"""How often a journey is reviewed when its map does not say (``review_every_days``)."""

MAX_COMMENT_LENGTH = 10_000
MAX_VALIDATION_COMMENT_LENGTH = 2_000
VERDICTS = ("confirmed", "disputed")

ValidationState = Literal["hypothesis", "confirmed", "disputed"]

# "@web-team" but not "bob@web.com": a mention starts a word.
_MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9][A-Za-z0-9_-]*)")
_LISTED = 8  # ids an error message names before it says "and N more"


@dataclass(frozen=True, slots=True)
class Thread:
    """A comment and the replies to it, oldest first."""

    root: Comment
    replies: list[Comment]

    @property
    def resolved(self) -> bool:
        return self.root.resolved


@dataclass(frozen=True, slots=True)
class ItemValidation:
    """What customers said about one stage or touchpoint, counted."""

    item_kind: str
    item_id: str
    name: str
    confirmations: int
    disputes: int
    mean_feeling: float | None
    """The mean of the feelings given (-2 to +2); ``None`` when nobody gave one."""
    comments: int
    """How many of the answers came with words."""
    responses: int

    @property
    def state(self) -> ValidationState:
        """``disputed`` on any dispute, ``confirmed`` on confirmations only, else ``hypothesis``."""
        if self.disputes:
            return "disputed"
        return "confirmed" if self.confirmations else "hypothesis"


@dataclass(frozen=True, slots=True)
class ValidationSummary:
    """Every stage and touchpoint of a journey with what customers said about it."""

    journey_id: str
    items: list[ItemValidation]
    """In spine order: each stage, then its touchpoints."""
    last_validated_at: dt.datetime | None

    def for_item(self, item_kind: str, item_id: str) -> ItemValidation:
        """The summary of one item; ``KeyError`` when the journey has no such item."""
        for item in self.items:
            if (item.item_kind, item.item_id) == (item_kind, item_id):
                return item
        raise KeyError((item_kind, item_id))


@dataclass(frozen=True, slots=True)
class OwnedTouchpoint:
    """A touchpoint a team owns, where it sits, and the opportunities that would improve it."""

    journey_id: str
    journey_name: str
    stage_id: str
    stage_name: str
    touchpoint: Touchpoint
    opportunities: list[Opportunity]
    """The journey's opportunities that name this touchpoint, whoever owns them."""

    @property
    def moment(self) -> MomentKind:
        return self.touchpoint.moment


@dataclass(frozen=True, slots=True)
class OwnedOpportunity:
    """An opportunity a team owns, with its journey."""

    journey_id: str
    journey_name: str
    opportunity: Opportunity


@dataclass(frozen=True, slots=True)
class TeamWork:
    """What one team owns across every journey: its "my touchpoints" page."""

    team_id: str
    touchpoints: list[OwnedTouchpoint]
    opportunities: list[OwnedOpportunity]


@dataclass(frozen=True, slots=True)
class DataDrift:
    """Where the data has moved away from a map since its last review."""

    unmatched_event_types: list[str] = field(default_factory=list)
    """Event names no touchpoint matches that first occurred after the last review."""
    moments_changed: list[str] = field(default_factory=list)
    """Touchpoints whose moment kind on the map differs from what the data found."""

    @property
    def empty(self) -> bool:
        return not self.unmatched_event_types and not self.moments_changed


@dataclass(frozen=True, slots=True)
class Staleness:
    """Whether a journey needs another look, and why."""

    stale: bool
    reasons: list[str]
    review_due: dt.date
    last_reviewed_at: dt.datetime | None
    last_saved_at: dt.datetime
    review_every_days: int


class CollaborationService:
    """Comments, validations, ownership and reviews of one workspace's journeys."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], dt.datetime] = now_utc,
        review_every_days: int = DEFAULT_REVIEW_EVERY_DAYS,
    ) -> None:
        self.store = store
        self._rows = store.collaboration
        self._clock = clock
        self._review_every_days = review_every_days

    # -- comments --------------------------------------------------------------------------

    def comment(
        self,
        journey_id: str,
        item_kind: str,
        item_id: str,
        body: str,
        *,
        user_id: int,
        reply_to: int | None = None,
    ) -> Comment:
        """Comment on an item of a journey's current version (or reply to a comment).

        ``@team-id`` words that name a team of the workspace become the comment's
        mentions, so the team finds it; other ``@words`` stay plain text.
        """
        check_item_kind(item_kind)
        text = body.strip()
        if not text:
            raise ValueError("a comment needs some text")
        if len(text) > MAX_COMMENT_LENGTH:
            raise ValueError(
                f"a comment holds at most {MAX_COMMENT_LENGTH} characters, this one "
                f"{len(text)}; split it or link to a document"
            )
        check_item(self.store.journey_at(journey_id), item_kind, item_id)
        mentions = parse_mentions(text, [t.id for t in self.store.load_workspace().teams])
        return self._rows.add_comment(
            journey_id, item_kind, item_id, user_id=user_id, body=text, mentions=mentions,
            now=self._clock(), parent_id=reply_to,
        )  # fmt: skip

    def threads(
        self, journey_id: str, item_kind: str | None = None, item_id: str | None = None
    ) -> list[Thread]:
        """The comments on a journey (or a kind of item, or one item), thread by thread."""
        threads: list[Thread] = []
        for comment in self._rows.comments_on(journey_id, item_kind, item_id):
            if comment.parent_id is None:
                threads.append(Thread(comment, []))
            elif threads and threads[-1].root.id == comment.parent_id:
                threads[-1].replies.append(comment)
        return threads

    def resolve(self, comment_id: int, *, user_id: int) -> Comment:
        """Close a thread: its comment is marked resolved (the table keeps no resolver)."""
        del user_id  # who resolved is not stored yet; the edge authorises the call
        return self._rows.resolve_comment(comment_id, self._clock())

    def mentioning(self, team_id: str) -> list[Comment]:
        """Comments that mention a team, newest first."""
        return self._rows.comments_mentioning(team_id)

    # -- customers' validations ------------------------------------------------------------

    def validate(
        self,
        journey_id: str,
        item_kind: str,
        item_id: str,
        *,
        user_id: int,
        verdict: str | None = None,
        feeling: int | None = None,
        comment: str = "",
    ) -> CustomerValidation:
        """Record a customer's word on a stage or touchpoint; answering again replaces it.

        ``verdict`` is ``confirmed`` (that is how it was for me), ``disputed`` or ``None``;
        ``feeling`` from -2 (awful) to +2 (delighted) or ``None``.
        """
        check_item_kind(item_kind, VALIDATION_ITEM_KINDS)
        if verdict is not None and verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}; use confirmed, disputed or none")
        if feeling is not None and (
            isinstance(feeling, bool) or not isinstance(feeling, int) or not -2 <= feeling <= 2
        ):
            raise ValueError(f"a feeling is a whole number from -2 to 2, not {feeling!r}")
        text = comment.strip()
        if len(text) > MAX_VALIDATION_COMMENT_LENGTH:
            raise ValueError(
                f"a comment holds at most {MAX_VALIDATION_COMMENT_LENGTH} characters, this "
                f"one {len(text)}"
            )
        check_item(self.store.journey_at(journey_id), item_kind, item_id)
        return self._rows.record_validation(
            journey_id, item_kind, item_id, user_id=user_id, verdict=verdict,
            feeling=feeling, comment=text, now=self._clock(),
        )  # fmt: skip

    def validation_summary(self, journey_id: str) -> ValidationSummary:
        """Per stage and touchpoint of the current map: hypothesis, confirmed or disputed.

        Answers about items no longer on the map are left out of the items but still
        count for ``last_validated_at``.
        """
        journey = self.store.journey_at(journey_id)
        answers = self._rows.validations_of(journey_id)
        items = []
        for kind, item_id, name in _validated_items(journey):
            mine = [a for a in answers if (a.item_kind, a.item_id) == (kind, item_id)]
            feelings = [a.feeling for a in mine if a.feeling is not None]
            items.append(
                ItemValidation(
                    item_kind=kind,
                    item_id=item_id,
                    name=name,
                    confirmations=sum(a.verdict == "confirmed" for a in mine),
                    disputes=sum(a.verdict == "disputed" for a in mine),
                    mean_feeling=sum(feelings) / len(feelings) if feelings else None,
                    comments=sum(bool(a.comment) for a in mine),
                    responses=len(mine),
                )
            )
        latest = max((a.updated_at for a in answers), default=None)
        return ValidationSummary(journey_id, items, latest)

    # -- ownership -------------------------------------------------------------------------

    def my_touchpoints(self, team_id: str) -> TeamWork:
        """Every touchpoint and opportunity a team owns, across the current journeys."""
        workspace = self.store.load_workspace()
        known = [team.id for team in workspace.teams]
        if team_id not in known:
            raise NotFoundError(f"unknown team {team_id!r}; teams: {_listed(known)}")
        touchpoints = []
        opportunities = []
        for journey in workspace.journeys:
            for stage, touchpoint in journey.touchpoints():
                if touchpoint.owner_team == team_id:
                    touchpoints.append(
                        OwnedTouchpoint(
                            journey.id, journey.name, stage.id, stage.name, touchpoint,
                            [o for o in journey.opportunities if touchpoint.id in o.touchpoints],
                        )
                    )  # fmt: skip
            opportunities += [
                OwnedOpportunity(journey.id, journey.name, opportunity)
                for opportunity in journey.opportunities
                if opportunity.owner_team == team_id
            ]
        return TeamWork(team_id, touchpoints, opportunities)

    # -- reviews and staleness -------------------------------------------------------------

    def mark_reviewed(self, journey_id: str, *, user_id: int, note: str = "") -> Review:
        """Say the whole journey was looked at and still holds; its review clock restarts."""
        self.store.head(journey_id)  # NotFoundError for a journey that is not current
        return self._rows.add_review(
            journey_id, user_id=user_id, note=note.strip(), now=self._clock()
        )

    def staleness(
        self,
        journey_id: str,
        *,
        now: dt.datetime | None = None,
        drift: DataDrift | None = None,
    ) -> Staleness:
        """Whether a journey is past its review date or the data has drifted from it.

        The review date is the last review (or, before any, the first version) plus the
        journey's ``review_every_days`` (default: the workspace's, 90 days). ``drift``
        comes from :func:`data_drift`, which reads the events and so is the caller's call.
        """
        journey = self.store.journey_at(journey_id)
        every = journey.review_every_days or self._review_every_days
        since, review = review_baseline(self.store, journey_id)
        due = since.date() + dt.timedelta(days=every)
        today = (now or self._clock()).astimezone(dt.UTC).date()
        reasons = []
        if today > due:
            last = (
                f"last reviewed on {review.reviewed_at.date().isoformat()}"
                if review is not None
                else f"never reviewed since its first version on {since.date().isoformat()}"
            )
            reasons.append(f"the review was due on {due.isoformat()} (every {every} days; {last})")
        if drift is not None:
            reasons += _drift_reasons(drift)
        return Staleness(
            stale=bool(reasons),
            reasons=reasons,
            review_due=due,
            last_reviewed_at=None if review is None else review.reviewed_at,
            last_saved_at=self.store.head(journey_id).created_at,
            review_every_days=every,
        )


def data_drift(
    analysis: AnalysisService,
    journey_id: str,
    *,
    since: dt.datetime | None = None,
    impacts: MomentImpacts | None = None,
) -> DataDrift:
    """How the imported data has moved away from a journey since its last review.

    Unmatched event types are the coverage gaps (:meth:`AnalysisService.coverage`) whose
    first event came after ``since`` (default: the last review, or the first version);
    event time stands for arrival, as imports follow the events. Comparing moments needs
    the impact models, which are slow on real data, so it happens only when the caller
    passes ``impacts`` from :meth:`AnalysisService.moment_impacts`.
    """
    if since is None:
        since, _ = review_baseline(analysis.workspace.store, journey_id)
    uncovered = [row.event for row in analysis.coverage(journey_id).uncovered]
    new_types: list[str] = []
    if uncovered:
        before = apply_scope(analysis.events(), Scope(end=since))
        seen = before.filter(before[EVENT].isin(uncovered)).select(EVENT).distinct()
        known = set(seen.to_pyarrow()[EVENT].to_pylist())
        new_types = sorted(name for name in uncovered if name not in known)
    changed: list[str] = []
    if impacts is not None:
        changed = list(dict.fromkeys(v.touchpoint for v in impacts.verdicts if not v.agrees))
    return DataDrift(unmatched_event_types=new_types, moments_changed=changed)


def review_baseline(store: Store, journey_id: str) -> tuple[dt.datetime, Review | None]:
    """When a journey's review clock started: its last review, else its first version."""
    review = store.collaboration.last_review(journey_id)
    if review is not None:
        return review.reviewed_at, review
    return store.versions(journey_id)[0].created_at, None


def parse_mentions(body: str, team_ids: Iterable[str]) -> list[str]:
    """The teams a text mentions (``@support``), each once, in order of first mention.

    >>> parse_mentions("@web and @Support, not @nobody or ana@web.com", ["web", "support"])
    ['web', 'support']
    """
    known = set(team_ids)
    found: dict[str, None] = {}
    for word in _MENTION.findall(body):
        for candidate in (word.lower(), word.lower().rstrip("-_")):
            if candidate in known:
                found[candidate] = None
                break
    return list(found)


def check_item(journey: Journey, item_kind: str, item_id: str) -> None:
    """:class:`NotFoundError` unless the journey holds an item of this kind and id."""
    check_item_kind(item_kind)
    ids = _item_ids(journey, item_kind)
    if item_id not in ids:
        raise NotFoundError(
            f"journey {journey.id!r} has no {item_kind} {item_id!r} in its current version; "
            f"its {item_kind} ids: {_listed(ids)}"
        )


def _item_ids(journey: Journey, item_kind: str) -> list[str]:
    if item_kind == "journey":
        return [journey.id]
    if item_kind == "stage":
        return [stage.id for stage in journey.stages]
    if item_kind == "touchpoint":
        return [touchpoint.id for _, touchpoint in journey.touchpoints()]
    if item_kind == "opportunity":
        return [opportunity.id for opportunity in journey.opportunities]
    return [evidence.id for evidence in journey.evidence]


def _validated_items(journey: Journey) -> Iterable[tuple[str, str, str]]:
    for stage in journey.stages:
        yield "stage", stage.id, stage.name
        for touchpoint in stage.touchpoints:
            yield "touchpoint", touchpoint.id, touchpoint.name


def _listed(ids: list[str]) -> str:
    """A short list for an error message: big journeys must not make huge messages."""
    if not ids:
        return "none"
    shown = ", ".join(ids[:_LISTED])
    return shown if len(ids) <= _LISTED else f"{shown} and {len(ids) - _LISTED} more"


def _drift_reasons(drift: DataDrift) -> list[str]:
    reasons = []
    if drift.unmatched_event_types:
        names = drift.unmatched_event_types
        reasons.append(
            f"{len(names)} new event type{'s' if len(names) != 1 else ''} no touchpoint "
            f"covers since the last review: {_listed(names)}"
        )
    if drift.moments_changed:
        names = drift.moments_changed
        reasons.append(
            f"the data classifies {len(names)} touchpoint{'s' if len(names) != 1 else ''} "
            f"differently from the map: {_listed(names)}"
        )
    return reasons
