"""Validation errors and integrity problems -> located problems with a fix a person can apply.

Pydantic's messages are written for programmers ("Input should be a valid string"); a map
file is written by a product team. Each error type gets a message that names the field and
what was found, a position in the file, and a hint that says what to write instead.
"""

from __future__ import annotations

import datetime as dt
import difflib
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from journeymap.mapfile.errors import LocatedProblem
from journeymap.mapfile.fields import enum_at, field_names, label, model_at
from journeymap.mapfile.positions import (
    KEY_MARKER,
    Location,
    format_path,
    locate,
    position_in_scalar,
    start_of,
)
from journeymap.model import (
    EventRule,
    Evidence,
    Identifier,
    Outcome,
    Problem,
    RuleSyntaxError,
    Touchpoint,
    Validation,
    slugify,
)

# The pattern pydantic reports when an id is malformed (the Identifier type's constraint).
_ID_PATTERN: Final = typing.get_args(Identifier)[1].pattern

_RANGE_HINTS: Final = {
    "score": "Emotion scores go from -2 (distressed) through 0 (neutral) to +2 (delighted).",
    "sentiment": "Sentiment goes from -1.0 (negative) to 1.0 (positive).",
    "impact_rank": "Rank moments of truth from 1 (the highest emotional impact) down.",
    "within_days": "Count the days from 1 up.",
    "confirmed_by": "Count the customers who confirmed it, from 0 up.",
    "disputed_by": "Count the customers who disputed it, from 0 up.",
}

# Model-level rules (one object, several fields) say what is wrong; these say what to write.
_MODEL_RULE_HINTS: Final[dict[type[BaseModel], str]] = {
    Evidence: "Add `stage:` or `touchpoint:` with the id of what this evidence is about.",
    Outcome: "Add an `event_rule:` (with `events:`), a `customer_rule:`, or both.",
    Touchpoint: "Set `moment:` to delighter, hygiene_factor or pain_point, or remove `impact_rank`.",
    Validation: "Set `confirmed_by` / `disputed_by` to how many customers did so, or change `status`.",
    EventRule: "Remove the blank entries from `events`.",
}

_TYPE_HINTS: Final = {
    "int_type": "Write a whole number, e.g. 3.",
    "int_parsing": "Write a whole number, e.g. 3.",
    "int_from_float": "Write a whole number, e.g. 3.",
    "float_type": "Write a number, e.g. 0.5.",
    "float_parsing": "Write a number, e.g. 0.5.",
    "bool_type": "Write true or false.",
    "bool_parsing": "Write true or false.",
    "date_type": "Write a date as YYYY-MM-DD, e.g. 2024-05-31.",
    "date_parsing": "Write a date as YYYY-MM-DD, e.g. 2024-05-31.",
    "date_from_datetime_parsing": "Write a date as YYYY-MM-DD, e.g. 2024-05-31.",
    "date_from_datetime_inexact": "Write only the date, YYYY-MM-DD, without a time.",
}


@dataclass(frozen=True)
class _Error:
    """One pydantic error with the file facts the explanations need."""

    detail: ErrorDetails
    location: Location
    node: Node
    key: ScalarNode | None

    @property
    def name(self) -> str:
        """The field the error is about, as the reader wrote it (``touchpoints[0]``)."""
        parts = [part for part in self.location if part != KEY_MARKER]
        for index in range(len(parts) - 1, -1, -1):
            if isinstance(parts[index], str):
                return format_path(parts[index:])
        return format_path(parts) or "document"

    @property
    def subject(self) -> str:
        """How a message names the place: ``'score'``, or ``key 1 in 'attributes'``."""
        if self.location and self.location[-1] == KEY_MARKER and self.key is not None:
            container = format_path(self.location[-3:-2]) or "document"
            return f"key {self.key.value} in {container!r}"
        return repr(self.name)

    @property
    def found(self) -> str:
        """What the file holds here, as written (``yes``, ``3``, ``a list``)."""
        value = self.detail.get("input")
        if isinstance(self.node, MappingNode) or isinstance(value, dict):
            return "a mapping"
        if isinstance(self.node, SequenceNode) or isinstance(value, list):
            return "a list"
        if value is None:
            return "nothing"
        if isinstance(value, str):
            return repr(value if len(value) <= 60 else f"{value[:57]}...")
        if isinstance(self.node, ScalarNode) and self.node.value:
            return str(self.node.value)
        return str(value)

    def should(self) -> str:
        """Pydantic's "Input should be ..." turned into "'field' should be ..., got ..."."""
        message = self.detail["msg"].removeprefix("Input ")
        return f"{self.subject} {message}, got {self.found}"


