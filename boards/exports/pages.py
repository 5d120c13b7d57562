"""Pages of flowing content, for the report of the PDF (boards/exports/report.py).

Content is a list of blocks of known height (text is wrapped here, from estimated glyph
widths, boards.exports.text); `paginate` places them on A4 portrait pages: a block that
does not fit starts the next page, a heading never ends a page, a table meant to stay
whole moves to the next page when it fits there, and a table's header row is drawn
again at the top of a page it continues on. `page_svg` draws one page with its running
header and footer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from boards.exports import text as tx
from boards.exports.drawing import BRAND, INK, INK_2, LINE, MUTED, draw_line, draw_text
from boards.exports.state import ui_direction, when_label

PAGE_W, PAGE_H = 595, 842  # A4 portrait, in points (SVG user units here)
LEFT, RIGHT = 48, 547
TOP, BOTTOM = 78, 790
WIDTH = RIGHT - LEFT
BODY = 9.5
BODY_LINE = 13.5


@dataclass
class Block:
    """A piece of a page: `draw(top)` returns its SVG placed at `top`."""

    height: float
    draw: Callable[[float], str]
    space_before: float = 0.0  # dropped at the top of a page
    keep_with_next: bool = False
    repeat: Block | None = None  # drawn first when this block starts a page
    page_break: bool = False
    # The height of what follows that should stay on one page with this block (a whole
    # table): the block starts a new page when that does not fit but fits on a page.
    keep_height: float = 0.0


def lines_block(
    lines: list[tuple[str, str]],
    *,
    left: float,
    width: float,
    size: float = BODY,
    line: float = BODY_LINE,
    fill: str = INK,
    bold: bool = False,
    space_before: float = 0.0,
    keep_with_next: bool = False,
) -> Block:
    def draw(top: float) -> str:
        parts = []
        for row, (value, direction) in enumerate(lines):
            baseline = top + row * line + size * 0.95
            parts.append(
                draw_line(
                    left, left + width, baseline, value, direction, size=size, fill=fill, bold=bold
                )
            )
        return "".join(parts)

    return Block(
        height=len(lines) * line + 2,
        draw=draw,
        space_before=space_before,
        keep_with_next=keep_with_next,
    )


def paragraph(
    value: str,
    *,
    left: float = LEFT,
    width: float = WIDTH,
    size: float = BODY,
    fill: str = INK,
    bold: bool = False,
    space_before: float = 4.0,
    keep_with_next: bool = False,
) -> list[Block]:
    """A paragraph of the interface (someone's words may be quoted in it) as one block
    per line, so that a long one may continue on the next page."""
    lines = tx.wrap_paragraphs(value, width, size, bold=bold, direction=ui_direction())
    line = size * 1.42
    return [
        lines_block(
            [entry],
            left=left,
            width=width,
            size=size,
            line=line,
            fill=fill,
            bold=bold,
            space_before=space_before if index == 0 else 0.0,
            keep_with_next=keep_with_next,
        )
        for index, entry in enumerate(lines)
    ]


def bullet(value: str, *, colour: str, fill: str = INK, indent: float = 0.0) -> list[Block]:
    blocks = paragraph(
        value, left=LEFT + indent + 14, width=WIDTH - indent - 14, fill=fill, space_before=3.0
    )
    first = blocks[0].draw

    def draw(top: float) -> str:
        return (
            f'<circle cx="{LEFT + indent + 4}" cy="{top + BODY * 0.62:.1f}" r="2.6" '
            f'fill="{colour}"/>' + first(top)
        )

    blocks[0].draw = draw
    return blocks


def heading(value: str, *, size: float = 17, space_before: float = 18.0) -> Block:
    shown = tx.ellipsize(value, WIDTH, size, bold=True)

    def draw(top: float) -> str:
        return draw_text(LEFT, top + size * 0.95, shown, size=size, bold=True)

    return Block(size * 1.35, draw, space_before=space_before, keep_with_next=True)


def table(
    columns: list[tuple[float, str]],
    header: list[str],
    rows: list[list[dict]],
    *,
    header_size: float = 8.5,
) -> list[Block]:
    """A table: `columns` are (width, align) with align "start", "middle" or "end";
    each cell of `rows` is {"text", optional "bold", "fill", "ink", "wrap",
    "swatch"}. Cell text wraps when "wrap" is set, else it is cut with an ellipsis."""
    lefts = []
    x = LEFT
    for width, _align in columns:
        lefts.append(x)
        x += width
    head_lines = [
        tx.clip_lines(tx.wrap(label, width - 8, header_size, bold=True), 3, width - 8, header_size)
        for (width, _align), label in zip(columns, header, strict=True)
    ]
    head_height = max(len(lines) for lines in head_lines) * (header_size + 2.5) + 10

    def cell_text(value: str, left: float, width: float, align: str, y: float, **kw) -> str:
        if align == "middle":
            return draw_text(left + width / 2, y, value, anchor="middle", **kw)
        if align == "end":
            return draw_text(left + width - 6, y, value, anchor="end", **kw)
        return draw_text(left + 6, y, value, **kw)

    def draw_header(top: float) -> str:
        parts = [
            f'<rect x="{LEFT}" y="{top:.1f}" width="{WIDTH}" height="{head_height:.1f}" '
            'fill="#f1f5f9"/>'
        ]
        for (width, align), left, lines in zip(columns, lefts, head_lines, strict=True):
            for row, value in enumerate(lines):
                parts.append(
                    cell_text(
                        value,
                        left,
                        width,
                        align,
                        top + 5 + header_size + row * (header_size + 2.5),
                        size=header_size,
                        fill=INK_2,
                        bold=True,
                    )
                )
        return "".join(parts)

    header_block = Block(head_height, draw_header, space_before=8, keep_with_next=True)
    blocks = [header_block]
    for cells in rows:
        prepared = []
        for (width, _align), cell in zip(columns, cells, strict=True):
            room = width - 12 - (10 if cell.get("swatch") else 0)
            size = cell.get("size", BODY)
            if cell.get("wrap"):
                lines = tx.wrap(cell["text"], room, size, bold=cell.get("bold", False))
            else:
                lines = [tx.ellipsize(cell["text"], room, size, bold=cell.get("bold", False))]
            prepared.append(lines)
        height = max(len(lines) for lines in prepared) * BODY_LINE + 8

        def draw_row(top: float, cells=cells, prepared=prepared, height=height) -> str:
            parts = []
            for (width, align), left, cell, lines in zip(
                columns, lefts, cells, prepared, strict=True
            ):
                if cell.get("fill"):
                    parts.append(
                        f'<rect x="{left + 1:.1f}" y="{top + 1:.1f}" width="{width - 2:.1f}" '
                        f'height="{height - 2:.1f}" rx="3" fill="{cell["fill"]}"/>'
                    )
                shift = 0
                if cell.get("swatch"):
                    parts.append(
                        f'<rect x="{left + 6:.1f}" y="{top + 6:.1f}" width="7" height="10" '
                        f'rx="2" fill="{cell["swatch"]}" stroke="#0f172a" stroke-opacity="0.15"/>'
                    )
                    shift = 11
                for row, value in enumerate(lines):
                    parts.append(
                        cell_text(
                            value,
                            left + shift,
                            width - shift,
                            align,
                            top + 4 + BODY * 0.95 + row * BODY_LINE,
                            size=cell.get("size", BODY),
                            fill=cell.get("ink", INK),
                            bold=cell.get("bold", False),
                        )
                    )
            parts.append(
                f'<line x1="{LEFT}" y1="{top + height:.1f}" x2="{RIGHT}" y2="{top + height:.1f}" '
                f'stroke="{LINE}"/>'
            )
            return "".join(parts)

        blocks.append(Block(height, draw_row, repeat=header_block))
    return blocks


def paginate(blocks: list[Block]) -> list[list[tuple[Block, float]]]:
    """Blocks placed on pages: each page a list of (block, top)."""
    pages: list[list[tuple[Block, float]]] = [[]]
    y = TOP
    for index, block in enumerate(blocks):
        space = block.space_before if pages[-1] else 0.0
        need = space + block.height
        # A heading stays with what follows it, along a chain of such blocks (a section's
        # heading, its introduction, a phase's heading, the phase's first line).
        following = index
        while blocks[following].keep_with_next and following + 1 < len(blocks):
            following += 1
            need += blocks[following].space_before + blocks[following].height
        need = min(need, BOTTOM - TOP)
        together = block.keep_height
        if together and together <= BOTTOM - TOP and y + space + together > BOTTOM:
            need = together + space
        if pages[-1] and (block.page_break or y + need > BOTTOM):
            pages.append([])
            y, space = TOP, 0.0
            if block.repeat is not None:
                pages[-1].append((block.repeat, y))
                y += block.repeat.height
        pages[-1].append((block, y + space))
        y += space + block.height
    return pages


def page_svg(
    content: list[tuple[Block, float]], number_: int, pages: int, title_line: str, when: datetime
) -> str:
    footer_left = tx.ellipsize(f"{title_line} · {when_label(when)}", WIDTH - 90, 8)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W}pt" height="{PAGE_H}pt" '
        f'viewBox="0 0 {PAGE_W} {PAGE_H}" font-family="{tx.FONT_FAMILY}">',
        f"<title>{tx.xml_text(title_line)}</title>",
        f'<rect width="{PAGE_W}" height="{PAGE_H}" fill="#ffffff"/>',
        draw_text(
            LEFT,
            44,
            tx.ellipsize(title_line, WIDTH - 100, 9, bold=True),
            size=9,
            fill=INK_2,
            bold=True,
        ),
        draw_text(RIGHT, 44, "Journeymap", size=9, fill=BRAND, bold=True, anchor="end"),
        f'<line x1="{LEFT}" y1="54" x2="{RIGHT}" y2="54" stroke="{LINE}"/>',
        f'<line x1="{LEFT}" y1="806" x2="{RIGHT}" y2="806" stroke="{LINE}"/>',
        draw_text(LEFT, 820, footer_left, size=8, fill=MUTED),
        draw_text(
            RIGHT,
            820,
            _("Page %(page)s of %(pages)s") % {"page": number_, "pages": pages},
            size=8,
            fill=MUTED,
            anchor="end",
        ),
    ]
    parts += [block.draw(top) for block, top in content]
    parts.append("</svg>\n")
    return "".join(parts)
