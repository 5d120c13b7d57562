"""One export of a board, in any format: what the download view and the export_board
command both call, so that a file from either is the same file.

It reads the board state (the live board through boards.selectors, or a snapshot's
frozen state), computes the gap analysis and the strategy once from it
(boards.gaps), looks up the names of the people the state refers to, and hands all of
that to the renderer of the format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from boards.exports import raster
from boards.exports.csvio import board_csv
from boards.exports.jsonio import board_json
from boards.exports.report import render_report_pages
from boards.exports.svg import render_svg
from boards.gaps import gaps_from_state, strategy_from_state
from boards.models import Board, Snapshot
from boards.schema import CARD
from boards.selectors import board_state
from boards.workshop.vote_export import exported_votes
from journeymap.models import User

CONTENT_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}
FORMATS = tuple(CONTENT_TYPES)


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str


def people_of(state: dict) -> dict[int, dict]:
    """user id -> {"name", "email"} for every owner and author the state names. A person
    deleted since is simply missing (the export shows no name)."""
    ids = {card.get(name) for card in state["cards"] for name in CARD.refs("user")}
    ids.discard(None)
    if not ids:
        return {}
    return {
        row["id"]: {"name": row["name"] or row["email"], "email": row["email"]}
        for row in User.objects.filter(pk__in=ids).values("id", "name", "email")
    }


def export_filename(state: dict, extension: str) -> str:
    """ "webshop-lifecycle-r42.pdf": the title made safe for a file name, and the
    revision, so that two downloads of a changing board do not overwrite each other."""
    board = state.get("board", {})
    slug = slugify(board.get("title", ""), allow_unicode=True)[:80].strip("-_") or "board"
    return f"{slug}-r{board.get('rev', 0)}.{extension}"


def export_board(
    board: Board, fmt: str, *, snapshot: Snapshot | None = None, now: datetime | None = None
) -> Export:
    """`board` (or its `snapshot`, which must be one of the board's) in format `fmt`, one
    of FORMATS. The caller checks access (boards.access: Can.EXPORT_BOARD, and
    journeymap.access.require_exports_allowed)."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"Unknown export format: {fmt}")
    if snapshot is not None and snapshot.board_id != board.pk:
        raise ValueError("The snapshot is not one of this board's.")
    now = now or timezone.now()
    if snapshot is None:
        state = board_state(board)
        title_line, when = state["board"]["title"], now
    else:
        state = snapshot.state
        title_line = _("%(title)s · version “%(name)s”") % {
            "title": state["board"]["title"],
            "name": snapshot.name,
        }
        when = snapshot.created
    # The votes whose results the room has seen, of the live board only: a version
    # freezes the board's content, not the workshop around it.
    votes = exported_votes(board) if snapshot is None else []
    people = people_of(state)
    names = {user_id: person["name"] for user_id, person in people.items()}
    filename = export_filename(state, fmt)
    if fmt == "json":
        content = board_json(state, people=people, exported=now, votes=votes)
    elif fmt == "csv":
        content = board_csv(state, names=names, votes=votes)
    else:
        gaps = gaps_from_state(state)
        svg = render_svg(state, gaps=gaps, title_line=title_line, when=when)
        if fmt == "svg":
            content = svg.encode("utf-8")
        elif fmt == "png":
            content = raster.svg_to_png(svg)
        else:
            pages = render_report_pages(
                gaps=gaps,
                strategy=strategy_from_state(state),
                names=names,
                votes=votes,
                title_line=title_line,
                when=when,
            )
            content = raster.merge_pdfs(
                [raster.svg_to_pdf(svg), *(raster.svg_to_pdf(page) for page in pages)],
                title=title_line,
            )
    return Export(content=content, content_type=CONTENT_TYPES[fmt], filename=filename)
