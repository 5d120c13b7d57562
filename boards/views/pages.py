from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards import actions, selectors
from boards.access import get_board_for_user
from boards.forms import BoardCreateForm, BoardRenameForm
from boards.schema import MOVEMENT_CHOICES, client_schema
from journeymap.access import Can, capabilities, get_organisation_for_user

SESSION_ORGANISATION = "organisation_id"


@login_required
def board_list(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation, membership = get_organisation_for_user(request.user, organisation_id)
    request.session[SESSION_ORGANISATION] = organisation.id
    archived = request.GET.get("archived") == "1"
    return render(
        request,
        "boards/board_list.html",
        {
            "organisation": organisation,
            "membership": membership,
            "can": capabilities(membership),
            "boards": selectors.boards_for_organisation(organisation, archived=archived),
            "archived": archived,
            "nav": "boards",
            "form": BoardCreateForm(),
        },
    )


@login_required
def board_create(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation, membership = get_organisation_for_user(
        request.user, organisation_id, Can.CREATE_BOARD
    )
    form = BoardCreateForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        board = actions.board_create(
            organisation=organisation,
            title=form.cleaned_data["title"],
            framework=form.cleaned_data["framework"],
            created_by=request.user,
            examples=form.cleaned_data["examples"],
            template=form.cleaned_data["template"],
        )
        return redirect("board_detail", board_id=board.id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "boards/board_create.html",
        {
            "organisation": organisation,
            "membership": membership,
            "can": capabilities(membership),
            "form": form,
        },
        status=status,
    )


@login_required
def board_detail(request: HttpRequest, board_id) -> HttpResponse:
    board, membership = get_board_for_user(request.user, board_id)
    request.session[SESSION_ORGANISATION] = board.organisation_id
    # The cards and arrows arrive over the live connection (static/js/editor/main.js);
    # the page itself carries the phases, so the line shows before the socket opens.
    return render(
        request,
        "boards/board_detail.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "can": capabilities(membership),
            "phases": selectors.board_phases(board),
            "rename_form": BoardRenameForm(initial={"title": board.title}),
            "schema": client_schema(),
            "movements": MOVEMENT_CHOICES,
        },
    )


@login_required
def board_outline(request: HttpRequest, board_id) -> HttpResponse:
    """The board as plain lists, phase by phase: for screen readers and the keyboard.
    static/js/outline/ keeps it live and adds the editing controls."""
    board, membership = get_board_for_user(request.user, board_id)
    request.session[SESSION_ORGANISATION] = board.organisation_id
    arrows = selectors.board_arrows(board)
    directions = selectors.arrow_directions(arrows)
    return render(
        request,
        "boards/board_outline.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "can": capabilities(membership),
            "columns": selectors.board_columns(board),
            "arrows": [{"arrow": a, "direction": directions[a.id]} for a in arrows],
            "schema": client_schema(),
            "movements": MOVEMENT_CHOICES,
        },
    )


@login_required
@require_POST
def board_rename(request: HttpRequest, board_id) -> HttpResponse:
    board, _membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
    form = BoardRenameForm(request.POST)
    if form.is_valid():
        actions.board_rename(board=board, title=form.cleaned_data["title"], actor=request.user)
        messages.success(request, _("Board renamed."))
    else:
        for error in form.errors["title"]:
            messages.error(request, error)
    return redirect("board_detail", board_id=board.id)


@login_required
@require_POST
def board_archive(request: HttpRequest, board_id) -> HttpResponse:
    board, _membership = get_board_for_user(request.user, board_id, Can.ARCHIVE_BOARD)
    archived = request.POST.get("archived") != "0"
    actions.board_set_archived(board=board, archived=archived)
    messages.success(
        request,
        _("“%(title)s” archived.") % {"title": board.title}
        if archived
        else _("“%(title)s” restored from the archive.") % {"title": board.title},
    )
    return redirect("board_list", organisation_id=board.organisation_id)


@login_required
def board_delete(request: HttpRequest, board_id) -> HttpResponse:
    board, membership = get_board_for_user(request.user, board_id, Can.DELETE_BOARD)
    if request.method == "POST":
        if request.POST.get("confirm_title", "").strip() != board.title:
            messages.error(request, _("Type the board's title exactly to delete it."))
        else:
            organisation_id = board.organisation_id
            actions.board_delete(board=board)
            messages.success(request, _("“%(title)s” deleted.") % {"title": board.title})
            return redirect("board_list", organisation_id=organisation_id)
    return render(
        request,
        "boards/board_delete.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "can": capabilities(membership),
        },
    )
