"""The published JSON Schema is exactly what the model generates, and it describes every key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from journeymap.mapfile import (
    json_schema_text,
    load_text,
    workspace_json_schema,
    write_json_schema,
)
from journeymap.mapfile.document import SCHEMA_ID
from journeymap.model import Workspace

PUBLISHED = Path(__file__).parents[2] / "schema" / "journeymap.schema.json"
REGENERATE = "python -m journeymap.mapfile.schema > schema/journeymap.schema.json"


def test_published_schema_matches_the_model() -> None:
    assert PUBLISHED.read_text(encoding="utf-8") == json_schema_text(), (
        f"schema/journeymap.schema.json is out of date with the model; regenerate it with "
        f"`{REGENERATE}` and commit the result."
    )


def test_the_module_prints_the_schema_for_regeneration() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "journeymap.mapfile.schema"],
        check=True,
        capture_output=True,
    )

    assert printed.stdout.decode("utf-8") == json_schema_text()
    assert printed.stderr == b""


def test_write_json_schema_writes_the_published_form(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "journeymap.schema.json"

    write_json_schema(target)

    assert target.read_text(encoding="utf-8") == json_schema_text()
    assert json_schema_text().endswith("}\n")


def test_schema_names_its_dialect_id_and_the_file_only_keys() -> None:
    schema = workspace_json_schema()

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    assert schema["title"] == "journeymap map file"
    assert schema["description"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["format"]["const"] == 1
    assert schema["properties"]["$schema"]["anyOf"][0] == {"type": "string"}
    assert set(schema["properties"]) == {"$schema", "format", *Workspace.model_fields}


def _objects(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"(document)": schema, **schema["$defs"]}


def test_every_key_and_every_type_has_a_description() -> None:
    undescribed = [
        f"{name}.{key}"
        for name, definition in _objects(workspace_json_schema()).items()
        for key, prop in definition.get("properties", {}).items()
        if not prop.get("description")
    ]
    undescribed += [
        name for name, d in workspace_json_schema()["$defs"].items() if not d.get("description")
    ]

    assert undescribed == [], (
        "give these keys a Field(description=...) in the model, and these types a docstring"
    )


def test_enums_list_their_values_for_editor_completion() -> None:
    definitions = workspace_json_schema()["$defs"]

    assert definitions["Channel"]["enum"][:3] == ["web", "app", "email"]
    assert "pain_point" in definitions["MomentKind"]["enum"]


def test_a_file_with_the_schema_key_loads() -> None:
    text = f"$schema: {SCHEMA_ID}\nformat: 1\nname: Shop\n"

    assert load_text(text) == Workspace(name="Shop")


def test_schema_is_plain_json() -> None:
    assert json.loads(json_schema_text()) == workspace_json_schema()
