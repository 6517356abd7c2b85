"""Side-by-side comparison of two personas' journeys: the same spine, lived differently.

The sources insist on one map per persona; the interesting question is then where two
personas' experiences part ways. Stages are aligned by id, then by name (so two maps
drawn from the same template line up even if one was renamed), keeping the left
journey's order and appending stages only the right journey has.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.model.enums import MomentKind
from journeymap.model.journey import Journey, Stage, Touchpoint


@dataclass(frozen=True)
class TouchpointPair:
    """One touchpoint as each journey has it (``None`` where a journey lacks it)."""

    touchpoint_id: str
    name: str
    left: Touchpoint | None
    right: Touchpoint | None

    @property
    def moment_differs(self) -> bool:
        """True when both journeys have the touchpoint but judge its moment of truth differently."""
        return (
            self.left is not None
            and self.right is not None
            and self.left.moment != self.right.moment
        )


@dataclass(frozen=True)
class StagePair:
    """One column of the spine in both journeys."""

    name: str
    left: Stage | None
    right: Stage | None
    touchpoints: tuple[TouchpointPair, ...]

    @property
    def emotion_gap(self) -> int | None:
        """Right emotion minus left emotion, when both maps state one."""
        if self.left is None or self.right is None:
            return None
        if self.left.emotion is None or self.right.emotion is None:
            return None
        return self.right.emotion.score - self.left.emotion.score

    def moments(self, side: str) -> list[Touchpoint]:
        """The moments of truth on one side ("left" or "right") of this stage."""
        stage = self.left if side == "left" else self.right
        if stage is None:
            return []
        return [t for t in stage.touchpoints if t.moment is not MomentKind.NONE]


@dataclass(frozen=True)
class JourneyComparison:
    """Two journeys aligned stage by stage."""

    left: Journey
    right: Journey
    stages: tuple[StagePair, ...]

    @property
    def largest_emotion_gap(self) -> StagePair | None:
        """The stage where the two personas feel most differently, if any stage has both scores."""
        scored = [pair for pair in self.stages if pair.emotion_gap is not None]
        if not scored:
            return None
        return max(scored, key=lambda pair: abs(pair.emotion_gap or 0))


def _align_stages(left: Journey, right: Journey) -> list[tuple[Stage | None, Stage | None]]:
    right_by_id = {stage.id: stage for stage in right.stages}
    right_by_name = {stage.name.casefold(): stage for stage in right.stages}
    used: set[str] = set()
    pairs: list[tuple[Stage | None, Stage | None]] = []
    for stage in left.stages:
        match = right_by_id.get(stage.id) or right_by_name.get(stage.name.casefold())
        if match is not None and match.id in used:
            match = None
        if match is not None:
            used.add(match.id)
        pairs.append((stage, match))
    pairs.extend((None, stage) for stage in right.stages if stage.id not in used)
    return pairs


def _pair_touchpoints(left: Stage | None, right: Stage | None) -> tuple[TouchpointPair, ...]:
    left_points = {t.id: t for t in left.touchpoints} if left else {}
    right_points = {t.id: t for t in right.touchpoints} if right else {}
    ordered = list(left_points) + [tid for tid in right_points if tid not in left_points]
    return tuple(
        TouchpointPair(
            touchpoint_id=tid,
            name=(left_points.get(tid) or right_points[tid]).name,
            left=left_points.get(tid),
            right=right_points.get(tid),
        )
        for tid in ordered
    )


def _stage_name(left: Stage | None, right: Stage | None) -> str:
    stage = left if left is not None else right
    return stage.name if stage is not None else ""


def compare_journeys(left: Journey, right: Journey) -> JourneyComparison:
    """Align two journeys (usually two personas' maps) stage by stage and touchpoint by touchpoint.

    >>> from journeymap.model import Journey, Stage
    >>> a = Journey(id="a", name="A", persona="p", stages=[Stage(id="buy", name="Buy")])
    >>> b = Journey(id="b", name="B", persona="q", stages=[Stage(id="buy", name="Buy")])
    >>> [pair.name for pair in compare_journeys(a, b).stages]
    ['Buy']
    """
    stages = tuple(
        StagePair(
            name=_stage_name(left_stage, right_stage),
            left=left_stage,
            right=right_stage,
            touchpoints=_pair_touchpoints(left_stage, right_stage),
        )
        for left_stage, right_stage in _align_stages(left, right)
    )
    return JourneyComparison(left=left, right=right, stages=stages)
