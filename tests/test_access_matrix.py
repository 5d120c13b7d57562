"""Every page and action, for every kind of visitor, with the status each must get.

The expected tables are written out by hand on purpose: they restate the rules in
journeymap/access.py instead of deriving from it, so a change there that loosens or
tightens a capability fails here.

- anonymous → 302 to the login page
- outsider (member of another organisation only) → 404, never revealing that it exists
- member whose role is too low → 403
- allowed → 200 for a page, 302 for an action that succeeded (and the database changed)
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from boards.models import Board, Card, ShareLink, Snapshot
from journeymap.actions import invite_create
from journeymap.models import Invite, Membership, Organisation, Role, User

VISITORS = ["owner", "admin", "facilitator", "editor", "viewer", "outsider", "anonymous"]


@dataclass
class World:
    org: Organisation
    members: dict[str, User]
    board: Board
    invite: Invite

    def membership(self, role: str) -> Membership:
        return Membership.objects.get(organisation=self.org, user=self.members[role])


@dataclass(frozen=True)
class Case:
    view: str
    method: str
    expected: dict[str, int]
    url: Callable[[World], str]
    data: Callable[[World, str], dict] = lambda world, who: {}
    # Whether the database shows the action's effect after the request.
    took_effect: Callable[[World, str], bool] | None = None
    # Visitors whose request should take effect; by default those answered with 302
    # other than anonymous.
    effect_for: frozenset[str] | None = None
    # False for a page open to everyone, whose 302 for anonymous is not the login page.
    login_required: bool = True

    @property
    def id(self) -> str:
        return f"{self.method} {self.view}"


def _org_url(name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[world.org.id])


def _board_url(name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[world.board.id])


# The outline and the side panel (boards/panels.py): every member reads, editors write.
MEMBERS_SEE = {
    "owner": 200,
    "admin": 200,
    "facilitator": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anonymous": 302,
}
EDITORS_CHANGE = {
    "owner": 302,
    "admin": 302,
    "facilitator": 302,
    "editor": 302,
    "viewer": 403,
    "outsider": 404,
    "anonymous": 302,
}


def _card_panel_url(world: World) -> str:
    card = Card.objects.get(board=world.board, text__in=["Instagram ad", "Changed"])
    return reverse("panel_card", args=[world.board.id, card.id])


# Making and revoking share links: facilitators and above.
SHARERS = {
    "owner": 200,
    "admin": 200,
    "facilitator": 200,
    "editor": 403,
    "viewer": 403,
    "outsider": 404,
    "anonymous": 302,
}


def _share_link(world: World):
    from boards.sharing import share_link_create

    existing = ShareLink.objects.filter(board=world.board).first()
    return existing or share_link_create(
        board=world.board, actor=world.members["owner"], label="Agency", days=None
    )


def _snapshot(world: World):
    from boards.snapshots import snapshot_create

    existing = Snapshot.objects.filter(board=world.board).first()
    return existing or snapshot_create(
        board=world.board, name="Kick-off", actor=world.members["owner"]
    )


def _phase_panel_url(world: World) -> str:
    phase = world.board.phases.order_by("position").first()
    return reverse("panel_phase", args=[world.board.id, phase.id])


def _board_file(world: World, who: str) -> dict:
    """The board exported as a board file, uploaded to the import page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from boards.exports.build import export_board

    content = export_board(world.board, "json").content
    return {"file": SimpleUploadedFile("board.json", content, "application/json")}


