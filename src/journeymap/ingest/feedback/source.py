"""A feedback file to import: what kind of feedback it holds, how to read it, lazily.

``read_feedback(path)`` only looks at the name (and, for tables, the header): reading starts
when the source is iterated, one :class:`FeedbackChunk` at a time. The kind decides the
``source`` column and the rating's scale:

======== ========== =============================================
kind     source     rating
======== ========== =============================================
email    ``email``  none (mbox files, .eml files or folders of them)
tickets  ``ticket`` none
reviews  ``review`` stars 1-5, required
nps      ``nps``    0-10, required
csat     ``csat``   1-5, required
survey   ``survey`` none (free-text answers)
======== ========== =============================================

Without ``kind`` it is told from the file: mailboxes by extension (``.mbox``, ``.eml``, a
folder), tables by a word in the file name (``reviews.csv`` -> reviews, ``nps.csv`` -> nps)
and then by their columns (``stars`` -> reviews, ``nps`` -> nps, ``csat`` -> csat).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Final

import pyarrow as pa

from journeymap.ingest.errors import IngestError
from journeymap.ingest.mapping import TIME_FORMATS
from journeymap.ingest.rejects import Reject
from journeymap.model.canonical import (
    CUSTOMER_ID,
    FEEDBACK_ID,
    RATING,
    RATING_SCALES,
    SUBJECT,
    TEXT,
    THREAD_ID,
    TS,
)

FEEDBACK_BATCH_ROWS: Final = 20_000
"""Items per chunk: feedback rows are wide (whole texts), so chunks are smaller than events'."""

SENDER: Final = "sender"
"""The sender's e-mail address, lower-cased: how an item without a customer id is linked.

The engine matches it to the customers table's ``email`` and stores only its hash
(``sender_hash``), never the address itself."""
NOTES: Final = "notes"
"""What the reader had to repair to import an item (a date from the mbox line, an unknown
charset read as UTF-8...); null for items read as they were."""

MAPPABLE: Final = (FEEDBACK_ID, CUSTOMER_ID, SENDER, TS, SUBJECT, TEXT, RATING, THREAD_ID)
"""The fields a table's columns can be mapped onto (``--map FIELD=COLUMN``)."""


class FeedbackKind(StrEnum):
    """What a feedback file holds (see the module docstring)."""

    EMAIL = "email"
    TICKETS = "tickets"
    REVIEWS = "reviews"
    NPS = "nps"
    CSAT = "csat"
    SURVEY = "survey"

    @property
    def source(self) -> str:
        """The value of the ``source`` column for items of this kind."""
        return _SOURCES[self]

    @property
    def scale(self) -> tuple[int, int] | None:
        """The valid rating range, or ``None`` when this kind has no rating."""
        return RATING_SCALES.get(self.source)


_SOURCES: Final = {
    FeedbackKind.EMAIL: "email",
    FeedbackKind.TICKETS: "ticket",
    FeedbackKind.REVIEWS: "review",
    FeedbackKind.NPS: "nps",
    FeedbackKind.CSAT: "csat",
    FeedbackKind.SURVEY: "survey",
}


class FeedbackFormat(StrEnum):
    """How a feedback file is written."""

    MBOX = "mbox"
    EML = "eml"
    CSV = "csv"
    JSONL = "jsonl"


_EXTENSIONS: Final = {
    ".mbox": FeedbackFormat.MBOX,
    ".mbx": FeedbackFormat.MBOX,
    ".eml": FeedbackFormat.EML,
    ".csv": FeedbackFormat.CSV,
    ".tsv": FeedbackFormat.CSV,
    ".txt": FeedbackFormat.CSV,
    ".jsonl": FeedbackFormat.JSONL,
    ".ndjson": FeedbackFormat.JSONL,
    ".json": FeedbackFormat.JSONL,
}


@dataclass(frozen=True)
class FeedbackMapping:
    """Which source column holds which feedback field, and how to read its times.

    Fields left out are found by their usual names (see :data:`ALIASES
    <journeymap.ingest.feedback.tables.FEEDBACK_ALIASES>`).

    >>> FeedbackMapping(columns={"text": "comment", "rating": "stars"}, timezone="Europe/Paris")
    FeedbackMapping(columns={'text': 'comment', 'rating': 'stars'}, timezone='Europe/Paris', time_format=None)
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    """Field (one of :data:`MAPPABLE`) -> source column."""
    timezone: str = "UTC"
    """Zone of timestamps written without one."""
    time_format: str | None = None
    """As for events: ``iso``, ``epoch_s``..., or a strptime pattern; ``None`` guesses."""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(MAPPABLE))
        if unknown:
            raise ValueError(
                f"cannot map {', '.join(unknown)}: the fields are {', '.join(MAPPABLE)}"
            )
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {self.timezone!r}; use an IANA name such as 'Europe/Berlin'"
            ) from None
        fmt = self.time_format
        if fmt is not None and fmt not in TIME_FORMATS and "%" not in fmt:
            raise ValueError(
                f"unknown time format {fmt!r}; use one of {', '.join(TIME_FORMATS)} "
                "or a strptime pattern such as '%d/%m/%Y %H:%M'"
            )


@dataclass(frozen=True)
class FeedbackChunk:
    """Some consecutive items of a file: the good ones in canonical form, and the rejects."""

    batch: pa.RecordBatch
    rejects: tuple[Reject, ...]
    rows_read: int
    """Source items this chunk covers: imported, rejected and skipped."""
    bytes_done: int
    """How far into the file (bytes) reading has come."""
    agent_messages: int = 0
    """E-mails from the company itself (agent replies), skipped: they are not feedback."""


FeedbackReader = Callable[["FeedbackSource"], Iterator[FeedbackChunk]]


@dataclass(frozen=True)
class FeedbackSource:
    """One feedback file (or folder of .eml files); iterate it for its chunks."""

    path: Path
    kind: FeedbackKind
    format: FeedbackFormat
    mapping: FeedbackMapping
    delimiter: str
    company_addresses: tuple[str, ...]
    """Addresses or ``@domains`` whose mail is the company's own (agent replies)."""
    batch_rows: int

    @property
    def size(self) -> int:
        """Bytes to read: the file, or every .eml file of the folder."""
        if self.path.is_dir():
            return sum(p.stat().st_size for p in self.path.rglob("*.eml") if p.is_file())
        return self.path.stat().st_size

    def __iter__(self) -> Iterator[FeedbackChunk]:
        if not self.path.exists():
            raise IngestError(self.path, "no such file or folder")
        from journeymap.ingest.feedback.readers import FEEDBACK_READERS

        return FEEDBACK_READERS[self.format](self)


