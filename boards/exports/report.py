"""The report pages of the PDF, after the picture of the board: the gap analysis per
phase, the KPIs, the channel-by-phase matrix and the strategy, as A4 portrait pages.

Each page is an SVG drawn like the board (boards/exports/drawing.py) and turned into PDF
by cairo, so that one set of drawing rules, fonts and escaping serves every page; the
sections are blocks that boards/exports/pages.py lays out on pages.

Everything shown comes from boards.gaps (gaps_from_state, strategy_from_state) of the
exported state; owners' names are handed in, never looked up here.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boards.exports import text as tx
from boards.exports.drawing import (
    INK,
    INK_2,
    LINE,
    MUTED,
    TONES,
    coverage_pill,
    draw_line,
    draw_text,
)
from boards.exports.pages import (
    LEFT,
    RIGHT,
    WIDTH,
    Block,
    bullet,
    heading,
    page_svg,
    paginate,
    paragraph,
    table,
)
from boards.exports.report_kpis import kpi_section
from boards.exports.report_votes import vote_section
from boards.exports.state import DASH, number, status_label, ui_direction
from boards.gaps import coverage_tone

GAP_RED = "#b91c1c"
LOOP = "#7c3aed"  # a return or a reactivation, violet as on the board: a loop, no loss
PRIORITY_TONES = {  # fill, ink
    "high": ("#fee2e2", "#991b1b"),
    "medium": ("#fef3c7", "#92400e"),
    "low": ("#dcfce7", "#166534"),
    "": ("#f1f5f9", "#475569"),
}


def _phase_heading(name: str, colour: str, coverage: int | None) -> Block:
    def draw(top: float) -> str:
        parts = [
            f'<rect x="{LEFT}" y="{top:.1f}" width="{WIDTH}" height="24" rx="6" fill="{colour}"/>'
        ]
        right = RIGHT - 6
        if coverage is not None:
            chip, chip_width = coverage_pill(right, top + 4, coverage, size=8.5, height=16, pad=6)
            parts.append(chip)
            right -= chip_width + 6
        shown = tx.ellipsize(name, right - LEFT - 16, 11.5, bold=True)
        parts.append(draw_text(LEFT + 9, top + 16, shown, size=11.5, bold=True))
        return "".join(parts)

    return Block(24, draw, space_before=14, keep_with_next=True)


def _meter(coverage: int) -> Block:
    ink, _border = TONES[coverage_tone(coverage)]

    def draw(top: float) -> str:
        return (
            f'<rect x="{LEFT}" y="{top + 2:.1f}" width="{WIDTH}" height="4" rx="2" '
            f'fill="{LINE}"/><rect x="{LEFT}" y="{top + 2:.1f}" '
            f'width="{WIDTH * coverage / 100:.1f}" height="4" rx="2" fill="{ink}"/>'
        )

    return Block(8, draw, space_before=6)


def _stat_tiles(items: list[tuple[str, str, bool]]) -> Block:
    """A row of figures: (figure, what it counts, whether it is a gap)."""
    gap = 8
    width = (WIDTH - gap * (len(items) - 1)) / len(items)
    wrapped = [tx.wrap(label, width - 16, 8) for _figure, label, _bad in items]
    rows = max(len(lines) for lines in wrapped)
    height = 34 + rows * 10.5

    def draw(top: float) -> str:
        parts = []
        for index, ((figure, _label, bad), lines) in enumerate(zip(items, wrapped, strict=True)):
            left = LEFT + index * (width + gap)
            fill, ink = ("#fef2f2", GAP_RED) if bad else ("#f8fafc", INK)
            parts.append(
                f'<rect x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" '
                f'rx="8" fill="{fill}" stroke="{LINE}"/>'
            )
            parts.append(draw_text(left + 8, top + 24, figure, size=18, fill=ink, bold=True))
            for row, value in enumerate(lines):
                parts.append(draw_text(left + 8, top + 40 + row * 10.5, value, size=8, fill=MUTED))
        return "".join(parts)

    return Block(height, draw, space_before=10)


def _gap_section(gaps: dict) -> list[Block]:
    totals = gaps["totals"]
    blocks = [heading(_("Gap analysis"), size=20, space_before=0)]
    if totals["touchpoints"]:
        summary = ngettext(
            "%(covered)s of %(total)s touchpoint has an activity behind it (%(percent)s%%).",
            "%(covered)s of %(total)s touchpoints have an activity behind them (%(percent)s%%).",
            totals["touchpoints"],
        ) % {
            "covered": totals["covered_touchpoints"],
            "total": totals["touchpoints"],
            "percent": totals["coverage"],
        }
    else:
        summary = _(
            "No touchpoints yet: start by putting one on the line for every moment a customer "
            "meets the brand."
        )
    blocks += paragraph(summary, size=10.5, fill=INK_2)
    blocks.append(
        _stat_tiles(
            [
                (
                    DASH if totals["coverage"] is None else f"{totals['coverage']}%",
                    _("touchpoints covered"),
                    False,
                ),
                (str(totals["uncovered"]), _("touchpoints without activity"), totals["uncovered"]),
                (
                    str(totals["phases_without_activity"]),
                    _("phases without activity"),
                    totals["phases_without_activity"] > 0,
                ),
                (
                    str(totals["phases_without_touchpoint"]),
                    _("phases without touchpoint"),
                    totals["phases_without_touchpoint"] > 0,
                ),
                (
                    str(totals["phases_without_kpi"]),
                    _("phases without KPI"),
                    totals["phases_without_kpi"] > 0,
                ),
                (
                    str(totals["unhandled_fall_backs"]),
                    _("unhandled fall-backs"),
                    totals["unhandled_fall_backs"] > 0,
                ),
            ]
        )
    )
    for phase in gaps["phases"]:
        blocks.append(_phase_heading(phase["name"], phase["colour"], phase["coverage"]))
        if phase["coverage"] is not None:
            blocks.append(_meter(phase["coverage"]))
        counts = [
            ngettext("%(counter)s touchpoint", "%(counter)s touchpoints", phase["touchpoints"]),
            ngettext("%(counter)s activity", "%(counter)s activities", phase["activities"]),
            ngettext(
                "%(counter)s opportunity", "%(counter)s opportunities", phase["opportunities"]
            ),
        ]
        figures = [phase["touchpoints"], phase["activities"], phase["opportunities"]]
        blocks += paragraph(
            " · ".join(c % {"counter": n} for c, n in zip(counts, figures, strict=True)),
            fill=MUTED,
            space_before=5,
        )
        # The phase's part of the one gap list (boards/gaps.py), as the panel shows it.
        for gap in phase["gaps"]:
            blocks += bullet(gap["message"], colour=GAP_RED)
        for arrow in phase["loops"]:  # the unhandled fall-backs are in the gap list
            message = arrow["sentence"]
            details = [arrow["label"].strip()] if arrow["label"].strip() else []
            if arrow["weight"] is not None:
                details.append(_("weight %(weight)s") % {"weight": number(arrow["weight"])})
            if details:
                message += f" ({' · '.join(details)})"
            blocks += bullet(message, colour=MUTED if arrow["movement"] == "fall_back" else LOOP)
        flows = phase["flows"]
        if any(flows[key]["arrows"] for key in ("on", "back", "returning")):
            blocks += paragraph(
                _("Flow out: %(on)s move on, %(back)s fall back, %(returning)s return.")
                % {key: number(flows[key]["weight"]) for key in ("on", "back", "returning")},
                fill=MUTED,
                space_before=3,
            )
        found = bool(phase["gaps"])
        if not found:
            blocks += bullet(_("No gaps in this phase."), colour="#047857", fill="#047857")
    outside = gaps["outside"]
    loose = sum(outside[k] for k in ("touchpoints", "activities", "opportunities", "notes"))
    if loose:
        blocks += paragraph(
            ngettext(
                "%(counter)s card stands outside every phase and is not counted.",
                "%(counter)s cards stand outside every phase and are not counted.",
                loose,
            )
            % {"counter": loose},
            fill=MUTED,
            space_before=12,
        )
    return blocks


def _matrix_section(gaps: dict) -> list[Block]:
    matrix = gaps["matrix"]
    phases = matrix["phases"]
    title = _("Channels × phases")  # noqa: RUF001
    blocks = [heading(title, size=17, space_before=26)]
    blocks += paragraph(
        _(
            "Current activities per channel and phase. A ring marks a channel the framework "
            "suggests for a phase where the team does nothing on it yet."
        ),
        fill=MUTED,
        keep_with_next=True,
    )
    label_width, total_width = 132, 44
    cell = (WIDTH - label_width - total_width) / max(1, len(phases))
    columns = [(label_width, "start"), *[(cell, "middle")] * len(phases), (total_width, "middle")]
    header = [_("Channel"), *[p["name"] for p in phases], _("Total")]
    rows = []
    for row in matrix["rows"]:
        cells = [{"text": row["label"], "bold": True, "wrap": True}]
        for entry in row["cells"]:
            if entry["empty"] and entry["suggested"]:
                cells.append({"text": "○", "fill": "#fef2f2", "ink": GAP_RED})
            elif entry["empty"]:
                cells.append({"text": DASH, "ink": MUTED})
            else:
                cells.append(
                    {"text": str(entry["count"]), "fill": "#dcfce7", "ink": "#166534", "bold": True}
                )
        cells.append({"text": str(row["total"]), "ink": INK_2, "bold": True})
        rows.append(cells)
    blocks += table(columns, header, rows, header_size=7.5 if len(phases) > 5 else 8.5)
    key = _(
        "– no current activity in this channel and phase · "  # noqa: RUF001
        "○ none yet, where the framework suggests it"
    )
    blocks += paragraph(key, size=8, fill=MUTED, space_before=8)
    blocks[0].keep_height = sum(b.space_before + b.height for b in blocks)
    return blocks


def _strategy_section(strategy: dict, names: dict[int, str]) -> list[Block]:
    blocks = [heading(_("Strategy"), size=17, space_before=26)]
    blocks += paragraph(
        _("The opportunity cards, by phase and priority: what the team will do next."),
        fill=MUTED,
        keep_with_next=True,
    )
    if not strategy["total"]:
        blocks += paragraph(
            _(
                "No opportunities yet. Add pink opportunity cards (O) where the gaps are, give "
                "each an owner and a priority, and they gather here."
            ),
            space_before=8,
        )
        return blocks
    parts = [(p["name"], p["colour"], p["groups"]) for p in strategy["phases"] if p["count"]]
    if strategy["outside"]["count"]:
        parts.append((_("Outside the line"), "#e5e7eb", strategy["outside"]["groups"]))
    for name, colour, groups in parts:
        blocks.append(_phase_heading(name, colour, None))
        for group in groups:
            for item in group["opportunities"]:
                blocks += _opportunity(item, group, names)
    return blocks


def _opportunity(item: dict, group: dict, names: dict[int, str]) -> list[Block]:
    pill_width = 74
    left = LEFT + pill_width + 8
    width = RIGHT - left
    text = item["text"].strip() or _("(no text yet)")
    lines = tx.wrap_paragraphs(text, width, 10, bold=True)
    owner = names.get(item["owner"]) if item["owner"] is not None else None
    meta = [
        _("Owner: %(name)s") % {"name": owner} if owner else _("No owner yet"),
    ]
    meta.append(status_label(item))
    if item["due"]:
        meta.append(_("Due %(date)s") % {"date": item["due"]})
    if item["kpi"]:
        meta.append(_("Moves %(kpi)s") % {"kpi": item["kpi"]})
    if item["touchpoints"]:
        served = ", ".join(
            f"“{tp['text'].strip() or _('(empty touchpoint)')}”" for tp in item["touchpoints"]
        )
        meta.append(_("For %(touchpoints)s") % {"touchpoints": served})
    meta_lines = tx.wrap_paragraphs(" · ".join(meta), width, 8.5, direction=ui_direction())
    height = len(lines) * 14 + len(meta_lines) * 12 + 10
    fill, ink = PRIORITY_TONES.get(group["priority"], PRIORITY_TONES[""])

    def draw(top: float) -> str:
        label = tx.ellipsize(group["label"], pill_width - 12, 8.5, bold=True)
        parts = [
            f'<rect x="{LEFT}" y="{top + 1:.1f}" width="{pill_width}" height="16" rx="8" '
            f'fill="{fill}"/>',
            draw_text(
                LEFT + pill_width / 2,
                top + 12,
                label,
                size=8.5,
                fill=ink,
                bold=True,
                anchor="middle",
            ),
        ]
        for row, (value, direction) in enumerate(lines):
            y = top + 12 + row * 14
            parts.append(draw_line(left, RIGHT, y, value, direction, size=10, bold=True))
        for row, (value, direction) in enumerate(meta_lines):
            y = top + 12 + len(lines) * 14 + row * 12
            parts.append(draw_line(left, RIGHT, y, value, direction, size=8.5, fill=MUTED))
        parts.append(
            f'<line x1="{left}" y1="{top + height - 2:.1f}" x2="{RIGHT}" '
            f'y2="{top + height - 2:.1f}" stroke="{LINE}"/>'
        )
        return "".join(parts)

    return [Block(height, draw, space_before=6)]


def render_report_pages(
    *,
    gaps: dict,
    strategy: dict,
    names: dict[int, str],
    title_line: str,
    votes: list[dict] | None = None,
    when: datetime,
    first_page: int = 2,
) -> list[str]:
    """The report as SVG pages (A4 portrait), numbered from `first_page` (the picture of
    the board is page 1). `gaps` and `strategy` are boards.gaps' results for the exported
    state; `names` maps owners' user ids to the names to print."""
    blocks = [
        *_gap_section(gaps),
        *kpi_section(gaps),
        *_matrix_section(gaps),
        *_strategy_section(strategy, names),
        *vote_section(votes or []),
    ]
    pages = paginate(blocks)
    total = len(pages) + first_page - 1
    return [
        page_svg(content, first_page + index, total, title_line, when)
        for index, content in enumerate(pages)
    ]
