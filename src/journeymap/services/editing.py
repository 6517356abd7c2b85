"""Editing a map one change at a time: pure functions from a journey to a new journey.

The web app edits maps in place (add a stage, move a card, fix an emotion); each edit is one
of these functions, so the browser, the JSON API and Python users change maps the same way
and the rules live in one place. None of them touches the store: they take a
:class:`~journeymap.model.Journey` and return a new, validated one (the input is never
mutated), or raise :class:`EditError` saying which input is wrong, so an edit can never
produce a map the store would refuse for a reason the editor could have seen.

>>> from journeymap.model import Journey, Stage
>>> journey = Journey(id="buy", name="Buy", persona="pat", stages=[Stage(id="pay", name="Pay")])
>>> journey = add_touchpoint(journey, "pay", "Card payment")
>>> [t.id for _, t in journey.touchpoints()]
['card-payment']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from journeymap.mapfile import load_template
from journeymap.model import (
    Channel,
    EffortLevel,
    Identifier,
    Journey,
    MomentKind,
    Performance,
    Stage,
    StakeholderTier,
    Touchpoint,
    Workspace,
    find_problems,
    slugify,
)
from journeymap.model.integrity import format_location, journey_problems
from journeymap.services.errors import JourneymapError

_MAX_ID = 64


class EditError(JourneymapError):
    """An edit that cannot be made; ``where`` names the input at fault (``to_position``)."""

    def __init__(self, message: str, *, where: str = "", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.where = where


class UnknownItemError(EditError):
    """The edit names a stage or touchpoint the journey does not have."""


class StageEdit(BaseModel):
    """The fields of a stage to change; fields left out stay as they are.

    Explicit ``None`` clears what may be empty (``effort``, the emotion); lists replace the
    stage's list. ``emotion_score`` and ``emotion_words`` make up the stage's emotion.
    """

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    goals: list[str] | None = None
    expectations: list[str] | None = None
    concerns: list[str] | None = None
    barriers: list[str] | None = None
    motivations: list[str] | None = None
    actions: list[str] | None = None
    desired_outcome: str | None = None
    customer_success: str | None = None
    company_success: str | None = None
    emotion_score: Annotated[int, Field(ge=-2, le=2)] | None = Field(
        default=None, description="From -2 (distressed) to +2 (delighted); null clears it."
    )
    emotion_words: list[str] | None = None
    effort: EffortLevel | None = None
    effort_notes: str | None = None


class TouchpointEdit(BaseModel):
    """The fields of a touchpoint to change; fields left out stay as they are.

    ``events`` and ``where`` make up its event rule (an empty ``events`` list removes the
    rule). Setting ``moment`` to ``none`` drops the impact rank unless one is given.
    """

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    channel: Channel | None = None
    direct: bool | None = None
    owner_team: Identifier | None = None
    tier: StakeholderTier | None = None
    moment: MomentKind | None = None
    impact_rank: int | None = Field(default=None, ge=1)
    performance: Performance | None = None
    customers_would_pay: bool | None = None
    keywords: list[str] | None = None
    events: list[str] | None = Field(
        default=None, description="Event names that are this touchpoint; [] removes the rule."
    )
    where: str | None = Field(default=None, description="Rule over the events' properties.")


_STAGE_NULLABLE = frozenset({"effort"})
_TOUCHPOINT_NULLABLE = frozenset({"owner_team", "impact_rank", "customers_would_pay"})


# -- stages -------------------------------------------------------------------------------


def add_stage(journey: Journey, name: str, *, after: str | None = None) -> Journey:
    """A new, empty stage called ``name`` after stage ``after`` (at the end when ``None``).

    Its id comes from the name, made unique in the journey (``Pay``, ``Pay`` -> ``pay-2``).
    """
    stages = list(journey.stages)
    position = len(stages) if after is None else _stage_index(journey, after, where="after") + 1
    stage_id = unique_id(name, (s.id for s in stages), fallback="stage")
    stages.insert(position, _validated(Stage, {"id": stage_id, "name": name}, where="name"))
    return _with_stages(journey, stages)


def rename_stage(journey: Journey, stage_id: str, name: str) -> Journey:
    """The stage gets a new display name; its id (what history and comments use) stays."""
    return update_stage(journey, stage_id, StageEdit(name=name))


def update_stage(journey: Journey, stage_id: str, edit: StageEdit) -> Journey:
    """The stage with the fields ``edit`` sets changed."""
    index = _stage_index(journey, stage_id)
    stage = journey.stages[index]
    changes = _changes(edit, _STAGE_NULLABLE | {"emotion_score"})
    data = stage.model_dump()
    if "emotion_score" in changes or "emotion_words" in changes:
        current = stage.emotion.model_dump() if stage.emotion else {"score": 0, "words": []}
        score = changes.pop("emotion_score", current["score"])
        words = changes.pop("emotion_words", current["words"])
        if score is None and not words:
            data["emotion"] = None
        else:
            data["emotion"] = {"score": 0 if score is None else score, "words": words}
    data.update(changes)
    stages = list(journey.stages)
    stages[index] = _validated(Stage, data, where="")
    return _with_stages(journey, stages)


def remove_stage(
    journey: Journey, stage_id: str, *, move_touchpoints_to: str | None = None
) -> Journey:
    """The journey without the stage; its touchpoints go to ``move_touchpoints_to`` (at the
    end) or, when it has touchpoints and no target is named, nothing happens but an error."""
    index = _stage_index(journey, stage_id)
    stage = journey.stages[index]
    stages = list(journey.stages)
    if stage.touchpoints:
        if move_touchpoints_to is None:
            raise EditError(
                f"stage {stage_id!r} still has {len(stage.touchpoints)} touchpoint(s).",
                where="move_touchpoints_to",
                hint="Name the stage they should move to, or remove them first.",
            )
        if move_touchpoints_to == stage_id:
            raise EditError(
                "the touchpoints cannot move to the stage being removed.",
                where="move_touchpoints_to",
                hint="Name another stage.",
            )
        target = _stage_index(journey, move_touchpoints_to, where="move_touchpoints_to")
        stages[target] = stages[target].model_copy(
            update={"touchpoints": [*stages[target].touchpoints, *stage.touchpoints]}
        )
    del stages[index]
    return _without(journey, stages, f"stage {stage_id!r}", where="stage_id")


def move_stage(journey: Journey, stage_id: str, to_position: int) -> Journey:
    """The stage moved to index ``to_position`` of the spine (0 = first)."""
    index = _stage_index(journey, stage_id)
    stages = list(journey.stages)
    _check_position(to_position, len(stages) - 1)
    stages.insert(to_position, stages.pop(index))
    return _with_stages(journey, stages)


# -- touchpoints --------------------------------------------------------------------------


def add_touchpoint(
    journey: Journey,
    stage_id: str,
    name: str,
    *,
    position: int | None = None,
    edit: TouchpointEdit | None = None,
) -> Journey:
    """A new touchpoint called ``name`` in the stage, at ``position`` (the end when ``None``),
    with the further fields ``edit`` sets; its id comes from the name, unique in the journey."""
    index = _stage_index(journey, stage_id)
    stage = journey.stages[index]
    touchpoint_id = unique_id(name, (t.id for _, t in journey.touchpoints()), fallback="touchpoint")
    data = _touchpoint_data({"id": touchpoint_id, "name": name}, edit or TouchpointEdit())
    touchpoints = list(stage.touchpoints)
    at = len(touchpoints) if position is None else position
    _check_position(at, len(touchpoints), where="position")
    touchpoints.insert(at, _validated(Touchpoint, data, where=""))
    stages = list(journey.stages)
    stages[index] = stage.model_copy(update={"touchpoints": touchpoints})
    return _with_stages(journey, stages)


def update_touchpoint(journey: Journey, touchpoint_id: str, edit: TouchpointEdit) -> Journey:
    """The touchpoint with the fields ``edit`` sets changed."""
    s_index, t_index = _touchpoint_index(journey, touchpoint_id)
    stage = journey.stages[s_index]
    data = _touchpoint_data(stage.touchpoints[t_index].model_dump(), edit)
    touchpoints = list(stage.touchpoints)
    touchpoints[t_index] = _validated(Touchpoint, data, where="")
    stages = list(journey.stages)
    stages[s_index] = stage.model_copy(update={"touchpoints": touchpoints})
    return _with_stages(journey, stages)


def remove_touchpoint(journey: Journey, touchpoint_id: str) -> Journey:
    """The journey without the touchpoint (refused while evidence, opportunities, funnels or
    signals still point at it: the map would lose what they say)."""
    s_index, t_index = _touchpoint_index(journey, touchpoint_id)
    stages = list(journey.stages)
    touchpoints = list(stages[s_index].touchpoints)
    del touchpoints[t_index]
    stages[s_index] = stages[s_index].model_copy(update={"touchpoints": touchpoints})
    return _without(journey, stages, f"touchpoint {touchpoint_id!r}", where="touchpoint_id")


def move_touchpoint(
    journey: Journey, touchpoint_id: str, to_stage: str, to_position: int | None = None
) -> Journey:
    """The touchpoint moved to index ``to_position`` of stage ``to_stage`` (its own stage or
    another; the end when ``None``). The index counts the target's touchpoints without it."""
    s_index, t_index = _touchpoint_index(journey, touchpoint_id)
    target = _stage_index(journey, to_stage, where="to_stage")
    stages = list(journey.stages)
    moving = stages[s_index].touchpoints[t_index]
    source = list(stages[s_index].touchpoints)
    del source[t_index]
    stages[s_index] = stages[s_index].model_copy(update={"touchpoints": source})
    destination = list(stages[target].touchpoints)
    at = len(destination) if to_position is None else to_position
    _check_position(at, len(destination))
    destination.insert(at, moving)
    stages[target] = stages[target].model_copy(update={"touchpoints": destination})
    return _with_stages(journey, stages)


