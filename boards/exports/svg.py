"""The board as one SVG picture, drawn on the server from a board state.

The one drawing of a board: the SVG export is this, and the PNG and the first page of
the PDF are this SVG rendered by cairo (boards/exports/raster.py). It follows the editor
(static/css/editor.css, static/js/editor/geometry.js) so that a handout looks like the
board the team built: phase columns 480 wide with their coloured headers, post-its in
the colours of their kinds, arrows as the same gentle curves, links as dotted green
lines, and the gap analysis's red marks on touchpoints with no activity behind them.

Every piece of user text goes through boards.exports.text.xml_text/xml_attr. Arrows and
links (their curves and where an arrow's label goes) are drawn by svg_lines.py.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boards.exports import text as tx
from boards.exports.drawing import (
    DANGER,
    INK,
    INK_2,
    MUTED,
    NOTE_FILL,
    SHAPES,
    coverage_pill,
    draw_line,
    draw_pill,
    draw_text,
    num,
    rounded,
)
from boards.exports.frame import MARGIN, TITLE_BLOCK, legend, title_block
from boards.exports.state import (
    card_boxes,
    channel_label,
    complete_state,
    kind_label,
    kpi_figures,
    priority_label,
)
from boards.exports.svg_lines import (
    arrow_direction,
    arrow_geometry,
    arrow_label,
    arrow_path,
    arrow_style,
    card_grid,
    link_path,
)
from boards.models import COLUMN_WIDTH, KIND_COLOURS, CardKind

HEADER_H = 52
KPI_ROW = 24
CARD_TEXT_SIZE = 14
CARD_LINE = 19
KIND_SIZE = 10
CHIP_SIZE = 10.5


# The parts of the picture.


def _lanes(phases: list[dict], top: float, bottom: float) -> str:
    parts = ["<defs>"]
    for index, phase in enumerate(phases):
        parts.append(
            f'<linearGradient id="lane{index}" gradientUnits="userSpaceOnUse" x1="0" '
            f'y1="{num(top)}" x2="0" y2="{num(top + 520)}">'
            f'<stop offset="0" stop-color="{phase["colour"]}" stop-opacity="0.55"/>'
            f'<stop offset="0.6" stop-color="{phase["colour"]}" stop-opacity="0.2"/>'
            f'<stop offset="1" stop-color="{phase["colour"]}" stop-opacity="0.08"/>'
            "</linearGradient>"
        )
    parts.append("</defs>")
    for index in range(len(phases)):
        parts.append(
            f'<rect x="{index * COLUMN_WIDTH}" y="{num(top)}" width="{COLUMN_WIDTH}" '
            f'height="{num(bottom - top)}" fill="url(#lane{index})"/>'
        )
    for index in range(len(phases) + 1):
        x = index * COLUMN_WIDTH
        parts.append(
            f'<line x1="{x}" y1="{num(top)}" x2="{x}" y2="{num(bottom)}" stroke="#cbd5e1" '
            'stroke-width="1" stroke-dasharray="4 4"/>'
        )
    return "".join(parts)


def _phase_header(index: int, phase: dict, figures: dict, cards: int, top: float) -> str:
    left = index * COLUMN_WIDTH + 8
    width = COLUMN_WIDTH - 16
    middle = top + HEADER_H / 2
    parts = [
        f'<rect x="{left}" y="{num(top)}" width="{width}" height="{HEADER_H}" rx="12" '
        f'fill="{phase["colour"]}" stroke="#0f172a" stroke-opacity="0.08"/>',
        f'<circle cx="{left + 24}" cy="{num(middle)}" r="14" fill="#ffffff" fill-opacity="0.85"/>',
        draw_text(
            left + 24, middle + 13 * 0.36, str(index + 1), size=13, bold=True, anchor="middle"
        ),
    ]
    right = left + width - 10
    count, count_width = draw_pill(
        right,
        middle - 11,
        ngettext("%(count)s card", "%(count)s cards", cards) % {"count": cards},
        size=11,
        fill="#ffffff",
        ink=INK_2,
        anchor="end",
        height=22,
    )
    parts.append(count)
    right -= count_width + 6
    coverage = figures.get("coverage")
    if coverage is not None:
        chip, chip_width = coverage_pill(right, middle - 11, coverage, size=11, height=22)
        parts.append(chip)
        right -= chip_width + 6
    name_left = left + 48
    name = tx.ellipsize(phase["name"], right - name_left - 4, 16, bold=True)
    parts.append(draw_text(name_left, middle + 16 * 0.36, name, size=16, bold=True))
    for row, kpi in enumerate(phase["kpis"]):
        parts.append(_kpi_chip(left, top + HEADER_H + 8 + row * KPI_ROW, width, kpi))
    return "".join(parts)


def _kpi_chip(left: float, top: float, room: float, kpi: dict) -> str:
    size = 11.5
    figures = kpi_figures(kpi)
    name = tx.ellipsize(kpi["name"], room * 0.6 if figures else room - 20, size, bold=True)
    name_width = tx.text_width(name, size, bold=True)
    figures = tx.ellipsize(figures, room - 28 - name_width, size) if figures else ""
    width = name_width + (tx.text_width(figures, size) + 8 if figures else 0) + 20
    parts = [
        f'<rect x="{left}" y="{num(top)}" width="{num(width)}" height="20" rx="10" '
        'fill="#ffffff" stroke="#94a3b8" stroke-opacity="0.6"/>',
        draw_text(left + 10, top + 10 + size * 0.36, name, size=size, fill=INK_2, bold=True),
    ]
    if figures:
        parts.append(
            draw_text(
                left + 18 + name_width, top + 10 + size * 0.36, figures, size=size, fill=MUTED
            )
        )
    return "".join(parts)


def _shadows(cards: list[dict], boxes: dict[str, tuple]) -> str:
    """The shadows under the paper of every card but notes (a note is a sketch, flat), as
    one path: one element instead of one per card keeps a large board quick to render."""
    outlines = [
        rounded(x + 1, y + 3, w, h, SHAPES.get(card["kind"], SHAPES["touchpoint"]))
        for card in cards
        if card["kind"] != "note"
        for x, y, w, h in [boxes[card["id"]]]
    ]
    if not outlines:
        return ""
    return f'<path d="{"".join(outlines)}" fill="#0f172a" fill-opacity="0.1"/>'


def _card(card: dict, box: tuple, uncovered: bool) -> str:
    x, y, w, h = box
    kind = card["kind"]
    colour = card["colour"] or (NOTE_FILL if kind == "note" else KIND_COLOURS.get(kind, "#e5e7eb"))
    parts = [f'<g class="card card-{tx.xml_attr(kind)}" id="card-{tx.xml_attr(card["id"])}">']
    if uncovered:
        parts.append(
            f'<rect x="{num(x - 4)}" y="{num(y - 4)}" width="{num(w + 8)}" height="{num(h + 8)}" '
            f'rx="8" fill="none" stroke="{DANGER}" stroke-opacity="0.75" stroke-width="2"/>'
        )
    pad_left = 11
    if kind == "activity":
        parts.append(
            f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" rx="4" '
            f'fill="{colour}"/>'
        )
        parts.append(
            f'<path d="{rounded(x, y, 6, h, (4, 0, 0, 4))}" fill="#047857" fill-opacity="0.5"/>'
        )
        pad_left = 16
    elif kind == "note":
        parts.append(
            f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" rx="10" '
            f'fill="{colour}" stroke="#94a3b8" stroke-width="1.5" stroke-dasharray="5 4"/>'
        )
    elif kind == "opportunity":
        parts.append(
            f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" rx="16" '
            f'fill="{colour}"/>'
        )
    else:  # a touchpoint: a post-it with a curled corner
        parts.append(f'<path d="{rounded(x, y, w, h, (4, 4, 14, 4))}" fill="{colour}"/>')
        parts.append(
            f'<path d="M{num(x + w - 16)} {num(y + h)}L{num(x + w)} {num(y + h - 16)}'
            f'V{num(y + h - 14)}Q{num(x + w)} {num(y + h)} {num(x + w - 14)} {num(y + h)}Z" '
            'fill="#0f172a" fill-opacity="0.08"/>'
        )
    inner = w - pad_left - 10
    top = y + 9
    label = kind_label(kind).upper()
    if kind == CardKind.OPPORTUNITY:
        label = "✦ " + label
    label = tx.ellipsize(label, inner, KIND_SIZE, bold=True)
    parts.append(
        draw_text(
            x + pad_left,
            top + KIND_SIZE,
            label,
            size=KIND_SIZE,
            fill=INK,
            bold=True,
            extra=' fill-opacity="0.55" letter-spacing="0.6"',
        )
    )
    chips = [
        (channel_label(card["channel"]), "#ffffff", INK_2),
        (_priority_chip(card["priority"]), "#ffffff", "#9d174d"),
    ]
    chips = [chip for chip in chips if chip[0]]
    text_top = top + KIND_SIZE + 6
    lines = tx.wrap_paragraphs(card["text"], inner, CARD_TEXT_SIZE) if card["text"] else []
    room = y + h - 8 - (24 if chips else 0) - text_top
    if chips and lines and room < CARD_LINE:
        chips, room = [], y + h - 8 - text_top  # a small card shows its words first
    shown = _clip(lines, int(room // CARD_LINE), inner)
    for row, (line, direction) in enumerate(shown):
        if not line:
            continue
        baseline = text_top + row * CARD_LINE + CARD_TEXT_SIZE
        parts.append(
            draw_line(
                x + pad_left,
                x + pad_left + inner,
                baseline,
                line,
                direction,
                size=CARD_TEXT_SIZE,
                extra=' class="text"',
            )
        )
    left = x + pad_left
    for label, fill, ink in chips:
        room_left = x + w - 8 - left
        fits = tx.text_width(label, CHIP_SIZE) + 14 <= room_left
        if not fits and (left > x + pad_left or room_left < 30):
            break  # a second chip shows whole or not at all
        label = tx.ellipsize(label, room_left - 14, CHIP_SIZE)
        chip, chip_width = draw_pill(
            left, y + h - 26, label, size=CHIP_SIZE, fill=fill, ink=ink, bold=False, pad=7
        )
        parts.append(chip.replace('fill="#ffffff"', 'fill="#ffffff" fill-opacity="0.7"', 1))
        left += chip_width + 5
    parts.append("</g>")
    return "".join(parts)


def _priority_chip(priority: str) -> str:
    if not priority:
        return ""
    return _("%(priority)s priority") % {"priority": priority_label(priority)}


def _clip(lines: list[tuple[str, str]], count: int, width: float) -> list[tuple[str, str]]:
    kept = tx.clip_lines([line for line, _direction in lines], count, width, CARD_TEXT_SIZE)
    return [(line, lines[index][1]) for index, line in enumerate(kept)]


def _gap_mark(box: tuple) -> str:
    x, y, w, _h = box
    chip, _width = draw_pill(
        x + w - 8,
        y - 11,
        _("No activity"),
        size=10,
        fill=DANGER,
        ink="#ffffff",
        anchor="end",
        height=19,
        pad=7,
    )
    return f'<g class="gap-mark">{chip}</g>'


def render_svg(state: dict, *, gaps: dict, title_line: str, when: datetime) -> str:
    """The board of `state` (boards.selectors.board_state, or a snapshot's state) as a
    standalone SVG document, sized to its content.

    `gaps` is boards.gaps.gaps_from_state of the same state: the coverage figures and
    the marks on uncovered touchpoints come from it, never from a count of their own.
    `title_line` heads the picture (the board's title, or that and a version's name);
    `when` is the moment the picture shows (now, or when the version was saved).
    """
    state = complete_state(state)
    phases = state["phases"]
    boxes = card_boxes(state)
    cards_by_id = {card["id"]: card for card in state["cards"]}
    uncovered = set(gaps.get("uncovered_ids", []))
    figures = {phase["id"]: phase for phase in gaps.get("phases", [])}

    kpi_rows = max((len(phase["kpis"]) for phase in phases), default=0)
    header_top = -max(100, HEADER_H + (8 + kpi_rows * KPI_ROW if kpi_rows else 0) + 24)
    arrows = []
    for arrow in state["arrows"]:
        start, end = cards_by_id.get(arrow["from"]), cards_by_id.get(arrow["to"])
        if start is None or end is None:
            continue
        geometry = arrow_geometry(boxes[start["id"]], boxes[end["id"]])
        direction = arrow_style(arrow_direction(state, start, end), arrow)
        arrows.append((arrow, geometry, direction))

    # Bounds: the columns, every card (with the room of a gap mark), every curve's bend.
    xs = [0.0, float(len(phases) * COLUMN_WIDTH)]
    ys = [header_top - 12, 0.0]
    for x, y, w, h in boxes.values():
        xs += [x - 6, x + w + 6]
        ys += [y - 14, y + h + 6]
    for _arrow_data, geometry, _dir in arrows:
        xs.append(geometry["control"][0])
        ys.append(geometry["control"][1])
    left, right = min(xs), max(xs)
    top = min(ys)
    bottom = max(max(ys) + 40, 360.0)
    width = max(right - left + 2 * MARGIN, 760.0)
    legend_svg, legend_height = legend(MARGIN, 0, width - 2 * MARGIN)
    board_top = MARGIN + TITLE_BLOCK
    height = board_top + (bottom - top) + 28 + legend_height + MARGIN
    shift_x = MARGIN - left + (width - 2 * MARGIN - (right - left)) / 2
    shift_y = board_top - top

    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{num(width)}" height="{num(height)}" '
        f'viewBox="0 0 {num(width)} {num(height)}" font-family="{tx.FONT_FAMILY}">',
        f"<title>{tx.xml_text(title_line)}</title>",
        f'<rect width="{num(width)}" height="{num(height)}" fill="#ffffff"/>',
        title_block(state, gaps, title_line, when, width),
        f'<g transform="translate({num(shift_x)} {num(shift_y)})">',
        _lanes(phases, header_top - 12, bottom),
    ]
    counts: dict[str, int] = {}
    for card in state["cards"]:
        counts[card["phase"]] = counts.get(card["phase"], 0) + 1
    for index, phase in enumerate(phases):
        if index < len(phases) - 1:  # the line runs on: a chevron between headers
            x, y = (index + 1) * COLUMN_WIDTH, header_top + HEADER_H / 2
            parts.append(
                f'<path d="M{x - 3} {num(y - 6)}l6 6 -6 6" fill="none" stroke="#94a3b8" '
                'stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>'
            )
        figures_of = figures.get(phase["id"], {})
        parts.append(
            _phase_header(index, phase, figures_of, counts.get(phase["id"], 0), header_top)
        )
    for link in state["links"]:
        if link["from"] in boxes and link["to"] in boxes:
            parts.append(link_path(boxes[link["from"]], boxes[link["to"]]))
    for _data, geometry, direction in arrows:
        parts.append(arrow_path(geometry, direction))
    parts.append(_shadows(state["cards"], boxes))
    for card in state["cards"]:
        parts.append(_card(card, boxes[card["id"]], card["id"] in uncovered))
    grid = card_grid(boxes)
    for arrow, geometry, direction in arrows:
        parts.append(arrow_label(arrow, geometry, direction, grid))
    for card_id in uncovered:
        if card_id in boxes:
            parts.append(_gap_mark(boxes[card_id]))
    parts.append("</g>")
    legend_top = board_top + (bottom - top) + 28
    parts.append(f'<g transform="translate(0 {num(legend_top)})">{legend_svg}</g>')
    parts.append("</svg>\n")
    return "".join(parts)
