"""The reader for each feedback format, in one registry (a new format registers here)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from journeymap.ingest.feedback.mail_reader import read_mail
from journeymap.ingest.feedback.rows import feedback_batch
from journeymap.ingest.feedback.source import (
    FeedbackChunk,
    FeedbackFormat,
    FeedbackReader,
    FeedbackSource,
)
from journeymap.ingest.feedback.table_shaper import TableShaper
from journeymap.ingest.feedback.tables import csv_rows, jsonl_rows


def read_table(source: FeedbackSource) -> Iterator[FeedbackChunk]:
    """The chunks of a CSV or JSON Lines file of tickets, reviews or survey answers."""
    shaper = TableShaper(source.path, source.kind, source.mapping)
    if source.format is FeedbackFormat.CSV:
        batches = csv_rows(source.path, source.delimiter, source.batch_rows)
    else:
        batches = jsonl_rows(source.path, source.batch_rows)
    for raw in batches:
        if raw.columns:
            batch, rejects = shaper.shape(raw)
        else:
            batch, rejects = feedback_batch({}, size=0), []
        found = sorted([*raw.rejects, *rejects], key=lambda reject: reject.row)
        yield FeedbackChunk(batch, tuple(found), raw.size + len(raw.rejects), raw.bytes_done)


FEEDBACK_READERS: Final[Mapping[FeedbackFormat, FeedbackReader]] = {
    FeedbackFormat.MBOX: read_mail,
    FeedbackFormat.EML: read_mail,
    FeedbackFormat.CSV: read_table,
    FeedbackFormat.JSONL: read_table,
}
