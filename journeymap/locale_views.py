"""Language and time zone: the switcher on every page, a person's preferences and an
organisation's defaults (journeymap/locale.py decides what applies)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from journeymap import actions
from journeymap.access import Can, get_organisation_for_user
from journeymap.forms import LanguageForm, OrganisationLocaleForm, PreferencesForm


@login_required
@require_POST
def organisation_locale_update(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation, _membership = get_organisation_for_user(
        request.user, organisation_id, Can.RENAME_ORGANISATION
    )
    form = OrganisationLocaleForm(request.POST)
    if form.is_valid():
        actions.organisation_set_locale(
            organisation=organisation,
            language=form.cleaned_data["language"],
            time_zone=form.cleaned_data["time_zone"],
        )
        messages.success(request, _("Language and time zone saved."))
    else:
        messages.error(request, _("Choose a language and a time zone from the lists."))
    return redirect("organisation_settings", organisation_id=organisation.id)


def _back(request: HttpRequest, url: str = "") -> str:
    """Where the person came from (`next`, else the page the form was on), if it is ours."""
    for candidate in (url, request.headers.get("referer", "")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, {request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return reverse("home")


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The switcher on every page: remembered in a cookie, and in the profile of a person
    who is logged in."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a language from the list."))
        return redirect(_back(request))
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        actions.user_set_language(user=request.user, language=language)
    response = redirect(_back(request, form.cleaned_data["next"]))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PreferencesForm(
        request.POST or None, initial={"language": user.language, "time_zone": user.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        actions.user_set_preferences(
            user=user,
            language=form.cleaned_data["language"],
            time_zone=form.cleaned_data["time_zone"],
        )
        if user.language:
            translation.activate(user.language)
        messages.success(request, _("Your preferences are saved."))
        response = redirect("preferences")
        if user.language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                samesite="Lax",
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=request.is_secure(),
            )
        return response
    return render(request, "journeymap/preferences.html", {"form": form})
