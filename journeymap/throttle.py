"""Throttles for the forms an attacker can drive without an account: login, password
reset, signup and e-mail confirmation.

Counters live in Django's cache (Redis when REDIS_URL is set, so every process counts
together; one process's memory otherwise). Each rule counts in a window that starts with
its first hit; a login rule that reaches its limit locks for a cool-off of its own.

- Login: failed attempts per account (the address typed) and per client address. After
  LOGIN_FAILURES_PER_ACCOUNT failures the account refuses every password, the right one
  too, for LOGIN_COOLOFF seconds; after LOGIN_FAILURES_PER_ADDRESS failures, the client
  address does. A successful login clears its account's count (not the address's: one
  account that works must not wash out guesses at others).
- Forms that send e-mail (reset, signup, confirmation): ACCOUNT_FORMS_PER_HOUR
  submissions per client address, with a message; and MAILS_PER_ADDRESS_PER_HOUR mails to
  one e-mail address, beyond which the form answers as usual and sends nothing (a flood
  must not fill someone's inbox, and must not learn whether the address has an account).

Why not django-axes: it covers only authenticate() (login and admin login; not reset,
signup or the confirmation mail), adds tables and a backend, and its 8.3 release does not
yet declare Django 6.1. One small module on the cache covers all four with one rule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

HOUR = 3600


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window: int  # seconds


def client_address(request: HttpRequest) -> str:
    """The address the request came from: REMOTE_ADDR, or behind a proxy that appends
    the client's address to X-Forwarded-For (TRUST_X_FORWARDED_FOR=1), its last entry,
    the one the proxy wrote (earlier entries are whatever the client sent)."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.headers.get("x-forwarded-for", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR") or "unknown"


def _key(rule: Rule, subject: str, kind: str = "count") -> str:
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"throttle:{rule.name}:{kind}:{digest}"


def _count(rule: Rule, subject: str) -> int:
    key = _key(rule, subject)
    cache.add(key, 0, rule.window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, rule.window)
        return 1


def hit(rule: Rule, subject: str) -> bool:
    """Count one use; whether it is still within the rule's limit."""
    return _count(rule, subject) <= rule.limit


# Login.


def _login_rules() -> tuple[Rule, Rule]:
    cooloff = settings.LOGIN_COOLOFF
    return (
        Rule("login-account", settings.LOGIN_FAILURES_PER_ACCOUNT, cooloff),
        Rule("login-address", settings.LOGIN_FAILURES_PER_ADDRESS, cooloff),
    )


def _locked(subjects: list[tuple[Rule, str]]) -> bool:
    """Whether any of `subjects` (a rule and what it counts) is locked out now."""
    return any(cache.get(_key(rule, subject, "locked")) for rule, subject in subjects)


def _failed(subjects: list[tuple[Rule, str]]) -> bool:
    """Count a failure against each of `subjects`; lock those that reached their limit
    (for their window) and say whether any did."""
    locked = False
    for rule, subject in subjects:
        if _count(rule, subject) >= rule.limit:
            cache.set(_key(rule, subject, "locked"), True, rule.window)
            cache.delete(_key(rule, subject))
            locked = True
    return locked


def _login_subjects(request: HttpRequest, username: str) -> list[tuple[Rule, str]]:
    account, address = _login_rules()
    return [(account, username or ""), (address, client_address(request))]


def login_locked(request: HttpRequest, username: str) -> bool:
    """Whether a login for `username` from this request must be refused unchecked."""
    return _locked(_login_subjects(request, username))


def login_failed(request: HttpRequest, username: str) -> bool:
    """Count a failed login; whether it locked the account or the address."""
    return _failed(_login_subjects(request, username))


def login_succeeded(request: HttpRequest, username: str) -> None:
    account, _address = _login_rules()
    cache.delete(_key(account, username or ""))


def login_cooloff_minutes() -> int:
    return max(1, -(-settings.LOGIN_COOLOFF // 60))


# Forms that send e-mail.


def account_form_allowed(request: HttpRequest) -> bool:
    """Count one submission of a form that sends mail; False once this address sent too
    many this hour."""
    return hit(Rule("account-form", settings.ACCOUNT_FORMS_PER_HOUR, HOUR), client_address(request))


def mail_allowed(email: str) -> bool:
    """Count one account mail to `email`; False once it had its share this hour."""
    return hit(Rule("mail", settings.MAILS_PER_ADDRESS_PER_HOUR, HOUR), email)


# Passcodes of workshop links (boards.guests).


def _passcode_rules() -> tuple[Rule, Rule]:
    window = settings.SHARE_PASSCODE_WINDOW
    return (
        Rule("passcode-address", settings.SHARE_PASSCODE_FAILURES_PER_ADDRESS, window),
        Rule("passcode-link", settings.SHARE_PASSCODE_FAILURES_PER_LINK, window),
    )


def _passcode_subjects(request: HttpRequest, link_key: str) -> list[tuple[Rule, str]]:
    address, link = _passcode_rules()
    return [(address, f"{link_key}:{client_address(request)}"), (link, link_key)]


def passcode_locked(request: HttpRequest, link_key: str) -> bool:
    """Whether tries at the passcode of the link `link_key` are refused unchecked: too many
    wrong ones from this address (or, against a guessing crowd, from everyone) lately."""
    return _locked(_passcode_subjects(request, link_key))


def passcode_failed(request: HttpRequest, link_key: str) -> bool:
    """Count a wrong passcode; whether it locked the address (or the link)."""
    return _failed(_passcode_subjects(request, link_key))


def passcode_cooloff_minutes() -> int:
    return max(1, -(-settings.SHARE_PASSCODE_WINDOW // 60))


def guest_join_allowed(request: HttpRequest) -> bool:
    """Count one join through a workshop link (each makes a guest account); False once
    this address made SHARE_JOINS_PER_ADDRESS_PER_HOUR this hour. High: a whole room
    behind one office NAT joins at once."""
    return hit(
        Rule("guest-join", settings.SHARE_JOINS_PER_ADDRESS_PER_HOUR, HOUR),
        client_address(request),
    )
