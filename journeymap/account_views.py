"""Signing in and getting back in: the login and password-reset pages, throttled
(journeymap.throttle), on Django's own views."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from journeymap.forms import LoginForm, ThrottledPasswordResetForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}
