"""Customer text in, and a customer out: importing feedback with redaction, and erasure.

The one API behind ``journeymap import feedback`` and ``journeymap forget``. Importing
reads with :mod:`journeymap.ingest.feedback`, redacts personal data here, between reading
and storing (ingest knows no redaction and the engine no text rules), and stores with
:meth:`AnalyticsDatabase.import_feedback`, which links items to customers and dedupes.
Every text column is redacted (text, subject and text properties such as a ``phone``
column of a ticket export); ids are not. With ``[privacy] keep_raw_text = true`` in
``journeymap.toml`` the text before redaction is stored too, as ``raw_text``.

Forgetting a customer erases them everywhere journeymap keeps data: the analytics
database (events, customers, feedback and any table with a ``customer_id``), the rejects
files, and the store's evidence in the current maps and in every saved version, one
transaction per database. The source files in the workspace folder (what was imported)
are not rewritten; the result lists them.

>>> with FeedbackService.open(Path("demo-workspace")) as feedback:  # doctest: +SKIP
...     result = feedback.import_feedback([Path("support.mbox")])
...     result.summary.imported, dict(result.redacted)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Final

import pyarrow as pa

from journeymap.engine import AnalyticsDatabase, FeedbackImportSummary, database_path
from journeymap.ingest.feedback import NOTES, SENDER, FeedbackMapping, read_feedback
from journeymap.model.canonical import (
    CUSTOMER_ID,
    FEEDBACK_ID,
    RAW_TEXT,
    SOURCE,
    TEXT,
    THREAD_ID,
)
from journeymap.services.layout import WorkspaceLayout
from journeymap.services.settings import load_settings
from journeymap.services.workspace import WorkspaceService
from journeymap.store.erasure import erase_evidence
from journeymap.voice.privacy import PersonalData, Redactor

Progress = Callable[[str, int, int | None], None]

_NOT_REDACTED: Final = frozenset({FEEDBACK_ID, CUSTOMER_ID, SOURCE, THREAD_ID, SENDER, NOTES})
"""Ids and the reader's own notes: no customer wrote them."""


@dataclass(frozen=True)
class FeedbackImportOptions:
    """How to read feedback files: kind, column mapping, company addresses, reject threshold."""

    kind: str | None = None
    """``email``, ``tickets``, ``reviews``, ``nps``, ``csat`` or ``survey``; ``None`` guesses."""
    mapping: FeedbackMapping | None = None
    format: str | None = None
    """``mbox``, ``eml``, ``csv`` or ``jsonl``; ``None`` goes by the name."""
    delimiter: str | None = None
    company_addresses: tuple[str, ...] = ()
    """Addresses or domains of the company's own mail (default: the mailbox's main recipient)."""
    max_rejects: int | float | None = None


@dataclass(frozen=True)
class FeedbackImport:
    """What importing feedback did, and what redaction found."""

    summary: FeedbackImportSummary
    redacted: Mapping[PersonalData, int] = field(default_factory=dict)
    """Personal data replaced in the imported items, by kind."""
    raw_text_kept: bool = False


@dataclass(frozen=True)
class Forgotten:
    """What erasing a customer removed, and what it could not touch."""

    customer_id: str
    removed: Mapping[str, int]
    """Rows or items removed, per table (``events``, ``feedback``, ``evidence (current
    maps)``...)."""
    addresses: tuple[str, ...]
    """The customer's e-mail addresses that were looked for."""
    source_files: tuple[Path, ...]
    """Files in the workspace folder that were imported from and are left as they are."""

    @property
    def total(self) -> int:
        """Everything removed, all tables together."""
        return sum(self.removed.values())


