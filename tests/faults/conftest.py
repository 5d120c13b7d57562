"""The fault suite's world: private PostgreSQL and Redis (tests/faults/services.py), the
app migrated into it, a board with editors, and two daphne processes serving it through
the private Redis, as production runs. One world per module: the scenarios run one after
the other on the same board, each checking that nothing acknowledged was lost so far."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from tests.daphne import BASE, RESULTS, DaphneProcess
from tests.faults.services import PrivatePostgres, PrivateRedis

# CI runs the reduced form; FAULTS_FULL=1 the sizes the issue names (1,000 sockets).
FULL = os.environ.get("FAULTS_FULL") == "1"
EDITORS = 6
MASS_SOCKETS = 1000 if FULL else 300


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=BASE, env=env, capture_output=True, text=True, timeout=300
    )
    if done.returncode:
        raise RuntimeError(f"{args} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@pytest.fixture(scope="module")
def world():
    postgres, redis = PrivatePostgres(), PrivateRedis()
    servers: list[DaphneProcess] = []
    try:
        postgres.create()
        redis.start()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "journeymap.settings",
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        _manage(env, "manage.py", "migrate", "--noinput", "-v", "0")
        seeded = json.loads(_manage(env, "-m", "tests.faults.seed", str(EDITORS + 1)))
        server_env = {
            "DATABASE_CONN_MAX_AGE": "60",  # production's default (DEBUG is on here)
            "WEBSOCKET_MAX_SOCKETS_PER_USER": str(MASS_SOCKETS + 10),
            "CHANNEL_GROUP_EXPIRY": "20",  # renewed every 5 s: a flush heals quickly
            "REDIS_MAX_CONNECTIONS": "8",  # a burst must queue, not fail
        }
        for name in ("faults-a", "faults-b"):
            server = DaphneProcess(
                database_url=postgres.url, redis_url=redis.url, env=server_env, name=name
            )
            server.start()
            servers.append(server)
        yield SimpleNamespace(
            postgres=postgres,
            redis=redis,
            servers=servers,
            board=seeded["board"],
            cookies=seeded["cookies"][:EDITORS],
            watcher_cookie=seeded["cookies"][EDITORS],
            acked={},  # every op_id acknowledged so far -> its card
        )
    finally:
        for server in servers:
            server.stop()
        redis.kill()
        postgres.destroy()


def unexplained_tracebacks(server: DaphneProcess) -> list[str]:
    """Tracebacks in a server's log that no log line of ours explains: each must follow
    one of the messages the code logs on purpose (docs/operations.md, "What to watch")."""
    explained = ("Committing ops on board",)
    lines = server.log.read_text(errors="replace").splitlines()
    found = []
    for index, line in enumerate(lines):
        if line.startswith("Traceback"):
            before = lines[index - 1] if index else ""
            if not any(message in before for message in explained):
                found.append("\n".join(lines[max(0, index - 2) : index + 30]))
    return found


@pytest.fixture
def logs_clean(world):
    """After the test: no unexplained traceback in either server's log."""
    marks = {server.port: server.log.stat().st_size for server in world.servers}
    yield
    for server in world.servers:
        text = server.log.read_bytes()[marks[server.port] :].decode(errors="replace")
        tmp = RESULTS / f"faults-tail-{server.port}.log"
        tmp.write_text(text)
        found = unexplained_tracebacks(SimpleNamespace(log=tmp))
        assert not found, f"unexplained traceback in {server.log}:\n{found[0]}"
