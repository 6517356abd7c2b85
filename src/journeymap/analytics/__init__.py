"""Journey analytics: pure functions from Ibis tables to typed, frozen results.

They never connect to a database: callers pass ``ibis.Table`` expressions (from DuckDB,
PySpark or any Ibis backend) and every computation runs inside that engine. Most take
*touchpoint events* (:func:`match_touchpoints` output); results have ``to_arrow()``.

>>> events = match_touchpoints(con.table("events"), journey)  # doctest: +SKIP
>>> funnel(events, [FunnelStep("basket", touchpoint="basket"),
...                 FunnelStep("paid", touchpoint="payment")], window=timedelta(days=7))  # doctest: +SKIP
"""

from journeymap.analytics.cohorts import (
    CohortCell,
    CohortPeriod,
    RetentionCohorts,
    cohort_activity,
    retention_cohorts,
)
from journeymap.analytics.conformance import (
    BackwardMove,
    Conformance,
    ConformanceGroup,
    SkippedStage,
    StageLoop,
    StageTime,
    conformance,
    conformance_by_customer,
    stage_visits,
)
from journeymap.analytics.dfg import (
    ActivityCount,
    DirectlyFollowsEdge,
    DirectlyFollowsGraph,
    directly_follows,
)
from journeymap.analytics.funnel import (
    FunnelExclusion,
    FunnelMode,
    FunnelPeriod,
    FunnelPeriods,
    FunnelResult,
    FunnelStep,
    FunnelStepResult,
    customers_at_step,
    funnel,
    funnel_by_period,
    funnel_customers,
    step_column,
)
from journeymap.analytics.matching import (
    EventCoverage,
    TouchpointOverlap,
    TouchpointOverlaps,
    UnmatchedEvents,
    match_touchpoints,
    touchpoint_condition,
    touchpoint_overlaps,
    unmatched_events,
)
from journeymap.analytics.outcomes import (
    OutcomeRate,
    OutcomeSummary,
    outcome_summary,
    outcome_table,
)
from journeymap.analytics.paths import (
    Neighbour,
    Neighbours,
    PathFlow,
    PathFlows,
    next_touchpoints,
    next_touchpoints_after,
    path_flows,
    previous_touchpoints,
)
from journeymap.analytics.reach import (
    Reach,
    ReachRow,
    reach,
)
from journeymap.analytics.returns import (
    ReturnGroup,
    Returns,
    ReturnTrigger,
    lapsed_customers,
    return_list,
    returns,
)
from journeymap.analytics.rules import (
    RuleTypeError,
    compile_rule,
    missing_fields,
)
from journeymap.analytics.scope import (
    Scope,
    ScopeError,
    apply_scope,
    with_breakdown,
)
from journeymap.analytics.time_to_value import (
    DurationStats,
    HistogramBin,
    Milestone,
    TimeToValue,
    TimeToValueGroup,
    time_to_value,
    time_to_value_by_customer,
)
from journeymap.analytics.variants import (
    Variant,
    Variants,
    variants,
)

__all__ = [
    "ActivityCount",
    "BackwardMove",
    "CohortCell",
    "CohortPeriod",
    "Conformance",
    "ConformanceGroup",
    "DirectlyFollowsEdge",
    "DirectlyFollowsGraph",
    "DurationStats",
    "EventCoverage",
    "FunnelExclusion",
    "FunnelMode",
    "FunnelPeriod",
    "FunnelPeriods",
    "FunnelResult",
    "FunnelStep",
    "FunnelStepResult",
    "HistogramBin",
    "Milestone",
    "Neighbour",
    "Neighbours",
    "OutcomeRate",
    "OutcomeSummary",
    "PathFlow",
    "PathFlows",
    "Reach",
    "ReachRow",
    "RetentionCohorts",
    "ReturnGroup",
    "ReturnTrigger",
    "Returns",
    "RuleTypeError",
    "Scope",
    "ScopeError",
    "SkippedStage",
    "StageLoop",
    "StageTime",
    "TimeToValue",
    "TimeToValueGroup",
    "TouchpointOverlap",
    "TouchpointOverlaps",
    "UnmatchedEvents",
    "Variant",
    "Variants",
    "apply_scope",
    "cohort_activity",
    "compile_rule",
    "conformance",
    "conformance_by_customer",
    "customers_at_step",
    "directly_follows",
    "funnel",
    "funnel_by_period",
    "funnel_customers",
    "lapsed_customers",
    "match_touchpoints",
    "missing_fields",
    "next_touchpoints",
    "next_touchpoints_after",
    "outcome_summary",
    "outcome_table",
    "path_flows",
    "previous_touchpoints",
    "reach",
    "retention_cohorts",
    "return_list",
    "returns",
    "stage_visits",
    "step_column",
    "time_to_value",
    "time_to_value_by_customer",
    "touchpoint_condition",
    "touchpoint_overlaps",
    "unmatched_events",
    "variants",
    "with_breakdown",
]
