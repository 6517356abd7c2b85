"""XES import: streamed, typed by XES types, checked against pm4py and a tree walk, hostile XML refused."""

from __future__ import annotations

import datetime as dt
import gzip
import threading
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_helpers import kinds, read_all
from lxml import etree

from conftest import IMPORT_DATA
from journeymap.ingest import ColumnMapping, IngestError, PropertyType, read_events, xes_reader
from journeymap.ingest.shaper import Layout, RawBatch, Shaper

RUNNING_EXAMPLE = IMPORT_DATA / "running-example.xes"
BROKEN_XES_REJECTS = {
    (2, "wrong-type"),  # <int key="items" value="three"/>
    (3, "bad-timestamp"),  # a date that is no date
    (4, "wrong-type"),  # <boolean value="maybe"/>
    (5, "missing-event"),  # no concept:name
    (6, "wrong-type"),  # <float value="x1"/>
    (8, "missing-customer"),  # a trace without concept:name
}


@pytest.mark.filterwarnings("ignore:Install the optional requirement:UserWarning")
def test_running_example_matches_pm4py() -> None:
    pm4py = pytest.importorskip("pm4py")
    oracle = pm4py.read_xes(str(RUNNING_EXAMPLE))

    table, rejects, _ = read_all(read_events(RUNNING_EXAMPLE))

    assert rejects == []
    assert table.num_rows == len(oracle) == 42
    assert (
        len(set(table.column("customer_id").to_pylist()))
        == oracle["case:concept:name"].nunique()
        == 6
    )
    assert Counter(table.column("event").to_pylist()) == Counter(oracle["concept:name"])
    ours = Counter(
        zip(table.column("customer_id").to_pylist(), table.column("ts").to_pylist(), strict=True)
    )
    theirs = Counter(
        zip(
            oracle["case:concept:name"],
            (t.to_pydatetime() for t in oracle["time:timestamp"]),
            strict=True,
        )
    )
    assert ours == theirs
    assert table.column("Costs").to_pylist()[0] == "50"  # a <string> stays text
    assert set(table.column("case:creator").to_pylist()) == {"Fluxicon Nitro"}


def test_broken_xes_yields_exact_rejects_and_typed_good_rows() -> None:
    table, rejects, rows_read = read_all(read_events(IMPORT_DATA / "events_broken.xes"))

    assert kinds(rejects) == BROKEN_XES_REJECTS
    assert rows_read == 8
    assert table.column("customer_id").to_pylist() == ["case-1", "case-2"]
    assert table.column("ts").to_pylist() == [
        dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 2, 8, 0, tzinfo=dt.UTC),
    ]
    assert table.schema.field("items").type == pa.int64()
    assert table.schema.field("cost").type == pa.float64()
    assert table.schema.field("urgent").type == pa.bool_()
    assert table.column("items").to_pylist() == [3, 7]
    assert table.column("case:segment").to_pylist() == ["gold", None]
    by_row = {reject.row: reject for reject in rejects}
    assert by_row[2].column == "items"
    assert by_row[2].raw == "three"


def test_gzipped_xes_streams_in_small_batches(tmp_path: Path) -> None:
    path = tmp_path / "running.xes.gz"
    path.write_bytes(gzip.compress(RUNNING_EXAMPLE.read_bytes()))

    chunks = list(read_events(path, batch_rows=5))

    assert len(chunks) == 9
    assert sum(chunk.batch.num_rows for chunk in chunks) == 42
    assert chunks[-1].bytes_done == path.stat().st_size


def test_a_file_that_is_not_xml_is_a_clear_error_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "log.xes"
    path.write_text('<?xml version="1.0"?>\n<log>\n  <trace>\n    <event>\n  </trace>\n</log>\n')

    with pytest.raises(IngestError, match=r"log\.xes, line 5, column \d+: not well-formed XML"):
        read_all(read_events(path))


