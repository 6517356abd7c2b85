"""Benchmark: importing feedback end to end: 50k e-mails from an mbox, 50k tickets from a CSV.

The issue's bar: 50,000 messages import in under five minutes on two cores. Each import
runs in a fresh child process and is timed from reading to the committed merge, with
redaction and linking to a customers table (imported first, not timed)::

    .venv/bin/python benchmarks/feedback_import.py                     # 50k messages, 50k tickets
    .venv/bin/python benchmarks/feedback_import.py --messages 2000 --tickets 2000   # a quick check

The mailbox is written here from templates shaped like real support mail: a quarter are
agent replies (skipped), a third carry an HTML alternative, many quote the message they
answer, some end in a signature or a "Sent from my iPhone", some are Latin-1, and some
hold a phone number or an e-mail address for redaction to find. The demo's own mailbox
is too small for this size (about 7,500 messages for 50,000 customers).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from email.utils import format_datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

CHILD = r"""
import json, sys, time
from pathlib import Path
from journeymap.engine import AnalyticsDatabase, database_path
from journeymap.ingest import read_customers
from journeymap.services.feedback import import_feedback_files
source, customers, folder = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
with AnalyticsDatabase.open(database_path(folder)) as db:
    db.import_customers([read_customers(customers)])
    started = time.perf_counter()
    result = import_feedback_files(db, [source])
    seconds = time.perf_counter() - started
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
summary = result.summary
print(json.dumps({
    "items": summary.items_read, "imported": summary.imported,
    "agents": summary.agent_messages_skipped, "unlinked": summary.unlinked,
    "rejected": summary.rejected, "redacted": sum(result.redacted.values()),
    "seconds": seconds, "peak_mib": int(status) / 1024,
}))
"""

COMPLAINTS = (
    "My order {order} was supposed to arrive on Tuesday and it still hasn't turned up.",
    "I returned the lamp two weeks ago and I'm still waiting for my refund of £{amount}.",
    "Your checkout keeps failing when I try to pay. Has any money been taken?",
    "The kettle arrived with a dent in it. Can you send a replacement?",
    "Thank you so much for the lovely phone call after my first order!",
    "I never got an order confirmation for {order}. Did it go through?",
)
EXTRAS = (
    "",
    "",
    "You can reach me on 07700 900{n:03d} in the evenings.",
    "Please reply to my other address {name}.alt@example.net.",
    "I'm at 12 Baker Street until Friday.",
)
SIGN_OFFS = ("", "Sent from my iPhone", "-- \n{full}\n07700 900{n:03d}", "Get Outlook for Android")


def write_customers(path: Path, customers: int) -> None:
    ids = [f"C{i:07d}" for i in range(1, customers + 1)]
    emails = [f"customer{i}@example.org" for i in range(1, customers + 1)]
    pq.write_table(pa.table({"customer_id": ids, "email": emails}), path)


def _message(number: int, customer: int, rng: random.Random, when: float) -> bytes:
    name, full = f"customer{customer}", f"Customer {customer}"
    order = f"NW-{customer:06d}-{number % 100:02d}"
    text = "Hi,\n\n" + rng.choice(COMPLAINTS).format(order=order, amount=rng.randint(10, 300))
    extra = rng.choice(EXTRAS).format(n=customer % 1000, name=name)
    text += (" " + extra if extra else "") + f"\n\nThanks\n{full}\n"
    sign = rng.choice(SIGN_OFFS).format(full=full, n=customer % 1000)
    if sign:
        text += "\n" + sign + "\n"
    agent = rng.random() < 0.25
    if rng.random() < 0.4:
        who = "Northwind Care <care@northwind-home.example.com>" if not agent else full
        text += f"\nOn Mon, 3 Mar 2025 at 09:15, {who} wrote:\n> Earlier message\n> More\n"
    sender = "care@northwind-home.example.com" if agent else f"{name}@example.org"
    recipient = f"{name}@example.org" if agent else "care@northwind-home.example.com"
    charset = "iso-8859-1" if rng.random() < 0.1 else "utf-8"
    date = format_datetime(dt.datetime.fromtimestamp(when, dt.UTC))
    head = (
        f"From {sender} Mon Mar  3 09:15:00 2025\nFrom: {sender}\nTo: {recipient}\n"
        f"Subject: Order {order}\nDate: {date}\nMessage-ID: <{number}.{customer}@bench.example>\n"
        "MIME-Version: 1.0\n"
    )
    body = text.encode(charset, errors="replace")
    if rng.random() < 0.35:
        markup = "<div>" + "".join(f"<p>{line}</p>" for line in text.split("\n\n")) + "</div>"
        return (
            head.encode()
            + b'Content-Type: multipart/alternative; boundary="b1"\n\n--b1\n'
            + f'Content-Type: text/plain; charset="{charset}"\nContent-Transfer-Encoding: 8bit\n\n'.encode()
            + body
            + f'\n--b1\nContent-Type: text/html; charset="{charset}"\nContent-Transfer-Encoding: 8bit\n\n'.encode()
            + markup.encode(charset, errors="replace")
            + b"\n--b1--\n"
        )
    return (
        head.encode()
        + f'Content-Type: text/plain; charset="{charset}"\nContent-Transfer-Encoding: 8bit\n\n'.encode()
        + body
    )


def write_mbox(path: Path, messages: int, customers: int) -> None:
    rng = random.Random(7)
    start = time.mktime((2025, 3, 1, 0, 0, 0, 0, 0, 0))
    with path.open("wb") as out:
        for number in range(1, messages + 1):
            customer = rng.randint(1, customers)
            out.write(_message(number, customer, rng, start + number * 60) + b"\n")


def write_tickets(path: Path, tickets: int, customers: int) -> None:
    rng = random.Random(11)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["ticket_id", "email", "created_at", "subject", "description", "channel"])
        for number in range(1, tickets + 1):
            customer = rng.randint(1, customers)
            order = f"NW-{customer:06d}-{number % 100:02d}"
            text = rng.choice(COMPLAINTS).format(order=order, amount=rng.randint(10, 300))
            extra = rng.choice(EXTRAS).format(n=customer % 1000, name=f"customer{customer}")
            writer.writerow(
                [f"T{number:07d}", f"customer{customer}@example.org",
                 f"2025-03-{1 + number % 28:02d}T{number % 24:02d}:00:00Z",
                 f"Order {order}", f"{text} {extra}".strip(), rng.choice(["web", "chat"])]
            )  # fmt: skip


def measure(source: Path, customers: Path, folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(source), str(customers), str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    report: dict[str, float] = json.loads(lines[-1])
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--customers", type=int, default=20_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jm-feedback-bench-") as temporary:
        root = Path(temporary)
        customers = root / "customers.parquet"
        write_customers(customers, arguments.customers)
        files = {"mbox": root / "support.mbox", "tickets CSV": root / "tickets.csv"}
        write_mbox(files["mbox"], arguments.messages, arguments.customers)
        write_tickets(files["tickets CSV"], arguments.tickets, arguments.customers)
        print(
            "| source | items | imported | agent replies | redacted | seconds | items/s | peak MiB |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, path in files.items():
            report = measure(path, customers, root / f"workspace-{path.stem}")
            rate = report["items"] / report["seconds"]
            print(
                f"| {label} ({path.stat().st_size / 2**20:.0f} MiB) | {report['items']:,.0f} | "
                f"{report['imported']:,.0f} | {report['agents']:,.0f} | {report['redacted']:,.0f} | "
                f"{report['seconds']:.1f} | {rate:,.0f} | {report['peak_mib']:.0f} |"
            )


if __name__ == "__main__":
    main()
