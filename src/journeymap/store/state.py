"""The current state: reading and replacing rows of the workspace's tables.

No policy lives here (validation, version numbers and conflicts are the store's job);
these functions take an open connection and do exactly the SQL their names say.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from journeymap.model import Journey, Persona, Team, Workspace
from journeymap.store.rows import (
    JourneyRows,
    Row,
    journey_from_rows,
    persona_from_row,
    team_from_row,
)
from journeymap.store.tables import (
    JOURNEY_PARTS,
    evidence,
    journeys,
    opportunities,
    outcomes,
    personas,
    stages,
    teams,
    touchpoints,
    workspace_meta,
)

_NAME = "name"
_DESCRIPTION = "description"


def read_meta(connection: Connection) -> dict[str, str]:
    """The workspace's name and description, where they were ever saved."""
    rows = connection.execute(sa.select(workspace_meta.c.key, workspace_meta.c.value))
    return {row.key: row.value for row in rows}


def write_meta(connection: Connection, *, name: str, description: str) -> None:
    """Set the workspace's name and description."""
    stored = read_meta(connection)
    for key, value in ((_NAME, name), (_DESCRIPTION, description)):
        if key not in stored:
            connection.execute(sa.insert(workspace_meta).values(key=key, value=value))
        elif stored[key] != value:
            connection.execute(
                sa.update(workspace_meta).where(workspace_meta.c.key == key).values(value=value)
            )


def ids(connection: Connection, table: sa.Table) -> list[str]:
    """The ids in a workspace-level table (personas, teams, journeys), in workspace order."""
    query = sa.select(table.c.id).order_by(table.c.position, table.c.id)
    return list(connection.execute(query).scalars())


def place(connection: Connection, table: sa.Table, given: Sequence[str]) -> dict[str, int]:
    """Positions after a save: the document's ids in its order, then the others in theirs.

    Rows already stored are moved to their new position here; the returned mapping gives
    the position of every id, including new ones the caller is about to insert.
    """
    stored = connection.execute(sa.select(table.c.id, table.c.position)).all()
    before = {row.id: row.position for row in stored}
    wanted = set(given)
    rest = [
        item for item in sorted(before, key=lambda item: (before[item], item)) if item not in wanted
    ]
    positions = {item: index for index, item in enumerate([*given, *rest])}
    for item, position in positions.items():
        if item in before and before[item] != position:
            connection.execute(sa.update(table).where(table.c.id == item).values(position=position))
    return positions


def upsert(connection: Connection, table: sa.Table, rows: Iterable[Row]) -> None:
    """Insert rows with new ids and overwrite those whose id is stored (personas, teams)."""
    stored = set(ids(connection, table))
    for row in rows:
        if row["id"] in stored:
            values = {key: value for key, value in row.items() if key != "id"}
            connection.execute(sa.update(table).where(table.c.id == row["id"]).values(values))
        else:
            connection.execute(sa.insert(table).values(row))


def delete_row(connection: Connection, table: sa.Table, item_id: str) -> None:
    """Remove one persona or team (foreign keys refuse it while a journey uses it)."""
    connection.execute(sa.delete(table).where(table.c.id == item_id))


def load_personas(connection: Connection) -> list[Persona]:
    """Every persona, in workspace order."""
    query = sa.select(personas).order_by(personas.c.position, personas.c.id)
    return [persona_from_row(row._asdict()) for row in connection.execute(query)]


def load_teams(connection: Connection) -> list[Team]:
    """Every team, in workspace order."""
    query = sa.select(teams).order_by(teams.c.position, teams.c.id)
    return [team_from_row(row._asdict()) for row in connection.execute(query)]


def _grouped(connection: Connection, table: sa.Table) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in connection.execute(sa.select(table)):
        grouped.setdefault(row.journey_id, []).append(row._asdict())
    return grouped