# -- new journeys -------------------------------------------------------------------------


def new_journey_from_template(
    workspace: Workspace,
    template_name: str,
    *,
    persona_id: str | None = None,
    journey_id: str | None = None,
    name: str | None = None,
) -> Workspace:
    """The part of a workspace to save for a new journey drawn from a shipped template.

    The journey gets a fresh id unique in ``workspace`` (``journey_id`` when given), the
    template's persona when ``persona_id`` names none of the workspace's, and the template's
    teams its touchpoints need that the workspace lacks; the workspace's own name and
    description stay.
    """
    try:
        template = load_template(template_name)
    except ValueError as error:
        raise EditError(str(error), where="template") from None
    if not template.journeys:
        raise EditError(f"template {template_name!r} holds no journey.", where="template")
    drawn = template.journeys[0]
    persona = persona_id or drawn.persona
    known = {p.id for p in workspace.personas}
    personas = [p for p in template.personas if p.id == persona and p.id not in known]
    if persona not in known and not personas:
        choices = ", ".join(sorted(known | {p.id for p in template.personas}))
        raise UnknownItemError(
            f"there is no persona {persona!r}.", where="persona_id", hint=f"Use one of: {choices}."
        )
    taken = [j.id for j in workspace.journeys]
    if journey_id:
        if journey_id in taken:
            raise EditError(
                f"there is already a journey {journey_id!r}.",
                where="journey_id",
                hint="Give the new journey another id, or leave it out to get one.",
            )
        new_id = journey_id
    else:
        new_id = unique_id(name or drawn.id, taken, fallback="journey")
    needed = {t.owner_team for _, t in drawn.touchpoints() if t.owner_team}
    needed |= {o.owner_team for o in drawn.opportunities if o.owner_team}
    have = {t.id for t in workspace.teams}
    teams = [t for t in template.teams if t.id in needed and t.id not in have]
    journey = _validated(
        Journey,
        drawn.model_dump() | {"id": new_id, "persona": persona, "name": name or drawn.name},
        where="journey_id",
    )
    part = Workspace(
        name=workspace.name,
        description=workspace.description,
        personas=personas,
        teams=teams,
        journeys=[journey],
    )
    problems = find_problems(part, extra_personas=known, extra_teams=have)
    if problems:
        first = problems[0]
        raise EditError(first.describe(), where=format_location(first.location), hint=first.hint)
    return part


