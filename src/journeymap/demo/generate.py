"""Generate the demo data set chunk by chunk and write it, with its manifest, into a folder.

Memory stays bounded by one chunk of customers: each chunk is simulated, written as one
Parquet row group (and CSV rows, mbox messages), tallied for the manifest and dropped.
Random streams come from ``numpy.random.SeedSequence(seed)`` with the chunk's index as
spawn key, and the chunk size is fixed here, so the files depend only on the seed,
the number of customers, the start date and the number of days.
"""

from __future__ import annotations

import datetime as dt
import mailbox
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from journeymap.demo.catalogue import STORE_NAME, UNMAPPED_EVENTS
from journeymap.demo.labels import LABELS_SCHEMA, FeedbackLabel, labels_table
from journeymap.demo.manifest import DemoManifest, GeneratedFile
from journeymap.demo.observed import REPEAT_HORIZON_DAYS, Tally
from journeymap.demo.personas import PERSONA_IDS
from journeymap.demo.population import draw_population
from journeymap.demo.reviews import NPS_SCHEMA, REVIEWS_SCHEMA, nps_table, reviews_table
from journeymap.demo.simulate import simulate_chunk
from journeymap.demo.support_mail import support_threads
from journeymap.demo.tables import (
    CUSTOMERS_SCHEMA,
    EVENTS_SCHEMA,
    IdFormat,
    customers_table,
    events_table,
)
from journeymap.demo.timeline import DEFAULT_START, Timeline
from journeymap.demo.truths import moment_beliefs, persona_truths, planted_truths

Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``, called once per chunk."""

CHUNK_CUSTOMERS = 10_000
"""Customers simulated at once; part of the random-stream layout, so changing it changes the data."""
PROGRESS_PHASE = "Generating customers"

FILES = {
    "events": "data/events.parquet",
    "customers": "data/customers.parquet",
    "customers_csv": "data/customers.csv",
    "support": "feedback/support.mbox",
    "reviews": "feedback/reviews.csv",
    "nps": "feedback/nps.csv",
    "labels": "feedback/labels.csv",
}
DESCRIPTIONS = {
    "events": "The event log, one row per event, sorted by customer_id and ts.",
    "customers": "One row per customer with attributes, e-mail, persona_truth and referred_by.",
    "customers_csv": "The customers table as CSV.",
    "support": "Support e-mail threads (customer messages, agent replies, follow-ups); rows are messages.",
    "reviews": "Product reviews for a share of orders.",
    "nps": "NPS survey answers, two weeks after a customer's first delivery.",
    "labels": "The answer key for the customer texts: per customer e-mail (Message-ID), review and NPS comment, the touchpoint and stage it is about and the sign of its sentiment (-1, 0, 1).",
}


def generate_demo(
    target: Path,
    *,
    customers: int = 50_000,
    seed: int = 7,
    start: dt.date = DEFAULT_START,
    days: int = 120,
    outage: bool = True,
    progress: Progress | None = None,
) -> DemoManifest:
    """Write the Northwind Home demo data and ``manifest.json`` into ``target``.

    ``outage=False`` leaves out the planted payment outage: a clean log on which outage
    monitoring must raise no alarm.

    >>> manifest = generate_demo(Path("demo"), customers=2_000)  # doctest: +SKIP
    >>> manifest.truth("payment-outage").parameters["dates"]  # doctest: +SKIP
    """
    if customers < 1:
        raise ValueError(f"customers must be at least 1; got {customers}")
    timeline = Timeline(start, days, outage)
    ids = IdFormat(customers)
    paths = {name: target / relative for name, relative in FILES.items()}
    for path in paths.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    paths["support"].unlink(missing_ok=True)

    tally = Tally()
    rows = dict.fromkeys(FILES, 0)
    events_writer = pq.ParquetWriter(paths["events"], EVENTS_SCHEMA, compression="zstd")
    customers_writer = pq.ParquetWriter(paths["customers"], CUSTOMERS_SCHEMA, compression="zstd")
    customers_csv = pacsv.CSVWriter(paths["customers_csv"], CUSTOMERS_SCHEMA)
    reviews_csv = pacsv.CSVWriter(paths["reviews"], REVIEWS_SCHEMA)
    nps_csv = pacsv.CSVWriter(paths["nps"], NPS_SCHEMA)
    labels_csv = pacsv.CSVWriter(paths["labels"], LABELS_SCHEMA)
    mbox = mailbox.mbox(paths["support"], create=True)
    try:
        for index, first in enumerate(range(0, customers, CHUNK_CUSTOMERS)):
            size = min(CHUNK_CUSTOMERS, customers - first)
            simulation, text = (_stream(seed, index, part) for part in ("simulation", "text"))
            people = draw_population(simulation, timeline, first_number=first + 1, size=size)
            result = simulate_chunk(simulation, timeline, people)

            events = events_table(result, timeline, ids, first_event=rows["events"] + 1)
            events_writer.write_table(events)
            people_table = customers_table(result, timeline, ids)
            customers_writer.write_table(people_table)
            customers_csv.write_table(people_table)
            labels: list[FeedbackLabel] = []
            reviews = reviews_table(result, timeline, ids, text, labels)
            reviews_csv.write_table(reviews)
            answers = nps_table(result, timeline, ids, text, labels)
            nps_csv.write_table(answers)
            threads = support_threads(result, timeline, ids, text)
            for item in threads:
                mbox.add(item.message)
            labels += [item.label for item in threads if item.label is not None]
            labels_csv.write_table(labels_table(labels))

            tally.observe(result, timeline)
            counts = {"events": len(events), "customers": size, "customers_csv": size}
            counts |= {"reviews": len(reviews), "nps": len(answers), "support": len(threads)}
            counts["labels"] = len(labels)
            for name, count in counts.items():
                rows[name] += count
            if progress is not None:
                progress(PROGRESS_PHASE, first + size, customers)
    finally:
        writers = (events_writer, customers_writer, customers_csv, reviews_csv, nps_csv, labels_csv)
        for writer in writers:
            writer.close()
        mbox.close()

    manifest = _manifest(timeline, seed, customers, rows, tally)
    (target / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _stream(seed: int, chunk: int, part: str) -> np.random.Generator:
    """The random stream of one part of one chunk, independent of every other chunk.

    Texts draw from their own stream, so rewording a template never changes the events.
    """
    key = (chunk, 0 if part == "simulation" else 1)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def _manifest(
    timeline: Timeline, seed: int, customers: int, rows: dict[str, int], tally: Tally
) -> DemoManifest:
    persona_counts = {p: int(tally.counts[f"persona.{p}.customers"]) for p in PERSONA_IDS}
    return DemoManifest(
        store=STORE_NAME,
        seed=seed,
        customers=customers,
        start=timeline.start,
        days=timeline.days,
        events=rows["events"],
        chunk_customers=CHUNK_CUSTOMERS,
        payment_outage_dates=timeline.outage_dates,
        files=tuple(
            GeneratedFile(path=FILES[name], rows=rows[name], description=DESCRIPTIONS[name])
            for name in FILES
        ),
        personas=persona_truths(persona_counts),
        truths=planted_truths(timeline, tally.observed()),
        moments=moment_beliefs(),
        unmapped_events=UNMAPPED_EVENTS,
        notes=(
            "persona_truth in the customers table is the generator's answer key: use it to check an analysis, never as its input.",
            "Timestamps are UTC. promised_date and delivered_date are calendar dates; an order is late when delivered_date > promised_date.",
            f"Observed repeat rates count orders placed at least {REPEAT_HORIZON_DAYS:.0f} days before the window ends, so that a repeat purchase had time to happen.",
            f"Random streams are derived per chunk of {CHUNK_CUSTOMERS:,} customers from the seed, so the same seed, customers, start and days give identical files.",
            "The churned column is the CRM's flag: ordered at least once, but not in the last 45 days of the window.",
        ),
    )
