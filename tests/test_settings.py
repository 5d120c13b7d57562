"""Settings fail loudly on a bad environment, production settings pass Django's deploy
checks, and the demo seed can run any number of times."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from boards.models import Arrow, Board, Card
from journeymap.models import Membership, Organisation, User
from journeymap.settings import env_bool, env_int, env_list, env_str

PROJECT = Path(__file__).resolve().parent.parent
VAR = "JOURNEYMAP_TEST_VARIABLE"

# Variables that would change what the subprocess checks; each test sets its own.
PRODUCTION_VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "TRUST_X_FORWARDED_PROTO",
    "EMAIL_HOST",
    "DJANGO_SETTINGS_MODULE",
]


# The typed helpers


@pytest.mark.parametrize("value", ["maybe", "2", "yes please", "tru"])
def test_it_refuses_a_value_that_is_not_a_boolean(value, monkeypatch):
    monkeypatch.setenv(VAR, value)

    with pytest.raises(ImproperlyConfigured, match=f"{VAR}=.* is not a boolean"):
        env_bool(VAR, default=False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("off", False)],
)
def test_it_reads_a_boolean(value, expected, monkeypatch):
    monkeypatch.setenv(VAR, value)

    assert env_bool(VAR, default=not expected) is expected


def test_it_uses_the_default_for_an_unset_or_empty_boolean(monkeypatch):
    monkeypatch.delenv(VAR, raising=False)
    assert env_bool(VAR, default=True) is True
    monkeypatch.setenv(VAR, "")
    assert env_bool(VAR, default=False) is False


@pytest.mark.parametrize("value", ["ten", "1.5", "12abc", "0x10"])
def test_it_refuses_a_value_that_is_not_a_whole_number(value, monkeypatch):
    monkeypatch.setenv(VAR, value)

    with pytest.raises(ImproperlyConfigured, match=f"{VAR}=.* is not a whole number"):
        env_int(VAR, 5)


def test_it_refuses_a_number_below_the_minimum(monkeypatch):
    monkeypatch.setenv(VAR, "3")

    with pytest.raises(ImproperlyConfigured, match=f"{VAR}=3 is below the minimum of 10"):
        env_int(VAR, 100, minimum=10)


def test_it_reads_a_whole_number(monkeypatch):
    monkeypatch.setenv(VAR, "42")
    assert env_int(VAR, 5) == 42
    monkeypatch.delenv(VAR)
    assert env_int(VAR, 5) == 5


def test_it_refuses_a_missing_required_string(monkeypatch):
    monkeypatch.delenv(VAR, raising=False)
    with pytest.raises(ImproperlyConfigured, match=f"{VAR} must be set"):
        env_str(VAR)

    monkeypatch.setenv(VAR, "")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR} must be set"):
        env_str(VAR)


def test_it_reads_a_string_or_its_default(monkeypatch):
    monkeypatch.delenv(VAR, raising=False)
    assert env_str(VAR, "fallback") == "fallback"
    monkeypatch.setenv(VAR, "value")
    assert env_str(VAR, "fallback") == "value"


def test_it_reads_a_comma_separated_list(monkeypatch):
    monkeypatch.setenv(VAR, " a.example.com , b.example.com,, ")
    assert env_list(VAR, ["default"]) == ["a.example.com", "b.example.com"]

    monkeypatch.setenv(VAR, "  ")
    assert env_list(VAR, ["default"]) == ["default"]


# Starting with a production environment


def _run_manage(*args: str, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_VARIABLES}
    env.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _random_secret(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "journeymap.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://journeymap.example.com",
    # Invites go out by e-mail: without a mail server the deploy check rightly fails
    # (mail.E001, the console backend).
    "EMAIL_HOST": "smtp.journeymap.example.com",
}


def test_it_passes_the_deploy_checks_in_production():
    result = _run_manage(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=_random_secret(), **PRODUCTION
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = _run_manage("check", **PRODUCTION)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_to_start_in_production_with_a_short_secret_key():
    result = _run_manage("check", SECRET_KEY="too-short", **PRODUCTION)

    assert result.returncode != 0
    assert "SECRET_KEY must be a random value of at least 50 characters." in result.stderr


def test_it_refuses_to_start_in_production_for_any_host():
    result = _run_manage(
        "check", SECRET_KEY=_random_secret(), **{**PRODUCTION, "ALLOWED_HOSTS": "*"}
    )

    assert result.returncode != 0
    assert "ALLOWED_HOSTS may not contain '*' in production." in result.stderr


def test_it_refuses_to_start_with_a_malformed_boolean():
    result = _run_manage("check", DEBUG="sometimes")

    assert result.returncode != 0
    assert "DEBUG='sometimes' is not a boolean" in result.stderr


# The demo seed


def _seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def test_it_seeds_the_demo_once_however_often_it_runs(db):
    _seed()
    first = (Card.objects.count(), Arrow.objects.count())
    _seed()

    assert User.objects.count() == 1
    assert Organisation.objects.count() == 1
    assert Board.objects.count() == 1
    assert Membership.objects.count() == 1
    assert (Card.objects.count(), Arrow.objects.count()) == first
    assert first[0] > 0
    assert first[1] > 0


def test_it_lets_the_demo_user_log_in(db, client):
    _seed()

    assert client.login(username="demo@journeymap.local", password="journeymap-demo")
    board = Board.objects.get()
    assert client.get(f"/boards/{board.id}/").status_code == 200
