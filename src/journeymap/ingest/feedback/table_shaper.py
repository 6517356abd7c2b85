"""Raw text columns of a feedback table -> canonical feedback rows, one reject per bad row.

Columns are found by the mapping or by their usual names (:data:`FEEDBACK_ALIASES`,
case-insensitive), resolved once per file. Checks, in this order, the first failing one
naming the row's reject: the time (missing or not a time), the rating (sources with a
scale: missing, not a number, outside the scale, NPS not a whole number), the text
(sources without a scale must have words; reviews, NPS and CSAT answers may be a bare
score). Everything runs on whole Arrow columns; Python only builds the rejects.

Rows with neither a customer id nor a sender address are kept (``customer_id`` null): an
anonymous survey answer is still evidence. The engine counts them as unlinked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journeymap.ingest.casting import cast_or_null, failed
from journeymap.ingest.convert import blank_to_null
from journeymap.ingest.errors import IngestError
from journeymap.ingest.feedback.rows import RESERVED, feedback_batch
from journeymap.ingest.feedback.source import SENDER, FeedbackKind, FeedbackMapping
from journeymap.ingest.feedback.tables import RawRows
from journeymap.ingest.rejects import Reject, RejectKind
from journeymap.ingest.timestamps import parse_timestamps
from journeymap.model.canonical import (
    CUSTOMER_ID,
    FEEDBACK_ID,
    RATING,
    SOURCE,
    SUBJECT,
    TEXT,
    THREAD_ID,
    TS,
)

FEEDBACK_ALIASES: Final[Mapping[str, tuple[str, ...]]] = {
    FEEDBACK_ID: (FEEDBACK_ID, "id", "review_id", "response_id", "answer_id", "message_id",
                  "comment_id", "ticket_id"),
    CUSTOMER_ID: (CUSTOMER_ID, "customer", "user_id", "client_id", "account_id"),
    SENDER: (SENDER, "email", "e-mail", "email_address", "customer_email", "from"),
    TS: (TS, "timestamp", "time", "created_at", "submitted_at", "answered_at", "datetime",
         "date", "created"),
    SUBJECT: (SUBJECT, "title", "summary", "headline"),
    TEXT: (TEXT, "comment", "body", "message", "review", "feedback", "answer", "verbatim",
           "description", "content"),
    RATING: (RATING, "score", "stars", "nps", "csat", "nps_score", "csat_score"),
    THREAD_ID: (THREAD_ID, "ticket_id", "conversation_id", "case_id"),
}  # fmt: skip
"""Source names tried, in order, for a feedback field the mapping leaves open."""

_Message = Callable[[str | None], str]


@dataclass
class _Checker:
    """One reject per bad row: the first problem found wins."""

    file: str
    rows: np.ndarray
    bad: np.ndarray = field(init=False)
    rejects: list[Reject] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.bad = np.zeros(len(self.rows), dtype=bool)

    def flag(
        self, mask: np.ndarray, column: str, kind: RejectKind, values: pa.Array, message: _Message
    ) -> None:
        for index in np.flatnonzero(mask & ~self.bad):
            raw = values[int(index)].as_py()
            text = None if raw is None else str(raw)
            self.rejects.append(
                Reject(self.file, int(self.rows[index]), column, kind, message(text), text)
            )
        self.bad |= mask


@dataclass
class TableShaper:
    """Canonicalises the raw batches of one feedback table (see the module docstring)."""

    path: Path
    kind: FeedbackKind
    mapping: FeedbackMapping
    _resolved: dict[str, str] | None = field(default=None, init=False)

    def shape(self, raw: RawRows) -> tuple[pa.RecordBatch, list[Reject]]:
        """The good rows in canonical form, and one reject per bad row."""
        resolved = self.resolve(list(raw.columns))
        check = _Checker(self.path.name, raw.rows)
        size = raw.size
        column = self._column(raw, size)
        out: dict[str, pa.Array] = {
            FEEDBACK_ID: column(resolved.get(FEEDBACK_ID)),
            CUSTOMER_ID: column(resolved.get(CUSTOMER_ID)),
            SOURCE: pa.array([self.kind.source] * size, pa.string()),
            SUBJECT: column(resolved.get(SUBJECT)),
            TEXT: column(resolved.get(TEXT)),
            THREAD_ID: column(resolved.get(THREAD_ID)),
        }
        sender = column(resolved.get(SENDER))
        out[SENDER] = pc.utf8_lower(sender)
        out[TS] = self._times(raw.columns[resolved[TS]], resolved[TS], check)
        if self.kind.scale is not None:
            out[RATING] = self._ratings(raw.columns[resolved[RATING]], resolved[RATING], check)
        else:
            source = resolved[TEXT]
            missing = np.asarray(out[TEXT].is_null().to_numpy(zero_copy_only=False), dtype=bool)
            check.flag(
                missing, source, RejectKind.MISSING_TEXT, raw.columns[source],
                lambda _: f"no text (column {source!r} is empty)",
            )  # fmt: skip
        mapped = set(resolved.values())
        properties = [name for name in raw.columns if name not in mapped]
        for name in properties:
            out[name] = raw.columns[name]
        batch = feedback_batch(out, size=size, properties=properties)
        if check.bad.any():
            batch = batch.filter(pa.array(~check.bad))
        return batch, sorted(check.rejects, key=lambda r: r.row)

    def resolve(self, names: Sequence[str]) -> dict[str, str]:
        """Field -> source column, found once per file; properties' names checked each time."""
        if self._resolved is None:
            self._resolved = self._find(names)
        mapped = set(self._resolved.values())
        taken = {name.casefold() for name in RESERVED}
        for name in names:
            if name not in mapped and name.casefold() in taken:
                raise IngestError(
                    self.path,
                    f"column {name!r} is not mapped but its name is reserved for a feedback "
                    f"field; map it (--map FIELD={name}) or rename it",
                )
        return self._resolved

    def _find(self, names: Sequence[str]) -> dict[str, str]:
        by_lower = {name.lower(): name for name in reversed(names)}
        scale = self.kind.scale
        wanted = [f for f in FEEDBACK_ALIASES if f != RATING or scale is not None]
        if scale is None and RATING in self.mapping.columns:
            raise IngestError(
                self.path,
                f"{self.kind} have no rating; import scores as --kind reviews, nps or csat",
            )
        resolved: dict[str, str] = {}
        for name in wanted:
            given = self.mapping.columns.get(name)
            if given is not None:
                if given not in names:
                    raise IngestError(
                        self.path,
                        f"the {name} column {given!r} is not in the file; its columns are "
                        f"{', '.join(names) or '(none)'}",
                    )
                resolved[name] = given
                continue
            taken = set(resolved.values())
            found = next(
                (
                    by_lower[alias]
                    for alias in FEEDBACK_ALIASES[name]
                    if alias in by_lower and (by_lower[alias] not in taken or name == THREAD_ID)
                ),
                None,
            )
            if found is not None:
                resolved[name] = found
        required = [TS, RATING] if scale is not None else [TS, TEXT]
        for name in required:
            if name not in resolved:
                raise IngestError(
                    self.path,
                    f"no {name} column: none of {', '.join(FEEDBACK_ALIASES[name])} is in the "
                    f"file (its columns are {', '.join(names) or '(none)'}); name it with "
                    f"--map {name}=COLUMN",
                )
        return resolved

    @staticmethod
    def _column(raw: RawRows, size: int) -> Callable[[str | None], pa.Array]:
        def column(name: str | None) -> pa.Array:
            if name is None:
                return pa.nulls(size, pa.string())
            return blank_to_null(cast_or_null(raw.columns[name], pa.string()))

        return column

    def _times(self, values: pa.Array, source: str, check: _Checker) -> pa.Array:
        text = blank_to_null(values)
        parsed = parse_timestamps(
            text, time_format=self.mapping.time_format, timezone=self.mapping.timezone
        )
        absent = np.asarray(text.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        check.flag(
            absent, source, RejectKind.MISSING_TIMESTAMP, values,
            lambda _: f"no time (column {source!r} is empty); every item needs one",
        )  # fmt: skip
        check.flag(
            failed(text, parsed), source, RejectKind.BAD_TIMESTAMP, values,
            lambda raw: f"{raw!r} is not a timestamp",
        )  # fmt: skip
        return parsed

    def _ratings(self, values: pa.Array, source: str, check: _Checker) -> pa.Array:
        assert self.kind.scale is not None
        low, high = self.kind.scale
        what = f"the {self.kind.source} scale {low}-{high}"
        text = blank_to_null(values)
        numbers = cast_or_null(text, pa.float64())
        absent = np.asarray(text.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        check.flag(
            absent, source, RejectKind.BAD_RATING, values,
            lambda _: f"no rating (column {source!r} is empty; {self.kind} need one on {what})",
        )  # fmt: skip
        check.flag(
            failed(text, numbers), source, RejectKind.BAD_RATING, values,
            lambda raw: f"{raw!r} is not a number on {what}",
        )  # fmt: skip
        outside = pc.or_(pc.less(numbers, low), pc.greater(numbers, high))
        if self.kind is FeedbackKind.NPS:
            outside = pc.or_(outside, pc.not_equal(pc.floor(numbers), numbers))
        mask = np.asarray(pc.fill_null(outside, False).to_numpy(zero_copy_only=False), dtype=bool)
        check.flag(
            mask, source, RejectKind.BAD_RATING, values,
            lambda raw: f"{raw} is outside {what}"
            + (" (NPS answers are whole numbers)" if self.kind is FeedbackKind.NPS else ""),
        )  # fmt: skip
        return numbers
