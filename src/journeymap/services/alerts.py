"""Telling someone: each new incident POSTed once to a webhook, retried, never lost.

``journeymap monitor`` runs from cron; every run finds the same incidents again. So the
incidents delivered are remembered in the workspace (``monitor/posted.json``, rewritten
atomically) and only new ones are sent. A delivery is retried with exponential backoff on
network errors, timeouts, 408, 429 and 5xx answers; one that still fails is *not*
remembered, so the next run tries it again, and the caller warns about it.

The body is JSON: the incident's fields plus ``text``, one readable sentence, which chat
tools' incoming webhooks (Slack, Mattermost) show as the message.

The HTTP call goes through a tiny :class:`Transport` (the standard library's ``urllib`` by
default), so another client or a test double can be injected without monkeypatching.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from journeymap.moments import Incident
from journeymap.services.errors import JourneymapError
from journeymap.services.settings import MonitorSettings

__all__ = [
    "AlertReport",
    "Delivery",
    "PostedIncidents",
    "Transport",
    "UrllibTransport",
    "Webhook",
    "alert_new_incidents",
    "deliver",
    "describe_incident",
    "incident_payload",
]

_RETRY_STATUSES = frozenset({408, 429})


class Transport(Protocol):
    """Sends one POST and returns the HTTP status; raises ``OSError`` when no answer came
    (refused, unreachable, timed out)."""

    def post(self, url: str, body: bytes, *, timeout: float) -> int: ...


class UrllibTransport:
    """The standard library's HTTP client: no dependency to install."""

    def post(self, url: str, body: bytes, *, timeout: float) -> int:
        """POST ``body`` as JSON; an HTTP error status is returned, not raised."""
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "journeymap-monitor"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as error:
            error.close()
            return int(error.code)


@dataclass(frozen=True)
class Webhook:
    """Where incidents go and how hard to try: ``retries`` further attempts, the k-th after
    ``backoff_s * 2**(k - 1)`` seconds, each waiting ``timeout_s`` at most for an answer."""

    url: str
    timeout_s: float = 10.0
    retries: int = 3
    backoff_s: float = 1.0

    @classmethod
    def from_settings(cls, settings: MonitorSettings, *, url: str | None = None) -> Webhook | None:
        """The configured webhook, ``url`` overriding the file's; ``None`` when neither."""
        target = url or settings.webhook_url
        if target is None:
            return None
        return cls(target, settings.webhook_timeout_s, settings.webhook_retries,
                   settings.webhook_backoff_s)  # fmt: skip


@dataclass(frozen=True)
class Delivery:
    """What became of one incident's POST."""

    key: str
    delivered: bool
    attempts: int
    error: str | None = None
    """Why the last attempt failed (``HTTP 503``, ``timed out``...)."""


def deliver(
    webhook: Webhook,
    key: str,
    payload: Mapping[str, Any],
    *,
    transport: Transport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST ``payload`` until a 2xx answer or the retries run out."""
    sender = transport or UrllibTransport()
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    error = None
    for attempt in range(1, webhook.retries + 2):
        if attempt > 1:
            sleep(webhook.backoff_s * 2 ** (attempt - 2))
        try:
            status = sender.post(webhook.url, body, timeout=webhook.timeout_s)
        except OSError as failure:
            error = _reason(failure)
            continue
        if 200 <= status < 300:
            return Delivery(key, True, attempt)
        error = f"HTTP {status}"
        if status < 500 and status not in _RETRY_STATUSES:
            return Delivery(key, False, attempt, error)  # the request itself is wrong
    return Delivery(key, False, webhook.retries + 1, error)


def _reason(failure: OSError) -> str:
    """``timed out``, ``[Errno 111] Connection refused``... (urllib wraps the cause)."""
    reason: object = failure.reason if isinstance(failure, urllib.error.URLError) else failure
    if isinstance(reason, TimeoutError):
        return "timed out"
    return str(reason) or type(reason).__name__


def describe_incident(journey_id: str, incident: Incident) -> str:
    """One sentence for people: what moved, how far, when, and what it cost."""
    when = f"from {_moment(incident.start)} to {_moment(incident.end)}"
    state = " (still open)" if incident.open else ""
    rates = f"{incident.baseline_rate:.1%} to {incident.observed_rate:.1%}"
    if incident.signal is not None:
        what = f"signal {incident.signal} at {incident.name} rose from {rates}"
        cost = f"about {incident.customers_affected:,} more events lived it"
    else:
        funnel = f"funnel {incident.funnel} " if incident.funnel else ""
        what = f"{funnel}step {incident.step} ({incident.name}) conversion fell from {rates}"
        cost = f"about {incident.customers_affected:,} customers affected"
    return f"Incident on {journey_id}: {what} {when}{state}; {cost}."


def _moment(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def incident_payload(journey_id: str, incident: Incident) -> dict[str, Any]:
    """The JSON body of one incident's POST."""
    return {
        "journey": journey_id,
        "key": incident.key,
        "kind": incident.kind,
        "funnel": incident.funnel,
        "step": incident.step,
        "touchpoint": incident.name,
        "signal": incident.signal,
        "period": incident.period,
        "start": incident.start.isoformat(),
        "end": incident.end.isoformat(),
        "starts_at": incident.starts_at.isoformat(),
        "ends_at": incident.ends_at.isoformat(),
        "open": incident.open,
        "baseline_rate": incident.baseline_rate,
        "observed_rate": incident.observed_rate,
        "change": incident.change,
        "customers_affected": incident.customers_affected,
        "p_value": incident.p_value,
        "text": describe_incident(journey_id, incident),
    }


class PostedIncidents:
    """The keys of the incidents delivered so far, kept in a small JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, str]:
        """Delivered key -> when (ISO time); empty when nothing was delivered yet."""
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            posted = data["posted"]
            if not isinstance(posted, dict):
                raise TypeError("posted is not an object")
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise JourneymapError(
                f"{self.path}: cannot read the incidents already posted: {error}",
                hint="Delete the file to start afresh (incidents of the last days are then "
                "posted again).",
            ) from error
        return {str(key): str(value) for key, value in posted.items()}

    def save(self, posted: Mapping[str, str]) -> None:
        """Write the keys atomically: a crash leaves the old file or the new, never half."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"format": 1, "posted": dict(sorted(posted.items()))}, indent=2)
        handle, temporary = tempfile.mkstemp(prefix=".posted-", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text + "\n")
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


@dataclass(frozen=True)
class AlertReport:
    """What one run delivered, what failed (and is tried again next run), what was old."""

    delivered: tuple[Delivery, ...]
    failed: tuple[Delivery, ...]
    already_posted: int


def alert_new_incidents(
    journey_id: str,
    incidents: Sequence[Incident],
    *,
    webhook: Webhook,
    state_file: Path,
    transport: Transport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> AlertReport:
    """POST each incident not delivered before; remember those that got through."""
    state = PostedIncidents(state_file)
    posted = state.load()
    delivered: list[Delivery] = []
    failed: list[Delivery] = []
    old = 0
    for incident in incidents:
        key = f"{journey_id}/{incident.key}"
        if key in posted:
            old += 1
            continue
        payload = incident_payload(journey_id, incident)
        result = deliver(webhook, key, payload, transport=transport, sleep=sleep)
        if result.delivered:
            delivered.append(result)
            posted[key] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            state.save(posted)  # at once: a later crash must not resend this one
        else:
            failed.append(result)
    return AlertReport(tuple(delivered), tuple(failed), old)
