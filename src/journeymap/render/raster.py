"""Scene -> PNG: the SVG drawn by resvg, so the bitmap is the reference output, pixel for pixel.

We rasterise the very SVG that :func:`~journeymap.render.svg.to_svg` writes instead of drawing
the scene a second time, so a PNG can never disagree with the SVG. The fonts are handed to
resvg as files and the system's fonts are skipped: the picture is the same on every machine,
and text is set in the font the layout measured.

A printed poster has a physical size: its PNG is exactly that size at the requested dpi and
says so in its ``pHYs`` chunk, so a print shop or an image viewer reads the right size. The
bytes are deterministic (no timestamps, no text chunks), which keeps golden files and caches
honest.
"""

from __future__ import annotations

import io

import resvg_py
from PIL import Image

from journeymap.render.fonts import Weight, font_directory, font_files
from journeymap.render.scene import Scene
from journeymap.render.svg import to_svg

MM_PER_INCH = 25.4

_OBLIQUE_FILES = {
    Weight.REGULAR: "DejaVuSans-Oblique.ttf",
    Weight.BOLD: "DejaVuSans-BoldOblique.ttf",
}


def to_png(scene: Scene, *, dpi: float = 150.0, scale: float = 1.0) -> bytes:
    """The scene as PNG bytes.

    A print scene (with ``physical_mm``) becomes ``round(mm / 25.4 * dpi)`` pixels each way
    and records ``dpi``; ``scale`` is ignored for it. A screen scene becomes
    ``round(width * scale)`` by ``round(height * scale)`` pixels and records ``dpi`` as well
    (it means nothing for the screen, but an image without one is read as 72 dpi).
    """
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    width_px, height_px = pixel_size(scene, dpi=dpi, scale=scale)
    drawn = resvg_py.svg_to_bytes(
        svg_string=to_svg(scene, embed_fonts=False),
        background=scene.background,
        skip_system_fonts=True,
        font_files=_font_paths(),
        font_family="DejaVu Sans",
        sans_serif_family="DejaVu Sans",
        width=width_px,
        dpi=dpi,
    )
    with Image.open(io.BytesIO(drawn)) as image:
        image.load()
        rgba = image.convert("RGBA")
    if rgba.size == (width_px, height_px):
        # resvg painted the background under everything: the picture is opaque already.
        page = rgba.convert("RGB")
    else:
        # resvg keeps the SVG's aspect ratio and rounds the other side itself; paint onto a
        # canvas of exactly the promised size (at most one pixel row of background differs).
        page = Image.new("RGB", (width_px, height_px), _rgb(scene.background))
        page.paste(rgba, (0, 0), rgba)
    out = io.BytesIO()
    page.save(out, format="PNG", dpi=(dpi, dpi), optimize=False, compress_level=6)
    return out.getvalue()


def pixel_size(scene: Scene, *, dpi: float = 150.0, scale: float = 1.0) -> tuple[int, int]:
    """How many pixels wide and high :func:`to_png` makes the scene."""
    if scene.physical_mm is not None:
        width_mm, height_mm = scene.physical_mm
        return (
            max(1, round(width_mm / MM_PER_INCH * dpi)),
            max(1, round(height_mm / MM_PER_INCH * dpi)),
        )
    return max(1, round(scene.width * scale)), max(1, round(scene.height * scale))


def _font_paths() -> list[str]:
    """Regular and bold, and the obliques where matplotlib ships them (italic text)."""
    paths = [str(path) for path in font_files()]
    for name in _OBLIQUE_FILES.values():
        oblique = font_directory() / name
        if oblique.is_file():
            paths.append(str(oblique))
    return paths


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"expected a background like #ffffff, got {colour!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
