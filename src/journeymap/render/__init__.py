"""Posters and charts: layout as pure geometry (a Scene), then SVG, PNG, PDF and HTML.

>>> from journeymap.render import poster_scene, to_svg  # doctest: +SKIP
>>> to_svg(poster_scene(content, size=PosterSize.A1))  # doctest: +SKIP
"""

from journeymap.render.content import (
    MomentMark,
    PosterContent,
    PosterData,
    Quote,
    StageMetrics,
    TouchpointMetrics,
)
from journeymap.render.html import poster_html
from journeymap.render.pdf import to_pdf
from journeymap.render.poster import poster_scene
from journeymap.render.raster import to_png
from journeymap.render.scene import Scene
from journeymap.render.style import PosterSize
from journeymap.render.svg import to_svg

__all__ = [
    "MomentMark",
    "PosterContent",
    "PosterData",
    "PosterSize",
    "Quote",
    "Scene",
    "StageMetrics",
    "TouchpointMetrics",
    "poster_html",
    "poster_scene",
    "to_pdf",
    "to_png",
    "to_svg",
]
