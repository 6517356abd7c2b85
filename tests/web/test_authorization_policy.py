"""The authorisation policy, written down: which access level every route must declare.

The matrix test (test_authorization_matrix.py) proves the gate enforces what each route
declares; this table proves each route declares what we decided. Adding a route means
adding it here, on purpose, with the level a reviewer can see in the diff.
"""

from __future__ import annotations

from fastapi.routing import APIRoute

from journeymap.web.routes import ROUTERS
from journeymap.web.security import Access, declared_access

POLICY: dict[Access, tuple[str, ...]] = {
    Access.PUBLIC: (
        "GET /",
        "GET /invite/{secret}",
        "POST /invite/{secret}",
        "GET /login",
        "POST /login",
        "POST /logout",
    ),
    Access.CUSTOMER: (
        "GET /api/v1/review/{journey_id}",
        "PUT /api/v1/review/{journey_id}/items/{kind}/{item_id}",
        "GET /review/{journey_id}",
        "GET /review/{journey_id}/done",
        "POST /review/{journey_id}/items/{kind}/{item_id}",
    ),
    Access.READ: (
        "GET /account",
        "POST /account/tokens",
        "POST /account/tokens/{token_id}/revoke",
        "GET /api/v1/jobs",
        "GET /api/v1/jobs/{job_id}",
        "GET /api/v1/journeys",
        "GET /api/v1/journeys/{journey_id}",
        "GET /api/v1/journeys/{journey_id}/analytics",
        "GET /api/v1/journeys/{journey_id}/analytics/dfg",
        "GET /api/v1/journeys/{journey_id}/analytics/feedback",
        "GET /api/v1/journeys/{journey_id}/analytics/funnel",
        "GET /api/v1/journeys/{journey_id}/analytics/funnel/customers",
        "GET /api/v1/journeys/{journey_id}/analytics/incidents",
        "GET /api/v1/journeys/{journey_id}/analytics/moments",
        "GET /api/v1/journeys/{journey_id}/analytics/paths",
        "GET /api/v1/journeys/{journey_id}/diff",
        "GET /api/v1/journeys/{journey_id}/items/touchpoint/{item_id}/feedback",
        "GET /api/v1/journeys/{journey_id}/items/{kind}/{item_id}",
        "GET /api/v1/journeys/{journey_id}/items/{kind}/{item_id}/evidence/{evidence_id}/file",
        "GET /api/v1/journeys/{journey_id}/metrics",
        "GET /api/v1/journeys/{journey_id}/poster",
        "GET /api/v1/journeys/{journey_id}/staleness",
        "GET /api/v1/journeys/{journey_id}/validations",
        "GET /api/v1/journeys/{journey_id}/versions",
        "GET /api/v1/me",
        "GET /api/v1/my-touchpoints",
        "GET /api/v1/staleness",
        "GET /api/v1/tokens",
        "POST /api/v1/tokens",
        "DELETE /api/v1/tokens/{token_id}",
        "GET /jobs",
        "GET /journeys/{journey_id}",
        "GET /journeys/{journey_id}/analytics",
        "GET /journeys/{journey_id}/analytics/dfg",
        "GET /journeys/{journey_id}/analytics/dfg.svg",
        "GET /journeys/{journey_id}/analytics/feedback",
        "GET /journeys/{journey_id}/analytics/funnel",
        "GET /journeys/{journey_id}/analytics/funnel.svg",
        "GET /journeys/{journey_id}/analytics/funnel/customers",
        "GET /journeys/{journey_id}/analytics/incidents",
        "GET /journeys/{journey_id}/analytics/incidents.svg",
        "GET /journeys/{journey_id}/analytics/moments",
        "GET /journeys/{journey_id}/analytics/moments.svg",
        "GET /journeys/{journey_id}/analytics/paths",
        "GET /journeys/{journey_id}/analytics/paths.svg",
        "GET /journeys/{journey_id}/compare",
        "GET /journeys/{journey_id}/history",
        "GET /journeys/{journey_id}/history/{old}/{new}",
        "GET /journeys/{journey_id}/items/{kind}/{item_id}",
        "GET /journeys/{journey_id}/items/{kind}/{item_id}/evidence/{evidence_id}/file",
        "GET /journeys/{journey_id}/poster.{format}",
        "GET /journeys/{journey_id}/validations",
        "GET /my-touchpoints",
    ),
    Access.COMMENT: (
        "POST /api/v1/journeys/{journey_id}/items/{kind}/{item_id}/comments",
        "POST /api/v1/journeys/{journey_id}/items/{kind}/{item_id}/comments/{comment_id}/resolve",
        "POST /api/v1/journeys/{journey_id}/reviewed",
        "POST /journeys/{journey_id}/items/{kind}/{item_id}/comments",
        "POST /journeys/{journey_id}/items/{kind}/{item_id}/comments/{comment_id}/resolve",
        "POST /journeys/{journey_id}/reviewed",
    ),
    Access.EDIT: (
        "POST /api/v1/imports",
        "POST /api/v1/journeys",
        "PUT /api/v1/journeys/{journey_id}",
        "POST /api/v1/journeys/{journey_id}/analyze",
        "PUT /api/v1/journeys/{journey_id}/items/touchpoint/{item_id}/feedback/{feedback_id}/assignment",
        "POST /api/v1/journeys/{journey_id}/items/{kind}/{item_id}/evidence",
        "POST /api/v1/journeys/{journey_id}/restore",
        "POST /api/v1/journeys/{journey_id}/stages",
        "DELETE /api/v1/journeys/{journey_id}/stages/{stage_id}",
        "PATCH /api/v1/journeys/{journey_id}/stages/{stage_id}",
        "POST /api/v1/journeys/{journey_id}/stages/{stage_id}/move",
        "POST /api/v1/journeys/{journey_id}/touchpoints",
        "DELETE /api/v1/journeys/{journey_id}/touchpoints/{touchpoint_id}",
        "PATCH /api/v1/journeys/{journey_id}/touchpoints/{touchpoint_id}",
        "POST /api/v1/journeys/{journey_id}/touchpoints/{touchpoint_id}/move",
        "GET /imports",
        "POST /imports",
        "POST /journeys",
        "GET /journeys/new",
        "POST /journeys/{journey_id}/analytics/{what}/run",
        "POST /journeys/{journey_id}/analyze",
        "POST /journeys/{journey_id}/items/touchpoint/{item_id}/feedback/{feedback_id}/assignment",
        "POST /journeys/{journey_id}/items/{kind}/{item_id}/evidence",
        "POST /journeys/{journey_id}/restore/{version}",
        "POST /journeys/{journey_id}/stages",
        "POST /journeys/{journey_id}/stages/{stage_id}",
        "POST /journeys/{journey_id}/stages/{stage_id}/delete",
        "POST /journeys/{journey_id}/stages/{stage_id}/move",
        "POST /journeys/{journey_id}/touchpoints",
        "POST /journeys/{journey_id}/touchpoints/{touchpoint_id}",
        "POST /journeys/{journey_id}/touchpoints/{touchpoint_id}/delete",
        "POST /journeys/{journey_id}/touchpoints/{touchpoint_id}/move",
    ),
    Access.OWNER: (
        "GET /api/v1/journeys/{journey_id}/invitations",
        "POST /api/v1/journeys/{journey_id}/invitations",
        "GET /api/v1/users",
        "POST /api/v1/users",
        "POST /api/v1/users/{user_id}/disable",
        "PUT /api/v1/users/{user_id}/role",
        "POST /journeys/{journey_id}/invitations",
        "GET /people",
        "POST /people",
        "POST /people/{user_id}/disable",
        "POST /people/{user_id}/role",
    ),
}


