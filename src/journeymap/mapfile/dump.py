"""Workspace -> map-file YAML that people can read, review in a diff and load back unchanged.

Keys follow the model's field order (a touchpoint reads id, name, channel... not
alphabetically), fields equal to their defaults are left out so a small map stays a small
file, multi-line text becomes literal blocks, and non-ASCII text is written as is.
Everything YAML would read back as something else (``yes``, ``null``, ``1.0``, ``#``, a
leading space) is quoted, so ``load_text(dump_workspace(w)) == w``.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Final

import yaml
from pydantic import BaseModel

from journeymap.mapfile.document import FORMAT_VERSION, SCHEMA_ID
from journeymap.model import Workspace

_NO_LINE_WRAP: Final = 1_000_000

# YAML reads these as line breaks and turns them into "\n" inside block and single-quoted
# scalars; only the escapes of double quotes keep them.
_BREAKS_ONLY_ESCAPES_KEEP: Final = frozenset("\r\x85\u2028\u2029")


class _MapDumper(yaml.SafeDumper):
    """Block style with list items indented under their key, as people write YAML by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style: str | None = None
    if not _BREAKS_ONLY_ESCAPES_KEEP.isdisjoint(text):
        style = '"'
    elif "\n" in text:
        style = "|"  # PyYAML falls back to quotes when a literal block cannot hold the text
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_MapDumper.add_representer(str, _represent_text)


def dump_workspace(workspace: Workspace) -> str:
    """The map-file YAML of a workspace; deterministic, so saving twice gives the same file.

    >>> from journeymap.model import Persona
    >>> print(dump_workspace(Workspace(name="Shop", personas=[Persona(id="sam", name="Sam")])), end="")
    # yaml-language-server: $schema=https://journeymap.dev/schema/journeymap.schema.json
    format: 1
    name: Shop
    personas:
      - id: sam
        name: Sam
    """
    document = {"format": FORMAT_VERSION, **_plain(workspace)}
    body = yaml.dump(
        document,
        Dumper=_MapDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=_NO_LINE_WRAP,
        indent=2,
    )
    return f"# yaml-language-server: $schema={SCHEMA_ID}\n{body}"


def _plain(model: BaseModel) -> dict[str, Any]:
    """A model as plain data in field order, without the fields that hold their default."""
    fields: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if not field.is_required() and value == field.get_default(call_default_factory=True):
            continue
        fields[field.alias or name] = _value(value)
    return fields


def _value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _plain(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _value(item) for key, item in value.items()}
    if isinstance(value, str):
        return str(value)  # a str subclass would need a representer of its own
    return value
