"""A real HTTP server on 127.0.0.1 for webhook tests: it fails the first requests, or hangs.

Tests of the webhook talk to this server through the real ``urllib`` transport, so
timeouts, refused connections and error statuses are the genuine article.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class WebhookServer:
    """What the server does with the requests it gets, and what it got."""

    fail_first: int = 0
    """Answer this many requests with ``fail_status`` before answering 200."""
    fail_status: int = 503
    hang_s: float = 0.0
    """Wait this long before answering every request (longer than the client's timeout)."""
    requests: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def webhook_server(**behaviour: Any) -> Iterator[WebhookServer]:
    """A server on a free port of 127.0.0.1 for the ``with`` block; ``url`` says where."""
    state = WebhookServer(**behaviour)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with state.lock:
                state.requests += 1
                failing = state.requests <= state.fail_first
            if state.hang_s:
                time.sleep(state.hang_s)
            status = state.fail_status if failing else 200
            if status == 200:
                with state.lock:
                    state.received.append(json.loads(body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: test output is not the place for access logs."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
