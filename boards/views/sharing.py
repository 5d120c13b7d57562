"""Share links (boards/sharing.py): managing them on a board, and the board as a guest
sees it through one (joining a workshop link first: boards/views/guests.py). Thin:
access, form, action, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards import selectors, sharing, snapshots
from boards.access import MustJoin, ShareLinkGone, get_board_for_user, get_viewer_for_share
from boards.forms import ShareLinkForm
from boards.models import CardKind, Channel
from boards.schema import MOVEMENT_CHOICES, client_schema
from boards.views import guests as guest_views
from journeymap.access import Can, capabilities, require_share_links_allowed


@login_required
def board_sharing(request: HttpRequest, board_id) -> HttpResponse:
    """The board's share links and a form to make one (facilitators and above)."""
    board, membership = get_board_for_user(request.user, board_id, Can.SHARE_BOARD)
    allowed = board.organisation.allow_share_links
    form = ShareLinkForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require_share_links_allowed(board.organisation)
        if form.is_valid():
            link = sharing.share_link_create(
                board=board,
                actor=request.user,
                label=form.cleaned_data["label"],
                live_updates=form.cleaned_data["live"],
                days=form.cleaned_data["expires_in"],
                role=form.cleaned_data["role"],
                passcode=form.cleaned_data["passcode"],
            )
            request.session["new_share_link"] = str(link.pk)
            messages.success(request, _("Share link made. Copy it and send it to your guests."))
            return redirect("board_sharing", board_id=board.pk)
        status = 400
    new = request.session.pop("new_share_link", None)
    links = [
        {
            "link": link,
            "url": request.build_absolute_uri(reverse("shared_board", args=[link.token])),
            "usable": link.is_usable(),
            "new": str(link.pk) == new,
            "guests": link.guests.all(),
        }
        for link in selectors.board_share_links(board)
    ]
    return render(
        request,
        "boards/sharing.html",
        {
            "board": board,
            "organisation": board.organisation,
            "membership": membership,
            "can": capabilities(membership),
            "form": form,
            "links": links,
            "allowed": allowed,
        },
        status=status,
    )


@login_required
@require_POST
def share_revoke(request: HttpRequest, board_id, link_id) -> HttpResponse:
    board, _membership = get_board_for_user(request.user, board_id, Can.SHARE_BOARD)
    link = selectors.board_share_link(board, link_id)
    if link is None:
        raise Http404
    sharing.share_link_revoke(link=link)
    messages.success(request, _("The link is revoked: it no longer opens the board."))
    return redirect("board_sharing", board_id=board.pk)


def _shared_or_gone(request: HttpRequest, token: str):
    """(board, viewer) for whoever opens the link, or the page to answer instead: 410 for
    a link that no longer works, the join page for a workshop link not joined yet."""
    try:
        return get_viewer_for_share(token, request.user, request.session.session_key), None
    except ShareLinkGone as gone:
        return None, render(request, "boards/shared_gone.html", {"reason": gone.reason}, status=410)
    except MustJoin as join:
        return None, guest_views.join_page(request, join.board, join.link)


def shared_board(request: HttpRequest, token: str) -> HttpResponse:
    """The board for someone holding a share link, logged in or not: the live canvas
    (read-only, or editable for a guest who joined through an editor link), or (for a link
    without live updates) the board as it is now."""
    found, answer = _shared_or_gone(request, token)
    if answer:
        return answer
    board, viewer = found
    link = viewer.link
    context = {"board": board, "link": link, "guest": True, "token": token, "viewer": viewer}
    if link.live:
        return render(
            request,
            "boards/board_detail.html",
            {
                **context,
                "phases": selectors.board_phases(board),
                "can": viewer.can(),
                "socket_url": f"/ws/share/{token}/",
                "gaps_url": reverse("shared_gaps_json", args=[token]),
                "schema": client_schema(),
                "movements": MOVEMENT_CHOICES,
            },
        )
    state = selectors.board_state(board)
    return render(
        request,
        "boards/shared_static.html",
        {
            **context,
            "columns": snapshots.state_columns(state),
            "gaps": selectors.board_gaps(board),
            "kinds": dict(CardKind.choices),
            "channels": dict(Channel.choices),
        },
    )


def shared_gaps_json(request: HttpRequest, token: str) -> JsonResponse:
    found, answer = _shared_or_gone(request, token)
    if answer:
        raise PermissionDenied
    board, _link = found
    return JsonResponse(selectors.board_gap_marks(board))
