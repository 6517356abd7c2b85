"""Importing feedback through the service: zero rejects on the demo, no duplicates,
all or nothing, linking by address, redaction by default and raw text only by opt-in."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from journeymap.demo import generate_demo
from journeymap.engine import ImportRejectedError, NoEventsError
from journeymap.ingest import read_customers
from journeymap.model.canonical import FEEDBACK_COLUMNS
from journeymap.services import (
    FeedbackImportOptions,
    FeedbackService,
    WorkspaceService,
)
from journeymap.services.settings import PrivacySettings, SettingsError, load_settings
from journeymap.voice import PersonalData


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 300-customer demo's generated files."""
    folder = tmp_path_factory.mktemp("feedback-demo")
    generate_demo(folder, customers=300, seed=4)
    return folder


@pytest.fixture
def service(tmp_path: Path, demo: Path) -> FeedbackService:
    """A fresh workspace holding the demo's customers (nothing else)."""
    WorkspaceService.init(tmp_path / "ws").close()
    opened = FeedbackService.open(tmp_path / "ws")
    opened.database.import_customers([read_customers(demo / "data" / "customers.parquet")])
    return opened


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(service: FeedbackService) -> pa.Table:
    return service.database.feedback_table().order_by("feedback_id").to_pyarrow()


def test_the_demo_feedback_imports_with_zero_rejects_and_every_item_linked(
    service: FeedbackService, demo: Path
) -> None:
    files = [demo / "feedback" / name for name in ("support.mbox", "reviews.csv", "nps.csv")]
    with service:
        result = service.import_feedback(files, FeedbackImportOptions(max_rejects=0))
        summary = result.summary
        assert summary.rejected == 0
        assert summary.rejects_file is None
        assert summary.agent_messages_skipped > 0
        assert summary.unlinked == 0
        assert summary.imported + summary.agent_messages_skipped == summary.items_read
        table = service.database.feedback_table()
        assert tuple(table.columns[: len(FEEDBACK_COLUMNS)]) == FEEDBACK_COLUMNS
        assert "sender" not in table.columns  # only its hash is stored
        assert "raw_text" not in table.columns
        assert set(table.source.to_pyarrow().to_pylist()) == {"email", "review", "nps"}

        again = service.import_feedback(files).summary
        assert again.imported == 0
        assert again.duplicates_skipped == summary.imported
        assert table.count().execute() == summary.imported


def test_a_failed_import_leaves_the_table_as_it_was(
    service: FeedbackService, tmp_path: Path
) -> None:
    good = write(tmp_path / "survey.csv", "id,customer_id,ts,text\n1,C001,2025-03-01,Love it\n")
    more = write(
        tmp_path / "more-survey.csv",
        "id,customer_id,ts,text\n2,C002,2025-03-02,Fine\n3,C003,not a time,Broken\n",
    )
    with service:
        service.import_feedback([good])
        before = snapshot(service)
        with pytest.raises(ImportRejectedError):
            service.import_feedback([more], FeedbackImportOptions(max_rejects=0))
        assert snapshot(service).equals(before)


def test_items_link_by_address_case_insensitively_and_later_imports_link_the_rest(
    service: FeedbackService, demo: Path, tmp_path: Path
) -> None:
    customers = pq.read_table(demo / "data" / "customers.parquet").to_pylist()
    first, second = customers[0], customers[1]
    tickets = write(
        tmp_path / "tickets.csv",
        "ticket_id,email,created_at,description\n"
        f"T1,{first['email'].upper()},2025-03-01,Late parcel\n"
        f"T2,{second['email']},2025-03-01,Broken lamp\n"
        "T3,stranger@example.net,2025-03-01,Who am I\n",
    )
    with service:
        summary = service.import_feedback([tickets]).summary
        assert (summary.imported, summary.unlinked) == (3, 1)
        table = service.database.feedback_table()
        rows = table.select("feedback_id", "customer_id").to_pyarrow().to_pylist()
        linked = {row["feedback_id"]: row["customer_id"] for row in rows}
        assert linked == {"T1": first["customer_id"], "T2": second["customer_id"], "T3": None}

        newcomer = write(
            tmp_path / "newcomer.csv", "customer_id,email\nC9999,Stranger@Example.net\n"
        )
        service.database.import_customers([read_customers(newcomer)])
        again = service.import_feedback([tickets]).summary
        assert (again.imported, again.linked_now) == (0, 1)
        assert table.filter(table.feedback_id == "T3").customer_id.to_pyarrow().to_pylist() == [
            "C9999"
        ]


