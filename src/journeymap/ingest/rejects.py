"""Rejected rows: every source row that is not imported says where it was and why.

A reject names the file, the 1-based row (line number for CSV and JSON Lines, with the
header as line 1; event index for XES; row index for Parquet), the column at fault, a
:class:`RejectKind` that tools and tests can rely on, a sentence for people, and the raw
text where the reader still has it. One reject per row: the first problem found, checked
in the order customer, timestamp, event, channel, then properties, so counts of rejects
and of rejected rows are the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RejectKind(StrEnum):
    """Why a row was rejected, as a stable keyword."""

    FIELD_COUNT = "field-count"
    """A CSV row with fewer or more fields than the header (e.g. truncated)."""
    UNDECODABLE = "undecodable"
    """Bytes that are not valid UTF-8 (binary junk)."""
    MALFORMED_JSON = "malformed-json"
    """A JSON Lines line that is not a JSON object."""
    MISSING_CUSTOMER = "missing-customer"
    """No customer id (empty or absent)."""
    MISSING_EVENT = "missing-event"
    """No event name (empty or absent)."""
    MISSING_TIMESTAMP = "missing-timestamp"
    """No timestamp (empty or absent)."""
    BAD_TIMESTAMP = "bad-timestamp"
    """A timestamp that does not parse in the expected format."""
    WRONG_TYPE = "wrong-type"
    """A property value that does not fit the property's type (or its declared XES type)."""
    MISSING_TEXT = "missing-text"
    """Feedback without the customer's own words (empty, or nothing left once quotes are cut)."""
    BAD_RATING = "bad-rating"
    """A feedback rating that is missing, not a number, or outside its source's scale."""
    MALFORMED_MESSAGE = "malformed-message"
    """An e-mail that cannot be read: truncated, no From, no text part."""


@dataclass(frozen=True, slots=True)
class Reject:
    """One source row that was not imported, with where and why."""

    file: str
    row: int
    column: str | None
    kind: RejectKind
    message: str
    raw: str | None = None

    @property
    def reason(self) -> str:
        """``kind: message``, the ``reason`` column of a rejects file."""
        return f"{self.kind}: {self.message}"


REJECT_FILE_COLUMNS = ("file", "row", "column", "reason", "raw")
"""Header of a rejects CSV file, in order."""


def reject_record(reject: Reject) -> tuple[str, int, str, str, str]:
    """The values of a rejects-file row (empty text for absent column and raw)."""
    return (reject.file, reject.row, reject.column or "", reject.reason, reject.raw or "")
