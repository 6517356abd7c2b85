"""Writing imported chunks into DuckDB atomically: stage, then merge in one transaction.

Chunks first stream into Parquet parts on disk (:mod:`journeymap.engine.staging`), so
memory holds one batch whatever the file size. Then ONE DuckDB transaction merges the
staged rows into the canonical table (DuckDB sorts and joins out of core within its
memory limit). Any failure — a file error, a type conflict, the reject threshold, an
exception from the progress callback — happens before the transaction or rolls it back,
so the table is exactly as before.

Events: rows without an ``event_id`` get a content hash, computed in SQL over
(customer_id, ts, event, channel, non-null properties by name); rows whose id is already
in the table, or repeated within the import, are skipped, so re-importing a file never
duplicates. New property columns are added (union by name); a column whose type differs
from the table's is a :class:`SchemaConflictError` (integers may widen into wider integers
or floats). The merged rows are inserted ordered by (customer_id, ts): each import appends
one sorted run, so sequence analytics (lag/lead windows, funnels) read mostly ordered data
without a full re-sort of the table on every import, which would cost a rewrite of
everything already stored. Input that is already sorted (most exports, the demo log) is
detected while staging and skips the sort, the most expensive step of a large import.

Customers: upserted by ``customer_id`` — the last row for an id in the import wins; for
existing customers only the columns the import has are updated.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from journeymap.engine.errors import SchemaConflictError
from journeymap.engine.staging import Staging
from journeymap.model.canonical import CHANNEL, CUSTOMER_ID, EVENT, EVENT_COLUMNS, EVENT_ID, TS

_WIDENING: Final = {
    "TINYINT": ("SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE"),
    "SMALLINT": ("INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE"),
    "INTEGER": ("BIGINT", "HUGEINT", "DOUBLE"),
    "BIGINT": ("HUGEINT", "DOUBLE"),
    "FLOAT": ("DOUBLE",),
    "UTINYINT": ("SMALLINT", "INTEGER", "BIGINT", "DOUBLE"),
    "USMALLINT": ("INTEGER", "BIGINT", "DOUBLE"),
    "UINTEGER": ("BIGINT", "DOUBLE"),
}
_EVENTS_FIXED: Final = {
    EVENT_ID: "VARCHAR",
    CUSTOMER_ID: "VARCHAR",
    TS: "TIMESTAMP WITH TIME ZONE",
    EVENT: "VARCHAR",
    CHANNEL: "VARCHAR",
}


def quote(name: str) -> str:
    """A SQL identifier, quoted (property names may hold ``:``, spaces or quotes)."""
    return '"' + name.replace('"', '""') + '"'


def sql(con: Any, statement: str, parameters: list[object] | None = None) -> list[tuple[Any, ...]]:
    """Run a statement to completion and return its rows (DuckDB wants every result consumed)."""
    rows: list[tuple[Any, ...]] = con.execute(statement, parameters).fetchall()
    return rows


def first_number(rows: list[tuple[Any, ...]]) -> int:
    """The first value of the first row as an int (0 when there is none)."""
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


class Transaction:
    """One DuckDB transaction: committed on success, rolled back on any exception."""

    def __init__(self, con: Any) -> None:
        self.con = con

    def __enter__(self) -> Transaction:
        sql(self.con, "BEGIN TRANSACTION")
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        if error is None:
            sql(self.con, "COMMIT")
        else:
            sql(self.con, "ROLLBACK")


def column_types(con: Any, relation: str) -> dict[str, str]:
    """Column name -> DuckDB type of a table or view, in order."""
    rows = sql(con, f"DESCRIBE {relation}")
    return {str(row[0]): str(row[1]) for row in rows}


def table_exists(con: Any, name: str) -> bool:
    """Whether the main schema has a table (or view) called ``name``."""
    found = sql(
        con,
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
        [name],
    )
    return first_number(found) > 0


def fits(incoming: str, existing: str) -> bool:
    """Whether values of type ``incoming`` go into a column of type ``existing`` losslessly."""
    return incoming == existing or existing in _WIDENING.get(incoming, ())


def add_new_columns(con: Any, table: str, staged: dict[str, str], *, origin: str) -> None:
    """Union by name: add the staged columns the table lacks; refuse conflicting types."""
    existing = column_types(con, table)
    folded = {name.casefold(): name for name in existing}
    for name, kind in staged.items():
        have = folded.get(name.casefold())
        if have is None:
            sql(con, f"ALTER TABLE {table} ADD COLUMN {quote(name)} {kind}")
        elif not fits(kind, existing[have]):
            raise SchemaConflictError(
                f"{origin}: column {name!r} is {kind} but the {table} table holds it as "
                f"{existing[have]}; import it with the table's type (e.g. --type {name}=...) "
                "or rename the column"
            )


def merge_events(con: Any, staging: Staging, *, table: str, origin: str) -> int:
    """Insert staged events whose id is new, ordered by (customer_id, ts); returns the count."""
    if not table_exists(con, table):
        fixed = ", ".join(f"{quote(name)} {kind}" for name, kind in _EVENTS_FIXED.items())
        sql(con, f"CREATE TABLE {table} ({fixed})")
    staged = column_types(con, f"SELECT * FROM {staging.relation()}")
    properties = {n: k for n, k in staged.items() if n not in EVENT_COLUMNS}
    add_new_columns(con, table, properties, origin=origin)
    keyed = (
        f"SELECT * REPLACE (coalesce({quote(EVENT_ID)}, {content_hash(properties)}) "
        f"AS {quote(EVENT_ID)}) FROM {staging.relation()}"
    )
    key = quote(EVENT_ID)
    first_new = first_number(sql(con, f"SELECT coalesce(max(rowid) + 1, 0) FROM {table}"))
    order = "" if staging.ordered else f" ORDER BY {quote(CUSTOMER_ID)}, {quote(TS)}"
    inserted = first_number(
        sql(
            con,
            f"INSERT INTO {table} BY NAME SELECT * FROM ({keyed}) AS k WHERE NOT EXISTS "
            f"(SELECT 1 FROM {table} AS e WHERE e.{key} = k.{key}){order}",
        )
    )
    # Repeats within the import itself: rare, so count first and delete only when needed.
    new_rows = f"(SELECT rowid, {key} FROM {table} WHERE rowid >= {first_new})"
    distinct = first_number(sql(con, f"SELECT count(DISTINCT {key}) FROM {new_rows}"))
    if distinct < inserted:
        sql(
            con,
            f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() "
            f"OVER (PARTITION BY {key} ORDER BY rowid) AS n FROM {new_rows}) WHERE n > 1)",
        )
    return distinct


def content_hash(properties: dict[str, str]) -> str:
    """SQL for an event's content hash; a null property adds nothing (new columns keep ids)."""
    parts = [
        quote(CUSTOMER_ID),
        f"CAST(epoch_us({quote(TS)}) AS VARCHAR)",
        quote(EVENT),
        f"coalesce({quote(CHANNEL)}, chr(0))",
    ]
    for name in sorted(properties):
        literal = "'" + name.replace("'", "''") + "='"
        parts.append(f"({literal} || CAST({quote(name)} AS VARCHAR))")
    return f"md5(concat_ws(chr(31), {', '.join(parts)}))"


