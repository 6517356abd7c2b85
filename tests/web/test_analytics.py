"""The data on the map through HTTP: the API answers the analyses' own numbers, heavy views
run as jobs (202, then 200), and a workspace without events gets a hint, never numbers.

One small demo (a few hundred customers, built once for the module) serves every test.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import JOURNEY, PASSWORD, login

from journeymap.analytics import Scope
from journeymap.services import build_demo
from journeymap.services.accounts import AccountsService
from journeymap.services.analysis import AnalysisService
from journeymap.services.workspace import WorkspaceService
from journeymap.web import close_app, create_app
from journeymap.web.routes.jobs import job_runner, stop_jobs

CUSTOMERS = 300
DEMO_JOURNEY = "busy-parent-journey"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("analytics") / "demo"
    build_demo(folder, customers=CUSTOMERS, seed=3)
    with WorkspaceService.open(folder) as service:
        accounts = AccountsService(service.store)
        team = service.load().teams[0].id
        accounts.add_user("olive", PASSWORD, role="owner")
        accounts.add_user("eddie", PASSWORD, role="editor", team_id=team)
    return folder


@pytest.fixture(scope="module")
def demo_app(demo_dir: Path) -> Iterator[FastAPI]:
    app = create_app(demo_dir)
    yield app
    stop_jobs(app)
    close_app(app)


@pytest.fixture(scope="module")
def olive(demo_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(demo_app, base_url="https://testserver") as client:
        client.headers["X-CSRF-Token"] = login(client, "olive")
        yield client


def until_done(client: TestClient, url: str, timeout: float = 120) -> Any:
    """GET ``url`` until it stops answering 202; the last answer's JSON (asserting 200)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = client.get(url)
        if answer.status_code != 202:
            assert answer.status_code == 200, answer.text
            return answer.json()
        assert time.monotonic() < deadline, answer.text
        time.sleep(0.2)


def persona_scope(analysis: AnalysisService, journey_id: str) -> Scope:
    journey = analysis.journey_of(journey_id)
    segment = analysis.workspace.load().persona(journey.persona).segment
    return Scope(segment=segment) if segment else Scope()


def test_metrics_answer_202_with_the_job_then_200_with_the_numbers(
    olive: TestClient, demo_app: FastAPI, demo_dir: Path
) -> None:
    first = olive.get(f"/api/v1/journeys/{DEMO_JOURNEY}/metrics")
    assert first.status_code == 202, first.text
    body = first.json()
    assert body["status"] in ("queued", "running")
    assert body["job"]["url"] == first.headers["location"]
    metrics = until_done(olive, f"/api/v1/journeys/{DEMO_JOURNEY}/metrics")
    assert metrics["measured"] is True
    assert metrics["version"] == 1
    job = olive.get(first.headers["location"]).json()
    assert job["status"] == "done"
    assert job["journey_id"] == DEMO_JOURNEY
    # The same numbers as the analyses, on the persona's customers.
    with demo_app.state.context.analysis() as analysis:
        reach = analysis.reach(DEMO_JOURNEY, persona_scope(analysis, DEMO_JOURNEY))
    assert metrics["customers"] == reach.customers
    journey = demo_app.state.context.workspace.journey(DEMO_JOURNEY)
    for _, touchpoint in journey.touchpoints():
        shown = metrics["touchpoints"][touchpoint.id]
        try:
            expected = reach.row(touchpoint.id).customers
        except KeyError:
            expected = 0
        assert shown["customers"] == expected, touchpoint.id
    assert set(metrics["stages"]) == {stage.id for stage in journey.stages}
    # Cached: asking again answers at once, without a new job.
    again = olive.get(f"/api/v1/journeys/{DEMO_JOURNEY}/metrics")
    assert again.status_code == 200
    assert again.json() == metrics


def test_the_overview_page_shows_the_metrics_table(olive: TestClient) -> None:
    until_done(olive, f"/api/v1/journeys/{DEMO_JOURNEY}/metrics")
    page = olive.get(f"/journeys/{DEMO_JOURNEY}/analytics")
    assert page.status_code == 200
    assert 'class="list metrics-table"' in page.text
    assert "/journeys/busy-parent-journey/analytics/funnel" in page.text


def test_the_funnel_api_answers_the_analysis_numbers(olive: TestClient, demo_app: FastAPI) -> None:
    view = olive.get(f"/api/v1/journeys/{DEMO_JOURNEY}/analytics/funnel").json()
    journey = demo_app.state.context.workspace.journey(DEMO_JOURNEY)
    declared = journey.funnels[0]
    assert view["funnel"] == declared.id
    with demo_app.state.context.analysis() as analysis:
        expected = analysis.funnel(
            DEMO_JOURNEY, declared.steps, window=dt.timedelta(hours=declared.window_hours),
            scope=persona_scope(analysis, DEMO_JOURNEY),
        )  # fmt: skip
    assert [s["customers"] for s in view["steps"]] == [s.customers for s in expected.steps]
    assert [s["drop_off"] for s in view["steps"]] == [s.drop_off for s in expected.steps]
    assert view["levels"] == list(expected.levels)
    # The people behind step 2, and those who dropped before it.
    reached = olive.get(view["steps"][1]["customers_url"]).json()
    dropped = olive.get(view["steps"][1]["dropped_url"]).json()
    assert reached["total"] == expected.steps[1].customers
    assert dropped["total"] == expected.steps[0].customers - expected.steps[1].customers
    assert not set(reached["customers"]) & set(dropped["customers"])
    page = olive.get(f"/journeys/{DEMO_JOURNEY}/analytics/funnel")
    assert page.status_code == 200
    assert f"{expected.steps[0].customers:,}" in page.text
    chart = olive.get(view["chart"])
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in chart.content


