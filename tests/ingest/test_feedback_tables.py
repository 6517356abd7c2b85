"""Reading tables of feedback: kinds told from the file, columns mapped, bad rows rejected."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from journeymap.ingest import IngestError, Reject
from journeymap.ingest.feedback import FeedbackKind, FeedbackMapping, read_feedback


def read_all(path: Path, **options: object) -> tuple[pa.Table, list[Reject], int]:
    batches, rejects, read = [], [], 0
    for chunk in read_feedback(path, **options):  # type: ignore[arg-type]
        batches.append(chunk.batch)
        rejects.extend(chunk.rejects)
        read += chunk.rows_read
    return pa.Table.from_batches(batches), rejects, read


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "kind", "scale"),
    [("reviews.csv", FeedbackKind.REVIEWS, (1, 5)), ("nps.csv", FeedbackKind.NPS, (0, 10))],
)
def test_the_demo_tables_import_without_options_or_rejects(
    demo_folder: Path, name: str, kind: FeedbackKind, scale: tuple[int, int]
) -> None:
    source = read_feedback(demo_folder / "feedback" / name)
    assert source.kind is kind
    items, rejects, read = read_all(demo_folder / "feedback" / name)
    assert rejects == []
    assert len(items) == read > 0
    ratings = items.column("rating").to_pylist()
    assert all(scale[0] <= r <= scale[1] for r in ratings)
    assert set(items.column("source").to_pylist()) == {kind.source}
    assert items.column("customer_id").null_count == 0
    assert items.column("ts").null_count == 0


def test_reviews_map_titles_ids_and_keep_other_columns_as_properties(demo_folder: Path) -> None:
    items, _, _ = read_all(demo_folder / "feedback" / "reviews.csv")
    first = items.to_pylist()[0]
    assert first["feedback_id"].startswith("RV-")
    assert first["subject"]  # the title
    assert first["order_id"].startswith("NW-")
    assert first["product"]


def test_ratings_outside_the_scale_are_rejected_with_row_column_and_reason(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path / "answers.csv",
        "response_id,customer_id,ts,score,comment\n"
        "a,C1,2025-03-01T10:00:00Z,9,Great\n"
        "b,C2,2025-03-01T10:00:00Z,11,Too high\n"
        "c,C3,2025-03-01T10:00:00Z,-1,Too low\n"
        "d,C4,2025-03-01T10:00:00Z,7.5,Not whole\n"
        "e,C5,2025-03-01T10:00:00Z,ten,Not a number\n"
        "f,C6,2025-03-01T10:00:00Z,,No score\n"
        "g,C7,,8,No time\n"
        "h,C8,yesterday,8,Bad time\n"
        "i,C9,2025-03-01T10:00:00Z,0,\n",
    )
    items, rejects, read = read_all(path, kind="nps")
    assert read == 9
    assert items.column("feedback_id").to_pylist() == ["a", "i"]  # a bare score is an answer
    found = {(r.row, r.column, str(r.kind)) for r in rejects}
    assert found == {
        (3, "score", "bad-rating"),
        (4, "score", "bad-rating"),
        (5, "score", "bad-rating"),
        (6, "score", "bad-rating"),
        (7, "score", "bad-rating"),
        (8, "ts", "missing-timestamp"),
        (9, "ts", "bad-timestamp"),
    }
    messages = {r.row: r.message for r in rejects}
    assert messages[3] == "11 is outside the nps scale 0-10 (NPS answers are whole numbers)"
    assert messages[6] == "'ten' is not a number on the nps scale 0-10"


def test_csat_and_stars_are_one_to_five(tmp_path: Path) -> None:
    path = write(
        tmp_path / "csat.csv", "id,customer_id,ts,csat\nx,C1,2025-03-01,5\ny,C1,2025-03-01,6\n"
    )
    items, rejects, _ = read_all(path)
    assert items.column("rating").to_pylist() == [5.0]
    assert [(r.row, r.column) for r in rejects] == [(3, "csat")]


def test_tickets_need_text_and_link_by_address_or_id(tmp_path: Path) -> None:
    path = write(
        tmp_path / "export.csv",
        "ticket_id,Email,created_at,subject,description,priority\n"
        "T1,Ann@Example.org,2025-03-01 10:00,Late,Parcel is late,high\n"
        "T2,,2025-03-01 11:00,Empty,,low\n"
        'T3,bob@example.org,2025-03-01 12:00,Broken,"Two lines,\nwith a comma",low\n',
    )
    items, rejects, _ = read_all(
        path, kind="tickets", mapping=FeedbackMapping(timezone="Europe/Paris")
    )
    rows = items.to_pylist()
    assert [r["feedback_id"] for r in rows] == ["T1", "T3"]
    assert [r["thread_id"] for r in rows] == ["T1", "T3"]
    assert rows[0]["sender"] == "ann@example.org"
    assert rows[0]["source"] == "ticket"
    assert rows[0]["rating"] is None
    assert rows[0]["ts"].hour == 9  # 10:00 in Paris
    assert rows[1]["text"] == "Two lines,\nwith a comma"
    assert rows[0]["priority"] == "high"
    assert [(r.row, r.column, str(r.kind)) for r in rejects] == [(3, "description", "missing-text")]


def test_columns_are_mapped_by_name_when_the_aliases_do_not_find_them(tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", "who,when,said\nC1,2025-03-01,Love the app\n")
    with pytest.raises(IngestError, match="no ts column"):
        read_all(path, kind="survey")
    mapping = FeedbackMapping(columns={"customer_id": "who", "ts": "when", "text": "said"})
    items, _, _ = read_all(path, kind="survey", mapping=mapping)
    assert items.to_pylist()[0]["text"] == "Love the app"
    assert items.to_pylist()[0]["customer_id"] == "C1"
    with pytest.raises(IngestError, match="not in the file"):
        read_all(path, kind="survey", mapping=FeedbackMapping(columns={"text": "nope"}))


def test_a_rating_for_a_kind_without_a_scale_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "id,ts,text,stars\n1,2025-03-01,Hi,5\n")
    with pytest.raises(IngestError, match="tickets have no rating"):
        read_all(path, kind="tickets", mapping=FeedbackMapping(columns={"rating": "stars"}))


def test_json_lines_with_a_broken_line_and_a_wrong_field_count_in_csv(tmp_path: Path) -> None:
    path = write(
        tmp_path / "survey.jsonl",
        '{"id": 1, "customer_id": "C1", "ts": "2025-03-01T10:00:00Z", "answer": "Fine"}\n'
        "{not json\n"
        '["a list"]\n'
        '{"id": 2, "customer_id": null, "ts": "2025-03-02T10:00:00Z", "answer": "Anon",'
        ' "meta": {"device": "app"}}\n',
    )
    items, rejects, read = read_all(path)
    assert read == 4
    assert items.column("feedback_id").to_pylist() == ["1", "2"]
    assert items.to_pylist()[1]["meta"] == '{"device": "app"}'
    assert items.to_pylist()[1]["customer_id"] is None  # kept: anonymous, unlinked
    assert [(r.row, str(r.kind)) for r in rejects] == [(2, "malformed-json"), (3, "malformed-json")]
    csv_path = write(
        tmp_path / "survey.csv", "id,ts,text\n1,2025-03-01,ok\n2,2025-03-01\n3,2025-03-01,ok\n"
    )
    items, rejects, _ = read_all(csv_path)
    assert items.column("feedback_id").to_pylist() == ["1", "3"]
    assert [(r.row, str(r.kind)) for r in rejects] == [(3, "field-count")]


def test_what_cannot_be_told_must_be_named(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", "id,ts,text\n1,2025-03-01,hello\n")
    with pytest.raises(IngestError, match="--kind"):
        read_feedback(path)
    with pytest.raises(ValueError, match="unknown kind"):
        read_feedback(path, kind="tweets")
    with pytest.raises(IngestError, match="not from a table"):
        read_feedback(path, kind="email")
    with pytest.raises(IngestError, match="reserved"):
        read_all(write(tmp_path / "r.csv", "ts,text,source\n2025-03-01,x,web\n"), kind="survey")
