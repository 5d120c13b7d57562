"""The PDF report's page of dot votes (after the strategy): each revealed vote with its
ranking, a bar per card, as boards/exports/report.py draws its other sections. The votes
are boards.workshop.vote_export's."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boards.exports import text as tx
from boards.exports.drawing import INK_2, LINE, MUTED, draw_line, draw_text
from boards.exports.pages import LEFT, RIGHT, Block, heading, paragraph
from boards.exports.state import ui_direction

DOT = "#4f46e5"  # the dots' colour in the editor
BAR_FILL = "#e0e7ff"
TOP_SHOWN = 12  # cards listed per vote


def vote_section(votes: list[dict]) -> list[Block]:
    if not votes:
        return []
    blocks = [heading(_("Dot votes"), size=17, space_before=26)]
    blocks += paragraph(
        _("What the room voted for, most votes first."), fill=MUTED, keep_with_next=True
    )
    for vote in votes:
        blocks += _vote(vote)
    return blocks


def _vote(vote: dict) -> list[Block]:
    title = vote["title"].strip() or _("Dot vote")
    blocks = [heading(title, size=12.5, space_before=16)]
    meta = [
        ngettext("%(n)d person voted", "%(n)d people voted", vote["voters"])
        % {"n": vote["voters"]},
        ngettext("%(n)d vote each", "%(n)d votes each", vote["per_person"])
        % {"n": vote["per_person"]},
    ]
    if vote["anonymous"]:
        meta.append(_("anonymous"))
    blocks += paragraph(" · ".join(meta), size=8.5, fill=MUTED, keep_with_next=True)
    rows = vote["results"][:TOP_SHOWN]
    if not rows:
        blocks += paragraph(_("Nobody placed a vote."), space_before=6)
        return blocks
    most = max(row["count"] for row in rows)
    for row in rows:
        blocks.append(_row(row, most))
    return blocks


def _row(row: dict, most: int) -> Block:
    rank_width, count_width, bar_width = 26, 34, 120
    left = LEFT + rank_width
    text_right = RIGHT - count_width - bar_width - 10
    text = row["text"].strip() or _("(empty)")
    lines = tx.wrap_paragraphs(text, text_right - left, 10, direction=ui_direction())[:2]
    by = ", ".join(name for name in row.get("by", []) if name)
    by_lines = tx.wrap_paragraphs(by, text_right - left, 8, direction=ui_direction())[:1]
    height = len(lines) * 13 + len(by_lines) * 11 + 10

    def draw(top: float) -> str:
        bar_left = RIGHT - count_width - bar_width
        filled = bar_width * row["count"] / max(1, most)
        parts = [
            f'<circle cx="{LEFT + 9}" cy="{top + 8:.1f}" r="9" fill="{DOT}"/>',
            draw_text(
                LEFT + 9,
                top + 11.2,
                str(row["rank"]),
                size=8.5,
                fill="#fff",
                bold=True,
                anchor="middle",
            ),
            f'<rect x="{bar_left}" y="{top + 2:.1f}" width="{bar_width}" height="12" rx="6" '
            f'fill="{BAR_FILL}"/>',
            f'<rect x="{bar_left}" y="{top + 2:.1f}" width="{filled:.1f}" height="12" rx="6" '
            f'fill="{DOT}"/>',
            draw_text(
                RIGHT, top + 12, str(row["count"]), size=10, bold=True, fill=INK_2, anchor="end"
            ),
        ]
        for index, (value, direction) in enumerate(lines):
            parts.append(
                draw_line(left, text_right, top + 11 + index * 13, value, direction, size=10)
            )
        for index, (value, direction) in enumerate(by_lines):
            y = top + 11 + len(lines) * 13 + index * 11
            parts.append(draw_line(left, text_right, y, value, direction, size=8, fill=MUTED))
        parts.append(
            f'<line x1="{left}" y1="{top + height - 2:.1f}" x2="{RIGHT}" '
            f'y2="{top + height - 2:.1f}" stroke="{LINE}"/>'
        )
        return "".join(parts)

    return Block(height, draw, space_before=4)
