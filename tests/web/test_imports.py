"""Importing from the browser: uploads become background imports, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import login

from journeymap.web.routes.jobs import job_runner

DATA = Path(__file__).parents[1] / "data" / "import"
GOOD = (
    "customer_id,ts,event,channel\n"
    "c1,2024-03-01T10:00:00Z,visit,web\n"
    "c1,2024-03-01T10:05:00Z,add_to_cart,web\n"
    "c2,2024-03-02T09:00:00Z,visit,app\n"
)


def _editor(new_client: Callable[[], TestClient]) -> TestClient:
    client = new_client()
    client.headers["X-CSRF-Token"] = login(client, "eddie")
    return client


def test_an_upload_imports_in_the_background(
    new_client: Callable[[], TestClient], web_app: FastAPI, web_workspace: Path
) -> None:
    editor = _editor(new_client)
    started = editor.post(
        "/api/v1/imports",
        files={"file": ("events.csv", GOOD.encode(), "text/csv")},
        data={"kind": "events"},
    )
    assert started.status_code == 202, started.text
    job = job_runner(web_app).wait(started.json()["job_id"], timeout=60)
    assert job.status == "done", job.error
    assert job.result is not None
    assert job.result["rows_imported"] == 3
    assert job.result["rejected"] == 0
    assert not list((web_workspace / "imports").iterdir())  # the upload is gone
    followed = editor.get(started.json()["job_url"]).json()
    assert followed["status"] == "done"
    page = editor.get("/imports").text
    assert "events.csv: 3 new rows" in page


def test_rejected_rows_over_the_limit_import_nothing_and_say_where(
    new_client: Callable[[], TestClient], web_app: FastAPI
) -> None:
    editor = _editor(new_client)
    broken = (DATA / "events_broken.csv").read_bytes()
    started = editor.post(
        "/api/v1/imports",
        files={"file": ("broken.csv", broken, "text/csv")},
        data={"kind": "events"},
    )
    job = job_runner(web_app).wait(started.json()["job_id"], timeout=60)
    assert job.status == "failed"
    assert job.error is not None
    assert "6 of 12 rows read so far were rejected (at most 0 allowed)" in job.error
    assert "nothing was imported" in job.error
    assert "unexpected" not in job.error
    again = editor.post(
        "/api/v1/imports",
        files={"file": ("events.csv", GOOD.encode(), "text/csv")},
        data={"kind": "events"},
    )
    done = job_runner(web_app).wait(again.json()["job_id"], timeout=60)
    assert done.result is not None
    assert done.result["rows_imported"] == 3  # the failed import left nothing behind


def test_the_form_redirects_to_the_job(
    new_client: Callable[[], TestClient], web_app: FastAPI
) -> None:
    editor = _editor(new_client)
    answer = editor.post(
        "/imports",
        files={"file": ("events.csv", GOOD.encode(), "text/csv")},
        data={"kind": "events", "csrf_token": editor.headers["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    job_id = answer.headers["location"].split("job=")[1]
    job_runner(web_app).wait(job_id, timeout=60)


def test_unknown_file_kinds_and_viewers_are_refused(
    new_client: Callable[[], TestClient], web_workspace: Path
) -> None:
    editor = _editor(new_client)
    wrong = editor.post(
        "/api/v1/imports", files={"file": ("../../journeymap.db", b"x", "application/octet-stream")}
    )
    assert wrong.status_code == 422
    assert "is not a file journeymap imports" in wrong.json()["detail"]
    assert (web_workspace / "journeymap.db").stat().st_size > 1  # untouched
    viewer = new_client()
    viewer.headers["X-CSRF-Token"] = login(viewer, "vera")
    refused = viewer.post("/api/v1/imports", files={"file": ("e.csv", GOOD.encode(), "text/csv")})
    assert refused.status_code == 403
