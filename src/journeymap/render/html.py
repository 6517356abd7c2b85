"""Self-contained HTML: the poster (or a report) in one file that needs no network.

The SVG is inlined with its fonts; a few lines of script show each item's whole story on
hover or keyboard focus (the poster's cards are cut to fit, the HTML keeps everything), and
a plain-text section below lists every tip, for print, search and screen readers. A Content
Security Policy forbids every outside request, so the file behaves the same on a plane.
Every text from the map is escaped; the script writes with ``textContent`` only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from journeymap.render.scene import Group, Scene, walk
from journeymap.render.style import PALETTE
from journeymap.render.svg import to_svg

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "font-src data:; img-src data:"
)

_STYLE = f"""
body{{margin:0;font-family:"DejaVu Sans",Verdana,sans-serif;color:{PALETTE.ink};background:#fff}}
main{{max-width:1800px;margin:0 auto;padding:16px 24px 48px}}
h1{{font-size:22px;margin:8px 0 4px}} h2{{font-size:18px;margin:32px 0 8px}}
p.caption{{color:{PALETTE.muted};margin:0 0 12px}}
figure{{margin:0 0 16px}} figure svg{{width:100%;height:auto;display:block}}
[data-tip]{{cursor:help}} [data-tip]:focus{{outline:2px solid {PALETTE.accent};outline-offset:1px}}
#jm-tip{{position:fixed;z-index:10;max-width:380px;padding:10px 12px;background:#fff;
 border:1px solid {PALETTE.rule};border-radius:6px;box-shadow:0 4px 14px rgba(0,0,0,.15);
 font-size:13px;line-height:1.4;pointer-events:none;display:none}}
#jm-tip strong{{display:block;margin-bottom:4px}}
#jm-tip p{{margin:2px 0}}
table{{border-collapse:collapse;font-size:13px;margin:8px 0 16px}}
th,td{{border-bottom:1px solid {PALETTE.hairline};padding:4px 8px;text-align:left;vertical-align:top}}
th{{color:{PALETTE.muted};font-weight:700}}
details{{margin:4px 0}} summary{{cursor:pointer;font-weight:700}}
dl.jm-all dt{{font-weight:700;margin-top:8px}} dl.jm-all dd{{margin:2px 0 0 16px}}
nav a{{margin-right:16px;color:{PALETTE.accent}}}
"""

_SCRIPT = """
(function () {
  var tip = document.getElementById('jm-tip');
  function show(target, x, y) {
    var data = JSON.parse(target.getAttribute('data-tip'));
    tip.textContent = '';
    var title = document.createElement('strong');
    title.textContent = data.title;
    tip.appendChild(title);
    data.lines.forEach(function (line) {
      if (!line) { return; }
      var p = document.createElement('p');
      p.textContent = line;
      tip.appendChild(p);
    });
    tip.style.display = 'block';
    var left = Math.min(x + 14, window.innerWidth - tip.offsetWidth - 8);
    var top = Math.min(y + 14, window.innerHeight - tip.offsetHeight - 8);
    tip.style.left = Math.max(left, 8) + 'px';
    tip.style.top = Math.max(top, 8) + 'px';
  }
  function hide() { tip.style.display = 'none'; }
  document.addEventListener('pointermove', function (event) {
    var target = event.target.closest && event.target.closest('[data-tip]');
    if (target) { show(target, event.clientX, event.clientY); } else { hide(); }
  });
  document.addEventListener('focusin', function (event) {
    var target = event.target.closest && event.target.closest('[data-tip]');
    if (!target) { hide(); return; }
    var box = target.getBoundingClientRect();
    show(target, box.right, box.top);
  });
  document.addEventListener('keydown', function (event) { if (event.key === 'Escape') { hide(); } });
})();
"""


@dataclass(frozen=True)
class Figure:
    """A scene on the page, with a heading and a caption."""

    heading: str
    scene: Scene
    caption: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class TableBlock:
    """A table of plain values, with a heading."""

    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class HtmlPage:
    """A page of figures and tables; the first figure's tips are listed in full at the end."""

    title: str
    blocks: Sequence[Figure | TableBlock]
    subtitle: str = ""
    full_text_of: Scene | None = None
    links: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def poster_html(scene: Scene) -> str:
    """The poster as one interactive HTML file."""
    page = HtmlPage(
        title=scene.title,
        subtitle=scene.description,
        blocks=[Figure(heading="", scene=scene)],
        full_text_of=scene,
    )
    return to_html(page)


def to_html(page: HtmlPage) -> str:
    """The page as one self-contained HTML document."""
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="generator" content="journeymap">\n',
        f"<title>{escape(page.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n",
        f"<h1>{escape(page.title)}</h1>\n",
    ]
    if page.subtitle:
        parts.append(f'<p class="caption">{escape(page.subtitle)}</p>\n')
    if page.links:
        links = " ".join(
            f'<a href="{escape(href)}">{escape(text)}</a>' for text, href in page.links
        )
        parts.append(f"<nav>{links}</nav>\n")
    for block in page.blocks:
        parts.append(_figure(block) if isinstance(block, Figure) else _table(block))
    if page.full_text_of is not None:
        parts.append(_full_text(page.full_text_of))
    parts.append(f'</main>\n<div id="jm-tip" role="tooltip"></div>\n<script>{_SCRIPT}</script>\n')
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def _anchor(anchor: str) -> str:
    return f' id="{escape(anchor)}"' if anchor else ""


def _figure(figure: Figure) -> str:
    heading = (
        f"<h2{_anchor(figure.anchor)}>{escape(figure.heading)}</h2>\n" if figure.heading else ""
    )
    caption = f'<p class="caption">{escape(figure.caption)}</p>\n' if figure.caption else ""
    svg = to_svg(figure.scene, standalone=False)
    return f"{heading}{caption}<figure>\n{svg}</figure>\n"


def _table(table: TableBlock) -> str:
    head = "".join(f"<th>{escape(column)}</th>" for column in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>\n"
        for row in table.rows
    )
    caption = f'<p class="caption">{escape(table.caption)}</p>\n' if table.caption else ""
    empty = "" if table.rows else '<p class="caption">Nothing to show.</p>\n'
    return (
        f"<h2{_anchor(table.anchor)}>{escape(table.heading)}</h2>\n{caption}"
        f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>\n{empty}"
    )


def _full_text(scene: Scene) -> str:
    """Every tip of the scene as text: the whole map, nothing cut."""
    items = [e for e in walk(scene.children) if isinstance(e, Group) and e.tip is not None]
    entries = []
    for group in items:
        assert group.tip is not None
        lines = "".join(f"<dd>{escape(line)}</dd>" for line in group.tip.lines if line)
        entries.append(f"<dt>{escape(group.tip.title)}</dt>{lines}")
    data = json.dumps(len(entries))
    return (
        f"<details><summary>The whole map as text ({data} items)</summary>\n"
        f'<dl class="jm-all">{"".join(entries)}</dl>\n</details>\n'
    )
