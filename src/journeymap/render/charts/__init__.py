"""Charts of the analytics' results: each a pure function from a result to a Scene.

One module per chart, all drawn with the poster's style system (its font, palette and
moment-kind shapes) by the shared frame in :mod:`journeymap.render.charts._frame`, and all
registered here under a name, so built-in and third-party charts are listed, looked up and
drawn alike (:func:`chart_types`, :func:`render_chart`). Every chart raises ``ValueError``
for an input with nothing to draw.
"""

from __future__ import annotations

from journeymap.analytics.dfg import DirectlyFollowsGraph
from journeymap.analytics.funnel import FunnelResult
from journeymap.analytics.paths import PathFlows
from journeymap.moments.impact import MomentImpacts
from journeymap.moments.monitor import Incident
from journeymap.render.charts._registry import (
    PLUGIN_GROUP,
    ChartType,
    chart_type,
    chart_types,
    load_plugins,
    register_chart,
    render_chart,
    unregister_chart,
)
from journeymap.render.charts.dfg import dfg_chart
from journeymap.render.charts.emotion import PersonaEmotions, emotion_chart
from journeymap.render.charts.funnel import funnel_chart
from journeymap.render.charts.impact import impact_chart
from journeymap.render.charts.incidents import incident_chart
from journeymap.render.charts.nps import nps_chart
from journeymap.render.charts.sankey import sankey_chart
from journeymap.voice.scores import FeedbackScores

__all__ = [
    "BUILT_IN",
    "PLUGIN_GROUP",
    "ChartType",
    "PersonaEmotions",
    "chart_type",
    "chart_types",
    "dfg_chart",
    "emotion_chart",
    "funnel_chart",
    "impact_chart",
    "incident_chart",
    "load_plugins",
    "nps_chart",
    "register_chart",
    "render_chart",
    "sankey_chart",
    "unregister_chart",
]

BUILT_IN: tuple[ChartType, ...] = (
    ChartType(
        "funnel",
        "Funnel with drop-offs",
        funnel_chart,
        FunnelResult,
        description="Customers per step, the share of the previous step, who was lost.",
    ),
    ChartType(
        "sankey",
        "Paths (Sankey)",
        sankey_chart,
        PathFlows,
        description="Where customers go next, touchpoint by touchpoint, from a start.",
    ),
    ChartType(
        "dfg",
        "Process map",
        dfg_chart,
        DirectlyFollowsGraph,
        description="Which activity directly follows which, how often and how fast.",
    ),
    ChartType(
        "emotion",
        "Emotion curve per persona",
        emotion_chart,
        PersonaEmotions,
        sequence=True,
        description="The emotion the team assumed beside the one customers' feedback shows.",
    ),
    ChartType(
        "impact",
        "Moments-of-truth impact",
        impact_chart,
        MomentImpacts,
        description="Each signal's effect on one outcome with its interval (forest plot).",
    ),
    ChartType(
        "incidents",
        "Incident timeline",
        incident_chart,
        Incident,
        sequence=True,
        description="When a step's conversion dropped or a negative signal rose.",
    ),
    ChartType(
        "nps",
        "NPS by stage",
        nps_chart,
        FeedbackScores,
        description="Net Promoter Score per stage, persona or touchpoint with intervals.",
    ),
)

for _chart in BUILT_IN:
    register_chart(_chart)
