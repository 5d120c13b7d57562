"""The Content-Security-Policy (journeymap/settings.py SECURE_CSP): every page carries it,
and no template needs what it refuses (inline scripts, inline handlers, inline styles)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_it_sends_the_policy_on_a_board_page(board, client_for):
    response = client_for("editor").get(reverse("board_detail", args=[board.id]))

    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_it_sends_the_policy_to_someone_signed_out(db, client):
    response = client.get(reverse("login"))

    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path", TEMPLATES, ids=lambda path: str(path.relative_to(settings.BASE_DIR))
)
def test_no_template_needs_inline_code_or_style(path):
    text = path.read_text()

    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert not re.search(r"\sstyle\s*=", text), "inline style attribute"
    assert "<style" not in text
    for tag, body in re.findall(r"(<script\b[^>]*>)(.*?)</script>", text, flags=re.S):
        # A script from a file, or data (json_script, application/json) that never runs.
        assert "src=" in tag or "application/json" in tag or not body.strip(), tag
