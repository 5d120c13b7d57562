"""Guests (boards/guests.py): the one short page that lets them in through a workshop link,
and the page that turns a guest session into an account. Thin: access, form, action,
render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards import guests
from boards.access import ShareLinkGone, get_board_for_share
from boards.guest_forms import GuestAccountForm, GuestJoinForm
from boards.models import Board, ShareLink
from journeymap import throttle, verification
from journeymap.access import get_membership
from journeymap.models import User

BACKEND = "django.contrib.auth.backends.ModelBackend"


def join_page(
    request: HttpRequest, board: Board, link: ShareLink, form=None, status: int = 200
) -> HttpResponse:
    """Asked of whoever opens a workshop link without having joined through it: their
    name, and the passcode if the link has one. A member of the board's organisation is
    sent to the board itself instead."""
    if get_membership(request.user, board.organisation_id) is not None:
        return redirect("board_detail", board_id=board.pk)
    if form is None:
        name = request.user.name if request.user.is_authenticated else ""
        form = GuestJoinForm(asks_passcode=bool(link.passcode), initial={"name": name})
    return render(
        request,
        "boards/join.html",
        {"board": board, "link": link, "form": form, "token": link.token},
        status=status,
    )


@require_POST
def share_join(request: HttpRequest, token: str) -> HttpResponse:
    """Join the board through a workshop link: a wrong passcode is refused (and counted:
    journeymap.throttle), nothing is made; a right one signs the guest in and opens the
    board."""
    try:
        board, link = get_board_for_share(token)
    except ShareLinkGone as gone:
        return render(request, "boards/shared_gone.html", {"reason": gone.reason}, status=410)
    if not link.asks_name:
        return redirect("shared_board", token=token)
    form = GuestJoinForm(request.POST, asks_passcode=bool(link.passcode))
    if not form.is_valid():
        return join_page(request, board, link, form, status=400)
    if link.passcode:
        key = str(link.pk)
        if throttle.passcode_locked(request, key):
            form.add_error("passcode", _passcode_locked())
            return join_page(request, board, link, form, status=429)
        if not guests.passcode_matches(link, form.cleaned_data["passcode"]):
            locked = throttle.passcode_failed(request, key)
            form.add_error(
                "passcode",
                _passcode_locked() if locked else _("That passcode is not right. Try again."),
            )
            return join_page(request, board, link, form, status=429 if locked else 400)
    signed_in = request.user if request.user.is_authenticated else None
    if signed_in is not None and get_membership(signed_in, board.organisation_id) is not None:
        return redirect("board_detail", board_id=board.pk)
    if signed_in is None and not throttle.guest_join_allowed(request):
        form.add_error(None, _("Too many requests from your network. Try again later."))
        return join_page(request, board, link, form, status=429)
    user = guests.guest_join(link=link, name=form.cleaned_data["name"], user=signed_in)
    if signed_in is None:
        login(request, user, backend=BACKEND)
    return redirect("shared_board", token=token)


def _passcode_locked() -> str:
    return _("Too many wrong passcodes. Try again in %(minutes)s minutes.") % {
        "minutes": throttle.passcode_cooloff_minutes()
    }


@login_required
def guest_account(request: HttpRequest) -> HttpResponse:
    """Turn a guest session into an account: an address (confirmed by mail, as at signup)
    and a password. The page says the same whether or not the address had an account (the
    owner of one is told by mail), as signup does."""
    user = request.user
    if not user.is_guest:
        return redirect("home")
    links = list(guests.guest_links(user))
    back = reverse("shared_board", args=[links[0].token]) if links else ""
    form = GuestAccountForm(request.POST or None, user=user)
    if request.method == "POST":
        if not throttle.account_form_allowed(request):
            form.add_error(None, _("Too many requests from your network. Try again later."))
        elif form.is_valid():
            email = form.cleaned_data["email"]
            made = guests.guest_make_account(
                user=user, email=email, password=form.cleaned_data["password1"]
            )
            if made:
                update_session_auth_hash(request, user)
                verification.send_confirmation(request, user, back)
            else:
                owner = User.objects.filter(email__iexact=email).first()
                verification.send_signup_notice(request, owner)
            messages.success(
                request,
                _(
                    "We sent a link to %(email)s. Open it to confirm the address, and your "
                    "account is ready."
                )
                % {"email": email},
            )
            return redirect(back or "home")
    return render(request, "boards/guest_account.html", {"form": form, "back": back})
