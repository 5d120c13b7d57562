"""Signing up, signing in and getting back in: signup with a confirmed address, the
confirmation link, and Django's login and password-reset pages, throttled
(journeymap.throttle)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from journeymap import actions, throttle, verification
from journeymap.forms import (
    TOO_MANY_REQUESTS,
    LoginForm,
    SignupForm,
    ThrottledPasswordResetForm,
)

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return ""
    return next_url


def signup(request: HttpRequest) -> HttpResponse:
    """Make an account and mail a link to confirm its address. Whether the address had an
    account already is told only to its owner, by mail: the page is the same."""
    next_url = _next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = SignupForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST":
        if not throttle.account_form_allowed(request):
            form.add_error(None, TOO_MANY_REQUESTS)
        elif form.is_valid():
            user, created = actions.account_signup(
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
            if created:
                verification.send_confirmation(request, user, next_url)
            else:
                verification.send_signup_notice(request, user)
            return render(
                request, "registration/signup_done.html", {"email": form.cleaned_data["email"]}
            )
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


def email_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of a confirmation mail. Opening it shows a button; the button confirms
    the address and signs its person in (the link proves what a password reset would),
    then goes on to where they were going. A button, because mail scanners open links
    ahead of the person, and the link works once."""
    try:
        user = get_user_model().objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, OverflowError, get_user_model().DoesNotExist):
        user = None
    valid = user is not None and verification.confirmation_tokens.check_token(user, token)
    if request.method != "POST" or not valid:
        return render(
            request,
            "registration/email_confirm.html",
            {"valid": valid, "next": _next(request)},
            status=200 if valid else 404,
        )
    actions.user_confirm_email(user=user)
    if not request.user.is_authenticated:
        login(request, user, backend=BACKEND)
    messages.success(
        request, _("Your e-mail address %(email)s is confirmed.") % {"email": user.email}
    )
    return redirect(_next(request) or "home")


@login_required
@require_POST
def email_confirm_send(request: HttpRequest) -> HttpResponse:
    """Mail the signed-in person a new confirmation link (from an invite's page)."""
    next_url = _next(request)
    if not throttle.account_form_allowed(request):
        messages.error(request, str(TOO_MANY_REQUESTS))
    else:
        verification.send_confirmation(request, request.user, next_url)
        messages.success(
            request,
            _("We sent a link to %(email)s. Open it to confirm your address.")
            % {"email": request.user.email},
        )
    return redirect(next_url or "home")


class LoginView(auth_views.LoginView):
    form_class = LoginForm


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # The reset link came to the address: it is confirmed (and an account someone
        # else opened with it is now its owner's, with the owner's new password).
        actions.user_confirm_email(user=form.user)
        return response
