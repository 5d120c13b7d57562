"""The editor's side panel: card details, board settings and people, as htmx fragments.

Each view serves one template: the `panel` partial for htmx requests (the editor loads
it into <aside id="side-panel">), the whole page otherwise, so every panel also works as
a plain page without JavaScript. Changes go through boards.actions.board_apply_ops, so
everyone on the board sees them live like any edit made on the canvas.

Embedding: load a panel with `htmx.ajax("GET", url, {target: "#side-panel", swap:
"innerHTML"})` and include static/css/panels.css on the page. The fragment's root is
`<section class="jm-panel">`; its forms post with hx-target="closest .jm-panel" and
hx-swap="outerHTML", so a save or a refusal replaces the panel in place. The people
panel marks each person with data-user-id (and a hidden [data-present] badge) so the
page can show who is on the board.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from boards import actions, selectors
from boards.forms import BoardRenameForm, CardPanelForm
from boards.ops import BoardGone
from boards.protocol import ProtocolError
from journeymap.access import Can, get_board_for_user, role_allows


def _render_panel(
    request: HttpRequest, template: str, context: dict, *, status: int = 200
) -> HttpResponse:
    # htmx swaps only 2xx answers by default, so a refused form comes back as 200 there;
    # a plain form post gets the honest 400.
    if request.htmx:
        return render(request, f"{template}#panel", context)
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def panel_card(request: HttpRequest, board_id, card_id) -> HttpResponse:
    board, membership = get_board_for_user(request.user, board_id)
    card = selectors.board_card(board, card_id)
    if card is None:
        raise Http404
    can_edit = role_allows(membership.role, Can.EDIT_BOARD)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied

    form = None
    notice = None
    problem = None
    saved = False
    status = 200
    if request.method == "POST":
        form = CardPanelForm(request.POST)
        if not form.is_valid():
            problem = _("Nothing was saved: correct the fields marked below.")
            status = 400
        elif changes := form.changes(card):
            try:
                actions.board_apply_ops(
                    board=board,
                    actor=request.user,
                    ops=[{"op": "card.update", "id": str(card.pk), **changes}],
                )
            except ProtocolError as error:
                problem = error.message
                status = 409
            except BoardGone:
                raise Http404 from None
            else:
                if not request.htmx:
                    messages.success(request, _("Card saved."))
                    return redirect("panel_card", board_id=board.pk, card_id=card.pk)
                notice = _("Saved. Everyone on the board sees the change.")
                saved = True
                card = selectors.board_card(board, card.pk)
                form = None
        else:
            notice = _("Nothing to save: the card already looks like this.")
            form = None
    if card.deleted:
        form = None  # nothing to edit any more; the panel says why
    elif form is None and can_edit:
        form = CardPanelForm(
            initial={
                "kind": card.kind,
                "channel": card.channel,
                "text": card.text,
                "colour": card.colour,
            }
        )
    response = _render_panel(
        request,
        "boards/panels/card.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "card": card,
            "arrows": selectors.card_arrows(card),
            "can_edit": can_edit and not card.deleted,
            "form": form,
            "notice": notice,
            "problem": problem,
        },
        status=status,
    )
    if saved:
        # The canvas may want to reselect or flash the card; the change itself arrives
        # over the live connection like anyone's.
        trigger_client_event(response, "jm:card-saved", {"id": str(card.pk)})
    return response


@login_required
@require_http_methods(["GET", "POST"])
def panel_board(request: HttpRequest, board_id) -> HttpResponse:
    board, membership = get_board_for_user(request.user, board_id)
    can_edit = role_allows(membership.role, Can.EDIT_BOARD)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied

    form = BoardRenameForm(initial={"title": board.title}) if can_edit else None
    notice = None
    problem = None
    status = 200
    if request.method == "POST":
        form = BoardRenameForm(request.POST)
        if not form.is_valid():
            problem = _("Nothing was saved: correct the title.")
            status = 400
        elif form.cleaned_data["title"] == board.title:
            notice = _("Nothing to save: the board already has this title.")
        else:
            try:
                actions.board_rename(
                    board=board, title=form.cleaned_data["title"], actor=request.user
                )
            except ProtocolError as error:
                problem = error.message
                status = 409
            except BoardGone:
                raise Http404 from None
            else:
                if not request.htmx:
                    messages.success(request, _("Board renamed."))
                    return redirect("panel_board", board_id=board.pk)
                notice = _("Board renamed. Everyone on the board sees the new title.")
                form = BoardRenameForm(initial={"title": board.title})
    return _render_panel(
        request,
        "boards/panels/board.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "phases": selectors.board_phase_counts(board),
            "can_edit": can_edit,
            "form": form,
            "notice": notice,
            "problem": problem,
        },
        status=status,
    )


@login_required
def panel_people(request: HttpRequest, board_id) -> HttpResponse:
    board, membership = get_board_for_user(request.user, board_id)
    return _render_panel(
        request,
        "boards/panels/people.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "members": selectors.organisation_members(board.organisation),
        },
    )
