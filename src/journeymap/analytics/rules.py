"""Compile the rule language (:mod:`journeymap.model.rules`) to Ibis boolean expressions.

Event rules (``status == "failed"``) and segment rules (``plan in ["pro", "team"]``) are
stored as text and parsed into a small predicate tree; here that tree becomes an engine
expression, so filtering billions of rows never evaluates user text in Python.

Null semantics are two-valued, because a filter must say yes or no for every row:

* a comparison with a null property is **false** (``amount > 10`` is false where amount is
  null, and so is ``status != "ok"``); so is a comparison with a column the table does not
  have: a property nobody recorded is the same as a property that is null;
* ``field == null`` is true exactly where the property is null (or the column is missing),
  and ``field != null`` where it is present;
* ``x in [...]`` is a comparison too (false on null), unless the list holds ``null``, which
  then matches null values; ``x not in [...]`` is false on null unless the list holds null;
* a bare name (``gift``) is true for ``true``, a non-zero number or a non-empty text;
* ``not`` negates the definite result of its part, so ``not amount > 10`` is *true* where
  amount is null (SQL would say null; a filter says "the condition does not hold").

Every leaf is wrapped in ``fill_null(False)`` and the tree is combined with ``&``, ``|``,
``~``, which gives exactly that. Values are compared as written: a text value against a
numeric column (``amount == "50"``) is a mistake in the rule and raises
:class:`RuleTypeError` naming the column, its type and the fix.
"""

from __future__ import annotations

from typing import Any, cast

import ibis
import ibis.expr.types as ir
from ibis.common.exceptions import IbisTypeError

from journeymap.model.rules import (
    AllOf,
    AnyOf,
    Comparison,
    IsTrue,
    Not,
    Operator,
    Predicate,
    Rule,
    Scalar,
    parse_rule,
)

__all__ = ["RuleTypeError", "compile_rule", "missing_fields"]


class RuleTypeError(TypeError):
    """A rule compares a column with a value of another kind (text with a number...)."""

    def __init__(self, rule: Rule, field: str, column_type: str, value: object) -> None:
        super().__init__(
            f"rule {rule.source!r} compares {field!r} ({column_type}) with {value!r}; "
            f"write a value of the column's type, e.g. a number without quotes for numbers "
            f"or quoted text for text columns"
        )
        self.rule = rule
        self.field = field
        self.column_type = column_type


def compile_rule(rule: Rule | str, table: ibis.Table) -> ir.BooleanValue:
    """A boolean column that is true on the rows of ``table`` where ``rule`` holds.

    Use it to filter events (``events.filter(compile_rule('status == "failed"', events))``)
    or to flag rows inside a larger expression. The semantics for nulls and missing columns
    are described in the module docstring: a row either satisfies the rule or it does not,
    never "unknown".

    >>> import ibis
    >>> events = ibis.memtable({"event": ["pay", "pay"], "status": ["ok", None]})
    >>> flag = compile_rule('status != "failed"', events)
    >>> events.mutate(hit=flag).hit.to_pyarrow().to_pylist()
    [True, False]
    """
    parsed = parse_rule(rule) if isinstance(rule, str) else rule
    return _compile(parsed.predicate, table, parsed)


def missing_fields(rule: Rule | str, table: ibis.Table) -> set[str]:
    """The properties ``rule`` reads that ``table`` has no column for.

    Compiling such a rule is not an error (a missing property is null), but it is usually
    a typo or a property the import did not carry; callers show these as warnings.

    >>> import ibis
    >>> sorted(missing_fields("amout > 5 and status == 'ok'", ibis.table({"status": "string"})))
    ['amout']
    """
    parsed = parse_rule(rule) if isinstance(rule, str) else rule
    return set(parsed.fields) - set(table.columns)


def _compile(predicate: Predicate, table: ibis.Table, rule: Rule) -> ir.BooleanValue:
    match predicate:
        case Comparison():
            return _comparison(predicate, table, rule)
        case IsTrue(field=field):
            return _truthy(field, table)
        case AllOf(parts=parts):
            result = _compile(parts[0], table, rule)
            for part in parts[1:]:
                result = result & _compile(part, table, rule)
            return result
        case AnyOf(parts=parts):
            result = _compile(parts[0], table, rule)
            for part in parts[1:]:
                result = result | _compile(part, table, rule)
            return result
        case Not(part=part):
            return ~_compile(part, table, rule)
    raise TypeError(predicate)  # pragma: no cover - the union is closed


def _constant(value: bool) -> ir.BooleanValue:
    return cast(ir.BooleanValue, ibis.literal(value))


def _comparison(comparison: Comparison, table: ibis.Table, rule: Rule) -> ir.BooleanValue:
    operator, value = comparison.operator, comparison.value
    if comparison.field not in table.columns:
        # A missing column is a column of nulls.
        return _constant(_null_matches(operator, value))
    column: Any = table[comparison.field]
    if value is None:
        if operator is Operator.EQ:
            return cast(ir.BooleanValue, column.isnull())
        if operator is Operator.NE:
            return cast(ir.BooleanValue, column.notnull())
        return _constant(False)
    try:
        if isinstance(value, tuple):
            present = [item for item in value if item is not None]
            if not present:
                hit = column.notnull() if operator is Operator.NOT_IN else _constant(False)
            else:
                hit = column.isin(present)
                hit = (~hit if operator is Operator.NOT_IN else hit).fill_null(False)
            if _null_matches(operator, value):
                hit = hit | column.isnull()
            return cast(ir.BooleanValue, hit)
        return cast(ir.BooleanValue, _OPERATIONS[operator](column, value).fill_null(False))
    except (IbisTypeError, TypeError) as error:
        raise RuleTypeError(rule, comparison.field, str(column.type()), value) from error


def _null_matches(operator: Operator, value: Scalar | tuple[Scalar, ...]) -> bool:
    """Whether a null property satisfies the comparison."""
    if operator is Operator.EQ:
        return value is None
    if operator is Operator.IN:
        return isinstance(value, tuple) and None in value
    # Every other comparison, ``not in`` included, is false on null.
    return False


def _truthy(field: str, table: ibis.Table) -> ir.BooleanValue:
    if field not in table.columns:
        return _constant(False)
    column: Any = table[field]
    dtype = column.type()
    if dtype.is_boolean():
        test = column
    elif dtype.is_numeric():
        test = column != 0
    elif dtype.is_string():
        test = column.length() > 0
    else:
        test = column.notnull()
    return cast(ir.BooleanValue, test.fill_null(False))


_OPERATIONS: dict[Operator, Any] = {
    Operator.EQ: lambda column, value: column == value,
    Operator.NE: lambda column, value: column != value,
    Operator.LT: lambda column, value: column < value,
    Operator.LE: lambda column, value: column <= value,
    Operator.GT: lambda column, value: column > value,
    Operator.GE: lambda column, value: column >= value,
}
