"""Accepting an invite: one page. Someone signed in accepts with a button; someone without
an account invited by e-mail types a name and a password on the same page (the address is
the invite's, prefilled) and is in the organisation; anyone else signs up or logs in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from journeymap import actions, throttle
from journeymap.forms import TOO_MANY_REQUESTS, InviteSignupForm
from journeymap.models import Invite
from journeymap.views import SESSION_ORGANISATION

BACKEND = "django.contrib.auth.backends.ModelBackend"


def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    invite = Invite.objects.select_related("organisation", "created_by").filter(token=token).first()
    if invite is None:
        raise Http404
    signed_in = request.user.is_authenticated
    form = None
    if not signed_in and invite.email and invite.is_usable:
        form = InviteSignupForm(request.POST or None, email=invite.email)
    if request.method == "POST":
        membership = None
        if signed_in:
            try:
                membership = actions.invite_accept(token=token, user=request.user)
            except actions.ActionError as error:
                messages.error(request, str(error))
        elif form is not None:
            if not throttle.account_form_allowed(request):
                form.add_error(None, TOO_MANY_REQUESTS)
            elif form.is_valid():
                try:
                    membership = actions.invite_signup(
                        token=token,
                        name=form.cleaned_data["name"],
                        password=form.cleaned_data["password"],
                    )
                except actions.ActionError as error:
                    form.add_error(None, str(error))
                else:
                    login(request, membership.user, backend=BACKEND)
        if membership is not None:
            request.session[SESSION_ORGANISATION] = membership.organisation_id
            messages.success(
                request,
                _("You joined %(organisation)s. Your role: %(role)s.")
                % {
                    "organisation": membership.organisation,
                    "role": membership.get_role_display(),
                },
            )
            return redirect("board_list", organisation_id=membership.organisation_id)
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(
        request, "journeymap/invite_accept.html", {"invite": invite, "form": form}, status=status
    )