def test_plain_text_named_xes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.xes"
    path.write_text("customer_id,ts,event\nc1,2024-01-01,visit\n")

    with pytest.raises(IngestError, match=r"notes\.xes, line 1, column 1: not well-formed XML"):
        read_all(read_events(path))


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = "\n".join(
        f'  <!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i else "lol"}{("&lol" + str(i - 1) + ";") * 9 if i else ""}">'
        for i in range(10)
    )
    path = tmp_path / "bomb.xes"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE log [\n{laughs}\n]>\n'
        '<log><trace><string key="concept:name" value="&lol9;"/>'
        '<event><string key="concept:name" value="x"/></event></trace></log>\n'
    )

    with pytest.raises(IngestError, match=r"bomb\.xes, line 2: the log declares a DOCTYPE"):
        read_all(read_events(path))


# --- The scanner against a tree-walking oracle ------------------------------------------
#
# The reader finds tags with array operations over whole blocks of bytes. The oracle walks
# lxml's tree of the same document by the rules the module docstring states, and its
# columns go through the same Shaper; any difference is the scanner's or the walk's.

Rows = tuple[list[dict[str, object]], set[tuple[int, str]]]
KEYS = ("org:resource", "cost", "lifecycle:transition", "Note", "amount", "é-clé", "x")
XES_TYPES = {
    "string": PropertyType.STRING,
    "id": PropertyType.STRING,
    "date": PropertyType.TIMESTAMP,
    "int": PropertyType.INTEGER,
    "float": PropertyType.FLOAT,
    "boolean": PropertyType.BOOLEAN,
}


