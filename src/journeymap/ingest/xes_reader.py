"""XES (IEEE 1849) event logs, streamed: events are read and freed as the parser passes them.

lxml parses with a target (:class:`_Log`) that receives each element's start and end
without building a tree; attribute values go straight to column lists, so memory stays
flat however large the log. Every ``batch_rows`` events the columns become Arrow arrays and
go through the :class:`Shaper`, which parses the texts by the XES type of each attribute
(``string``, ``id``, ``date``, ``int``, ``float``, ``boolean``). Mapping, pm4py-style:

- trace ``concept:name`` -> ``customer_id`` (column ``case:concept:name``),
- event ``concept:name`` -> ``event``, ``time:timestamp`` -> ``ts``,
- every other event attribute -> a property named by its key (``org:resource``...),
- other trace attributes -> properties ``case:<key>`` on each of the trace's events.

An attribute's type is the one it first shows in the log; a value that does not parse as
that type (a bad date, ``int`` text that is not a number) rejects its event as
``wrong-type`` (``bad-timestamp`` for ``time:timestamp``). Rows are numbered by the event's
1-based index in the file. ``list`` and ``container`` attributes and nested meta-attributes
carry no single value and are not imported.

Safety: the parser resolves no entities, loads no DTD, never touches the network and keeps
libxml2's size limits (no ``huge_tree``); a log that declares a DOCTYPE is refused outright,
which rules out entity-expansion ("billion laughs") and external-entity attacks.
"""

from __future__ import annotations

import bisect
import gzip
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Final, cast

import numpy as np
import pyarrow as pa
from lxml import etree

from journeymap.ingest.errors import IngestError
from journeymap.ingest.mapping import ColumnMapping, PropertyType
from journeymap.ingest.shaper import RawBatch, Shaper
from journeymap.ingest.source import Chunk, Source

CASE_PREFIX: Final = "case:"
CASE_ID: Final = "case:concept:name"
_XES_TYPES: Final = {
    "string": PropertyType.STRING,
    "id": PropertyType.STRING,
    "date": PropertyType.TIMESTAMP,
    "int": PropertyType.INTEGER,
    "float": PropertyType.FLOAT,
    "boolean": PropertyType.BOOLEAN,
}
_PROLOG_PEEK: Final = 1 << 16
_FEED_BYTES: Final = 1 << 20
_DOCTYPE: Final = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


class _Log:
    """Parser target: collects event attributes column by column as the parser reports them.

    lxml calls ``start``/``end`` for every element without building a tree, which is much
    faster than ``iterparse`` (no element objects) and keeps memory flat by construction.
    Depths tell a direct attribute of an event or trace from a nested meta-attribute.
    """

    def __init__(self, types: dict[str, PropertyType]) -> None:
        self.types = types
        self.columns: dict[str, tuple[list[int], list[str]]] = {}
        self.local: dict[str, str] = {}
        # Trace attributes are kept once per trace; each event remembers its trace.
        self.traces: list[dict[str, str]] = [{}]
        self.event_trace: list[int] = []
        # The callbacks run for every element: closures over local counters cost less per
        # call than attributes of self (this loop is most of an XES import's time).
        size = depth = 0
        event_depth = trace_depth = -1
        columns_of = self.columns.get
        new_column = self._new_column
        local_of = self._local
        traces, event_trace = self.traces, self.event_trace

        def start(tag: str, attrib: Mapping[str, str]) -> None:
            nonlocal depth, event_depth, trace_depth
            depth += 1
            if depth == event_depth + 1:
                key = attrib.get("key")
                value = attrib.get("value")
                if key is None or value is None:
                    return
                column = columns_of(key)
                if column is None:
                    column = new_column(key, tag)
                column[0].append(size)
                column[1].append(value)
                return
            if event_depth >= 0:
                return
            local = local_of(tag)
            if local == "event":
                event_depth = depth
                event_trace.append(len(traces) - 1)
            elif local == "trace":
                trace_depth = depth
                traces.append({})
            elif depth == trace_depth + 1:
                self._trace_attribute(local, attrib)

        def end(tag: str) -> None:
            nonlocal depth, event_depth, trace_depth, size
            if depth == event_depth:
                event_depth = -1
                size += 1
            elif depth == trace_depth:
                trace_depth = -1
                traces.append({})  # events between traces belong to none
            depth -= 1

        def finished() -> int:
            return size

        def consume(count: int) -> None:
            nonlocal size, columns_of
            size -= count
            columns_of = self.columns.get

        self.start = start
        self.end = end
        self.finished = finished
        self._consume = consume

    def close(self) -> None:
        """Called by lxml at the end of the document."""

    def _trace_attribute(self, local: str, attrib: Mapping[str, str]) -> None:
        key, value = attrib.get("key"), attrib.get("value")
        if key is not None and value is not None:
            name = CASE_PREFIX + key
            if name not in self.types and local in _XES_TYPES:
                self.types[name] = _XES_TYPES[local]
            self.traces[-1][name] = value

    def _new_column(self, key: str, tag: str) -> tuple[list[int], list[str]]:
        if key not in self.types:
            kind = _XES_TYPES.get(self._local(tag))
            if kind is not None:
                self.types[key] = kind
        column: tuple[list[int], list[str]] = ([], [])
        self.columns[key] = column
        return column

    def _local(self, tag: str) -> str:
        local = self.local.get(tag)
        if local is None:
            local = self.local[tag] = tag.rpartition("}")[2]
        return local

    def take(self, limit: int) -> tuple[int, dict[str, pa.Array]]:
        """Up to ``limit`` finished events as Arrow arrays; later ones (and an open one) stay."""
        size = min(self.finished(), limit)
        out: dict[str, pa.Array] = {}
        pending: dict[str, tuple[list[int], list[str]]] = {}
        for key, (rows, values) in self.columns.items():
            done = bisect.bisect_left(rows, size)
            if done < len(rows):
                pending[key] = ([row - size for row in rows[done:]], values[done:])
            if done:
                out[key] = _spread(values[:done], rows[:done], size)
        out.update(self._trace_columns(size))
        self.columns.clear()
        self.columns.update(pending)
        self._consume(size)
        return size, out

    def _trace_columns(self, size: int) -> dict[str, pa.Array]:
        """Trace attributes of the first ``size`` events, and drop traces no longer needed."""
        owners = np.asarray(self.event_trace[:size], dtype=np.int64)
        del self.event_trace[:size]
        out: dict[str, pa.Array] = {}
        if size:
            first = int(owners.min())
            used = self.traces[first : int(owners.max()) + 1]
            for name in dict.fromkeys(name for trace in used for name in trace):
                per_trace = pa.array([trace.get(name) for trace in used], pa.string())
                out[name] = per_trace.take(pa.array(owners - first))
        keep = min(self.event_trace, default=len(self.traces) - 1)
        del self.traces[:keep]  # in place: the parser callbacks hold these lists
        self.event_trace[:] = [owner - keep for owner in self.event_trace]
        return out


