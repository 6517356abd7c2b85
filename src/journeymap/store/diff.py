"""What changed between two versions of a journey, item by item and field by field.

Items are matched by their stable id, never by position or name, so a renamed stage is a
changed ``name`` and not a removal plus an addition. Touchpoints are matched across the
whole journey (their ids are unique in it), which is how a touchpoint that moved to
another stage shows up as one ``moved`` change instead of a removal and an addition.

Reordering is reported as the fewest moves that explain it: the items that keep their
relative order (a longest common subsequence of the two orders) did not move, the
others did. Inserting one stage at the front thus moves nothing; swapping two stages
moves one.

>>> from journeymap.model import Journey, Stage
>>> old = Journey(id="buy", name="Buy", persona="pat", stages=[Stage(id="pay", name="Pay")])
>>> new = old.model_copy(update={"name": "Buying"})
>>> [(c.kind, c.path, c.old, c.new) for c in diff_journeys(old, new).changes]
[('changed', 'name', 'Buy', 'Buying')]
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from journeymap.model import Journey

ChangeKind = Literal["added", "removed", "changed", "moved"]

Dump = Mapping[str, Any]


@dataclass(frozen=True)
class Change:
    """One difference: an item added, removed, moved, or one of its fields changed.

    ``old`` and ``new`` are JSON values (the model's ``mode="json"`` dump): a whole item
    for ``added``/``removed``, the field's value for ``changed``, and for ``moved`` the
    position among its siblings (``field="position"``) or the stage id (``field="stage"``).
    """

    kind: ChangeKind
    item: str
    item_id: str
    path: str
    field: str | None
    old: object
    new: object


@dataclass(frozen=True)
class DiffSummary:
    """How many items were added, removed, changed (one or more fields) and moved."""

    added: int
    removed: int
    changed: int
    moved: int

    def __str__(self) -> str:
        return (
            f"{self.added} added, {self.removed} removed, "
            f"{self.changed} changed, {self.moved} moved"
        )


@dataclass(frozen=True)
class JourneyDiff:
    """Every change from an old to a new version of a journey, in journey order."""

    changes: tuple[Change, ...]

    @property
    def is_empty(self) -> bool:
        """True when the two versions are equal."""
        return not self.changes

    def summary(self) -> DiffSummary:
        """Counts of items per kind of change (an item with three changed fields counts once)."""

        def items(kind: ChangeKind) -> int:
            return len({(c.item, c.item_id) for c in self.changes if c.kind == kind})

        return DiffSummary(items("added"), items("removed"), items("changed"), items("moved"))


_JOURNEY_PARTS = ("stages", "outcomes", "evidence", "opportunities")
_KEYED_PARTS = (("outcome", "outcomes"), ("evidence", "evidence"), ("opportunity", "opportunities"))


def diff_journeys(old: Journey, new: Journey) -> JourneyDiff:
    """The changes that turn ``old`` into ``new`` (usually two versions of one journey)."""
    before = old.model_dump(mode="json")
    after = new.model_dump(mode="json")
    changes = _field_changes("journey", str(after["id"]), "", before, after, skip=_JOURNEY_PARTS)
    changes += _stage_changes(before["stages"], after["stages"])
    changes += _touchpoint_changes(before["stages"], after["stages"])
    for item, part in _KEYED_PARTS:
        changes += _list_changes(item, part, before[part], after[part])
    return JourneyDiff(tuple(changes))


def _path(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _field_changes(
    item: str, item_id: str, path: str, old: Dump, new: Dump, *, skip: Sequence[str] = ()
) -> list[Change]:
    names = [name for name in new if name not in skip]
    names += [name for name in old if name not in new and name not in skip]
    return [
        Change("changed", item, item_id, _path(path, name), name, old.get(name), new.get(name))
        for name in names
        if old.get(name) != new.get(name)
    ]


def _without(dump: Dump, name: str) -> dict[str, Any]:
    return {key: value for key, value in dump.items() if key != name}


def _list_changes(
    item: str,
    part: str,
    old: Sequence[Dump],
    new: Sequence[Dump],
    *,
    skip: str | None = None,
) -> list[Change]:
    """Changes in a list of items with ids (stages, outcomes, evidence, opportunities)."""
    old_by_id = {entry["id"]: (index, entry) for index, entry in enumerate(old)}
    new_ids = [entry["id"] for entry in new]
    present = set(new_ids)
    moved = _reordered([entry["id"] for entry in old], new_ids)
    skipped = () if skip is None else (skip,)

    def shown(entry: Dump) -> Dump:
        return entry if skip is None else _without(entry, skip)

    changes = [
        Change("removed", item, entry["id"], f"{part}[{entry['id']}]", None, shown(entry), None)
        for entry in old
        if entry["id"] not in present
    ]
    for index, entry in enumerate(new):
        item_id = entry["id"]
        path = f"{part}[{item_id}]"
        if item_id not in old_by_id:
            changes.append(Change("added", item, item_id, path, None, None, shown(entry)))
            continue
        old_index, old_entry = old_by_id[item_id]
        if item_id in moved:
            changes.append(Change("moved", item, item_id, path, "position", old_index, index))
        changes += _field_changes(item, item_id, path, old_entry, entry, skip=skipped)
    return changes


def _stage_changes(old: Sequence[Dump], new: Sequence[Dump]) -> list[Change]:
    # Touchpoints are compared across stages by _touchpoint_changes.
    return _list_changes("stage", "stages", old, new, skip="touchpoints")


@dataclass(frozen=True)
class _Placed:
    stage: str
    index: int
    dump: Dump


def _touchpoints(stages: Sequence[Dump]) -> dict[str, _Placed]:
    return {
        touchpoint["id"]: _Placed(stage["id"], index, touchpoint)
        for stage in stages
        for index, touchpoint in enumerate(stage["touchpoints"])
    }


def _touchpoint_changes(old_stages: Sequence[Dump], new_stages: Sequence[Dump]) -> list[Change]:
    old = _touchpoints(old_stages)
    new = _touchpoints(new_stages)

    def path(placed: _Placed, touchpoint_id: str) -> str:
        return f"stages[{placed.stage}].touchpoints[{touchpoint_id}]"

    changes = [
        Change("removed", "touchpoint", tp_id, path(placed, tp_id), None, placed.dump, None)
        for tp_id, placed in old.items()
        if tp_id not in new
    ]
    # Reordering only means something among touchpoints that stayed in the same stage.
    reordered: set[str] = set()
    for stage in new_stages:
        stayed = [tp["id"] for tp in stage["touchpoints"] if _stayed(old, tp["id"], stage["id"])]
        before = [tp_id for tp_id in old if tp_id in set(stayed)]
        reordered |= _reordered(before, stayed)
    for tp_id, placed in new.items():
        where = path(placed, tp_id)
        previous = old.get(tp_id)
        if previous is None:
            changes.append(Change("added", "touchpoint", tp_id, where, None, None, placed.dump))
            continue
        if previous.stage != placed.stage:
            changes.append(
                Change("moved", "touchpoint", tp_id, where, "stage", previous.stage, placed.stage)
            )
        elif tp_id in reordered:
            changes.append(
                Change(
                    "moved", "touchpoint", tp_id, where, "position", previous.index, placed.index
                )
            )
        changes += _field_changes("touchpoint", tp_id, where, previous.dump, placed.dump)
    return changes


def _stayed(old: Mapping[str, _Placed], touchpoint_id: str, stage_id: str) -> bool:
    previous = old.get(touchpoint_id)
    return previous is not None and previous.stage == stage_id


def _reordered(old_ids: Sequence[str], new_ids: Sequence[str]) -> set[str]:
    """Ids present in both orders that must move to turn the old order into the new one."""
    common = set(old_ids) & set(new_ids)
    rank = {item: index for index, item in enumerate(i for i in old_ids if i in common)}
    in_new_order = [rank[item] for item in new_ids if item in common]
    kept = _longest_increasing(in_new_order)
    return {item for item in common if rank[item] not in kept}


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """The values of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []  # smallest tail value of an increasing run of each length
    tail_at: list[int] = []  # where that tail sits in ``values``
    previous = [-1] * len(values)
    for index, value in enumerate(values):
        length = bisect_left(tails, value)
        previous[index] = tail_at[length - 1] if length else -1
        if length == len(tails):
            tails.append(value)
            tail_at.append(index)
        else:
            tails[length] = value
            tail_at[length] = index
    kept: set[int] = set()
    at = tail_at[-1] if tail_at else -1
    while at >= 0:
        kept.add(values[at])
        at = previous[at]
    return kept
