"""Cross-reference checks that one object cannot make alone: unique ids and links that resolve.

Field-level rules (ranges, rule syntax) live on the models; what needs the whole workspace
lives here and returns every problem at once instead of stopping at the first, so that
``journeymap validate`` can report them all with their place in the file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from journeymap.model.journey import Journey
from journeymap.model.workspace import Workspace

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workspace: where (a path into the document), what, and a fix."""

    location: Location
    message: str
    hint: str
    first_location: Location | None = None
    """For a duplicate: where the id was first used."""

    def describe(self) -> str:
        """The message with the place of the first use, for readers without the file."""
        if self.first_location is None:
            return self.message
        return f"{self.message} (first at {format_location(self.first_location)})"


def _duplicates(items: Iterable[tuple[Location, str]], what: str, hint: str) -> list[Problem]:
    seen: dict[str, Location] = {}
    problems = []
    for location, item_id in items:
        if item_id in seen:
            problems.append(
                Problem(
                    (*location, "id"),
                    f"duplicate {what} id {item_id!r}",
                    hint,
                    first_location=(*seen[item_id], "id"),
                )
            )
        else:
            seen[item_id] = location
    return problems


def _unknown(location: Location, what: str, value: str, known: Sequence[str]) -> Problem:
    choices = sorted(set(known))
    listing = ", ".join(choices[:12]) + (", ..." if len(choices) > 12 else "")
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    if close:
        hint = f"Did you mean {close[0]!r}? Use one of: {listing}."
    elif choices:
        hint = f"Use one of: {listing}."
    else:
        hint = f"No {what} is defined yet; add one or remove the reference."
    return Problem(location, f"unknown {what} {value!r}", hint)


