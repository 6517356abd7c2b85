"""Tiny and generated event logs for analytics tests, built in code as Arrow tables."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import pyarrow as pa

EPOCH = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)

EVENTS_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("customer_id", pa.string()),
        ("ts", pa.timestamp("us", tz="UTC")),
        ("event", pa.string()),
        ("channel", pa.string()),
    ]
)


def log(*traces: tuple[str, Sequence[tuple[float, str]]]) -> pa.Table:
    """A log from ``(customer, [(minutes after EPOCH, event), ...])`` traces."""
    rows = []
    for customer, steps in traces:
        for minutes, event in steps:
            rows.append(
                {
                    "event_id": f"{customer}-{len(rows):06d}",
                    "customer_id": customer,
                    "ts": EPOCH + dt.timedelta(minutes=minutes),
                    "event": event,
                    "channel": "web",
                }
            )
    return pa.Table.from_pylist(rows, schema=EVENTS_SCHEMA)


def random_log(
    *,
    customers: int,
    events_per_customer: tuple[int, int],
    alphabet: Sequence[str],
    span: dt.timedelta,
    seed: int,
    weights: Sequence[float] | None = None,
) -> pa.Table:
    """A shuffled random log; timestamps are whole seconds and distinct within a customer."""
    rng = random.Random(seed)
    seconds = int(span.total_seconds())
    rows = []
    for number in range(customers):
        customer = f"c{number:05d}"
        count = rng.randint(*events_per_customer)
        for offset in rng.sample(range(seconds), count):
            rows.append(
                {
                    "event_id": f"e{len(rows):07d}",
                    "customer_id": customer,
                    "ts": EPOCH + dt.timedelta(seconds=offset),
                    "event": rng.choices(alphabet, weights=weights)[0],
                    "channel": rng.choice(["web", "app", None]),
                }
            )
    rng.shuffle(rows)
    return pa.Table.from_pylist(rows, schema=EVENTS_SCHEMA)


def stage_log(
    visits: dict[str, list[tuple[float, str | None]]],
    spine: Sequence[str],
    *,
    start: dt.datetime = EPOCH,
) -> pa.Table:
    """Touchpoint events from (hours after ``start``, stage) per customer; a stage of None is
    an event no touchpoint matched. Each stage has one touchpoint, ``<stage>-tp``."""
    rows = [(c, hours, stage) for c, stages in visits.items() for hours, stage in stages]
    index = {stage: position for position, stage in enumerate(spine)}
    return pa.table(
        {
            "event_id": [f"e{number:03d}" for number in range(len(rows))],
            "customer_id": [customer for customer, _, _ in rows],
            "ts": [start + dt.timedelta(hours=hours) for _, hours, _ in rows],
            "event": [stage or "other" for _, _, stage in rows],
            "channel": ["web"] * len(rows),
            "touchpoint": [stage and f"{stage}-tp" for _, _, stage in rows],
            "stage": [stage for _, _, stage in rows],
            "stage_index": pa.array([index.get(stage or "") for _, _, stage in rows], pa.int64()),
            "touchpoint_index": pa.array(
                [index.get(stage or "") for _, _, stage in rows], pa.int64()
            ),
        }
    )
