"""The seeded demo workspace: an online home-goods store's maps and data with planted truths.

``demo_workspace()`` is the map the team drew; ``generate_demo(folder)`` writes the event
log, customers, support mail, reviews and NPS answers for it, and ``manifest.json`` with
the truths hidden in them, for the analytics to find (and for tests to check they do).

>>> from pathlib import Path
>>> manifest = generate_demo(Path("demo"), customers=2_000)  # doctest: +SKIP
>>> print(manifest.summary())  # doctest: +SKIP
"""

from journeymap.demo.generate import generate_demo
from journeymap.demo.manifest import (
    DemoManifest,
    GeneratedFile,
    MomentBelief,
    PersonaTruth,
    PlantedTruth,
    read_manifest,
)
from journeymap.demo.workspace import demo_workspace

__all__ = [
    "DemoManifest",
    "GeneratedFile",
    "MomentBelief",
    "PersonaTruth",
    "PlantedTruth",
    "demo_workspace",
    "generate_demo",
    "read_manifest",
]
