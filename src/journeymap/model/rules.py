"""The filter language of segment rules and event rules.

A rule is a boolean expression over named properties, written the way analysts already
write filters: ``plan == "pro" and country in ["DE", "AT"]`` or ``amount >= 50 and not
gift``. We parse it with Python's own :mod:`ast` (so precedence and quoting behave as
people expect) and accept only a small whitelist of node types, which makes it safe to
store, show and later compile to an engine expression. The result is a tiny typed tree
(:class:`Comparison`, :class:`AllOf`, :class:`AnyOf`, :class:`Not`, :class:`IsTrue`) that
the analytics compile to Ibis without ever evaluating user text.

>>> parse_rule('plan == "pro" and country in ["DE", "AT"]').fields
frozenset({'country', 'plan'})
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

Scalar = str | int | float | bool | None


class Operator(StrEnum):
    """Comparison operators a rule may use."""

    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IN = "in"
    NOT_IN = "not in"


_AST_OPERATORS: dict[type[ast.cmpop], Operator] = {
    ast.Eq: Operator.EQ,
    ast.NotEq: Operator.NE,
    ast.Lt: Operator.LT,
    ast.LtE: Operator.LE,
    ast.Gt: Operator.GT,
    ast.GtE: Operator.GE,
    ast.In: Operator.IN,
    ast.NotIn: Operator.NOT_IN,
}

_NAMED_CONSTANTS: dict[str, Scalar] = {
    "true": True,
    "false": False,
    "null": None,
    "True": True,
    "False": False,
    "None": None,
}


class RuleSyntaxError(ValueError):
    """A rule that cannot be parsed; ``column`` is the 1-based character index in the rule text."""

    def __init__(self, message: str, *, rule: str, column: int, hint: str) -> None:
        super().__init__(f"{message} (at column {column} of {rule!r}). {hint}")
        self.message = message
        self.rule = rule
        self.column = column
        self.hint = hint


@dataclass(frozen=True)
class Comparison:
    """``field <op> value``; for ``in`` and ``not in`` the value is a tuple."""

    field: str
    operator: Operator
    value: Scalar | tuple[Scalar, ...]


@dataclass(frozen=True)
class IsTrue:
    """A bare property name: true when the property is truthy (``gift``)."""

    field: str


@dataclass(frozen=True)
class AllOf:
    """Every part holds (``and``)."""

    parts: tuple[Predicate, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds (``or``)."""

    parts: tuple[Predicate, ...]


@dataclass(frozen=True)
class Not:
    """The part does not hold."""

    part: Predicate


Predicate = Comparison | IsTrue | AllOf | AnyOf | Not


@dataclass(frozen=True)
class Rule:
    """A parsed rule: its source text and its predicate tree."""

    source: str
    predicate: Predicate

    @cached_property
    def fields(self) -> frozenset[str]:
        """Every property name the rule reads."""
        return frozenset(_fields_of(self.predicate))


def _fields_of(predicate: Predicate) -> list[str]:
    match predicate:
        case Comparison(field=field) | IsTrue(field=field):
            return [field]
        case AllOf(parts=parts) | AnyOf(parts=parts):
            return [name for part in parts for name in _fields_of(part)]
        case Not(part=part):
            return _fields_of(part)
    raise TypeError(predicate)  # pragma: no cover - the union is closed


def parse_rule(source: str) -> Rule:
    """Parse rule text into a :class:`Rule`, or raise :class:`RuleSyntaxError`."""
    text = source.strip()
    if not text:
        raise RuleSyntaxError(
            "empty rule", rule=source, column=1, hint='Write a condition such as plan == "pro".'
        )
    leading = len(source) - len(source.lstrip())
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        # The tokenizer counts characters (1-based) within the line.
        column = _character_column(text, error.lineno or 1, (error.offset or 1) - 1)
        raise RuleSyntaxError(
            f"not a valid expression: {error.msg}",
            rule=source,
            column=leading + column,
            hint='Quote text values ("pro"), use and/or/not, and ==, !=, <, <=, >, >=, in.',
        ) from None
    return Rule(source=source, predicate=_predicate(tree.body, _Source(source, text, leading)))