Explanation = tuple[str, str]


def explain_validation_error(
    error: ValidationError, *, root: Node, text: str, file: str
) -> list[LocatedProblem]:
    """Every error of a failed document validation, placed in the file."""
    problems = []
    for detail in error.errors():
        location = detail["loc"]
        target = locate(root, location)
        found = _Error(detail, location, target.node, target.key)
        message, hint = _EXPLAIN.get(detail["type"], _generic)(found)
        line, column = _position(found, text)
        path = format_path(location)
        if detail["type"] == "invalid_key" and target.key is not None:
            # Pydantic names a key YAML read as `yes` by its value (True, shown as 1).
            path = format_path([*location[:-1], str(target.key.value)])
        problems.append(LocatedProblem(file, line, column, message, hint, path))
    return problems


def explain_integrity(
    problems: Iterable[Problem], *, root: Node, file: str
) -> list[LocatedProblem]:
    """Cross-reference problems (duplicate ids, unknown references), placed in the file."""
    located = []
    for problem in problems:
        line, column = start_of(locate(root, problem.location).node)
        path = format_path(problem.location)
        message = problem.message
        if problem.first_location is not None:
            first_line, first_column = start_of(locate(root, problem.first_location).node)
            message += f" (first at line {first_line}, column {first_column})"
        located.append(LocatedProblem(file, line, column, message, problem.hint, path))
    return located


def _position(found: _Error, text: str) -> tuple[int, int]:
    kind = found.detail["type"]
    if kind in ("extra_forbidden", "invalid_key") and found.key is not None:
        return start_of(found.key)
    rule_error = found.detail.get("ctx", {}).get("error")
    if isinstance(rule_error, RuleSyntaxError):
        return position_in_scalar(found.node, text, _offset_in_rule(rule_error))
    return start_of(found.node)


def _offset_in_rule(error: RuleSyntaxError) -> int:
    """0-based index into the rule text of the character the rule parser complains about."""
    return min(max(error.column, 1) - 1, len(error.rule))


def _unknown_field(found: _Error) -> Explanation:
    owner = model_at(found.location[:-1])
    name = str(found.location[-1])
    valid = field_names(owner) if owner is not None else []
    message = f"unknown field {name!r} in {_a(label(owner))}"
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
    if close:
        return message, f"Did you mean {close[0]!r}?"
    return message, f"Fields of {_a(label(owner))}: {', '.join(valid)}."


def _missing(found: _Error) -> Explanation:
    owner = model_at(found.location[:-1])
    field = str(found.location[-1])
    return (
        f"{_a(label(owner))} is missing the required field {field!r}",
        f"Add a line `{field}: ...` to this {label(owner)}.",
    )


def _enum(found: _Error) -> Explanation:
    enum = enum_at(found.location)
    values = [str(member.value) for member in enum] if enum is not None else []
    listing = f"Use one of: {', '.join(values)}."
    given = found.detail.get("input")
    close = difflib.get_close_matches(str(given).lower(), values, n=1, cutoff=0.5)
    if close:
        return found.should(), f"Did you mean {close[0]!r}? {listing}"
    return found.should(), listing


def _text(found: _Error) -> Explanation:
    value = found.detail.get("input")
    if value is None:
        return found.should(), "Write a value after the colon, or remove the line."
    if isinstance(value, bool | int | float | dt.date):
        raw = found.node.value if isinstance(found.node, ScalarNode) else str(value)
        return found.should(), f'Put it in quotes ("{raw}") so YAML keeps it as text.'
    return found.should(), "Write a single text here, not a list or a mapping."


