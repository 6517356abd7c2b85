"""Journey-as-code: map files (YAML) <-> workspaces, their JSON Schema and starter templates.

Every problem in a map file comes back with its file, line, column, the path of the field
and a hint that says how to fix it, so editors and the CLI can point straight at it::

    from journeymap.mapfile import dump_workspace, load_file, validate_file

    for problem in validate_file(Path("journeymap.yaml")):
        print(problem)          # journeymap.yaml:12:16: 'score' should be ... Emotion scores go ...
    workspace = load_file(Path("journeymap.yaml"))  # MapFileError lists every problem
    Path("journeymap.yaml").write_text(dump_workspace(workspace))
"""

from journeymap.mapfile.document import MapDocument
from journeymap.mapfile.dump import dump_workspace
from journeymap.mapfile.errors import LocatedProblem, MapFileError
from journeymap.mapfile.json_schema import (
    json_schema_text,
    workspace_json_schema,
    write_json_schema,
)
from journeymap.mapfile.load import load_file, load_text, validate_file, validate_text
from journeymap.mapfile.templates import TemplateInfo, list_templates, load_template

__all__ = [
    "LocatedProblem",
    "MapDocument",
    "MapFileError",
    "TemplateInfo",
    "dump_workspace",
    "json_schema_text",
    "list_templates",
    "load_file",
    "load_template",
    "load_text",
    "validate_file",
    "validate_text",
    "workspace_json_schema",
    "write_json_schema",
]