def read_feedback(
    path: Path | str,
    *,
    kind: FeedbackKind | str | None = None,
    mapping: FeedbackMapping | None = None,
    format: FeedbackFormat | str | None = None,
    delimiter: str | None = None,
    company_addresses: Sequence[str] = (),
    batch_rows: int = FEEDBACK_BATCH_ROWS,
) -> FeedbackSource:
    """A feedback file to import; its chunks hold canonical feedback rows.

    >>> source = read_feedback("feedback/reviews.csv")  # doctest: +SKIP
    >>> source.kind, source.kind.scale  # doctest: +SKIP
    (<FeedbackKind.REVIEWS: 'reviews'>, (1, 5))
    """
    path = Path(path)
    shape = _format(path, format)
    if delimiter is not None and len(delimiter) != 1:
        raise ValueError(f"the delimiter must be one character; got {delimiter!r}")
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be at least 1; got {batch_rows}")
    mailbox = shape in (FeedbackFormat.MBOX, FeedbackFormat.EML)
    if kind is None:
        found = FeedbackKind.EMAIL if mailbox else _kind_of_table(path, shape, delimiter)
    else:
        found = _named_kind(kind)
    if mailbox and found is not FeedbackKind.EMAIL:
        raise IngestError(path, f"a mailbox holds e-mail, not {found}; leave out --kind")
    if not mailbox and found is FeedbackKind.EMAIL:
        raise IngestError(path, "e-mail is read from mbox or .eml files, not from a table")
    companies = tuple(_company(address) for address in company_addresses)
    tab = "\t" if path.suffix.lower() == ".tsv" else ","
    return FeedbackSource(
        path,
        found,
        shape,
        mapping or FeedbackMapping(),
        delimiter or tab,
        companies,
        batch_rows,
    )


def _named_kind(kind: FeedbackKind | str) -> FeedbackKind:
    try:
        return FeedbackKind(str(kind).lower())
    except ValueError:
        raise ValueError(
            f"unknown kind of feedback {kind!r}; use one of {', '.join(FeedbackKind)}"
        ) from None


def _format(path: Path, format: FeedbackFormat | str | None) -> FeedbackFormat:
    if format is not None:
        try:
            return FeedbackFormat(str(format).lower())
        except ValueError:
            raise ValueError(
                f"unknown feedback format {format!r}; use one of {', '.join(FeedbackFormat)}"
            ) from None
    if path.is_dir():
        return FeedbackFormat.EML
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        raise IngestError(path, "decompress the file first (feedback files are read plain)")
    extension = suffixes[-1] if suffixes else ""
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension]
    if not extension and path.is_file() and _starts_like_mbox(path):
        return FeedbackFormat.MBOX
    known = ", ".join(sorted(_EXTENSIONS))
    raise IngestError(
        path,
        f"cannot tell the format from the name (known: {known}, or a folder of .eml files); "
        "name it with --input-format mbox|eml|csv|jsonl",
    )


def _starts_like_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


_NAME_WORDS: Final = (
    ("review", FeedbackKind.REVIEWS),
    ("nps", FeedbackKind.NPS),
    ("csat", FeedbackKind.CSAT),
    ("ticket", FeedbackKind.TICKETS),
    ("survey", FeedbackKind.SURVEY),
)
_COLUMN_WORDS: Final = (
    ("nps", FeedbackKind.NPS),
    ("csat", FeedbackKind.CSAT),
    ("stars", FeedbackKind.REVIEWS),
    ("review", FeedbackKind.REVIEWS),
    ("ticket", FeedbackKind.TICKETS),
)


def _kind_of_table(path: Path, shape: FeedbackFormat, delimiter: str | None) -> FeedbackKind:
    stem = path.name.lower()
    for word, kind in _NAME_WORDS:
        if word in stem:
            return kind
    from journeymap.ingest.feedback.tables import peek_columns

    columns = [c.lower() for c in peek_columns(path, shape, delimiter or ",")]
    for word, kind in _COLUMN_WORDS:
        if any(word in column for column in columns):
            return kind
    raise IngestError(
        path,
        "cannot tell what kind of feedback this is from its name or columns; name it with "
        f"--kind {'|'.join(k.value for k in FeedbackKind if k is not FeedbackKind.EMAIL)}",
    )


def _company(address: str) -> str:
    """An address or ``@domain`` as compared: trimmed and lower-cased."""
    cleaned = address.strip().lower()
    if "@" not in cleaned:
        cleaned = "@" + cleaned
    if cleaned.endswith("@") or " " in cleaned:
        raise ValueError(f"{address!r} is not an e-mail address or a domain")
    return cleaned
