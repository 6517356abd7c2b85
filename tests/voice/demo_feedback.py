"""The demo's feedback files as a canonical feedback table, read with the standard library.

A small stand-in for the feedback import, enough for the voice tests: customer e-mails
(agent replies left out, quoted text and signatures cut), reviews (title as subject, stars as
rating) and NPS answers with a comment. Ids are those the labels file uses.
"""

from __future__ import annotations

import datetime as dt
import email.header
import email.utils
import mailbox
from email.message import Message
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from journeymap.demo.catalogue import SUPPORT_ADDRESS

FEEDBACK_SCHEMA = pa.schema(
    [
        ("feedback_id", pa.string()),
        ("customer_id", pa.string()),
        ("ts", pa.timestamp("us", tz="UTC")),
        ("source", pa.string()),
        ("subject", pa.string()),
        ("text", pa.string()),
        ("rating", pa.int64()),
        ("thread_id", pa.string()),
    ]
)


def _plain_text(message: Message) -> str:
    part = message.get_payload()[0] if message.is_multipart() else message
    assert isinstance(part, Message)
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "us-ascii")


def customer_words(text: str) -> str:
    """The customer's own words: no quoted reply, no signature, no phone footer."""
    kept: list[str] = []
    for line in text.split("\n"):
        if line.startswith(">") or (line.startswith("On ") and line.endswith("wrote:")):
            break
        if line == "-- " or line.startswith(("Sent from my", "Get Outlook")):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def read_mail(path: Path, emails: dict[str, str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    box = mailbox.mbox(path, create=False)
    try:
        for message in box:
            sender = email.utils.parseaddr(message["From"])[1]
            if sender == SUPPORT_ADDRESS:
                continue
            message_id = message["Message-ID"].strip("<>")
            references = [ref.strip("<>") for ref in (message["References"] or "").split()]
            rows.append(
                {
                    "feedback_id": message_id,
                    "customer_id": emails[sender],
                    "ts": email.utils.parsedate_to_datetime(message["Date"]).astimezone(dt.UTC),
                    "source": "email",
                    "subject": str(email.header.make_header(
                        email.header.decode_header(message["Subject"]))),
                    "text": customer_words(_plain_text(message)),
                    "rating": None,
                    "thread_id": references[0] if references else message_id,
                }
            )  # fmt: skip
    finally:
        box.close()
    return rows


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def demo_feedback(root: Path) -> pa.Table:
    """Every customer-written item of a generated demo folder, canonical columns."""
    customers = pq.read_table(root / "data" / "customers.parquet", columns=["customer_id", "email"])
    emails = dict(
        zip(customers.column("email").to_pylist(), customers.column("customer_id").to_pylist(),
            strict=True)
    )  # fmt: skip
    rows = read_mail(root / "feedback" / "support.mbox", emails)
    text = pacsv.ConvertOptions(column_types={"ts": pa.string()})
    reviews = pacsv.read_csv(root / "feedback" / "reviews.csv", convert_options=text)
    for row in reviews.to_pylist():
        rows.append({"feedback_id": row["review_id"], "customer_id": row["customer_id"],
                     "ts": _utc(row["ts"]), "source": "review", "subject": row["title"],
                     "text": row["text"], "rating": row["rating"], "thread_id": None})  # fmt: skip
    nps = pacsv.read_csv(root / "feedback" / "nps.csv", convert_options=text)
    for row in nps.to_pylist():
        rows.append({"feedback_id": row["response_id"], "customer_id": row["customer_id"],
                     "ts": _utc(row["ts"]), "source": "nps", "subject": None,
                     "text": row["comment"] or "", "rating": row["score"], "thread_id": None})  # fmt: skip
    return pa.Table.from_pylist(rows, schema=FEEDBACK_SCHEMA)
