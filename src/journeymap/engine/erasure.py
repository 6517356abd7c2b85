"""Erasing one customer from the analytics database and its rejects files (right to erasure).

Every table of the database is looked at, not only the canonical three, so a table another
feature adds (feedback assignments, overrides) is covered without a change here: rows
whose ``customer_id`` is the customer go; in the ``feedback`` table also rows whose
``sender_hash`` is one of the customer's addresses (items that were never linked); and in
any other table, rows whose ``feedback_id`` names one of the erased feedback items. All of
it in one transaction; then a checkpoint, so the deleted rows leave the write-ahead log.

Rejects files keep the raw text of rejected rows, which can hold the customer's id or
address: their rows that mention either are removed (the files are rewritten in place).

Attached sources (files or tables read in place) are not ours to rewrite: erasure refuses
before deleting anything and names them (see :func:`refuse_attached`).
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from journeymap.engine.errors import EngineError
from journeymap.engine.feedback_store import SENDER_HASH
from journeymap.engine.sources import AttachedSource
from journeymap.engine.writing import Transaction, first_number, quote, sql
from journeymap.model.canonical import CUSTOMER_ID, FEEDBACK_ID, FEEDBACK_TABLE

REJECTS_ROWS: Final = "rejects files (rows)"
"""The name under which removed rejects-file rows are counted."""


def address_hash(address: str) -> str:
    """The ``sender_hash`` of an address, as the feedback import stores it."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


def refuse_attached(attached: Mapping[str, AttachedSource]) -> None:
    """Raise when a table is read in place: erasure would leave the customer there."""
    if not attached:
        return
    named = "; ".join(
        f"{name} from {source.describe()}" for name, source in sorted(attached.items())
    )
    first = sorted(attached)[0]
    raise EngineError(
        f"cannot erase a customer while data is attached and read in place ({named}): "
        "journeymap does not rewrite attached files or tables, so the customer would stay "
        "there. Nothing was removed. Remove the customer at the source, or detach it "
        f"(journeymap import detach {first}) and import a copy instead; then run forget again"
    )


def customer_addresses(con: Any, customer_id: str) -> list[str]:
    """The customer's e-mail addresses in the customers table (none if it has no email)."""
    if "customers" not in _tables(con):
        return []
    columns = _columns(con, "customers")
    if "email" not in columns or CUSTOMER_ID not in columns:
        return []
    rows = sql(
        con,
        f"SELECT DISTINCT lower(trim(CAST(email AS VARCHAR))) FROM customers "
        f"WHERE {quote(CUSTOMER_ID)} = ? AND email IS NOT NULL",
        [customer_id],
    )
    return [str(row[0]) for row in rows if row[0]]


def customer_texts(con: Any, customer_id: str, addresses: Sequence[str]) -> list[str]:
    """The customer's feedback texts (redacted, and raw where kept): what evidence may quote."""
    if FEEDBACK_TABLE not in _tables(con):
        return []
    columns = _columns(con, FEEDBACK_TABLE)
    hashes = [address_hash(a) for a in addresses if a.strip()]
    where, parameters = _feedback_match(columns, customer_id, hashes)
    wanted = [c for c in ("text", "raw_text") if c in columns]
    if not wanted:
        return []
    picked = ", ".join(quote(c) for c in wanted)
    rows = sql(con, f"SELECT {picked} FROM {FEEDBACK_TABLE} WHERE {where}", parameters)
    return sorted({str(value) for row in rows for value in row if value})


def erase_customer(con: Any, customer_id: str, addresses: Sequence[str]) -> dict[str, int]:
    """Delete the customer's rows from every table, in one transaction; counts per table."""
    hashes = [address_hash(a) for a in addresses if a.strip()]
    removed: dict[str, int] = {}
    tables = _tables(con)
    with Transaction(con):
        feedback_ids: list[str] = []
        if FEEDBACK_TABLE in tables:
            where, parameters = _feedback_match(_columns(con, FEEDBACK_TABLE), customer_id, hashes)
            feedback_ids = [
                str(row[0])
                for row in sql(
                    con,
                    f"SELECT {quote(FEEDBACK_ID)} FROM {FEEDBACK_TABLE} WHERE {where}",
                    parameters,
                )
            ]
            removed[FEEDBACK_TABLE] = _delete(con, FEEDBACK_TABLE, where, parameters)
        for table in tables:
            if table == FEEDBACK_TABLE:
                continue
            columns = _columns(con, table)
            conditions, parameters = [], []
            if CUSTOMER_ID in columns:
                conditions.append(f"{quote(CUSTOMER_ID)} = ?")
                parameters.append(customer_id)
            if FEEDBACK_ID in columns and feedback_ids:
                conditions.append(f"{quote(FEEDBACK_ID)} IN (SELECT unnest(?::VARCHAR[]))")
                parameters.append(feedback_ids)
            if conditions:
                removed[table] = _delete(con, table, " OR ".join(conditions), parameters)
    sql(con, "CHECKPOINT")
    return removed


def _feedback_match(
    columns: set[str], customer_id: str, hashes: list[str]
) -> tuple[str, list[Any]]:
    where = f"{quote(CUSTOMER_ID)} = ?"
    parameters: list[Any] = [customer_id]
    if hashes and SENDER_HASH in columns:
        where += f" OR {quote(SENDER_HASH)} IN (SELECT unnest(?::VARCHAR[]))"
        parameters.append(hashes)
    return where, parameters


def _delete(con: Any, table: str, where: str, parameters: list[Any]) -> int:
    return first_number(sql(con, f"DELETE FROM {quote(table)} WHERE {where}", parameters))


def _tables(con: Any) -> list[str]:
    rows = sql(
        con,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_type = 'BASE TABLE' ORDER BY table_name",
    )
    return [str(row[0]) for row in rows]


def _columns(con: Any, table: str) -> set[str]:
    return {str(row[0]) for row in sql(con, f"DESCRIBE {quote(table)}")}


def scrub_rejects(folder: Path, needles: Sequence[str]) -> int:
    """Remove the rows of every rejects file that mention a needle (case-insensitive)."""
    wanted = [n.lower() for n in needles if n]
    if not folder.is_dir() or not wanted:
        return 0
    removed = 0
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        kept = [
            row for index, row in enumerate(rows)
            if index == 0 or not any(n in cell.lower() for cell in row for n in wanted)
        ]  # fmt: skip
        if len(kept) == len(rows):
            continue
        removed += len(rows) - len(kept)
        handle_number, temporary = tempfile.mkstemp(dir=folder, suffix=".csv.tmp")
        try:
            with os.fdopen(handle_number, "w", encoding="utf-8", newline="") as out:
                csv.writer(out).writerows(kept)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return removed
