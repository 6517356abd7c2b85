"""One measurement per process: the operations ``analytics_vs_oracles.py`` times.

Each function loads what its tool needs (timed apart as ``load_seconds``), runs one
operation (``seconds``) and returns a small, comparable result. The parent runs every
measurement in a fresh interpreter, so a tool's peak RSS (``ru_maxrss`` of that process,
imports included) is its own and no cache warmed by an earlier run helps the next one.
Tools are imported inside the functions: pm4py's import alone costs ~200 MiB, which must
not count against journeymap, and journeymap's must not count against pm4py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FUNNEL_EVENTS = (
    "cart_add",
    "shipping_selected",
    "payment_attempt",
    "order_placed",
    "order_confirmation_email",
)
"""The 5-step checkout funnel of the demo log, in order."""
FUNNEL_WINDOW = dt.timedelta(days=7)
TOP_VARIANTS_SHOWN = 20
"""Variants listed by name in results (all of them are compared through a digest)."""


@dataclass(frozen=True)
class Inputs:
    """Where a measurement finds its data."""

    parquet: Path
    database: Path
    """The DuckDB file of the product's import (written by ``import``, read by ``jmdb-*``)."""


@dataclass(frozen=True)
class Timed:
    """What one measurement returns: seconds to load, seconds of the operation, the numbers."""

    load_seconds: float
    seconds: float
    result: dict[str, Any]


def _clock() -> float:
    return time.perf_counter()


def variants_digest(counted: Iterable[tuple[tuple[str, ...], int]]) -> dict[str, Any]:
    """A tool-independent summary of all variants: count, customers, top ones and a hash."""
    rows = sorted(counted, key=lambda item: (-item[1], item[0]))
    text = "\n".join(f"{count}\t{chr(31).join(activities)}" for activities, count in rows)
    return {
        "variants": len(rows),
        "customers": sum(count for _, count in rows),
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "top": [[list(activities), count] for activities, count in rows[:TOP_VARIANTS_SHOWN]],
    }


def dfg_result(
    edges: Iterable[tuple[str, str, int]], starts: dict[str, int], ends: dict[str, int]
) -> dict[str, Any]:
    """Edges ``[source, target, frequency]`` sorted, and start and end activity counts."""
    return {"edges": sorted([a, b, int(n)] for a, b, n in edges), "start": starts, "end": ends}


# -- the floor -------------------------------------------------------------------------------


def scan(inputs: Inputs) -> Timed:
    """Plain DuckDB: count events and distinct customers straight from the Parquet file."""
    import duckdb

    started = _clock()
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    loaded = _clock()
    row = con.execute(
        "SELECT count(*), count(DISTINCT customer_id) FROM read_parquet(?)", [str(inputs.parquet)]
    ).fetchone()
    done = _clock()
    assert row is not None
    return Timed(loaded - started, done - loaded, {"events": row[0], "customers": row[1]})


# -- journeymap ------------------------------------------------------------------------------


def _events_from_parquet(inputs: Inputs) -> Any:
    """``ibis.duckdb.connect()`` (UTC, default threads and memory) over the Parquet file."""
    import ibis

    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    return con.read_parquet(inputs.parquet)


def _events_from_database(inputs: Inputs) -> Any:
    """What ``journeymap analyze`` reads: the workspace database after ``journeymap import``."""
    from journeymap.engine.database import AnalyticsDatabase

    return AnalyticsDatabase.open(inputs.database).events_table()


def _jm_dfg(events: Any) -> dict[str, Any]:
    from journeymap.analytics.dfg import directly_follows

    graph = directly_follows(events)
    return dfg_result(
        ((e.source, e.target, e.frequency) for e in graph.edges),
        {a.activity: a.customers for a in graph.start_activities},
        {a.activity: a.customers for a in graph.end_activities},
    )


def _jm_variants(events: Any) -> dict[str, Any]:
    from journeymap.analytics.variants import variants

    found = variants(events, top=None)
    return variants_digest((v.activities, v.customers) for v in found.top)


def _jm_funnel(events: Any) -> dict[str, Any]:
    from journeymap.analytics.funnel import FunnelStep, funnel

    steps = [FunnelStep(name, events=name) for name in FUNNEL_EVENTS]
    return {"levels": list(funnel(events, steps, window=FUNNEL_WINDOW).levels)}


