"""Erasing a customer's evidence from the store: the current maps and every saved version.

Evidence can name a customer (``customer_id``) and quote what they wrote. The right to
erasure reaches the history too, so this is the one place where saved versions are
rewritten rather than appended to: each version's document loses the matching evidence
items, and nothing else changes (version numbers, authors and messages stay, and a map
file restored from an old version no longer brings the customer back). Evidence is not
referred to by other parts of a journey, so removing an item leaves every map valid.

An item matches when its ``customer_id`` is the customer's, when its text names the
customer's id or one of their addresses, or when it quotes one of the customer's feedback
texts (either holds the other, at least :data:`MIN_QUOTE` characters long). All of it in
one transaction; on SQLite with ``secure_delete`` on, so freed pages are zeroed, and a
checkpoint afterwards so the write-ahead log keeps no copy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from journeymap.store.engine import writer
from journeymap.store.tables import evidence, journey_versions

MIN_QUOTE: Final = 20
"""Shorter texts are too generic ("Late delivery") to say an evidence item quotes them."""


@dataclass(frozen=True)
class EvidenceErasure:
    """What erasing a customer's evidence removed from the store."""

    current: int
    """Evidence items removed from the current maps."""
    in_versions: int
    """Evidence items removed from saved versions (a head version counts here too)."""
    versions_rewritten: int
    """Saved versions whose document changed."""


@dataclass(frozen=True)
class _Matcher:
    customer_id: str
    needles: tuple[re.Pattern[str], ...]
    quotes: tuple[str, ...]

    def __call__(self, item: Mapping[str, Any]) -> bool:
        if item.get("customer_id") == self.customer_id:
            return True
        text = _normalised(str(item.get("text") or ""))
        if any(needle.search(text) for needle in self.needles):
            return True
        if len(text) >= MIN_QUOTE and any(text in quote for quote in self.quotes):
            return True
        return any(quote in text for quote in self.quotes)


def erase_evidence(
    engine: Engine, *, customer_id: str, mentions: Sequence[str], quotes: Sequence[str]
) -> EvidenceErasure:
    """Remove the customer's evidence from current maps and saved versions, in one transaction.

    ``mentions`` are strings that identify the customer in a text (their id, their
    addresses); ``quotes`` their feedback texts.
    """
    matcher = _Matcher(
        customer_id,
        tuple(
            re.compile(rf"(?<![\w@.-]){re.escape(_normalised(m))}(?![\w@-])")
            for m in {customer_id, *mentions}
            if m.strip()
        ),
        tuple(q for q in {_normalised(q) for q in quotes} if len(q) >= MIN_QUOTE),
    )
    sqlite = engine.dialect.name == "sqlite"
    with writer(engine).begin() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA secure_delete = ON")
        current = _erase_current(connection, matcher)
        in_versions, rewritten = _erase_versions(connection, matcher)
    if sqlite:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return EvidenceErasure(current, in_versions, rewritten)


def _erase_current(connection: Connection, matches: _Matcher) -> int:
    rows = connection.execute(
        sa.select(evidence.c.journey_id, evidence.c.id, evidence.c.text, evidence.c.body)
    ).all()
    doomed = [
        (row.journey_id, row.id) for row in rows if matches({**(row.body or {}), "text": row.text})
    ]
    for journey_id, item_id in doomed:
        connection.execute(
            sa.delete(evidence).where(evidence.c.journey_id == journey_id, evidence.c.id == item_id)
        )
    return len(doomed)


def _erase_versions(connection: Connection, matches: _Matcher) -> tuple[int, int]:
    rows = connection.execute(
        sa.select(
            journey_versions.c.journey_id, journey_versions.c.number, journey_versions.c.document
        )
    ).all()
    removed = rewritten = 0
    for row in rows:
        document = dict(row.document)
        items = list(document.get("evidence") or [])
        kept = [item for item in items if not matches(item)]
        if len(kept) == len(items):
            continue
        removed += len(items) - len(kept)
        rewritten += 1
        document["evidence"] = kept
        connection.execute(
            sa.update(journey_versions)
            .where(
                journey_versions.c.journey_id == row.journey_id,
                journey_versions.c.number == row.number,
            )
            .values(document=document)
        )
    return removed, rewritten


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())
