"""Server-rendered pages: one Jinja2 environment, autoescaped, with what every page needs.

Every template gets the caller (``principal``), the CSRF token its forms must post, the
navigation for the caller's role and any one-shot notice. Templates never build URLs by
string concatenation of user data: ids go through ``url_for`` or Jinja's escaping.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from journeymap import __version__
from journeymap.web.security import CSRF_FIELD, principal_of

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

templates = Jinja2Templates(directory=TEMPLATES)
templates.env.globals["version"] = __version__
templates.env.globals["csrf_field"] = CSRF_FIELD

STAFF_NAVIGATION = (
    ("Journeys", "/"),
    ("My touchpoints", "/my-touchpoints"),
    ("Jobs", "/jobs"),
    ("Account", "/account"),
)
OWNER_NAVIGATION = (("People", "/people"),)


def navigation(request: Request) -> list[tuple[str, str]]:
    principal = principal_of(request)
    if principal is None:
        return []
    if principal.user.is_customer:
        return [("Your journey", f"/review/{principal.user.journey_id}")]
    items = list(STAFF_NAVIGATION)
    if principal.role in ("owner", "editor"):
        items.insert(2, ("Import", "/imports"))
    if principal.role == "owner":
        items += OWNER_NAVIGATION
    return items


def page(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    title: str = "",
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with the shared context; pages are never cached by browsers."""
    principal = principal_of(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "principal": principal,
            "csrf_token": principal.csrf_token if principal else "",
            "navigation": navigation(request),
            "title": title,
            **context,
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
