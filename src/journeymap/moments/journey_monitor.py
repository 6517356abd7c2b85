"""Watching a whole journey: every funnel the map declares, and every negative signal.

What ``journeymap monitor JOURNEY`` runs: each declared :class:`~journeymap.model.Funnel`
through :func:`~journeymap.moments.monitor.monitor_funnel` (conversion drops, each with
its own conversion window) and the journey's late, failed and negative-feedback signals
through :func:`~journeymap.moments.signal_monitor.monitor_signals` (rate rises). The
incidents of all of them come back in one list, oldest first, for people and for alerts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import ibis

from journeymap.analytics.funnel import FunnelStep
from journeymap.model import Funnel, Journey
from journeymap.moments.monitor import Incident, Monitoring, monitor_funnel
from journeymap.moments.periods import HOURLY_MINIMUM, PeriodChoice, period_end
from journeymap.moments.signal_monitor import SignalMonitoring, monitor_signals

__all__ = ["JourneyMonitoring", "funnel_steps", "monitor_journey"]


@dataclass(frozen=True)
class JourneyMonitoring:
    """The monitored funnels and signals of one journey, and every incident in them."""

    journey: str
    funnels: tuple[Monitoring, ...]
    signals: SignalMonitoring | None
    """``None`` when the signals were not watched."""

    @property
    def incidents(self) -> tuple[Incident, ...]:
        """Every incident, oldest first."""
        found = [i for m in self.funnels for i in m.incidents]
        found += self.signals.incidents if self.signals else ()
        return tuple(sorted(found, key=lambda i: i.starts_at))

    @property
    def open_incidents(self) -> tuple[Incident, ...]:
        """Incidents still running in the last period tested of their series."""
        return tuple(i for i in self.incidents if i.open)

    @property
    def checked_until(self) -> dt.datetime | None:
        """The end of the latest period tested, over all series."""
        ends = [period_end(m.last_complete, m.period) for m in self.funnels if m.last_complete]
        if self.signals is not None and self.signals.last_complete is not None:
            ends.append(period_end(self.signals.last_complete, self.signals.period))
        return max(ends) if ends else None


def funnel_steps(funnel: Funnel) -> list[FunnelStep]:
    """The analytics steps of a declared funnel: one per touchpoint, in order."""
    return [FunnelStep(step, touchpoint=step) for step in funnel.steps]


def monitor_journey(
    events: ibis.Table,
    journey: Journey,
    *,
    funnels: Sequence[Funnel] | None = None,
    signals: bool = True,
    period: PeriodChoice = "auto",
    baseline_periods: int = 14,
    alpha: float = 0.0001,
    hourly_minimum: int = HOURLY_MINIMUM,
) -> JourneyMonitoring:
    """Every funnel of ``journey`` (or those given) for drops, and its negative signals for
    rises. ``events`` are matched to the journey's touchpoints
    (:func:`~journeymap.analytics.matching.match_touchpoints`).

    >>> found = monitor_journey(events, journey)  # doctest: +SKIP
    >>> [(i.funnel, i.name, i.start, i.open) for i in found.incidents]  # doctest: +SKIP
    [('checkout', 'payment', datetime.date(2025, 4, 26), False)]
    """
    watched = journey.funnels if funnels is None else funnels
    monitored = tuple(
        monitor_funnel(
            events,
            funnel_steps(funnel),
            window=dt.timedelta(hours=funnel.window_hours),
            period=period,
            baseline_periods=baseline_periods,
            alpha=alpha,
            hourly_minimum=hourly_minimum,
            funnel=funnel.id,
        )
        for funnel in watched
    )
    rises = None
    if signals:
        rises = monitor_signals(events, journey, period=period, baseline_periods=baseline_periods,
                                alpha=alpha, hourly_minimum=hourly_minimum)  # fmt: skip
    return JourneyMonitoring(journey.id, monitored, rises)
