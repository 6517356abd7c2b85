"""XES (IEEE 1849) event logs, streamed: events are read and freed block by block.

Each block of the file is checked by lxml (a parser with no callbacks, so it runs at C
speed, on a worker thread while the previous block is scanned) and then scanned for its
tags with array operations (:mod:`journeymap.ingest.xes_scan`); :class:`_Log` applies the
XES structure to a whole block's tags at once, so no Python code runs per element and
memory stays flat however large the log. Every ``batch_rows`` events the attributes
become Arrow columns and go through the :class:`Shaper`, which parses the texts by the XES
type of each attribute (``string``, ``id``, ``date``, ``int``, ``float``, ``boolean``).
Mapping, pm4py-style:

- trace ``concept:name`` -> ``customer_id`` (column ``case:concept:name``),
- event ``concept:name`` -> ``event``, ``time:timestamp`` -> ``ts``,
- every other event attribute -> a property named by its key (``org:resource``...),
- other trace attributes -> properties ``case:<key>`` on each of the trace's events.

An attribute's type is the one it first shows in the log; a value that does not parse as
that type (a bad date, ``int`` text that is not a number) rejects its event as
``wrong-type`` (``bad-timestamp`` for ``time:timestamp``). Rows are numbered by the event's
1-based index in the file. ``list`` and ``container`` attributes and nested meta-attributes
carry no single value and are not imported. A trace attribute written after some of the
trace's events reaches only the events not yet handed out in an earlier batch.

Safety: lxml resolves no entities, loads no DTD, never touches the network and keeps
libxml2's size limits (no ``huge_tree``); a log that declares a DOCTYPE is refused outright,
which rules out entity-expansion ("billion laughs") and external-entity attacks. Nothing is
scanned before lxml has accepted it, so a malformed file fails with lxml's line and column.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Final, NamedTuple, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from journeymap.ingest.errors import IngestError
from journeymap.ingest.mapping import ColumnMapping, PropertyType
from journeymap.ingest.shaper import RawBatch, Shaper
from journeymap.ingest.source import Chunk, Source
from journeymap.ingest.xes_scan import (
    EVENT,
    FIRST_TYPE,
    TRACE,
    XES_TYPE_NAMES,
    Segment,
    Segments,
    Tags,
    scan,
)

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
_TYPE_OF_KIND: Final = {
    FIRST_TYPE + index: _XES_TYPES[name] for index, name in enumerate(XES_TYPE_NAMES)
}
_PROLOG_PEEK: Final = 1 << 16
_FEED_BYTES: Final = 1 << 20
_DOCTYPE: Final = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


class _Log:
    """Events and their attributes, built from the tags the scanner finds, segment by segment.

    The rules are those of a SAX walk, applied to a whole segment's tags at once (running
    sums carry depth and nesting from one segment to the next): an ``event`` element not
    inside another event is an event; an element directly inside it with a ``key`` and a
    ``value`` is one of its attributes (deeper ones are meta-attributes); a ``trace``
    element outside events starts a trace, and its direct children other than events are
    trace attributes. Events outside any trace belong to none.
    """

    def __init__(self, types: dict[str, PropertyType]) -> None:
        self.types = types
        self.depth = 0
        self.open_events = 0  # event elements open (nested ones count too)
        self.event_depth = -1  # depth of the outermost open event
        self.open_traces = 0
        self.trace_depth = -1
        self.trace = 0  # current trace number; a trace's end starts "no trace"
        self.opened = 0  # events started so far
        self.done = 0  # events finished so far, of which ``self.taken`` are handed out
        self.taken = 0
        self.traces: dict[int, dict[str, str]] = {}
        self.event_trace: list[np.ndarray] = []  # trace number of each event not handed out
        self.key_ids: dict[str, int] = {}
        self.key_names: list[str] = []
        # Attributes not handed out yet, per segment: event number, key id, value.
        self.pending: list[tuple[np.ndarray, np.ndarray, pa.Array]] = []

    def finished(self) -> int:
        """Events finished and not handed out yet."""
        return self.done - self.taken

    def add(self, tags: Tags) -> None:
        """Take in the tags of the next segment."""
        if not len(tags.kinds):
            return
        opens, kinds, at = tags.opens, tags.kinds, tags.attributed
        step = opens.astype(np.int64) - tags.closes
        depth = _before(self.depth, step) + opens  # each element's depth
        self.depth += int(step.sum())
        events = _nesting(kinds == EVENT, tags, step, self.open_events)
        inside = events.before[at] > 0
        traces = _nesting((kinds == TRACE) & (events.before == 0), tags, step, self.open_traces)
        self.open_events, self.open_traces = events.open_after, traces.open_after

        event_depth, self.event_depth = _parent_depth(events.starts, depth, at, self.event_depth)
        in_event = opens[at] & inside & (depth[at] == event_depth + 1)
        number = self.opened - 1 + np.cumsum(events.starts)[at]  # the event each tag is in
        self.opened += int(np.count_nonzero(events.starts))
        self.done += int(np.count_nonzero(events.ends))

        # Trace numbers step at each trace's start and at its end (after it: no trace).
        trace = self.trace + np.cumsum(traces.starts.astype(np.int64) + traces.ends)
        self.trace = int(trace[-1])
        self.event_trace.append(trace[events.starts])
        trace_depth, self.trace_depth = _parent_depth(traces.starts, depth, at, self.trace_depth)
        of_trace = opens[at] & ~inside & (traces.before[at] > 0)
        of_trace &= (depth[at] == trace_depth + 1) & (kinds[at] != EVENT) & (kinds[at] != TRACE)

        self._event_attributes(number[in_event], tags, in_event)
        self._trace_attributes(trace[at][of_trace], tags, of_trace)

    def _event_attributes(self, numbers: np.ndarray, tags: Tags, chosen: np.ndarray) -> None:
        if not len(numbers):
            return
        mask = pa.array(chosen)
        keys, values = tags.keys.filter(mask), tags.values.filter(mask)
        encoded = pc.dictionary_encode(keys)
        names = encoded.dictionary.to_pylist()
        ids = np.array([self._key_id(name) for name in names], dtype=np.int64)
        key_ids = ids[encoded.indices.to_numpy()]
        untyped = [
            key_id for key_id, name in zip(ids, names, strict=True) if name not in self.types
        ]
        if untyped:
            self._first_types(key_ids, tags.kinds[tags.attributed[chosen]], untyped)
        self.pending.append((numbers, key_ids, values))

    def _first_types(self, key_ids: np.ndarray, kinds: np.ndarray, untyped: list[int]) -> None:
        """An attribute's type is the XES type of its first appearance that has one."""
        typed = np.flatnonzero((kinds >= FIRST_TYPE) & np.isin(key_ids, untyped))
        unique, first = np.unique(key_ids[typed], return_index=True)
        for key_id, at in zip(unique.tolist(), typed[first].tolist(), strict=True):
            self.types[self.key_names[key_id]] = _TYPE_OF_KIND[int(kinds[at])]

    def _key_id(self, name: str) -> int:
        found = self.key_ids.get(name)
        if found is None:
            found = self.key_ids[name] = len(self.key_names)
            self.key_names.append(name)
        return found

    def _trace_attributes(self, numbers: np.ndarray, tags: Tags, chosen: np.ndarray) -> None:
        if not len(numbers):
            return
        mask = pa.array(chosen)
        keys = tags.keys.filter(mask).to_pylist()
        values = tags.values.filter(mask).to_pylist()
        kinds = tags.kinds[tags.attributed[chosen]].tolist()
        for trace, key, value, kind in zip(numbers.tolist(), keys, values, kinds, strict=True):
            name = CASE_PREFIX + key
            if name not in self.types and kind in _TYPE_OF_KIND:
                self.types[name] = _TYPE_OF_KIND[kind]
            self.traces.setdefault(trace, {})[name] = value

    def take(self, limit: int) -> tuple[int, dict[str, pa.Array]]:
        """Up to ``limit`` finished events as Arrow arrays; later ones (and an open one) stay."""
        size = min(self.finished(), limit)
        first = self.taken
        self.taken += size
        numbers, key_ids, values = self._split_pending(first + size)
        out: dict[str, pa.Array] = {}
        # Few keys: stable sort of small integers is a radix sort in numpy.
        small = key_ids.astype(np.int16) if len(self.key_names) < 1 << 15 else key_ids
        order = np.argsort(small, kind="stable")
        bounds = np.flatnonzero(np.diff(key_ids[order])) + 1
        groups = np.split(order, bounds) if len(order) else []
        for group in sorted(groups, key=lambda g: int(g[0])):  # keys in order of appearance
            positions = np.full(size, -1, dtype=np.int64)
            positions[numbers[group] - first] = group  # a key repeated in an event: last wins
            name = self.key_names[int(key_ids[group[0]])]
            out[name] = values.take(pa.array(positions, mask=positions < 0))
        out.update(self._trace_columns(size))
        return size, out

    def _split_pending(self, end: int) -> tuple[np.ndarray, np.ndarray, pa.Array]:
        """The pending attributes of events before ``end``; the others stay pending."""
        if not self.pending:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), pa.array([], pa.string())
        numbers = np.concatenate([part[0] for part in self.pending])
        key_ids = np.concatenate([part[1] for part in self.pending])
        values = pa.concat_arrays([part[2] for part in self.pending])
        cut = int(np.searchsorted(numbers, end))
        self.pending = (
            [(numbers[cut:], key_ids[cut:], values.slice(cut))] if cut < len(numbers) else []
        )
        return numbers[:cut], key_ids[:cut], values.slice(0, cut)

    def _trace_columns(self, size: int) -> dict[str, pa.Array]:
        """Trace attributes of the next ``size`` events, and drop traces no longer needed."""
        owners_all = np.concatenate(self.event_trace) if self.event_trace else np.zeros(0, np.int64)
        owners, rest = owners_all[:size], owners_all[size:]
        self.event_trace = [rest]
        out: dict[str, pa.Array] = {}
        if size:
            first = int(owners.min())
            used = [self.traces.get(trace, {}) for trace in range(first, int(owners.max()) + 1)]
            for name in dict.fromkeys(name for trace in used for name in trace):
                per_trace = pa.array([trace.get(name) for trace in used], pa.string())
                out[name] = per_trace.take(pa.array(owners - first))
        keep = int(rest.min()) if len(rest) else self.trace
        for trace in [trace for trace in self.traces if trace < keep]:
            del self.traces[trace]
        return out


