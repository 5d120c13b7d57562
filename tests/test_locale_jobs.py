"""Whose language and clock where no page asks: management commands and scheduled jobs
write in the organisation's (journeymap.locale.organisation_locale); downloads and
relative times in the person's."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import sync_to_async
from django.core.management import call_command
from django.test import AsyncClient
from django.urls import reverse
from django.utils import timezone

from boards.models import Board, Snapshot
from boards.snapshots import snapshot_create
from tests.helpers import page_text

SUMMER_MORNING = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)


def svg_text(svg: str) -> str:
    return " ".join(re.findall(r">([^<]+)<", svg))


def _version(board, members) -> Snapshot:
    snapshot = snapshot_create(board=board, name="Workshop result", actor=members["owner"])
    Snapshot.objects.filter(pk=snapshot.pk).update(created=SUMMER_MORNING)
    return snapshot


@pytest.mark.django_db
def test_export_board_writes_in_the_organisation_s_language_and_clock(board, members, tmp_path):
    board.organisation.language = "de"
    board.organisation.time_zone = "Europe/Berlin"  # UTC+2 in summer
    board.organisation.save()
    snapshot = _version(board, members)
    out = tmp_path / "board.svg"

    call_command(
        "export_board", str(board.pk), "--format", "svg", "--snapshot", str(snapshot.pk),
        "-o", str(out), stdout=io.StringIO(),
    )  # fmt: skip

    text = svg_text(out.read_text())
    assert "1. Juli 2026 11:30" in text
    assert "July" not in text


@pytest.mark.django_db
def test_the_scheduled_versions_are_named_in_the_organisation_s_language(board, settings):
    board.organisation.language = "fi"
    board.organisation.time_zone = "Europe/Helsinki"
    board.organisation.save()
    settings.SNAPSHOT_SESSION_IDLE = 60
    Board.objects.filter(pk=board.pk).update(
        rev=5, updated=datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    )

    call_command("snapshot_sessions", stdout=io.StringIO())

    [version] = Snapshot.objects.filter(board=board)
    assert version.name == "Istunto päättyi 1. joulukuuta 2026 kello 17.00"  # UTC+2


@pytest.mark.django_db(transaction=True)
async def test_a_download_s_heading_is_in_the_person_s_language_and_clock(board, members):
    owner = members["owner"]
    owner.language, owner.time_zone = "sv", "Europe/Helsinki"  # UTC+3 in summer
    await owner.asave(update_fields=["language", "time_zone"])
    snapshot = await sync_to_async(_version)(board, members)
    client = AsyncClient()
    await client.aforce_login(owner)

    response = await client.get(
        reverse("board_export", args=[board.id, "svg"]) + f"?snapshot={snapshot.pk}"
    )

    assert response.status_code == 200
    text = svg_text(response.content.decode())
    assert "1 juli 2026 12:30" in text
    assert "kontaktpunkt" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", "ändrad 3 timmar sedan av Olivia Owner"),
        ("fi", "Olivia Owner muokkasi 3 tuntia sitten"),
        ("de", "vor 3 Stunden von Olivia Owner bearbeitet"),
        ("en", "edited 3 hours ago by Olivia Owner"),
    ],
)
def test_edited_ago_is_said_in_the_person_s_language(board, org, client_for, language, expected):
    Board.objects.filter(pk=board.pk).update(updated=timezone.now() - timedelta(hours=3, minutes=1))

    response = client_for("viewer").get(
        reverse("board_list", args=[org.id]), HTTP_ACCEPT_LANGUAGE=language
    )

    assert expected in page_text(response).replace("\xa0", " ")
