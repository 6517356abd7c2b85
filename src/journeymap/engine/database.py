"""The workspace's analytics database: imported events and customers, or attached sources.

A DuckDB file (``<workspace>/data/journeymap.duckdb`` by convention) opened through Ibis;
``sources.json`` and the ``rejects/`` folder live beside it. Imports are atomic and never
duplicate (see :mod:`journeymap.engine.writing`); attached sources are read in place.

>>> with AnalyticsDatabase.open(Path("data/journeymap.duckdb")) as db:  # doctest: +SKIP
...     summary = db.import_events([read_events("events.csv")], max_rejects=0.01)
...     db.events_table().count().execute()
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import ibis
import ibis.expr.datatypes as dt
from ibis.backends import BaseBackend

from journeymap.engine import erasure
from journeymap.engine.connection import connect_duckdb, open_table
from journeymap.engine.errors import EngineError, ImportRejectedError, NoEventsError
from journeymap.engine.feedback_store import (
    FeedbackImportSummary,
    Prepare,
    canonical_order,
    import_feedback,
)
from journeymap.engine.rejects_file import RejectsFile
from journeymap.engine.sources import (
    SOURCES_FILE,
    AttachedSource,
    load_sources,
    resolved_location,
    save_sources,
    stored_location,
)
from journeymap.engine.staging import Staging
from journeymap.engine.voice_tables import VoiceTables
from journeymap.engine.writing import (
    Transaction,
    merge_customers,
    merge_events,
    table_exists,
)
from journeymap.ingest import ColumnMapping, Layout, Source
from journeymap.ingest.feedback import FeedbackSource
from journeymap.model.canonical import (
    CHANNEL,
    CUSTOMER_ID,
    CUSTOMERS_TABLE,
    EVENT,
    EVENT_ID,
    EVENTS_TABLE,
    FEEDBACK_TABLE,
    TS,
)

DATABASE_FILE: Final = "journeymap.duckdb"
"""The database's file name in a workspace's ``data`` folder."""
REJECTS_FOLDER: Final = "rejects"
STAGING_FOLDER: Final = "staging"

Progress = Callable[[str, int, int | None], None]
"""``progress(phase, done, total)``: phase ``"read"`` counts bytes, ``"store"`` rows."""


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    files: int
    rows_read: int
    """Source rows seen, imported or not."""
    rows_imported: int
    """New rows stored (for customers: new customers)."""
    duplicates_skipped: int
    """Good rows not stored because the table (or the import itself) already had them."""
    rejected: int
    rejects_file: Path | None
    seconds: float
    rows_updated: int = 0
    """Existing customers whose columns were updated (customer imports only)."""


def database_path(data_folder: Path) -> Path:
    """Where a workspace keeps its analytics database: ``<data_folder>/journeymap.duckdb``."""
    return data_folder / DATABASE_FILE


class AnalyticsDatabase:
    """A workspace's analytics database (see the module docstring)."""

    def __init__(self, path: Path, backend: BaseBackend) -> None:
        self.path = path
        self.backend = backend
        self.folder = path.parent
        self.sources_path = self.folder / SOURCES_FILE
        self.rejects_folder = self.folder / REJECTS_FOLDER

    @classmethod
    def open(cls, path: Path, *, memory_limit: str | None = "2GB") -> Self:
        """Open (creating if needed) the DuckDB file at ``path``.

        ``memory_limit`` caps DuckDB's working memory; bigger sorts and joins spill to disk.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(path, connect_duckdb(path, memory_limit=memory_limit))

    def close(self) -> None:
        """Release the database file."""
        self.backend.disconnect()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def _con(self) -> Any:
        return self.backend.con

    # -- importing ---------------------------------------------------------------------------

    def import_events(
        self,
        sources: Sequence[Source],
        *,
        max_rejects: int | float | None = None,
        progress: Progress | None = None,
    ) -> ImportSummary:
        """Import event files in one transaction (all or nothing); see :mod:`.writing`.

        ``max_rejects``: an ``int`` is the most rejected rows allowed, a ``float`` in [0, 1]
        the largest rejected share of rows read; beyond it :class:`ImportRejectedError` is
        raised and nothing is stored. ``None`` allows any number (they are still reported).
        """
        self._refuse_if_attached(EVENTS_TABLE, "events")
        return self._import(sources, Layout.EVENTS, max_rejects, progress)

    def import_customers(
        self,
        sources: Sequence[Source],
        *,
        max_rejects: int | float | None = None,
        progress: Progress | None = None,
    ) -> ImportSummary:
        """Upsert customer files by ``customer_id`` in one transaction (all or nothing)."""
        self._refuse_if_attached(CUSTOMERS_TABLE, "customers")
        return self._import(sources, Layout.CUSTOMERS, max_rejects, progress)

    def _import(
        self,
        sources: Sequence[Source],
        layout: Layout,
        max_rejects: int | float | None,
        progress: Progress | None,
    ) -> ImportSummary:
        _check_threshold(max_rejects)
        if not sources:
            raise ValueError("nothing to import: give at least one file")
        for source in sources:
            if source.layout is not layout:
                raise ValueError(
                    f"{source.path} was opened as {source.layout.value}, not {layout.value}"
                )
        started = time.perf_counter()
        report = progress or _no_progress
        rejects = RejectsFile(self.rejects_folder, sources[0].path.name.split(".")[0])
        total_bytes = sum(source.size for source in sources)
        current = [sources[0]]
        rows_read = 0
        table = EVENTS_TABLE if layout is Layout.EVENTS else CUSTOMERS_TABLE
        origin = ", ".join(str(source.path) for source in sources)
        with Staging(self.folder / STAGING_FOLDER, origin=lambda: str(current[0].path)) as staging:
            try:
                before = 0
                for source in sources:
                    current[0] = source
                    for chunk in source:
                        rejects.write(chunk.rejects)
                        rows_read += chunk.rows_read
                        _enforce(max_rejects, rejects, rows_read, final=False)
                        staging.append(chunk.batch)
                        report("read", before + chunk.bytes_done, total_bytes)
                    before += source.size
                _enforce(max_rejects, rejects, rows_read, final=True)
            finally:
                rejects.close()
            staging.finish()
            report("store", 0, staging.rows)
            stored = updated = 0
            if staging.rows:
                with Transaction(self._con):
                    if layout is Layout.EVENTS:
                        stored = merge_events(self._con, staging, table=table, origin=origin)
                    else:
                        stored, updated = merge_customers(
                            self._con, staging, table=table, origin=origin
                        )
                    report("store", staging.rows, staging.rows)
        return ImportSummary(
            files=len(sources),
            rows_read=rows_read,
            rows_imported=stored,
            duplicates_skipped=staging.rows - stored - updated,
            rejected=rejects.count,
            rejects_file=rejects.path,
            seconds=time.perf_counter() - started,
            rows_updated=updated,
        )

    def import_feedback(
        self,
        sources: Sequence[FeedbackSource],
        *,
        max_rejects: int | float | None = None,
        progress: Progress | None = None,
        prepare: Prepare | None = None,
    ) -> FeedbackImportSummary:
        """Import feedback files in one transaction, linked to customers; see :mod:`.feedback_store`.

        ``max_rejects`` as for events; ``prepare`` transforms each chunk's good rows before
        they are staged (the services layer redacts personal data there).
        """
        _check_threshold(max_rejects)
        return import_feedback(
            self._con,
            sources,
            folder=self.folder / STAGING_FOLDER,
            rejects_folder=self.rejects_folder,
            customers=self._table(CUSTOMERS_TABLE),
            enforce=lambda rejects, read, final: _enforce(max_rejects, rejects, read, final=final),
            progress=progress or _no_progress,
            prepare=prepare,
        )

    # -- erasure -----------------------------------------------------------------------------

    def customer_traces(
        self, customer_id: str, *, addresses: Sequence[str] = ()
    ) -> tuple[list[str], list[str]]:
        """The customer's e-mail addresses (customers table plus ``addresses``) and feedback
        texts, read before erasing: what to look for elsewhere (evidence in the store).

        Refuses while events or customers are attached: erasure could not reach them.
        """
        erasure.refuse_attached(self.attached())
        found = sorted(
            {
                *erasure.customer_addresses(self._con, customer_id),
                *(a.strip().lower() for a in addresses if a.strip()),
            }
        )
        return found, erasure.customer_texts(self._con, customer_id, found)

    def forget_customer(self, customer_id: str, *, addresses: Sequence[str] = ()) -> dict[str, int]:
        """Erase a customer from every table and the rejects files; rows removed per table.

        Refuses, removing nothing, while events or customers are attached (read in place).
        """
        erasure.refuse_attached(self.attached())
        found, _ = self.customer_traces(customer_id, addresses=addresses)
        removed = erasure.erase_customer(self._con, customer_id, found)
        removed[erasure.REJECTS_ROWS] = erasure.scrub_rejects(
            self.rejects_folder, [customer_id, *found]
        )
        return removed

    # -- attaching ---------------------------------------------------------------------------

    def attach_events(
        self,
        location: str | Path,
        *,
        table: str | None = None,
        mapping: ColumnMapping | None = None,
    ) -> AttachedSource:
        """Read events in place from Parquet (path or glob) or, with ``table``, a backend URL."""
        return self._attach(EVENTS_TABLE, location, table, mapping, (CUSTOMER_ID, TS, EVENT))

    def attach_customers(
        self,
        location: str | Path,
        *,
        table: str | None = None,
        mapping: ColumnMapping | None = None,
    ) -> AttachedSource:
        """Read customers in place from Parquet (path or glob) or, with ``table``, a backend URL."""
        return self._attach(CUSTOMERS_TABLE, location, table, mapping, (CUSTOMER_ID,))

    def detach(self, name: str) -> None:
        """Forget the attached source of ``events`` or ``customers`` (the data is untouched)."""
        sources = load_sources(self.sources_path)
        if sources.pop(name, None) is None:
            raise EngineError(f"nothing is attached as {name}")
        save_sources(self.sources_path, sources)

    def attached(self) -> dict[str, AttachedSource]:
        """Table name -> attached source."""
        return load_sources(self.sources_path)

    def _attach(
        self,
        name: str,
        location: str | Path,
        table: str | None,
        mapping: ColumnMapping | None,
        required: tuple[str, ...],
    ) -> AttachedSource:
        if table_exists(self._con, name):
            raise EngineError(
                f"the workspace already has imported {name}; an attached source would hide "
                f"them. Drop them first (delete {self.path}) or keep importing"
            )
        columns = _mapped_columns(mapping)
        if table is None:
            source = AttachedSource(
                "parquet", stored_location(str(location), root=self.folder.parent), None, columns
            )
        else:
            source = AttachedSource("backend", str(location), table, columns)
        expression = self._read_source(source, name)
        missing = [column for column in required if column not in expression.columns]
        if missing:
            raise EngineError(
                f"{source.describe()} has no {', '.join(missing)} column (it has "
                f"{', '.join(expression.columns)}); map it with --customer/--time/--event"
            )
        sources = load_sources(self.sources_path)
        sources[name] = source
        save_sources(self.sources_path, sources)
        return source

    def _refuse_if_attached(self, name: str, what: str) -> None:
        source = load_sources(self.sources_path).get(name)
        if source is not None:
            raise EngineError(
                f"{what} are attached from {source.describe()}; importing would hide nothing "
                f"and show nothing. Detach first (journeymap import detach {what})"
            )

    # -- reading -----------------------------------------------------------------------------

    def events_table(self) -> ibis.Table:
        """The events for analytics: attached source or imported table, canonical columns."""
        table = self._table(EVENTS_TABLE)
        if table is None:
            raise NoEventsError(
                f"no events in {self.path}: run journeymap import events FILE "
                "(or attach a source with journeymap import attach)"
            )
        return table

    def customers_table(self) -> ibis.Table:
        """The customers for segments: attached source or imported table."""
        table = self._table(CUSTOMERS_TABLE)
        if table is None:
            raise NoEventsError(
                f"no customers in {self.path}: run journeymap import customers FILE "
                "(or attach a source with journeymap import attach)"
            )
        return table

    def voice_tables(self) -> VoiceTables:
        """Overrides and cached per-item results of the voice analyses (sentiment, vectors)."""
        return VoiceTables(self._con)

    def feedback_table(self) -> ibis.Table:
        """The imported feedback for text analysis: canonical columns first, then the rest."""
        if not table_exists(self._con, FEEDBACK_TABLE):
            raise NoEventsError(
                f"no feedback in {self.path}: run journeymap import feedback FILE "
                "(support mail, tickets, reviews or survey answers)"
            )
        table = self.backend.table(FEEDBACK_TABLE)
        return table.select(*canonical_order(table.columns))

    def _table(self, name: str) -> ibis.Table | None:
        source = load_sources(self.sources_path).get(name)
        if source is not None:
            return self._read_source(source, name)
        if table_exists(self._con, name):
            return self.backend.table(name)
        return None

    def _read_source(self, source: AttachedSource, name: str) -> ibis.Table:
        if source.kind == "parquet":
            location = resolved_location(source.location, root=self.folder.parent)
            try:
                table = self.backend.read_parquet(location)
            except Exception as error:  # DuckDB's IO and format errors share no base class
                raise EngineError(f"cannot read parquet {location}: {error}") from error
        else:
            assert source.table is not None
            table = open_table(source.location, source.table)
        table = table.rename(dict(source.columns))
        return _canonical(table) if name == EVENTS_TABLE else table


def _canonical(table: ibis.Table) -> ibis.Table:
    """An attached events table with every canonical column, ``ts`` in UTC."""
    additions: dict[str, Any] = {}
    for column in (EVENT_ID, CHANNEL):
        if column not in table.columns:
            additions[column] = ibis.null().cast(dt.string)
    if additions:
        table = table.mutate(**additions)
    if TS in table.columns:
        kind = table[TS].type()
        if kind.is_timestamp() and kind.timezone is None:
            table = table.mutate(**{TS: table[TS].cast(dt.Timestamp(timezone="UTC"))})
    front = [c for c in (EVENT_ID, CUSTOMER_ID, TS, EVENT, CHANNEL) if c in table.columns]
    return table.select(*front, *[c for c in table.columns if c not in front])


def _mapped_columns(mapping: ColumnMapping | None) -> dict[str, str]:
    if mapping is None:
        return {}
    pairs = {
        CUSTOMER_ID: mapping.customer,
        TS: mapping.ts,
        EVENT: mapping.event,
        CHANNEL: mapping.channel,
        EVENT_ID: mapping.event_id,
    }
    return {
        canonical: column
        for canonical, column in pairs.items()
        if column is not None and column != canonical
    }


def _check_threshold(max_rejects: int | float | None) -> None:
    if max_rejects is None:
        return
    if isinstance(max_rejects, bool) or not isinstance(max_rejects, int | float):
        raise TypeError(
            f"max_rejects must be a count (int) or a share (float); got {max_rejects!r}"
        )
    if isinstance(max_rejects, int) and max_rejects < 0:
        raise ValueError(f"max_rejects must be at least 0; got {max_rejects}")
    if isinstance(max_rejects, float) and not 0.0 <= max_rejects <= 1.0:
        raise ValueError(f"a share of rejects must be between 0 and 1; got {max_rejects}")


def _enforce(
    max_rejects: int | float | None, rejects: RejectsFile, rows_read: int, *, final: bool
) -> None:
    """Raise :class:`ImportRejectedError` when the threshold is exceeded (counts fail early)."""
    if max_rejects is None:
        return
    count = rejects.count
    if isinstance(max_rejects, int):
        over = count > max_rejects
        limit = f"at most {max_rejects} allowed"
    else:
        if not final:
            return
        over = rows_read > 0 and count / rows_read > max_rejects
        limit = f"at most {max_rejects:.2%} of rows allowed"
    if over:
        rejects.close()
        shown = f"; see {rejects.path}" if rejects.path else ""
        raise ImportRejectedError(
            f"import failed: {count} of {rows_read} rows read so far were rejected ({limit}); "
            f"nothing was imported{shown}",
            rejected=count,
            rows_read=rows_read,
            rejects_file=rejects.path,
        )


def _no_progress(phase: str, done: int, total: int | None) -> None:
    """The progress callback when nobody listens."""
