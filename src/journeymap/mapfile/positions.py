"""From a path into the data (``("journeys", 0, "persona")``) to a line and column in the file.

Pydantic and the integrity checks name places by path; editors need positions. The node
tree that :mod:`journeymap.mapfile.loader` composed keeps both, and this module walks it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Location = Sequence[str | int]

KEY_MARKER: Final = "[key]"
"""Pydantic's last location part when a dictionary key (not its value) is wrong."""

_PLAIN_NAME: Final = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")
_SCALAR_CONSTRUCTOR: Final = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class Target:
    """Where a location lands: the value node reached, the key node that led there (if the
    last step was a mapping key), and the tail of the location that is not in the file."""

    node: Node
    key: ScalarNode | None
    missing: tuple[str | int, ...]


def start_of(node: Node) -> tuple[int, int]:
    """The 1-based line and column where a node begins."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def format_path(location: Location) -> str:
    """``("journeys", 0, "stages", 2, "id")`` -> ``journeys[0].stages[2].id``."""
    text = ""
    for part in location:
        if part == KEY_MARKER:
            continue
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_NAME.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{part!r}]"
    return text


def locate(root: Node, location: Location) -> Target:
    """Follow ``location`` down the node tree as far as the file has it."""
    node, key = root, None
    for index, part in enumerate(location):
        if part == KEY_MARKER and key is not None:
            return Target(node=key, key=key, missing=())
        if isinstance(node, MappingNode):
            entry = _entry(node, part)
            if entry is None:
                return Target(node=node, key=None, missing=tuple(location[index:]))
            key, node = entry
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            key, node = None, node.value[part]
        else:
            return Target(node=node, key=None, missing=tuple(location[index:]))
    return Target(node=node, key=key, missing=())


def _entry(mapping: MappingNode, part: str | int) -> tuple[ScalarNode, Node] | None:
    # Backwards: after a merge (<<) the explicit key comes last and is the one that counts.
    for key, value in reversed(mapping.value):
        if isinstance(key, ScalarNode) and _key_matches(key, part):
            return key, value
    return None


def _key_matches(key: ScalarNode, part: str | int) -> bool:
    if key.value == part:
        return True
    if key.tag == "tag:yaml.org,2002:str":
        return False
    try:  # a key YAML reads as a number or boolean (1, yes) appears in paths as that value
        value: object = _SCALAR_CONSTRUCTOR.construct_object(key)
    except (yaml.YAMLError, ValueError):
        return False
    return value == part


def position_in_scalar(node: Node, text: str, offset: int) -> tuple[int, int]:
    """The position of character ``offset`` of a scalar's value inside the file.

    Exact for a scalar on one line (plain, 'single' or "double" quoted, escapes included);
    for anything else (block scalars, folded lines) the scalar's start, which is still the
    right place to look.
    """
    line, column = start_of(node)
    start, end = node.start_mark, node.end_mark
    if not isinstance(node, ScalarNode) or start.line != end.line:
        return line, column
    raw = text[start.index : end.index]
    positions = _source_positions(raw, node.style)
    if positions is None or len(positions) != len(node.value) or offset > len(positions):
        return line, column
    # One past the last character (an error at the end of the rule) sits after the scalar.
    at = positions[offset] if offset < len(positions) else len(raw) - (node.style in ("'", '"'))
    return line, column + at


def _source_positions(raw: str, style: str | None) -> list[int] | None:
    """For each character of the scalar's value, its index in the scalar's source text."""
    if not style:
        return list(range(len(raw)))
    if style not in ("'", '"') or len(raw) < 2 or raw[0] != style or raw[-1] != style:
        return None
    positions: list[int] = []
    index = 1
    while index < len(raw) - 1:
        positions.append(index)
        if style == "'" and raw.startswith("''", index):
            index += 2
        elif style == '"' and raw[index] == "\\":
            index += {"x": 4, "u": 6, "U": 10}.get(raw[index + 1], 2)
        else:
            index += 1
    return positions
