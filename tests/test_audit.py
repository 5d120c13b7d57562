"""The audit log an owner reads (journeymap.audit): what the actions and Django's sign-in
signals record, in the action's transaction, and the owners' page that lists it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from boards.models import ShareLink
from boards.snapshots import snapshot_create
from journeymap.models import AuditAction, AuditEvent, Membership, Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def events(org, action: AuditAction):
    return list(AuditEvent.objects.filter(organisation=org, action=action))


def as_owner(members) -> Client:
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.force_login(members["owner"])
    return client


def test_it_records_sign_ins_and_failed_sign_ins_with_the_address(org, members):
    client = Client(REMOTE_ADDR="203.0.113.9")
    wrong = client.post(reverse("login"), {"username": "editor@example.com", "password": "not it"})
    assert wrong.status_code == 200
    right = client.post(reverse("login"), {"username": "editor@example.com", "password": PASSWORD})
    assert right.status_code == 302

    [failed] = events(org, AuditAction.LOGIN_FAILED)
    assert failed.subject == "editor@example.com"
    assert failed.actor is None
    assert failed.address == "203.0.113.9"
    assert "not it" not in str(failed.details)
    [signed_in] = events(org, AuditAction.LOGIN)
    assert signed_in.actor == members["editor"]
    assert signed_in.address == "203.0.113.9"


def test_a_failed_sign_in_to_nobodys_address_stays_out_of_every_organisation(org):
    Client().post(reverse("login"), {"username": "nobody@example.com", "password": "x"})
    [event] = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert event.organisation is None
    assert event.subject == "nobody@example.com"


def test_it_records_role_changes_and_removals_by_whom(org, members):
    client = as_owner(members)
    viewer = Membership.objects.get(organisation=org, user=members["viewer"])
    client.post(reverse("member_change_role", args=[org.id, viewer.id]), {"role": Role.EDITOR})
    client.post(reverse("member_remove", args=[org.id, viewer.id]), {"confirmed": "1"})

    [changed] = events(org, AuditAction.ROLE_CHANGED)
    assert changed.subject == "viewer@example.com"
    assert changed.details == {"from": "viewer", "to": "editor"}
    assert changed.actor == members["owner"]
    assert changed.address == "198.51.100.7"
    [removed] = events(org, AuditAction.MEMBER_REMOVED)
    assert removed.subject == "viewer@example.com"


def test_a_refused_change_records_nothing(org, members):
    """The last owner cannot be demoted: no role change happened, none is recorded."""
    client = as_owner(members)
    owner = Membership.objects.get(organisation=org, user=members["owner"])
    client.post(reverse("member_change_role", args=[org.id, owner.id]), {"role": Role.VIEWER})
    assert events(org, AuditAction.ROLE_CHANGED) == []


def test_it_records_invites_made_revoked_and_accepted(org, members):
    from journeymap.models import Invite
    from tests.conftest import make_user

    client = as_owner(members)
    client.post(
        reverse("invite_create", args=[org.id]), {"email": "new@example.com", "role": "editor"}
    )
    client.post(
        reverse("invite_create", args=[org.id]), {"email": "later@example.com", "role": "viewer"}
    )
    revoked = Invite.objects.get(email="later@example.com")
    client.post(reverse("invite_revoke", args=[org.id, revoked.id]))
    newcomer = make_user("New Person", "new@example.com")
    newcomer.email_verified = True  # an e-mail invite needs its address confirmed
    newcomer.save(update_fields=["email_verified"])
    joining = Client(REMOTE_ADDR="192.0.2.44")
    joining.force_login(newcomer)
    joining.post(reverse("invite_accept", args=[Invite.objects.get(email=newcomer.email).token]))

    assert {e.subject for e in events(org, AuditAction.INVITE_CREATED)} == {
        "new@example.com",
        "later@example.com",
    }
    [revoke] = events(org, AuditAction.INVITE_REVOKED)
    assert revoke.subject == "later@example.com"
    [accept] = events(org, AuditAction.INVITE_ACCEPTED)
    assert accept.actor == newcomer
    assert accept.address == "192.0.2.44"
    assert accept.details["role"] == "editor"


def test_it_records_what_leaves_the_organisation(org, members, board):
    client = as_owner(members)
    client.post(
        reverse("board_sharing", args=[board.id]),
        {"label": "Agency", "live": "on", "expires_in": ""},
    )
    link = ShareLink.objects.get(label="Agency")
    client.post(reverse("share_revoke", args=[board.id, link.id]))
    assert client.get(reverse("board_export", args=[board.id, "csv"])).status_code == 200
    client.post(reverse("organisation_sharing", args=[org.id]), {"allow_exports": "on"})

    [sharing] = events(org, AuditAction.SHARING_CHANGED)
    assert sharing.details == {"exports": True, "share_links": False}
    [made] = events(org, AuditAction.SHARE_LINK_CREATED)
    assert made.subject == board.title
    assert made.details["label"] == "Agency"
    assert len(events(org, AuditAction.SHARE_LINK_REVOKED)) == 1
    [export] = events(org, AuditAction.BOARD_EXPORTED)
    assert export.details["format"] == "csv"
    assert export.actor == members["owner"]


def test_it_records_restores_and_deletions(org, members, board):
    client = as_owner(members)
    version = snapshot_create(board=board, name="Kick-off", actor=members["owner"])
    client.post(reverse("snapshot_restore", args=[board.id, version.id]))
    title = board.title
    client.post(reverse("board_delete", args=[board.id]), {"confirm_title": title})

    [restored] = events(org, AuditAction.BOARD_RESTORED)
    assert restored.details["version"] == "Kick-off"
    [deleted] = events(org, AuditAction.BOARD_DELETED)
    assert deleted.subject == title  # still readable with the board gone
    assert deleted.actor == members["owner"]


def test_the_owner_reads_the_log_newest_first_a_page_at_a_time(org, members, settings):
    from journeymap import audit

    for number in range(60):
        audit.record(
            organisation=org,
            action=AuditAction.INVITE_CREATED,
            subject=f"person{number}@example.com",
            actor=members["admin"],
        )
    client = as_owner(members)
    first = client.get(reverse("audit_log", args=[org.id]))
    page = first.content.decode()
    assert first.status_code == 200
    assert "person59@example.com" in page
    assert page.index("person59@example.com") < page.index("person58@example.com")
    assert "person0@example.com" not in page
    assert "Admin Person" in page
    assert "Invite made" in page
    second = client.get(reverse("audit_log", args=[org.id]), {"page": 2})
    assert "person0@example.com" in second.content.decode()


def test_other_organisations_events_stay_out_of_the_log(org, members, outsider):
    from journeymap import audit

    other = outsider.memberships.get().organisation
    audit.record(organisation=other, action=AuditAction.BOARD_DELETED, subject="Their board")
    page = as_owner(members).get(reverse("audit_log", args=[org.id])).content.decode()
    assert "Their board" not in page


def test_the_settings_page_leads_owners_only_to_the_log(org, members):
    url = reverse("audit_log", args=[org.id])
    owner_page = as_owner(members).get(reverse("organisation_settings", args=[org.id]))
    assert url in owner_page.content.decode()
    admin = Client()
    admin.force_login(members["admin"])
    admin_page = admin.get(reverse("organisation_settings", args=[org.id]))
    assert url not in admin_page.content.decode()
    assert admin.get(url).status_code == 403
