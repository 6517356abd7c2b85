"""Benchmark: journeymap's funnel, DFG and variants against pm4py, chdb and a plain DuckDB scan.

For each size it generates the demo event log (cached), then times every operation in a
fresh child process (median of ``--repeats``; peak RSS is that process's ``ru_maxrss``):

* the floor: DuckDB ``count(*)``, ``count(DISTINCT customer_id)`` over the Parquet file;
* journeymap's ``directly_follows``, ``variants(top=None)`` and a 5-step 7-day ordered funnel,
  on ``ibis.duckdb.connect().read_parquet`` (``journeymap``) and on the workspace database
  after ``journeymap import events`` (``journeymap (imported)``; the import is timed once);
* pm4py ``discover_dfg`` and ``get_variants`` on a formatted pandas DataFrame (load apart);
* chdb ``windowFunnel`` grouped by customer, then customers per level.

It checks that all tools give the same numbers (exit status 1 and a mismatch report when
they do not), then prints a Markdown table and the issue's targets, met or not::

    .venv/bin/python benchmarks/analytics_vs_oracles.py                      # 1M and 10M events
    .venv/bin/python benchmarks/analytics_vs_oracles.py --events 100000 --repeats 1
    .venv/bin/python benchmarks/analytics_vs_oracles.py --cache /tmp/bench --skip import

pm4py needs about 3.5 GB and half a minute per operation at 10M events; the whole run at
1M and 10M takes about 15 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from _analytics_measures import FUNNEL_EVENTS, MEASURES, Inputs

EVENTS_PER_CUSTOMER = 22
"""About how many events the demo generator writes per customer."""
GB = 1e9
MIB = 2**20
OPERATIONS = {"scan": "scan (count, distinct)", "dfg": "DFG", "variants": "variants",
              "funnel": "funnel 5 steps, 7 d", "import": "import events (one-off)"}  # fmt: skip
TOOLS = {"scan": "duckdb", "jm": "journeymap", "jmdb": "journeymap (imported)",
         "import": "journeymap", "pm4py": "pm4py", "chdb": "chdb"}  # fmt: skip


@dataclass(frozen=True)
class Measurement:
    """The median of the repeats of one measurement at one size."""

    name: str
    load_seconds: float
    seconds: float
    peak_rss_mib: float
    """The largest peak over the repeats."""
    runs: int
    result: dict[str, Any]

    @property
    def tool(self) -> str:
        return TOOLS[self.name.split("-")[0]]

    @property
    def operation(self) -> str:
        return OPERATIONS[self.name.split("-")[-1]]


# -- running ---------------------------------------------------------------------------------


def demo_log(cache: Path, events: int) -> Path:
    """The demo's ``events.parquet`` of about ``events`` events, generated once per cache."""
    folder = cache / f"demo-{events}"
    done = folder / ".complete"
    if not done.exists():
        from journeymap.demo import generate_demo

        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating the demo log of ~{events:,} events in {folder} ...", flush=True)
        generate_demo(folder, customers=max(1, events // EVENTS_PER_CUSTOMER))
        done.write_text("complete\n", encoding="utf-8")
    return folder / "data" / "events.parquet"


def run_child(name: str, inputs: Inputs) -> tuple[float, float, float, dict[str, Any]]:
    """Run measurement ``name`` in a fresh interpreter: (load s, seconds, peak MiB, result)."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "result.json"
        command = [sys.executable, __file__, "--child", name, "--parquet", str(inputs.parquet),
                   "--database", str(inputs.database), "--result", str(out)]  # fmt: skip
        # pm4py prints a banner on import: the result travels in a file, not on stdout.
        finished = subprocess.run(command, capture_output=True, text=True, check=False)
        if finished.returncode != 0:
            raise RuntimeError(f"{name} failed:\n{finished.stdout}\n{finished.stderr}")
        data = json.loads(out.read_text(encoding="utf-8"))
    return data["load_seconds"], data["seconds"], data["peak_rss_mib"], data["result"]


def measure(name: str, inputs: Inputs, repeats: int) -> Measurement:
    """``repeats`` fresh runs of ``name``; medians of the times, the largest peak memory."""
    runs = [run_child(name, inputs) for _ in range(repeats)]
    results = {json.dumps(run[3], sort_keys=True) for run in runs}
    if len(results) != 1:
        raise RuntimeError(f"{name} gave different numbers on repeated runs")
    return Measurement(
        name=name,
        load_seconds=statistics.median(run[0] for run in runs),
        seconds=statistics.median(run[1] for run in runs),
        peak_rss_mib=max(run[2] for run in runs),
        runs=repeats,
        result=runs[0][3],
    )


def child(name: str, inputs: Inputs, result: Path) -> None:
    """The child side: run one measurement and write its numbers as JSON."""
    timed = MEASURES[name](inputs)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    payload = {"load_seconds": timed.load_seconds, "seconds": timed.seconds,
               "peak_rss_mib": peak_kib / 1024, "result": timed.result}  # fmt: skip
    result.write_text(json.dumps(payload), encoding="utf-8")


def measure_size(
    parquet: Path, cache: Path, repeats: int, skip: Sequence[str]
) -> dict[str, Measurement]:
    """Every measurement at one size, the import first (the ``jmdb-*`` ones read its file)."""
    inputs = Inputs(parquet, parquet.parent.parent / "bench-db" / "journeymap.duckdb")
    wanted = [name for name in MEASURES if name not in skip]
    if "import" in skip:
        wanted = [name for name in wanted if not name.startswith("jmdb-")]
    done: dict[str, Measurement] = {}
    for name in wanted:
        if name == "import":
            shutil.rmtree(inputs.database.parent, ignore_errors=True)
        count = 1 if name == "import" else repeats
        print(f"  {name} x{count} ...", end="", flush=True)
        done[name] = measure(name, inputs, count)
        print(f" {done[name].seconds:.2f} s, {done[name].peak_rss_mib:,.0f} MiB", flush=True)
    return done


# -- checking --------------------------------------------------------------------------------


def tied_funnel_customers(parquet: Path) -> int:
    """Customers with two funnel-step events at the same timestamp (ClickHouse ties differ)."""
    import duckdb

    names = ", ".join(f"'{name}'" for name in FUNNEL_EVENTS)
    row = (
        duckdb.connect()
        .execute(
            f"SELECT count(DISTINCT customer_id) FROM (SELECT customer_id, ts FROM "
            f"read_parquet('{parquet}') WHERE event IN ({names}) GROUP BY ALL HAVING count(*) > 1)"
        )
        .fetchone()
    )
    return int(row[0]) if row else 0


def check(found: dict[str, Measurement], ties: int) -> tuple[list[str], list[str]]:
    """(mismatches, notes): every pair of tools that must agree, compared."""
    bad: list[str] = []
    notes: list[str] = []

    def same(left: str, right: str, what: str, *, tie_excused: bool = False) -> None:
        if left not in found or right not in found:
            return
        a, b = found[left].result, found[right].result
        if a == b:
            return
        detail = [f"{what}: {left} != {right}"]
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                detail.append(
                    f"    {key}: {left}={_short(a.get(key))} {right}={_short(b.get(key))}"
                )
        if tie_excused and ties:
            notes.append("\n".join([*detail, f"    ({ties} customers have tied funnel-step "
                                               "timestamps: ClickHouse lets one timestamp serve "
                                               "two consecutive steps, journeymap needs a later "
                                               "event; see the funnel module docstring)"]))  # fmt: skip
        else:
            bad.append("\n".join(detail))

    same("jm-dfg", "pm4py-dfg", "DFG edge frequencies, start and end activities")
    same("jm-variants", "pm4py-variants", "variants (all, by count)")
    same("jm-funnel", "chdb-funnel", "funnel customers per level", tie_excused=True)
    for operation in ("dfg", "variants", "funnel"):
        same(f"jm-{operation}", f"jmdb-{operation}", f"{operation}: Parquet vs imported table")
    if "scan" in found:
        events, customers = found["scan"].result["events"], found["scan"].result["customers"]
        if "import" in found and found["import"].result != {"events": events, "rejected": 0}:
            bad.append(f"import: {found['import'].result}, expected {events} events, 0 rejected")
        for name in ("jm-funnel", "chdb-funnel"):
            if name in found and sum(found[name].result["levels"]) != customers:
                bad.append(f"{name}: levels do not add up to the {customers} customers")
        if "jm-dfg" in found:
            pairs = sum(edge[2] for edge in found["jm-dfg"].result["edges"])
            if pairs != events - customers:
                bad.append(f"jm-dfg: {pairs} edges, expected events - customers")
    return bad, notes


def _short(value: object) -> str:
    text = json.dumps(value)
    return text if len(text) <= 300 else text[:300] + "..."


# -- reporting -------------------------------------------------------------------------------


def table(sizes: dict[int, dict[str, Measurement]]) -> list[str]:
    """The Markdown table: one row per size, tool and operation."""
    lines = [
        "| events | tool | operation | load s | median s | peak RSS MiB | × journeymap time "
        "| × journeymap memory | × scan time |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for events, found in sizes.items():
        scan = found.get("scan")
        for m in found.values():
            reference = found.get(f"jm-{m.name.split('-')[-1]}")
            versus = (f"{m.seconds / reference.seconds:.2f}", f"{m.peak_rss_mib / reference.peak_rss_mib:.2f}") \
                if reference and m.name != "scan" else ("", "")  # fmt: skip
            floor = f"{m.seconds / scan.seconds:.1f}" if scan else ""
            lines.append(
                f"| {events:,} | {m.tool} | {m.operation} | {m.load_seconds:.2f} "
                f"| {m.seconds:.2f} | {m.peak_rss_mib:,.0f} | {versus[0]} | {versus[1]} | {floor} |"
            )
    return lines


def targets(events: int, found: dict[str, Measurement]) -> list[str]:
    """The issue's targets at the largest size, one honest line each."""
    lines = [f"Targets at {events:,} events:"]

    def verdict(ok: bool) -> str:
        return "MET" if ok else "MISSED"

    for prefix in ("jm", "jmdb"):
        label = TOOLS[prefix]
        for operation in ("dfg", "variants"):
            ours, theirs = found.get(f"{prefix}-{operation}"), found.get(f"pm4py-{operation}")
            if ours and theirs:
                speed = theirs.seconds / ours.seconds
                memory = ours.peak_rss_mib / theirs.peak_rss_mib
                lines.append(
                    f"- {label} {OPERATIONS[operation]} >= 4x faster than pm4py with <= 1/3 of "
                    f"its memory: {verdict(speed >= 4 and memory <= 1 / 3)} ({speed:.2f}x "
                    f"faster, {memory:.2f} of its peak RSS)"
                )
        funnel, chdb, scan = (
            found.get(f"{prefix}-funnel"),
            found.get("chdb-funnel"),
            found.get("scan"),
        )
        if funnel and chdb:
            lines.append(
                f"- {label} funnel no slower than chdb windowFunnel: "
                f"{verdict(funnel.seconds <= chdb.seconds)} ({funnel.seconds:.2f} s vs "
                f"{chdb.seconds:.2f} s, {funnel.seconds / chdb.seconds:.2f}x)"
            )
        if funnel and scan:
            lines.append(
                f"- {label} funnel within 3x the plain scan: "
                f"{verdict(funnel.seconds <= 3 * scan.seconds)} "
                f"({funnel.seconds / scan.seconds:.1f}x the scan's {scan.seconds:.2f} s)"
            )
        if funnel:
            lines.append(
                f"- {label} funnel peak memory under 1.5 GB ({1.5 * GB / MIB:,.0f} MiB): "
                f"{verdict(funnel.peak_rss_mib * MIB < 1.5 * GB)} ({funnel.peak_rss_mib:,.0f} MiB)"
            )
    return lines


def machine() -> str:
    """Cores, memory, Python and the versions of the tools compared."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = ", ".join(
        f"{package} {metadata.version(package)}"
        for package in ("duckdb", "ibis-framework", "pm4py", "chdb", "pandas", "pyarrow")
    )
    return (f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}; {versions}")  # fmt: skip


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "journeymap-bench",
                        help="where generated logs are kept between runs")  # fmt: skip
    parser.add_argument("--skip", nargs="*", default=[], choices=sorted(MEASURES),
                        help="measurements to leave out (import also drops the jmdb-* ones)")  # fmt: skip
    parser.add_argument("--child", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    parser.add_argument("--parquet", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child, Inputs(arguments.parquet, arguments.database), arguments.result)
        return

    print(f"{dt.date.today().isoformat()}: {machine()}", flush=True)
    sizes: dict[int, dict[str, Measurement]] = {}
    problems: list[str] = []
    notes: list[str] = []
    for events in sorted(arguments.events):
        parquet = demo_log(arguments.cache, events)
        print(f"{events:,} events ({parquet}); load average before: {load_average()}", flush=True)
        found = measure_size(parquet, arguments.cache, arguments.repeats, arguments.skip)
        print(f"  load average after: {load_average()}", flush=True)
        actual = found["scan"].result["events"] if "scan" in found else events
        sizes[actual] = found
        bad, explained = check(found, tied_funnel_customers(parquet))
        problems += [f"[{actual:,} events] {line}" for line in bad]
        notes += [f"[{actual:,} events] {line}" for line in explained]

    print()
    print("\n".join(table(sizes)))
    print()
    largest = max(sizes)
    print("\n".join(targets(largest, sizes[largest])))
    for note in notes:
        print(f"\nExplained difference (tie semantics):\n{note}")
    if problems:
        print("\nMISMATCHES:\n" + "\n".join(problems))
        sys.exit(1)
    print("\nAll tools agree: DFG and variants equal pm4py's, funnel levels equal chdb's.")


if __name__ == "__main__":
    main()
