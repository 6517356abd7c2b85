"""The chart registry: every chart type, built in or from a plugin, is found the same way.

A chart type is a name, a title for menus, the result type it draws and a pure function
from that result (and keyword options) to a :class:`~journeymap.render.scene.Scene`. The
built-in charts register themselves when :mod:`journeymap.render.charts` is imported; a
third-party package registers its own with :func:`register_chart`, either on import or
through an entry point in the ``journeymap.charts`` group (loaded by :func:`load_plugins`),
and from then on the CLI, the HTML report and the tests see no difference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from journeymap.render.scene import Scene

PLUGIN_GROUP = "journeymap.charts"


@dataclass(frozen=True)
class ChartType:
    """One kind of chart: how it is called, what it draws, and the function that draws it."""

    name: str
    title: str
    render: Callable[..., Scene]
    input_type: type
    """The result it draws (for a sequence of results, the type of one item)."""
    sequence: bool = False
    """Whether ``render`` takes a sequence of ``input_type`` rather than one."""
    description: str = ""


_CHARTS: dict[str, ChartType] = {}


def register_chart(chart: ChartType, *, replace: bool = False) -> ChartType:
    """Add ``chart`` to the registry; a second one of the same name needs ``replace=True``."""
    if not chart.name or chart.name != chart.name.strip().lower() or " " in chart.name:
        raise ValueError(f"a chart name is one lowercase word like 'funnel'; got {chart.name!r}")
    if chart.name in _CHARTS and not replace and _CHARTS[chart.name] != chart:
        raise ValueError(
            f"a chart named {chart.name!r} is already registered; pass replace=True to swap it"
        )
    _CHARTS[chart.name] = chart
    return chart


def unregister_chart(name: str) -> None:
    """Remove a chart type (a plugin unloading, a test cleaning up); unknown names are ignored."""
    _CHARTS.pop(name, None)


def chart_types() -> tuple[ChartType, ...]:
    """Every registered chart type, by name."""
    return tuple(_CHARTS[name] for name in sorted(_CHARTS))


def chart_type(name: str) -> ChartType:
    """The chart type called ``name``; ``KeyError`` naming the known ones otherwise."""
    try:
        return _CHARTS[name]
    except KeyError:
        known = ", ".join(sorted(_CHARTS)) or "none"
        raise KeyError(f"no chart type {name!r}; known: {known}") from None


def render_chart(name: str, data: Any, **options: Any) -> Scene:
    """Draw ``data`` with the chart type called ``name``."""
    return chart_type(name).render(data, **options)


def load_plugins() -> tuple[ChartType, ...]:
    """Register the chart types that installed packages offer in the ``journeymap.charts``
    entry-point group (each entry point names a :class:`ChartType`); returns them."""
    loaded = []
    for point in sorted(entry_points(group=PLUGIN_GROUP), key=lambda p: p.name):
        chart = point.load()
        if not isinstance(chart, ChartType):
            raise TypeError(f"entry point {point.name!r} of {PLUGIN_GROUP} is not a ChartType")
        loaded.append(register_chart(chart))
    return tuple(loaded)
