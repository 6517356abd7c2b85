"""Bridges between our Arrow logs and pm4py's DataFrames, for the oracle tests."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pyarrow as pa

DATA = Path(__file__).parents[1] / "data"


RUNNING_EXAMPLE = DATA / "import" / "running-example.xes"
"""The IEEE XES running example (a copy of ../shared/data/running-example.xes)."""


def pm4py_frame(log: pa.Table) -> Any:
    """Our log as the DataFrame pm4py expects (case, activity, timestamp columns)."""
    import pm4py

    frame = log.select(["customer_id", "event", "ts"]).to_pandas()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pm4py.format_dataframe(
            frame, case_id="customer_id", activity_key="event", timestamp_key="ts"
        )


def read_running_example() -> tuple[Any, pa.Table]:
    """pm4py's DataFrame of the running example, and the same events as our Arrow log."""
    import pm4py

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pm4py.read_xes(str(RUNNING_EXAMPLE))
    ours = pa.table(
        {
            # File order breaks timestamp ties, as pm4py's stable sort does.
            "event_id": [f"{i:06d}" for i in range(len(frame))],
            "customer_id": frame["case:concept:name"].astype(str).tolist(),
            "ts": pa.array(frame["time:timestamp"].dt.tz_convert("UTC").tolist(),
                           pa.timestamp("us", tz="UTC")),
            "event": frame["concept:name"].astype(str).tolist(),
        }
    )  # fmt: skip
    return frame, ours
