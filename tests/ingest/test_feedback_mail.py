"""Reading mailboxes: sound messages in, agent replies counted, broken ones rejected with reasons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from journeymap.ingest import Reject
from journeymap.ingest.feedback import (
    FeedbackKind,
    html_to_text,
    own_words,
    read_feedback,
)
from journeymap.model.canonical import FEEDBACK_COLUMNS

FEEDBACK_DATA = Path(__file__).parents[1] / "data" / "feedback"


def read_all(path: Path, **options: object) -> tuple[pa.Table, list[Reject], int, int]:
    """(good items, rejects, items read, agent messages) of a whole mailbox."""
    batches, rejects, read, agents = [], [], 0, 0
    for chunk in read_feedback(path, **options):  # type: ignore[arg-type]
        batches.append(chunk.batch)
        rejects.extend(chunk.rejects)
        read += chunk.rows_read
        agents += chunk.agent_messages
    return pa.Table.from_batches(batches), rejects, read, agents


def test_a_malformed_mailbox_imports_what_is_sound_and_rejects_the_rest() -> None:
    items, rejects, read, agents = read_all(FEEDBACK_DATA / "malformed.mbox")

    assert read == 10
    assert agents == 1
    assert items.column("feedback_id").to_pylist() == [
        "m1@mail.example.org",
        "m3@example.com",
        "m5@example.org",
        "m7@example.com",
    ]
    assert {(r.row, str(r.kind), r.column) for r in rejects} == {
        (4, "undecodable", "text"),  # bad charset: bytes that are no text at all
        (6, "missing-text", "text"),  # only a binary attachment
        (8, "malformed-message", "From"),  # no From, no envelope sender
        (9, "bad-timestamp", "ts"),  # no usable Date anywhere
        (10, "malformed-message", None),  # truncated before its closing boundary
    }
    assert all(r.file == "malformed.mbox" and "at byte" in r.message for r in rejects)
    assert len(items) + len(rejects) + agents == read


def test_charsets_attachments_and_recovered_headers_are_noted() -> None:
    items, _, _, _ = read_all(FEEDBACK_DATA / "malformed.mbox")
    rows = {row["feedback_id"]: row for row in items.to_pylist()}

    unknown = rows["m3@example.com"]
    assert unknown["text"] == "Still no refund for my café table, it's been two weeks."
    assert unknown["notes"] == "unknown charset 'x-klingon-7', read as UTF-8"
    assert unknown["ts"] == dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC)  # +0100 to UTC

    attached = rows["m5@example.org"]
    assert attached["text"] == "The lamp arrived broken. Très décevant."  # Latin-1, QP
    assert attached["notes"] is None

    undated = rows["m7@example.com"]
    assert undated["ts"] == dt.datetime(2025, 3, 7, 16, 30, tzinfo=dt.UTC)
    assert undated["notes"] == "time from the mbox separator line"
    assert undated["text"] == "The welcome call was lovely, thank you!"  # HTML, quote cut


def test_items_have_the_canonical_columns_and_the_sender_lower_cased() -> None:
    items, _, _, _ = read_all(FEEDBACK_DATA / "malformed.mbox")
    assert tuple(items.column_names[: len(FEEDBACK_COLUMNS)]) == FEEDBACK_COLUMNS
    first = items.to_pylist()[0]
    assert first["source"] == "email"
    assert first["sender"] == "jane.doe@example.org"
    assert first["customer_id"] is None  # linked by the engine, by address
    assert first["rating"] is None
    assert first["text"] == (
        "Hi,\n\nMy parcel is a week late. Please call me on 07700 900123.\n\nThanks\nJane"
    )


def test_a_folder_of_eml_files_is_one_mailbox() -> None:
    items, rejects, read, _ = read_all(FEEDBACK_DATA / "eml")
    assert read == 2
    assert items.column("text").to_pylist() == ["Delivery was late again – third time."]
    assert [(r.file, r.row, str(r.kind)) for r in rejects] == [
        ("02-no-sender.eml", 2, "malformed-message")
    ]
    assert rejects[0].message == "message 2: no From header"


def test_named_company_addresses_decide_what_is_an_agent_reply() -> None:
    mailbox = FEEDBACK_DATA / "malformed.mbox"
    _, _, _, inferred = read_all(mailbox)
    _, _, _, none = read_all(mailbox, company_addresses=["help@elsewhere.example"])
    items, _, _, jane = read_all(mailbox, company_addresses=["Jane.Doe@example.org"])
    assert (inferred, none, jane) == (1, 0, 1)
    assert "m1@mail.example.org" not in items.column("feedback_id").to_pylist()


def test_threads_and_ids_come_from_the_headers(tmp_path: Path) -> None:
    box = tmp_path / "threads.mbox"
    box.write_bytes(
        b"From a@x.org Mon Mar  3 09:15:00 2025\n"
        b"From: a@x.org\nTo: care@shop.example\nDate: Mon, 03 Mar 2025 09:15:00 +0000\n"
        b"References: <root@x.org> <reply@shop.example>\nIn-Reply-To: <reply@shop.example>\n"
        b"\nStill waiting.\n\n"
        b"From b@x.org Mon Mar  3 09:15:00 2025\n"
        b"From: b@x.org\nTo: care@shop.example\nDate: Mon, 03 Mar 2025 09:15:00 +0000\n"
        b"In-Reply-To: <other@shop.example>\n\nThanks!\n"
    )
    items, rejects, _, _ = read_all(box)
    assert not rejects
    rows = items.to_pylist()
    assert [r["thread_id"] for r in rows] == ["root@x.org", "other@shop.example"]
    # No Message-ID: a content hash, the same on every read.
    assert all(r["feedback_id"].startswith("mail-") for r in rows)
    again, _, _, _ = read_all(box)
    assert again.column("feedback_id") == items.column("feedback_id")


def test_the_demo_mailbox_reads_without_rejects(demo_folder: Path) -> None:
    items, rejects, read, agents = read_all(demo_folder / "feedback" / "support.mbox")
    assert rejects == []
    assert agents > 0
    assert len(items) + agents == read
    texts = items.column("text").to_pylist()
    assert not any(">" in t or "wrote:" in t or "Sent from my" in t for t in texts)
    assert read_feedback(demo_folder / "feedback" / "support.mbox").kind is FeedbackKind.EMAIL


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("Thanks!\n\nOn Mon, 3 Mar 2025 at 09:15, Care <c@x.org> wrote:\n> old\n", "Thanks!"),
        ("Danke.\n\nAm 03.03.2025 um 09:15 schrieb Care <c@x.org>:\n> alt\n", "Danke."),
        ("Merci.\n\nLe lun. 3 mars 2025, Care <c@x.org> a écrit :\n> ancien\n", "Merci."),
        ("Yes.\n\nOn Mon, 3 Mar 2025 at 09:15, Northwind Care\n<c@x.org> wrote:\n> old", "Yes."),
        ("Fine.\n-----Original Message-----\nFrom: Care\nSent: today\n", "Fine."),
        ("See below.\n---------- Forwarded message ---------\nFrom: x\n", "See below."),
        ("OK\n\nFrom: Care <c@x.org>\nSent: Monday\nTo: me\nSubject: Re\n\nold", "OK"),
        ("Kind regards,\nPriya\n-- \nPriya Patel\n07700 900123\n", "Kind regards,\nPriya"),
        ("Late again.\n\nSent from my iPhone\n", "Late again."),
        ("Late again.\n\nGet Outlook for Android\n", "Late again."),
        ("> quoted\nmy answer\n> more quoted\nsecond answer", "my answer\nsecond answer"),
    ],
)
def test_own_words_cut_quotes_and_signatures(body: str, words: str) -> None:
    assert own_words(body) == words


def test_html_bodies_lose_styles_and_quoted_messages() -> None:
    markup = (
        "<html><head><style>p{color:red}</style></head><body><p>Late &amp; broken.</p>"
        "<p>Second<br>line</p><blockquote>Dear customer</blockquote>"
        '<div class="gmail_quote">On Mon ... wrote: old</div></body></html>'
    )
    assert html_to_text(markup) == "Late & broken.\n\nSecond\nline"


def test_small_chunks_read_the_same_items_and_escaped_from_lines_are_restored(
    tmp_path: Path,
) -> None:
    whole, rejects, read, agents = read_all(FEEDBACK_DATA / "malformed.mbox")
    parts, part_rejects, part_read, part_agents = read_all(
        FEEDBACK_DATA / "malformed.mbox", batch_rows=3
    )
    assert parts.equals(whole)
    assert (part_rejects, part_read, part_agents) == (rejects, read, agents)
    box = tmp_path / "escaped.mbox"
    box.write_bytes(
        b"From a@x.org Mon Mar  3 09:15:00 2025\nFrom: a@x.org\nTo: care@shop.example\n"
        b"Date: Mon, 03 Mar 2025 09:15:00 +0000\n\nFirst line\n>From the start it was late.\n"
    )
    items, _, _, _ = read_all(box)
    assert items.column("text").to_pylist() == ["First line\nFrom the start it was late."]
