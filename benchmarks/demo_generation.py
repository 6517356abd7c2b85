"""Benchmark: how long `journeymap demo` takes and how much memory it needs, by size.

Runs the real command in a child process for each size and reports wall time, events per
second and peak resident memory (the child's maximum RSS), so the claim "10 million events
stream in bounded memory" can be re-checked by anyone::

    .venv/bin/python benchmarks/demo_generation.py                 # 50k and 500k customers
    .venv/bin/python benchmarks/demo_generation.py --customers 5000 50000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_once(customers: int, folder: Path) -> dict[str, float]:
    """Build one demo in a fresh child process and measure it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "journeymap.cli", "demo", "-w", str(folder),
         "--customers", str(customers), "--format", "json"],
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return {
        "customers": customers,
        "events": manifest["events"],
        "seconds": seconds,
        "events_per_second": manifest["events"] / seconds,
        # ru_maxrss of children is the largest child so far; sizes run smallest first.
        "peak_rss_mib": max(peak_kib, before) / 1024,
        "disk_mib": size / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[50_000, 500_000])
    arguments = parser.parse_args()
    print("| customers | events | seconds | events/s | peak RSS (MiB) | on disk (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for customers in sorted(arguments.customers):
        with tempfile.TemporaryDirectory() as scratch:
            row = run_once(customers, Path(scratch) / "demo")
        print(
            f"| {row['customers']:,.0f} | {row['events']:,.0f} | {row['seconds']:.1f} "
            f"| {row['events_per_second']:,.0f} | {row['peak_rss_mib']:.0f} "
            f"| {row['disk_mib']:.0f} |"
        )


if __name__ == "__main__":
    main()