def test_paths_and_the_dfg_answer_the_analysis_numbers(
    olive: TestClient, demo_app: FastAPI
) -> None:
    paths = olive.get(f"/api/v1/journeys/{DEMO_JOURNEY}/analytics/paths?steps=3").json()
    dfg = olive.get(f"/api/v1/journeys/{DEMO_JOURNEY}/analytics/dfg").json()
    with demo_app.state.context.analysis() as analysis:
        scope = persona_scope(analysis, DEMO_JOURNEY)
        flows = analysis.path_flows(DEMO_JOURNEY, paths["start"], steps=3, scope=scope)
        graph = analysis.directly_follows(DEMO_JOURNEY, by_touchpoint=True, scope=scope)
    assert paths["customers"] == flows.customers
    assert paths["flows"] == flows.rows()
    heaviest = max(graph.edges, key=lambda e: e.frequency)
    assert dfg["edges"][0]["frequency"] == heaviest.frequency
    assert dfg["total_edges"] == len(graph.edges)
    for url in (paths["chart"], dfg["chart"]):
        assert b"<svg" in olive.get(url).content
    assert olive.get(f"/journeys/{DEMO_JOURNEY}/analytics/dfg").status_code == 200
    assert olive.get(f"/journeys/{DEMO_JOURNEY}/analytics/paths").status_code == 200


def test_moments_run_as_a_job_and_rank_what_the_analysis_finds(
    olive: TestClient, demo_app: FastAPI
) -> None:
    url = f"/api/v1/journeys/{DEMO_JOURNEY}/analytics/moments"
    page = olive.get(f"/journeys/{DEMO_JOURNEY}/analytics/moments")
    assert page.status_code == 200
    view = until_done(olive, url)
    assert view["measured"] is True
    with demo_app.state.context.analysis() as analysis:
        from journeymap.services.poster_data import OBSERVATION_WINDOW

        impacts = analysis.moment_impacts(
            DEMO_JOURNEY, scope=persona_scope(analysis, DEMO_JOURNEY),
            observed_before=OBSERVATION_WINDOW,
        )  # fmt: skip
    significant = [i for i in impacts.ranked() if i.significant]
    assert [(m["touchpoint"], m["signal"], m["outcome"]) for m in view["moments"]] == [
        (i.touchpoint, i.signal, i.outcome) for i in significant[:25]
    ]
    done = olive.get(f"/journeys/{DEMO_JOURNEY}/analytics/moments")
    assert 'class="list moments-table"' in done.text
    if view["outcomes"]:
        chart = olive.get(
            f"/journeys/{DEMO_JOURNEY}/analytics/moments.svg?outcome={view['outcomes'][0]}"
        )
        assert b"<svg" in chart.content


def test_incidents_and_my_touchpoints(olive: TestClient, demo_app: FastAPI) -> None:
    mine = olive.get("/api/v1/my-touchpoints?team=delivery")
    teams = [t.id for t in demo_app.state.context.workspace.load().teams]
    team = "delivery" if "delivery" in teams else teams[0]
    mine = olive.get(f"/api/v1/my-touchpoints?team={team}").json()
    assert mine["team_id"] == team
    on_demo = [tp for tp in mine["touchpoints"] if tp["journey_id"] == DEMO_JOURNEY]
    view = until_done(olive, f"/api/v1/journeys/{DEMO_JOURNEY}/analytics/incidents")
    assert view["measured"] is True
    after = olive.get(f"/api/v1/my-touchpoints?team={team}").json()
    for tp in after["touchpoints"]:
        if tp["journey_id"] == DEMO_JOURNEY:
            expected = [i for i in view["incidents"] if i["touchpoint"] == tp["touchpoint"]]
            assert tp["incidents"] == expected
    assert len(on_demo) == len([t for t in after["touchpoints"] if t["journey_id"] == DEMO_JOURNEY])
    assert olive.get(f"/my-touchpoints?team={team}").status_code == 200
    assert olive.get(f"/journeys/{DEMO_JOURNEY}/analytics/incidents").status_code == 200


def test_an_editor_sees_their_own_team(demo_app: FastAPI) -> None:
    with TestClient(demo_app, base_url="https://testserver") as eddie:
        login(eddie, "eddie")
        mine = eddie.get("/api/v1/my-touchpoints").json()
        assert mine["team_id"] == demo_app.state.context.workspace.load().teams[0].id
        other = eddie.get("/api/v1/my-touchpoints?team=someone-else")
        assert other.status_code == 403


