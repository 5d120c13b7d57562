"""The frame of the board picture: the title block above it (title, date, revision,
framework, stage, the gap analysis in a few words) and the legend below it."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boards.exports import text as tx
from boards.exports.drawing import (
    BRAND,
    DANGER,
    DIRECTION_COLOURS,
    INK_2,
    LINE,
    LINK_COLOUR,
    MUTED,
    NOTE_FILL,
    draw_pill,
    draw_text,
    line_stroke,
    num,
)
from boards.exports.state import framework_label, stage_label, when_label
from boards.models import KIND_COLOURS

MARGIN = 40
TITLE_BLOCK = 118  # title, the line under it, the summary chips


def _legend_items() -> list[tuple[str, str]]:
    """(sample kind, label) for each entry of the legend, as the editor's legend words
    them."""
    return [
        ("touchpoint", _("Touchpoint")),
        ("activity", _("Current activity")),
        ("note", _("Note")),
        ("opportunity", _("Opportunity")),
        ("forward", _("Forward: to a later phase")),
        ("backward", _("Backward: to an earlier phase")),
        ("loop", _("Back to buy again or reactivated")),
        ("same", _("Within a phase")),
        ("link", _("Serves: activity to touchpoint")),
        ("gap", _("Touchpoint with no activity behind it")),
    ]


def _legend_sample(kind: str, x: float, y: float) -> tuple[str, float]:
    """The sample drawn before a legend label, and its width; `y` is the row's middle."""
    if kind in ("touchpoint", "activity", "note", "opportunity"):
        fill = NOTE_FILL if kind == "note" else KIND_COLOURS[kind]
        extra = {
            "touchpoint": ' rx="2"',
            "activity": ' rx="2"',
            "note": ' rx="4" stroke="#94a3b8" stroke-width="1.2" stroke-dasharray="3 2"',
            "opportunity": ' rx="8"',
        }[kind]
        svg = f'<rect x="{num(x)}" y="{num(y - 8)}" width="22" height="16" fill="{fill}"{extra}/>'
        if kind == "activity":
            svg += f'<rect x="{num(x)}" y="{num(y - 8)}" width="4" height="16" fill="#047857" '
            svg += 'fill-opacity="0.5"/>'
        return svg, 22
    if kind in DIRECTION_COLOURS:
        colour = DIRECTION_COLOURS[kind]
        return (
            f'<line x1="{num(x)}" y1="{num(y)}" x2="{num(x + 26)}" y2="{num(y)}" '
            f"{line_stroke(kind)}/>"
            f'<polygon points="{num(x + 36)},{num(y)} {num(x + 25)},{num(y - 5)} '
            f'{num(x + 25)},{num(y + 5)}" fill="{colour}"/>',
            36,
        )
    if kind == "link":
        return (
            f'<line x1="{num(x)}" y1="{num(y)}" x2="{num(x + 30)}" y2="{num(y)}" '
            f"{line_stroke('link')}/>"
            f'<circle cx="{num(x + 32)}" cy="{num(y)}" r="4" fill="{LINK_COLOUR}"/>',
            36,
        )
    chip, width = draw_pill(
        x, y - 9, _("No activity"), size=9.5, fill=DANGER, ink="#ffffff", height=18, pad=6
    )
    return chip, width


def legend(x: float, y: float, width: float) -> tuple[str, float]:
    """The legend in rows that fit `width`; returns its SVG and height."""
    parts, left, row = [], x, 0
    for kind, label in _legend_items():
        _sample, sample_width = _legend_sample(kind, 0, 0)
        item_width = sample_width + 8 + tx.text_width(label, 12)
        if left > x and left + item_width > x + width:
            left, row = x, row + 1
        middle = y + row * 26 + 9
        sample, _w = _legend_sample(kind, left, middle)
        parts.append(sample)
        parts.append(
            draw_text(left + sample_width + 8, middle + 12 * 0.36, label, size=12, fill=INK_2)
        )
        left += item_width + 26
    return "".join(parts), (row + 1) * 26