def oracle(path: Path) -> Rows:
    """Good rows (nulls left out) and (row, kind) of the rejects, by a tree walk."""
    types: dict[str, PropertyType] = {}
    events: list[dict[str, str]] = []

    def attributes(element: etree._Element, prefix: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for child in element.iterchildren(tag=etree.Element):
            name = etree.QName(child).localname
            key, value = child.get("key"), child.get("value")
            if name in ("event", "trace") or key is None or value is None:
                continue
            if name in XES_TYPES:
                types.setdefault(prefix + key, XES_TYPES[name])
            found[prefix + key] = value  # a key twice in one element: the last one wins
        return found

    def walk(element: etree._Element, trace: dict[str, str] | None) -> None:
        for child in element.iterchildren(tag=etree.Element):
            name = etree.QName(child).localname
            if name == "event":
                events.append({**(trace or {}), **attributes(child, "")})
            elif name == "trace":
                walk(child, attributes(child, "case:"))
            else:
                walk(child, trace)

    walk(etree.parse(str(path), etree.XMLParser(resolve_entities=False)).getroot(), None)
    names = dict.fromkeys(name for event in events for name in event)
    names.update(dict.fromkeys(["case:concept:name", "concept:name", "time:timestamp"]))
    columns = {name: pa.array([e.get(name) for e in events], pa.string()) for name in names}
    mapping = ColumnMapping(customer="case:concept:name", event="concept:name", ts="time:timestamp")
    shaper = Shaper(path, mapping, Layout.EVENTS, declared=types, infer=frozenset())
    batch, rejects = shaper.shape(RawBatch(columns, np.arange(1, len(events) + 1)))
    # Which bad property a row's reject names depends on column order, which is per batch.
    return _present(batch.to_pylist()), {(r.row, str(r.kind)) for r in rejects}


def read_rows(path: Path, batch_rows: int) -> Rows:
    """The reader's good rows (nulls left out) and rejects, as :func:`oracle` gives them."""
    rows: list[dict[str, object]] = []
    rejects: set[tuple[int, str]] = set()
    for chunk in read_events(path, batch_rows=batch_rows):
        rows.extend(_present(chunk.batch.to_pylist()))
        rejects |= {(r.row, str(r.kind)) for r in chunk.rejects}
    return rows, rejects


def _present(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{name: value for name, value in row.items() if value is not None} for row in rows]


@st.composite
def xes_documents(draw: st.DrawFn) -> bytes:
    """Valid XML in the shapes XES writers produce, and in the rarer ones XML allows."""
    prefix = draw(st.sampled_from(["", "", "x:"]))
    quote = draw(st.sampled_from(['"', '"', "'"]))

    def gap() -> str:
        return draw(st.sampled_from(["\n  ", " ", "", "\n", "\t", ' <!-- a <b> "c" --> ']))

    def text(value: str) -> str:
        escapes = {
            "&": ["&amp;", "&#38;"],
            "<": ["&lt;", "&#60;"],
            quote: ["&quot;" if quote == '"' else "&apos;", f"&#{ord(quote)};"],
        }
        escapes |= {
            ">": [">", "&gt;"],
            "\t": ["\t", "&#9;"],
            "\n": ["\n", "&#10;"],
            "\r": ["\r\n", "&#13;"],
        }
        return "".join(draw(st.sampled_from(escapes[c])) if c in escapes else c for c in value)

    def attribute(key: str, value: str, tag: str) -> str:
        eq = draw(st.sampled_from(["=", "=", " = ", "=\n"]))
        parts = [f"key{eq}{quote}{text(key)}{quote}", f"value{eq}{quote}{text(value)}{quote}"]
        if draw(st.booleans()):
            parts.reverse()
        for extra in range(draw(st.sampled_from([0, 0, 0, 0, 1, 3]))):  # 5 pairs: slow path
            parts.insert(draw(st.integers(0, len(parts))), f"id{extra}={quote}a>b{quote}")
        head = f"<{prefix}{tag} " + draw(st.sampled_from([" ", "  ", "\n\t"])).join(parts)
        if draw(st.integers(0, 6)) == 0:  # a meta-attribute: nested, so not imported
            return f'{head}>{gap()}<{prefix}int key="m" value="1"/>{gap()}</{prefix}{tag}>'
        return head + draw(st.sampled_from(["/>", " />"]))

    values = st.text(st.sampled_from("ab &<>\"'\t\n\ré中😀"), max_size=6)

    def element(name: str, children: list[str]) -> str:
        if not children and draw(st.integers(0, 4)) == 0:
            return f"<{prefix}{name}/>"
        inner = "".join(gap() + child for child in children)
        if draw(st.integers(0, 8)) == 0:
            inner += "<![CDATA[ <event> ]]>"
        return f"<{prefix}{name}>{inner}{gap()}</{prefix}{name}>"

    def event() -> str:
        children = []
        if draw(st.integers(0, 9)):
            children.append(
                attribute("concept:name", draw(st.sampled_from(["a", "b c", " "])), "string")
            )
        if draw(st.integers(0, 9)):
            stamp = draw(
                st.sampled_from(["2024-03-01T10:00:00Z", "2024-03-01T10:00:00.123+01:00", "nope"])
            )
            children.append(attribute("time:timestamp", stamp, "date"))
        for _ in range(draw(st.integers(0, 3))):
            key = draw(st.sampled_from(KEYS))
            tag = draw(st.sampled_from([*XES_TYPES, "string"]))
            value = (
                draw(st.sampled_from(["1", "2.5", "true", "x"]))
                if tag != "string"
                else draw(values)
            )
            children.append(attribute(key, value, tag))
        if draw(st.integers(0, 6)) == 0:
            children.append(f'<{prefix}list key="l"><{prefix}values/></{prefix}list>')
        return element("event", children)

    def trace() -> str:
        children = []
        if draw(st.integers(0, 6)):
            children.append(
                attribute("concept:name", draw(st.sampled_from(["c1", "c2", "c&3"])), "string")
            )
        if draw(st.booleans()):
            children.append(attribute("segment", draw(values), "string"))
        children += [event() for _ in range(draw(st.integers(0, 4)))]
        return element("trace", children)

    body = [trace() if draw(st.integers(0, 5)) else event() for _ in range(draw(st.integers(1, 6)))]
    namespace = ' xmlns:x="http://www.xes-standard.org/"' if prefix else ""
    header = f'<{prefix}extension name="Concept" prefix="concept" uri="u"/>'
    log = (
        f"<{prefix}log xes.version='1.0'{namespace}>{header}{gap()}"
        + "".join(gap() + b for b in body)
        + f"</{prefix}log>"
    )
    declaration = draw(
        st.sampled_from(
            ['<?xml version="1.0" encoding="UTF-8"?>\n', "", "<?xml version='1.0'?><?pi <x>?>"]
        )
    )
    document = declaration + log
    return document.encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=xes_documents(),
    feed=st.sampled_from([7, 64, 1 << 20]),
    batch_rows=st.sampled_from([1, 3, 1000]),
)
def test_the_scanner_reads_what_a_tree_walk_reads(
    document: bytes, feed: int, batch_rows: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("xes") / "log.xes"
    path.write_bytes(document)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(xes_reader, "_FEED_BYTES", feed)
        ours = read_rows(path, batch_rows)

    assert ours == oracle(path)


@pytest.mark.filterwarnings("ignore:Install the optional requirement:UserWarning")
def test_references_in_values_read_as_pm4py_reads_them(tmp_path: Path) -> None:
    pm4py = pytest.importorskip("pm4py")
    path = tmp_path / "log.xes"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<log><trace>'
        '<string key="concept:name" value="R&amp;D &#38; co"/>'
        '<event><string key="concept:name" value="a &lt;b&gt; &quot;c&quot; &#x263A; x&#10;y"/>'
        '<date key="time:timestamp" value="2024-03-01T10:00:00Z"/></event></trace></log>'
    )
    oracle_log = pm4py.read_xes(str(path))

    table, rejects, _ = read_all(read_events(path))

    assert rejects == []
    assert table.column("customer_id").to_pylist() == list(oracle_log["case:concept:name"])
    assert table.column("event").to_pylist() == list(oracle_log["concept:name"])
    assert table.column("customer_id").to_pylist() == ["R&D & co"]


