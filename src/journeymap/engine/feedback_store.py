"""Storing feedback: stage, link to customers, dedupe and merge in one DuckDB transaction.

Like events (see :mod:`journeymap.engine.writing`): chunks stream into Parquet parts,
then ONE transaction merges them, so a failed import leaves the ``feedback`` table as it
was. On the way in:

- **ids**: an item without a ``feedback_id`` gets a content hash (source, customer,
  sender, time, subject, text, rating); an id already in the table, or repeated within
  the import (the first wins), is skipped, so re-importing never duplicates.
- **linking**: an item without a customer id is linked by its sender's address to the
  customers table's ``email`` column (case-insensitive). An address that two customers
  share links to neither. Unmatched items are kept with a null ``customer_id`` and
  counted as unlinked: their words are still evidence, and a later re-import links them
  once the customer is known (the only change a re-import makes to a stored item).
- **the address itself is not stored**: ``sender`` becomes ``sender_hash`` (SHA-256 of the
  lower-cased address), enough to link later and to find a customer's items on
  erasure, while the table holds no address in clear.

The table keeps the canonical columns first (:data:`FEEDBACK_COLUMNS`), then ``raw_text``
where the workspace keeps it, ``sender_hash``, ``notes`` and the properties.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import ibis
import pyarrow as pa

from journeymap.engine.rejects_file import RejectsFile
from journeymap.engine.staging import Staging
from journeymap.engine.writing import (
    Transaction,
    add_new_columns,
    column_types,
    first_number,
    quote,
    sql,
    table_exists,
)
from journeymap.ingest.feedback import NOTES, SENDER, FeedbackSource
from journeymap.model.canonical import (
    CUSTOMER_ID,
    FEEDBACK_COLUMNS,
    FEEDBACK_ID,
    FEEDBACK_TABLE,
    RATING,
    SOURCE,
    SUBJECT,
    TEXT,
    THREAD_ID,
    TS,
)

SENDER_HASH: Final = "sender_hash"
"""SHA-256 (hex) of the sender's lower-cased address: links and erases without storing it."""
EMAIL_COLUMN: Final = "email"
"""The customers table's column that sender addresses are matched to."""

_FIXED: Final = {
    FEEDBACK_ID: "VARCHAR",
    CUSTOMER_ID: "VARCHAR",
    TS: "TIMESTAMP WITH TIME ZONE",
    SOURCE: "VARCHAR",
    SUBJECT: "VARCHAR",
    TEXT: "VARCHAR",
    RATING: "DOUBLE",
    THREAD_ID: "VARCHAR",
    SENDER_HASH: "VARCHAR",
    NOTES: "VARCHAR",
}

Enforce = Callable[[RejectsFile, int, bool], None]
"""``enforce(rejects, rows_read, final)`` raises when the reject threshold is exceeded."""
Prepare = Callable[[pa.RecordBatch], pa.RecordBatch]
"""Applied to each chunk's good rows before staging (the services layer redacts here)."""
Report = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class FeedbackImportSummary:
    """What a feedback import did."""

    files: int
    items_read: int
    """Source items seen: imported, duplicates, agent messages and rejects."""
    imported: int
    """New items stored."""
    duplicates_skipped: int
    """Good items not stored because the table (or the import itself) already had them."""
    agent_messages_skipped: int
    """E-mails from the company itself (agent replies): not customer feedback."""
    unlinked: int
    """Of the new items, those no customer could be found for (``customer_id`` null)."""
    linked_now: int
    """Items stored unlinked by an earlier import that this import linked to a customer."""
    rejected: int
    rejects_file: Path | None
    seconds: float


def feedback_columns(con: Any) -> dict[str, str]:
    """The stored feedback table's columns and DuckDB types (empty when there is none)."""
    return column_types(con, FEEDBACK_TABLE) if table_exists(con, FEEDBACK_TABLE) else {}


def import_feedback(
    con: Any,
    sources: Sequence[FeedbackSource],
    *,
    folder: Path,
    rejects_folder: Path,
    customers: ibis.Table | None,
    enforce: Enforce,
    progress: Report,
    prepare: Prepare | None = None,
) -> FeedbackImportSummary:
    """Read, stage and merge feedback files all or nothing (see the module docstring)."""
    if not sources:
        raise ValueError("nothing to import: give at least one file")
    started = time.perf_counter()
    rejects = RejectsFile(rejects_folder, sources[0].path.name.split(".")[0])
    total = sum(source.size for source in sources)
    current = [sources[0]]
    read = agents = before = 0
    # No order tracking: the merge sorts by time anyway, and an unlinked item's customer id
    # is null, which the (customer_id, ts) check cannot compare.
    with Staging(folder, origin=lambda: str(current[0].path), track_order=False) as staging:
        try:
            for source in sources:
                current[0] = source
                for chunk in source:
                    rejects.write(chunk.rejects)
                    read += chunk.rows_read
                    agents += chunk.agent_messages
                    enforce(rejects, read, False)
                    batch = chunk.batch
                    if prepare is not None and batch.num_rows:
                        batch = prepare(batch)
                    staging.append(batch)
                    progress("read", before + chunk.bytes_done, total)
                before += source.size
            enforce(rejects, read, True)
        finally:
            rejects.close()
        staging.finish()
        progress("store", 0, staging.rows)
        merged = _Merged(0, 0, 0)
        if staging.rows:
            link = _register_link(con, customers)
            try:
                with Transaction(con):
                    merged = merge_feedback(con, staging, link=link)
            finally:
                if link is not None:
                    con.unregister(link)
            progress("store", staging.rows, staging.rows)
    return FeedbackImportSummary(
        files=len(sources),
        items_read=read,
        imported=merged.inserted,
        duplicates_skipped=staging.rows - merged.inserted,
        agent_messages_skipped=agents,
        unlinked=merged.unlinked,
        linked_now=merged.linked_now,
        rejected=rejects.count,
        rejects_file=rejects.path,
        seconds=time.perf_counter() - started,
    )


