"""What every request of one running web app shares: the workspace's services.

One store (a connection pool, safe across threads) serves all requests. The analytics
database is a single DuckDB connection, which must not run two queries at once, so the
views that measure take :attr:`WebContext.analysis_lock`; it also caches what the
measured poster needs per journey version, so a page that shows numbers does not measure
the log again for every visitor.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from journeymap.services.accounts import AccountsService, now_utc
from journeymap.services.analysis import AnalysisService
from journeymap.services.render import RenderService
from journeymap.services.workspace import WorkspaceService
from journeymap.web.settings import WebSettings
from journeymap.web.throttle import FailedLogins


@dataclass
class WebContext:
    """The services of the workspace one app serves; build it with :meth:`open`."""

    directory: Path
    workspace: WorkspaceService
    accounts: AccountsService
    settings: WebSettings
    failed_logins: FailedLogins
    clock: Callable[[], dt.datetime] = now_utc
    analysis_lock: threading.RLock = field(default_factory=threading.RLock)
    _analysis: AnalysisService | None = None

    @classmethod
    def open(
        cls,
        directory: Path,
        *,
        settings: WebSettings | None = None,
        clock: Callable[[], dt.datetime] = now_utc,
    ) -> WebContext:
        settings = settings or WebSettings()
        workspace = WorkspaceService.open(directory)
        # Housekeeping: sessions that ended a day ago are of no use to anyone.
        workspace.store.people.delete_sessions_before(clock() - dt.timedelta(days=1))
        return cls(
            directory=workspace.layout.root,
            workspace=workspace,
            accounts=AccountsService(workspace.store, clock=clock, policy=settings.sessions),
            settings=settings,
            failed_logins=FailedLogins(settings.login_throttle, clock),
            clock=clock,
        )

    @property
    def render(self) -> RenderService:
        """Drawing posters and charts (shares the store; cheap to make)."""
        return RenderService(self.workspace)

    @contextmanager
    def analysis(self) -> Iterator[AnalysisService]:
        """The analytics service, one caller at a time (DuckDB's connection is not shared)."""
        with self.analysis_lock:
            if self._analysis is None:
                self._analysis = AnalysisService.open(self.directory)
            yield self._analysis

    def close(self) -> None:
        with self.analysis_lock:
            if self._analysis is not None:
                self._analysis.close()
                self._analysis = None
        self.workspace.close()
