"""Background jobs: queued, running with visible progress, then done with a result or failed
with a message a person can read (the traceback goes to the log)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from journeymap.services import JobRunner, JourneymapError
from journeymap.services.jobs import Progress
from journeymap.store import NotFoundError, Store, sqlite_url
from journeymap.store.collaboration import Job

T0 = dt.datetime(2025, 5, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(sqlite_url(tmp_path / "journeymap.db")) as opened:
        yield opened


@pytest.fixture
def runner(store: Store) -> Iterator[JobRunner]:
    with JobRunner(store, clock=lambda: T0) as running:
        yield running


def wait_until(runner: JobRunner, job_id: str, predicate: object, timeout: float = 10) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = runner.job(job_id)
        if predicate(job):  # type: ignore[operator]
            return job
        assert time.monotonic() < deadline, f"job never got there: {job}"
        time.sleep(0.01)


def test_a_job_runs_to_done_with_its_result(runner: JobRunner, store: Store) -> None:
    ana = store.people.add_user(
        username="ana", display_name="Ana", role="editor", password_hash=None, now=T0
    ).id

    def work(progress: Progress) -> dict[str, object]:
        progress(0.5, "half")
        return {"imported": 3, "files": ["a.csv"]}

    job = runner.submit("import", work, created_by=ana)
    assert (job.kind, job.created_by, job.created_at) == ("import", ana, T0)
    assert job.status in ("queued", "running", "done")
    done = runner.wait(job.id, timeout=10)
    assert (done.status, done.progress, done.message) == ("done", 1.0, "done")
    assert (done.result, done.error, done.finished_at) == ({"imported": 3, "files": ["a.csv"]},
                                                           None, T0)  # fmt: skip
    assert [j.id for j in runner.recent()] == [job.id]


def test_progress_is_visible_while_it_runs(runner: JobRunner) -> None:
    go_on = threading.Event()

    def work(progress: Progress) -> None:
        progress(0.25, "reading events.csv")
        progress(2.0 if go_on.wait(10) else 0.0, "never above 1")
        go_on.clear()
        go_on.wait(10)

    job = runner.submit("import", work)
    running = wait_until(runner, job.id, lambda j: j.progress == 0.25)
    assert (running.status, running.message) == ("running", "reading events.csv")
    assert not running.finished
    go_on.set()
    capped = wait_until(runner, job.id, lambda j: j.message == "never above 1")
    assert capped.progress == 1.0
    go_on.set()
    assert runner.wait(job.id, timeout=10).status == "done"


def test_a_failing_job_ends_failed_with_its_message(
    runner: JobRunner, caplog: pytest.LogCaptureFixture
) -> None:
    def work(progress: Progress) -> None:
        progress(0.1, "checking")
        raise JourneymapError(
            "events.csv has no customer_id column", hint="Map one with --customer."
        )

    with caplog.at_level(logging.ERROR, logger="journeymap.services.jobs"):
        job = runner.submit("import", work)
        failed = runner.wait(job.id, timeout=10)
    assert failed.status == "failed"
    assert failed.error == "events.csv has no customer_id column\nMap one with --customer."
    assert failed.finished_at == T0
    assert failed.progress == 0.1
    assert "Traceback" not in (failed.error or "")
    logged = [r for r in caplog.records if job.id in r.getMessage()]
    assert logged
    assert logged[0].exc_info is not None  # the traceback is in the log


def test_an_unexpected_error_says_so_without_a_traceback(runner: JobRunner) -> None:
    def work(progress: Progress) -> None:
        {}["missing"].append(1)  # type: ignore[index]

    def broken(progress: Progress) -> None:
        raise RuntimeError("socket closed\n  at line 3")

    assert runner.wait(runner.submit("poster", work).id, timeout=10).error == (
        "the job stopped on an unexpected error (KeyError: 'missing'); "
        "the server log has the details"
    )
    error = runner.wait(runner.submit("poster", broken).id, timeout=10).error
    assert error == (
        "the job stopped on an unexpected error (RuntimeError: socket closed); "
        "the server log has the details"
    )


def test_a_result_that_is_not_json_fails_the_job(runner: JobRunner) -> None:
    job = runner.submit("poster", lambda progress: {"when": dt.date(2025, 1, 1)})
    failed = runner.wait(job.id, timeout=10)
    assert failed.status == "failed"
    assert failed.error is not None
    assert "not JSON" in failed.error


def test_at_most_two_jobs_run_at_once(runner: JobRunner) -> None:
    release = threading.Event()
    jobs = [runner.submit("report", lambda progress: release.wait(10)) for _ in range(3)]
    wait_until(runner, jobs[1].id, lambda j: j.status == "running")
    wait_until(runner, jobs[0].id, lambda j: j.status == "running")
    assert runner.job(jobs[2].id).status == "queued"
    release.set()
    assert [runner.wait(j.id, timeout=10).status for j in jobs] == ["done"] * 3


def test_wait_gives_up_after_its_timeout(runner: JobRunner) -> None:
    release = threading.Event()
    job = runner.submit("report", lambda progress: release.wait(10))
    with pytest.raises(TimeoutError):
        runner.wait(job.id, timeout=0.05)
    release.set()
    assert runner.wait(job.id, timeout=10).status == "done"


def test_jobs_cancelled_at_shutdown_end_failed(store: Store) -> None:
    release = threading.Event()
    runner = JobRunner(store, max_workers=1)
    first = runner.submit("report", lambda progress: release.wait(10))
    queued = runner.submit("report", lambda progress: None)
    wait_until(runner, first.id, lambda j: j.status == "running")
    runner.shutdown(wait=False)
    release.set()
    assert runner.wait(first.id, timeout=10).status == "done"
    cancelled = runner.wait(queued.id, timeout=10)
    assert (cancelled.status, cancelled.error) == (
        "failed", "the server stopped before the job ran"
    )  # fmt: skip


def test_an_unknown_job_is_not_found(runner: JobRunner) -> None:
    with pytest.raises(NotFoundError):
        runner.job("0" * 32)
