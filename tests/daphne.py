"""The app served by a real daphne process, for the tests and benches that need sockets
over TCP: the browser tests, the two-process tests and the benches.

channels' test communicator runs the consumer in this process; these need what
production runs instead. A subprocess rather than ChannelsLiveServerTestCase, which works
only with a file SQLite test database and an explicit PostgreSQL test name, and whose
forked server's sockets hang after any earlier sync_to_async in the process (asgiref's
single-thread executor does not survive fork()). Nothing here imports Django at module
level, so a bench can import it before it sets Django up.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
RESULTS = BASE / "test-results"
HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nothing listens on right now (the kernel's choice)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """pytest-django's test database as a DATABASE_URL for a subprocess. Call it where
    the database is unblocked; for SQLite the test database must be a file."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or HOST}:{db.get('PORT') or 5432}/{db['NAME']}"


class DaphneProcess:
    """One daphne process serving journeymap.asgi on 127.0.0.1 and a free port.

    `env` adds to (or overrides) this process's environment; `args` are more daphne
    options (e.g. its message limit); `redis_url` sets REDIS_URL
    (without it the subprocess inherits this process's, if any). Its output goes to `log`
    (default test-results/<name>-<port>.log), emptied at the first start and appended to
    on restarts. stop() and start() again keep the port, as a reconnect test needs.
    """

    def __init__(
        self,
        *,
        database_url: str | None = None,
        redis_url: str | None = None,
        env: dict[str, str] | None = None,
        port: int | None = None,
        log: Path | None = None,
        name: str = "daphne",
        start_timeout: float = 30,
        args: list[str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.origin = self.url  # what a browser on this server sends as Origin
        self.ws_url = f"ws://{HOST}:{self.port}"
        self.log = log or RESULTS / f"{name}-{self.port}.log"
        self.start_timeout = start_timeout
        self.args = list(args or [])
        self.process: subprocess.Popen | None = None
        self._started_once = False
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "journeymap.settings",
            # DEBUG serves the static files through the finders (no collectstatic needed).
            "DEBUG": "1",
            "ALLOWED_HOSTS": f"{HOST},localhost",
        }
        if database_url is not None:
            self.env["DATABASE_URL"] = database_url
        if redis_url is not None:
            self.env["REDIS_URL"] = redis_url
        self.env.update(env or {})
        # Only the test process runs the ORM beside an event loop; the server must not.
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int:
        assert self.process is not None, "daphne is not running"
        return self.process.pid

    def start(self) -> None:
        """Start daphne and wait until its port accepts a connection. Raises RuntimeError
        naming the log (and quoting its end) if it exits or stays silent."""
        assert not self.running, f"daphne already runs on port {self.port}"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        mode = "ab" if self._started_once else "wb"
        self._started_once = True
        command = [sys.executable, "-m", "daphne", "-b", HOST, "-p", str(self.port)]
        with self.log.open(mode) as log:
            self.process = subprocess.Popen(
                [*command, *self.args, "journeymap.asgi:application"],
                cwd=BASE,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                self.process = None
                raise RuntimeError(self._failure(f"daphne exited with code {code}"))
            try:
                socket.create_connection((HOST, self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            self._failure(f"daphne did not answer on port {self.port} in {self.start_timeout} s")
        )

    def stop(self) -> None:
        """Terminate daphne (kill it if it does not go within 10 s); safe to call twice."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> DaphneProcess:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _failure(self, what: str) -> str:
        try:
            tail = self.log.read_text(errors="replace").splitlines()[-20:]
        except OSError:
            tail = []
        quoted = "".join(f"\n    {line}" for line in tail)
        return f"{what}; its log is {self.log}" + (f", which ends:{quoted}" if tail else "")
