"""Versions of a board (boards/snapshots.py): the list, saving one, looking at one next to
the live board, restoring one. Thin: access, form, action, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards import selectors, snapshots
from boards.access import get_board_for_user
from boards.forms import SnapshotForm
from boards.models import CardKind, Channel
from journeymap.access import Can, capabilities, role_allows


def _snapshot_or_404(board, snapshot_id):
    snapshot = selectors.board_snapshot(board, snapshot_id)
    if snapshot is None:
        raise Http404
    return snapshot


@login_required
def board_versions(request: HttpRequest, board_id) -> HttpResponse:
    """The board's snapshots, newest first, and a form to save one now."""
    board, membership = get_board_for_user(request.user, board_id)
    can_save = role_allows(membership.role, Can.SNAPSHOT_BOARD)
    form = SnapshotForm(request.POST or None) if can_save else None
    status = 200
    if request.method == "POST":
        if not can_save:
            get_board_for_user(request.user, board_id, Can.SNAPSHOT_BOARD)  # 403
        if form.is_valid():
            snapshot = snapshots.snapshot_create(
                board=board, name=form.cleaned_data["name"], actor=request.user
            )
            messages.success(
                request,
                _("Saved “%(name)s” at revision %(rev)s.")
                % {"name": snapshot.name, "rev": snapshot.rev},
            )
            return redirect("board_versions", board_id=board.pk)
        status = 400
    return render(
        request,
        "boards/versions.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "can": capabilities(membership),
            "snapshots": selectors.board_snapshots(board),
            "form": form,
            "can_export": board.organisation.allow_exports,
        },
        status=status,
    )


@login_required
def snapshot_detail(request: HttpRequest, board_id, snapshot_id) -> HttpResponse:
    """One snapshot, read-only, and what changed between it and the live board."""
    board, membership = get_board_for_user(request.user, board_id)
    snapshot = _snapshot_or_404(board, snapshot_id)
    state = snapshot.state
    return render(
        request,
        "boards/snapshot_detail.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "can": capabilities(membership),
            "snapshot": snapshot,
            "restore_refusal": snapshots.restore_refusal(board),
            "columns": snapshots.state_columns(state),
            "changes": snapshots.compare_states(state, selectors.board_state(board)),
            "kinds": dict(CardKind.choices),
            "channels": dict(Channel.choices),
            "export_formats": [
                ("pdf", "PDF"),
                ("png", "PNG"),
                ("svg", "SVG"),
                ("csv", "CSV"),
                ("json", "JSON"),
            ],
        },
    )


@login_required
@require_POST
def snapshot_restore(request: HttpRequest, board_id, snapshot_id) -> HttpResponse:
    board, _membership = get_board_for_user(request.user, board_id, Can.RESTORE_BOARD)
    snapshot = _snapshot_or_404(board, snapshot_id)
    try:
        snapshots.snapshot_restore(snapshot=snapshot, actor=request.user)
    except snapshots.RestoreRefused as refused:
        messages.error(request, str(refused))
        return redirect("snapshot_detail", board_id=board.pk, snapshot_id=snapshot.pk)
    messages.success(
        request,
        _(
            "“%(name)s” is the board again, for everyone on it. The board as it was a moment "
            "ago is kept as a version, should you want it back."
        )
        % {"name": snapshot.name},
    )
    return redirect("board_detail", board_id=board.pk)
