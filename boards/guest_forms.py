"""The forms of guests (boards.guests): joining through a workshop link, and making an
account of a guest session."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from journeymap.models import validate_single_line

NAME_MAX = 60


class GuestJoinForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
        help_text=_("Everyone on the board sees it next to your cards and your pointer."),
        error_messages={"required": _("Type the name others will see.")},
    )
    passcode = forms.CharField(
        label=_("Passcode"),
        required=False,
        max_length=64,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, asks_passcode: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not asks_passcode:
            del self.fields["passcode"]
        else:
            self.fields["passcode"].required = True
            self.fields["passcode"].error_messages["required"] = _(
                "Type the passcode the facilitator gave you."
            )


class GuestAccountForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