def format_location(location: Location) -> str:
    """``("journeys", 0, "stages", 2)`` -> ``"journeys[0].stages[2]"``, as map files are read."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def find_problems(
    workspace: Workspace,
    *,
    extra_personas: Iterable[str] = (),
    extra_teams: Iterable[str] = (),
) -> list[Problem]:
    """Every cross-reference problem in the workspace, in document order.

    ``extra_personas`` and ``extra_teams`` name ids that exist elsewhere (in the store)
    when a file holds only part of a workspace.
    """
    problems = _duplicates(
        ((("personas", i), p.id) for i, p in enumerate(workspace.personas)),
        "persona",
        "Give each persona its own id.",
    )
    problems += _duplicates(
        ((("teams", i), t.id) for i, t in enumerate(workspace.teams)),
        "team",
        "Give each team its own id.",
    )
    problems += _duplicates(
        ((("journeys", i), j.id) for i, j in enumerate(workspace.journeys)),
        "journey",
        "Give each journey its own id.",
    )
    personas = [p.id for p in workspace.personas] + list(extra_personas)
    teams = [t.id for t in workspace.teams] + list(extra_teams)
    for index, journey in enumerate(workspace.journeys):
        problems += journey_problems(journey, ("journeys", index), personas=personas, teams=teams)
    return problems


def journey_problems(
    journey: Journey, at: Location, *, personas: Sequence[str], teams: Sequence[str] | None
) -> list[Problem]:
    """Problems inside one journey; ``teams=None`` skips owner checks (teams unknown)."""
    problems: list[Problem] = []
    if journey.persona not in personas:
        problems.append(_unknown((*at, "persona"), "persona", journey.persona, personas))
    stage_ids = [stage.id for stage in journey.stages]
    problems += _duplicates(
        (((*at, "stages", i), s.id) for i, s in enumerate(journey.stages)),
        "stage",
        "Stage ids must be unique within a journey.",
    )
    touchpoint_stage: dict[str, str] = {}
    touchpoint_locations: list[tuple[Location, str]] = []
    for s_index, stage in enumerate(journey.stages):
        for t_index, touchpoint in enumerate(stage.touchpoints):
            location = (*at, "stages", s_index, "touchpoints", t_index)
            touchpoint_locations.append((location, touchpoint.id))
            touchpoint_stage.setdefault(touchpoint.id, stage.id)
            if teams is not None and touchpoint.owner_team and touchpoint.owner_team not in teams:
                problems.append(
                    _unknown((*location, "owner_team"), "team", touchpoint.owner_team, teams)
                )
    problems += _duplicates(
        touchpoint_locations,
        "touchpoint",
        "Touchpoint ids must be unique across all stages of a journey.",
    )
    problems += _signal_problems(journey, at, list(touchpoint_stage))
    problems += _population_problems(journey, at)
    problems += _funnel_problems(journey, at, list(touchpoint_stage))
    keyed = {
        ("outcome", "outcomes"): [item.id for item in journey.outcomes],
        ("funnel", "funnels"): [item.id for item in journey.funnels],
        ("evidence", "evidence"): [item.id for item in journey.evidence],
        ("opportunity", "opportunities"): [item.id for item in journey.opportunities],
    }
    for (kind, field), ids in keyed.items():
        problems += _duplicates(
            (((*at, field, i), item_id) for i, item_id in enumerate(ids)),
            kind,
            f"Give each {kind} its own id.",
        )
    for e_index, evidence in enumerate(journey.evidence):
        location = (*at, "evidence", e_index)
        if evidence.stage is not None and evidence.stage not in stage_ids:
            problems.append(_unknown((*location, "stage"), "stage", evidence.stage, stage_ids))
        if evidence.touchpoint is not None:
            owner_stage = touchpoint_stage.get(evidence.touchpoint)
            if owner_stage is None:
                problems.append(
                    _unknown(
                        (*location, "touchpoint"),
                        "touchpoint",
                        evidence.touchpoint,
                        list(touchpoint_stage),
                    )
                )
            elif evidence.stage is not None and evidence.stage != owner_stage:
                problems.append(
                    Problem(
                        (*location, "stage"),
                        f"touchpoint {evidence.touchpoint!r} is in stage {owner_stage!r}, "
                        f"not {evidence.stage!r}",
                        f"Set stage to {owner_stage!r} or leave it out.",
                    )
                )
    for o_index, opportunity in enumerate(journey.opportunities):
        location = (*at, "opportunities", o_index)
        for t_index, touchpoint_id in enumerate(opportunity.touchpoints):
            if touchpoint_id not in touchpoint_stage:
                problems.append(
                    _unknown(
                        (*location, "touchpoints", t_index),
                        "touchpoint",
                        touchpoint_id,
                        list(touchpoint_stage),
                    )
                )
        if teams is not None and opportunity.owner_team and opportunity.owner_team not in teams:
            problems.append(
                _unknown((*location, "owner_team"), "team", opportunity.owner_team, teams)
            )
        outcomes = [outcome.id for outcome in journey.outcomes]
        if opportunity.outcome is not None and opportunity.outcome not in outcomes:
            problems.append(
                _unknown((*location, "outcome"), "outcome", opportunity.outcome, outcomes)
            )
    return problems


def _signal_problems(journey: Journey, at: Location, touchpoints: list[str]) -> list[Problem]:
    """Signal ids unique per touchpoint; a late signal's ``after`` names another touchpoint."""
    problems: list[Problem] = []
    for s_index, stage in enumerate(journey.stages):
        for t_index, touchpoint in enumerate(stage.touchpoints):
            location = (*at, "stages", s_index, "touchpoints", t_index)
            problems += _duplicates(
                (((*location, "signals", i), sig.id) for i, sig in enumerate(touchpoint.signals)),
                "signal",
                "Give each signal of a touchpoint its own id.",
            )
            for g_index, signal in enumerate(touchpoint.signals):
                if signal.after is None:
                    continue
                where = (*location, "signals", g_index, "after")
                if signal.after == touchpoint.id:
                    problems.append(
                        Problem(
                            where,
                            f"signal {signal.id!r} counts its promise from its own touchpoint",
                            "Name the earlier touchpoint the promise starts at (e.g. order-placed).",
                        )
                    )
                elif signal.after not in touchpoints:
                    problems.append(_unknown(where, "touchpoint", signal.after, touchpoints))
    return problems


def _population_problems(journey: Journey, at: Location) -> list[Problem]:
    """An outcome measured ``among`` another names a different, yes/no outcome."""
    problems: list[Problem] = []
    outcomes = {outcome.id: outcome for outcome in journey.outcomes}
    for index, outcome in enumerate(journey.outcomes):
        if outcome.among is None:
            continue
        where = (*at, "outcomes", index, "among")
        target = outcomes.get(outcome.among)
        if target is None:
            problems.append(_unknown(where, "outcome", outcome.among, list(outcomes)))
        elif target.id == outcome.id:
            problems.append(
                Problem(where, f"outcome {outcome.id!r} is measured among itself",
                        "Name the outcome that defines who can have it (e.g. converted).")
            )  # fmt: skip
        elif target.value is not None or target.among is not None:
            problems.append(
                Problem(where, f"outcome {outcome.id!r} is measured among {target.id!r}, "
                        "which is numeric or itself measured among another outcome",
                        "Measure it among a plain yes/no outcome such as converted.")
            )  # fmt: skip
    return problems


def _funnel_problems(journey: Journey, at: Location, touchpoints: list[str]) -> list[Problem]:
    """Every step of a declared funnel is a touchpoint of the journey."""
    problems: list[Problem] = []
    for f_index, funnel in enumerate(journey.funnels):
        for s_index, step in enumerate(funnel.steps):
            if step not in touchpoints:
                where = (*at, "funnels", f_index, "steps", s_index)
                problems.append(_unknown(where, "touchpoint", step, touchpoints))
    return problems