CASES = [
    Case(
        view="home",
        method="GET",
        # Everyone signed in is sent on to an organisation (or to create one).
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 302,
            "editor": 302,
            "viewer": 302,
            "outsider": 302,
            "anonymous": 302,
        },
        url=lambda world: reverse("home"),
    ),
    Case(
        view="signup",
        method="GET",
        # Signed-in people have an account already and are sent home.
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 302,
            "editor": 302,
            "viewer": 302,
            "outsider": 302,
            "anonymous": 200,
        },
        url=lambda world: reverse("signup"),
    ),
    Case(
        view="organisation_create",
        method="GET",
        expected={
            "owner": 200,
            "admin": 200,
            "facilitator": 200,
            "editor": 200,
            "viewer": 200,
            "outsider": 200,
            "anonymous": 302,
        },
        url=lambda world: reverse("organisation_create"),
    ),
    Case(
        view="organisation_create",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 302,
            "editor": 302,
            "viewer": 302,
            "outsider": 302,
            "anonymous": 302,
        },
        url=lambda world: reverse("organisation_create"),
        data=lambda world, who: {"name": f"Founded by {who}"},
        took_effect=lambda world, who: Organisation.objects.filter(
            name=f"Founded by {who}"
        ).exists(),
    ),
    Case(
        view="organisation_settings",
        method="GET",
        expected={
            "owner": 200,
            "admin": 200,
            "facilitator": 403,
            "editor": 403,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_org_url("organisation_settings"),
    ),
    Case(
        view="organisation_settings",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 403,
            "editor": 403,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_org_url("organisation_settings"),
        data=lambda world, who: {"name": "Renamed Org"},
        took_effect=lambda world, who: (
            Organisation.objects.get(pk=world.org.pk).name == "Renamed Org"
        ),
    ),
    Case(
        view="member_list",
        method="GET",
        expected={
            "owner": 200,
            "admin": 200,
            "facilitator": 200,
            "editor": 200,
            "viewer": 200,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_org_url("member_list"),
    ),
    Case(
        view="member_change_role",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 403,
            "editor": 403,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=lambda world: reverse(
            "member_change_role", args=[world.org.id, world.membership("viewer").id]
        ),
        data=lambda world, who: {"role": Role.EDITOR},
        took_effect=lambda world, who: world.membership("viewer").role == Role.EDITOR,
    ),
    Case(
        view="member_remove",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 403,
            "editor": 403,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=lambda world: reverse(
            "member_remove", args=[world.org.id, world.membership("viewer").id]
        ),
        took_effect=lambda world, who: (
            not Membership.objects.filter(
                organisation=world.org, user=world.members["viewer"]
            ).exists()
        ),
    ),
    Case(
        view="organisation_leave",
        method="POST",
        # The owner is the only owner: the request is answered, but refused (see
        # test_memberships for the message).
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 302,
            "editor": 302,
            "viewer": 302,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_org_url("organisation_leave"),
        took_effect=lambda world, who: world.org.memberships.count() < 5,
        effect_for=frozenset({"admin", "facilitator", "editor", "viewer"}),
    ),
    Case(
        view="invite_create",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 403,
            "editor": 403,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_org_url("invite_create"),
        data=lambda world, who: {"email": "matrix@example.com", "role": Role.EDITOR},
        took_effect=lambda world, who: Invite.objects.filter(email="matrix@example.com").exists(),
    ),
    Case(
        view="invite_revoke",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 403,
            "editor": 403,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=lambda world: reverse("invite_revoke", args=[world.org.id, world.invite.id]),
        took_effect=lambda world, who: Invite.objects.get(pk=world.invite.pk).revoked is not None,
    ),
    Case(
        view="invite_accept",
        method="GET",
        # The token is the capability: whoever holds the link may see whom it invites.
        expected={
            "owner": 200,
            "admin": 200,
            "facilitator": 200,
            "editor": 200,
            "viewer": 200,
            "outsider": 200,
            "anonymous": 200,
        },
        url=lambda world: reverse("invite_accept", args=[world.invite.token]),
    ),
    Case(
        view="board_list",
        method="GET",
        expected={
            "owner": 200,
            "admin": 200,
            "facilitator": 200,
            "editor": 200,
            "viewer": 200,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_org_url("board_list"),
    ),
    Case(
        view="board_create",
        method="GET",
        expected={
            "owner": 200,
            "admin": 200,
            "facilitator": 200,
            "editor": 200,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_org_url("board_create"),
    ),
    Case(
        view="board_create",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 302,
            "editor": 302,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_org_url("board_create"),
        data=lambda world, who: {"title": "Matrix board", "framework": "race"},
        took_effect=lambda world, who: Board.objects.filter(
            organisation=world.org, title="Matrix board"
        ).exists(),
    ),
    Case(
        view="board_detail",
        method="GET",
        expected={
            "owner": 200,
            "admin": 200,
            "facilitator": 200,
            "editor": 200,
            "viewer": 200,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_board_url("board_detail"),
    ),
    Case(
        view="board_rename",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 302,
            "editor": 302,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_board_url("board_rename"),
        data=lambda world, who: {"title": "Renamed board"},
        took_effect=lambda world, who: (
            Board.objects.get(pk=world.board.pk).title == "Renamed board"
        ),
    ),
    Case(
        view="board_outline",
        method="GET",
        expected=MEMBERS_SEE,
        url=_board_url("board_outline"),
    ),
    Case(
        view="panel_card",
        method="GET",
        expected=MEMBERS_SEE,
        url=_card_panel_url,
    ),
    Case(
        view="panel_card",
        method="POST",
        expected=EDITORS_CHANGE,
        url=_card_panel_url,
        data=lambda world, who: {"kind": "note", "channel": "", "text": "Changed", "colour": ""},
        took_effect=lambda world, who: Card.objects.filter(
            board=world.board, kind="note", text="Changed"
        ).exists(),
    ),
    Case(
        view="panel_board",
        method="GET",
        expected=MEMBERS_SEE,
        url=_board_url("panel_board"),
    ),
    Case(
        view="panel_board",
        method="POST",
        expected=EDITORS_CHANGE,
        url=_board_url("panel_board"),
        data=lambda world, who: {"title": "Renamed in the panel"},
        took_effect=lambda world, who: (
            Board.objects.get(pk=world.board.pk).title == "Renamed in the panel"
        ),
    ),
    Case(
        view="panel_gaps",
        method="GET",
        expected=MEMBERS_SEE,
        url=_board_url("panel_gaps"),
    ),
    Case(
        view="board_gaps_json",
        method="GET",
        expected=MEMBERS_SEE,
        url=_board_url("board_gaps_json"),
    ),
    Case(
        view="panel_strategy",
        method="GET",
        expected=MEMBERS_SEE,
        url=_board_url("panel_strategy"),
    ),
    Case(
        view="panel_phase",
        method="GET",
        expected=MEMBERS_SEE,
        url=_phase_panel_url,
    ),
    Case(
        view="panel_phase",
        method="POST",
        expected=EDITORS_CHANGE,
        url=_phase_panel_url,
        data=lambda world, who: {
            "kpi-TOTAL_FORMS": "1",
            "kpi-INITIAL_FORMS": "0",
            "kpi-0-name": "Website traffic",
            "kpi-0-value": "1200",
            "kpi-0-target": "2000",
            "kpi-0-unit": "visits",
        },
        took_effect=lambda world, who: (
            world.board.phases.order_by("position").first().kpis
            == [{"name": "Website traffic", "value": 1200.0, "target": 2000.0, "unit": "visits"}]
        ),
    ),
    Case(
        view="board_versions",
        method="GET",
        expected=MEMBERS_SEE,
        url=_board_url("board_versions"),
    ),
    Case(
        view="board_versions",
        method="POST",
        expected=EDITORS_CHANGE,
        url=_board_url("board_versions"),
        data=lambda world, who: {"name": f"Saved by {who}"},
        took_effect=lambda world, who: Snapshot.objects.filter(name=f"Saved by {who}").exists(),
    ),
    Case(
        view="snapshot_detail",
        method="GET",
        expected=MEMBERS_SEE,
        url=lambda world: reverse("snapshot_detail", args=[world.board.id, _snapshot(world).id]),
    ),
    Case(
        view="snapshot_restore",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 302,
            "editor": 403,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=lambda world: reverse("snapshot_restore", args=[world.board.id, _snapshot(world).id]),
        took_effect=lambda world, who: Board.objects.get(pk=world.board.pk).epoch == 2,
    ),
    Case(
        view="board_sharing",
        method="GET",
        expected=SHARERS,
        url=_board_url("board_sharing"),
    ),
    Case(
        view="board_sharing",
        method="POST",
        expected={**SHARERS, "owner": 302, "admin": 302, "facilitator": 302},
        url=_board_url("board_sharing"),
        data=lambda world, who: {"label": f"For {who}", "live": "on", "expires_in": ""},
        took_effect=lambda world, who: ShareLink.objects.filter(label=f"For {who}").exists(),
    ),
    Case(
        view="share_revoke",
        method="POST",
        expected={**SHARERS, "owner": 302, "admin": 302, "facilitator": 302},
        url=lambda world: reverse("share_revoke", args=[world.board.id, _share_link(world).id]),
        took_effect=lambda world, who: ShareLink.objects.filter(revoked__isnull=False).exists(),
    ),
    # Anyone holding the link, logged in or not, member or not.
    Case(
        view="shared_board",
        method="GET",
        expected=dict.fromkeys(VISITORS, 200),
        url=lambda world: reverse("shared_board", args=[_share_link(world).token]),
    ),
    Case(
        view="shared_gaps_json",
        method="GET",
        expected=dict.fromkeys(VISITORS, 200),
        url=lambda world: reverse("shared_gaps_json", args=[_share_link(world).token]),
    ),
    Case(
        view="organisation_sharing",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 403,
            "editor": 403,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_org_url("organisation_sharing"),
        data=lambda world, who: {"allow_share_links": "on"},
        took_effect=lambda world, who: not Organisation.objects.get(pk=world.org.pk).allow_exports,
    ),
    Case(
        view="organisation_locale",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 403,
            "editor": 403,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_org_url("organisation_locale"),
        data=lambda world, who: {"language": "sv", "time_zone": "Europe/Stockholm"},
        took_effect=lambda world, who: Organisation.objects.get(pk=world.org.pk).language == "sv",
    ),
    Case(
        view="preferences",
        method="GET",
        expected={**dict.fromkeys(VISITORS, 200), "anonymous": 302},
        url=lambda world: reverse("preferences"),
    ),
    Case(
        view="language_set",
        method="POST",
        expected=dict.fromkeys(VISITORS, 302),
        url=lambda world: reverse("language_set"),
        data=lambda world, who: {"language": "de"},
        # Everyone may switch; a person logged in keeps the choice in their profile.
        took_effect=lambda world, who: (
            who != "anonymous"
            and User.objects.get(
                email=(
                    world.members[who].email
                    if who in world.members
                    else "oscar.outsider@example.com"
                )
            ).language
            == "de"
        ),
        effect_for=frozenset(v for v in VISITORS if v != "anonymous"),
        login_required=False,
    ),
    Case(
        view="panel_people",
        method="GET",
        expected=MEMBERS_SEE,
        url=_board_url("panel_people"),
    ),
    Case(
        view="board_archive",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 302,
            "editor": 403,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_board_url("board_archive"),
        data=lambda world, who: {"archived": "1"},
        took_effect=lambda world, who: Board.objects.get(pk=world.board.pk).archived,
    ),
    Case(
        view="board_delete",
        method="GET",
        expected={
            "owner": 200,
            "admin": 200,
            "facilitator": 403,
            "editor": 403,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_board_url("board_delete"),
    ),
    Case(
        view="board_delete",
        method="POST",
        expected={
            "owner": 302,
            "admin": 302,
            "facilitator": 403,
            "editor": 403,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_board_url("board_delete"),
        data=lambda world, who: {"confirm_title": "Webshop lifecycle"},
        took_effect=lambda world, who: not Board.objects.filter(pk=world.board.pk).exists(),
    ),
    # Exports and imports (boards/export_views.py): every member downloads; those who may
    # create boards import.
    Case(
        view="board_export",
        method="GET",
        expected=MEMBERS_SEE,
        url=lambda world: reverse("board_export", args=[world.board.id, "json"]),
    ),
    Case(
        view="board_import",
        method="GET",
        expected={
            "owner": 200,
            "admin": 200,
            "facilitator": 200,
            "editor": 200,
            "viewer": 403,
            "outsider": 404,
            "anonymous": 302,
        },
        url=_org_url("board_import"),
    ),
    Case(
        view="board_import",
        method="POST",
        expected=EDITORS_CHANGE,
        url=_org_url("board_import"),
        data=_board_file,
        took_effect=lambda world, who: (
            Board.objects.filter(organisation=world.org, title="Webshop lifecycle").count() == 2
        ),
    ),
]


def _without_csrf_token(response) -> str:
    # The masked token differs on every page; everything else must be the same.
    return re.sub(r"[A-Za-z0-9]{64}", "<csrf>", response.content.decode())


@pytest.fixture
def world(org, members, board) -> World:
    invite = invite_create(
        organisation=org, role=Role.VIEWER, created_by=members["owner"], email="later@example.com"
    )
    return World(org=org, members=members, board=board, invite=invite)


def test_it_lists_every_visitor_for_every_case():
    for case in CASES:
        assert set(case.expected) == set(VISITORS), case.id


def test_it_covers_every_named_view_of_the_app():
    from boards import urls as board_urls
    from journeymap import urls as app_urls

    patterns = app_urls.urlpatterns + board_urls.urlpatterns
    # Django's own auth and admin views are included, not ours: their names are not here.
    named = {name for p in patterns if (name := getattr(p, "name", None))}
    assert named <= {case.view for case in CASES}


@pytest.mark.parametrize("who", VISITORS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_it_answers_each_visitor_as_the_rules_say(case: Case, who: str, world, client_for):
    client = client_for(who)
    url = case.url(world)

    data = case.data(world, who)
    response = client.get(url) if case.method == "GET" else client.post(url, data)

    expected = case.expected[who]
    assert response.status_code == expected, f"{case.id} as {who}"

    login_url = reverse("login")
    if who == "anonymous" and expected == 302 and case.login_required:
        assert response["Location"].startswith(f"{login_url}?next=")
    elif expected == 302:
        assert not response["Location"].startswith(login_url)

    if case.took_effect is not None:
        if case.effect_for is not None:
            should_change = who in case.effect_for
        else:
            should_change = expected == 302 and who != "anonymous"
        assert case.took_effect(world, who) is should_change, f"{case.id} as {who}"


def test_it_answers_an_outsider_as_if_the_board_did_not_exist(board, client_for):
    client = client_for("outsider")

    existing = client.get(reverse("board_detail", args=[board.id]))
    missing = client.get(reverse("board_detail", args=[uuid.uuid4()]))

    assert existing.status_code == missing.status_code == 404
    assert _without_csrf_token(existing) == _without_csrf_token(missing)


def test_it_answers_an_outsider_as_if_the_organisation_did_not_exist(org, client_for):
    client = client_for("outsider")

    existing = client.get(reverse("board_list", args=[org.id]))
    missing = client.get(reverse("board_list", args=[org.id + 10_000]))

    assert existing.status_code == missing.status_code == 404
    assert _without_csrf_token(existing) == _without_csrf_token(missing)


@pytest.mark.parametrize(
    "name", ["board_rename", "board_archive"], ids=["board_rename", "board_archive"]
)
def test_it_refuses_a_get_on_a_board_action(name, board, client_for):
    response = client_for("owner").get(reverse(name, args=[board.id]))

    assert response.status_code == 405
    assert Board.objects.get(pk=board.pk).title == "Webshop lifecycle"
    assert not Board.objects.get(pk=board.pk).archived


def test_it_tells_a_member_with_too_low_a_role_why(board, client_for):
    response = client_for("viewer").post(
        reverse("board_rename", args=[board.id]), {"title": "Hijacked"}
    )

    assert response.status_code == 403
    assert "Your role in this organisation does not allow this." in response.content.decode()
