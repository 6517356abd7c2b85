"""Hypothesis strategies for valid journeymap workspaces, shared by round-trip tests.

``workspaces()`` builds workspaces that pass both pydantic validation and
:func:`journeymap.model.find_problems`: ids match the Identifier pattern and are unique
where the model demands it, every reference (persona, owner team, evidence stage and
touchpoint, opportunity touchpoints, funnel steps) resolves, rules parse, and the model's own invariants
(impact rank needs a moment, confirmed needs confirmers...) hold. Text includes what YAML,
JSON and SQL like to get wrong: ``yes``, ``null``, ``1.0``, ``#``, leading spaces, line
breaks of every kind, non-ASCII and astral characters.

Sizes stay small so a property test of 50-100 examples runs in seconds.
"""

from __future__ import annotations

import keyword
import string
from collections.abc import Sequence

from hypothesis import strategies as st

from journeymap.model import (
    Channel,
    EffortLevel,
    Emotion,
    EventRule,
    Evidence,
    EvidenceSource,
    ExperienceSignal,
    Funnel,
    Impact,
    Journey,
    MomentKind,
    Opportunity,
    OpportunityStatus,
    Outcome,
    OutcomePolarity,
    Performance,
    Persona,
    SignalKind,
    Stage,
    StakeholderTier,
    Team,
    Touchpoint,
    Validation,
    ValidationStatus,
    Workspace,
)

TRICKY_TEXTS: tuple[str, ...] = (
    "",
    " ",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "1",
    "-1",
    "1.0",
    "1e3",
    "1_000",
    "0x1A",
    "0o17",
    "017",
    "12:30:00",
    ".inf",
    "-.Inf",
    ".nan",
    "2024-01-05",
    "2001-12-14t21:59:43.10-05:00",
    "#",
    "# not a comment",
    "a #b",
    "a: b",
    "key:",
    "- item",
    "-",
    "?",
    "? x",
    ":",
    "[a, b]",
    "{a: 1}",
    "*alias",
    "&anchor",
    "!tag",
    "!!str",
    "%YAML",
    "@at",
    "`tick",
    "|",
    ">",
    "'",
    '"',
    "'quoted'",
    '"double"',
    "\\",
    "<<",
    "=",
    "---",
    "...",
    " leading space",
    "trailing space ",
    "  both  ",
    "line\nbreak",
    "\n",
    "\n\n",
    "ends with newline\n",
    "ends with two\n\n",
    "\nstarts with newline",
    "  indented\nblock",
    "trailing spaces  \nnext",
    "tab\there",
    "\t",
    "windows\r\nline",
    "\r",
    "next\x85line",
    "line\u2028separator",
    "para\u2029separator",
    "\ufeffbom",
    "zero\u200bwidth",
    "no\xa0break",
    "bell\x07",
    "esc\x1b[31m",
    "del\x7f",
    "é ünïcödé",
    "日本語のテキスト",
    "🚀 rocket",
    "x" * 130,
)
"""Strings that YAML (1.1, as PyYAML reads it) would misread if written unquoted."""

TRICKY_IDS: tuple[str, ...] = (
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "true",
    "false",
    "null",
    "0",
    "1",
    "007",
    "1_000",
    "0x1f",
    "0o17",
    "1e3",
    "2024-01-05",
    "a",
    "a-",
    "9_",
    "x" * 64,
)
"""Valid ids that YAML would read as booleans, numbers or dates when unquoted."""

_NAMED_CONSTANTS = frozenset({"true", "false", "null", "True", "False", "None"})


def texts(*, min_size: int = 0, max_size: int = 20) -> st.SearchStrategy[str]:
    """Any text, biased towards the tricky; NUL is left out (PostgreSQL text cannot hold it)."""
    tricky = st.sampled_from([text for text in TRICKY_TEXTS if len(text) >= min_size])
    anything = st.text(
        st.characters(codec="utf-8", exclude_characters="\x00"),
        min_size=min_size,
        max_size=max_size,
    )
    return st.one_of(tricky, anything)


def names() -> st.SearchStrategy[str]:
    """Display names (``min_length=1`` fields)."""
    return texts(min_size=1)


def identifiers() -> st.SearchStrategy[str]:
    """Values of the Identifier type, often ones YAML would misread."""
    short = st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,11}\Z")
    full = st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,63}\Z")
    return st.one_of(st.sampled_from(TRICKY_IDS), short, full)


