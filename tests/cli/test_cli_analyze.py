"""Measuring the demo through the CLI: import, coverage, funnels and the rest, end to end.

The demo generator knows what it planted (manifest.json); the analyses must find it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from journeymap.cli.app import app
from journeymap.demo import DemoManifest, read_manifest
from journeymap.services import build_demo

runner = CliRunner()
JOURNEY = "busy-parent-journey"
CHECKOUT = "basket,delivery-options,payment,order-placed,order-confirmation"


def run(folder: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, [*args, "--workspace", str(folder)], catch_exceptions=False)
    output = result.stdout + (result.stderr or "")
    assert result.exit_code == code, output
    return output


def rows(folder: Path, *args: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(run(folder, *args, "--format", "json"))
    return data


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoManifest]:
    folder = tmp_path_factory.mktemp("analyze") / "demo"
    build_demo(folder, customers=2000, seed=11)
    return folder, read_manifest(folder)


def test_the_demo_is_imported_and_its_gaps_are_the_planted_ones(
    demo: tuple[Path, DemoManifest],
) -> None:
    folder, manifest = demo
    gaps = rows(folder, "analyze", "coverage", JOURNEY)
    assert {r["event"] for r in gaps if r["kind"] == "no touchpoint"} == set(
        manifest.unmapped_events
    )
    again = rows(folder, "import", "events", str(folder / "data" / "events.parquet"))
    values = {r["item"]: r["value"] for r in again}
    assert values["events imported"] == 0
    assert values["duplicates skipped"] == manifest.events


def test_the_payment_outage_shows_in_the_daily_funnel(demo: tuple[Path, DemoManifest]) -> None:
    folder, manifest = demo
    daily = rows(
        folder, "analyze", "funnel", JOURNEY, "--steps", CHECKOUT, "--window", "2d", "--daily"
    )
    payment = [r for r in daily if r["step"] == 3 and r["conversion_from_previous"] is not None]
    outage = {d.isoformat() for d in manifest.payment_outage_dates}
    during = [r["conversion_from_previous"] for r in payment if str(r["period"]) in outage]
    other = [r["conversion_from_previous"] for r in payment if str(r["period"]) not in outage]
    assert during
    assert max(during) < 0.6 < min(sorted(other)[len(other) // 10 :])


def test_funnel_and_the_customers_behind_it(demo: tuple[Path, DemoManifest]) -> None:
    folder, _ = demo
    steps = rows(folder, "analyze", "funnel", JOURNEY, "--steps", CHECKOUT, "--window", "2d")
    assert [s["name"] for s in steps] == CHECKOUT.split(",")
    counts = [s["customers"] for s in steps]
    assert counts == sorted(counts, reverse=True)
    dropped = rows(
        folder, "analyze", "who", JOURNEY, "--steps", CHECKOUT, "--step", "3", "--dropped"
    )
    assert len(dropped) == steps[1]["customers"] - steps[2]["customers"]
    following = rows(
        folder, "analyze", "who", JOURNEY, "--steps", CHECKOUT, "--step", "3", "--dropped", "--next"
    )
    assert sum(r["customers"] for r in following) <= len(dropped)
    split = rows(
        folder,
        "analyze",
        "funnel",
        JOURNEY,
        "--steps",
        CHECKOUT,
        "--window",
        "2d",
        "--by",
        "age_band",
    )
    for index in range(len(steps)):
        assert sum(r["customers"] for r in split if r["step"] == index + 1) == counts[index]
    unknown = run(folder, "analyze", "funnel", JOURNEY, "--steps", "basket,nope", code=1)
    assert "no touchpoint 'nope'" in unknown


def test_returners_are_found_and_the_winback_email_brought_them_back(
    demo: tuple[Path, DemoManifest],
) -> None:
    folder, _ = demo
    result = rows(folder, "analyze", "returns", JOURNEY, "--activity", 'event != "winback_email"')
    assert result
    text = json.dumps(result)
    assert "winback" in text


def test_every_other_analysis_runs_with_scope_and_breakdown(
    demo: tuple[Path, DemoManifest],
) -> None:
    folder, _ = demo
    reach_all = rows(folder, "analyze", "reach", JOURNEY)
    reach_persona = rows(folder, "analyze", "reach", JOURNEY, "--persona")
    total = {r["id"]: r["customers"] for r in reach_all if r["level"] == "stage"}
    mine = {r["id"]: r["customers"] for r in reach_persona if r["level"] == "stage"}
    assert all(mine[k] <= total[k] for k in total)
    assert sum(mine.values()) < sum(total.values())
    assert rows(folder, "analyze", "reach", JOURNEY, "--by", "age_band")
    dfg = rows(folder, "analyze", "dfg", JOURNEY)
    assert any(r for r in dfg)
    assert rows(folder, "analyze", "variants", JOURNEY, "--top", "5")
    assert rows(folder, "analyze", "paths", JOURNEY, "--touchpoint", "payment")
    assert rows(
        folder, "analyze", "paths", JOURNEY, "--touchpoint", "basket", "--direction", "flows"
    )
    assert rows(folder, "analyze", "conformance", JOURNEY)
    assert rows(folder, "analyze", "ttv", JOURNEY, "--value", "order-placed")
    assert rows(folder, "analyze", "cohorts", JOURNEY, "--period", "month", "--periods", "3")
    outcomes = rows(folder, "analyze", "outcomes", JOURNEY)
    assert "converted" in json.dumps(outcomes)
    start = (dt.date(2025, 3, 3) + dt.timedelta(days=30)).isoformat()
    later = rows(folder, "analyze", "reach", JOURNEY, "--from", start, "--channel", "app")
    assert later
    bad = run(folder, "analyze", "reach", JOURNEY, "--segment", "plan == pro", code=1)
    assert "quotes" in bad


def _totals(table: list[dict[str, Any]], key: tuple[str, ...], value: str) -> dict[Any, int]:
    """``value`` summed per ``key`` columns, over all rows (so over every breakdown group)."""
    summed: dict[Any, int] = {}
    for row in table:
        item = tuple(row[k] for k in key)
        summed[item] = summed.get(item, 0) + row[value]
    return summed


def test_paths_variants_and_dfg_break_down_into_groups_that_add_up(
    demo: tuple[Path, DemoManifest],
) -> None:
    folder, _ = demo
    by = ("--by", "age_band")
    plain = rows(folder, "analyze", "paths", JOURNEY, "--touchpoint", "basket", "--top", "50")
    split = rows(folder, "analyze", "paths", JOURNEY, "--touchpoint", "basket", "--top", "50", *by)
    assert len({r["age_band"] for r in split}) > 2
    for column in ("occurrences", "customers"):
        assert _totals(split, ("touchpoint",), column) == _totals(plain, ("touchpoint",), column)
    flows = ("--touchpoint", "basket", "--direction", "flows", "--depth", "2")
    plain = rows(folder, "analyze", "paths", JOURNEY, *flows)
    split = rows(folder, "analyze", "paths", JOURNEY, *flows, *by)
    link = ("depth", "source", "target")
    assert _totals(split, link, "customers") == _totals(plain, link, "customers")
    plain = rows(folder, "analyze", "variants", JOURNEY, "--top", "100000")
    split = rows(folder, "analyze", "variants", JOURNEY, "--top", "100000", *by)
    assert _totals(split, ("variant",), "customers") == _totals(plain, ("variant",), "customers")
    top = rows(folder, "analyze", "variants", JOURNEY, "--top", "1", *by)
    assert len(top) == len({r["age_band"] for r in split})
    plain = rows(folder, "analyze", "dfg", JOURNEY, "--touchpoints")
    split = rows(folder, "analyze", "dfg", JOURNEY, "--touchpoints", *by)
    edge = ("source", "target")
    assert _totals(split, edge, "frequency") == _totals(plain, edge, "frequency")
    csv = run(folder, "analyze", "dfg", JOURNEY, *by, "--format", "csv")
    assert csv.splitlines()[0] == "age_band,source,target,frequency,mean_seconds,median_seconds"
    table = run(folder, "analyze", "variants", JOURNEY, "--top", "2", "--events", *by)
    assert "Variants by age_band" in table
    no_such = run(folder, "analyze", "dfg", JOURNEY, "--by", "shoe_size", code=1)
    assert "shoe_size" in no_such


def test_bad_rows_are_rejected_with_their_row_numbers(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    run(folder, "init", "--template", "ecommerce")
    events = tmp_path / "events.csv"
    events.write_text(
        "customer_id,ts,event\n"
        "c1,2025-01-01T10:00:00Z,view\n"
        "c1,not a time,view\n"
        ",2025-01-01T11:00:00Z,view\n"
        "c2,2025-01-02T10:00:00Z,buy\n",
        encoding="utf-8",
    )
    refused = run(folder, "import", "events", str(events), "--max-rejects", "1", code=1)
    assert "reject" in refused.lower()
    summary = {r["item"]: r["value"] for r in rows(folder, "import", "events", str(events))}
    assert summary["events imported"] == 2
    assert summary["rejected"] == 2
    rejects = Path(summary["rejects file"]).read_text(encoding="utf-8")
    assert ",3," in rejects
    assert ",4," in rejects


def test_customers_import_upserts_and_feeds_segments(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    run(folder, "init", "--template", "ecommerce")
    customers = tmp_path / "customers.csv"
    customers.write_text("customer_id,plan\nc1,pro\nc2,free\n", encoding="utf-8")
    first = {r["item"]: r["value"] for r in rows(folder, "import", "customers", str(customers))}
    assert first["customers imported"] == 2
    customers.write_text("customer_id,plan\nc2,pro\nc3,free\n", encoding="utf-8")
    second = {r["item"]: r["value"] for r in rows(folder, "import", "customers", str(customers))}
    assert second["customers imported"] == 1
    assert second["customers updated"] == 1
