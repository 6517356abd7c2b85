"""Scene -> SVG: the reference output that PNG and HTML are made from.

Deterministic to the byte: numbers are written with two decimals at most, attributes in a
fixed order, the embedded font subset without timestamps. The fonts travel inside the file
(a subset of DejaVu Sans holding the characters used) so a browser draws exactly what the
layout measured, offline.
"""

from __future__ import annotations

import base64
import io
import json
from xml.sax.saxutils import escape, quoteattr

from fontTools import subset
from fontTools.ttLib import TTFont

from journeymap.render.fonts import FAMILY, Weight, font_file
from journeymap.render.scene import (
    Circle,
    ClosePath,
    CurveTo,
    Element,
    Group,
    Line,
    LineTo,
    MoveTo,
    Path,
    PathOp,
    Polygon,
    Rect,
    Scene,
    Text,
    walk,
)


def number(value: float) -> str:
    """A coordinate as SVG text: at most two decimals, no trailing zeros, never ``-0``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_svg(scene: Scene, *, embed_fonts: bool = True, standalone: bool = True) -> str:
    """The scene as an SVG document (``standalone=False`` leaves out the XML declaration)."""
    size = _size_attributes(scene)
    parts: list[str] = []
    if standalone:
        parts.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    parts.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" {size} '
        f'viewBox="0 0 {number(scene.width)} {number(scene.height)}" role="img" '
        'aria-labelledby="jm-title jm-desc" class="jm-scene">\n'
    )
    parts.append(f'<title id="jm-title">{escape(scene.title)}</title>\n')
    parts.append(f'<desc id="jm-desc">{escape(scene.description)}</desc>\n')
    if scene.metadata:
        meta = json.dumps(scene.metadata, sort_keys=True, ensure_ascii=False)
        parts.append(f"<metadata>{escape(meta)}</metadata>\n")
    parts.append(_style(scene, embed_fonts=embed_fonts))
    parts.append(
        f'<rect x="0" y="0" width="{number(scene.width)}" height="{number(scene.height)}" '
        f'fill="{scene.background}"/>\n'
    )
    for element in scene.children:
        parts.append(_element(element))
    parts.append("</svg>\n")
    return "".join(parts)


def _size_attributes(scene: Scene) -> str:
    if scene.physical_mm is not None:
        width_mm, height_mm = scene.physical_mm
        return f'width="{number(width_mm)}mm" height="{number(height_mm)}mm"'
    return f'width="{number(scene.width)}" height="{number(scene.height)}"'


def _style(scene: Scene, *, embed_fonts: bool) -> str:
    rules = [f'text{{font-family:"{FAMILY}",sans-serif}}']
    if embed_fonts:
        used = _characters_by_weight(scene)
        for weight, characters in sorted(used.items()):
            if characters:
                data = base64.b64encode(_subset(weight, characters)).decode("ascii")
                rules.insert(
                    0,
                    f'@font-face{{font-family:"{FAMILY}";font-weight:{weight.css};'
                    f"src:url(data:font/ttf;base64,{data}) format('truetype')}}",
                )
    return "<style>" + "\n".join(rules) + "</style>\n"


def _characters_by_weight(scene: Scene) -> dict[Weight, str]:
    found: dict[Weight, set[str]] = {weight: set() for weight in Weight}
    for element in walk(scene.children):
        if isinstance(element, Text):
            for line in element.lines:
                found[element.weight].update(line)
    return {weight: "".join(sorted(chars)) for weight, chars in found.items()}


def _subset(weight: Weight, characters: str) -> bytes:
    options = subset.Options()
    options.layout_features = ["kern", "liga"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.drop_tables += ["FFTM"]
    with TTFont(font_file(weight), recalcTimestamp=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters + " ")
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
    return buffer.getvalue()


def _paint(fill: str | None, stroke: str | None, width: float) -> str:
    attributes = f' fill="{fill or "none"}"'
    if stroke and width > 0:
        attributes += f' stroke="{stroke}" stroke-width="{number(width)}"'
    return attributes


def _dash(dash: tuple[float, ...]) -> str:
    return f' stroke-dasharray="{" ".join(number(d) for d in dash)}"' if dash else ""


def _opacity(opacity: float) -> str:
    return f' opacity="{number(opacity)}"' if opacity < 1 else ""


def path_data(ops: tuple[PathOp, ...]) -> str:
    """The ``d`` attribute of a path."""
    words: list[str] = []
    for op in ops:
        if isinstance(op, MoveTo):
            words.append(f"M{number(op.x)} {number(op.y)}")
        elif isinstance(op, LineTo):
            words.append(f"L{number(op.x)} {number(op.y)}")
        elif isinstance(op, CurveTo):
            words.append(
                f"C{number(op.c1x)} {number(op.c1y)} {number(op.c2x)} {number(op.c2y)} "
                f"{number(op.x)} {number(op.y)}"
            )
        elif isinstance(op, ClosePath):
            words.append("Z")
    return " ".join(words)


def _element(element: Element) -> str:
    if isinstance(element, Group):
        return _group(element)
    if isinstance(element, Rect):
        radius = f' rx="{number(element.radius)}"' if element.radius else ""
        return (
            f'<rect x="{number(element.x)}" y="{number(element.y)}" '
            f'width="{number(element.width)}" height="{number(element.height)}"{radius}'
            f"{_paint(element.fill, element.stroke, element.stroke_width)}"
            f"{_dash(element.dash)}{_opacity(element.opacity)}/>\n"
        )
    if isinstance(element, Line):
        return (
            f'<line x1="{number(element.x1)}" y1="{number(element.y1)}" '
            f'x2="{number(element.x2)}" y2="{number(element.y2)}" stroke="{element.stroke}" '
            f'stroke-width="{number(element.stroke_width)}"{_dash(element.dash)}'
            f"{_opacity(element.opacity)}/>\n"
        )
    if isinstance(element, Circle):
        return (
            f'<circle cx="{number(element.cx)}" cy="{number(element.cy)}" '
            f'r="{number(element.r)}"{_paint(element.fill, element.stroke, element.stroke_width)}/>\n'
        )
    if isinstance(element, Polygon):
        points = " ".join(f"{number(x)},{number(y)}" for x, y in element.points)
        return (
            f'<polygon points="{points}"'
            f"{_paint(element.fill, element.stroke, element.stroke_width)}"
            f"{_opacity(element.opacity)}/>\n"
        )
    if isinstance(element, Path):
        return (
            f'<path d="{path_data(element.ops)}"'
            f"{_paint(element.fill, element.stroke, element.stroke_width)}"
            f"{_dash(element.dash)}{_opacity(element.opacity)}/>\n"
        )
    return _text(element)


def _group(group: Group) -> str:
    attributes = ""
    if group.role:
        attributes += f' class="jm-{group.role}"'
    if group.key:
        attributes += f" data-key={quoteattr(group.key)}"
    if group.frame is not None:
        frame = group.frame
        attributes += (
            f' data-frame="{number(frame.x0)} {number(frame.y0)} '
            f'{number(frame.x1)} {number(frame.y1)}"'
        )
    if group.tip is not None:
        tip = json.dumps(
            {"title": group.tip.title, "lines": list(group.tip.lines)}, ensure_ascii=False
        )
        attributes += f' data-tip={quoteattr(tip)} tabindex="0"'
    if group.label:
        attributes += f" aria-label={quoteattr(group.label)}"
    inner = "".join(_element(child) for child in group.children)
    return f"<g{attributes}>\n{inner}</g>\n"


def _text(text: Text) -> str:
    if not text.lines:
        return ""
    anchor = f' text-anchor="{text.anchor.value}"' if text.anchor.value != "start" else ""
    weight = ' font-weight="700"' if text.weight is Weight.BOLD else ""
    italic = ' font-style="italic"' if text.italic else ""
    spans = "".join(
        f'<tspan x="{number(text.x)}" y="{number(text.baseline(index))}">{escape(line)}</tspan>'
        for index, line in enumerate(text.lines)
    )
    return (
        f'<text font-size="{number(text.size)}"{weight}{italic}{anchor} fill="{text.fill}">'
        f"{spans}</text>\n"
    )
