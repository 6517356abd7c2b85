"""Rules of the map as DuckDB SQL, so tests can check what the map's rules select in the data.

A deliberately small compiler over the rule tree of ``journeymap.model.rules``; the
analytics will have their own (on Ibis). Here it only has to be obviously right.
"""

from __future__ import annotations

from journeymap.model.rules import (
    AllOf,
    AnyOf,
    Comparison,
    IsTrue,
    Not,
    Operator,
    Predicate,
    Scalar,
    parse_rule,
)


def literal(value: Scalar) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + value.replace("'", "''") + "'"


def predicate_sql(predicate: Predicate) -> str:
    match predicate:
        case Comparison(field=field, operator=Operator.IN | Operator.NOT_IN as op, value=values):
            assert isinstance(values, tuple)
            listed = ", ".join(literal(value) for value in values)
            return f'("{field}" {"IN" if op is Operator.IN else "NOT IN"} ({listed}))'
        case Comparison(field=field, operator=Operator.EQ, value=None):
            return f'("{field}" IS NULL)'
        case Comparison(field=field, operator=Operator.NE, value=None):
            return f'("{field}" IS NOT NULL)'
        case Comparison(field=field, operator=op, value=value):
            assert not isinstance(value, tuple)
            sql_op = "=" if op is Operator.EQ else "<>" if op is Operator.NE else op.value
            return f'("{field}" {sql_op} {literal(value)})'
        case IsTrue(field=field):
            return f'("{field}")'
        case AllOf(parts=parts):
            return "(" + " AND ".join(predicate_sql(part) for part in parts) + ")"
        case AnyOf(parts=parts):
            return "(" + " OR ".join(predicate_sql(part) for part in parts) + ")"
        case Not(part=part):
            return f"(NOT {predicate_sql(part)})"
    raise TypeError(predicate)


def rule_sql(text: str) -> str:
    """A rule's text as a SQL condition (NULL comparisons count as not matching)."""
    return f"coalesce({predicate_sql(parse_rule(text).predicate)}, FALSE)"


def event_rule_sql(events: list[str], where: str | None) -> str:
    """An event rule as a SQL condition over the events table."""
    names = ", ".join(literal(name) for name in events)
    condition = f"(event IN ({names}))"
    return condition if where is None else f"({condition} AND {rule_sql(where)})"
