"""The poster's grid: page, margins, the label column, equal stage columns and lane heights.

Everything on the poster aligns to this grid (POSTER.md: equal stage columns, fixed lane
heights, consistent gutters). It is computed once, at A3 in points; larger pages stretch
the same layout, so an A1 poster is an A3 poster twice as large, type included.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_WIDTH = 420 / 25.4 * 72
"""A3 landscape, in points: every size is drawn in these units."""
PAGE_HEIGHT = 297 / 25.4 * 72
MARGIN = 22.0
LABEL_WIDTH = 78.0
GUTTER = 3.0
"""Space between a column's edge and its content, on each side."""
LANE_GAP = 2.0

LENS_HEIGHT = 118.0
SPINE_HEIGHT = 30.0
FOOTER_HEIGHT = 20.0

MIN_STAGES = 1
MAX_STAGES = 12


@dataclass(frozen=True)
class Lane:
    """One horizontal band of the body: its name, top and height."""

    key: str
    label: str
    y: float
    height: float

    @property
    def bottom(self) -> float:
        """Where it ends."""
        return self.y + self.height


@dataclass(frozen=True)
class Grid:
    """Columns for ``stages`` stages and the lanes below the spine."""

    stages: int
    lanes: tuple[Lane, ...]
    spine_y: float

    @property
    def body_x(self) -> float:
        """Left edge of the first stage column."""
        return MARGIN + LABEL_WIDTH

    @property
    def column_width(self) -> float:
        """Width of one stage column."""
        return (PAGE_WIDTH - MARGIN - self.body_x) / self.stages

    def column_x(self, index: int) -> float:
        """Left edge of stage column ``index``."""
        return self.body_x + index * self.column_width

    def content_x(self, index: int) -> float:
        """Where content starts inside column ``index``."""
        return self.column_x(index) + GUTTER

    @property
    def content_width(self) -> float:
        """Width available to content inside a column."""
        return self.column_width - 2 * GUTTER

    def centre_x(self, index: int) -> float:
        """The middle of column ``index``."""
        return self.column_x(index) + self.column_width / 2

    def lane(self, key: str) -> Lane:
        """The lane with this key."""
        for lane in self.lanes:
            if lane.key == key:
                return lane
        raise KeyError(key)

    @property
    def footer_y(self) -> float:
        """Top of the footer."""
        return PAGE_HEIGHT - MARGIN - FOOTER_HEIGHT


# Lane heights in points at A3; the touchpoint lane takes what is left.
_LANES: tuple[tuple[str, str, float], ...] = (
    ("goals", "Customer goals", 44.0),
    ("actions", "Actions", 42.0),
    ("touchpoints", "Touchpoints", 0.0),
    ("thinking", "Thinking and feeling", 48.0),
    ("emotion", "Emotion", 72.0),
    ("moments", "Moments of truth", 52.0),
    ("pain", "Pain points", 54.0),
    ("opportunities", "Opportunities", 48.0),
    ("metrics", "Measured", 56.0),
)


_GROWING = ("goals", "actions", "thinking", "pain", "opportunities")
"""Lanes of words that share the room the touchpoints leave."""
MIN_TOUCHPOINT_HEIGHT = 90.0


def poster_grid(stages: int, *, with_metrics: bool, touchpoint_height: float | None = None) -> Grid:
    """The grid for a journey of ``stages`` stages (1 to 12).

    The touchpoint lane gets ``touchpoint_height`` (what its cards need) where given, and
    the lanes of words share what is left; without it, the touchpoint lane takes it all.
    """
    if not MIN_STAGES <= stages <= MAX_STAGES:
        raise ValueError(
            f"a poster lays out {MIN_STAGES} to {MAX_STAGES} stages; this journey has {stages}. "
            "Group stages on the map, or render part of the journey."
        )
    spine_y = MARGIN + LENS_HEIGHT + 8.0
    top = spine_y + SPINE_HEIGHT + LANE_GAP
    bottom = PAGE_HEIGHT - MARGIN - FOOTER_HEIGHT - 4.0
    wanted = [lane for lane in _LANES if with_metrics or lane[0] != "metrics"]
    fixed = sum(height for _, _, height in wanted) + LANE_GAP * (len(wanted) - 1)
    flexible = bottom - top - fixed
    extra = 0.0
    if touchpoint_height is not None:
        wanted_height = min(max(touchpoint_height, MIN_TOUCHPOINT_HEIGHT), flexible)
        extra = (flexible - wanted_height) / len(_GROWING)
        flexible = wanted_height
    lanes: list[Lane] = []
    y = top
    for key, label, height in wanted:
        size = (height + (extra if key in _GROWING else 0.0)) if height else flexible
        lanes.append(Lane(key, label, y, size))
        y += size + LANE_GAP
    return Grid(stages=stages, lanes=tuple(lanes), spine_y=spine_y)