@dataclass(frozen=True)
class _Source:
    """The rule as written, and how to turn ``ast`` positions into columns of it."""

    original: str
    parsed: str
    leading: int

    def column_of(self, node: ast.AST) -> int:
        """1-based character column in the original text; ``ast`` counts UTF-8 bytes."""
        line_number = getattr(node, "lineno", 1)
        line = self.parsed.split("\n")[line_number - 1]
        byte_offset = getattr(node, "col_offset", 0)
        characters = len(line.encode()[:byte_offset].decode("utf-8", errors="ignore"))
        return self.leading + _character_column(self.parsed, line_number, characters)


def _character_column(text: str, line_number: int, column_in_line: int) -> int:
    """1-based column in ``text`` of a 0-based character position within one of its lines."""
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: line_number - 1]) + column_in_line + 1


def _fail(node: ast.AST, source: _Source, message: str, hint: str) -> RuleSyntaxError:
    return RuleSyntaxError(message, rule=source.original, column=source.column_of(node), hint=hint)


def _predicate(node: ast.expr, source: _Source) -> Predicate:
    if isinstance(node, ast.BoolOp):
        parts = tuple(_predicate(value, source) for value in node.values)
        return AllOf(parts) if isinstance(node.op, ast.And) else AnyOf(parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return Not(_predicate(node.operand, source))
    if isinstance(node, ast.Name) and node.id not in _NAMED_CONSTANTS:
        return IsTrue(node.id)
    if isinstance(node, ast.Compare):
        return _comparison(node, source)
    raise _fail(
        node,
        source,
        f"unsupported expression {ast.unparse(node)!r}",
        'A rule combines comparisons such as plan == "pro" with and, or, not.',
    )


def _comparison(node: ast.Compare, source: _Source) -> Predicate:
    if len(node.ops) > 1:
        raise _fail(
            node,
            source,
            "chained comparisons are not supported",
            "Write each comparison on its own: age >= 18 and age < 65.",
        )
    left, op, right = node.left, node.ops[0], node.comparators[0]
    operator = _AST_OPERATORS.get(type(op))
    if operator is None:
        raise _fail(node, source, "unsupported operator", "Use == or != instead of is / is not.")
    if not isinstance(left, ast.Name) or left.id in _NAMED_CONSTANTS:
        raise _fail(
            left,
            source,
            f"the left side {ast.unparse(left)!r} must be a property name",
            'Put the property first: country == "DE".',
        )
    return Comparison(left.id, operator, _value(right, operator, source))


def _value(node: ast.expr, operator: Operator, source: _Source) -> Scalar | tuple[Scalar, ...]:
    if operator in (Operator.IN, Operator.NOT_IN):
        if not isinstance(node, ast.List | ast.Tuple | ast.Set):
            raise _fail(
                node, source, f"'{operator}' needs a list", 'Write country in ["DE", "AT"].'
            )
        return tuple(_scalar(element, source) for element in node.elts)
    return _scalar(node, source)


def _scalar(node: ast.expr, source: _Source) -> Scalar:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool | None):
        return node.value
    if isinstance(node, ast.Name) and node.id in _NAMED_CONSTANTS:
        return _NAMED_CONSTANTS[node.id]
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int | float)
        and not isinstance(node.operand.value, bool)
    ):
        return -node.operand.value
    hint = 'Compare with a literal: a quoted text ("DE"), a number, true, false or null.'
    if isinstance(node, ast.Name):
        hint = f'Did you mean the text "{node.id}"? Text values need quotes.'
    raise _fail(node, source, f"{ast.unparse(node)!r} is not a literal value", hint)
