"""Whose language and whose clock: the one place that decides, for a page, a socket, an
e-mail or a scheduled job.

- A person's own choice (their profile) wins; else what their browser says (the
  language cookie set by the switcher, then Accept-Language; the `tz` cookie that
  static/js/page/timezone.js sets from the browser's clock).
- Where no person is there to ask (invites to someone without an account, automatic
  version names, jobs run by cron), the organisation's language and time zone.
"""

from __future__ import annotations

import contextlib
import zoneinfo
from collections.abc import Iterator
from functools import cache
from http.cookies import SimpleCookie
from urllib.parse import unquote

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import trans_real

TIME_ZONE_COOKIE = "tz"


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


def valid_language(code: str | None) -> str | None:
    """`code` if it is one of the site's languages (or a variant of one), else None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def valid_time_zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name or name not in time_zone_names():
        return None
    return zoneinfo.ZoneInfo(name)


def language_for_request(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and valid_language(user.language):
        return valid_language(user.language)
    return translation.get_language_from_request(request)


def time_zone_for_request(request) -> zoneinfo.ZoneInfo | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        own = valid_time_zone(user.time_zone)
        if own is not None:
            return own
    # timezone.js writes the zone URL-encoded ("Europe%2FStockholm"); Django does not
    # decode cookies.
    return valid_time_zone(unquote(request.COOKIES.get(TIME_ZONE_COOKIE, "")))


def language_for_scope(scope: dict, user=None) -> str:
    """The language of a WebSocket's person: their profile's, else their browser's (the
    switcher's cookie, then the handshake's Accept-Language)."""
    if user is not None and getattr(user, "is_authenticated", False):
        own = valid_language(user.language)
        if own:
            return own
    headers = dict(scope.get("headers") or [])
    cookies = SimpleCookie()
    with contextlib.suppress(Exception):
        cookies.load(headers.get(b"cookie", b"").decode("latin-1"))
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen is not None and valid_language(chosen.value):
        return valid_language(chosen.value)
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    for code, _quality in trans_real.parse_accept_lang_header(accept):
        found = valid_language(code)
        if found:
            return found
    return settings.LANGUAGE_CODE


@contextlib.contextmanager
def organisation_locale(organisation) -> Iterator[None]:
    """Write in the organisation's language and tell time by its clock."""
    zone = valid_time_zone(organisation.time_zone) or zoneinfo.ZoneInfo(settings.TIME_ZONE)
    language = valid_language(organisation.language) or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(zone):
        yield


class LocaleMiddleware:
    """After authentication: the person's own language and time zone for this request
    (Django's LocaleMiddleware, before it, has already applied the browser's language)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        language = language_for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        zone = time_zone_for_request(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        return self.get_response(request)
