"""One analysis result per breakdown group, from a single query split by group afterwards.

Analyses whose result is a ranked list (paths, variants, the directly-follows graph) keep
their result type per group: ``next_touchpoints_breakdown(..., by="plan")`` gives the same
:class:`~journeymap.analytics.paths.Neighbours` a plain call would give on each plan's
customers alone. A customer belongs to one group, the value of ``by`` at their first event
(see :func:`~journeymap.analytics.scope.with_customer_group`), so group counts add up to the
totals of the plain call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import ibis
import pyarrow as pa

from journeymap.analytics.scope import GROUP

__all__ = ["Breakdown"]


class Tabular(Protocol):
    """A result that lists itself as rows and as an Arrow table (every ranked result does)."""

    def rows(self) -> list[dict[str, object]]: ...

    def to_arrow(self) -> pa.Table: ...


R = TypeVar("R", bound=Tabular)


@dataclass(frozen=True)
class Breakdown(Generic[R]):
    """``groups``: (value of ``by``, the result for that group's customers), value order,
    nulls (customers without the property) last."""

    by: str
    groups: tuple[tuple[object, R], ...]

    def group(self, value: object) -> R:
        """The result of the group whose ``by`` is ``value``; ``KeyError`` if there is none."""
        for group, result in self.groups:
            if group == value:
                return result
        raise KeyError(value)

    def rows(self) -> list[dict[str, object]]:
        """One dict per group and row of its result, the group value first."""
        return [{self.by: group, **row} for group, result in self.groups for row in result.rows()]

    def to_arrow(self) -> pa.Table:
        """Every group's rows in one Arrow table, the ``by`` column first."""
        tables = [result.to_arrow() for _, result in self.groups]
        if not tables:
            return pa.table({self.by: pa.array([], pa.string())})
        labels = [group for (group, _), table in zip(self.groups, tables, strict=True)
                  for _ in range(table.num_rows)]  # fmt: skip
        return pa.concat_tables(tables).add_column(0, self.by, pa.array(labels))


def split_by_group(rows: Iterable[dict[str, Any]]) -> list[tuple[Any, list[dict[str, Any]]]]:
    """Result rows gathered per :data:`~journeymap.analytics.scope.GROUP` value (a row
    without the column is in group ``None``), groups in value order, null last."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row.get(GROUP), []).append(row)
    return sorted(groups.items(), key=lambda item: group_order(item[0]))


def group_order(value: Any) -> tuple[bool, Any]:
    """Sort key of a group value: value order, null last."""
    return (value is None, value)


def group_keys(by: str | None) -> list[str]:
    """The grouping columns an analysis adds to its own: none without a breakdown."""
    return [] if by is None else [GROUP]


def aggregate(table: ibis.Table, keys: list[str], **metrics: Any) -> ibis.Table:
    """``metrics`` per ``keys``, or over the whole table when there are none (Ibis needs at
    least one key to group by)."""
    return table.group_by(keys).agg(**metrics) if keys else table.agg(**metrics)
