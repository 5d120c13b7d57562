"""Downloads of a board (or one of its versions) in every export format, and the import
of a board file. Thin: access, then boards.exports does the work."""

from __future__ import annotations

from uuid import UUID

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from boards import selectors
from boards.access import get_board_for_user
from boards.exports import build, jsonio
from boards.exports.forms import BoardImportForm
from journeymap import audit
from journeymap.access import (
    Can,
    capabilities,
    get_organisation_for_user,
    require_exports_allowed,
)
from journeymap.models import AuditAction


def _snapshot_or_404(board, value: str | None):
    if value is None:
        return None
    try:
        snapshot = selectors.board_snapshot(board, UUID(value))
    except ValueError:
        snapshot = None
    if snapshot is None:  # not a version of this board
        raise Http404
    return snapshot


def _board_and_snapshot(user, board_id, snapshot_id: str | None):
    board, _membership = get_board_for_user(user, board_id, Can.EXPORT_BOARD)
    require_exports_allowed(board.organisation)
    return board, _snapshot_or_404(board, snapshot_id)


def _render(board, fmt: str, snapshot) -> build.Export:
    # Runs in a worker thread of its own: its database connection is its own too, and
    # goes when the export is done.
    try:
        return build.export_board(board, fmt, snapshot=snapshot)
    finally:
        connections.close_all()


def _record_export(board, fmt: str, snapshot) -> None:
    """What left the organisation, for its owners (journeymap.audit)."""
    audit.record(
        organisation=board.organisation_id,
        action=AuditAction.BOARD_EXPORTED,
        subject=board.title,
        details={"board": str(board.pk), "format": fmt, "version": getattr(snapshot, "name", "")},
    )


@login_required
async def export_board(request: HttpRequest, board_id, fmt: str) -> HttpResponse:
    """The board, or with ?snapshot=<id> one of its versions, as a download.

    Async, with the rendering in a thread of its own: Django runs sync views, and the
    WebSocket consumers' database work, on one shared thread per process, so a PDF of a
    big board (seconds of cairo) would otherwise hold up every live edit on the process."""
    if fmt not in build.FORMATS:
        raise Http404
    board, snapshot = await sync_to_async(_board_and_snapshot)(
        request.user, board_id, request.GET.get("snapshot")
    )
    export = await sync_to_async(_render, thread_sensitive=False)(board, fmt, snapshot)
    await sync_to_async(_record_export)(board, fmt, snapshot)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    # A board changes while people work on it: never answer from a cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def board_import(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Upload a board file; a new board is made from it, or nothing and a message says
    what is wrong with the file."""
    organisation, membership = get_organisation_for_user(
        request.user, organisation_id, Can.CREATE_BOARD
    )
    require_exports_allowed(organisation)
    form = (
        BoardImportForm(request.POST, request.FILES)
        if request.method == "POST"
        else BoardImportForm()
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            board = jsonio.board_import(
                organisation=organisation, data=form.cleaned_data["file"], actor=request.user
            )
        except jsonio.ImportRefused as error:
            refusal = error.message
        else:
            return redirect("board_detail", board_id=board.id)
    return render(
        request,
        "boards/exports/board_import.html",
        {
            "organisation": organisation,
            "membership": membership,
            "can": capabilities(membership),
            "form": form,
            "refusal": refusal,
            "nav": "boards",
        },
        status=400 if request.method == "POST" else 200,
    )