def load_journeys(connection: Connection) -> list[Journey]:
    """Every current journey rebuilt from its rows, in workspace order (six queries in all)."""
    parts = {table.name: _grouped(connection, table) for table in JOURNEY_PARTS}
    query = sa.select(journeys).order_by(journeys.c.position, journeys.c.id)
    return [
        journey_from_rows(
            row._asdict(),
            stages=parts[stages.name].get(row.id, []),
            touchpoints=parts[touchpoints.name].get(row.id, []),
            outcomes=parts[outcomes.name].get(row.id, []),
            evidence=parts[evidence.name].get(row.id, []),
            opportunities=parts[opportunities.name].get(row.id, []),
        )
        for row in connection.execute(query)
    ]


def load_workspace(connection: Connection) -> Workspace:
    """The whole current workspace."""
    meta = read_meta(connection)
    defaults = Workspace()
    return Workspace(
        name=meta.get(_NAME, defaults.name),
        description=meta.get(_DESCRIPTION, defaults.description),
        personas=load_personas(connection),
        teams=load_teams(connection),
        journeys=load_journeys(connection),
    )


def head_version(connection: Connection, journey_id: str) -> int | None:
    """The journey's head version number, or ``None`` if it is not in the current state."""
    query = sa.select(journeys.c.head_version).where(journeys.c.id == journey_id)
    return connection.execute(query).scalar_one_or_none()


def position_of(connection: Connection, journey_id: str) -> int:
    """Where a journey sits in the workspace; a new one goes after all the others."""
    stored = connection.execute(
        sa.select(journeys.c.position).where(journeys.c.id == journey_id)
    ).scalar_one_or_none()
    if stored is not None:
        return int(stored)
    last = connection.execute(sa.select(sa.func.max(journeys.c.position))).scalar_one_or_none()
    return 0 if last is None else int(last) + 1


def insert_journey(connection: Connection, rows: JourneyRows) -> None:
    """Store a journey that is not in the current state yet."""
    connection.execute(sa.insert(journeys).values(rows.journey))
    _insert_parts(connection, rows)


def advance_journey(connection: Connection, rows: JourneyRows, *, base_version: int) -> bool:
    """Replace a journey's rows if its head is still ``base_version``; False if it is not.

    The guard is in the ``UPDATE``'s ``WHERE``, not in an earlier read: of two writers
    that both started from ``base_version``, the database lets exactly one match (the
    other blocks on the row lock, then finds the head moved and updates nothing).
    """
    values = {key: value for key, value in rows.journey.items() if key != "id"}
    result = connection.execute(
        sa.update(journeys)
        .where(journeys.c.id == rows.journey["id"], journeys.c.head_version == base_version)
        .values(values)
    )
    if result.rowcount != 1:
        return False
    delete_parts(connection, rows.journey["id"])
    _insert_parts(connection, rows)
    return True


def delete_parts(connection: Connection, journey_id: str) -> None:
    """Remove a journey's stages, touchpoints, outcomes, evidence and opportunities."""
    for table in JOURNEY_PARTS:
        connection.execute(sa.delete(table).where(table.c.journey_id == journey_id))


def delete_journey(connection: Connection, journey_id: str) -> None:
    """Remove a journey from the current state (its history is elsewhere and stays)."""
    delete_parts(connection, journey_id)
    connection.execute(sa.delete(journeys).where(journeys.c.id == journey_id))


def _insert_parts(connection: Connection, rows: JourneyRows) -> None:
    # Parents first, so every foreign key finds its row.
    for table, batch in (
        (stages, rows.stages),
        (touchpoints, rows.touchpoints),
        (outcomes, rows.outcomes),
        (evidence, rows.evidence),
        (opportunities, rows.opportunities),
    ):
        if batch:
            connection.execute(sa.insert(table), batch)


def journeys_using(connection: Connection, table: sa.Table, column: str, value: str) -> list[str]:
    """Ids of current journeys with a row in ``table`` whose ``column`` equals ``value``."""
    key = table.c.id if table is journeys else table.c.journey_id
    query = sa.select(key).where(table.c[column] == value).distinct().order_by(key)
    return list(connection.execute(query).scalars())
