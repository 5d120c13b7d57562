"""Proving that a person reads their e-mail address: the confirmation link, and the mails
signup sends (a confirmation to a new address, a notice to the owner of one that has an
account, so that signup never tells whether an address is registered)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from journeymap import mail, throttle
from journeymap.models import User


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Valid for PASSWORD_RESET_TIMEOUT, for this address, until it is confirmed: it
    works once, and not for an address changed since."""

    key_salt = "journeymap.verification.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.email_verified}{user.password}{timestamp}"


confirmation_tokens = EmailConfirmationTokenGenerator()


def confirmation_path(user: User, next_url: str = "") -> str:
    path = reverse(
        "email_confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), confirmation_tokens.make_token(user)],
    )
    return f"{path}?{urlencode({'next': next_url})}" if next_url else path


def _language(user: User) -> str:
    return user.language or translation.get_language() or settings.LANGUAGE_CODE


def send_confirmation(request: HttpRequest, user: User, next_url: str = "") -> None:
    """Mail `user` a link that confirms their address (at most MAILS_PER_ADDRESS_PER_HOUR
    an hour: more are dropped without a word, as a flood's would be)."""
    if not throttle.mail_allowed(user.email):
        return
    link = request.build_absolute_uri(confirmation_path(user, next_url))
    with translation.override(_language(user)):
        mail.send(
            subject=_("Confirm your e-mail address for Journeymap"),
            body=_(
                "Hello %(name)s,\n\nOpen this link to confirm your e-mail address and "
                "continue to Journeymap:\n\n%(link)s\n\nThe link works once, for %(days)s "
                "days. If you did not sign up for Journeymap, you can ignore this e-mail."
            )
            % {
                "name": user.name,
                "link": link,
                "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
            },
            to=user.email,
        )


def send_signup_notice(request: HttpRequest, user: User) -> None:
    """Tell the owner of an address that someone tried to sign up with it."""
    if not throttle.mail_allowed(user.email):
        return
    with translation.override(_language(user)):
        mail.send(
            subject=_("Someone tried to sign up with your e-mail address"),
            body=_(
                "Hello %(name)s,\n\nSomeone, perhaps you, tried to create a Journeymap "
                "account with this e-mail address. You already have one.\n\nLog in: "
                "%(login)s\n\nForgot your password? Choose a new one: %(reset)s\n\nIf it "
                "was not you, nothing has changed and you can ignore this e-mail."
            )
            % {
                "name": user.name,
                "login": request.build_absolute_uri(reverse("login")),
                "reset": request.build_absolute_uri(reverse("password_reset")),
            },
            to=user.email,
        )