def _spread(values: list[str], rows: list[int], size: int) -> pa.Array:
    """``values`` placed at ``rows`` of a ``size``-long text array, null elsewhere."""
    dense = pa.array(values, pa.string())
    if len(values) == size:
        return dense
    positions = np.full(size, -1, dtype=np.int64)
    positions[np.asarray(rows, dtype=np.int64)] = np.arange(len(values))
    return dense.take(pa.array(positions, mask=positions < 0))


def read_xes(source: Source) -> Iterator[Chunk]:
    """The chunks of an XES log (see the module docstring)."""
    _refuse_doctype(source)
    types: dict[str, PropertyType] = {}
    mapping = source.mapping
    if mapping.customer is None and mapping.event is None and mapping.ts is None:
        mapping = ColumnMapping(
            customer=CASE_ID,
            event="concept:name",
            ts="time:timestamp",
            channel=mapping.channel,
            event_id=mapping.event_id,
            timezone=mapping.timezone,
            time_format=mapping.time_format,
            types=mapping.types,
        )
    shaper = Shaper(source.path, mapping, source.layout, declared=types, infer=frozenset())
    with _open(source.path, compressed=source.compressed) as handle:
        yield from _events(source, handle, shaper, types)


def _events(
    source: Source, handle: IO[bytes], shaper: Shaper, types: dict[str, PropertyType]
) -> Iterator[Chunk]:
    log = _Log(types)
    parser = etree.XMLParser(
        target=log,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    first_row = 1
    try:
        while True:
            data = handle.read(_FEED_BYTES)
            if data:
                parser.feed(data)
            else:
                parser.close()
            while log.finished() >= source.batch_rows or (not data and log.finished()):
                size, columns = log.take(source.batch_rows)
                yield _chunk(shaper, size, columns, first_row, handle)
                first_row += size
            if not data:
                return
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (None, None)
        raise IngestError(
            source.path,
            f"not well-formed XML ({error.msg}); is this really an XES file?",
            line=line,
            column=column,
        ) from None


def _chunk(
    shaper: Shaper, size: int, arrays: dict[str, pa.Array], first_row: int, handle: IO[bytes]
) -> Chunk:
    rows = np.arange(first_row, first_row + size, dtype=np.int64)
    for required in (CASE_ID, "concept:name", "time:timestamp"):
        arrays.setdefault(required, pa.nulls(size, pa.string()))
    batch, rejects = shaper.shape(RawBatch(arrays, rows))
    position = handle.fileobj.tell() if isinstance(handle, gzip.GzipFile) else handle.tell()
    return Chunk(batch, tuple(rejects), size, int(position))


def _open(path: Path, *, compressed: bool) -> IO[bytes]:
    if compressed:
        # A GzipFile, whose .fileobj tells the position in the stored (compressed) file.
        return cast(IO[bytes], gzip.GzipFile(path, "rb"))
    return path.open("rb")


def _refuse_doctype(source: Source) -> None:
    with _open(source.path, compressed=source.compressed) as handle:
        try:
            head = handle.read(_PROLOG_PEEK)
        except (OSError, EOFError) as error:
            raise IngestError(source.path, f"cannot read the file: {error}") from error
    root = re.search(rb"<[A-Za-z_]", head)
    prolog = head if root is None else head[: root.start()]
    found = _DOCTYPE.search(prolog)
    if found:
        line = prolog[: found.start()].count(b"\n") + 1
        raise IngestError(
            source.path,
            "the log declares a DOCTYPE; XES needs none, and DTDs are refused because their "
            "entities can expand without bound or read other files",
            line=line,
        )
