"""The JSON Schema of map files, generated from the model so the two cannot drift apart.

Editors (VS Code with the YAML extension, JetBrains) use it to complete keys and flag
mistakes while typing. Every key's hover text is the ``Field(description=...)`` the model
gives it, so the model is the one place to explain a key. The published copy lives in
``schema/journeymap.schema.json`` and a test fails when it differs from what this module
generates. Regenerate it with::

    python -m journeymap.mapfile.schema > schema/journeymap.schema.json

(or ``journeymap schema -o schema/journeymap.schema.json``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from journeymap.mapfile.document import FORMAT_VERSION, SCHEMA_ID, MapDocument

JSON_SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

_DESCRIPTION: Final = (
    f"A journeymap map file (format {FORMAT_VERSION}): personas, teams and customer journeys "
    "as code. A whole workspace or part of one, such as a single journey with its persona. "
    "Stages form the spine of a journey; touchpoints inside them carry moments of truth, "
    "owners and the event rules that find them in real event data."
)


def workspace_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every map file satisfies.

    >>> workspace_json_schema()["properties"]["format"]["const"]
    1
    """
    generated = MapDocument.model_json_schema(by_alias=True)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        **generated,
        "title": "journeymap map file",
        "description": _DESCRIPTION,
    }


def json_schema_text() -> str:
    """The schema as the published file holds it: sorted keys, 2-space indent, final newline."""
    return json.dumps(workspace_json_schema(), indent=2, sort_keys=True) + "\n"


def write_json_schema(path: Path) -> None:
    """Write the schema to ``path`` (UTF-8), creating its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json_schema_text(), encoding="utf-8")