def unique_identifiers(*, max_size: int) -> st.SearchStrategy[list[str]]:
    """A list of distinct ids."""
    return st.lists(identifiers(), max_size=max_size, unique=True)


def short_lists(*, max_size: int = 2) -> st.SearchStrategy[list[str]]:
    """The list-of-text fields (goals, concerns, keywords...)."""
    return st.lists(texts(), max_size=max_size)


# -- rules -------------------------------------------------------------------------------


def _property_names() -> st.SearchStrategy[str]:
    first = string.ascii_letters + "_"
    rest = first + string.digits
    return st.builds(
        lambda head, tail: head + tail,
        st.sampled_from(first),
        st.text(rest, max_size=8),
    ).filter(lambda name: not keyword.iskeyword(name) and name not in _NAMED_CONSTANTS)


def _literals() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(st.characters(codec="utf-8"), max_size=8).map(repr),
        st.integers(-1000, 1000).map(str),
        st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
        st.sampled_from(["true", "false", "null"]),
    )


def _comparisons() -> st.SearchStrategy[str]:
    single = st.builds(
        "{} {} {}".format,
        _property_names(),
        st.sampled_from(["==", "!=", "<", "<=", ">", ">="]),
        _literals(),
    )
    membership = st.builds(
        lambda name, op, values: f"{name} {op} [{', '.join(values)}]",
        _property_names(),
        st.sampled_from(["in", "not in"]),
        st.lists(_literals(), min_size=1, max_size=3),
    )
    return st.one_of(single, membership, _property_names())


def rule_texts() -> st.SearchStrategy[str]:
    """Rules that :func:`journeymap.model.parse_rule` accepts (segments, where, customer rules)."""
    return st.recursive(
        _comparisons(),
        lambda inner: st.one_of(
            st.builds("{} and {}".format, inner, inner),
            st.builds("{} or {}".format, inner, inner),
            inner.map("not {}".format),
            inner.map("({})".format),
        ),
        max_leaves=4,
    )


def event_rules() -> st.SearchStrategy[EventRule]:
    """Event rules with non-blank event names."""
    event_name = st.from_regex(r"\A[a-z][a-z0-9_]{0,15}\Z") | names().filter(str.strip)
    return st.builds(
        EventRule,
        events=st.lists(event_name, min_size=1, max_size=3),
        where=st.none() | rule_texts(),
    )


# -- workspace parts ---------------------------------------------------------------------


def _optional_texts() -> st.SearchStrategy[str | None]:
    return st.none() | texts()


def personas(persona_id: str) -> st.SearchStrategy[Persona]:
    """A persona with this id."""
    return st.builds(
        Persona,
        id=st.just(persona_id),
        name=names(),
        description=texts(),
        quote=texts(),
        goals=short_lists(),
        attributes=st.dictionaries(texts(max_size=12), texts(), max_size=3),
        segment=st.none() | rule_texts(),
    )


def teams(team_id: str) -> st.SearchStrategy[Team]:
    """A team with this id."""
    return st.builds(
        Team,
        id=st.just(team_id),
        name=names(),
        tier=st.sampled_from(StakeholderTier),
        description=texts(),
        members=short_lists(),
    )


def _owner(team_ids: Sequence[str]) -> st.SearchStrategy[str | None]:
    if not team_ids:
        return st.none()
    return st.none() | st.sampled_from(team_ids)


@st.composite
def signals(draw: st.DrawFn, signal_id: str) -> ExperienceSignal:
    """A signal of any kind with the fields its kind takes (``after`` left out: it needs the
    journey's other touchpoints, which integrity tests cover)."""
    kind = draw(st.sampled_from(SignalKind))
    where = draw(st.none() | rule_texts())
    extra: dict[str, object] = {}
    if kind is SignalKind.LATE:
        extra = {"promised": draw(_property_names()), "actual": draw(st.none() | _property_names())}
    elif kind is not SignalKind.HAPPENED:
        hours = st.floats(0.01, 10**4, allow_nan=False)
        extra = {"followed_by": draw(event_rules()), "within_hours": draw(st.none() | hours)}
    return ExperienceSignal(id=signal_id, name=draw(names()), kind=kind, where=where, **extra)


