"""Failed-login throttling: a sliding window per username and per client address.

Kept in memory on purpose: it protects one running server from password guessing, costs
no write per attempt, and forgets on restart (which an attacker cannot trigger). A
deployment with several server processes also needs the proxy's rate limit (see
docs/web.md).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict, deque
from collections.abc import Callable

from journeymap.web.settings import LoginThrottle


class FailedLogins:
    """Counts failed logins; :meth:`retry_after` says how long a key must wait, if at all."""

    def __init__(self, limits: LoginThrottle, clock: Callable[[], dt.datetime]) -> None:
        self._limits = limits
        self._clock = clock
        self._failures: defaultdict[str, deque[dt.datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def retry_after(self, *keys: str) -> int:
        """Seconds until another attempt is allowed for every key (0: allowed now)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                failures = self._prune(key, now)
                if len(failures) >= self._limits.attempts:
                    wait = max(wait, (failures[0] + self._limits.window - now).total_seconds())
        return max(0, int(wait) + (1 if wait % 1 else 0))

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._failures[key].append(now)

    def succeeded(self, username_key: str) -> None:
        """A right password clears that username's failures (not the address's)."""
        with self._lock:
            self._failures.pop(username_key, None)

    def _prune(self, key: str, now: dt.datetime) -> deque[dt.datetime]:
        failures = self._failures[key]
        while failures and failures[0] + self._limits.window <= now:
            failures.popleft()
        return failures
