"""What an operator's tools ask a process: /healthz, /readyz and /metrics (journeymap.health,
boards.live.metrics), and the production defaults they rely on."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from prometheus_client import REGISTRY

from tests.ws import join, new_id, receive_type, send_ops


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_layer_at(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": url}]},
        }
    }


def metric(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_it_answers_liveness_without_the_database(client):
    # No django_db mark: any database access would fail this test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_it_is_ready_when_the_database_and_channel_layer_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "channel_layer": "ok"},
    }


@pytest.mark.django_db
def test_it_is_not_ready_when_the_channel_layer_is_down(client, settings, caplog):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CHANNEL_LAYERS = redis_layer_at(url)
    with caplog.at_level(logging.WARNING, logger="journeymap.health"):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body == {
        "status": "unavailable",
        "checks": {"database": "ok", "channel_layer": "failed"},
    }
    # Where it looked stays in the log, not in the answer.
    assert str(closed_port) not in json.dumps(body)
    assert "channel layer check failed" in caplog.text


@pytest.mark.django_db
def test_it_is_not_ready_when_the_database_fails(client, monkeypatch):
    def broken() -> None:
        raise OSError("connection refused")

    monkeypatch.setattr("journeymap.health._database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "failed", "channel_layer": "ok"}


def test_health_answers_need_no_login_and_skip_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200


def test_metrics_are_refused_without_the_token(settings):
    settings.METRICS_TOKEN = "s3cret-token-of-the-operator"
    settings.METRICS_ALLOWED_ADDRESSES = []
    client = Client()
    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", headers={"authorization": "Bearer guess"})
    assert wrong.status_code == 403
    assert b"journeymap_" not in wrong.content
    right = client.get("/metrics", headers={"authorization": "Bearer s3cret-token-of-the-operator"})
    assert right.status_code == 200
    assert b"journeymap_sockets_open" in right.content


def test_metrics_are_refused_to_an_address_not_allowed(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8"]
    assert Client(REMOTE_ADDR="192.0.2.7").get("/metrics").status_code == 403
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200


def test_production_keeps_database_connections():
    """DEBUG=0 keeps a connection 60 s and checks it before reuse; development opens one
    a request, as before (journeymap.settings, docs/operations.md)."""
    import subprocess
    import sys

    code = (
        "import django, os; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "journeymap.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "example.com",
        "PATH": "/usr/bin:/bin",
    }
    production = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert production.stdout.split() == ["60", "True"]
    development = subprocess.run(
        [sys.executable, "-c", code], env={**env, "DEBUG": "1"}, capture_output=True, text=True
    )
    assert development.stdout.split() == ["0", "True"]


@pytest.mark.django_db(transaction=True)
async def test_the_counters_move_with_the_live_board(board, members, settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]
    committed = metric("journeymap_ops_committed_total")
    commits = metric("journeymap_commit_seconds_count")
    refused = metric("journeymap_frames_refused_total", code="forbidden")
    open_before = metric("journeymap_sockets_open")

    editor, _, snapshot = await join(members["editor"], board)
    viewer, _, _ = await join(members["viewer"], board)
    assert metric("journeymap_sockets_open") == open_before + 2
    phase = snapshot["state"]["phases"][0]["id"]
    card = {"op": "card.create", "id": new_id(), "kind": "touchpoint", "phase": phase}
    assert (await send_ops(editor, [card]))["type"] == "ack"
    await receive_type(viewer, "patch")
    assert (await send_ops(viewer, [{"op": "card.delete", "id": card["id"]}]))["code"] == (
        "forbidden"
    )
    assert metric("journeymap_ops_committed_total") == committed + 1
    assert metric("journeymap_commit_seconds_count") >= commits + 1
    assert metric("journeymap_frames_refused_total", code="forbidden") == refused + 1

    page = await sync_to_async(Client(REMOTE_ADDR="127.0.0.1").get)("/metrics")
    assert b"journeymap_ops_committed_total" in page.content
    await editor.disconnect()
    await viewer.disconnect()
    assert metric("journeymap_sockets_open") == open_before


@pytest.mark.django_db
def test_json_logs_carry_the_request_context(board, outsider):
    """LOG_FORMAT=json: one object a line, with the request id (also in X-Request-ID),
    the signed-in person and the board a request was about."""
    from journeymap.logs import ContextFilter, JsonFormatter

    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    django_request = logging.getLogger("django.request")
    django_request.addHandler(handler)
    client = Client()
    client.force_login(outsider)
    try:
        # Not the outsider's board: Django logs the 404 as a warning.
        response = client.get(f"/boards/{board.pk}/", headers={"x-request-id": "req-12345678"})
    finally:
        django_request.removeHandler(handler)
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-12345678"
    [line] = lines
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["message"].startswith("Not Found")
    assert entry["request_id"] == "req-12345678"
    assert entry["user_id"] == outsider.pk
    assert entry["board_id"] == str(board.pk)


def test_a_request_id_that_is_not_one_is_replaced(client):
    response = client.get("/healthz", headers={"x-request-id": "evil\nline"})
    assert response["X-Request-ID"] != "evil\nline"
    assert len(response["X-Request-ID"]) == 32
