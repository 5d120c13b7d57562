"""PNG and PDF from the SVG drawings, with cairosvg (and Debian's libcairo2).

cairosvg draws text one code point at a time, twice (once as an outline it then strokes
invisibly, once as glyphs), and knows neither the bidirectional algorithm nor Arabic
joining. On a board of 2,000 cards that was half of the time of a PNG, and Hebrew came
out backwards. So the surfaces here are cairosvg's own PNG and PDF surfaces with one
change: a plain one-line `<text>` (what boards/exports/svg.py and report.py write: x, y,
fill, size, weight, anchor, letter-spacing, direction) is drawn in one call with cairo,
in the visual order of its direction (boards.exports.text.visual_order), and every
other element as cairosvg draws it. The SVG stays the one drawing; in it, Hebrew and
Arabic keep their logical order and a `direction`, for browsers and for search.
"""

from __future__ import annotations

import io
import math
import re

import cairocffi as cairo
from cairosvg.helpers import paint, size
from cairosvg.surface import PDFSurface, PNGSurface
from pypdf import PdfReader, PdfWriter

from boards.exports import text as tx

# A PNG is drawn at twice the board's size (sharp on high-density screens and in print)
# unless that makes it too large to open comfortably: then smaller, down to what fits.
PNG_SCALE = 2.0
PNG_MAX_PIXELS = 24_000_000
PNG_MAX_SIDE = 16_000
# PDF viewers refuse pages over 200 inches (14,400 pt) a side; 1 board unit is 0.75 pt.
PDF_MAX_SIDE_PT = 14_400

_SIZE = re.compile(r'<svg [^>]*?width="([0-9.]+)(pt)?" height="([0-9.]+)(pt)?"')
# Attributes that need cairosvg's own handling of a text element.
_NOT_PLAIN = ("transform", "opacity", "dx", "dy", "rotate", "filter", "mask", "clip-path")


def _plain_text(surface, node) -> bool:
    """Draw `node` if it is a plain one-line text; False (drawing nothing) otherwise."""
    if node.tag != "text" or node.children or not node.text or node.get_href():
        return False
    if any(name in node for name in _NOT_PLAIN):
        return False
    context = surface.context
    value = node.text
    anchor = node.get("text-anchor", "start")
    direction = node.get("direction")
    if direction in ("rtl", "ltr") and tx.has_rtl(value):
        value = tx.visual_order(value, direction)
        if direction == "rtl":  # the anchor names an end of right-to-left text
            anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
    weight = node.get("font-weight", "normal")
    bold = weight == "bold" or (weight.isdigit() and int(weight) >= 550)
    family = (node.get("font-family") or "sans-serif").split(",")[0].strip("\"' ")
    _source, colour = paint(node.get("fill", "black"))
    if colour is None or colour == "none":
        return True  # nothing to paint
    context.save()
    context.select_font_face(
        family,
        cairo.FONT_SLANT_NORMAL,
        cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL,
    )
    context.set_font_size(size(surface, node.get("font-size", "12pt")))
    context.set_source_rgba(*surface.map_color(colour, float(node.get("fill-opacity", 1))))
    spacing = size(surface, node.get("letter-spacing"))
    width = context.text_extents(value)[4] + spacing * max(0, len(value) - 1)
    x = size(surface, node.get("x"), "x") - {"middle": width / 2, "end": width}.get(anchor, 0)
    y = size(surface, node.get("y"), "y")
    if spacing:
        for char in value:
            context.move_to(x, y)
            context.show_text(char)
            x += context.text_extents(char)[4] + spacing
    else:
        context.move_to(x, y)
        context.show_text(value)
    context.restore()
    return True


class _Drawing:
    def draw(self, node) -> None:
        if not _plain_text(self, node):
            super().draw(node)


class _PNGSurface(_Drawing, PNGSurface):
    pass


class _PDFSurface(_Drawing, PDFSurface):
    pass


def svg_size(svg: str) -> tuple[float, float]:
    """The width and height of `svg` in CSS pixels (board units)."""
    found = _SIZE.search(svg)
    if found is None:
        raise ValueError("The SVG has no width and height.")
    width, width_unit, height, height_unit = found.groups()
    return (
        float(width) * (4 / 3 if width_unit else 1),
        float(height) * (4 / 3 if height_unit else 1),
    )


def png_scale(width: float, height: float) -> float:
    """The scale a board of `width` by `height` units is drawn at as a PNG."""
    return min(
        PNG_SCALE,
        math.sqrt(PNG_MAX_PIXELS / max(1.0, width * height)),
        PNG_MAX_SIDE / max(width, height, 1.0),
    )


def svg_to_png(svg: str) -> bytes:
    width, height = svg_size(svg)
    return _PNGSurface.convert(bytestring=svg.encode("utf-8"), scale=png_scale(width, height))


def svg_to_pdf(svg: str) -> bytes:
    """One PDF page of `svg`, scaled down when the page would pass what viewers open."""
    width, height = svg_size(svg)
    scale = min(1.0, PDF_MAX_SIDE_PT / (max(width, height) * 0.75))
    return _PDFSurface.convert(bytestring=svg.encode("utf-8"), scale=scale)


def merge_pdfs(documents: list[bytes], *, title: str) -> bytes:
    """One PDF of all pages of `documents`, in order, titled `title`."""
    writer = PdfWriter()
    for document in documents:
        writer.append(PdfReader(io.BytesIO(document)))
    writer.add_metadata({"/Title": title, "/Creator": "Journeymap"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
