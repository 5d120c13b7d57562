"""Every page and action, for every kind of visitor, with the answer each must get: one
row per (route, visitor, outcome), read from the grid MATRIX, drives one test.

The grid is written out by hand on purpose: it restates the rules in journeymap/access.py
instead of deriving from it, so a change there that loosens or tightens a capability
fails here. The outcomes:

- SHOW  200: the page is shown
- DENY  403: a member whose role is too low, told why
- HIDE  404: an outsider (member of another organisation only), never told it exists
- LOGIN 302 to the login page: anonymous
- DONE  302 elsewhere, and the database shows the action's effect
- AWAY  302 elsewhere, and the database does not show it (where the route has one)
- NOGET 405: a GET on an action that takes POST only, which changes nothing
- SHUT  403 whoever asks: no person's role opens it (/metrics, for its token or address)

Guests (joined through a workshop link: boards/guests.py) get HIDE for everything but
their link's board, making an account, the language switcher, logging in and the probes
(journeymap/guests.py).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from boards.frameworks import phase_examples_for
from boards.models import Board, Card, CardLink, Guest, Phase, ShareLink, Snapshot
from journeymap.actions import invite_create
from journeymap.models import Invite, Membership, Organisation, Role, User
from tests.factories import make_card

VISITORS = [
    "owner",
    "admin",
    "facilitator",
    "editor",
    "viewer",
    "outsider",
    "anonymous",
    # Joined through a workshop link of the board (boards.guests): role editor, and role
    # viewer (with a passcode). They see the board through their link, and nothing else.
    "guest_editor",
    "guest_viewer",
]


@dataclass
class World:
    org: Organisation
    members: dict[str, User]
    board: Board
    invite: Invite

    def membership(self, role: str) -> Membership:
        return Membership.objects.get(organisation=self.org, user=self.members[role])


@dataclass(frozen=True)
class Outcome:
    status: int
    # For a redirect: whether it goes to the login page.
    to_login: bool = False
    # Whether the route's effect (Route.took_effect) shows in the database afterwards.
    changes: bool = False


SHOW = Outcome(200)
DENY = Outcome(403)
HIDE = Outcome(404)
LOGIN = Outcome(302, to_login=True)
DONE = Outcome(302, changes=True)
AWAY = Outcome(302)
NOGET = Outcome(405)
SHUT = Outcome(403)

TOO_LOW = "Your role in this organisation does not allow this."

# One row a route, one column a visitor.
# fmt: off
MATRIX: dict[str, tuple[Outcome, ...]] = {
    #                              owner  admin  facil. editor viewer outsdr anon. guestE guestV
    # Everyone signed in is sent on to an organisation (or to create one).
    "GET home":                   (AWAY,  AWAY,  AWAY,  AWAY,  AWAY,  AWAY,  LOGIN, HIDE,  HIDE),
    # Signed-in people have an account already and are sent home.
    "GET signup":                 (AWAY,  AWAY,  AWAY,  AWAY,  AWAY,  AWAY,  SHOW, HIDE,  HIDE),
    # Logging in and resetting a password are open to all (throttled: test_throttle).
    "GET login":                  (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW, SHOW,  SHOW),
    "GET password_reset":         (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW, HIDE,  HIDE),
    "GET password_reset_confirm": (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW, HIDE,  HIDE),
    # A confirmation link whose token does not check out is not found, for anyone.
    "GET email_confirm":          (HIDE,  HIDE,  HIDE,  HIDE,  HIDE,  HIDE,  HIDE, HIDE,  HIDE),
    "POST email_confirm_send":    (AWAY,  AWAY,  AWAY,  AWAY,  AWAY,  AWAY,  LOGIN, HIDE,  HIDE),
    "GET organisation_create":    (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  LOGIN, HIDE,  HIDE),
    "POST organisation_create":   (DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  LOGIN, HIDE,  HIDE),
    "GET organisation_settings":  (SHOW,  SHOW,  DENY,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    # For load balancers and monitoring (journeymap/health.py): no login; the metrics
    # answer a token or an allowed address (none here), never a person's session.
    "GET healthz":                (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW, SHOW,  SHOW),
    "GET readyz":                 (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW, SHOW,  SHOW),
    "GET metrics":                (SHUT,  SHUT,  SHUT,  SHUT,  SHUT,  SHUT,  SHUT, SHUT,  SHUT),
    # The audit log: owners only.
    "GET audit_log":              (SHOW,  DENY,  DENY,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST organisation_settings": (DONE,  DONE,  DENY,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET member_list":            (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST member_change_role":    (DONE,  DONE,  DENY,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST member_remove":         (DONE,  DONE,  DENY,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    # The owner is the only owner: the request is answered, but refused (see
    # test_memberships for the message).
    "POST organisation_leave":    (AWAY,  DONE,  DONE,  DONE,  DONE,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST invite_create":         (DONE,  DONE,  DENY,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST invite_revoke":         (DONE,  DONE,  DENY,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    # The token is the capability: whoever holds the link may see whom it invites.
    "GET invite_accept":          (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW, HIDE,  HIDE),
    "GET board_list":             (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET board_create":           (SHOW,  SHOW,  SHOW,  SHOW,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST board_create":          (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET board_detail":           (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    # Board actions take POST only, before anything else but the login.
    "GET board_rename":           (NOGET, NOGET, NOGET, NOGET, NOGET, NOGET, LOGIN, HIDE,  HIDE),
    "POST board_rename":          (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    # The outline and the side panel (boards/views/panels.py, card_panel.py): every
    # member reads, editors write.
    "GET board_outline":          (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET panel_card":             (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST panel_card_save":       (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST panel_card_links":      (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET panel_board":            (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST panel_board_rename":    (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST panel_board_template":  (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET panel_gaps":             (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET board_gaps_json":        (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET panel_strategy":         (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET panel_phase":            (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST panel_phase_save":      (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST panel_phase_suggestion": (DONE, DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    # The action plan and KPI readings: whoever edits the board.
    "POST panel_gap_plan":        (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST panel_plan_status":     (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST panel_plan_activity":   (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST panel_phase_kpi_accept": (DONE, DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST panel_phase_reading":   (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST panel_phase_reading_remove": (DONE, DONE, DONE, DONE, DENY, HIDE,  LOGIN, HIDE,  HIDE),
    "GET board_versions":         (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST board_versions":        (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    # Versions: every member looks; facilitators and above restore.
    "GET snapshot_detail":        (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST snapshot_restore":      (DONE,  DONE,  DONE,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    # Making and revoking share links: facilitators and above.
    "GET board_sharing":          (SHOW,  SHOW,  SHOW,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST board_sharing":         (DONE,  DONE,  DONE,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST share_revoke":          (DONE,  DONE,  DONE,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    # Anyone holding the link, logged in or not, member or not.
    "GET shared_board":           (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW, SHOW,  SHOW),
    "GET shared_gaps_json":       (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW, SHOW,  SHOW),
    # Workshop links (boards/guests.py): whoever opens one joins by name, except the
    # organisation's members, who are sent to the board itself; a guest of another link
    # joins this one too. The board opens to those who joined it.
    "GET shared_board workshop":  (AWAY,  AWAY,  AWAY,  AWAY,  AWAY,  SHOW,  SHOW, SHOW,  SHOW),
    "POST share_join":            (AWAY,  AWAY,  AWAY,  AWAY,  AWAY,  DONE,  DONE, DONE,  DONE),
    # Making an account of a guest session: guests only (anyone else has one).
    "GET guest_account":          (AWAY,  AWAY,  AWAY,  AWAY,  AWAY,  AWAY,  LOGIN, SHOW,  SHOW),
    "POST guest_account":         (AWAY,  AWAY,  AWAY,  AWAY,  AWAY,  AWAY,  LOGIN, DONE,  DONE),
    "POST organisation_sharing":  (DONE,  DONE,  DENY,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET panel_people":           (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    # Language and time zone: the organisation's by its owners and admins; each person
    # their own; the switcher for everyone, remembered in the profile of whoever is in.
    "POST organisation_locale":   (DONE,  DONE,  DENY,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET preferences":            (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  LOGIN, HIDE,  HIDE),
    "POST language_set":          (DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  AWAY, DONE,  DONE),
    "GET board_archive":          (NOGET, NOGET, NOGET, NOGET, NOGET, NOGET, LOGIN, HIDE,  HIDE),
    "POST board_archive":         (DONE,  DONE,  DONE,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET board_delete":           (SHOW,  SHOW,  DENY,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST board_delete":          (DONE,  DONE,  DENY,  DENY,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    # Exports and imports (boards/export_views.py): every member downloads;
    # those who may create boards import.
    "GET board_export":           (SHOW,  SHOW,  SHOW,  SHOW,  SHOW,  HIDE,  LOGIN, HIDE,  HIDE),
    "GET board_import":           (SHOW,  SHOW,  SHOW,  SHOW,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
    "POST board_import":          (DONE,  DONE,  DONE,  DONE,  DENY,  HIDE,  LOGIN, HIDE,  HIDE),
}
# fmt: on

ROWS = [
    pytest.param(route, who, outcome, id=f"{route}-{who}")
    for route, outcomes in MATRIX.items()
    for who, outcome in zip(VISITORS, outcomes, strict=True)
]


@dataclass(frozen=True)
class Route:
    url: Callable[[World], str]
    # What a POST sends (a GET sends nothing).
    data: Callable[[World, str], dict] = lambda world, who: {}
    # Whether the database shows the request's effect; checked for every visitor.
    took_effect: Callable[[World, str], bool] | None = None


def _org_url(name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[world.org.id])


def _board_url(name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[world.board.id])


def _card_panel_url(name: str, text: str = "Instagram ad") -> Callable[[World], str]:
    def url(world: World) -> str:
        card = Card.objects.get(board=world.board, text__in=[text, "Changed"])
        return reverse(name, args=[world.board.id, card.id])

    return url


def _serves(world: World, who: str) -> dict:
    return {"serves": [str(Card.objects.get(board=world.board, text="Instagram ad").id)]}


def _share_link(world: World):
    from boards.sharing import share_link_create

    existing = ShareLink.objects.filter(board=world.board, role="viewer", passcode="").first()
    return existing or share_link_create(
        board=world.board, actor=world.members["owner"], label="Agency", days=None
    )


def _workshop_link(world: World):
    """A workshop link of the board that none of the visitors joined."""
    from boards.sharing import share_link_create

    existing = ShareLink.objects.filter(board=world.board, label="Matrix workshop").first()
    return existing or share_link_create(
        board=world.board,
        actor=world.members["owner"],
        label="Matrix workshop",
        days=None,
        role="editor",
    )


def _snapshot(world: World):
    from boards.snapshots import snapshot_create

    existing = Snapshot.objects.filter(board=world.board).first()
    return existing or snapshot_create(
        board=world.board, name="Kick-off", actor=world.members["owner"]
    )


def _board_changed(world: World, who: str) -> bool:
    board = Board.objects.get(pk=world.board.pk)
    return board.title != "Webshop lifecycle" or board.archived


def _phase_panel_url(name: str) -> Callable[[World], str]:
    def url(world: World) -> str:
        phase = world.board.phases.order_by("position").first()
        return reverse(name, args=[world.board.id, phase.id])

    return url


def _first_suggestion(world: World) -> dict:
    phase = world.board.phases.order_by("position").first()
    examples = phase_examples_for(world.board.framework, phase.name, phase.position)
    return {"index": "0", "text": str(examples.activities[0].text)}


def _first_phase(world: World):
    return world.board.phases.order_by("position").first()


def _plan_url(name: str, status: str) -> Callable[[World], str]:
    """A route on the board's one opportunity, made with `status` when there is none."""

    def url(world: World) -> str:
        card = Card.objects.filter(board=world.board, kind="opportunity").first()
        if card is None:
            card = make_card(
                world.board, kind="opportunity", phase=_first_phase(world), text="Plan"
            )
            Card.objects.filter(pk=card.pk).update(status=status)
        return reverse(name, args=[world.board.id, card.id])

    return url


