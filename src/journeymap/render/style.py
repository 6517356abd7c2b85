"""The style system shared by the poster and every chart: palette, type scale, page sizes.

A restrained palette (POSTER.md): neutrals for structure, one accent for the spine, three
semantic colours for moments of truth, each paired with a shape so that colour never carries
meaning alone. Every text colour is checked against its background for WCAG AA (4.5:1) by
:func:`contrast_ratio` in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from journeymap.model.enums import MomentKind


@dataclass(frozen=True)
class Palette:
    """Colours by role, as ``#rrggbb``."""

    ink: str = "#1f2933"
    muted: str = "#4b5563"
    rule: str = "#c8ced6"
    hairline: str = "#e3e7ec"
    paper: str = "#ffffff"
    lane: str = "#f6f7f9"
    accent: str = "#1d4f91"
    accent_tint: str = "#e8eef7"
    on_accent: str = "#ffffff"
    delighter: str = "#17703a"
    hygiene: str = "#8a5300"
    pain: str = "#b3261e"
    neutral_mark: str = "#4b5563"
    band: str = "#1d4f91"


PALETTE = Palette()


class MomentShape(StrEnum):
    """The shape each moment kind is drawn with, so print in grey still tells them apart."""

    TRIANGLE_UP = "▲"
    SQUARE = "■"
    TRIANGLE_DOWN = "▼"
    CIRCLE = "●"


@dataclass(frozen=True)
class MomentStyle:
    """How one kind of moment of truth is marked: colour, shape and the word in the legend."""

    kind: MomentKind
    colour: str
    shape: MomentShape
    word: str


MOMENT_STYLES: dict[MomentKind, MomentStyle] = {
    MomentKind.DELIGHTER: MomentStyle(
        MomentKind.DELIGHTER, PALETTE.delighter, MomentShape.TRIANGLE_UP, "Delighter"
    ),
    MomentKind.HYGIENE_FACTOR: MomentStyle(
        MomentKind.HYGIENE_FACTOR, PALETTE.hygiene, MomentShape.SQUARE, "Hygiene factor"
    ),
    MomentKind.PAIN_POINT: MomentStyle(
        MomentKind.PAIN_POINT, PALETTE.pain, MomentShape.TRIANGLE_DOWN, "Pain point"
    ),
    MomentKind.NONE: MomentStyle(
        MomentKind.NONE, PALETTE.neutral_mark, MomentShape.CIRCLE, "No evidence"
    ),
}


@dataclass(frozen=True)
class TypeScale:
    """Font sizes in points at A3; larger pages scale the whole layout, type included."""

    title: float = 20.0
    stage: float = 11.0
    lane_label: float = 8.0
    body: float = 8.0
    caption: float = 8.0

    @property
    def smallest(self) -> float:
        """The smallest size used anywhere (never below 8 pt at the printed size)."""
        return min(self.title, self.stage, self.lane_label, self.body, self.caption)


TYPE = TypeScale()

MM_PER_POINT = 25.4 / 72


class PosterSize(StrEnum):
    """Print sizes (ISO A, landscape) and the screen."""

    A3 = "A3"
    A2 = "A2"
    A1 = "A1"
    SCREEN = "screen"

    @property
    def millimetres(self) -> tuple[float, float] | None:
        """Width and height of the printed page, landscape; ``None`` for the screen."""
        return {
            PosterSize.A3: (420.0, 297.0),
            PosterSize.A2: (594.0, 420.0),
            PosterSize.A1: (841.0, 594.0),
            PosterSize.SCREEN: None,
        }[self]

    @property
    def scale(self) -> float:
        """How much larger than A3 the page is (A-sizes share one aspect ratio)."""
        millimetres = self.millimetres
        return 1.0 if millimetres is None else millimetres[0] / 420.0


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"expected a colour like #1d4f91, got {colour!r}")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio between two colours (1 to 21; AA body text needs 4.5)."""
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def blend(colour: str, background: str, alpha: float) -> str:
    """The colour seen when ``colour`` at ``alpha`` lies over ``background``."""
    top = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    under = [int(background.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    mixed = [round(a * alpha + b * (1 - alpha)) for a, b in zip(top, under, strict=True)]
    return "#" + "".join(f"{c:02x}" for c in mixed)
