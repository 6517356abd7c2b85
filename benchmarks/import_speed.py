"""Benchmark: importing events: 10M rows of Parquet into the analytics database, and XES
parsing side by side with pm4py's ``read_xes``.

Each measurement runs in a fresh child process, so the peak memory it reports is that
measurement's alone::

    .venv/bin/python benchmarks/import_speed.py                       # 500k customers, 250k XES events
    .venv/bin/python benchmarks/import_speed.py --customers 50000 --xes-events 100000
    .venv/bin/python benchmarks/import_speed.py --only xes --customers 15000  # XES alone

The XES file is written from the demo's event log (one trace per customer, string, date and
float attributes), because the public real-life logs of that size cannot be downloaded here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pyarrow.parquet as pq

CHILD = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
task, source, target = sys.argv[1], sys.argv[2], sys.argv[3]
# Libraries are imported before the clock starts: we time the work, not the imports.
if task == "pm4py":
    import pm4py
else:
    from pathlib import Path
    from journeymap.engine import AnalyticsDatabase
    from journeymap.ingest import read_events
started = time.perf_counter()
if task == "import":
    with AnalyticsDatabase.open(Path(target) / "journeymap.duckdb") as db:
        rows = db.import_events([read_events(source)]).rows_imported
elif task == "read_xes":
    rows = sum(chunk.batch.num_rows for chunk in read_events(source))
else:
    rows = len(pm4py.read_xes(source))
seconds = time.perf_counter() - started
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (big) parent process.
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
peak = int(status) / 1024
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mib": peak}))
"""


def measure(task: str, source: Path, target: Path) -> dict[str, float]:
    """Run one measurement in a fresh interpreter and return its JSON report."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, task, str(source), str(target)],
        check=True,
        capture_output=True,
        text=True,
    )
    # DuckDB may draw a progress bar on stdout; the report is the last JSON line.
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    report: dict[str, float] = json.loads(lines[-1])
    return report


def write_xes(events: Path, target: Path, limit: int) -> int:
    """The first ``limit`` events of a Parquet log as an XES file, trace by trace."""
    table = pq.read_table(events, columns=["customer_id", "ts", "event", "channel", "amount"])
    table = table.slice(0, limit)
    rows = table.to_pylist()
    with target.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0">\n')
        current = None
        for row in rows:
            if row["customer_id"] != current:
                if current is not None:
                    out.write("  </trace>\n")
                current = row["customer_id"]
                out.write(
                    f'  <trace>\n    <string key="concept:name" value={quoteattr(current)}/>\n'
                )
            out.write("    <event>\n")
            out.write(f'      <string key="concept:name" value={quoteattr(row["event"])}/>\n')
            out.write(f'      <date key="time:timestamp" value="{row["ts"].isoformat()}"/>\n')
            out.write(f'      <string key="channel" value={quoteattr(row["channel"] or "")}/>\n')
            if row["amount"] is not None:
                out.write(f'      <float key="amount" value="{row["amount"]}"/>\n')
            out.write("    </event>\n")
        out.write("  </trace>\n</log>\n")
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500_000)
    parser.add_argument("--xes-events", type=int, default=250_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--only",
        choices=["import", "xes"],
        help="run one part; the demo is still generated (--customers) as the source of both",
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        subprocess.run(
            [sys.executable, "-m", "journeymap", "demo", "-w", str(folder / "demo"),
             "--customers", str(arguments.customers), "--format", "json"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        events = folder / "demo" / "data" / "events.parquet"
        print("| measure | rows | median seconds | peak RSS (MiB) |")
        print("|---|---:|---:|---:|")
        if arguments.only != "xes":
            runs = [measure("import", events, folder / f"db{i}") for i in range(arguments.repeats)]
            _row("import Parquet into DuckDB (journeymap)", runs)
        if arguments.only != "import":
            _compare_xes(events, folder, arguments.xes_events, arguments.repeats)


def _compare_xes(events: Path, folder: Path, limit: int, repeats: int) -> None:
    """journeymap's XES reader against pm4py's read_xes, alternating, on the same file."""
    xes = folder / "log.xes"
    write_xes(events, xes, limit)
    ours, theirs = [], []
    for _ in range(repeats):  # alternate, so both see the same machine state
        ours.append(measure("read_xes", xes, folder))
        theirs.append(measure("pm4py", xes, folder))
    _row("read XES (journeymap)", ours)
    _row("read XES (pm4py.read_xes)", theirs)
    ratio = statistics.median(t["seconds"] for t in theirs) / statistics.median(
        o["seconds"] for o in ours
    )
    print(f"\nXES: journeymap is {ratio:.1f}x faster than pm4py.read_xes (target: 5x).")


def _row(label: str, runs: list[dict[str, float]]) -> None:
    rows = int(runs[0]["rows"])
    seconds = statistics.median(run["seconds"] for run in runs)
    peak = max(run["peak_mib"] for run in runs)
    print(f"| {label} | {rows:,} | {seconds:.2f} | {peak:,.0f} |")


if __name__ == "__main__":
    main()
