"""Small helpers shared by the server-side tests (fixtures live in conftest.py)."""

from __future__ import annotations

import html

from django.http import HttpResponse


def page_text(response: HttpResponse) -> str:
    """The response body as a person reads it: HTML entities decoded (`&#x27;` → `'`)."""
    return html.unescape(response.content.decode())
