"""Background jobs: long work (an import, a poster, a report) off the request that asked for it.

A job is a callable that reports its progress; the runner records each step in the
store's ``jobs`` table, so any process serving the web app can show how far it got and
what came out. A job that fails ends ``failed`` with a short message a person can act
on; the traceback goes to the log (``journeymap.services.jobs``), never to the user.

>>> with JobRunner(store) as runner:  # doctest: +SKIP
...     job = runner.submit("poster", lambda progress: {"path": "poster.pdf"}, created_by=1)
...     runner.wait(job.id, timeout=60).result
{'path': 'poster.pdf'}
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any

from journeymap.engine.errors import EngineError
from journeymap.ingest.errors import IngestError
from journeymap.services.accounts import now_utc
from journeymap.services.errors import JourneymapError
from journeymap.store import Store, StoreError
from journeymap.store.collaboration import Job

__all__ = ["JobFunction", "JobRunner", "Progress"]

Progress = Callable[[float, str], None]
"""What a job calls to report itself: the share done (0 to 1) and a line of text."""

JobFunction = Callable[[Progress], Any]
"""A job's work: called with a :data:`Progress`; returns a JSON-able result."""

_log = logging.getLogger(__name__)
_POLL_S = 0.05  # how often wait() looks at a job another process runs

# Errors that carry a message written for people; anything else is a bug, and its
# message may say nothing to them.
_USER_ERRORS = (JourneymapError, StoreError, EngineError, IngestError, ValueError, OSError)


class JobRunner:
    """Runs jobs on a small thread pool and keeps their state in the store.

    Two workers: jobs are heavy (DuckDB and the models use several cores each), and a
    third would mostly queue for the same CPUs and memory.
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], dt.datetime] = now_utc,
        max_workers: int = 2,
    ) -> None:
        self._rows = store.collaboration
        self._clock = clock
        self._pool = ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="journeymap-job"
        )
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()

    def submit(self, kind: str, fn: JobFunction, *, created_by: int | None = None) -> Job:
        """Queue ``fn`` as a job of this kind; the job as recorded, status ``queued``."""
        job = self._rows.add_job(kind, created_by=created_by, now=self._clock())
        future = self._pool.submit(self._run, job, fn)
        with self._lock:
            self._futures[job.id] = future
        future.add_done_callback(lambda done: self._forget(job, done))
        return job

    def job(self, job_id: str) -> Job:
        """A job's latest state (``NotFoundError`` for an unknown id)."""
        return self._rows.job(job_id)

    def recent(self, limit: int = 20) -> list[Job]:
        """The latest jobs, newest first."""
        return self._rows.recent_jobs(limit)

    def wait(self, job_id: str, timeout: float) -> Job:
        """Block until a job is done or failed (``TimeoutError`` after ``timeout`` s)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            with contextlib.suppress(CancelledError):
                future.exception(timeout=timeout)  # raises TimeoutError when it runs on
        while not (job := self.job(job_id)).finished:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"job {job_id} is still {job.status} after {timeout} s")
            time.sleep(_POLL_S)
        return job

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking jobs; with ``wait``, finish the running and queued ones first."""
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    def __enter__(self) -> JobRunner:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.shutdown()

    # -- internals -------------------------------------------------------------------------

    def _forget(self, job: Job, future: Future[None]) -> None:
        with self._lock:
            self._futures.pop(job.id, None)
        if future.cancelled():  # shutdown(wait=False) took it off the queue
            self._finish(job, status="failed", error="the server stopped before the job ran")

    def _run(self, job: Job, fn: JobFunction) -> None:
        """Run one job and record how it ended; never raises (the pool would swallow it)."""
        try:
            self._rows.update_job(job.id, status="running", message="started")

            # Each report is one write, visible at once to every process; jobs report a
            # few times a second at most (per file, per stage), not per row.
            def progress(share: float, message: str) -> None:
                self._rows.update_job(
                    job.id, progress=min(max(float(share), 0.0), 1.0), message=message
                )

            result = fn(progress)
            _check_json(result)
        except Exception as error:
            _log.exception("job %s (%s) failed", job.id, job.kind)
            self._finish(job, status="failed", error=_describe(error))
        else:
            self._finish(job, status="done", progress=1.0, message="done", result=result)

    def _finish(self, job: Job, **values: Any) -> None:
        try:
            self._rows.update_job(job.id, finished_at=self._clock(), **values)
        except Exception:
            # The store itself is failing; the job stays running in the table and the
            # log says why.
            _log.exception("could not record the end of job %s (%s)", job.id, job.kind)


def _check_json(result: object) -> None:
    try:
        json.dumps(result)
    except (TypeError, ValueError) as error:
        raise _ResultError(f"the job's result cannot be saved: it is not JSON ({error})") from error


class _ResultError(ValueError):
    """A job returned something the jobs table cannot hold."""


def _describe(error: Exception) -> str:
    """One message for the person who started the job, without a traceback."""
    message = str(error).strip()
    if isinstance(error, _USER_ERRORS) and message:
        return message
    return (
        f"the job stopped on an unexpected error ({type(error).__name__}"
        f"{': ' + message.splitlines()[0] if message else ''}); the server log has the details"
    )
