"""The one type family of every poster and chart, and how wide a text set in it is.

Layout must know how wide a line will be *before* anything is drawn, or text overflows its
card. We measure with the font's own advance widths (fontTools) and draw with the very same
file in every output: embedded in the SVG and HTML, handed to resvg for PNG and to ReportLab
for PDF. DejaVu Sans ships inside matplotlib's wheel, so the install brings it and nothing is
looked up on the system.

Widths leave kerning out. DejaVu's kerning only ever tightens Latin text, so a measured width
is an upper bound of the drawn one: a line that fits when measured fits when drawn.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FAMILY = "DejaVu Sans"
"""The family name the SVG asks for; the embedded font answers to it."""


class Weight(StrEnum):
    """The two weights the style system uses."""

    REGULAR = "regular"
    BOLD = "bold"

    @property
    def css(self) -> str:
        """The CSS font-weight of this weight."""
        return "700" if self is Weight.BOLD else "400"


_FILES = {Weight.REGULAR: "DejaVuSans.ttf", Weight.BOLD: "DejaVuSans-Bold.ttf"}


class FontNotFoundError(RuntimeError):
    """The bundled font files are missing (matplotlib is not installed)."""


def font_directory() -> Path:
    """The folder holding DejaVu Sans inside the installed matplotlib package."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise FontNotFoundError(
            "DejaVu Sans comes with matplotlib, which is not installed: "
            "pip install matplotlib (journeymap's install brings it)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def font_file(weight: Weight) -> Path:
    """The TrueType file of one weight."""
    path = font_directory() / _FILES[weight]
    if not path.is_file():
        raise FontNotFoundError(f"the font file {path} is missing; reinstall matplotlib")
    return path


def font_files() -> list[Path]:
    """Every file the renderers load, regular first."""
    return [font_file(weight) for weight in Weight]


@dataclass(frozen=True)
class FontMetrics:
    """Advance widths per character and the vertical metrics of one weight, in em units."""

    units_per_em: int
    advances: dict[int, int]
    fallback_advance: int
    ascent: float
    descent: float

    def width(self, text: str, size: float) -> float:
        """The width of one line of text set at ``size`` (in the caller's unit)."""
        advances = self.advances
        fallback = self.fallback_advance
        units = sum(advances.get(ord(char), fallback) for char in text)
        return units * size / self.units_per_em

    def covers(self, char: str) -> bool:
        """Whether the font has a glyph for the character (else it draws a box)."""
        return ord(char) in self.advances


@cache
def metrics(weight: Weight = Weight.REGULAR) -> FontMetrics:
    """The metrics of one weight, read once per process."""
    with TTFont(font_file(weight)) as font:
        widths = font["hmtx"].metrics
        cmap = font.getBestCmap()
        advances = {code: widths[glyph][0] for code, glyph in cmap.items()}
        units = int(font["head"].unitsPerEm)
        hhea = font["hhea"]
        return FontMetrics(
            units_per_em=units,
            advances=advances,
            fallback_advance=widths[".notdef"][0],
            ascent=hhea.ascent / units,
            descent=-hhea.descent / units,
        )


def text_width(text: str, size: float, weight: Weight = Weight.REGULAR) -> float:
    """How wide ``text`` is on one line at ``size`` in the given weight."""
    return metrics(weight).width(text, size)