class _Nesting(NamedTuple):
    """Where the outermost elements of one name start and end in a segment."""

    starts: np.ndarray
    ends: np.ndarray
    before: np.ndarray
    """How many such elements are open before each tag."""
    open_after: int


def _nesting(named: np.ndarray, tags: Tags, step: np.ndarray, open_before: int) -> _Nesting:
    own = np.where(named, step, 0)
    before = _before(open_before, own)
    return _Nesting(
        starts=named & tags.opens & (before == 0),
        ends=named & tags.closes & (before + own == 0),
        before=before,
        open_after=open_before + int(own.sum()),
    )


def _parent_depth(
    starts: np.ndarray, depth: np.ndarray, at: np.ndarray, carried: int
) -> tuple[np.ndarray, int]:
    """Depth of the element started last (by ``starts``) before each tag of ``at``.

    ``carried`` is that depth from earlier segments; the second result carries it on.
    """
    known = np.append(carried, depth[starts])
    return known[np.cumsum(starts)[at]], int(known[-1])


def _before(start: int, step: np.ndarray) -> np.ndarray:
    """Running total before each position (exclusive prefix sum plus ``start``)."""
    total: np.ndarray = start + np.cumsum(step) - step
    return total


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
    """Check each block with lxml on a worker thread while the previous one is scanned.

    lxml releases the GIL while it parses, so on two cores the check costs almost no time.
    A block is scanned only after lxml accepted it: lxml parses everything up to the last
    ``<`` it has seen, and a segment never reaches past that ``<``.
    """
    log = _Log(types)
    segments = Segments()
    first_row = 1
    with ThreadPoolExecutor(1, thread_name_prefix="xes-check") as worker:
        lxml = worker.submit(_validator).result()
        data = handle.read(_FEED_BYTES)
        checked = worker.submit(_feed, lxml, data)
        while True:
            _accepted(source, checked)
            position = _position(handle)
            following = handle.read(_FEED_BYTES) if data else b""
            if data:
                checked = worker.submit(_feed, lxml, following)
            log.add(scan(_next_segment(source, segments, data, final=not data)))
            while log.finished() >= source.batch_rows or (not data and log.finished()):
                size, columns = log.take(source.batch_rows)
                yield _chunk(shaper, size, columns, first_row, position)
                first_row += size
            if not data:
                return
            data = following


