"""Arrows and links in the SVG picture of a board (boards/exports/svg.py): where they run
(the editor's geometry, static/js/editor/geometry.js), how they are drawn, and where an
arrow's label goes so that it covers no card's words."""

from __future__ import annotations

import math

from boards.exports import text as tx
from boards.exports.drawing import DIRECTION_COLOURS, LINK_COLOUR, draw_text, line_stroke, num
from boards.exports.state import number


def edge_point(box: tuple, px: float, py: float) -> tuple[float, float]:
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    dx, dy = px - cx, py - cy
    if dx == 0 and dy == 0:
        return cx, cy
    sx = math.inf if dx == 0 else w / 2 / abs(dx)
    sy = math.inf if dy == 0 else h / 2 / abs(dy)
    s = min(sx, sy)
    return cx + dx * s, cy + dy * s


def arrow_geometry(a: tuple, b: tuple) -> dict:
    """The editor's arrowPath: a quadratic curve between the cards' edges, bent to the
    left of the direction of travel so that A→B and B→A do not overlap."""
    acx, acy = a[0] + a[2] / 2, a[1] + a[3] / 2
    bcx, bcy = b[0] + b[2] / 2, b[1] + b[3] / 2
    dx, dy = bcx - acx, bcy - acy
    length = math.hypot(dx, dy) or 1
    bend = min(60, length * 0.15)
    cx = (acx + bcx) / 2 + dy / length * bend
    cy = (acy + bcy) / 2 - dx / length * bend
    start = edge_point(a, cx, cy)
    end = edge_point(b, cx, cy)
    mx = 0.25 * start[0] + 0.5 * cx + 0.25 * end[0]
    my = 0.25 * start[1] + 0.5 * cy + 0.25 * end[1]
    return {"start": start, "control": (cx, cy), "end": end, "mid": (mx, my)}


def arrow_direction(state: dict, start: dict, end: dict) -> str:
    position = {phase["id"]: index for index, phase in enumerate(state["phases"])}
    a, b = position.get(start["phase"]), position.get(end["phase"])
    if a is None or b is None or a == b:
        return "same"
    return "forward" if b > a else "backward"


def arrow_style(direction: str, arrow: dict) -> str:
    """How an arrow is drawn (a key of DIRECTION_COLOURS): by its direction, and a move
    back that is a return or a reactivation as a loop, as the editor draws it
    (static/js/editor/render.js)."""
    movement = arrow.get("movement") or "fall_back"
    return "loop" if direction == "backward" and movement != "fall_back" else direction


# Drawing.


def arrow_path(geometry: dict, direction: str) -> str:
    (sx, sy), (cx, cy), (ex, ey) = geometry["start"], geometry["control"], geometry["end"]
    colour = DIRECTION_COLOURS[direction]
    ux, uy = ex - cx, ey - cy
    length = math.hypot(ux, uy) or 1
    ux, uy = ux / length, uy / length
    # The line stops inside the head, so neither a round cap nor a dash shows past its tip.
    lx, ly = ex - ux * 7, ey - uy * 7
    head = (
        f"{num(ex)},{num(ey)} {num(ex - ux * 12 - uy * 5.5)},{num(ey - uy * 12 + ux * 5.5)} "
        f"{num(ex - ux * 12 + uy * 5.5)},{num(ey - uy * 12 - ux * 5.5)}"
    )
    return (
        f'<path d="M{num(sx)} {num(sy)}Q{num(cx)} {num(cy)} {num(lx)} {num(ly)}" fill="none" '
        f"{line_stroke(direction)}/>"
        f'<polygon points="{head}" fill="{colour}"/>'
    )


GRID = 200  # board units a side of the cells that index cards for label placement


def card_grid(boxes: dict[str, tuple]) -> dict[tuple[int, int], list[tuple]]:
    grid: dict[tuple[int, int], list[tuple]] = {}
    for x, y, w, h in boxes.values():
        for gx in range(int(x // GRID), int((x + w) // GRID) + 1):
            for gy in range(int(y // GRID), int((y + h) // GRID) + 1):
                grid.setdefault((gx, gy), []).append((x, y, w, h))
    return grid


def _covers_a_card(grid: dict, left: float, top: float, width: float, height: float) -> bool:
    for gx in range(int(left // GRID), int((left + width) // GRID) + 1):
        for gy in range(int(top // GRID), int((top + height) // GRID) + 1):
            for x, y, w, h in grid.get((gx, gy), ()):
                if left < x + w and x < left + width and top < y + h and y < top + height:
                    return True
    return False


def _label_spot(geometry: dict, width: float, grid: dict) -> tuple[float, float]:
    """Where on its curve an arrow's label covers no card's words: the middle, else the
    first free point a little before or after it; the middle when none is free (the
    editor's place, geometry.js arrowPath)."""
    (sx, sy), (cx, cy), (ex, ey) = geometry["start"], geometry["control"], geometry["end"]
    for t in (0.5, 0.38, 0.62, 0.28, 0.72):
        u = 1 - t
        x = u * u * sx + 2 * u * t * cx + t * t * ex
        y = u * u * sy + 2 * u * t * cy + t * t * ey
        if not _covers_a_card(grid, x - width / 2, y - 11, width, 21):
            return x, y
    return geometry["mid"]


def arrow_label(arrow: dict, geometry: dict, direction: str, grid: dict) -> str:
    parts = [arrow["label"].strip()]
    if arrow["weight"] is not None:
        parts.append(number(arrow["weight"]))
    label = tx.ellipsize(" · ".join(p for p in parts if p), 220, 12, bold=True)
    if not label:
        return ""
    width = tx.text_width(label, 12, bold=True) + 14
    mx, my = _label_spot(geometry, width, grid)
    return (
        f'<rect x="{num(mx - width / 2)}" y="{num(my - 11)}" width="{num(width)}" height="21" '
        f'rx="10.5" fill="#ffffff" stroke="{DIRECTION_COLOURS[direction]}" stroke-width="1.2"/>'
        + draw_text(mx, my - 0.5 + 12 * 0.36, label, size=12, bold=True, anchor="middle")
    )


def link_path(a: tuple, b: tuple) -> str:
    """An activity serving a touchpoint: centre to centre, clipped to the cards, a dot on
    the touchpoint (render.js drawLink)."""
    acx, acy = a[0] + a[2] / 2, a[1] + a[3] / 2
    bcx, bcy = b[0] + b[2] / 2, b[1] + b[3] / 2
    sx, sy = edge_point(a, bcx, bcy)
    ex, ey = edge_point(b, acx, acy)
    return (
        f'<path d="M{num(sx)} {num(sy)}L{num(ex)} {num(ey)}" fill="none" {line_stroke("link")}/>'
        f'<circle cx="{num(ex)}" cy="{num(ey)}" r="4.5" fill="{LINK_COLOUR}" stroke="#ffffff" '
        'stroke-width="1.5"/>'
    )
