"""The action plan and KPIs over time in the side panel (boards/views/panels.py says how
panels are served): plan an action from a gap, move an opportunity along the plan, turn
a done one into a current activity; accept a suggested KPI, add and remove a KPI's
readings. Thin: access, form, boards/plans.py, the panel again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards import plans, selectors
from boards.access import get_board_for_user
from boards.live.commit import BoardGone
from boards.live.protocol import ProtocolError
from boards.models import CardKind
from boards.plan_forms import PlanForm, ReadingForm, StatusForm
from boards.views.panels import _phase_or_404, _phase_panel, gaps_panel, strategy_panel
from journeymap.access import Can


def _attempt(write) -> str | None:
    """Run a write of boards/plans.py; the refusal to show, or None."""
    try:
        write()
    except ValidationError as error:
        return error.messages[0]
    except ProtocolError as error:
        return error.message
    except BoardGone:
        raise Http404 from None
    return None


def _opportunity_or_404(board, card_id):
    card = selectors.board_card(board, card_id)
    if card is None or card.deleted or card.kind != CardKind.OPPORTUNITY:
        raise Http404
    return card


@login_required
@require_POST
def panel_gap_plan(request: HttpRequest, board_id, phase_id) -> HttpResponse:
    """Plan an action against one of the phase's gaps: an opportunity, planned, with its
    owner and due date (plans.plan_from_gap)."""
    board, membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
    phase = _phase_or_404(board, phase_id)
    form = PlanForm(request.POST, members=selectors.organisation_members(board.organisation))
    if not form.is_valid():
        problem = _("Nothing was planned: %(reason)s") % {
            "reason": " ".join(str(e) for errors in form.errors.values() for e in errors)
        }
        return gaps_panel(request, board, membership, problem=problem, status=400)
    data = form.cleaned_data
    problem = _attempt(
        lambda: plans.plan_from_gap(
            board=board,
            phase=phase,
            key=data["gap"],
            text=data["text"],
            owner=form.owner_user(),
            due=data["due"],
            actor=request.user,
        )
    )
    if problem:
        return gaps_panel(request, board, membership, problem=problem, status=409)
    notice = _("Planned. The action is on the board and in the Strategy tab.")
    if not request.htmx:
        messages.success(request, notice)
        return redirect("panel_gaps", board_id=board.pk)
    return gaps_panel(request, board, membership, notice=notice)


@login_required
@require_POST
def panel_plan_status(request: HttpRequest, board_id, card_id) -> HttpResponse:
    """Move an opportunity along the plan (an idea, planned, doing, done)."""
    board, membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
    card = _opportunity_or_404(board, card_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        problem = form.errors["status"][0]
        return strategy_panel(request, board, membership, problem=problem, status=400)
    status = form.cleaned_data["status"]
    problem = None
    if status != card.status:
        problem = _attempt(
            lambda: plans.opportunity_set_status(
                board=board, card=card, status=status, actor=request.user
            )
        )
    if problem:
        return strategy_panel(request, board, membership, problem=problem, status=409)
    if not request.htmx:
        return redirect("panel_strategy", board_id=board.pk)
    return strategy_panel(request, board, membership)


@login_required
@require_POST
def panel_plan_activity(request: HttpRequest, board_id, card_id) -> HttpResponse:
    """A done opportunity becomes a current activity, closing the gaps it serves."""
    board, membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
    card = _opportunity_or_404(board, card_id)
    problem = _attempt(
        lambda: plans.opportunity_make_activity(board=board, card=card, actor=request.user)
    )
    if problem:
        return strategy_panel(request, board, membership, problem=problem, status=409)
    notice = _("“%(text)s” is a current activity now: the gap analysis counts it.") % {
        "text": card.text.strip() or _("(no text yet)")
    }
    if not request.htmx:
        messages.success(request, notice)
        return redirect("panel_strategy", board_id=board.pk)
    return strategy_panel(request, board, membership, notice=notice)


@login_required
@require_POST
def panel_phase_kpi_accept(request: HttpRequest, board_id, phase_id) -> HttpResponse:
    """Add a KPI the framework suggests for the phase to its KPIs, in one click."""
    board, membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
    phase = _phase_or_404(board, phase_id)
    name = request.POST.get("name", "")
    problem = _attempt(
        lambda: plans.kpi_suggestion_accept(board=board, phase=phase, name=name, actor=request.user)
    )
    if problem:
        return _phase_panel(request, board, membership, phase, problem=problem, status=409)
    notice = _("“%(name)s” is one of the phase's KPIs now. Everyone on the board sees it.") % {
        "name": name
    }
    if not request.htmx:
        messages.success(request, notice)
        return redirect("panel_phase", board_id=board.pk, phase_id=phase.pk)
    return _phase_panel(request, board, membership, _phase_or_404(board, phase_id), notice=notice)


@login_required
@require_POST
def panel_phase_reading(request: HttpRequest, board_id, phase_id) -> HttpResponse:
    """Record a dated reading of one of the phase's KPIs."""
    board, membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
    phase = _phase_or_404(board, phase_id)
    prefix = request.POST.get("prefix", "")
    form = ReadingForm(request.POST, prefix=prefix if prefix.startswith("reading-") else None)
    if not form.is_valid():
        problem = _("The reading was not saved: correct the fields marked below.")
        return _phase_panel(
            request, board, membership, phase, reading_form=form, problem=problem, status=400
        )
    data = form.cleaned_data
    problem = _attempt(
        lambda: plans.kpi_reading_add(
            board=board,
            phase=phase,
            name=data["kpi"],
            on=data["date"],
            value=data["value"],
            note=data["note"],
            actor=request.user,
        )
    )
    if problem:
        return _phase_panel(request, board, membership, phase, problem=problem, status=409)
    notice = _("Reading saved: “%(name)s” is at %(value)s.") % {
        "name": data["kpi"],
        "value": f"{data['value']:g}",
    }
    if not request.htmx:
        messages.success(request, notice)
        return redirect("panel_phase", board_id=board.pk, phase_id=phase.pk)
    return _phase_panel(request, board, membership, _phase_or_404(board, phase_id), notice=notice)


@login_required
@require_POST
def panel_phase_reading_remove(request: HttpRequest, board_id, phase_id) -> HttpResponse:
    board, membership = get_board_for_user(request.user, board_id, Can.EDIT_BOARD)
    phase = _phase_or_404(board, phase_id)
    try:
        index = int(request.POST.get("index", ""))
    except ValueError:
        index = -1
    problem = _attempt(
        lambda: plans.kpi_reading_remove(
            board=board,
            phase=phase,
            name=request.POST.get("kpi", ""),
            index=index,
            actor=request.user,
        )
    )
    if problem:
        return _phase_panel(request, board, membership, phase, problem=problem, status=409)
    notice = _("Reading removed.")
    if not request.htmx:
        messages.success(request, notice)
        return redirect("panel_phase", board_id=board.pk, phase_id=phase.pk)
    return _phase_panel(request, board, membership, _phase_or_404(board, phase_id), notice=notice)
