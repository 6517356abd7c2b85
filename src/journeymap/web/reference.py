"""The API and page reference (``docs/reference/web-routes.md``), written from the routers.

Generated, never hand-kept, so it cannot drift: a test regenerates it and compares with the
committed page. Regenerate after changing a route::

    python -m journeymap.web.reference > docs/reference/web-routes.md
"""

from __future__ import annotations

import inspect

from fastapi.routing import APIRoute

from journeymap.web.routes import ROUTERS
from journeymap.web.security import ADMITS, Access, declared_access

WHO = {
    level: ", ".join(
        role for role in ("owner", "editor", "viewer", "customer") if role in ADMITS[level]
    )
    for level in Access
}
WHO[Access.PUBLIC] = "anyone"


def _routes() -> list[APIRoute]:
    return [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]


def _summary(route: APIRoute) -> str:
    doc = inspect.getdoc(route.endpoint) or ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ")
    return first.replace("|", "\\|")


def _table(routes: list[APIRoute]) -> list[str]:
    lines = ["| method | path | who | what |", "|---|---|---|---|"]
    for route in sorted(routes, key=lambda r: (r.path, sorted(r.methods or ()))):
        level = declared_access(route.endpoint)
        who = WHO[level] if level is not None else "nobody (undeclared)"
        for method in sorted(set(route.methods or ()) - {"HEAD"}):
            lines.append(f"| {method} | `{route.path}` | {who} | {_summary(route)} |")
    return lines


def render_reference() -> str:
    """The reference page as Markdown."""
    routes = _routes()
    api = [r for r in routes if r.path.startswith("/api/")]
    pages = [r for r in routes if not r.path.startswith("/api/")]
    lines = [
        "# Web app routes",
        "",
        "Generated from the app by `python -m journeymap.web.reference`; do not edit by hand.",
        '"who" is the roles admitted (a `read` API token admits only reading routes); a',
        "customer reaches only routes of the journey they were invited to. See",
        "[the web app](../web.md) for what each area does.",
        "",
        "## JSON API",
        "",
        "Send `Authorization: Bearer <token>`, or a session cookie with `X-CSRF-Token` on",
        "changes. The OpenAPI document is at `/api/v1/openapi.json`.",
        "",
        *_table(api),
        "",
        "## Pages",
        "",
        "Server-rendered HTML; forms post back with the session's CSRF token.",
        "",
        *_table(pages),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    print(render_reference(), end="")


if __name__ == "__main__":
    main()
