"""The editor's side panel: card details, board settings and people, as htmx fragments.

Each panel is one template extending boards/panels/_panel.html, served as the bare
panel to htmx (the editor loads it into <aside id="side-panel">) and as the whole page
otherwise, so every panel also works as a plain page without JavaScript. A panel is
shown by a GET view; each of its forms posts to a POST view of its own, which answers
with the panel again (or, for a plain form post that succeeded, a redirect to it).
Changes go through boards.actions, as ops, so everyone on the board sees them live like
any edit made on the canvas. The card's panel is in boards/views/card_panel.py.

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
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from boards import actions, plans, selectors
from boards.access import get_board_for_user
from boards.forms import BoardRenameForm, TemplateSaveForm
from boards.kpi_forms import KpiFormSet
from boards.kpis import sparkline
from boards.live.commit import BoardGone
from boards.live.protocol import ProtocolError
from boards.models import PlanStatus
from boards.plan_forms import kpi_charts
from journeymap.access import Can, capabilities, role_allows


def render_panel(
    request: HttpRequest,
    template: str,
    board,
    membership,
    context: dict,
    *,
    status: int = 200,
) -> HttpResponse:
    """A panel template (extending boards/panels/_panel.html, which renders the bare
    <section> to htmx and the whole page otherwise), with what every panel reads: the
    board, its organisation, the viewer's membership and capabilities (`can`)."""
    context = {
        "board": board,
        "organisation": board.organisation,
        "membership": membership,
        "can": capabilities(membership),
        **context,
    }
    # htmx swaps only 2xx answers by default, so a refused form comes back as 200 there;
    # a plain form post gets the honest 400.
    return render(request, template, context, status=200 if request.htmx else status)


def apply_panel_ops(request: HttpRequest, board, ops: list[dict]) -> str | None:
    """Apply ops from a panel form as one revision; the refusal's message, or None."""
    try:
        actions.board_apply_ops(board=board, actor=request.user, ops=ops)
    except ProtocolError as error:
        return error.message
    except BoardGone:
        raise Http404 from None
    return None


