from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from journeymap import throttle
from journeymap.locale import time_zone_choices
from journeymap.models import Organisation, Role, User, validate_single_line

INVITABLE_ROLES = [(value, label) for value, label in Role.choices if value != Role.OWNER]


class SignupForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("name", "email")
        labels = {"name": _("Your name"), "email": _("E-mail address")}

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self) -> None:
        # Whether the address has an account is not this form's to tell (it would tell
        # anyone who asks): the signup view answers the same either way. The user's only
        # constraint is the address's uniqueness, checked by actions.account_signup.
        pass

    def validate_constraints(self) -> None:
        pass


TOO_MANY_REQUESTS = _(
    "Too many requests from your network in the last hour. Please try again later."
)


class ThrottledLoginMixin:
    """Login refused unchecked while its account or address is locked (journeymap.throttle):
    the right password too, so guessing on learns nothing."""

    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if throttle.login_locked(self.request, username):
            raise self._throttled()
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if throttle.login_failed(self.request, username):
                raise self._throttled() from error
            raise
        throttle.login_succeeded(self.request, username)
        return cleaned

    def _throttled(self) -> ValidationError:
        self.throttled = True
        minutes = throttle.login_cooloff_minutes()
        return ValidationError(
            ngettext(
                "Too many failed attempts to log in. For your security, logging in is paused "
                "for %(minutes)d minute. Please try again then.",
                "Too many failed attempts to log in. For your security, logging in is paused "
                "for %(minutes)d minutes. Please try again then.",
                minutes,
            )
            % {"minutes": minutes},
            code="throttled",
        )


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class ThrottledPasswordResetForm(PasswordResetForm):
    """At most ACCOUNT_FORMS_PER_HOUR requests from one network, and at most
    MAILS_PER_ADDRESS_PER_HOUR mails to one address: past that the page answers as
    always (nobody learns whether the address has an account) and sends nothing."""

    def __init__(self, *args, request=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        cleaned = super().clean()
        if self.request is not None and not throttle.account_form_allowed(self.request):
            raise ValidationError(TOO_MANY_REQUESTS, code="throttled")
        return cleaned

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        if throttle.mail_allowed(to_email):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ("name",)
        labels = {"name": _("Organisation name")}
        # The field strips whitespace before clean_name runs, so a blank name only ever
        # reaches the "required" check: give it the same readable message.
        error_messages = {"name": {"required": _("Give the organisation a name.")}}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the organisation a name."))
        return name


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Leave empty to create a link you can copy and share."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=INVITABLE_ROLES, initial=Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class SharingForm(forms.Form):
    allow_exports = forms.BooleanField(
        label=_("Members may export boards (SVG, PNG, PDF, JSON, CSV)"), required=False
    )
    allow_share_links = forms.BooleanField(
        label=_("Facilitators may share read-only links with people outside"), required=False
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The browser's language")), *settings.LANGUAGES],
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Times on boards, versions, invites and exports are shown in it."),
        choices=[],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [
            ("", _("The browser's time zone")),
            *time_zone_choices(),
        ]


class OrganisationLocaleForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_(
            "For invites, e-mails to people without an account and automatic version names."
        ),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[],
        help_text=_(
            "For automatic version names and for times shown before a browser tells its own."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()


class InviteSignupForm(forms.Form):
    """The one page of an e-mail invite for someone without an account: a name and a
    password; the address is the invite's."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        validate_single_line(name)
        return name

    def clean_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data["password"]
        validate_password(password, User(email=self.email, name=self.data.get("name", "")))
        return password
