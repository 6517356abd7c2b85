"""How funnels are computed inside the engine: chains of step events per customer.

Plain ordered funnels (no optional steps, per-step gaps or exclusions) take ClickHouse's own
route, :func:`latest_start_chains`: one running maximum per step over that step's events and
the previous level's, no chain per start. Everything else takes the general route below.

General route: every step-1 event starts a chain (ordered and strict modes); each required step then takes
the earliest qualifying event after the chain's previous step with one union-and-window
pass (:func:`~journeymap.analytics._sequence.earliest_after`), so a funnel of *n* steps is
*n* set operations whatever the number of customers, and 20+ steps work. Taking the earliest
next event is optimal for a fixed start, and trying every start gives ClickHouse's
``windowFunnel`` level. Unordered mode anchors a window at every step event instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis

from journeymap.analytics._funnel_plan import LEVEL, FunnelMode, Plan
from journeymap.analytics._sequence import MS, SEQ, earliest_after
from journeymap.model.canonical import CUSTOMER_ID, TS

_POSITION = 2**32
"""Packs (chain start, -position) into one int64 ordering key; positions stay below 2**31."""


def takes_latest_start_route(plan: Plan) -> bool:
    """Whether :func:`latest_start_chains` computes this funnel (plain ordered funnels)."""
    return (
        plan.mode is FunnelMode.ORDERED
        and not plan.exclusions
        and not any(s.optional or s.min_gap or s.max_gap for s in plan.steps)
    )


def latest_start_chains(base: ibis.Table, plan: Plan) -> ibis.Table:
    """Per customer who did step 1: ``LEVEL`` and the step times ``_t0..`` of the reported chain.

    ClickHouse's ``windowFunnel`` keeps, per level, the latest chain start that reached it,
    and extends it when a next-step event comes within the window; a later start is never
    worse, since it leaves more of the window. Here each level is a table of the events that
    validly reached it, each with its chain's start: level *k* is the step-*k* events whose
    latest earlier level-(k-1) event (a running maximum over the two sets, sorted together
    in the customer's order) started within the window. Work per step is one window over
    that step's events and the previous level's, not one per chain start.

    The reported chain is the general route's: the highest level, first reached, from the
    latest start that reached it then (the start of the earliest top-level event). Its step
    *j* is the earliest level-*j* event with that start: the greedy chain from that start
    (any earlier step-*j* event after its step *j-1* would carry the same start).
    """
    n = len(plan.steps)
    first = base.filter(base["_s0"])
    level = first.select(CUSTOMER_ID, SEQ, MS, TS, _st_seq=first[SEQ], _st_ms=first[MS])
    levels = [level.mutate(**{LEVEL: ibis.literal(1, "int64")})]
    for k in range(1, n):
        level = _next_level(level, base.filter(base[f"_s{k}"]), plan.window_ms)
        levels.append(level.mutate(**{LEVEL: ibis.literal(k + 1, "int64")}))
    every = levels[0]
    for more in levels[1:]:
        every = every.union(more)
    every = every.select(CUSTOMER_ID, SEQ, TS, "_st_seq", LEVEL)
    top_first = every[LEVEL] * _POSITION + (_POSITION - 1 - every[SEQ])
    chosen = every.group_by(CUSTOMER_ID).agg(
        _level=every[LEVEL].max(), _start=every["_st_seq"].argmax(top_first)
    )
    chain = every.inner_join(chosen, CUSTOMER_ID)
    chain = chain.filter(chain["_st_seq"] == chain["_start"])
    return chain.group_by(CUSTOMER_ID).agg(
        **{LEVEL: chain["_level"].max()},
        **{f"_t{i}": chain[TS].min(where=chain[LEVEL] == i + 1) for i in range(n)},
    )


def _next_level(level: ibis.Table, step: ibis.Table, window_ms: int) -> ibis.Table:
    """The step events that validly extend a chain of ``level``, each with its chain's start."""
    reached = level.mutate(_kind=ibis.literal(0, "int8"))
    candidates = step.select(
        CUSTOMER_ID,
        SEQ,
        MS,
        TS,
        _st_seq=ibis.null().cast("int64"),
        _st_ms=ibis.null().cast("int64"),
        _kind=ibis.literal(1, "int8"),
    )
    both = reached.union(candidates)
    # Strictly earlier rows only: an event that reached the previous step cannot also be
    # this one (ClickHouse lets one row serve two steps; see the funnel module's docstring).
    earlier = ibis.window(
        group_by=both[CUSTOMER_ID],
        order_by=[both[SEQ], ibis.desc(both["_kind"])],
        rows=(None, -1),
    )
    found = both.mutate(
        _st_seq=both["_st_seq"].max().over(earlier),
        _st_ms=both["_st_ms"].max().over(earlier),
    )
    valid = (found["_kind"] == 1) & found["_st_seq"].notnull()
    valid = valid & (found[MS] - found["_st_ms"] <= window_ms)
    return found.filter(valid).select(CUSTOMER_ID, SEQ, MS, TS, "_st_seq", "_st_ms")


def ordered_chains(base: ibis.Table, plan: Plan) -> ibis.Table:
    """Every step-1 event starts a chain; each required step takes the earliest next event."""
    n = len(plan.steps)
    starts = base.filter(base["_s0"])
    chains = starts.select(
        starts[CUSTOMER_ID],
        _start_ms=starts[MS],
        _start_seq=starts[SEQ],
        _p_ms=starts[MS],
        _p_seq=starts[SEQ],
        _alive=ibis.literal(True),
        _q0=starts[SEQ],
        _m0=starts[MS],
        _t0=starts[TS],
        **{f"_q{i}": ibis.null().cast("int64") for i in range(1, n)},
        **{f"_m{i}": ibis.null().cast("int64") for i in range(1, n)},
        **{f"_t{i}": ibis.null().cast(base[TS].type()) for i in range(1, n)},
    )
    required = plan.required
    gaps = [(a, b) for a, b in zip(required, [*required[1:], None], strict=True)]
    for previous, step in gaps:
        chains = _extend(chains, base, plan, previous, step)
    return chains


def _extend(
    chains: ibis.Table, base: ibis.Table, plan: Plan, previous: int, step: int | None
) -> ibis.Table:
    """Take the next required ``step`` (None: only trailing optionals) from ``previous``."""
    last = len(plan.steps) if step is None else step
    optionals = list(range(previous + 1, last))
    exclusions = [
        j
        for j, x in enumerate(plan.exclusions)
        if step is not None and (x.after_step is None or previous <= x.after_step - 1 < step)
    ]
    spec = plan.steps[step] if step is not None else None
    targets = {f"_o{o}": f"_s{o}" for o in optionals} | {f"_e{j}": f"_x{j}" for j in exclusions}
    shifted = spec is not None and bool(spec.min_gap)
    if spec is not None and not shifted:
        targets[f"_r{step}"] = f"_s{step}"
    columns = list(chains.columns)
    found = chains
    if targets:
        found = earliest_after(found, found["_p_ms"], found["_p_seq"], base, targets)
    if spec is not None and shifted:
        gap = _ms(spec.min_gap)
        found = earliest_after(
            found, found["_p_ms"] + gap, ibis.literal(-1, "int64"), base, {f"_r{step}": f"_s{step}"}
        )
    deadline = found["_start_ms"] + plan.window_ms
    updates: dict[str, Any] = {}
    ok: Any = found["_alive"]
    if step is not None and spec is not None:
        seq, ms = found[f"_r{step}_seq"], found[f"_r{step}_ms"]
        ok = ok & seq.notnull() & (ms <= deadline)
        if spec.max_gap is not None:
            ok = ok & (ms <= found["_p_ms"] + _ms(spec.max_gap))
        for j in exclusions:
            blocker = found[f"_e{j}_seq"]
            ok = ok & (blocker.isnull() | (blocker >= seq))
        ok = ok.fill_null(False)
        updates |= {
            f"_q{step}": ibis.ifelse(ok, seq, ibis.null().cast("int64")),
            f"_m{step}": ibis.ifelse(ok, ms, ibis.null().cast("int64")),
            f"_t{step}": ibis.ifelse(ok, found[f"_r{step}_ts"], ibis.null().cast(base[TS].type())),
            "_p_ms": ibis.ifelse(ok, ms, found["_p_ms"]),
            "_p_seq": ibis.ifelse(ok, seq, found["_p_seq"]),
            "_alive": ok,
        }
    for o in optionals:
        o_seq, o_ms = found[f"_o{o}_seq"], found[f"_o{o}_ms"]
        done: Any = found["_alive"] & o_seq.notnull() & (o_ms <= deadline)
        if step is not None:
            done = done & (~ok | (o_seq < found[f"_r{step}_seq"]))
        done = done.fill_null(False)
        updates |= {
            f"_q{o}": ibis.ifelse(done, o_seq, ibis.null().cast("int64")),
            f"_m{o}": ibis.ifelse(done, o_ms, ibis.null().cast("int64")),
            f"_t{o}": ibis.ifelse(done, found[f"_o{o}_ts"], ibis.null().cast(base[TS].type())),
        }
    return found.mutate(**updates).select(columns)


def _ms(gap: dt.timedelta | None) -> int:
    return 0 if gap is None else int(gap.total_seconds() * 1000)


def strict_cut(chains: ibis.Table, base: ibis.Table, plan: Plan) -> ibis.Table:
    """Null every step at or after the customer's strict-order stop (see module docstring)."""
    n = len(plan.steps)
    firsts = chains.group_by(CUSTOMER_ID).agg(
        **{f"_f{i}": chains[f"_q{i}"].min() for i in plan.required}
    )
    events = base.inner_join(firsts, CUSTOMER_ID)
    start = events["_f0"]
    matches_any = ibis.or_(*[events[f"_s{i}"] for i in range(n)])
    stops: list[Any] = [~matches_any & (events[SEQ] > start)]
    for step in plan.required[1:]:
        previous = plan.previous_required(step)
        reached_before = events[f"_f{previous}"]
        stops.append(
            events[f"_s{step}"]
            & (events[SEQ] > start)
            & (reached_before.isnull() | (events[SEQ] < reached_before))
        )
    stop_at = ibis.ifelse(ibis.or_(*stops), events[SEQ], ibis.null().cast("int64"))
    cut = events.group_by(CUSTOMER_ID).agg(_stop=stop_at.min())
    joined = chains.left_join(cut, CUSTOMER_ID)
    stop = joined["_stop"]
    before: dict[str, Any] = {}
    for i in range(n):
        keep = stop.isnull() | (joined[f"_q{i}"] < stop)
        for part in ("_q", "_m", "_t"):
            column = joined[f"{part}{i}"]
            before[f"{part}{i}"] = ibis.ifelse(keep, column, ibis.null().cast(column.type()))
    return joined.mutate(**before).select(chains.columns)


def unordered_chains(base: ibis.Table, plan: Plan) -> ibis.Table:
    """Every step event anchors a window; each step takes its earliest event inside it."""
    n = len(plan.steps)
    anchors = base.filter(ibis.or_(*[base[f"_s{i}"] for i in range(n)]))
    anchors = anchors.select(anchors[CUSTOMER_ID], _start_ms=anchors[MS], _start_seq=anchors[SEQ])
    found = earliest_after(
        anchors,
        anchors["_start_ms"],
        anchors["_start_seq"],
        base,
        {f"_u{i}": f"_s{i}" for i in range(n)},
        inclusive=True,
    )
    deadline = found["_start_ms"] + plan.window_ms
    present = {
        i: (found[f"_u{i}_seq"].notnull() & (found[f"_u{i}_ms"] <= deadline)) for i in range(n)
    }
    columns: dict[str, Any] = {}
    prefix: Any = ibis.literal(True)
    for i, step in enumerate(plan.steps):
        reached = (prefix & present[i]).fill_null(False)
        if not step.optional:
            prefix = reached
        for part in ("seq", "ms", "ts"):
            value = found[f"_u{i}_{part}"]
            columns[f"_{ {'seq': 'q', 'ms': 'm', 'ts': 't'}[part] }{i}"] = ibis.ifelse(
                reached, value, ibis.null().cast(value.type())
            )
    return found.select(CUSTOMER_ID, "_start_ms", "_start_seq", **columns)


def greatest(values: list[Any]) -> Any:
    """``ibis.greatest`` that also takes one value (Spark's ``greatest`` needs two or more)."""
    return values[0] if len(values) == 1 else ibis.greatest(*values)


def choose_chain(chains: ibis.Table, plan: Plan) -> ibis.Table:
    """Per customer, the chain that reached the highest level first (then the latest start)."""
    n = len(plan.steps)
    level = ibis.greatest(
        *[ibis.ifelse(chains[f"_q{i}"].notnull(), i + 1, 0) for i in range(n)], ibis.literal(0)
    )
    done = greatest([chains[f"_q{i}"] for i in range(n)])
    ranked = chains.mutate(**{LEVEL: level, "_done": done})
    order = ibis.window(
        group_by=ranked[CUSTOMER_ID],
        order_by=[ibis.desc(ranked[LEVEL]), ranked["_done"], ibis.desc(ranked["_start_seq"])],
    )
    ranked = ranked.mutate(_rank=ibis.row_number().over(order))
    best = ranked.filter(ranked["_rank"] == 0)
    return best.select(CUSTOMER_ID, LEVEL, *[f"_t{i}" for i in range(n)])
