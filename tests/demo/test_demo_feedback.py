"""Customer text: the support mbox parses with the stdlib, reviews and NPS answers fit the events."""

from __future__ import annotations

import email.header
import email.utils
import mailbox
from collections import Counter
from collections.abc import Iterator
from email.message import Message

import duckdb
import pyarrow.parquet as pq
import pytest
from demo_files import GeneratedDemo

from journeymap.demo.catalogue import SUPPORT_ADDRESS

REQUIRED_HEADERS = ("From", "To", "Subject", "Date", "Message-ID")


@pytest.fixture(scope="module")
def messages(demo: GeneratedDemo) -> Iterator[list[mailbox.mboxMessage]]:
    box = mailbox.mbox(demo.mbox, create=False)
    try:
        yield list(box)
    finally:
        box.close()


def _text(message: Message) -> str:
    part = message.get_payload()[0] if message.is_multipart() else message
    assert isinstance(part, Message)
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "us-ascii")


def _decoded(header: str) -> str:
    return str(email.header.make_header(email.header.decode_header(header)))


def _subject(message: Message) -> str:
    return _decoded(message["Subject"])


def test_every_message_has_the_headers_and_a_real_customer(
    messages: list[mailbox.mboxMessage], demo: GeneratedDemo
) -> None:
    emails = set(pq.read_table(demo.customers, columns=["email"]).column("email").to_pylist())
    assert len(messages) >= 1_000
    for message in messages:
        for header in REQUIRED_HEADERS:
            assert message[header], (header, message["Message-ID"])
        addresses = {
            email.utils.parseaddr(message[h])[1] for h in ("From", "To") if message[h] is not None
        }
        assert addresses & emails, addresses
        assert email.utils.parsedate_to_datetime(message["Date"]).tzinfo is not None
    message_ids = [m["Message-ID"] for m in messages]
    assert len(set(message_ids)) == len(message_ids)


def test_threads_have_replies_quotes_html_and_other_charsets(
    messages: list[mailbox.mboxMessage],
) -> None:
    ids = {m["Message-ID"] for m in messages}
    replies = [m for m in messages if m["In-Reply-To"]]
    assert replies
    assert all(m["In-Reply-To"] in ids for m in replies)
    agent = [m for m in messages if SUPPORT_ADDRESS in m["From"]]
    assert agent
    assert all(_subject(m).startswith("Re: ") for m in agent)
    assert any("wrote:\n>" in _text(m) for m in messages)
    assert any("Northwind Home Customer Care" in _text(m) for m in agent)
    multipart = [m for m in messages if m.is_multipart()]
    assert multipart
    for message in multipart:
        parts = [p.get_content_type() for p in message.get_payload()]
        assert parts == ["text/plain", "text/html"]
    charsets = Counter(
        (m.get_payload()[0] if m.is_multipart() else m).get_content_charset() for m in messages
    )
    assert {"utf-8", "us-ascii", "iso-8859-15", "windows-1252"} <= set(charsets)
    assert any(not _subject(m).isascii() for m in messages)
    names = (email.utils.parseaddr(m["From"])[0] for m in messages)
    assert any(not _decoded(name).isascii() for name in names)


def test_customer_messages_are_about_their_own_orders(
    messages: list[mailbox.mboxMessage], db: duckdb.DuckDBPyConnection
) -> None:
    orders = {
        (customer, order)
        for customer, order in db.execute(
            "SELECT c.email, e.order_id FROM events e JOIN customers c USING (customer_id) "
            "WHERE e.event = 'order_placed'"
        ).fetchall()
    }
    checked = 0
    for message in messages:
        sender = email.utils.parseaddr(message["From"])[1]
        text = _text(message)
        for word in text.replace("(", " ").replace(")", " ").replace(",", " ").split():
            if word.startswith("NW-") and sender != SUPPORT_ADDRESS:
                assert (sender, word.rstrip(".?:")) in orders, (sender, word)
                checked += 1
    assert checked > 200


def test_support_emails_in_the_log_open_threads_in_the_mbox(
    messages: list[mailbox.mboxMessage], db: duckdb.DuckDBPyConnection
) -> None:
    opened = db.execute("SELECT count(*) FROM events WHERE event = 'support_email'").fetchone()
    first_messages = [m for m in messages if not m["In-Reply-To"]]
    assert opened == (len(first_messages),)
    topics = Counter(_subject(m) for m in first_messages)
    assert len(topics) > 20


def test_reviews_match_review_events(db: duckdb.DuckDBPyConnection) -> None:
    bad = db.execute(
        """
        SELECT count(*) FROM reviews r
        LEFT JOIN events e ON e.order_id = r.order_id AND e.event = 'review_submitted'
        WHERE e.order_id IS NULL OR e.score <> r.rating OR e.product <> r.product
           OR e.customer_id <> r.customer_id OR r.rating NOT BETWEEN 1 AND 5
           OR length(r.title) = 0 OR length(r.text) < 20
        """
    ).fetchone()
    assert bad == (0,)
    texts = db.execute("SELECT count(DISTINCT text), count(*) FROM reviews").fetchone()
    assert texts is not None
    assert texts[0] > 0.3 * texts[1]


def test_nps_answers_match_nps_events(db: duckdb.DuckDBPyConnection) -> None:
    bad = db.execute(
        """
        SELECT count(*) FROM nps n
        LEFT JOIN events e ON e.customer_id = n.customer_id AND e.event = 'nps_response'
        WHERE e.customer_id IS NULL OR e.score <> n.score OR n.score NOT BETWEEN 0 AND 10
        """
    ).fetchone()
    assert bad == (0,)
    commented = db.execute("SELECT avg((comment IS NOT NULL)::INT) FROM nps").fetchone()
    assert commented is not None
    assert 0.5 < commented[0] < 0.9
