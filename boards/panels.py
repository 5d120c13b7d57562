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
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from boards import actions, selectors
from boards.access import get_board_for_user
from boards.forms import (
    BoardRenameForm,
    CardLinksForm,
    CardPanelForm,
    KpiFormSet,
    TemplateSaveForm,
)
from boards.frameworks import kpi_suggestions
from boards.live.commit import BoardGone
from boards.live.protocol import ProtocolError
from boards.models import LINK_SOURCE_KINDS
from journeymap.access import Can, capabilities, role_allows


def _render_panel(
    request: HttpRequest, template: str, context: dict, *, status: int = 200
) -> HttpResponse:
    # htmx swaps only 2xx answers by default, so a refused form comes back as 200 there;
    # a plain form post gets the honest 400.
    if request.htmx:
        return render(request, f"{template}#panel", context)
    return render(request, template, context, status=status)


def _apply(request: HttpRequest, board, ops: list[dict]) -> str | None:
    """Apply ops from a panel form as one revision; the refusal's message, or None."""
    try:
        actions.board_apply_ops(board=board, actor=request.user, ops=ops)
    except ProtocolError as error:
        return error.message
    except BoardGone:
        raise Http404 from None
    return None


@login_required
@require_http_methods(["GET", "POST"])
def panel_card(request: HttpRequest, board_id, card_id) -> HttpResponse:
    """A card's details; for an activity or opportunity also the touchpoints it serves.
    Two forms post here, told apart by `form` (details | links)."""
    board, membership = get_board_for_user(request.user, board_id)
    card = selectors.board_card(board, card_id)
    if card is None:
        raise Http404
    can_edit = role_allows(membership.role, Can.EDIT_BOARD)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    members = selectors.organisation_members(board.organisation)
    links = selectors.card_links(card)
    touchpoints = selectors.board_touchpoints(board) if card.kind in LINK_SOURCE_KINDS else []

    form = links_form = None
    notice = problem = None
    saved = False
    status = 200
    if request.method == "POST" and request.POST.get("form") == "links":
        links_form = CardLinksForm(request.POST, touchpoints=touchpoints)
        if card.kind not in LINK_SOURCE_KINDS:
            problem = _("Only a current activity or an opportunity serves touchpoints.")
            status = 400
        elif not links_form.is_valid():
            problem = _("Nothing was saved: correct the fields marked below.")
            status = 400
        elif ops := links_form.ops(
            str(card.pk), {str(r["card"].pk): r["id"] for r in links["serves"]}
        ):
            problem = _apply(request, board, ops)
            status = 409 if problem else 200
            saved = problem is None
        else:
            notice = _("Nothing to save: the card already serves these touchpoints.")
    elif request.method == "POST":
        form = CardPanelForm(request.POST, card=card, members=members)
        if not form.is_valid():
            problem = _("Nothing was saved: correct the fields marked below.")
            status = 400
        elif changes := form.changes(card):
            problem = _apply(request, board, [{"op": "card.update", "id": str(card.pk), **changes}])
            status = 409 if problem else 200
            saved = problem is None
        else:
            notice = _("Nothing to save: the card already looks like this.")
            form = None
    if saved:
        if not request.htmx:
            messages.success(request, _("Card saved."))
            return redirect("panel_card", board_id=board.pk, card_id=card.pk)
        notice = _("Saved. Everyone on the board sees the change.")
        card = selectors.board_card(board, card.pk)
        links = selectors.card_links(card)
        form = links_form = None
    if card.deleted:
        form = links_form = None  # nothing to edit any more; the panel says why
    elif can_edit:
        if form is None:
            form = CardPanelForm(
                card=card,
                members=members,
                initial={
                    "kind": card.kind,
                    "channel": card.channel,
                    "text": card.text,
                    "colour": card.colour,
                    "priority": card.priority,
                    "owner": card.owner_id,
                    "kpi": card.kpi,
                },
            )
        if links_form is None and card.kind in LINK_SOURCE_KINDS:
            links_form = CardLinksForm(
                touchpoints=touchpoints,
                initial={"serves": [str(r["card"].pk) for r in links["serves"]]},
            )
    response = _render_panel(
        request,
        "boards/panels/card.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "can": capabilities(membership),
            "card": card,
            "arrows": selectors.card_arrows(card),
            "links": links,
            "can_edit": can_edit and not card.deleted,
            "form": form,
            "links_form": links_form,
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
    """Board settings: rename, and save the board as one of the organisation's templates.
    Two forms post here, told apart by `form` (rename | template)."""
    board, membership = get_board_for_user(request.user, board_id)
    can_edit = role_allows(membership.role, Can.EDIT_BOARD)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied

    form = BoardRenameForm(initial={"title": board.title}) if can_edit else None
    template_form = TemplateSaveForm() if can_edit else None
    notice = None
    problem = None
    status = 200
    if request.method == "POST" and request.POST.get("form") == "template":
        template_form = TemplateSaveForm(request.POST)
        if template_form.is_valid():
            try:
                template = actions.template_create_from_board(
                    board=board, name=template_form.cleaned_data["name"], actor=request.user
                )
            except ValidationError as error:
                for message in error.messages:
                    template_form.add_error("name", message)
            else:
                notice = _(
                    "Saved as the template “%(name)s”: new boards of %(organisation)s can "
                    "start from it."
                ) % {"name": template.name, "organisation": board.organisation.name}
                if not request.htmx:
                    messages.success(request, notice)
                    return redirect("panel_board", board_id=board.pk)
                template_form = TemplateSaveForm()
        if not template_form.is_valid() and template_form.is_bound:
            problem = _("The template was not saved: correct its name.")
            status = 400
    elif request.method == "POST":
        form = BoardRenameForm(request.POST)
        if not form.is_valid():
            problem = _("Nothing was saved: correct the title.")
            status = 400
        elif form.cleaned_data["title"] == board.title:
            notice = _("Nothing to save: the board already has this title.")
        else:
            problem = _apply(
                request, board, [{"op": "board.update", "title": form.cleaned_data["title"]}]
            )
            status = 409 if problem else 200
            if problem is None:
                if not request.htmx:
                    messages.success(request, _("Board renamed."))
                    return redirect("panel_board", board_id=board.pk)
                notice = _("Board renamed. Everyone on the board sees the new title.")
                board.refresh_from_db()
                form = BoardRenameForm(initial={"title": board.title})
    return _render_panel(
        request,
        "boards/panels/board.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "can": capabilities(membership),
            "phases": selectors.board_phase_counts(board),
            "can_edit": can_edit,
            "form": form,
            "template_form": template_form,
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
            "can": capabilities(membership),
            "members": selectors.organisation_members(board.organisation),
        },
    )