def _validator() -> etree.XMLParser:
    """lxml with no callbacks: checks well-formedness at C speed and gives exact positions."""
    return etree.XMLParser(
        target=_Nothing(),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
    )


class _Nothing:
    """A parser target that wants no events, so lxml never calls into Python per element."""

    def close(self) -> None:
        """Called by lxml at the end of the document."""


def _feed(lxml: etree.XMLParser, data: bytes) -> None:
    """Give lxml the next block, or end the document when there is none."""
    if data:
        lxml.feed(data)
    else:
        lxml.close()


def _accepted(source: Source, checked: Future[None]) -> None:
    """Wait for lxml's verdict on a block; a syntax error names its line and column."""
    try:
        checked.result()
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (None, None)
        raise IngestError(
            source.path,
            f"not well-formed XML ({error.msg}); is this really an XES file?",
            line=line,
            column=column,
        ) from None


def _next_segment(source: Source, segments: Segments, data: bytes, *, final: bool) -> Segment:
    try:
        return segments.push(data, final=final)
    except (LookupError, UnicodeError) as error:  # lxml read it, Python's codecs cannot
        raise IngestError(source.path, f"cannot decode the file: {error}") from None


def _position(handle: IO[bytes]) -> int:
    """How far into the file as stored (compressed, for gzip) reading has come."""
    return int(handle.fileobj.tell() if isinstance(handle, gzip.GzipFile) else handle.tell())


def _chunk(
    shaper: Shaper, size: int, arrays: dict[str, pa.Array], first_row: int, position: int
) -> Chunk:
    rows = np.arange(first_row, first_row + size, dtype=np.int64)
    for required in (CASE_ID, "concept:name", "time:timestamp"):
        arrays.setdefault(required, pa.nulls(size, pa.string()))
    batch, rejects = shaper.shape(RawBatch(arrays, rows))
    return Chunk(batch, tuple(rejects), size, position)


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
