"""The map-file document: a workspace plus the two keys only files have (format, $schema).

A whole workspace and a "journey file" (one journey, usually with its persona) share this
one shape, so every file validates against one JSON Schema and loads with one function.
The document subclasses :class:`~journeymap.model.Workspace` instead of wrapping it, so
its fields, error locations and schema stay exactly the workspace's.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import ConfigDict, Field

from journeymap.model import Workspace

FORMAT_VERSION: Final = 1
"""The map-file format this journeymap reads and writes."""

SCHEMA_ID: Final = "https://journeymap.dev/schema/journeymap.schema.json"
"""Where the published JSON Schema lives; editors fetch it through ``$schema``."""


class MapDocument(Workspace):
    """A journeymap map file: a whole workspace, or part of one such as a single journey."""

    # Aliases only: a file must say "$schema", never the Python attribute name.
    model_config = ConfigDict(populate_by_name=False, title="journeymap map file")

    format: Literal[1] = Field(
        default=FORMAT_VERSION,
        description="Map-file format version; this journeymap reads and writes format 1.",
    )
    schema_url: str | None = Field(
        default=None,
        alias="$schema",
        title="JSON Schema",
        description="The JSON Schema editors use to check and complete this file.",
    )

    def to_workspace(self) -> Workspace:
        """The workspace this document describes, without the file-only keys."""
        given = self.model_fields_set & set(Workspace.model_fields)
        return Workspace.model_validate({name: getattr(self, name) for name in given})
