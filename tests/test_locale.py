"""Languages, time zones and local formats (journeymap/locale.py): each person reads the
product in their language and by their clock; the organisation's apply where nobody is
asked. Needs the compiled catalogues (make test runs compilemessages first)."""

from __future__ import annotations

import csv
import io
import zoneinfo
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from boards.exports.build import export_board
from boards.models import Snapshot
from boards.snapshots import snapshot_after_session, snapshot_create
from journeymap.models import Role
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

MEMBERS = {"sv": "Medlemmar", "fi": "Jäsenet", "de": "Mitglieder", "en": "Members"}


@pytest.mark.parametrize("language", ["sv", "fi", "de", "en"])
def test_it_speaks_the_browser_s_language_on_first_visit(org, client_for, language):
    response = client_for("owner").get(
        reverse("board_list", args=[org.id]), HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5"
    )

    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert MEMBERS[language] in page_text(response)


def test_the_switcher_remembers_the_choice_in_the_profile(org, members, client_for):
    client = client_for("editor")
    page = reverse("board_list", args=[org.id])

    response = client.post(reverse("language_set"), {"language": "fi"}, HTTP_REFERER=page)

    assert response.status_code == 302
    assert response["Location"] == page
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fi"
    members["editor"].refresh_from_db()
    assert members["editor"].language == "fi"
    # The profile wins over a browser that asks for another language.
    again = client.get(page, HTTP_ACCEPT_LANGUAGE="de")
    assert '<html lang="fi">' in again.content.decode()


def test_the_switcher_works_for_someone_not_logged_in(client):
    response = client.post(reverse("language_set"), {"language": "de"}, follow=True)

    assert '<html lang="de">' in response.content.decode()
    assert "Anmelden" in page_text(response)


def test_the_switcher_refuses_a_language_it_does_not_have(org, members, client_for):
    response = client_for("editor").post(reverse("language_set"), {"language": "xx"}, follow=True)

    assert "Choose a language from the list." in page_text(response)
    members["editor"].refresh_from_db()
    assert members["editor"].language == ""