def _journeymap(
    load: Callable[[Inputs], Any], operation: Callable[[Any], dict[str, Any]]
) -> Callable[[Inputs], Timed]:
    def measure(inputs: Inputs) -> Timed:
        # Imports are not the operation: load every module the measurement will touch.
        import journeymap.analytics.dfg
        import journeymap.analytics.funnel
        import journeymap.analytics.variants
        import journeymap.engine.database  # noqa: F401

        started = _clock()
        events = load(inputs)
        loaded = _clock()
        result = operation(events)
        return Timed(loaded - started, _clock() - loaded, result)

    return measure


def import_events(inputs: Inputs) -> Timed:
    """``journeymap import events``: Parquet into the workspace's DuckDB file (one-off cost)."""
    from journeymap.engine.database import AnalyticsDatabase
    from journeymap.ingest import read_events

    started = _clock()
    with AnalyticsDatabase.open(inputs.database) as database:
        summary = database.import_events([read_events(inputs.parquet)])
    return Timed(
        0.0,
        _clock() - started,
        {"events": summary.rows_imported, "rejected": summary.rejected},
    )


# -- pm4py -----------------------------------------------------------------------------------


def _pm4py_frame(inputs: Inputs) -> Any:
    """The DataFrame pm4py works on: the three columns it needs, formatted (and so sorted)."""
    import pandas as pd  # type: ignore[import-untyped]
    import pm4py

    frame = pd.read_parquet(inputs.parquet, columns=["customer_id", "event", "ts"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pm4py.format_dataframe(
            frame, case_id="customer_id", activity_key="event", timestamp_key="ts"
        )


def pm4py_dfg(inputs: Inputs) -> Timed:
    """``pm4py.discover_dfg`` (frequencies, start and end activities)."""
    import pm4py

    started = _clock()
    frame = _pm4py_frame(inputs)
    loaded = _clock()
    graph, starts, ends = pm4py.discover_dfg(frame)
    done = _clock()
    return Timed(
        loaded - started,
        done - loaded,
        dfg_result(
            ((a, b, n) for (a, b), n in graph.items()),
            {k: int(v) for k, v in starts.items()},
            {k: int(v) for k, v in ends.items()},
        ),
    )


def pm4py_variants(inputs: Inputs) -> Timed:
    """``pm4py.get_variants``: variant (tuple of activities) -> number of cases."""
    import pm4py

    started = _clock()
    frame = _pm4py_frame(inputs)
    loaded = _clock()
    found = pm4py.get_variants(frame)
    done = _clock()
    return Timed(
        loaded - started,
        done - loaded,
        variants_digest((tuple(k), int(v)) for k, v in found.items()),
    )


# -- chdb (ClickHouse) -----------------------------------------------------------------------


def chdb_funnel(inputs: Inputs) -> Timed:
    """``windowFunnel(604800)`` per customer over ``file(..., Parquet)``, then customers per level.

    The demo's timestamps are whole seconds, so ``toUnixTimestamp`` loses nothing and the
    window in seconds is the same window journeymap applies in milliseconds.
    """
    import chdb

    query: Any = chdb.query  # chdb ships no annotations
    conditions = ", ".join(f"event = '{name}'" for name in FUNNEL_EVENTS)
    sql = f"""
        SELECT level, count() AS customers FROM (
            SELECT customer_id, windowFunnel({int(FUNNEL_WINDOW.total_seconds())})(
                toUInt32(toUnixTimestamp(ts)), {conditions}) AS level
            FROM file('{inputs.parquet}', Parquet) GROUP BY customer_id)
        GROUP BY level
    """
    started = _clock()
    query("SELECT 1")  # start the embedded server outside the timed query
    loaded = _clock()
    rows = query(sql, "ArrowTable").to_pylist()
    done = _clock()
    levels = [0] * (len(FUNNEL_EVENTS) + 1)
    for row in rows:
        levels[int(row["level"])] = int(row["customers"])
    return Timed(loaded - started, done - loaded, {"levels": levels})


MEASURES: dict[str, Callable[[Inputs], Timed]] = {
    "scan": scan,
    "jm-dfg": _journeymap(_events_from_parquet, _jm_dfg),
    "jm-variants": _journeymap(_events_from_parquet, _jm_variants),
    "jm-funnel": _journeymap(_events_from_parquet, _jm_funnel),
    "import": import_events,
    "jmdb-dfg": _journeymap(_events_from_database, _jm_dfg),
    "jmdb-variants": _journeymap(_events_from_database, _jm_variants),
    "jmdb-funnel": _journeymap(_events_from_database, _jm_funnel),
    "chdb-funnel": chdb_funnel,
    "pm4py-dfg": pm4py_dfg,
    "pm4py-variants": pm4py_variants,
}
"""Measurement name -> the function a child process runs."""