def declared() -> dict[str, Access | None]:
    return {
        f"{method} {route.path}": declared_access(route.endpoint)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in sorted(set(route.methods or ()) - {"HEAD"})
    }


def test_every_route_declares_the_level_the_policy_gives_it() -> None:
    expected = {route: level for level, routes in POLICY.items() for route in routes}
    actual = declared()
    missing = sorted(set(actual) - set(expected))
    assert missing == [], f"routes not in the policy table (add them on purpose): {missing}"
    gone = sorted(set(expected) - set(actual))
    assert gone == [], f"the policy lists routes that no longer exist: {gone}"
    wrong = {
        route: (actual[route], level) for route, level in expected.items() if actual[route] != level
    }
    assert wrong == {}, f"declared vs policy: {wrong}"


def test_customers_reach_only_their_review_and_the_way_in() -> None:
    customer_routes = POLICY[Access.CUSTOMER]
    assert all(" /review/" in r or " /api/v1/review/" in r for r in customer_routes)
    assert all("{journey_id}" in r for r in customer_routes)


def test_nothing_changes_state_on_get_without_a_good_reason() -> None:
    # GETs may start a measurement job (a cache fill, nothing the user owns changes); they
    # never edit a map, people or tokens: every such route is a POST, PUT, PATCH or DELETE.
    for level in (Access.EDIT, Access.OWNER):
        gets = [r for r in POLICY[level] if r.startswith("GET ")]
        assert all(
            r.split()[1]
            in {
                "/imports",
                "/journeys/new",
                "/people",
                "/api/v1/users",
                "/api/v1/journeys/{journey_id}/invitations",
            }
            for r in gets
        ), gets
