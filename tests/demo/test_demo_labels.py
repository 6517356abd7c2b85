"""The answer key for the demo's customer texts: complete, consistent with the map and the events."""

from __future__ import annotations

import email.utils
import mailbox
from collections import Counter

import duckdb
import pyarrow.csv as pacsv
import pytest
from demo_files import GeneratedDemo

from journeymap.demo import demo_workspace
from journeymap.demo.catalogue import SUPPORT_ADDRESS
from journeymap.demo.generate import FILES


@pytest.fixture(scope="module")
def labels(demo: GeneratedDemo) -> dict[str, dict[str, object]]:
    rows = pacsv.read_csv(demo.root / FILES["labels"]).to_pylist()
    found = {str(row["feedback_id"]): row for row in rows}
    assert len(found) == len(rows)
    return found


def test_every_customer_text_has_a_label_and_nothing_else_has(
    demo: GeneratedDemo, labels: dict[str, dict[str, object]], db: duckdb.DuckDBPyConnection
) -> None:
    box = mailbox.mbox(demo.mbox, create=False)
    try:
        customer_mail = {
            m["Message-ID"].strip("<>")
            for m in box
            if email.utils.parseaddr(m["From"])[1] != SUPPORT_ADDRESS
        }
    finally:
        box.close()
    reviews = {r[0] for r in db.execute("SELECT review_id FROM reviews").fetchall()}
    comments = {
        r[0] for r in db.execute("SELECT response_id FROM nps WHERE comment IS NOT NULL").fetchall()
    }
    assert set(labels) == customer_mail | reviews | comments
    sources = Counter(str(row["source"]) for row in labels.values())
    assert sources == {"email": len(customer_mail), "review": len(reviews), "nps": len(comments)}
    assert demo.manifest.file(FILES["labels"]).rows == len(labels)


def test_labels_name_touchpoints_of_the_map_with_their_stages(
    labels: dict[str, dict[str, object]],
) -> None:
    stage_of = {t.id: s.id for s, t in demo_workspace().journeys[0].touchpoints()}
    for row in labels.values():
        assert stage_of[str(row["touchpoint"])] == row["stage"]
        assert row["sentiment"] in (-1, 0, 1)
    touchpoints = Counter(str(row["touchpoint"]) for row in labels.values())
    assert {"home-delivery", "refund", "order-confirmation", "welcome-call"} <= set(touchpoints)


def test_labels_agree_with_what_happened(
    labels: dict[str, dict[str, object]], db: duckdb.DuckDBPyConnection
) -> None:
    reviews = db.execute(
        "SELECT r.review_id, r.rating, o.late FROM reviews r JOIN orders o USING (order_id)"
    ).fetchall()
    for review_id, rating, late in reviews:
        label = labels[review_id]
        if label["touchpoint"] == "home-delivery":
            assert late, review_id  # a review blames the delivery only when it was late
        assert (label["sentiment"] == 1) == (rating >= 4)
    late_mail = [row for key, row in labels.items() if ".5@" in key and row["source"] == "email"]
    assert late_mail  # reason code 5 is delivery_late in the Message-ID
    assert all(row["touchpoint"] == "home-delivery" for row in late_mail)
    nps = dict(db.execute("SELECT response_id, score FROM nps").fetchall())
    promoters = [labels[k]["sentiment"] for k in labels if k in nps and nps[k] >= 9]
    assert Counter(promoters).most_common(1)[0][0] == 1
