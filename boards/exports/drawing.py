"""The drawing primitives and colours every SVG of the exports is made of (the board in
svg.py, its frame in frame.py, the report pages in report.py): one way to write text,
with escaping and direction, and one palette, the app's (static/css/app.css)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from boards.exports import text as tx
from boards.gaps import coverage_tone

INK, INK_2, MUTED, LINE = "#0f172a", "#334155", "#64748b", "#e2e8f0"
BRAND, DANGER = "#4338ca", "#dc2626"
# "loop": a move back that is a return or a reactivation, violet as in the editor
# (static/css/editor.css, .arrow.is-loop): a loop the method aims for, not a loss.
DIRECTION_COLOURS = {
    "forward": "#2563eb",
    "backward": "#dc2626",
    "same": "#64748b",
    "loop": "#7c3aed",
}
LINK_COLOUR = "#059669"
# Each kind of line has its own pattern as well as its colour, the editor's
# (static/css/editor.css, "Arrows"), so a grey-scale print tells them apart: forward
# solid, a fall back long dashes, a loop dash-dot, within a phase short square dashes,
# a link round dots.
LINE_PATTERNS = {  # kind: (stroke-dasharray, stroke-linecap)
    "forward": ("", "round"),
    "backward": ("10 6", "butt"),
    "loop": ("12 5 2 5", "butt"),
    "same": ("4 5", "butt"),
    "link": ("0.5 6", "round"),
}


def line_stroke(kind: str, width: float = 2.5) -> str:
    """The stroke attributes of an arrow or link line of `kind` (a key of LINE_PATTERNS)."""
    dash, cap = LINE_PATTERNS[kind]
    colour = LINK_COLOUR if kind == "link" else DIRECTION_COLOURS[kind]
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return f'stroke="{colour}" stroke-width="{width:g}" stroke-linecap="{cap}"{dashes}'


NOTE_FILL = "#f1f5f9"
TONES = {  # coverage chip: text, border
    "good": ("#047857", "#a7f3d0"),
    "fair": ("#b45309", "#fcd34d"),
    "poor": ("#b91c1c", "#fecaca"),
}
# Corner radii of each kind's paper (top-left, top-right, bottom-right, bottom-left).
SHAPES = {
    "touchpoint": (4, 4, 14, 4),
    "activity": (4, 4, 4, 4),
    "note": (10, 10, 10, 10),
    "opportunity": (16, 16, 16, 16),
}


def num(value: float) -> str:
    """A coordinate as SVG wants it: one decimal at most, none when whole."""
    return f"{value:.1f}".removesuffix(".0")


def draw_text(
    x: float,
    y: float,
    value: str,
    *,
    size: float,
    fill: str = INK,
    bold: bool = False,
    anchor: str = "start",
    direction: str | None = None,
    extra: str = "",
) -> str:
    """One line of text. `anchor` is visual: "start" is the left end, "end" the right.

    Text with right-to-left characters gets its `direction`, and then the anchor names
    the end it stands for in that direction (SVG's text-anchor follows the direction), so
    a browser lays out Hebrew and Arabic itself; raster.py turns the same attributes into
    the glyph order cairo needs.
    """
    attrs = f'x="{num(x)}" y="{num(y)}" font-size="{num(size)}" fill="{fill}"'
    if bold:
        attrs += ' font-weight="bold"'
    if tx.has_rtl(value):
        direction = direction or tx.base_direction(value)
        if direction == "rtl":
            anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
        attrs += f' direction="{direction}" unicode-bidi="embed"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    return f"<text {attrs}{extra}>{tx.xml_text(value)}</text>"


def draw_line(
    left: float, right: float, y: float, value: str, direction: str, **style: object
) -> str:
    """A line of a paragraph between `left` and `right`: at the left edge, or at the right
    edge for a right-to-left paragraph, in the paragraph's own direction."""
    if direction == "rtl":
        return draw_text(right, y, value, anchor="end", direction="rtl", **style)
    return draw_text(left, y, value, direction="ltr", **style)


def draw_pill(
    x: float,
    y: float,
    label: str,
    *,
    size: float,
    fill: str,
    ink: str,
    stroke: str = "",
    bold: bool = True,
    anchor: str = "start",
    height: float | None = None,
    pad: float = 8,
) -> tuple[str, float]:
    """A rounded label (a chip); returns its SVG and its width. `y` is the top."""
    height = height or size + 9
    width = tx.text_width(label, size, bold=bold) + 2 * pad
    left = x - width if anchor == "end" else x
    border = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
    svg = (
        f'<rect x="{num(left)}" y="{num(y)}" width="{num(width)}" height="{num(height)}" '
        f'rx="{num(height / 2)}" fill="{fill}"{border}/>'
        + draw_text(left + pad, y + height / 2 + size * 0.36, label, size=size, fill=ink, bold=bold)
    )
    return svg, width


def coverage_pill(
    right: float, top: float, coverage: int, *, size: float, height: float, pad: float = 8
) -> tuple[str, float]:
    """A phase's "N% covered" chip in the tone of its coverage, ending at `right`;
    returns its SVG and its width (the board and the report draw it at their sizes)."""
    ink, border = TONES[coverage_tone(coverage)]
    return draw_pill(
        right,
        top,
        _("%(percent)s%% covered") % {"percent": coverage},
        size=size,
        fill="#ffffff",
        ink=ink,
        stroke=border,
        anchor="end",
        height=height,
        pad=pad,
    )


def rounded(x: float, y: float, w: float, h: float, radii: tuple) -> str:
    """A rectangle path with its own radius at each corner (top-left, top-right,
    bottom-right, bottom-left), like CSS border-radius."""
    limit = min(w, h) / 2
    tl, tr, br, bl = (min(r, limit) for r in radii)
    return (
        f"M{num(x + tl)} {num(y)}H{num(x + w - tr)}"
        f"Q{num(x + w)} {num(y)} {num(x + w)} {num(y + tr)}"
        f"V{num(y + h - br)}Q{num(x + w)} {num(y + h)} {num(x + w - br)} {num(y + h)}"
        f"H{num(x + bl)}Q{num(x)} {num(y + h)} {num(x)} {num(y + h - bl)}"
        f"V{num(y + tl)}Q{num(x)} {num(y)} {num(x + tl)} {num(y)}Z"
    )