@dataclass(frozen=True)
class _Merged:
    inserted: int
    unlinked: int
    linked_now: int


def _register_link(con: Any, customers: ibis.Table | None) -> str | None:
    """Register address -> customer id (unambiguous addresses only) as a view; its name."""
    if customers is None or EMAIL_COLUMN not in customers.columns:
        return None
    address = customers[EMAIL_COLUMN].cast("string").strip().lower()
    pairs = (
        customers.select(address=address, customer=customers[CUSTOMER_ID].cast("string"))
        .filter(lambda t: t.address.notnull() & (t.address != ""))
        .group_by("address")
        .aggregate(customer=lambda t: t.customer.min(), ids=lambda t: t.customer.nunique())
        .filter(lambda t: t.ids == 1)
        .select("address", "customer")
    )
    name = f"_jm_link_{uuid.uuid4().hex[:12]}"
    con.register(name, pairs.to_pyarrow())
    return name


def merge_feedback(con: Any, staging: Staging, *, link: str | None) -> _Merged:
    """Link, hash, dedupe and insert the staged items; late-link stored unlinked ones."""
    table = FEEDBACK_TABLE
    if not table_exists(con, table):
        fixed = ", ".join(f"{quote(name)} {kind}" for name, kind in _FIXED.items())
        sql(con, f"CREATE TABLE {table} ({fixed})")
    staged = column_types(con, f"SELECT * FROM {staging.relation()}")
    extra = {n: k for n, k in staged.items() if n not in _FIXED and n != SENDER}
    add_new_columns(con, table, extra, origin="feedback import")
    prepared = f"_jm_feedback_{uuid.uuid4().hex[:12]}"
    relation = staging.relation().replace(
        "union_by_name = true", "union_by_name = true, filename = '_part', file_row_number = true"
    )
    linked = f"coalesce(s.{quote(CUSTOMER_ID)}, l.customer)" if link else f"s.{quote(CUSTOMER_ID)}"
    join = f"LEFT JOIN {link} AS l ON l.address = s.{quote(SENDER)}" if link else ""
    sql(
        con,
        f"CREATE TEMP TABLE {prepared} AS SELECT * EXCLUDE (_part, file_row_number) FROM ("
        f"SELECT s.* EXCLUDE ({quote(SENDER)}) REPLACE ("
        f"coalesce(s.{quote(FEEDBACK_ID)}, {_content_hash()}) AS {quote(FEEDBACK_ID)}, "
        f"{linked} AS {quote(CUSTOMER_ID)}), "
        f"sha256(s.{quote(SENDER)}) AS {quote(SENDER_HASH)} FROM {relation} AS s {join}) "
        f"QUALIFY row_number() OVER (PARTITION BY {quote(FEEDBACK_ID)} "
        "ORDER BY _part, file_row_number) = 1",
    )
    try:
        key, who = quote(FEEDBACK_ID), quote(CUSTOMER_ID)
        linked_now = first_number(
            sql(
                con,
                f"UPDATE {table} SET {who} = p.{who} FROM {prepared} AS p WHERE "
                f"{table}.{key} = p.{key} AND {table}.{who} IS NULL AND p.{who} IS NOT NULL",
            )
        )
        new = f"FROM {prepared} AS p WHERE NOT EXISTS (SELECT 1 FROM {table} AS f WHERE f.{key} = p.{key})"
        unlinked = first_number(sql(con, f"SELECT count(*) {new} AND p.{who} IS NULL"))
        inserted = first_number(
            sql(con, f"INSERT INTO {table} BY NAME SELECT p.* {new} ORDER BY p.{quote(TS)}")
        )
    finally:
        sql(con, f"DROP TABLE {prepared}")
    return _Merged(inserted, unlinked, linked_now)


def _content_hash() -> str:
    """SQL for an item's content hash (items without an id of their own)."""
    parts = [
        f"s.{quote(SOURCE)}",
        f"coalesce(s.{quote(CUSTOMER_ID)}, '')",
        f"coalesce(s.{quote(SENDER)}, '')",
        f"CAST(epoch_us(s.{quote(TS)}) AS VARCHAR)",
        f"coalesce(s.{quote(SUBJECT)}, '')",
        f"coalesce(s.{quote(TEXT)}, '')",
        f"coalesce(CAST(s.{quote(RATING)} AS VARCHAR), '')",
    ]
    return f"'h-' || md5(concat_ws(chr(31), {', '.join(parts)}))"


def canonical_order(columns: Sequence[str]) -> list[str]:
    """The feedback table's columns with the canonical ones first, in their order."""
    front = [c for c in FEEDBACK_COLUMNS if c in columns]
    return front + [c for c in columns if c not in front]