def unique_id(name: str, taken: Iterable[str], *, fallback: str = "item") -> str:
    """An id from ``name`` that is not in ``taken`` (``pay``, ``pay-2``, ``pay-3``...)."""
    used = set(taken)
    base = slugify(name, fallback=fallback)
    candidate, number = base, 1
    while candidate in used:
        number += 1
        suffix = f"-{number}"
        candidate = base[: _MAX_ID - len(suffix)].rstrip("-_") + suffix
    return candidate


# -- internals ----------------------------------------------------------------------------


def _changes(edit: BaseModel, nullable: frozenset[str]) -> dict[str, Any]:
    """What ``edit`` sets, leaving out ``None`` for fields that cannot be empty."""
    return {
        key: value
        for key, value in edit.model_dump(exclude_unset=True).items()
        if value is not None or key in nullable
    }


def _touchpoint_data(data: dict[str, Any], edit: TouchpointEdit) -> dict[str, Any]:
    changes = _changes(edit, _TOUCHPOINT_NULLABLE)
    events = changes.pop("events", None)
    where_set = "where" in edit.model_fields_set
    where = changes.pop("where", None)
    rule = data.get("event_rule")
    if events is not None:
        names = [name.strip() for name in events if name.strip()]
        if names:
            rule = {"events": names, "where": where if where_set else (rule or {}).get("where")}
        else:
            rule = None
    elif where_set and rule is not None:
        rule = {**rule, "where": where}
    elif where_set and where:
        raise EditError(
            "a where rule needs events to narrow.",
            where="where",
            hint="Name the touchpoint's events too.",
        )
    data = data | changes | {"event_rule": rule}
    if changes.get("moment") is MomentKind.NONE and "impact_rank" not in changes:
        data["impact_rank"] = None
    return data