@st.composite
def touchpoints(draw: st.DrawFn, touchpoint_id: str, team_ids: Sequence[str]) -> Touchpoint:
    """A touchpoint with this id, owned by one of ``team_ids`` or nobody."""
    moment = draw(st.sampled_from(MomentKind))
    rank = None if moment is MomentKind.NONE else draw(st.none() | st.integers(1, 10**6))
    return Touchpoint(
        id=touchpoint_id,
        name=draw(names()),
        description=draw(texts()),
        channel=draw(st.sampled_from(Channel)),
        direct=draw(st.booleans()),
        owner_team=draw(_owner(team_ids)),
        tier=draw(st.sampled_from(StakeholderTier)),
        moment=moment,
        impact_rank=rank,
        performance=draw(st.sampled_from(Performance)),
        customers_would_pay=draw(st.none() | st.booleans()),
        keywords=draw(short_lists()),
        event_rule=draw(st.none() | event_rules()),
        signals=[draw(signals(sid)) for sid in draw(unique_identifiers(max_size=2))],
    )


@st.composite
def stages(
    draw: st.DrawFn, stage_id: str, touchpoint_ids: Sequence[str], team_ids: Sequence[str]
) -> Stage:
    """A stage with this id holding touchpoints with these ids."""
    emotion = st.builds(Emotion, score=st.integers(-2, 2), words=short_lists())
    return Stage(
        id=stage_id,
        name=draw(names()),
        description=draw(texts()),
        goals=draw(short_lists()),
        expectations=draw(short_lists()),
        concerns=draw(short_lists()),
        barriers=draw(short_lists()),
        motivations=draw(short_lists()),
        emotion=draw(st.none() | emotion),
        effort=draw(st.none() | st.sampled_from(EffortLevel)),
        effort_notes=draw(texts()),
        actions=draw(short_lists()),
        desired_outcome=draw(texts()),
        customer_success=draw(texts()),
        company_success=draw(texts()),
        company_influence=draw(short_lists()),
        open_questions=draw(short_lists()),
        touchpoints=[draw(touchpoints(tid, team_ids)) for tid in touchpoint_ids],
    )


@st.composite
def outcomes(draw: st.DrawFn, outcome_id: str) -> Outcome:
    """An outcome with an event rule, a customer rule or both."""
    event_rule, customer_rule = draw(
        st.one_of(
            st.tuples(event_rules(), st.none()),
            st.tuples(st.none(), rule_texts()),
            st.tuples(event_rules(), rule_texts()),
        )
    )
    return Outcome(
        id=outcome_id,
        name=draw(names()),
        description=draw(texts()),
        polarity=draw(st.sampled_from(OutcomePolarity)),
        event_rule=event_rule,
        customer_rule=customer_rule,
        within_days=draw(st.none() | st.integers(1, 10**5)),
        value=draw(st.none() | _property_names()) if customer_rule is None else None,
    )


@st.composite
def validations(draw: st.DrawFn) -> Validation:
    """A validation whose status agrees with its counts."""
    status = draw(st.sampled_from(ValidationStatus))
    confirmed_min = 1 if status is ValidationStatus.CONFIRMED else 0
    disputed_min = 1 if status is ValidationStatus.DISPUTED else 0
    return Validation(
        status=status,
        confirmed_by=draw(st.integers(confirmed_min, 10**6)),
        disputed_by=draw(st.integers(disputed_min, 10**6)),
        last_validated=draw(st.none() | st.dates()),
    )


@st.composite
def evidence(draw: st.DrawFn, evidence_id: str, journey_stages: Sequence[Stage]) -> Evidence:
    """Evidence about a stage, a touchpoint, or a touchpoint and the stage that holds it."""
    stage = draw(st.sampled_from(journey_stages))
    touchpoint = draw(st.none() | st.sampled_from(stage.touchpoints)) if stage.touchpoints else None
    stage_id: str | None = stage.id
    if touchpoint is not None and draw(st.booleans()):
        stage_id = None
    return Evidence(
        id=evidence_id,
        source=draw(st.sampled_from(EvidenceSource)),
        text=draw(names()),
        stage=stage_id,
        touchpoint=touchpoint.id if touchpoint is not None else None,
        sentiment=draw(st.none() | st.floats(-1.0, 1.0, allow_nan=False)),
        customer_id=draw(_optional_texts()),
        author=draw(_optional_texts()),
        recorded_on=draw(st.none() | st.dates()),
        validation=draw(validations()),
    )