def _list(found: _Error) -> Explanation:
    if found.detail.get("input") is None:
        return found.should(), "Write `[]` for an empty list, or remove the line."
    return found.should(), "Write a list: one `- item` per line under the key, or [a, b]."


def _mapping(found: _Error) -> Explanation:
    owner = model_at(found.location)
    if not found.location:
        return (
            f"a map file should be a mapping of top-level keys, got {found.found}",
            "Start the file with keys such as `name:`, `personas:` and `journeys:`.",
        )
    what = label(owner) if owner is not None else "value"
    message = (
        f"{found.name!r} should be {_a(what)} (indented `field: value` lines), got {found.found}"
    )
    if found.detail.get("input") is None:
        return message, "Write its fields on the lines below, indented, or remove the line."
    return message, f"Write the {what} as indented `field: value` lines under the key."


def _pattern(found: _Error) -> Explanation:
    value = found.detail.get("input")
    if found.detail.get("ctx", {}).get("pattern") == _ID_PATTERN:
        return (
            f"{found.name!r} is not a valid id: {value!r}",
            "Ids use lowercase letters, digits, '-' and '_', start with a letter or digit and "
            f"have at most 64 characters; try {slugify(str(value))!r}.",
        )
    return _generic(found)


def _range(found: _Error) -> Explanation:
    field = next((part for part in reversed(found.location) if isinstance(part, str)), "")
    ctx = found.detail.get("ctx", {})
    bounds = {"ge": "at least", "gt": "more than", "le": "at most", "lt": "less than"}
    generic = " ".join(f"Use a value {bounds[key]} {ctx[key]}." for key in bounds if key in ctx)
    return found.should(), _RANGE_HINTS.get(field, generic)


def _too_short(found: _Error) -> Explanation:
    if found.location and found.location[-1] == "events":
        return (
            f"{found.name!r} needs at least one event name",
            "List the events that mark this, e.g. `events: [checkout_started]`.",
        )
    return found.should(), "Add at least one item."


def _empty_text(found: _Error) -> Explanation:
    return (
        f"{found.name!r} must not be empty",
        "Write some text here; it is what people see on the map.",
    )


def _format(found: _Error) -> Explanation:
    if found.location == ("format",):
        return (
            f"unsupported map-file format {found.found}",
            "This journeymap reads format 1; write `format: 1` or remove the line.",
        )
    return _generic(found)


def _value_error(found: _Error) -> Explanation:
    error = found.detail.get("ctx", {}).get("error")
    if isinstance(error, RuleSyntaxError):
        return f"invalid rule in {found.name!r}: {error.message}", error.hint
    message = str(error) if error is not None else found.detail["msg"]
    owner = model_at(found.location)
    hint = _MODEL_RULE_HINTS.get(owner, "") if owner is not None else ""
    return message, hint or "Change this value so the rule in the message holds."


def _invalid_key(found: _Error) -> Explanation:
    raw = found.key.value if found.key is not None else str(found.location[-1])
    return f"key {raw} is not text", f'Put the key in quotes ("{raw}").'


def _typed(found: _Error) -> Explanation:
    return found.should(), _TYPE_HINTS[found.detail["type"]]


def _generic(found: _Error) -> Explanation:
    return (
        f"{found.name!r}: {found.detail['msg']}",
        "Check the type and format of this value against the map-file JSON Schema.",
    )


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


_EXPLAIN: Final[dict[str, Callable[[_Error], Explanation]]] = {
    "extra_forbidden": _unknown_field,
    "missing": _missing,
    "enum": _enum,
    "string_type": _text,
    "list_type": _list,
    "dict_type": _mapping,
    "model_type": _mapping,
    "model_attributes_type": _mapping,
    "string_pattern_mismatch": _pattern,
    "greater_than_equal": _range,
    "greater_than": _range,
    "less_than_equal": _range,
    "less_than": _range,
    "too_short": _too_short,
    "string_too_short": _empty_text,
    "literal_error": _format,
    "value_error": _value_error,
    "invalid_key": _invalid_key,
    **dict.fromkeys(_TYPE_HINTS, _typed),
}
