"""The poster of a journey as the map page shows it live, and as files to download.

Drawn without data (measuring the event log takes seconds; the analytics views show the
numbers), so it follows every save at once. A version's poster never changes, so it is
kept in a small in-memory cache per app, keyed by journey, version, format and size; the
map page asks for ``poster.svg?v=VERSION`` so browsers reload it exactly when it changed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from journeymap.render import PosterSize
from journeymap.services.render import PosterFormat, RenderedPoster
from journeymap.web.security import Access, access, context_of

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["journeys"])

CACHED_POSTERS = 32
"""Posters kept per app: a few journeys in a few formats; an SVG is about 100 kB."""

CacheKey = tuple[str, int, PosterFormat, PosterSize]


class PosterCache:
    """The last :data:`CACHED_POSTERS` posters drawn, least recently used dropped first."""

    def __init__(self, limit: int = CACHED_POSTERS) -> None:
        self.limit = limit
        self._posters: OrderedDict[CacheKey, RenderedPoster] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> RenderedPoster | None:
        with self._lock:
            found = self._posters.get(key)
            if found is not None:
                self._posters.move_to_end(key)
            return found

    def put(self, key: CacheKey, poster: RenderedPoster) -> None:
        with self._lock:
            self._posters[key] = poster
            self._posters.move_to_end(key)
            while len(self._posters) > self.limit:
                self._posters.popitem(last=False)


_CACHE_LOCK = threading.Lock()


def poster_cache(request: Request) -> PosterCache:
    """The app's cache (on ``app.state``: two apps never share posters of equal versions)."""
    with _CACHE_LOCK:
        cache = getattr(request.app.state, "journey_posters", None)
        if not isinstance(cache, PosterCache):
            cache = PosterCache()
            request.app.state.journey_posters = cache
        return cache


def journey_poster(
    request: Request, journey_id: str, format: PosterFormat, size: PosterSize
) -> RenderedPoster:
    """The head version's poster, drawn once per version."""
    context = context_of(request)
    head = context.workspace.store.head(journey_id).number
    cache = poster_cache(request)
    found = cache.get((journey_id, head, format, size))
    if found is not None:
        return found
    poster = context.render.poster(journey_id, format=format, size=size)
    # Keyed by the version it was really drawn from: a save in between must not be cached
    # under the older number.
    drawn = context.workspace.store.head(journey_id).number
    if drawn == head:
        cache.put((journey_id, head, format, size), poster)
    return poster


def poster_response(poster: RenderedPoster, *, download: bool) -> Response:
    # The HTML poster is a document of its own (inline script and style, which this app's
    # CSP refuses): always a download, never a page of this origin.
    attach = download or poster.format is PosterFormat.HTML
    headers = {"Cache-Control": "private, max-age=300"}
    if attach:
        headers["Content-Disposition"] = f'attachment; filename="{poster.file_name}"'
    return Response(poster.content, media_type=poster.format.media_type, headers=headers)


@router.get("/journeys/{journey_id}/poster.{format}")
@access(Access.READ)
def poster_file(
    request: Request,
    journey_id: str,
    format: PosterFormat,
    size: PosterSize = PosterSize.A3,
    download: bool = False,
) -> Response:
    return poster_response(journey_poster(request, journey_id, format, size), download=download)


@api.get(
    "/journeys/{journey_id}/poster",
    response_class=Response,
    responses={
        200: {
            "description": "The poster file (media type by format).",
            "content": {f.media_type.split(";")[0]: {} for f in PosterFormat},
        }
    },
)
@access(Access.READ)
def poster(
    request: Request,
    journey_id: str,
    format: Annotated[PosterFormat, Query(description="svg, png, pdf or html")] = PosterFormat.SVG,
    size: Annotated[PosterSize, Query(description="A3, A2, A1 or screen")] = PosterSize.A3,
) -> Response:
    """The journey's poster at its head version, without data (``journeymap render``)."""
    return poster_response(journey_poster(request, journey_id, format, size), download=True)
