"""Model objects to table rows and back: a few key columns plus a JSON body with the rest.

Pure functions, no database: each :class:`Shape` says which fields of a Pydantic dump
become columns (and under which column name) and which are child lists stored in their
own tables; everything else goes into ``body`` untouched, so a round trip through the
rows gives back an equal object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

from journeymap.model import Journey, Persona, Team

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Row = dict[str, Any]
"""Column name to value, ready for ``insert(table).values(rows)``."""


@dataclass(frozen=True)
class Shape:
    """How one model type is split into columns, child tables and the JSON body."""

    columns: Mapping[str, str]
    """Model field -> column name."""
    children: tuple[str, ...] = ()
    """Fields holding lists stored in other tables (left out of the body)."""

    def to_row(self, dump: Mapping[str, Any], **keys: Any) -> Row:
        """A row for one object's JSON-mode dump; ``keys`` adds journey_id, position..."""
        row: Row = {column: dump[name] for name, column in self.columns.items()}
        row["body"] = {
            name: value
            for name, value in dump.items()
            if name not in self.columns and name not in self.children
        }
        return row | keys

    def to_dump(self, row: Mapping[str, Any], **children: Any) -> dict[str, Any]:
        """The object's dump again, from its row and its already rebuilt children."""
        dump = dict(row["body"])
        dump.update({name: row[column] for name, column in self.columns.items()})
        return dump | children


PERSONA = Shape({"id": "id", "name": "name"})
TEAM = Shape({"id": "id", "name": "name"})
JOURNEY = Shape(
    {"id": "id", "name": "name", "persona": "persona_id"},
    children=("stages", "outcomes", "evidence", "opportunities"),
)
STAGE = Shape({"id": "id", "name": "name"}, children=("touchpoints",))
TOUCHPOINT = Shape({"id": "id", "name": "name", "owner_team": "owner_team_id"})
OUTCOME = Shape({"id": "id", "name": "name"})
EVIDENCE = Shape(
    {
        "id": "id",
        "text": "text",
        "source": "source",
        "stage": "stage_id",
        "touchpoint": "touchpoint_id",
    }
)
OPPORTUNITY = Shape({"id": "id", "title": "title", "owner_team": "owner_team_id"})


@dataclass
class JourneyRows:
    """One journey as rows of ``journeys`` and of each of its part tables."""

    journey: Row
    stages: list[Row] = field(default_factory=list)
    touchpoints: list[Row] = field(default_factory=list)
    outcomes: list[Row] = field(default_factory=list)
    evidence: list[Row] = field(default_factory=list)
    opportunities: list[Row] = field(default_factory=list)


def document(journey: Journey) -> dict[str, Any]:
    """The journey as stored in a version: its full JSON-mode dump."""
    return journey.model_dump(mode="json")


def persona_row(persona: Persona, position: int) -> Row:
    """The ``personas`` row of a persona at this place in the workspace."""
    return PERSONA.to_row(persona.model_dump(mode="json"), position=position)


def team_row(team: Team, position: int) -> Row:
    """The ``teams`` row of a team at this place in the workspace."""
    return TEAM.to_row(team.model_dump(mode="json"), position=position)


def persona_from_row(row: Mapping[str, Any]) -> Persona:
    """The persona a ``personas`` row holds."""
    return Persona.model_validate(PERSONA.to_dump(row))


def team_from_row(row: Mapping[str, Any]) -> Team:
    """The team a ``teams`` row holds."""
    return Team.model_validate(TEAM.to_dump(row))


def journey_rows(journey: Journey, *, position: int, head_version: int) -> JourneyRows:
    """Every row that stores the journey's current state."""
    dump = document(journey)
    journey_id = journey.id
    rows = JourneyRows(JOURNEY.to_row(dump, position=position, head_version=head_version))
    for s_index, stage in enumerate(dump["stages"]):
        rows.stages.append(STAGE.to_row(stage, journey_id=journey_id, position=s_index))
        for t_index, touchpoint in enumerate(stage["touchpoints"]):
            rows.touchpoints.append(
                TOUCHPOINT.to_row(
                    touchpoint, journey_id=journey_id, stage_id=stage["id"], position=t_index
                )
            )
    for shape, name, target in (
        (OUTCOME, "outcomes", rows.outcomes),
        (EVIDENCE, "evidence", rows.evidence),
        (OPPORTUNITY, "opportunities", rows.opportunities),
    ):
        target.extend(
            shape.to_row(item, journey_id=journey_id, position=index)
            for index, item in enumerate(dump[name])
        )
    return rows


def _ordered(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(rows, key=lambda row: row["position"])


def journey_from_rows(
    journey: Mapping[str, Any],
    *,
    stages: Sequence[Mapping[str, Any]],
    touchpoints: Sequence[Mapping[str, Any]],
    outcomes: Sequence[Mapping[str, Any]],
    evidence: Sequence[Mapping[str, Any]],
    opportunities: Sequence[Mapping[str, Any]],
) -> Journey:
    """The journey that :func:`journey_rows` stored (rows may come in any order)."""
    by_stage: dict[str, list[Mapping[str, Any]]] = {}
    for row in touchpoints:
        by_stage.setdefault(row["stage_id"], []).append(row)
    dump = JOURNEY.to_dump(
        journey,
        stages=[
            STAGE.to_dump(
                stage,
                touchpoints=[
                    TOUCHPOINT.to_dump(row) for row in _ordered(by_stage.get(stage["id"], []))
                ],
            )
            for stage in _ordered(stages)
        ],
        outcomes=[OUTCOME.to_dump(row) for row in _ordered(outcomes)],
        evidence=[EVIDENCE.to_dump(row) for row in _ordered(evidence)],
        opportunities=[OPPORTUNITY.to_dump(row) for row in _ordered(opportunities)],
    )
    return Journey.model_validate(dump)


Record = TypeVar("Record", bound="DataclassInstance")


def record_of(kind: type[Record], row: Any) -> Record:
    """A result row as a dataclass whose fields are the table's columns (people, collaboration).

    >>> record_of(Job, connection.execute(jobs.select()).first())  # doctest: +SKIP
    """
    return kind(**{f.name: getattr(row, f.name) for f in fields(kind)})