@pytest.mark.parametrize(
    ("encoding", "declaration"),
    [
        ("iso-8859-1", '<?xml version="1.0" encoding="ISO-8859-1"?>'),
        ("utf-16", '<?xml version="1.0" encoding="UTF-16"?>'),
        ("utf-8-sig", '<?xml version="1.0"?>'),
    ],
)
@pytest.mark.parametrize("feed", [5, 1 << 20])
def test_other_encodings_are_transcoded(
    tmp_path: Path, encoding: str, declaration: str, feed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xes_reader, "_FEED_BYTES", feed)  # blocks that split the declaration
    path = tmp_path / "log.xes"
    path.write_bytes(
        (
            f"{declaration}\n<log><trace><string key='concept:name' value='Müller'/>"
            "<event><string key='concept:name' value='café'/>"
            "<date key='time:timestamp' value='2024-03-01T10:00:00Z'/></event></trace></log>"
        ).encode(encoding)
    )

    table, rejects, _ = read_all(read_events(path))

    assert rejects == []
    assert table.column("customer_id").to_pylist() == ["Müller"]
    assert table.column("event").to_pylist() == ["café"]


def test_trace_attributes_after_the_events_still_apply(tmp_path: Path) -> None:
    path = tmp_path / "log.xes"
    path.write_text(
        "<log><trace><event><string key='concept:name' value='a'/>"
        "<date key='time:timestamp' value='2024-03-01T10:00:00Z'/></event>"
        "<string key='concept:name' value='late'/></trace></log>"
    )

    table, rejects, _ = read_all(read_events(path))

    assert rejects == []
    assert table.column("customer_id").to_pylist() == ["late"]


def test_stopping_early_leaves_no_worker_behind() -> None:
    before = threading.active_count()
    chunks = iter(read_events(RUNNING_EXAMPLE, batch_rows=5))

    first = next(chunks)
    chunks.close()  # type: ignore[attr-defined]

    assert first.batch.num_rows + len(first.rejects) == 5
    assert threading.active_count() == before