def _validated(model: type[Any], data: dict[str, Any], *, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        location = ".".join(str(part) for part in problem["loc"]) or where
        message = problem["msg"].removeprefix("Value error, ")
        raise EditError(f"{location or 'input'}: {message}", where=location) from None


def _with_stages(journey: Journey, stages: list[Stage]) -> Journey:
    data = journey.model_dump() | {"stages": [stage.model_dump() for stage in stages]}
    updated: Journey = _validated(Journey, data, where="")
    problems = journey_problems(updated, (), personas=[updated.persona], teams=None)
    if problems:
        first = problems[0]
        raise EditError(
            f"{first.describe()} at {format_location(first.location)}",
            where=format_location(first.location),
            hint=first.hint,
        )
    return updated


def _without(journey: Journey, stages: list[Stage], what: str, *, where: str) -> Journey:
    """``_with_stages`` for a removal: a dangling reference means the item is still used."""
    try:
        return _with_stages(journey, stages)
    except EditError as error:
        raise EditError(
            f"{what} is still used at {error.where}; nothing was removed.",
            where=where,
            hint="Remove or re-point what uses it (evidence, opportunities, funnels, "
            "signals) first.",
        ) from None


def _stage_index(journey: Journey, stage_id: str, *, where: str = "stage_id") -> int:
    for index, stage in enumerate(journey.stages):
        if stage.id == stage_id:
            return index
    choices = ", ".join(s.id for s in journey.stages) or "none yet"
    raise UnknownItemError(
        f"journey {journey.id!r} has no stage {stage_id!r}.",
        where=where,
        hint=f"Its stages: {choices}.",
    )


def _touchpoint_index(journey: Journey, touchpoint_id: str) -> tuple[int, int]:
    for s_index, stage in enumerate(journey.stages):
        for t_index, touchpoint in enumerate(stage.touchpoints):
            if touchpoint.id == touchpoint_id:
                return s_index, t_index
    raise UnknownItemError(
        f"journey {journey.id!r} has no touchpoint {touchpoint_id!r}.", where="touchpoint_id"
    )


def _check_position(position: int, last: int, *, where: str = "to_position") -> None:
    if not 0 <= position <= last:
        raise EditError(
            f"position {position} is out of range; use 0 to {last}.",
            where=where,
            hint="Positions count from 0 (the first place).",
        )
