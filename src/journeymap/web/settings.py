"""How the web app behaves: cookies, session lifetimes, login throttling, the address it serves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from journeymap.services.accounts import SessionPolicy


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    """At most ``attempts`` failed logins per username and per client address in ``window``."""

    attempts: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class WebSettings:
    """Settings of one running web app; the defaults suit a team on one machine.

    ``secure_cookies`` marks the session cookie ``Secure``: browsers then send it over
    HTTPS only, with one exception they all make, loopback (``127.0.0.1``, ``localhost``),
    which is where ``journeymap serve`` listens by default. Leave it on; behind a TLS proxy
    it is what you want, and on loopback it costs nothing.
    """

    secure_cookies: bool = True
    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    invitation_days: int = 14
    base_url: str = "http://127.0.0.1:8000"