@login_required
def panel_gaps(request: HttpRequest, board_id) -> HttpResponse:
    """The gap analysis, live: the editor reloads it when the board changes."""
    board, membership = get_board_for_user(request.user, board_id)
    return _render_panel(
        request,
        "boards/panels/gaps.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "can": capabilities(membership),
            "gaps": selectors.board_gaps(board),
        },
    )


@login_required
def board_gaps_json(request: HttpRequest, board_id) -> JsonResponse:
    """What the canvas marks: uncovered touchpoints and each phase's coverage. The same
    selector as the panel, so the marks never disagree with it."""
    board, _membership = get_board_for_user(request.user, board_id)
    return JsonResponse(selectors.board_gap_marks(board))


@login_required
def panel_strategy(request: HttpRequest, board_id) -> HttpResponse:
    board, membership = get_board_for_user(request.user, board_id)
    return _render_panel(
        request,
        "boards/panels/strategy.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "can": capabilities(membership),
            "strategy": selectors.board_strategy(board),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_phase(request: HttpRequest, board_id, phase_id) -> HttpResponse:
    """A phase's KPIs: name, current value, target, unit, with the suggestions of the
    phase's stage. Saved as a phase.update op, so everyone sees the header change."""
    board, membership = get_board_for_user(request.user, board_id)
    phase = selectors.board_phase(board, phase_id)
    if phase is None:
        raise Http404
    can_edit = role_allows(membership.role, Can.EDIT_BOARD)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    notice = problem = None
    status = 200
    formset = KpiFormSet(initial=phase.kpis, prefix="kpi") if can_edit else None
    if request.method == "POST":
        formset = KpiFormSet(request.POST, prefix="kpi")
        if not formset.is_valid():
            problem = _("Nothing was saved: correct the KPIs marked below.")
            status = 400
        elif (kpis := formset.kpis()) == phase.kpis:
            notice = _("Nothing to save: the phase already has these KPIs.")
        else:
            try:
                actions.board_apply_ops(
                    board=board,
                    actor=request.user,
                    ops=[{"op": "phase.update", "id": str(phase.pk), "kpis": kpis}],
                )
            except ProtocolError as error:
                problem = error.message
                status = 409
            except BoardGone:
                raise Http404 from None
            else:
                if not request.htmx:
                    messages.success(request, _("KPIs saved."))
                    return redirect("panel_phase", board_id=board.pk, phase_id=phase.pk)
                notice = _("KPIs saved. Everyone on the board sees them.")
                phase = selectors.board_phase(board, phase_id)
                formset = KpiFormSet(initial=phase.kpis, prefix="kpi")
    return _render_panel(
        request,
        "boards/panels/phase.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "can": capabilities(membership),
            "phase": phase,
            "formset": formset,
            "suggestions": kpi_suggestions(board, phase),
            "can_edit": can_edit,
            "notice": notice,
            "problem": problem,
        },
        status=status,
    )
