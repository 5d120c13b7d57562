"""Shared fixtures: one organisation with a member of every role, an outsider in another
organisation, and a board with phases, cards and an arrow."""

from __future__ import annotations

import copy
import functools

import pytest
from django.contrib.auth.hashers import get_hasher, make_password
from django.test import Client

from boards.models import Board, CardKind
from journeymap.actions import organisation_create
from journeymap.models import Membership, Organisation, Role, User
from tests.factories import make_arrow, make_board, make_card

PASSWORD = "correct horse battery staple"
ROLES = [Role.OWNER, Role.ADMIN, Role.FACILITATOR, Role.EDITOR, Role.VIEWER]


@pytest.fixture(autouse=True)
def _isolated(request, settings):
    if "browser" in request.node.path.parts:
        return  # the daphne subprocess verifies real password hashes
    # Throttle counters (journeymap.throttle) start afresh in every test, in a cache of
    # its own (never a clear() of a Redis database others may share).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }
    # The fixtures' users get password hashes no test here checks: hash them cheaply.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A channel layer of its own for each test (changing the setting drops the cached
    # one, now and again on restore): channels_redis keeps per-process locks that stay
    # bound to the event loop of an earlier test, and each test has its own loop.
    settings.CHANNEL_LAYERS = copy.deepcopy(settings.CHANNEL_LAYERS)


@functools.cache
def _hashed_password(algorithm: str) -> str:
    """PASSWORD hashed once per hasher and session: a real PBKDF2 hash takes 0.37 s here,
    and the browser tests (whose daphne verifies real hashes) made six users each, 2 s
    of every test's set-up. Every user made here shares this salt; nothing else differs."""
    return make_password(PASSWORD, hasher=algorithm)


def make_user(name: str, email: str | None = None) -> User:
    user = User.objects.create_user(
        email=email or f"{name.lower().replace(' ', '.')}@example.com",
        password=None,
        name=name,
    )
    user.password = _hashed_password(get_hasher().algorithm)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def org(db) -> Organisation:
    owner = make_user("Olivia Owner")
    return organisation_create(name="Acme Marketing", creator=owner)


@pytest.fixture
def members(org) -> dict[str, User]:
    """role -> user, every role in `org`."""
    result = {Role.OWNER.value: org.memberships.get(role=Role.OWNER).user}
    for role in ROLES[1:]:
        user = make_user(f"{role.label} Person", f"{role.value}@example.com")
        Membership.objects.create(organisation=org, user=user, role=role)
        result[role.value] = user
    return result


@pytest.fixture
def outsider(db) -> User:
    """Owner of another organisation: authenticated, but no member of `org`."""
    user = make_user("Oscar Outsider")
    organisation_create(name="Other Corp", creator=user)
    return user


@pytest.fixture
def board(org, members) -> Board:
    owner = members["owner"]
    board = make_board(org, owner, title="Webshop lifecycle")
    phases = list(board.phases.order_by("position"))
    first = make_card(
        board, kind=CardKind.TOUCHPOINT, phase=phases[0], text="Instagram ad", author=owner
    )
    second = make_card(
        board, kind=CardKind.ACTIVITY, phase=phases[1], x=420, text="Welcome e-mail", author=owner
    )
    make_arrow(board, first, second, label="40%", author=owner)
    return board


@pytest.fixture
async def sockets(transactional_db):
    """The WebSocket test clients a test opens (tests.ws.Sockets), all closed afterwards."""
    from tests.ws import Sockets

    opened = Sockets()
    yield opened
    await opened.close_all()


@pytest.fixture
def client_for(members, outsider):
    """client_for("editor") -> a logged-in test client; "outsider" and "anonymous" too."""

    def make(who: str) -> Client:
        client = Client()
        if who == "anonymous":
            return client
        user = outsider if who == "outsider" else members[who]
        client.force_login(user)
        return client

    return make


def pytest_collection_modifyitems(config, items):
    # Browser tests last: once sync Playwright runs an event loop in this process,
    # pytest-asyncio cannot start another.
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))
