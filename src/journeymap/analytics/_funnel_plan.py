"""The definition of a funnel: steps, exclusions, modes, and their validation.

Kept apart from the engine work (``_funnel_chains``) and the results (``funnel``); the public
names are re-exported by :mod:`journeymap.analytics.funnel`, whose docstring explains the
semantics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import cast

import ibis
import ibis.expr.types as ir

from journeymap.analytics.rules import compile_rule
from journeymap.model.canonical import EVENT, TOUCHPOINT

LEVEL = "level"
"""Column of :func:`funnel_customers`: the furthest step (1-based) the customer reached; 0: none."""


def step_column(step: int) -> str:
    """Column of :func:`funnel_customers` with the time the customer did ``step`` (1-based)."""
    return f"step_{step}"


class FunnelMode(StrEnum):
    """How steps must follow each other (see the module docstring)."""

    ORDERED = "ordered"
    STRICT = "strict"
    UNORDERED = "unordered"


def _check_gaps(name: str, min_gap: dt.timedelta | None, max_gap: dt.timedelta | None) -> None:
    for label, gap in (("min_gap", min_gap), ("max_gap", max_gap)):
        if gap is not None and gap < dt.timedelta(0):
            raise ValueError(f"step {name!r}: {label} must not be negative; got {gap}")
    if min_gap is not None and max_gap is not None and min_gap > max_gap:
        raise ValueError(f"step {name!r}: min_gap {min_gap} is longer than max_gap {max_gap}")


@dataclass(frozen=True)
class _EventMatch:
    """What marks an event: a touchpoint id, or event names; either with a ``where`` rule."""

    name: str
    touchpoint: str | None
    events: tuple[str, ...] | str
    where: str | None

    def _validate(self) -> None:
        if (self.touchpoint is None) == (not self.events):
            raise ValueError(
                f"step {self.name!r}: give either touchpoint=... or events=(...), not both or neither"
            )

    def condition(self, table: ibis.Table) -> ir.BooleanValue:
        """True on the events this step (or exclusion) matches."""
        if self.touchpoint is not None:
            if TOUCHPOINT not in table.columns:
                raise ValueError(
                    f"step {self.name!r} names touchpoint {self.touchpoint!r} but the events have "
                    f"no {TOUCHPOINT!r} column; label them with match_touchpoints(events, journey)"
                )
            hit = cast(ir.BooleanValue, (table[TOUCHPOINT] == self.touchpoint).fill_null(False))
        else:
            names = (self.events,) if isinstance(self.events, str) else self.events
            hit = cast(ir.BooleanValue, table[EVENT].isin(list(names)).fill_null(False))
        if self.where is not None:
            hit = hit & compile_rule(self.where, table)
        return hit


@dataclass(frozen=True)
class FunnelStep(_EventMatch):
    """One step: a touchpoint id or event names, optionally narrowed by a ``where`` rule.

    >>> FunnelStep("paid", events=("payment_attempt",), where='status == "succeeded"').name
    'paid'
    """

    touchpoint: str | None = None
    events: tuple[str, ...] | str = ()
    where: str | None = None
    optional: bool = False
    min_gap: dt.timedelta | None = None
    max_gap: dt.timedelta | None = None

    def __post_init__(self) -> None:
        self._validate()
        _check_gaps(self.name, self.min_gap, self.max_gap)


@dataclass(frozen=True)
class FunnelExclusion(_EventMatch):
    """Events that end a chain when they happen between two consecutive required steps.

    ``after_step`` (1-based) picks the gap after that step; ``None`` applies to every gap.
    """

    touchpoint: str | None = None
    events: tuple[str, ...] | str = ()
    where: str | None = None
    after_step: int | None = None

    def __post_init__(self) -> None:
        self._validate()


@dataclass(frozen=True)
class Plan:
    steps: tuple[FunnelStep, ...]
    window_ms: int
    mode: FunnelMode
    exclusions: tuple[FunnelExclusion, ...]

    @property
    def required(self) -> list[int]:
        return [i for i, step in enumerate(self.steps) if not step.optional]

    def previous_required(self, index: int) -> int | None:
        earlier = [i for i in self.required if i < index]
        return earlier[-1] if earlier else None


def make_plan(
    steps: Sequence[FunnelStep],
    window: dt.timedelta,
    mode: FunnelMode | str,
    exclusions: Sequence[FunnelExclusion],
) -> Plan:
    if not steps:
        raise ValueError("a funnel needs at least one step")
    if steps[0].optional:
        raise ValueError(f"the first step ({steps[0].name!r}) cannot be optional")
    if window <= dt.timedelta(0):
        raise ValueError(f"the window must be positive; got {window}")
    mode = FunnelMode(mode)
    for exclusion in exclusions:
        if exclusion.after_step is not None and not 1 <= exclusion.after_step < len(steps):
            raise ValueError(
                f"exclusion {exclusion.name!r}: after_step must be between 1 and "
                f"{len(steps) - 1}; got {exclusion.after_step}"
            )
    if mode is FunnelMode.UNORDERED and (exclusions or any(s.min_gap or s.max_gap for s in steps)):
        raise ValueError(
            "unordered funnels have no 'between steps': drop the exclusions and per-step gaps, "
            "or use mode='ordered'"
        )
    return Plan(tuple(steps), int(window.total_seconds() * 1000), mode, tuple(exclusions))
