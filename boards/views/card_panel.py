"""The side panel's card details (see boards/views/panels.py for how panels are served):
one view shows the card, one saves its details, one sets the touchpoints it serves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from boards import actions, selectors
from boards.access import get_board_for_user
from boards.forms import CardLinksForm, CardPanelForm
from boards.live.commit import BoardGone
from boards.live.protocol import ProtocolError
from boards.models import Board, Card
from boards.schema import LINK_SOURCE_KINDS
from boards.views.panels import apply_panel_ops, render_panel
from journeymap.access import Can, role_allows

NOT_VALID = _("Nothing was saved: correct the fields marked below.")


def _card_or_404(board: Board, card_id, user) -> Card:
    # Someone else's private card (a private writing round) does not exist for you.
    card = selectors.board_card(board, card_id, user.pk)
    if card is None:
        raise Http404
    return card


def _touchpoints(board: Board, card: Card, user) -> list:
    return selectors.board_touchpoints(board, user.pk) if card.kind in LINK_SOURCE_KINDS else []


@login_required
@require_GET
def panel_card(request: HttpRequest, board_id, card_id) -> HttpResponse:
    """A card's details; for an activity or opportunity also the touchpoints it serves."""
    board, membership = get_board_for_user(request.user, board_id)
    card = _card_or_404(board, card_id, request.user)
    return _render(request, board, membership, card)


@login_required
@require_POST
def panel_card_save(request: HttpRequest, board_id, card_id) -> HttpResponse:
    """Save the details form as one card.update with only the fields that changed."""
    board, membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
    card = _card_or_404(board, card_id, request.user)
    form = CardPanelForm(
        request.POST, card=card, members=selectors.organisation_members(board.organisation)
    )
    if not form.is_valid():
        return _render(request, board, membership, card, form=form, problem=NOT_VALID, status=400)
    changes = form.changes(card)
    if not changes:
        notice = _("Nothing to save: the card already looks like this.")
        return _render(request, board, membership, card, notice=notice)
    problem = apply_panel_ops(
        request, board, [{"op": "card.update", "id": str(card.pk), **changes}]
    )
    if problem:
        return _render(request, board, membership, card, form=form, problem=problem, status=409)
    return _saved(request, board, membership, card)


@login_required
@require_POST
def panel_card_links(request: HttpRequest, board_id, card_id) -> HttpResponse:
    """Set the touchpoints an activity or opportunity serves (boards.actions.card_set_links)."""
    board, membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
    card = _card_or_404(board, card_id, request.user)
    links_form = CardLinksForm(request.POST, touchpoints=_touchpoints(board, card, request.user))

    def refused(problem: str, status: int) -> HttpResponse:
        return _render(
            request, board, membership, card, links_form=links_form, problem=problem, status=status
        )

    if card.kind not in LINK_SOURCE_KINDS:
        return refused(_("Only a current activity or an opportunity serves touchpoints."), 400)
    if not links_form.is_valid():
        return refused(NOT_VALID, 400)
    try:
        commit = actions.card_set_links(
            board=board, card=card, targets=links_form.cleaned_data["serves"], actor=request.user
        )
    except ProtocolError as error:
        return refused(error.message, 409)
    except BoardGone:
        raise Http404 from None
    if commit is None:
        notice = _("Nothing to save: the card already serves these touchpoints.")
        return _render(request, board, membership, card, notice=notice)
    return _saved(request, board, membership, card)


def _saved(request: HttpRequest, board: Board, membership, card: Card) -> HttpResponse:
    if not request.htmx:
        messages.success(request, _("Card saved."))
        return redirect("panel_card", board_id=board.pk, card_id=card.pk)
    card = selectors.board_card(board, card.pk, request.user.pk)
    notice = _("Saved. Everyone on the board sees the change.")
    response = _render(request, board, membership, card, notice=notice)
    # The canvas may want to reselect or flash the card; the change itself arrives over
    # the live connection like anyone's.
    trigger_client_event(response, "jm:card-saved", {"id": str(card.pk)})
    return response


def _render(
    request: HttpRequest,
    board: Board,
    membership,
    card: Card,
    *,
    form: CardPanelForm | None = None,
    links_form: CardLinksForm | None = None,
    notice: str | None = None,
    problem: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The panel, with the forms given (a refused one, to show its errors) or fresh ones
    for those who may edit; a deleted card has nothing left to edit, and the panel says
    why."""
    # What a facilitator locked (the card, its phase, the board) stays read-only for
    # everyone else; the commit refuses their changes anyway (boards.live.batch_lock).
    locked = card.locked or board.locked or bool(card.phase_id and card.phase.locked)
    held = locked and not role_allows(membership.role, Can.FACILITATE)
    can_edit = role_allows(membership.role, Can.EDIT_BOARD) and not card.deleted and not held
    members = selectors.organisation_members(board.organisation)
    links = selectors.card_links(card, request.user.pk)
    if not can_edit:
        form = links_form = None
    else:
        if form is None:
            form = CardPanelForm(
                card=card,
                members=members,
                # The form takes the fields it shows from the card's state.
                initial=selectors.card_state(card),
            )
        if links_form is None and card.kind in LINK_SOURCE_KINDS:
            links_form = CardLinksForm(
                touchpoints=_touchpoints(board, card, request.user),
                initial={"serves": [str(row["card"].pk) for row in links["serves"]]},
            )
    return render_panel(
        request,
        "boards/panels/card.html",
        board,
        membership,
        {
            "card": card,
            "arrows": selectors.card_arrows(card, request.user.pk),
            "links": links,
            "can_edit": can_edit,
            "locked": locked,
            "form": form,
            "links_form": links_form,
            "notice": notice,
            "problem": problem,
        },
        status=status,
    )
