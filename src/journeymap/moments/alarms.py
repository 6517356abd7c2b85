"""Is this period's rate out of line with its recent past? The test behind every alarm.

One series is a rate per period: ``base[i]`` customers (or events) could do something in
period ``i`` and ``hits[i]`` did. Each period is compared with a **rolling baseline**: the
pooled rate of the last ``baseline_periods`` periods that raised no alarm themselves (an
outage must not become the norm it is judged by), by a one-sided exact test for two
proportions (Fisher's).
Conversions are watched for **drops**, negative signals (late parcels, failures) for
**rises**. ``season`` compares like with like: with hourly periods and ``season=24`` the
baseline of 10:00 is the 10:00 of previous days, so the quiet night is never compared with
the busy evening.

``alpha`` bounds the false-alarm probability of one test on a true null (the exact test
keeps below it): a step watched daily at the default 0.0001 alarms falsely less than once
in 27 years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from scipy import stats

__all__ = ["Alarm", "Direction", "alarm_runs", "detect_drops", "detect_rises", "detect_shifts"]

Direction = Literal["drop", "rise"]
"""Which way is bad: a conversion that drops, a failure rate that rises."""


@dataclass(frozen=True)
class Alarm:
    """One period whose rate moved significantly the bad way from its baseline."""

    index: int
    """Position of the period in the series given to :func:`detect_shifts`."""
    baseline_rate: float
    observed_rate: float
    p_value: float


def detect_drops(
    previous: Sequence[int],
    converted: Sequence[int],
    *,
    baseline_periods: int = 14,
    minimum_baseline: int = 7,
    alpha: float = 0.0001,
    season: int = 1,
) -> list[Alarm]:
    """The periods of one step's series whose conversion dropped below the rolling baseline.

    ``previous[i]`` customers could convert in period ``i`` and ``converted[i]`` did. The
    baseline pools the last ``baseline_periods`` periods without an alarm (at least
    ``minimum_baseline`` of them, else no test).

    >>> detect_drops([100] * 20 + [100], [50] * 20 + [20])[0].index
    20
    """
    return detect_shifts(previous, converted, direction="drop", baseline_periods=baseline_periods,
                         minimum_baseline=minimum_baseline, alpha=alpha, season=season)  # fmt: skip


def detect_rises(
    base: Sequence[int],
    hits: Sequence[int],
    *,
    baseline_periods: int = 14,
    minimum_baseline: int = 7,
    alpha: float = 0.0001,
    season: int = 1,
) -> list[Alarm]:
    """The periods whose rate (a late or failure rate) rose above the rolling baseline.

    >>> detect_rises([200] * 20 + [200], [20] * 20 + [60])[0].observed_rate
    0.3
    """
    return detect_shifts(base, hits, direction="rise", baseline_periods=baseline_periods,
                         minimum_baseline=minimum_baseline, alpha=alpha, season=season)  # fmt: skip


def detect_shifts(
    base: Sequence[int],
    hits: Sequence[int],
    *,
    direction: Direction,
    baseline_periods: int = 14,
    minimum_baseline: int = 7,
    alpha: float = 0.0001,
    season: int = 1,
) -> list[Alarm]:
    """The periods whose rate ``hits[i] / base[i]`` moved ``direction`` from the baseline.

    With ``season`` above 1 the baseline of period ``i`` pools only the periods ``i - season``,
    ``i - 2 * season``, ... (the same hour of earlier days), so the series must be a regular
    grid with a row for every period, empty ones included (``base[i] == 0``).
    """
    if direction not in ("drop", "rise"):
        raise ValueError(f"direction must be 'drop' or 'rise'; got {direction!r}")
    if season < 1:
        raise ValueError(f"season must be at least 1; got {season}")
    alarms: list[Alarm] = []
    clean: list[list[int]] = [[] for _ in range(season)]
    for index, (n, x) in enumerate(zip(base, hits, strict=True)):
        if n <= 0:
            continue
        window = clean[index % season][-baseline_periods:]
        if len(window) >= minimum_baseline:
            big_n = sum(base[i] for i in window)
            big_x = sum(hits[i] for i in window)
            p_value = _p_value(x, n, big_x, big_n, direction)
            if p_value < alpha:
                alarms.append(Alarm(index, big_x / big_n, x / n, p_value))
                continue
        clean[index % season].append(index)
    return alarms


def _p_value(x: int, n: int, big_x: int, big_n: int, direction: Direction) -> float:
    """One-sided Fisher's exact test: is x/n below (drop) or above (rise) big_x/big_n?

    Given all the hits of period and baseline together, the period's share of them is
    hypergeometric when the rates are equal. Exact, because the normal approximation of
    the two-proportion z-test understates the long tail of a skewed rate (a 13 % late
    rate rising, a 90 % conversion falling) several-fold, and false alarms live there.
    """
    total, hits = n + big_n, x + big_x
    if direction == "drop":
        return float(stats.hypergeom.cdf(x, total, hits, n))
    return float(stats.hypergeom.sf(x - 1, total, hits, n))


def alarm_runs(alarms: Sequence[Alarm], *, gap: int = 1) -> list[list[Alarm]]:
    """Alarms with at most ``gap`` quiet periods between them, grouped: one incident each.

    >>> [[a.index for a in run] for run in alarm_runs(
    ...     [Alarm(i, 0.5, 0.1, 1e-9) for i in (3, 4, 6, 9)])]
    [[3, 4, 6], [9]]
    """
    runs: list[list[Alarm]] = []
    for alarm in alarms:
        if runs and alarm.index - runs[-1][-1].index <= gap + 1:
            runs[-1].append(alarm)
        else:
            runs.append([alarm])
    return runs
