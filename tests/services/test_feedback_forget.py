"""``forget``: after erasing a customer, no table of the analytics database, no row of the
store (current maps and saved versions, SQLite and PostgreSQL), no rejects file and not the
map file holds their id or address any more; everyone else's data stays."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from journeymap.demo import generate_demo
from journeymap.engine import EngineError
from journeymap.ingest import read_customers, read_events
from journeymap.model import Evidence, EvidenceSource, Workspace
from journeymap.services import FeedbackService, WorkspaceService
from journeymap.services.layout import DATABASE_URL_VARIABLE, WorkspaceLayout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("forget-demo")
    generate_demo(folder, customers=300, seed=9)
    return folder


@pytest.fixture
def workspace(
    tmp_path: Path, demo: Path, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A workspace on each store database with the demo's events, customers and feedback."""
    monkeypatch.setenv(DATABASE_URL_VARIABLE, store_url)
    folder = tmp_path / "ws"
    WorkspaceService.init(folder, template="ecommerce").close()
    with FeedbackService.open(folder) as service:
        service.database.import_events([read_events(demo / "data" / "events.parquet")])
        service.database.import_customers([read_customers(demo / "data" / "customers.parquet")])
        service.import_feedback(
            [demo / "feedback" / name for name in ("support.mbox", "reviews.csv", "nps.csv")]
        )
    return folder


def _customer_with_mail(service: FeedbackService) -> tuple[str, str, str]:
    """A customer who wrote e-mail: (id, address, one of their texts)."""
    table = service.database.feedback_table()
    row = (
        table.filter(table.source == "email")
        .order_by("feedback_id")
        .select("customer_id", "text")
        .limit(1)
        .to_pyarrow()
        .to_pylist()[0]
    )
    customers = service.database.customers_table()
    email = customers.filter(customers.customer_id == row["customer_id"]).email.execute()[0]
    return row["customer_id"], email, row["text"]


def _plant_evidence(service: WorkspaceService, customer_id: str, quote: str) -> None:
    """Evidence naming the customer and quoting them, in the head and (only) in history."""
    journey = service.load().journeys[0]
    _, touchpoint = next(iter(journey.touchpoints()))
    named = Evidence(
        id="named", source=EvidenceSource.SUPPORT_MESSAGE, text="Angry about a late parcel",
        touchpoint=touchpoint.id, customer_id=customer_id,
    )  # fmt: skip
    quoted = Evidence(
        id="quoted", source=EvidenceSource.SUPPORT_MESSAGE, text=quote, touchpoint=touchpoint.id
    )
    other = Evidence(
        id="other", source=EvidenceSource.INTERVIEW, text="Customers love the welcome call",
        touchpoint=touchpoint.id, customer_id="somebody-else",
    )  # fmt: skip
    first = journey.model_copy(update={"evidence": [*journey.evidence, named, quoted, other]})
    service.save(Workspace(journeys=[first]), message="evidence from support mail")
    second = journey.model_copy(update={"evidence": [*journey.evidence, quoted, other]})
    service.save(Workspace(journeys=[second]), message="dropped the named one")


def _store_text(url: str) -> str:
    """Every value of every table of the store, as one lower-cased text."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            parts = []
            for table in sa.inspect(connection).get_table_names():
                rows = connection.execute(sa.text(f'SELECT * FROM "{table}"')).all()
                parts.extend(str(tuple(row)) for row in rows)
            return "\n".join(parts).lower()
    finally:
        engine.dispose()


def _engine_text(service: FeedbackService) -> str:
    """Every value of every table of the analytics database, as one lower-cased text."""
    con = service.database.backend.con
    tables = [row[0] for row in con.execute("SHOW TABLES").fetchall()]
    parts = [str(con.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables]
    return "\n".join(parts).lower()


def test_forget_leaves_no_trace_in_the_store_or_the_engine(workspace: Path, tmp_path: Path) -> None:
    url = WorkspaceLayout(workspace.resolve()).store_url()
    with FeedbackService.open(workspace) as service:
        customer, email, quote = _customer_with_mail(service)
        _plant_evidence(service.workspace, customer, quote)
        rejected = tmp_path / "undated.mbox"  # rejected: its raw headers go to the rejects file
        rejected.write_text(
            f"From: {email}\nTo: care@shop.example\nSubject: Hello\n\nWhere is my order?\n",
            encoding="utf-8",
        )
        assert service.import_feedback([rejected]).summary.rejected == 1
        events_before = service.database.events_table().count().execute()
        assert customer.lower() in _engine_text(service)
        assert email.lower() in _store_text(url) or customer.lower() in _store_text(url)

        result = service.forget(customer)

        assert result.addresses == (email.lower(),)
        removed = result.removed
        assert removed["customers"] == 1
        assert removed["events"] > 0
        assert removed["feedback"] > 0
        assert removed["rejects files (rows)"] == 1
        assert removed["evidence (current maps)"] == 1  # the quote ("named" is only in history)
        assert removed["evidence (saved versions)"] == 3
        assert result.source_files == ()  # the files were imported from outside the folder
        for needle in (customer.lower(), email.lower()):
            assert needle not in _engine_text(service), needle
            assert needle not in _store_text(url), needle
            assert needle not in service.workspace.layout.map_file.read_text().lower()
            for rejects in service.database.rejects_folder.glob("*.csv"):
                assert needle not in rejects.read_text().lower()
        assert quote.lower() not in _store_text(url)
        assert "customers love the welcome call" in _store_text(url)  # others' evidence stays
        events_after = service.database.events_table().count().execute()
        assert events_after == events_before - removed["events"]
        versions = service.workspace.versions(service.workspace.load().journeys[0].id)
        assert [v.message for v in versions][-2:] == [
            "evidence from support mail",
            "dropped the named one",
        ]

        again = service.forget(customer)
        assert again.total == 0


def test_forget_refuses_while_data_is_attached(tmp_path: Path, demo: Path) -> None:
    folder = tmp_path / "attached"
    WorkspaceService.init(folder).close()
    with FeedbackService.open(folder) as service:
        service.database.import_customers([read_customers(demo / "data" / "customers.parquet")])
        service.database.attach_events(demo / "data" / "events.parquet")
        customers = service.database.customers_table()
        customer = customers.customer_id.min().execute()
        with pytest.raises(EngineError, match=r"events from parquet .*events\.parquet.*detach"):
            service.forget(customer)
        assert customers.filter(customers.customer_id == customer).count().execute() == 1
