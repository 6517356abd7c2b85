"""Fitting text into boxes: wrap at spaces, break words too long for a line, cut with "…".

A poster cell has room for a few lines; a stage's goals in German may need ten. Everything
that lays text out goes through :func:`fit_text`, which returns the lines that fit and whether
anything was cut, so the poster can show the marker and the HTML version the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from journeymap.render.fonts import Weight, text_width

ELLIPSIS = "…"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class FittedText:
    """Lines that fit a width (and a line limit), with a flag when text was cut."""

    lines: tuple[str, ...]
    truncated: bool
    full_text: str

    @property
    def text(self) -> str:
        """The lines joined by spaces, as a reader sees them."""
        return " ".join(self.lines)


def fit_text(
    text: str,
    *,
    width: float,
    size: float,
    weight: Weight = Weight.REGULAR,
    max_lines: int | None = None,
) -> FittedText:
    """Wrap ``text`` to lines no wider than ``width``; at most ``max_lines``, the last cut with …

    >>> fit_text("Delivery was late again", width=70, size=10).lines
    ('Delivery was', 'late again')
    """
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    words = _SPACES.split(text.strip()) if text.strip() else []
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, weight) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        # A word wider than the line (German compounds, URLs) is broken where it must.
        for piece in _break_word(word, width=width, size=size, weight=weight):
            if current:
                lines.append(current)
            current = piece
    if current:
        lines.append(current)
    if max_lines is None or len(lines) <= max_lines:
        return FittedText(lines=tuple(lines), truncated=False, full_text=text)
    if max_lines <= 0:
        return FittedText(lines=(), truncated=bool(lines), full_text=text)
    kept = lines[:max_lines]
    kept[-1] = _with_ellipsis(kept[-1], width=width, size=size, weight=weight)
    return FittedText(lines=tuple(kept), truncated=True, full_text=text)


def truncate_line(text: str, *, width: float, size: float, weight: Weight = Weight.REGULAR) -> str:
    """One line of ``text`` that fits ``width``, cut with … where it does not."""
    single = _SPACES.sub(" ", text.strip())
    if text_width(single, size, weight) <= width:
        return single
    return _with_ellipsis(single, width=width, size=size, weight=weight)


def _break_word(word: str, *, width: float, size: float, weight: Weight) -> list[str]:
    """Pieces of a word too long for a line, each but the last ending in a hyphen."""
    pieces: list[str] = []
    current = ""
    for char in word:
        if len(current) > 1 and text_width(current + char + "-", size, weight) > width:
            pieces.append(current + "-")
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def _with_ellipsis(line: str, *, width: float, size: float, weight: Weight) -> str:
    """The line shortened until it and the ellipsis fit, cut at a word where one is near."""
    cut = line
    while cut and text_width(cut + ELLIPSIS, size, weight) > width:
        cut = cut[:-1]
    space = cut.rfind(" ")
    if space > len(cut) * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + ELLIPSIS
