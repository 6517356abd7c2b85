"""Browser tests: real headless Chromium (Debian's ``/usr/bin/chromium``) and a live server.

``chromium()`` launches Playwright's Chromium driver on the system binary (never a browser
Playwright downloads; ``JOURNEYMAP_TEST_CHROMIUM`` points at another one). Where the binary
or Playwright is missing the test skips with the reason, and fails instead when CI demands
``chromium`` (``JOURNEYMAP_REQUIRE_SERVICES``). The ``browser`` and ``page`` fixtures in
``tests/browser_fixtures.py`` are built on it.

``LiveServer(app)`` serves any ASGI application with uvicorn on 127.0.0.1 and a free port in
a background thread, for the page to load from ``server.url``::

    with LiveServer(app) as server:
        page.goto(server.url + "/journeys")
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from required_services import chromium_executable, missing_service

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium for the block; closed afterwards."""
    executable = chromium_executable()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_service("chromium", "playwright is not installed (pip install 'journeymap[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


class LiveServer:
    """An ASGI app served by uvicorn in a background thread on 127.0.0.1 and a free port.

    ``start()`` returns once the server answers HTTP; ``stop()`` asks uvicorn to exit and joins
    the thread. As a context manager it does both. Extra keyword arguments go to
    ``uvicorn.Config`` (WebSockets are off unless ``ws="auto"`` is passed).
    """

    def __init__(
        self, app: Callable[..., Any], *, startup_timeout: float = 10.0, **config: Any
    ) -> None:
        self.app = app
        self.startup_timeout = startup_timeout
        self.config = config
        self.host = "127.0.0.1"
        self.port = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, without a trailing slash."""
        if not self.port:
            raise RuntimeError("the server is not started")
        return f"http://{self.host}:{self.port}"

    def start(self) -> LiveServer:
        import uvicorn

        # Bind the socket here and hand it to uvicorn: the port is ours before the thread runs.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        settings: dict[str, Any] = {
            "log_level": "warning",
            "access_log": False,
            "loop": "asyncio",
            "ws": "none",
            "lifespan": "auto",
            "timeout_graceful_shutdown": 2,
        }
        settings.update(self.config)
        self._server = uvicorn.Server(uvicorn.Config(self.app, **settings))

        def serve() -> None:
            try:
                self._server.run(sockets=[sock])
            except BaseException as error:  # reported by start(), not lost in the thread
                self._error = error
            finally:
                sock.close()

        self._thread = threading.Thread(target=serve, name=f"live-server-{self.port}", daemon=True)
        self._thread.start()
        self._wait_until_it_answers()
        return self

    def _wait_until_it_answers(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            assert self._thread is not None
            if not self._thread.is_alive():
                raise RuntimeError(f"the live server stopped while starting: {self._error!r}")
            if self._server.started:
                # http.client, not urllib: no proxy from the environment comes between.
                connection = http.client.HTTPConnection(self.host, self.port, timeout=2)
                try:
                    connection.request("GET", "/")
                    connection.getresponse().read()
                    return  # any HTTP answer (404 included) means it serves
                except (OSError, http.client.HTTPException):
                    pass
                finally:
                    connection.close()
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"the live server did not answer within {self.startup_timeout} s")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            if self._thread.is_alive():
                raise RuntimeError("the live server did not stop within 10 s")
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise RuntimeError("the live server failed") from error

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