def _board_panel(
    request: HttpRequest,
    board,
    membership,
    *,
    form: BoardRenameForm | None = None,
    template_form: TemplateSaveForm | None = None,
    notice: str | None = None,
    problem: str | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = role_allows(membership.role, Can.EDIT_BOARD)
    if can_edit and form is None:
        form = BoardRenameForm(initial={"title": board.title})
    if can_edit and template_form is None:
        template_form = TemplateSaveForm()
    return render_panel(
        request,
        "boards/panels/board.html",
        board,
        membership,
        {
            "phases": selectors.board_phase_counts(board),
            "can_edit": can_edit,
            "form": form if can_edit else None,
            "template_form": template_form if can_edit else None,
            "notice": notice,
            "problem": problem,
        },
        status=status,
    )


@login_required
@require_GET
def panel_board(request: HttpRequest, board_id) -> HttpResponse:
    """Board settings: the title, the phases, and (for editors) renaming the board and
    saving it as one of the organisation's templates."""
    board, membership = get_board_for_user(request.user, board_id)
    return _board_panel(request, board, membership)


@login_required
@require_POST
def panel_board_rename(request: HttpRequest, board_id) -> HttpResponse:
    board, membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
    form = BoardRenameForm(request.POST)
    if not form.is_valid():
        problem = _("Nothing was saved: correct the title.")
        return _board_panel(request, board, membership, form=form, problem=problem, status=400)
    if form.cleaned_data["title"] == board.title:
        notice = _("Nothing to save: the board already has this title.")
        return _board_panel(request, board, membership, form=form, notice=notice)
    problem = apply_panel_ops(
        request, board, [{"op": "board.update", "title": form.cleaned_data["title"]}]
    )
    if problem:
        return _board_panel(request, board, membership, form=form, problem=problem, status=409)
    if not request.htmx:
        messages.success(request, _("Board renamed."))
        return redirect("panel_board", board_id=board.pk)
    board.refresh_from_db()
    notice = _("Board renamed. Everyone on the board sees the new title.")
    return _board_panel(request, board, membership, notice=notice)


@login_required
@require_POST
def panel_board_template(request: HttpRequest, board_id) -> HttpResponse:
    """Save the board as a template of its organisation (template_create_from_board)."""
    board, membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
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
            return _board_panel(request, board, membership, notice=notice)
    problem = _("The template was not saved: correct its name.")
    return _board_panel(
        request, board, membership, template_form=template_form, problem=problem, status=400
    )


@login_required
@require_GET
def panel_people(request: HttpRequest, board_id) -> HttpResponse:
    board, membership = get_board_for_user(request.user, board_id)
    return render_panel(
        request,
        "boards/panels/people.html",
        board,
        membership,
        {
            "members": selectors.organisation_members(board.organisation),
        },
    )


def gaps_panel(
    request: HttpRequest,
    board,
    membership,
    *,
    notice: str | None = None,
    problem: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The gap panel; for editors each gap offers "Plan an action" (boards/views/plans.py),
    with the organisation's members to choose an owner from."""
    can_edit = role_allows(membership.role, Can.EDIT_BOARD)
    gaps = plans.phase_gaps_with_actions(board)
    for phase in gaps["phases"]:
        for kpi in phase["kpis"]:
            kpi["spark"] = sparkline(kpi)
    return render_panel(
        request,
        "boards/panels/gaps.html",
        board,
        membership,
        {
            "gaps": gaps,
            "can_edit": can_edit,
            "members": selectors.organisation_members(board.organisation) if can_edit else [],
            "notice": notice,
            "problem": problem,
        },
        status=status,
    )


@login_required
@require_GET
def panel_gaps(request: HttpRequest, board_id) -> HttpResponse:
    """The gap analysis, live: the editor reloads it when the board changes."""
    board, membership = get_board_for_user(request.user, board_id)
    return gaps_panel(request, board, membership)


@login_required
@require_GET
def board_gaps_json(request: HttpRequest, board_id) -> JsonResponse:
    """What the canvas marks: uncovered touchpoints and each phase's coverage and tone
    (selectors.board_gap_marks). The same selector as the panel, so the marks never
    disagree with it."""
    board, _membership = get_board_for_user(request.user, board_id)
    return JsonResponse(selectors.board_gap_marks(board))


def strategy_panel(
    request: HttpRequest,
    board,
    membership,
    *,
    notice: str | None = None,
    problem: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The plan: opportunities by phase, with status, owner and due date; editors move
    each along (boards/views/plans.py)."""
    return render_panel(
        request,
        "boards/panels/strategy.html",
        board,
        membership,
        {
            "strategy": selectors.board_strategy(board),
            "statuses": PlanStatus.choices,
            "notice": notice,
            "problem": problem,
        },
        status=status,
    )


@login_required
@require_GET
def panel_strategy(request: HttpRequest, board_id) -> HttpResponse:
    board, membership = get_board_for_user(request.user, board_id)
    return strategy_panel(request, board, membership)


def _phase_or_404(board, phase_id):
    phase = selectors.board_phase(board, phase_id)
    if phase is None:
        raise Http404
    return phase


def _phase_panel(
    request: HttpRequest,
    board,
    membership,
    phase,
    *,
    formset=None,
    reading_form=None,
    notice: str | None = None,
    problem: str | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = role_allows(membership.role, Can.EDIT_BOARD)
    if can_edit and formset is None:
        formset = KpiFormSet(initial=phase.kpis, prefix="kpi")
    charts = kpi_charts(phase.kpis, can_edit=can_edit, refused=reading_form)
    return render_panel(
        request,
        "boards/panels/phase.html",
        board,
        membership,
        {
            "phase": phase,
            "formset": formset if can_edit else None,
            "charts": charts,
            "suggestions": selectors.phase_suggestions(board, phase),
            "can_edit": can_edit,
            "notice": notice,
            "problem": problem,
        },
        status=status,
    )


@login_required
@require_GET
def panel_phase(request: HttpRequest, board_id, phase_id) -> HttpResponse:
    """A phase's KPIs: name, current value, target, unit, with the suggestions of the
    phase's stage."""
    board, membership = get_board_for_user(request.user, board_id)
    return _phase_panel(request, board, membership, _phase_or_404(board, phase_id))


@login_required
@require_POST
def panel_phase_save(request: HttpRequest, board_id, phase_id) -> HttpResponse:
    """Save the KPIs as one phase.update op, so everyone sees the header change."""
    board, membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
    phase = _phase_or_404(board, phase_id)
    formset = KpiFormSet(request.POST, prefix="kpi")
    if not formset.is_valid():
        problem = _("Nothing was saved: correct the KPIs marked below.")
        return _phase_panel(
            request, board, membership, phase, formset=formset, problem=problem, status=400
        )
    # The form edits names and figures; each KPI keeps its readings (by name).
    readings = {kpi["name"]: kpi.get("readings", []) for kpi in phase.kpis}
    kpis = [
        {**kpi, "readings": readings[kpi["name"]]} if readings.get(kpi["name"]) else kpi
        for kpi in formset.kpis()
    ]
    if kpis == phase.kpis:
        notice = _("Nothing to save: the phase already has these KPIs.")
        return _phase_panel(request, board, membership, phase, formset=formset, notice=notice)
    problem = apply_panel_ops(
        request, board, [{"op": "phase.update", "id": str(phase.pk), "kpis": kpis}]
    )
    if problem:
        return _phase_panel(
            request, board, membership, phase, formset=formset, problem=problem, status=409
        )
    if not request.htmx:
        messages.success(request, _("KPIs saved."))
        return redirect("panel_phase", board_id=board.pk, phase_id=phase.pk)
    notice = _("KPIs saved. Everyone on the board sees them.")
    return _phase_panel(request, board, membership, _phase_or_404(board, phase_id), notice=notice)


@login_required
@require_POST
def panel_phase_suggestion(request: HttpRequest, board_id, phase_id) -> HttpResponse:
    """Accept one of the phase's suggested activities: it becomes a current activity on
    the board, linked to its touchpoint when the phase has it (actions.suggestion_accept),
    as one revision everyone sees."""
    board, membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
    phase = _phase_or_404(board, phase_id)
    try:
        index = int(request.POST.get("index", ""))
    except ValueError:
        index = -1
    try:
        actions.suggestion_accept(
            board=board,
            phase=phase,
            index=index,
            text=request.POST.get("text", ""),
            actor=request.user,
        )
    except ValidationError as error:
        return _phase_panel(
            request, board, membership, phase, problem=error.messages[0], status=400
        )
    except ProtocolError as error:
        return _phase_panel(request, board, membership, phase, problem=error.message, status=409)
    except BoardGone:
        raise Http404 from None
    if not request.htmx:
        messages.success(request, _("Added to the board as a current activity."))
        return redirect("panel_phase", board_id=board.pk, phase_id=phase.pk)
    notice = _("Added to the board as a current activity. Everyone on the board sees it.")
    return _phase_panel(request, board, membership, phase, notice=notice)