def test_feedback_quotes_come_from_the_voice_service(olive: TestClient) -> None:
    view = olive.get(f"/api/v1/journeys/{DEMO_JOURNEY}/analytics/feedback").json()
    assert all(q["touchpoint"] for q in view["quotes"])
    assert olive.get(f"/journeys/{DEMO_JOURNEY}/analytics/feedback").status_code == 200


def test_a_failed_job_shows_its_message(olive: TestClient, demo_app: FastAPI) -> None:
    def explode(progress: Any) -> None:
        progress(0.3, "halfway")
        raise ValueError("the carrier file has no promised_date column")

    job = job_runner(demo_app).submit("test", explode, created_by=None)
    job_runner(demo_app).wait(job.id, timeout=10)
    answer = olive.get(f"/api/v1/jobs/{job.id}").json()
    assert answer["status"] == "failed"
    assert answer["error"] == "the carrier file has no promised_date column"
    page = olive.get("/jobs")
    assert "the carrier file has no promised_date column" in page.text


def test_analyze_starts_a_job_and_needs_edit_access(olive: TestClient, demo_app: FastAPI) -> None:
    answer = olive.post(f"/api/v1/journeys/{DEMO_JOURNEY}/analyze", json={"what": "metrics"})
    assert answer.status_code == 202
    job_runner(demo_app).wait(answer.json()["id"], timeout=120)
    assert olive.get(answer.headers["location"]).json()["status"] == "done"


def test_the_dashboard_shows_staleness_and_marks_reviewed(olive: TestClient) -> None:
    first = olive.get("/api/v1/journeys/busy-parent-journey/staleness").json()
    assert first["badge"] in ("up to date", "review due") or first["badge"].startswith("data drift")
    page = olive.get("/")
    assert 'data-testid="staleness"' in page.text
    assert 'action="/journeys/busy-parent-journey/reviewed"' in page.text
    review = olive.post(f"/api/v1/journeys/{DEMO_JOURNEY}/reviewed", json={"note": "still true"})
    assert review.status_code == 201
    after = olive.get(f"/api/v1/journeys/{DEMO_JOURNEY}/staleness").json()
    assert after["last_reviewed_at"] is not None
    assert after["badge"] != "review due"


def test_drift_names_the_moments_the_data_sees_otherwise_than_the_map(
    olive: TestClient, demo_app: FastAPI
) -> None:
    url = f"/api/v1/journeys/{DEMO_JOURNEY}/staleness"
    deadline = time.monotonic() + 180
    while not (found := olive.get(url).json())["drift_checked"]:
        assert time.monotonic() < deadline, found
        time.sleep(0.5)
    with demo_app.state.context.analysis() as analysis:
        impacts = analysis.moment_impacts(
            DEMO_JOURNEY,
            scope=persona_scope(analysis, DEMO_JOURNEY),
            observed_before=dt.timedelta(days=45),
        )
    expected = list(dict.fromkeys(v.touchpoint for v in impacts.verdicts if not v.agrees))
    assert found["moments_changed"] == expected
    if expected and found["badge"] != "review due":
        assert "unlike the map" in found["badge"]
        assert any("moment" in reason for reason in found["reasons"])


# -- the template workspace: no events ------------------------------------------------------


def test_without_events_there_are_no_numbers_but_a_hint(
    owner: TestClient, web_app: FastAPI
) -> None:
    try:
        metrics = until_done(owner, f"/api/v1/journeys/{JOURNEY}/metrics", timeout=30)
        assert metrics["measured"] is False
        assert metrics["stages"] == {}
        assert "journeymap import events" in metrics["hint"]
        page = owner.get(f"/journeys/{JOURNEY}/analytics")
        assert "No numbers yet" in page.text
        assert 'class="list metrics-table"' not in page.text
        funnel = owner.get(f"/api/v1/journeys/{JOURNEY}/analytics/funnel")
        assert funnel.status_code == 400
        assert "no events" in funnel.json()["detail"]
        assert "journeymap import events" in funnel.json()["hint"]
        assert owner.get("/api/v1/journeys/family-order/staleness").json()["badge"] == "up to date"
    finally:
        stop_jobs(web_app)


def test_the_openapi_document_describes_the_analytics_api(owner: TestClient) -> None:
    paths = owner.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/journeys/{journey_id}/metrics",
        "/api/v1/journeys/{journey_id}/analyze",
        "/api/v1/journeys/{journey_id}/analytics/funnel",
        "/api/v1/journeys/{journey_id}/analytics/moments",
        "/api/v1/jobs/{job_id}",
        "/api/v1/my-touchpoints",
        "/api/v1/journeys/{journey_id}/reviewed",
    ):
        assert path in paths, path
    assert "202" in paths["/api/v1/journeys/{journey_id}/metrics"]["get"]["responses"]
