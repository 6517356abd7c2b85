"""``journeymap monitor JOURNEY`` end to end: the journey's declared funnels, its signals,
exit statuses for cron, and new incidents POSTed once to the webhook of journeymap.toml."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeymap.cli.app import app
from journeymap.demo import read_manifest
from journeymap.services import WorkspaceService, build_demo
from webhook_server import webhook_server


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("monitor-funnels") / "demo"
    build_demo(folder, customers=10_000, seed=2)
    return folder


@pytest.fixture
def clean_state(workspace: Path) -> Path:
    """No settings and nothing posted before the test, nor after it."""
    settings, posted = workspace / "journeymap.toml", workspace / "monitor" / "posted.json"
    for path in (settings, posted):
        path.unlink(missing_ok=True)
    yield workspace
    for path in (settings, posted):
        path.unlink(missing_ok=True)


def run(workspace: Path, *args: str, journey: str = "busy-parent-journey") -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--workspace", str(workspace), "monitor", journey, *args])
    return result.exit_code, result.stdout, result.stderr


def _while_open(workspace: Path) -> str:
    """A --to that cuts the data while the outage is still running."""
    outage = read_manifest(workspace).payment_outage_dates
    cut = dt.datetime.combine(outage[-1], dt.time(12), dt.UTC) + dt.timedelta(days=3)
    return cut.strftime("%Y-%m-%dT%H:%M:%S")


def _settings(workspace: Path, url: str, retries: int = 0) -> None:
    (workspace / "journeymap.toml").write_text(
        f'[monitor]\nwebhook_url = "{url}"\nwebhook_retries = {retries}\n'
        "webhook_backoff_s = 0.01\nwebhook_timeout_s = 5\n",
        encoding="utf-8",
    )


def test_the_declared_funnels_and_signals_are_watched_without_steps(clean_state: Path) -> None:
    outage = read_manifest(clean_state).payment_outage_dates
    status, out, _ = run(clean_state, "--recent", "1000", "-f", "json")
    assert status == 0, out
    (incident,) = json.loads(out)
    assert (incident["kind"], incident["funnel"], incident["step"]) == ("conversion", "checkout", 3)
    assert (incident["touchpoint"], incident["signal"], incident["open"]) == (
        "payment",
        None,
        False,
    )
    assert (incident["start"], incident["end"]) == (outage[0].isoformat(), outage[-1].isoformat())
    status, out, _ = run(clean_state, "--recent", "1000", "--funnel", "checkout", "-f", "json")
    assert status == 0
    assert [i["funnel"] for i in json.loads(out)] == ["checkout"]
    status, out, _ = run(clean_state)  # a table for people, naming what was watched
    assert "checkout" in out
    assert "signals by day" in out


def test_an_unknown_funnel_or_period_cannot_be_checked(clean_state: Path) -> None:
    status, _, err = run(clean_state, "--funnel", "returns")
    assert status == 2
    assert "has no funnel 'returns'" in err
    assert "checkout" in err
    status, _, _ = run(clean_state, "--period", "minute")
    assert status == 2
    status, _, err = run(clean_state, "--steps", "basket,payment", "--funnel", "checkout")
    assert (status, "not both" in err) == (2, True)


def test_a_journey_without_funnels_needs_steps(clean_state: Path) -> None:
    with WorkspaceService.open(clean_state) as service:
        workspace = service.load()
        retiree = workspace.model_copy(
            update={"journeys": [workspace.journeys[2].model_copy(update={"funnels": []})]}
        )
        service.save(retiree, message="no funnels")
    status, _, err = run(clean_state, journey="retiree-journey")
    assert status == 2
    assert "declares no funnel to monitor" in err
    assert "--steps" in err
    status, out, _ = run(clean_state, "--steps", "basket,payment", "--recent", "1000",
                         "-f", "json", journey="retiree-journey")  # fmt: skip
    assert status == 0
    assert [(i["funnel"], i["touchpoint"]) for i in json.loads(out)] == [(None, "payment")]


def test_a_new_incident_is_posted_once_and_the_status_stays_one(clean_state: Path) -> None:
    cut = _while_open(clean_state)
    with webhook_server() as server:
        _settings(clean_state, server.url)
        status, out, _ = run(clean_state, "--to", cut, "-f", "json")
        assert status == 1
        assert json.loads(out)[0]["open"] is True
        (body,) = server.received
        assert (body["journey"], body["funnel"], body["touchpoint"], body["open"]) == (
            "busy-parent-journey",
            "checkout",
            "payment",
            True,
        )
        assert body["text"].startswith("Incident on busy-parent-journey: funnel checkout")
        status, _, _ = run(clean_state, "--to", cut)  # cron runs again: nothing new
        assert status == 1
        assert server.requests == 1
    posted = json.loads((clean_state / "monitor" / "posted.json").read_text(encoding="utf-8"))
    assert list(posted["posted"]) == [f"busy-parent-journey/{body['key']}"]


def test_a_failed_delivery_warns_and_is_sent_on_the_next_run(clean_state: Path) -> None:
    cut = _while_open(clean_state)
    with webhook_server(fail_first=100) as down:
        _settings(clean_state, down.url, retries=1)
        status, _, err = run(clean_state, "--to", cut)
        assert status == 1  # the outage is open, whatever became of the alert
        assert down.requests == 2
    assert "did not take incident" in err
    assert "HTTP 503" in err
    assert "sent again on the next run" in err
    assert not (clean_state / "monitor" / "posted.json").exists()
    with webhook_server() as up:
        status, _, _ = run(clean_state, "--to", cut, "--webhook", up.url)  # overrides the file
        assert status == 1
        assert len(up.received) == 1


def test_no_webhook_posts_nothing(clean_state: Path) -> None:
    with webhook_server() as server:
        _settings(clean_state, server.url)
        status, _, _ = run(clean_state, "--to", _while_open(clean_state), "--no-webhook")
        assert status == 1
        assert server.requests == 0


def test_a_wrong_setting_stops_the_check_with_status_two(clean_state: Path) -> None:
    (clean_state / "journeymap.toml").write_text("[monitor]\nwebhook_retries = -1\n")
    status, _, err = run(clean_state)
    assert status == 2
    assert "journeymap.toml: monitor.webhook_retries" in err
    assert "0 to 10" in err