@st.composite
def opportunities(
    draw: st.DrawFn, opportunity_id: str, touchpoint_ids: Sequence[str], team_ids: Sequence[str]
) -> Opportunity:
    """An opportunity improving some of ``touchpoint_ids``."""
    improved = (
        st.lists(st.sampled_from(touchpoint_ids), unique=True, max_size=2)
        if touchpoint_ids
        else st.just([])
    )
    return Opportunity(
        id=opportunity_id,
        title=draw(names()),
        description=draw(texts()),
        owner_team=draw(_owner(team_ids)),
        touchpoints=draw(improved),
        expected_impact=draw(st.sampled_from(Impact)),
        status=draw(st.sampled_from(OpportunityStatus)),
    )


@st.composite
def funnels(draw: st.DrawFn, funnel_id: str, touchpoint_ids: Sequence[str]) -> Funnel:
    """A funnel through two or more distinct ``touchpoint_ids`` (at least two needed)."""
    steps = draw(st.lists(st.sampled_from(touchpoint_ids), min_size=2, max_size=4, unique=True))
    return Funnel(
        id=funnel_id,
        name=draw(names()),
        description=draw(texts()),
        steps=steps,
        window_hours=draw(st.floats(0.01, 10**4, allow_nan=False)),
    )


@st.composite
def journeys(
    draw: st.DrawFn,
    journey_id: str,
    persona_ids: Sequence[str],
    team_ids: Sequence[str],
    *,
    max_stages: int = 3,
    max_touchpoints: int = 4,
) -> Journey:
    """A journey of one of ``persona_ids`` whose references all resolve.

    Touchpoint ids are unique across the journey, so they are drawn once and dealt out
    to the stages.
    """
    stage_ids = draw(unique_identifiers(max_size=max_stages))
    touchpoint_ids = draw(unique_identifiers(max_size=max_touchpoints)) if stage_ids else []
    stage_of = draw(
        st.lists(
            st.integers(0, max(len(stage_ids) - 1, 0)),
            min_size=len(touchpoint_ids),
            max_size=len(touchpoint_ids),
        )
    )
    journey_stages = [
        draw(
            stages(
                stage_id,
                [
                    tid
                    for tid, owner in zip(touchpoint_ids, stage_of, strict=True)
                    if owner == index
                ],
                team_ids,
            )
        )
        for index, stage_id in enumerate(stage_ids)
    ]
    evidence_ids = draw(unique_identifiers(max_size=2)) if journey_stages else []
    funnel_ids = draw(unique_identifiers(max_size=2)) if len(touchpoint_ids) >= 2 else []
    return Journey(
        id=journey_id,
        name=draw(names()),
        persona=draw(st.sampled_from(persona_ids)),
        description=draw(texts()),
        expectations=draw(short_lists()),
        stages=journey_stages,
        outcomes=[draw(outcomes(oid)) for oid in draw(unique_identifiers(max_size=2))],
        funnels=[draw(funnels(fid, touchpoint_ids)) for fid in funnel_ids],
        evidence=[draw(evidence(eid, journey_stages)) for eid in evidence_ids],
        opportunities=[
            draw(opportunities(oid, touchpoint_ids, team_ids))
            for oid in draw(unique_identifiers(max_size=2))
        ],
    )


@st.composite
def workspaces(
    draw: st.DrawFn,
    *,
    max_personas: int = 2,
    max_teams: int = 3,
    max_journeys: int = 2,
) -> Workspace:
    """A valid workspace: no pydantic error and no :func:`find_problems` problem.

    >>> from hypothesis import given
    >>> @given(workspaces())
    ... def test_round_trip(workspace): ...
    """
    persona_ids = draw(unique_identifiers(max_size=max_personas))
    team_ids = draw(unique_identifiers(max_size=max_teams))
    journey_ids = draw(unique_identifiers(max_size=max_journeys)) if persona_ids else []
    return Workspace(
        name=draw(names()),
        description=draw(texts()),
        personas=[draw(personas(pid)) for pid in persona_ids],
        teams=[draw(teams(tid)) for tid in team_ids],
        journeys=[draw(journeys(jid, persona_ids, team_ids)) for jid in journey_ids],
    )