def _kpi_url(name: str, readings: list) -> Callable[[World], str]:
    """A route on the first phase, given a KPI (with `readings`) first."""

    def url(world: World) -> str:
        phase = _first_phase(world)
        kpi = {"name": "Reach", "value": None, "target": 10, "unit": "", "readings": readings}
        Phase.objects.filter(pk=phase.pk).update(kpis=[kpi])
        return reverse(name, args=[world.board.id, phase.id])

    return url


def _kpi_readings(world: World) -> list:
    return Phase.objects.get(pk=_first_phase(world).pk).kpis[0]["readings"]


def _uncovered_gap(world: World, who: str) -> dict:
    card = Card.objects.get(board=world.board, text="Instagram ad")
    return {"gap": f"uncovered:{card.id}", "text": f"Planned by {who}"}


def _first_kpi_suggestion(world: World, who: str) -> dict:
    phase = _first_phase(world)
    return {"name": str(phase_examples_for(world.board.framework, phase.name, 0).kpis[0].name)}


def _board_file(world: World, who: str) -> dict:
    """The board exported as a board file, uploaded to the import page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from boards.exports.build import export_board

    content = export_board(world.board, "json").content
    return {"file": SimpleUploadedFile("board.json", content, "application/json")}


ROUTES: dict[str, Route] = {
    "GET home": Route(url=lambda world: reverse("home")),
    "GET signup": Route(url=lambda world: reverse("signup")),
    "GET login": Route(url=lambda world: reverse("login")),
    "GET password_reset": Route(url=lambda world: reverse("password_reset")),
    "GET password_reset_confirm": Route(
        url=lambda world: reverse("password_reset_confirm", args=["MQ", "not-a-token"])
    ),
    "GET email_confirm": Route(
        url=lambda world: reverse("email_confirm", args=["MQ", "not-a-token"])
    ),
    "POST email_confirm_send": Route(url=lambda world: reverse("email_confirm_send")),
    "GET organisation_create": Route(url=lambda world: reverse("organisation_create")),
    "POST organisation_create": Route(
        url=lambda world: reverse("organisation_create"),
        data=lambda world, who: {"name": f"Founded by {who}"},
        took_effect=lambda world, who: Organisation.objects.filter(
            name=f"Founded by {who}"
        ).exists(),
    ),
    "GET organisation_settings": Route(url=_org_url("organisation_settings")),
    "GET audit_log": Route(url=_org_url("audit_log")),
    "GET healthz": Route(url=lambda world: reverse("healthz")),
    "GET readyz": Route(url=lambda world: reverse("readyz")),
    "GET metrics": Route(url=lambda world: reverse("metrics")),
    "POST organisation_settings": Route(
        url=_org_url("organisation_settings"),
        data=lambda world, who: {"name": "Renamed Org"},
        took_effect=lambda world, who: (
            Organisation.objects.get(pk=world.org.pk).name == "Renamed Org"
        ),
    ),
    "GET member_list": Route(url=_org_url("member_list")),
    "POST member_change_role": Route(
        url=lambda world: reverse(
            "member_change_role", args=[world.org.id, world.membership("viewer").id]
        ),
        data=lambda world, who: {"role": Role.EDITOR},
        took_effect=lambda world, who: world.membership("viewer").role == Role.EDITOR,
    ),
    "POST member_remove": Route(
        url=lambda world: reverse(
            "member_remove", args=[world.org.id, world.membership("viewer").id]
        ),
        data=lambda world, who: {"confirmed": "1"},
        took_effect=lambda world, who: (
            not Membership.objects.filter(
                organisation=world.org, user=world.members["viewer"]
            ).exists()
        ),
    ),
    "POST organisation_leave": Route(
        url=_org_url("organisation_leave"),
        data=lambda world, who: {"confirmed": "1"},
        took_effect=lambda world, who: world.org.memberships.count() < 5,
    ),
    "POST invite_create": Route(
        url=_org_url("invite_create"),
        data=lambda world, who: {"email": "matrix@example.com", "role": Role.EDITOR},
        took_effect=lambda world, who: Invite.objects.filter(email="matrix@example.com").exists(),
    ),
    "POST invite_revoke": Route(
        url=lambda world: reverse("invite_revoke", args=[world.org.id, world.invite.id]),
        took_effect=lambda world, who: Invite.objects.get(pk=world.invite.pk).revoked is not None,
    ),
    "GET invite_accept": Route(
        url=lambda world: reverse("invite_accept", args=[world.invite.token]),
    ),
    "GET board_list": Route(url=_org_url("board_list")),
    "GET board_create": Route(url=_org_url("board_create")),
    "POST board_create": Route(
        url=_org_url("board_create"),
        data=lambda world, who: {"title": "Matrix board", "framework": "race"},
        took_effect=lambda world, who: Board.objects.filter(
            organisation=world.org, title="Matrix board"
        ).exists(),
    ),
    "GET board_detail": Route(url=_board_url("board_detail")),
    "GET board_rename": Route(url=_board_url("board_rename"), took_effect=_board_changed),
    "POST board_rename": Route(
        url=_board_url("board_rename"),
        data=lambda world, who: {"title": "Renamed board"},
        took_effect=lambda world, who: (
            Board.objects.get(pk=world.board.pk).title == "Renamed board"
        ),
    ),
    "GET board_outline": Route(url=_board_url("board_outline")),
    "GET panel_card": Route(url=_card_panel_url("panel_card")),
    "POST panel_card_save": Route(
        url=_card_panel_url("panel_card_save"),
        data=lambda world, who: {"kind": "note", "channel": "", "text": "Changed", "colour": ""},
        took_effect=lambda world, who: Card.objects.filter(
            board=world.board, kind="note", text="Changed"
        ).exists(),
    ),
    "POST panel_card_links": Route(
        url=_card_panel_url("panel_card_links", "Welcome e-mail"),
        data=_serves,
        took_effect=lambda world, who: CardLink.objects.filter(
            board=world.board, deleted=False
        ).exists(),
    ),
    "GET panel_board": Route(url=_board_url("panel_board")),
    "POST panel_board_rename": Route(
        url=_board_url("panel_board_rename"),
        data=lambda world, who: {"title": "Renamed in the panel"},
        took_effect=lambda world, who: (
            Board.objects.get(pk=world.board.pk).title == "Renamed in the panel"
        ),
    ),
    "POST panel_board_template": Route(
        url=_board_url("panel_board_template"),
        data=lambda world, who: {"name": "Our line"},
        took_effect=lambda world, who: world.org.board_templates.filter(name="Our line").exists(),
    ),
    "GET panel_gaps": Route(url=_board_url("panel_gaps")),
    "GET board_gaps_json": Route(url=_board_url("board_gaps_json")),
    "GET panel_strategy": Route(url=_board_url("panel_strategy")),
    "GET panel_phase": Route(url=_phase_panel_url("panel_phase")),
    "POST panel_phase_save": Route(
        url=_phase_panel_url("panel_phase_save"),
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
    "POST panel_phase_suggestion": Route(
        url=_phase_panel_url("panel_phase_suggestion"),
        data=lambda world, who: _first_suggestion(world),
        took_effect=lambda world, who: Card.objects.filter(
            board=world.board, kind="activity", text=_first_suggestion(world)["text"]
        ).exists(),
    ),
    "POST panel_gap_plan": Route(
        url=_phase_panel_url("panel_gap_plan"),
        data=_uncovered_gap,
        took_effect=lambda world, who: Card.objects.filter(
            board=world.board, kind="opportunity", text=f"Planned by {who}"
        ).exists(),
    ),
    "POST panel_plan_status": Route(
        url=_plan_url("panel_plan_status", "planned"),
        data=lambda world, who: {"status": "doing"},
        took_effect=lambda world, who: Card.objects.filter(
            board=world.board, kind="opportunity", status="doing"
        ).exists(),
    ),
    "POST panel_plan_activity": Route(
        url=_plan_url("panel_plan_activity", "done"),
        took_effect=lambda world, who: Card.objects.filter(
            board=world.board, kind="activity", text="Plan"
        ).exists(),
    ),
    "POST panel_phase_kpi_accept": Route(
        url=_phase_panel_url("panel_phase_kpi_accept"),
        data=_first_kpi_suggestion,
        took_effect=lambda world, who: bool(_first_phase(world).kpis),
    ),
    "POST panel_phase_reading": Route(
        url=_kpi_url("panel_phase_reading", []),
        data=lambda world, who: {
            "prefix": "reading-0",
            "reading-0-kpi": "Reach",
            "reading-0-date": "2026-03-01",
            "reading-0-value": "4",
        },
        took_effect=lambda world, who: bool(_kpi_readings(world)),
    ),
    "POST panel_phase_reading_remove": Route(
        url=_kpi_url(
            "panel_phase_reading_remove", [{"date": "2026-03-01", "value": 4.0, "note": ""}]
        ),
        data=lambda world, who: {"kpi": "Reach", "index": "0"},
        took_effect=lambda world, who: not _kpi_readings(world),
    ),
    "GET board_versions": Route(url=_board_url("board_versions")),
    "POST board_versions": Route(
        url=_board_url("board_versions"),
        data=lambda world, who: {"name": f"Saved by {who}"},
        took_effect=lambda world, who: Snapshot.objects.filter(name=f"Saved by {who}").exists(),
    ),
    "GET snapshot_detail": Route(
        url=lambda world: reverse("snapshot_detail", args=[world.board.id, _snapshot(world).id]),
    ),
    "POST snapshot_restore": Route(
        url=lambda world: reverse("snapshot_restore", args=[world.board.id, _snapshot(world).id]),
        took_effect=lambda world, who: Board.objects.get(pk=world.board.pk).epoch == 2,
    ),
    "GET board_sharing": Route(url=_board_url("board_sharing")),
    "POST board_sharing": Route(
        url=_board_url("board_sharing"),
        data=lambda world, who: {"label": f"For {who}", "live": "on", "expires_in": ""},
        took_effect=lambda world, who: ShareLink.objects.filter(label=f"For {who}").exists(),
    ),
    "POST share_revoke": Route(
        url=lambda world: reverse("share_revoke", args=[world.board.id, _share_link(world).id]),
        took_effect=lambda world, who: ShareLink.objects.filter(revoked__isnull=False).exists(),
    ),
    "GET shared_board": Route(
        url=lambda world: reverse("shared_board", args=[_share_link(world).token]),
    ),
    "GET shared_gaps_json": Route(
        url=lambda world: reverse("shared_gaps_json", args=[_share_link(world).token]),
    ),
    "GET shared_board workshop": Route(
        url=lambda world: reverse("shared_board", args=[_workshop_link(world).token]),
    ),
    "POST share_join": Route(
        url=lambda world: reverse("share_join", args=[_workshop_link(world).token]),
        data=lambda world, who: {"name": f"Joiner {who}"},
        took_effect=lambda world, who: Guest.objects.filter(link__label="Matrix workshop").exists(),
    ),
    "GET guest_account": Route(url=lambda world: reverse("guest_account")),
    "POST guest_account": Route(
        url=lambda world: reverse("guest_account"),
        data=lambda world, who: {
            "email": "became@example.com",
            "password1": "a long pass 42",
            "password2": "a long pass 42",
        },
        took_effect=lambda world, who: User.objects.filter(email="became@example.com").exists(),
    ),
    "POST organisation_sharing": Route(
        url=_org_url("organisation_sharing"),
        data=lambda world, who: {"allow_share_links": "on"},
        took_effect=lambda world, who: not Organisation.objects.get(pk=world.org.pk).allow_exports,
    ),
    "GET panel_people": Route(url=_board_url("panel_people")),
    "POST organisation_locale": Route(
        url=_org_url("organisation_locale"),
        data=lambda world, who: {"language": "sv", "time_zone": "Europe/Stockholm"},
        took_effect=lambda world, who: Organisation.objects.get(pk=world.org.pk).language == "sv",
    ),
    "GET preferences": Route(url=lambda world: reverse("preferences")),
    "POST language_set": Route(
        url=lambda world: reverse("language_set"),
        data=lambda world, who: {"language": "de"},
        took_effect=lambda world, who: User.objects.filter(language="de").exists(),
    ),
    "GET board_archive": Route(url=_board_url("board_archive"), took_effect=_board_changed),
    "POST board_archive": Route(
        url=_board_url("board_archive"),
        data=lambda world, who: {"archived": "1"},
        took_effect=lambda world, who: Board.objects.get(pk=world.board.pk).archived,
    ),
    "GET board_delete": Route(url=_board_url("board_delete")),
    "POST board_delete": Route(
        url=_board_url("board_delete"),
        data=lambda world, who: {"confirm_title": "Webshop lifecycle"},
        took_effect=lambda world, who: not Board.objects.filter(pk=world.board.pk).exists(),
    ),
    "GET board_export": Route(
        url=lambda world: reverse("board_export", args=[world.board.id, "json"]),
    ),
    "GET board_import": Route(url=_org_url("board_import")),
    "POST board_import": Route(
        url=_org_url("board_import"),
        data=_board_file,
        took_effect=lambda world, who: (
            Board.objects.filter(organisation=world.org, title="Webshop lifecycle").count() == 2
        ),
    ),
}


def _without_csrf_token(response) -> str:
    # The masked token differs on every page; everything else must be the same.
    return re.sub(r"[A-Za-z0-9]{64}", "<csrf>", response.content.decode())


@pytest.fixture(autouse=True)
def _metrics_closed(settings):
    # As in production: no token, no allowed address (development allows loopback).
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = []


@pytest.fixture
def client_for(client_for, board, members):
    """The conftest's visitors, and guests who joined the board through a workshop link
    (an editor link; a viewer link with a passcode)."""
    from boards.sharing import share_link_create

    def make(who: str) -> Client:
        if who not in {"guest_editor", "guest_viewer"}:
            return client_for(who)
        role = "editor" if who == "guest_editor" else "viewer"
        link = share_link_create(
            board=board, actor=members["owner"], days=None, role=role, passcode="tulip"
        )
        client = Client()
        joined = client.post(
            reverse("share_join", args=[link.token]), {"name": who, "passcode": "tulip"}
        )
        assert joined.status_code == 302
        return client

    return make


@pytest.fixture
def world(org, members, board) -> World:
    invite = invite_create(
        organisation=org, role=Role.VIEWER, created_by=members["owner"], email="later@example.com"
    )
    return World(org=org, members=members, board=board, invite=invite)


def test_it_has_a_route_for_every_row_and_every_visitor_in_each():
    assert set(MATRIX) == set(ROUTES)
    for route, outcomes in MATRIX.items():
        assert len(outcomes) == len(VISITORS), route
        # DONE and AWAY differ only where the route has an effect to look for.
        if ROUTES[route].took_effect is None:
            assert DONE not in outcomes, route


def test_it_covers_every_named_view_of_the_app():
    from boards import urls as board_urls
    from journeymap import urls as app_urls

    patterns = app_urls.urlpatterns + board_urls.urlpatterns
    # Django's own auth and admin views are included, not ours: their names are not here.
    named = {name for p in patterns if (name := getattr(p, "name", None))}
    assert named <= {route.split()[1] for route in MATRIX}


@pytest.mark.parametrize(("route", "who", "outcome"), ROWS)
def test_it_answers_each_visitor_as_the_rules_say(
    route: str, who: str, outcome: Outcome, world, client_for
):
    method = route.split()[0]
    client = client_for(who)
    url = ROUTES[route].url(world)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, ROUTES[route].data(world, who))

    assert response.status_code == outcome.status, f"{route} as {who}"
    login_url = reverse("login")
    if outcome.to_login:
        assert response["Location"].startswith(f"{login_url}?next=")
    elif outcome.status == 302:
        assert not response["Location"].startswith(login_url)
    if outcome is DENY:
        assert TOO_LOW in response.content.decode()
    took_effect = ROUTES[route].took_effect
    if took_effect is not None:
        assert took_effect(world, who) is outcome.changes, f"{route} as {who}"


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
