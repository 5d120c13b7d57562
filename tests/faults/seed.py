"""Run in a subprocess against the private database (DATABASE_URL): one organisation, a
board, `count` editors each with a signed-in session. Prints JSON:
{"board": id, "cookies": [...]}. Usage: python -m tests.faults.seed COUNT"""

from __future__ import annotations

import json
import sys

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from journeymap.actions import organisation_create  # noqa: E402
from journeymap.models import Membership, Role, User  # noqa: E402
from tests.factories import make_board  # noqa: E402


def main(count: int) -> None:
    owner = User.objects.create_user(email="owner@faults.test", password=None, name="Owner")
    org = organisation_create(name="Fault drill", creator=owner)
    board = make_board(org, owner, title="Under fire")
    cookies = []
    for index in range(count):
        user = User.objects.create_user(
            email=f"editor{index}@faults.test", password=None, name=f"Editor {index}"
        )
        Membership.objects.create(organisation=org, user=user, role=Role.EDITOR)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    print(json.dumps({"board": str(board.pk), "cookies": cookies}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