def test_an_address_two_customers_share_links_to_neither(
    service: FeedbackService, tmp_path: Path
) -> None:
    shared = write(
        tmp_path / "shared.csv", "customer_id,email\nS1,family@example.net\nS2,family@example.net\n"
    )
    tickets = write(tmp_path / "t.csv", "id,email,ts,text\nX,family@example.net,2025-03-01,Hi\n")
    with service:
        service.database.import_customers([read_customers(shared)])
        options = FeedbackImportOptions(kind="tickets")
        assert service.import_feedback([tickets], options).summary.unlinked == 1


def test_personal_data_is_redacted_on_import_and_ids_are_not(
    service: FeedbackService, tmp_path: Path
) -> None:
    tickets = write(
        tmp_path / "tickets.csv",
        "ticket_id,customer_id,created_at,subject,description,phone\n"
        "T-07700900123,C001,2025-03-01,Call 07700 900123,"
        "Mail me at jo@example.org or call 07700 900123,07700 900456\n",
    )
    with service:
        result = service.import_feedback([tickets])
        assert result.redacted == {PersonalData.EMAIL: 1, PersonalData.PHONE: 3}
        assert not result.raw_text_kept
        row = service.database.feedback_table().to_pyarrow().to_pylist()[0]
    assert row["text"] == "Mail me at [EMAIL] or call [PHONE]"
    assert row["subject"] == "Call [PHONE]"
    assert row["phone"] == "[PHONE]"
    assert row["feedback_id"] == "T-07700900123"


def test_raw_text_is_kept_only_where_the_workspace_opts_in(
    service: FeedbackService, tmp_path: Path
) -> None:
    write(service.workspace.layout.settings_file, "[privacy]\nkeep_raw_text = true\n")
    tickets = write(
        tmp_path / "tickets.csv", "id,customer_id,ts,text\nT1,C001,2025-03-01,Call 07700 900123\n"
    )
    with service:
        result = service.import_feedback([tickets])
        row = service.database.feedback_table().to_pyarrow().to_pylist()[0]
    assert result.raw_text_kept
    assert row["text"] == "Call [PHONE]"
    assert row["raw_text"] == "Call 07700 900123"


def test_the_feedback_table_says_how_to_fill_it(service: FeedbackService) -> None:
    with service, pytest.raises(NoEventsError, match="journeymap import feedback"):
        service.database.feedback_table()


def test_the_documented_privacy_setting_is_valid_and_typos_are_errors(tmp_path: Path) -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "feedback.md"
    (example,) = re.findall(r"```toml\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    path = tmp_path / "journeymap.toml"
    path.write_text(example, encoding="utf-8")
    assert load_settings(path).privacy.keep_raw_text is True
    for key in PrivacySettings.model_fields:
        assert f"{key} =" in example, f"{key} is not in the docs' example"
    assert load_settings(tmp_path / "none.toml").privacy.keep_raw_text is False
    path.write_text('[privacy]\nkeep_raw_text = "yes"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"privacy\.keep_raw_text"):
        load_settings(path)


def test_progress_is_reported_in_bytes_read_then_items_stored(
    service: FeedbackService, demo: Path
) -> None:
    mailbox = demo / "feedback" / "support.mbox"
    seen: list[tuple[str, int, int | None]] = []
    with service:
        service.import_feedback([mailbox], progress=lambda *call: seen.append(call))
    reads = [call for call in seen if call[0] == "read"]
    assert reads[-1] == ("read", mailbox.stat().st_size, mailbox.stat().st_size)
    stored = [call for call in seen if call[0] == "store"]
    assert stored[0][1] == 0
    assert stored[-1][1] == stored[-1][2] > 0
