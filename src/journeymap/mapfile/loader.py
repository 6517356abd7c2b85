"""YAML text -> node tree with positions -> plain Python data, with located syntax problems.

We compose first and construct second (what ``yaml.safe_load`` does in one go) because the
node tree keeps every line and column: later steps map validation errors back onto it.
Two things PyYAML lets pass that a map file must not: a key written twice (PyYAML keeps the
last one silently, so half an edit disappears) and values its constructors reject with a
bare ``ValueError`` and no position (``2024-02-30``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from journeymap.mapfile.errors import LocatedProblem, MapFileError
from journeymap.mapfile.positions import format_path, start_of

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML was built with it (several times faster), else pure Python."""

_MERGE_TAG: Final = "tag:yaml.org,2002:merge"

# The characters YAML forbids in a stream (PyYAML's Reader.NON_PRINTABLE); libyaml reports
# them by byte offset only, so we find the first one ourselves to give line and column.
_NON_PRINTABLE: Final = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


@dataclass(frozen=True)
class ParsedYaml:
    """A composed document: its node tree (``None`` when empty), the data and duplicate keys."""

    root: Node | None
    data: Any
    duplicate_keys: list[LocatedProblem]


def parse_yaml(text: str, *, file: str, loader: type[yaml.SafeLoader] = SafeLoader) -> ParsedYaml:
    """Compose and construct one YAML document; raise :class:`MapFileError` on bad syntax."""
    located = _located(loader)
    try:
        reader = located(text)
    except yaml.reader.ReaderError as error:
        raise MapFileError([_unprintable(text, file, error)]) from None
    try:
        root = reader.get_single_node()
        duplicates = [] if root is None else _duplicate_keys(root, file)
        data = None if root is None else reader.construct_document(root)
    except yaml.MarkedYAMLError as error:
        raise MapFileError([_syntax_problem(text, file, error)]) from None
    except yaml.reader.ReaderError as error:
        raise MapFileError([_unprintable(text, file, error)]) from None
    finally:
        reader.dispose()
    return ParsedYaml(root=root, data=data, duplicate_keys=duplicates)


_LOCATED_LOADERS: dict[type[yaml.SafeLoader], type[yaml.SafeLoader]] = {}


def _located(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """``base`` whose constructor errors carry the failing node's position."""
    if base not in _LOCATED_LOADERS:

        def construct_object(self: yaml.SafeLoader, node: Node, deep: bool = False) -> Any:
            try:
                return base.construct_object(self, node, deep=deep)
            except yaml.MarkedYAMLError:
                raise
            except (ValueError, OverflowError) as error:
                raise yaml.constructor.ConstructorError(
                    None, None, f"cannot read {node.value!r}: {error}", node.start_mark
                ) from None

        _LOCATED_LOADERS[base] = type(
            f"Located{base.__name__}", (base,), {"construct_object": construct_object}
        )
    return _LOCATED_LOADERS[base]


def _duplicate_keys(root: Node, file: str) -> list[LocatedProblem]:
    """Every key written twice in one mapping, at the second (and later) occurrence."""
    problems: list[LocatedProblem] = []
    seen_nodes: set[int] = set()
    # (node, path) pairs; a stack instead of recursion so deep files cannot overflow it.
    pending: list[tuple[Node, tuple[str | int, ...]]] = [(root, ())]
    while pending:
        node, path = pending.pop()
        if id(node) in seen_nodes:  # an alias repeats a node we already checked
            continue
        seen_nodes.add(id(node))
        if isinstance(node, SequenceNode):
            pending.extend((item, (*path, index)) for index, item in enumerate(node.value))
        elif isinstance(node, MappingNode):
            first_seen: dict[tuple[str, str], ScalarNode] = {}
            for key, value in node.value:
                key_name: str | int = key.value if isinstance(key, ScalarNode) else "?"
                pending.append((value, (*path, key_name)))
                if not isinstance(key, ScalarNode) or key.tag == _MERGE_TAG:
                    continue
                identity = (key.tag, key.value)
                first = first_seen.setdefault(identity, key)
                if first is not key:
                    line, column = start_of(key)
                    problems.append(
                        LocatedProblem(
                            file=file,
                            line=line,
                            column=column,
                            message=f"duplicate key {key.value!r} (first at line {start_of(first)[0]})",
                            hint="YAML keeps only the last value of a repeated key; "
                            "merge the two entries or rename one.",
                            path=format_path((*path, key_name)),
                        )
                    )
    return sorted(problems, key=lambda problem: (problem.line, problem.column))


def _syntax_problem(text: str, file: str, error: yaml.MarkedYAMLError) -> LocatedProblem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = error.problem or error.context or "invalid YAML"
    message = f"YAML syntax error: {problem}"
    if isinstance(error, yaml.constructor.ConstructorError):
        message = problem  # the syntax is fine; a value cannot be what it claims to be
    elif error.context and error.problem:
        message = f"YAML syntax error {error.context}: {problem}"
    offending = text[mark.index] if mark is not None and mark.index < len(text) else ""
    return LocatedProblem(file, line, column, message, _syntax_hint(problem, offending))


def _syntax_hint(problem: str, offending: str) -> str:
    """A fix for the usual YAML slips; PyYAML and libyaml word their errors differently."""
    if offending == "\t":
        return "Indent with spaces; YAML does not allow tabs for indentation."
    if "mapping values are not allowed" in problem:
        return 'Put text that contains ": " in quotes, or check the indentation of this line.'
    if "another document" in problem:
        return "A map file holds one YAML document; remove the second '---' or split the file."
    if "undefined alias" in problem:
        return "Define the anchor (&name) before using the alias (*name), or quote the text."
    if "constructor for the tag" in problem:
        return "Map files use plain YAML values; remove the '!' tag or quote the value."
    if "cannot read" in problem:
        return "Fix the value (a date is YYYY-MM-DD), or put it in quotes to keep it as text."
    if "quoted scalar" in problem or "end of stream" in problem:
        return "Close the quote that starts this value."
    if "expected ','" in problem or "flow" in problem:
        return "Close the [ or { bracket and separate items with commas."
    return "Check the indentation and the quoting around this place; keys of one mapping line up."


def _unprintable(text: str, file: str, error: yaml.reader.ReaderError) -> LocatedProblem:
    found = _NON_PRINTABLE.search(text)
    index = found.start() if found else 0
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    character = f"U+{ord(text[index]):04X}" if found else f"#x{error.character:04x}"
    return LocatedProblem(
        file,
        line,
        column,
        f"YAML does not allow the control character {character} in a file",
        'Delete it, or write it as an escape inside double quotes ("\\x07").',
    )