def _summary(gaps: dict) -> list[tuple[str, bool]]:
    """The gap analysis in a few words for the top of the picture: (text, is a gap)."""
    totals = gaps.get("totals", {})
    items: list[tuple[str, bool]] = []
    if totals.get("touchpoints"):
        items.append(
            (
                ngettext(
                    "%(covered)s of %(total)s touchpoint covered (%(percent)s%%)",
                    "%(covered)s of %(total)s touchpoints covered (%(percent)s%%)",
                    totals["touchpoints"],
                )
                % {
                    "covered": totals["covered_touchpoints"],
                    "total": totals["touchpoints"],
                    "percent": totals["coverage"],
                },
                False,
            )
        )
    counts = [
        (
            "uncovered",
            ngettext(
                "%(count)s touchpoint without activity",
                "%(count)s touchpoints without activity",
                totals.get("uncovered", 0),
            ),
        ),
        (
            "phases_without_activity",
            ngettext(
                "%(count)s phase without activity",
                "%(count)s phases without activity",
                totals.get("phases_without_activity", 0),
            ),
        ),
        (
            "phases_without_touchpoint",
            ngettext(
                "%(count)s phase without touchpoint",
                "%(count)s phases without touchpoint",
                totals.get("phases_without_touchpoint", 0),
            ),
        ),
        (
            "backward_arrows",
            ngettext(
                "%(count)s backward arrow",
                "%(count)s backward arrows",
                totals.get("backward_arrows", 0),
            ),
        ),
    ]
    for key, message in counts:
        if totals.get(key):
            items.append((message % {"count": totals[key]}, True))
    return items


def title_block(state: dict, gaps: dict, title_line: str, when: datetime, width: float) -> str:
    board = state["board"]
    brand = "Journeymap"
    brand_width = tx.text_width(brand, 15, bold=True) + 30
    parts = [
        draw_text(
            MARGIN,
            MARGIN + 26,
            tx.ellipsize(title_line, width - 2 * MARGIN - brand_width - 24, 26, bold=True),
            size=26,
            bold=True,
        ),
        # The brand: a small mark and the name, right-aligned.
        f'<rect x="{num(width - MARGIN - brand_width)}" y="{MARGIN + 8}" width="20" height="20" '
        f'rx="5" fill="{BRAND}"/>'
        f'<path d="M{num(width - MARGIN - brand_width + 5)} {MARGIN + 22}l5 -7 4 4 3 -5" '
        'fill="none" stroke="#ffffff" stroke-width="2" stroke-linecap="round" '
        'stroke-linejoin="round"/>',
        draw_text(width - MARGIN, MARGIN + 24, brand, size=15, fill=BRAND, bold=True, anchor="end"),
    ]
    facts = [when_label(when), _("Revision %(rev)s") % {"rev": board["rev"]}]
    if board["framework"]:
        facts.append(framework_label(board["framework"]))
    if board["stage"]:
        facts.append(_("Stage: %(stage)s") % {"stage": stage_label(board["stage"])})
    parts.append(
        draw_text(
            MARGIN,
            MARGIN + 52,
            tx.ellipsize(" · ".join(facts), width - 2 * MARGIN, 13.5),
            size=13.5,
            fill=MUTED,
        )
    )
    left = MARGIN
    for label, is_gap in _summary(gaps):
        fill, ink = ("#fef2f2", "#b91c1c") if is_gap else ("#eef2ff", "#312e81")
        _svg, chip_width = draw_pill(0, 0, label, size=12, fill=fill, ink=ink, height=24, pad=10)
        if left + chip_width > width - MARGIN:
            break
        chip, _w = draw_pill(
            left, MARGIN + 66, label, size=12, fill=fill, ink=ink, height=24, pad=10
        )
        parts.append(chip)
        left += chip_width + 8
    line_y = MARGIN + TITLE_BLOCK - 18
    parts.append(
        f'<line x1="{MARGIN}" y1="{line_y}" x2="{num(width - MARGIN)}" y2="{line_y}" '
        f'stroke="{LINE}" stroke-width="1"/>'
    )
    return "".join(parts)