def test_it_refuses_a_redirect_to_another_site(client):
    response = client.post(
        reverse("language_set"), {"language": "sv", "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("home")


def test_a_version_s_time_is_shown_by_the_person_s_own_clock(board, members, client_for):
    snapshot = snapshot_create(board=board, name="Workshop result", actor=members["owner"])
    Snapshot.objects.filter(pk=snapshot.pk).update(created=datetime(2026, 7, 1, 9, 30, tzinfo=UTC))
    members["viewer"].time_zone = "Europe/Helsinki"  # UTC+3 in summer
    members["viewer"].save()

    text = page_text(client_for("viewer").get(reverse("board_versions", args=[board.id])))

    assert "12:30" in text
    assert "9:30" not in text


def test_without_a_chosen_zone_the_browser_s_clock_is_used(board, members, client_for):
    snapshot = snapshot_create(board=board, name="Workshop result", actor=members["owner"])
    Snapshot.objects.filter(pk=snapshot.pk).update(created=datetime(2026, 1, 5, 9, 30, tzinfo=UTC))
    client = client_for("viewer")
    client.cookies["tz"] = "America%2FNew_York"  # as static/js/page/timezone.js sets it

    text = page_text(client.get(reverse("board_versions", args=[board.id])))

    assert "4:30" in text


def test_preferences_save_language_and_time_zone(members, client_for):
    client = client_for("viewer")

    response = client.post(
        reverse("preferences"), {"language": "sv", "time_zone": "Europe/Stockholm"}, follow=True
    )

    members["viewer"].refresh_from_db()
    assert members["viewer"].language == "sv"
    assert members["viewer"].time_zone == "Europe/Stockholm"
    assert '<html lang="sv">' in response.content.decode()


def test_preferences_refuse_an_unknown_time_zone(members, client_for):
    response = client_for("viewer").post(
        reverse("preferences"), {"language": "", "time_zone": "Mars/Olympus"}
    )

    assert response.status_code == 200
    members["viewer"].refresh_from_db()
    assert members["viewer"].time_zone == ""


def test_an_invite_e_mail_is_written_in_the_organisation_s_language(org, client_for):
    org.language = "de"
    org.time_zone = "Europe/Berlin"
    org.save()

    client_for("owner").post(
        reverse("invite_create", args=[org.id]), {"email": "neu@example.com", "role": Role.EDITOR}
    )

    [message] = mail.outbox
    assert "Acme Marketing" in message.subject
    assert "eingeladen" in message.subject.lower() or "einladung" in message.subject.lower()
    assert "Bearbeiter" in message.body  # the role, as a German noun


def test_an_automatic_version_is_named_in_the_organisation_s_language(board, settings):
    board.organisation.language = "sv"
    board.organisation.time_zone = "Europe/Stockholm"
    board.organisation.save()
    settings.SNAPSHOT_SESSION_IDLE = 0
    type(board).objects.filter(pk=board.pk).update(
        rev=3, updated=datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    )

    snapshot = snapshot_after_session(board_id=board.pk)

    assert snapshot is not None
    assert "avslutad" in snapshot.name  # "Session avslutad …", not "Session ending …"
    assert "16:00" in snapshot.name  # 15:00 UTC is 16:00 in Stockholm


@pytest.mark.parametrize(
    ("language", "separator"), [("sv", ";"), ("fi", ";"), ("de", ";"), ("en", ",")]
)
def test_the_csv_opens_as_columns_in_the_locale_s_spreadsheet(board, language, separator):
    from django.utils import translation

    with translation.override(language):
        content = export_board(board, "csv").content.decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(content), delimiter=separator))
    assert len(rows[0]) == 12  # every heading its own column
    assert all(len(row) == 12 for row in rows)
    assert any("Instagram ad" in row for row in rows)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("sv", "42\xa0000"), ("fi", "42\xa0000"), ("de", "42.000"), ("en", "42,000")],
)
def test_kpi_figures_are_written_in_the_local_format(board, client_for, language, expected):
    phase = board.phases.order_by("position").first()
    phase.kpis = [{"name": "Website traffic", "value": 42000, "target": None, "unit": ""}]
    phase.save()

    response = client_for("viewer").get(
        reverse("panel_phase", args=[board.id, phase.id]), HTTP_ACCEPT_LANGUAGE=language
    )

    assert expected in response.content.decode()


def test_time_zone_choices_are_real_zones():
    from journeymap.locale import time_zone_choices, valid_time_zone

    names = [name for name, _label in time_zone_choices()]
    assert "Europe/Helsinki" in names
    assert valid_time_zone("Europe/Helsinki") == zoneinfo.ZoneInfo("Europe/Helsinki")
    assert valid_time_zone("Nowhere/Atlantis") is None
    assert timezone.is_aware(timezone.now())


def test_ids_and_revisions_are_written_without_thousand_separators(board, org, client_for):
    # USE_THOUSAND_SEPARATOR writes figures as "12,345": an id in an attribute, which the
    # page's scripts match against the socket's ids, must stay 12345.
    from journeymap.models import Membership, User

    user = User.objects.create_user(id=12345, email="many@example.com", name="Twelve Thousand")
    Membership.objects.create(id=23456, organisation=org, user=user, role=Role.EDITOR)
    type(board).objects.filter(pk=board.pk).update(rev=12345)
    client = client_for("owner")

    panel = client.get(reverse("panel_people", args=[board.id]), HTTP_HX_REQUEST="true")
    editor = client.get(reverse("board_detail", args=[board.id]))
    members = client.get(reverse("member_list", args=[org.id]))

    assert 'data-user-id="12345"' in panel.content.decode()
    assert '<span id="board-rev">12345</span>' in editor.content.decode()
    assert 'id="role-23456"' in members.content.decode()
