"""New incidents to a webhook: retried with backoff, bounded by a timeout, sent once each,
and never lost when the webhook is down (a real HTTP server on 127.0.0.1 answers)."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from journeymap.moments import Incident
from journeymap.services.alerts import (
    PostedIncidents,
    Webhook,
    alert_new_incidents,
    deliver,
    describe_incident,
    incident_payload,
)
from journeymap.services.errors import JourneymapError
from journeymap.services.settings import MonitorSettings
from webhook_server import webhook_server

OUTAGE = Incident(name="payment", start=dt.date(2025, 4, 26), end=dt.date(2025, 4, 28),
                  baseline_rate=0.9, observed_rate=0.4, customers_affected=66, p_value=1e-20,
                  step=3, funnel="checkout")  # fmt: skip
LATE = Incident(name="home-delivery", start=dt.datetime(2025, 5, 2, 14, tzinfo=dt.UTC),
                end=dt.datetime(2025, 5, 2, 16, tzinfo=dt.UTC), baseline_rate=0.1,
                observed_rate=0.3, customers_affected=40, p_value=1e-9, signal="late",
                period="hour", open=True)  # fmt: skip
FAST = {"timeout_s": 2.0, "backoff_s": 0.01}


def test_a_failing_webhook_is_retried_until_it_answers() -> None:
    pauses: list[float] = []
    with webhook_server(fail_first=2) as server:
        result = deliver(Webhook(server.url, retries=3, **FAST), "k", {"a": 1}, sleep=pauses.append)
    assert (result.delivered, result.attempts) == (True, 3)
    assert server.requests == 3
    assert server.received == [{"a": 1}]
    assert pauses == [0.01, 0.02]  # exponential backoff


def test_retries_run_out_and_say_why() -> None:
    with webhook_server(fail_first=10) as server:
        result = deliver(Webhook(server.url, retries=2, **FAST), "k", {})
    assert (result.delivered, result.attempts, result.error) == (False, 3, "HTTP 503")
    assert server.requests == 3


def test_a_request_the_webhook_rejects_is_not_retried() -> None:
    with webhook_server(fail_first=10, fail_status=404) as server:
        result = deliver(Webhook(server.url, retries=3, **FAST), "k", {})
    assert (result.delivered, result.attempts, result.error) == (False, 1, "HTTP 404")
    with webhook_server(fail_first=1, fail_status=429) as server:  # "slow down" is retried
        assert deliver(Webhook(server.url, retries=3, **FAST), "k", {}).delivered


def test_a_webhook_that_hangs_times_out_on_every_attempt() -> None:
    with webhook_server(hang_s=1.5) as server:
        started = time.perf_counter()
        result = deliver(Webhook(server.url, timeout_s=0.2, retries=1, backoff_s=0.01), "k", {})
        elapsed = time.perf_counter() - started
    assert (result.delivered, result.attempts, result.error) == (False, 2, "timed out")
    assert elapsed < 1.2  # two attempts of 0.2 s, not two of 1.5 s


def test_nobody_listening_is_a_failed_delivery_not_a_crash() -> None:
    with webhook_server() as server:
        url = server.url
    result = deliver(Webhook(url, retries=1, **FAST), "k", {})
    assert not result.delivered
    assert "refused" in (result.error or "").lower()


def test_each_incident_is_posted_once_and_a_failed_one_again_next_run(tmp_path: Path) -> None:
    state = tmp_path / "monitor" / "posted.json"
    with webhook_server(fail_first=2) as server:
        # retries=0: the first incident's POST fails, the second's fails, then all work.
        first = alert_new_incidents("shop", [OUTAGE, LATE], state_file=state,
                                    webhook=Webhook(server.url, retries=0, **FAST))  # fmt: skip
        assert [d.key for d in first.failed] == ["shop/" + OUTAGE.key, "shop/" + LATE.key]
        assert not state.exists()
        second = alert_new_incidents("shop", [OUTAGE, LATE], state_file=state,
                                     webhook=Webhook(server.url, retries=0, **FAST))  # fmt: skip
        assert (len(second.delivered), second.failed, second.already_posted) == (2, (), 0)
        third = alert_new_incidents("shop", [OUTAGE, LATE], state_file=state,
                                    webhook=Webhook(server.url, retries=0, **FAST))  # fmt: skip
        assert (third.delivered, third.already_posted) == ((), 2)
    assert [body["key"] for body in server.received] == [OUTAGE.key, LATE.key]
    assert set(PostedIncidents(state).load()) == {"shop/" + OUTAGE.key, "shop/" + LATE.key}
    assert [p.name for p in state.parent.iterdir()] == ["posted.json"]  # no temporary left


def test_the_body_is_the_incident_as_json_with_a_sentence_for_chat_tools() -> None:
    body = incident_payload("shop", LATE)
    assert json.loads(json.dumps(body)) == body
    assert body["start"] == "2025-05-02T14:00:00+00:00"
    assert body["ends_at"] == "2025-05-02T17:00:00+00:00"
    assert (body["kind"], body["signal"], body["open"]) == ("signal", "late", True)
    assert describe_incident("shop", OUTAGE) == (
        "Incident on shop: funnel checkout step 3 (payment) conversion fell from 90.0% to 40.0% "
        "from 2025-04-26 to 2025-04-28; about 66 customers affected."
    )
    assert "from 2025-05-02 14:00 UTC to 2025-05-02 16:00 UTC (still open)" in body["text"]


def test_a_broken_state_file_is_named(tmp_path: Path) -> None:
    state = tmp_path / "posted.json"
    state.write_text("{not json", encoding="utf-8")
    with pytest.raises(JourneymapError, match=r"posted\.json: cannot read"):
        PostedIncidents(state).load()


def test_the_webhook_comes_from_the_settings_unless_overridden() -> None:
    assert Webhook.from_settings(MonitorSettings()) is None
    configured = MonitorSettings(webhook_url="https://hooks.example.com/a", webhook_retries=5)
    assert Webhook.from_settings(configured) == Webhook("https://hooks.example.com/a", 10.0, 5, 1.0)
    override = Webhook.from_settings(configured, url="http://127.0.0.1:1/b")
    assert override is not None
    assert (override.url, override.retries) == ("http://127.0.0.1:1/b", 5)
