"""``journeymap monitor``: incidents listed, and exit status 1 while one is open."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeymap.cli.app import app
from journeymap.demo import read_manifest
from journeymap.services import build_demo

STEPS = "basket,delivery-options,payment,order-placed"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("monitor") / "demo"
    build_demo(folder, customers=10_000, seed=2)
    return folder


def monitor(workspace: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["--workspace", str(workspace), "monitor", "busy-parent-journey", "--steps", STEPS,
              *args]
    )  # fmt: skip
    return result.exit_code, result.stdout


def test_the_past_outage_is_listed_and_nothing_is_open(workspace: Path) -> None:
    outage = read_manifest(workspace).payment_outage_dates
    status, out = monitor(workspace, "--recent", "1000", "-f", "json")
    assert status == 0, out
    (incident,) = json.loads(out)
    assert (incident["touchpoint"], incident["open"]) == ("payment", False)
    assert incident["start"] == outage[0].isoformat()
    assert incident["end"] == outage[-1].isoformat()


def test_an_open_incident_makes_the_command_fail(workspace: Path) -> None:
    # Seen from two and a half days after the outage's last day, it is still running.
    outage = read_manifest(workspace).payment_outage_dates
    cut = dt.datetime.combine(outage[-1], dt.time(12), dt.UTC) + dt.timedelta(days=3)
    status, out = monitor(workspace, "--to", cut.strftime("%Y-%m-%dT%H:%M:%S"), "-f", "json")
    assert status == 1
    (incident,) = json.loads(out)
    assert incident["open"] is True


def test_one_step_is_not_a_funnel(workspace: Path) -> None:
    status, _ = monitor(workspace, "--steps", "payment")
    assert status == 2