def merge_customers(con: Any, staging: Staging, *, table: str, origin: str) -> tuple[int, int]:
    """Upsert staged customers by id (the last row of an id wins); returns (inserted, updated)."""
    if not table_exists(con, table):
        sql(con, f"CREATE TABLE {table} ({quote(CUSTOMER_ID)} VARCHAR)")
    staged = column_types(con, f"SELECT * FROM {staging.relation()}")
    add_new_columns(con, table, staged, origin=origin)
    latest = f"_latest_{uuid.uuid4().hex[:12]}"
    relation = staging.relation().replace(
        "union_by_name = true", "union_by_name = true, filename = '_part', file_row_number = true"
    )
    sql(
        con,
        f"CREATE TEMP TABLE {latest} AS SELECT * EXCLUDE (_part, file_row_number) FROM {relation} "
        f"QUALIFY row_number() OVER (PARTITION BY {quote(CUSTOMER_ID)} "
        "ORDER BY _part DESC, file_row_number DESC) = 1",
    )
    try:
        others = [name for name in staged if name != CUSTOMER_ID]
        key = quote(CUSTOMER_ID)
        if others:
            assignments = ", ".join(f"{quote(n)} = s.{quote(n)}" for n in others)
            updated = first_number(
                sql(
                    con,
                    f"UPDATE {table} SET {assignments} FROM {latest} AS s "
                    f"WHERE {table}.{key} = s.{key}",
                )
            )
        else:
            updated = first_number(
                sql(con, f"SELECT count(*) FROM {latest} AS s JOIN {table} AS c USING ({key})")
            )
        inserted = first_number(
            sql(
                con,
                f"INSERT INTO {table} BY NAME SELECT * FROM {latest} AS s WHERE NOT EXISTS "
                f"(SELECT 1 FROM {table} AS c WHERE c.{key} = s.{key}) ORDER BY {key}",
            )
        )
    finally:
        sql(con, f"DROP TABLE {latest}")
    return inserted, updated