class _Redacting:
    """The ``prepare`` step of a feedback import: redacts every text column of a batch."""

    def __init__(self, redactor: Redactor, *, keep_raw_text: bool) -> None:
        self.redactor = redactor
        self.keep_raw_text = keep_raw_text
        self.found: Counter[PersonalData] = Counter()

    def __call__(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        columns = dict(zip(batch.schema.names, batch.columns, strict=True))
        if self.keep_raw_text:
            columns[RAW_TEXT] = columns[TEXT]
        for name, values in list(columns.items()):
            if name in _NOT_REDACTED or name == RAW_TEXT or not pa.types.is_string(values.type):
                continue
            columns[name] = pa.array([self._redact(v) for v in values.to_pylist()], pa.string())
        return pa.RecordBatch.from_pydict(columns)

    def _redact(self, value: str | None) -> str | None:
        if value is None:
            return None
        redaction = self.redactor.redact(value)
        self.found.update(redaction.found)
        return redaction.text


def import_feedback_files(
    database: AnalyticsDatabase,
    files: Sequence[Path],
    options: FeedbackImportOptions = FeedbackImportOptions(),
    *,
    keep_raw_text: bool = False,
    progress: Progress | None = None,
) -> FeedbackImport:
    """Read, redact and store feedback files, all or nothing (see the module docstring)."""
    sources = [
        read_feedback(
            path,
            kind=options.kind,
            mapping=options.mapping,
            format=options.format,
            delimiter=options.delimiter,
            company_addresses=options.company_addresses,
        )
        for path in files
    ]
    redacting = _Redacting(Redactor(), keep_raw_text=keep_raw_text)
    summary = database.import_feedback(
        sources, max_rejects=options.max_rejects, progress=progress, prepare=redacting
    )
    return FeedbackImport(summary, dict(redacting.found), keep_raw_text)


class FeedbackService:
    """One workspace's feedback: importing it, and erasing a customer everywhere."""

    def __init__(self, workspace: WorkspaceService, database: AnalyticsDatabase) -> None:
        self.workspace = workspace
        self.database = database

    @classmethod
    def open(cls, directory: Path | None = None) -> FeedbackService:
        """Open the workspace and its analytics database (``data/journeymap.duckdb``)."""
        workspace = WorkspaceService.open(directory)
        try:
            database = AnalyticsDatabase.open(database_path(workspace.layout.data_dir))
        except BaseException:
            workspace.close()
            raise
        return cls(workspace, database)

    def close(self) -> None:
        """Release the store and the analytics database."""
        try:
            self.database.close()
        finally:
            self.workspace.close()

    def __enter__(self) -> FeedbackService:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def import_feedback(
        self,
        files: Sequence[Path],
        options: FeedbackImportOptions = FeedbackImportOptions(),
        *,
        progress: Progress | None = None,
    ) -> FeedbackImport:
        """Import feedback files with personal data redacted (raw text kept if opted in)."""
        settings = load_settings(self.workspace.layout.settings_file)
        return import_feedback_files(
            self.database,
            files,
            options,
            keep_raw_text=settings.privacy.keep_raw_text,
            progress=progress,
        )

    def forget(self, customer_id: str, *, addresses: Sequence[str] = ()) -> Forgotten:
        """Erase a customer: analytics tables, rejects files, evidence in maps and versions.

        ``addresses`` adds e-mail addresses to look for beside the customers table's.
        Refuses, removing nothing, while events or customers are attached (read in place).
        The store goes first: were the database step to fail, running forget again still
        finds the feedback texts that evidence may quote.
        """
        customer_id = customer_id.strip()
        if not customer_id:
            raise ValueError("name the customer to forget")
        found, texts = self.database.customer_traces(customer_id, addresses=addresses)
        erased = erase_evidence(
            self.workspace.store.engine, customer_id=customer_id, mentions=found, quotes=texts
        )
        if erased.current or erased.in_versions:
            self.workspace.write_map_file()
        removed = dict(self.database.forget_customer(customer_id, addresses=found))
        removed["evidence (current maps)"] = erased.current
        removed["evidence (saved versions)"] = erased.in_versions
        return Forgotten(
            customer_id, removed, tuple(found), _source_files(self.workspace.layout, self.database)
        )


def _source_files(layout: WorkspaceLayout, database: AnalyticsDatabase) -> tuple[Path, ...]:
    """Files in the workspace's data and feedback folders besides journeymap's own."""
    own = {database.path, database.sources_path}
    found = []
    for folder in (layout.data_dir, layout.feedback_dir):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path in own or path.name.startswith(database.path.name):
                continue
            if database.rejects_folder in path.parents or path.name.startswith("."):
                continue
            found.append(path)
    return tuple(found)
