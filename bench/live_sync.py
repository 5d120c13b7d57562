"""Live-sync benchmark: one daphne process, PostgreSQL + Redis, many clients on one board.

Run from the project root:

    .venv/bin/python bench/live_sync.py [--clients 50] [--rate 10] [--seconds 20]
                                        [--throughput-seconds 10]

It creates (or reuses) the database `journeymap_bench` on the local PostgreSQL
(127.0.0.1:5432, user postgres), migrates it, makes one user per client, an organisation
and a fresh board with cards, starts ONE daphne process on a free port against it (Redis
channel layer), connects the clients over real WebSockets and measures:

(a) latency: the clients together send `card.update` ops at `--rate` ops/s; for each op,
    the time from its send to the moment the LAST of the other clients received its patch,
    and the time to the sender's ack. A client receives a message when its bytes reach its
    socket: the kernel's receive timestamp (SO_TIMESTAMPNS, TimedSocket). Beside it: when
    this one process read them off the socket and when it had handled the copies of all
    the clients, which it does one after the other and 50 browsers would not;
(b) throughput: `--senders` clients send ops as fast as acks allow (each keeps `--window`
    ops in flight, and stays under the per-socket frame limit), while every client
    receives every patch; committed ops/s = revisions committed / time.

Everything talks to 127.0.0.1 only; every wait is bounded. The results are printed as
Markdown (docs/performance.md records them). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from websockets.exceptions import ConnectionClosed

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))  # the project's packages, tests.daphne among them

from tests.daphne import DaphneProcess, free_port  # noqa: E402

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_URL = "redis://127.0.0.1:6379/0"
# Production-like settings need a real-looking key; the bench process and daphne share it
# because session data and the session auth hash are signed with it.
SECRET_KEY = "bench-" + "k3y" * 20
EMAIL_DOMAIN = "bench.invalid"
OTHER_LIMIT = 15  # percent of a core used by unrelated processes above which a run is disturbed
TARGETS = {"p50": 10.0, "p99": 50.0, "throughput": 300.0}


# --------------------------------------------------------------------------- setup


def database_url(name: str) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def ensure_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def server_env(args: argparse.Namespace, db_url: str, port: int | None = None) -> dict:
    settings_module = {"core": "journeymap.settings", "pubsub": "pubsub_settings"}[args.layer]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": os.pathsep.join([str(BASE), str(BASE / "bench")]),
        "DATABASE_URL": db_url,
        "REDIS_URL": REDIS_URL,
        "DATABASE_CONN_MAX_AGE": str(args.conn_max_age),
        "DEBUG": "1" if args.debug else "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "INFO",
    }
    if port is not None:
        env["WEBSOCKET_ALLOWED_ORIGINS"] = f"http://127.0.0.1:{port}"
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def migrate(env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE,
        env=env,
        check=True,
        timeout=300,
    )


def setup_django(env: dict) -> None:
    for name in ("DATABASE_URL", "DEBUG", "SECRET_KEY"):
        os.environ[name] = env[name]
    os.environ["DJANGO_SETTINGS_MODULE"] = "journeymap.settings"
    os.environ.pop("REDIS_URL", None)  # the bench process itself sends nothing on the layer
    import django

    django.setup()


@dataclass
class Fixture:
    board_id: str
    cookies: list[str]
    card_ids: list[str]
    phase_id: str


def make_fixture(clients: int, cards: int) -> Fixture:
    """Users, an organisation, a fresh board with `cards` cards, one session per client."""
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.test import Client

    from boards.actions import board_create
    from boards.models import Board, Card, CardKind
    from journeymap.actions import organisation_create
    from journeymap.models import Membership, Organisation, Role, User

    users = []
    for index in range(clients):
        user = User.objects.filter(email=f"bench-{index}@{EMAIL_DOMAIN}").first()
        if user is None:
            user = User.objects.create_user(
                email=f"bench-{index}@{EMAIL_DOMAIN}", password=None, name=f"Bench {index}"
            )
        users.append(user)
    org = Organisation.objects.filter(name="Bench organisation").first()
    if org is None:
        org = organisation_create(name="Bench organisation", creator=users[0])
    for user in users[1:]:
        Membership.objects.get_or_create(
            organisation=org, user=user, defaults={"role": Role.EDITOR}
        )
    Board.objects.filter(organisation=org).delete()  # earlier runs' boards and op logs
    Session.objects.all().delete()  # this database belongs to the benchmark
    board = board_create(
        organisation=org, title="Benchmark board", framework="clm4", created_by=users[0]
    )
    phase = board.phases.order_by("position").first()
    Card.objects.bulk_create(
        Card(
            id=uuid.uuid4(),
            board=board,
            kind=CardKind.TOUCHPOINT,
            phase=phase,
            x=(index % 20) * 200,
            y=(index // 20) * 130,
            text=f"Card {index}",
            author=users[0],
        )
        for index in range(cards)
    )
    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        cookies.append(f"{name}={client.cookies[name].value}")
    card_ids = [str(pk) for pk in Card.objects.filter(board=board).values_list("id", flat=True)]
    return Fixture(str(board.pk), cookies, card_ids, str(phase.pk))


def count_queries(fixture: Fixture) -> list[str]:
    """The SQL that boards.live.commit.commit_ops runs for one card.update (a move)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from boards.live.commit import commit_ops
    from journeymap.models import User

    user = User.objects.get(email=f"bench-0@{EMAIL_DOMAIN}")
    op = {"op": "card.update", "id": fixture.card_ids[0], "x": 10.0, "y": 20.0}
    commit_ops(board_id=fixture.board_id, user=user, op_id=str(uuid.uuid4()), ops=[op])  # warm
    with CaptureQueriesContext(connection) as captured:
        commit_ops(board_id=fixture.board_id, user=user, op_id=str(uuid.uuid4()), ops=[op])
    return [query["sql"] for query in captured.captured_queries]


def machine_facts() -> dict[str, str]:
    import psycopg
    import redis

    facts = {"CPUs (nproc)": str(os.cpu_count())}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                facts["CPU"] = line.split(":", 1)[1].strip()
                break
    facts["Kernel"] = platform.release()
    start = time.perf_counter()
    sum(range(10_000_000))
    facts["sum(range(10**7))"] = f"{(time.perf_counter() - start) * 1000:.0f} ms (one-core speed)"
    facts["Python"] = platform.python_version()
    with psycopg.connect(dbname="postgres", **PG) as conn:
        facts["PostgreSQL"] = conn.execute("SHOW server_version").fetchone()[0]
    client = redis.Redis.from_url(REDIS_URL)
    try:
        facts["Redis"] = client.info("server")["redis_version"]
    finally:
        client.close()
    for package in ("django", "channels", "channels-redis", "daphne", "psycopg", "websockets"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            facts[package] = metadata.version(package)
    return facts


# --------------------------------------------------------------------------- the server


class Daphne(DaphneProcess):
    """The one server under measurement, with what the CPU meter reads of it."""

    def cpu_seconds(self) -> float:
        return proc_cpu_seconds(self.pid)

    def thread_cpu_seconds(self) -> tuple[float, float]:
        """(main thread: the event loop, all other threads: the database thread)."""
        main = proc_cpu_seconds(self.pid)
        others = 0.0
        for task in Path(f"/proc/{self.pid}/task").glob("[0-9]*"):
            if int(task.name) != self.pid:
                others += proc_cpu_seconds(self.pid, int(task.name))
        return main - others, others


TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu_seconds(pid: int, tid: int | None = None) -> float:
    path = Path(f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat")
    try:
        fields = path.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def wait_quiet(seconds: float, threshold: float = 10) -> float:
    """Wait up to `seconds` for 3 quiet 2 s samples in a row; return the last busy percent."""
    deadline = time.monotonic() + seconds
    quiet = 0
    while True:
        busy, total = machine_busy()
        time.sleep(2)
        busy2, total2 = machine_busy()
        percent = (busy2 - busy) / max(total2 - total, 1e-9) * 100
        quiet = quiet + 1 if percent < threshold else 0
        if quiet >= 3 or time.monotonic() > deadline:
            return percent


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


SERVICES = {"postgres", "redis-server"}


def service_cpu() -> dict[int, float]:
    """CPU seconds of each PostgreSQL and Redis process, by pid."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = stat.read_text()
            comm = text[text.index("(") + 1 : text.rindex(")")]
            if comm in SERVICES or comm.startswith("postgres"):
                fields = text.rsplit(")", 1)[1].split()
                found[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    return found


class CpuMeter:
    """CPU use over a phase, in percent of one core: daphne, this process, PostgreSQL and
    Redis together, everything else on the machine ("other", e.g. someone's test run), and
    the whole machine in percent of all cores."""

    def __init__(self, server: Daphne) -> None:
        self.server = server
        self.services = service_cpu()
        self.threads = server.thread_cpu_seconds()
        self.start = (server.cpu_seconds(), time.process_time(), *machine_busy())
        self.wall = time.perf_counter()

    def stop(self) -> dict[str, float]:
        daphne, own, busy, total = (
            self.server.cpu_seconds(),
            time.process_time(),
            *machine_busy(),
        )
        services = sum(
            seconds - self.services.get(pid, 0.0) for pid, seconds in service_cpu().items()
        )
        wall = time.perf_counter() - self.wall
        loop, db = self.server.thread_cpu_seconds()
        threads = {"loop_s": loop - self.threads[0], "db_s": db - self.threads[1]}
        used = {
            "daphne": (daphne - self.start[0]) / wall * 100,
            "bench": (own - self.start[1]) / wall * 100,
            "services": services / wall * 100,
        }
        machine = (busy - self.start[2]) / wall * 100
        return {
            **used,
            **threads,
            "other": max(0.0, machine - sum(used.values())),
            "machine": (busy - self.start[2]) / max(total - self.start[3], 1e-9) * 100,
        }


# --------------------------------------------------------------------------- clients


@dataclass
class OpRecord:
    sender: int
    sent: float
    waiting: int  # peers (other than the sender) that have not yet received the patch
    acked: float | None = None
    rev: int | None = None
    first: float | None = None  # when the first peer (other than the sender) received it
    last: float | None = None  # when the last peer received it
    read: float | None = None  # when this process had read the last peer's copy
    handled: float | None = None  # when this process had handled the last peer's copy
    latest: float | None = None  # the latest receipt so far
    latest_read: float | None = None  # the latest read so far


@dataclass
class Tracker:
    ops: dict[str, OpRecord] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    all_delivered: asyncio.Event = field(default_factory=asyncio.Event)
    outstanding: int = 0
    messages: int = 0  # WebSocket messages the clients received (a bundle is one)
    patches: int = 0  # patches among them

    def reset(self) -> None:
        self.ops.clear()
        self.outstanding = 0
        self.messages = self.patches = 0
        self.all_delivered.clear()


class Peer:
    def __init__(self, index: int, ws, tracker: Tracker, clients: int) -> None:
        self.index, self.ws, self.tracker, self.clients = index, ws, tracker, clients
        self.revs: set[int] = set()
        self.rev = 0
        self.window: asyncio.Semaphore | None = None
        self.closed: str | None = None
        self.reader: asyncio.Task | None = None

    async def read(self) -> None:
        try:
            async for text in self.ws:
                handled = time.perf_counter()
                # The message's last bytes: when the socket received them, when they were read.
                read = getattr(self.ws, "read_at", handled)
                received = min(getattr(self.ws, "received_at", read), read)
                frame = json.loads(text)
                self.tracker.messages += 1
                if frame["type"] == "bundle":  # several commits in one message
                    for inner in frame["frames"]:
                        self.handle(inner, received, read, handled)
                else:
                    self.handle(frame, received, read, handled)
        except Exception as error:  # a closed socket ends the reader; record why
            self.closed = repr(error)
        else:
            self.closed = f"closed {self.ws.close_code}"

    def handle(self, frame: dict, now: float, read: float, handled: float) -> None:
        tracker = self.tracker
        kind = frame["type"]
        if kind == "patch":
            tracker.patches += 1
            self.revs.add(frame["rev"])
            self.rev = max(self.rev, frame["rev"])
            record = tracker.ops.get(frame["op_id"])
            if record is not None and record.sender != self.index:
                if record.first is None or now < record.first:
                    record.first = now
                record.latest = max(record.latest or now, now)
                record.latest_read = max(record.latest_read or read, read)
                record.waiting -= 1
                if record.waiting == 0:
                    record.last, record.read = record.latest, record.latest_read
                    record.handled = handled
                    tracker.outstanding -= 1
                    if tracker.outstanding == 0:
                        tracker.all_delivered.set()
        elif kind == "ack":
            record = tracker.ops.get(frame["op_id"])
            if record is not None:
                record.acked, record.rev = now, frame["rev"]
            if self.window is not None:
                self.window.release()
        elif kind == "error":
            tracker.errors.append(frame)
            if self.window is not None and "op_id" in frame:
                self.window.release()

    async def send_op(self, card_id: str, x: float, y: float) -> None:
        op_id = str(uuid.uuid4())
        frame = {"type": "op", "op_id": op_id, "ops": [{"op": "card.update", "id": card_id}]}
        frame["ops"][0].update(x=x, y=y)
        text = json.dumps(frame)
        record = OpRecord(self.index, time.perf_counter(), self.clients - 1)
        self.tracker.ops[op_id] = record
        self.tracker.outstanding += 1
        self.tracker.all_delivered.clear()
        try:
            await self.ws.send(text)
        except ConnectionClosed as error:
            del self.tracker.ops[op_id]
            self.tracker.outstanding -= 1
            self.closed = self.closed or repr(error)
            if self.window is not None:
                self.window.release()


# Linux's SO_TIMESTAMPNS (the socket module does not name it): the kernel stamps each
# received packet, and recvmsg returns the stamp of the data it read.
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35 if sys.platform == "linux" else None)


class TimedSocket(socket.socket):
    """A client socket that knows when its last-read bytes reached it (the kernel's receive
    timestamp, on the perf_counter clock): one process reading 50 sockets in turn reads the
    last one later than a browser would, and this is what the browser would see."""

    received_at: float | None = None
    clock_offset_ns = 0  # CLOCK_REALTIME - perf_counter, set when connecting

    @classmethod
    def connect_to(cls, port: int) -> TimedSocket:
        plain = socket.create_connection(("127.0.0.1", port), timeout=20)
        plain.settimeout(None)
        sock = cls(fileno=plain.detach())
        if SO_TIMESTAMPNS is not None:
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.clock_offset_ns = time.time_ns() - time.perf_counter_ns()
        return sock

    def recv(self, bufsize: int, flags: int = 0) -> bytes:  # what asyncio's transport calls
        if SO_TIMESTAMPNS is None:
            return super().recv(bufsize, flags)
        data, ancillary, _flags, _address = self.recvmsg(bufsize, socket.CMSG_SPACE(16), flags)
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(payload) >= 16:
                seconds, nanoseconds = struct.unpack("qq", payload[:16])
                stamp = seconds * 1_000_000_000 + nanoseconds - self.clock_offset_ns
                self.received_at = stamp / 1e9
        return data


def timed_connection(sock: TimedSocket):
    """A client connection that notes when its last bytes were received and read."""
    from websockets.asyncio.client import ClientConnection

    class TimedConnection(ClientConnection):
        def data_received(self, data: bytes) -> None:
            self.read_at = time.perf_counter()
            self.received_at = sock.received_at if sock.received_at is not None else self.read_at
            super().data_received(data)

    return TimedConnection


async def connect(index: int, port: int, board_id: str, cookie: str, tracker: Tracker, n: int):
    from websockets.asyncio.client import connect as ws_connect

    sock = TimedSocket.connect_to(port)
    ws = await ws_connect(
        f"ws://127.0.0.1:{port}/ws/boards/{board_id}/",
        sock=sock,
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": cookie},
        compression=None,
        open_timeout=20,
        max_queue=None,
        max_size=2**22,
        create_connection=timed_connection(sock),
    )
    welcome = json.loads(await asyncio.wait_for(ws.recv(), 20))
    if welcome["type"] != "welcome":
        raise RuntimeError(f"client {index}: expected welcome, got {welcome}")
    await ws.send(json.dumps({"type": "sync", "rev": None, "epoch": None}))
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 20))
        if frame["type"] == "snapshot":
            break
    peer = Peer(index, ws, tracker, n)
    peer.rev = frame["rev"]
    peer.reader = asyncio.create_task(peer.read())
    return peer


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary(values_s: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values_s]
    return {
        "count": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "max": max(ms) if ms else float("nan"),
        "mean": statistics.fmean(ms) if ms else float("nan"),
    }


async def wait_delivered(tracker: Tracker, timeout: float) -> None:
    if tracker.outstanding:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(tracker.all_delivered.wait(), timeout)


async def paced_ops(peers: list[Peer], cards: list[str], rate: float, seconds: float) -> None:
    """`rate` ops per second in total, round-robin over the peers, for `seconds`."""
    start = time.perf_counter()
    for k in range(int(rate * seconds)):
        delay = start + k / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        peer = peers[k % len(peers)]
        await peer.send_op(cards[k % len(cards)], float(k % 1000), float(k % 700))


async def latency_phase(peers, tracker, fixture, args, server) -> dict:
    tracker.reset()
    meter = CpuMeter(server)
    await paced_ops(peers, fixture.card_ids, args.rate, args.seconds)
    await wait_delivered(tracker, 10)
    cpu = meter.stop()
    records = list(tracker.ops.values())
    return {
        "sent": len(records),
        "delivered": summary([r.last - r.sent for r in records if r.last is not None]),
        "first": summary([r.first - r.sent for r in records if r.first is not None]),
        "read": summary([r.read - r.sent for r in records if r.read is not None]),
        "handled": summary([r.handled - r.sent for r in records if r.handled is not None]),
        "ack": summary([r.acked - r.sent for r in records if r.acked is not None]),
        "undelivered": sum(r.last is None for r in records),
        "unacked": sum(r.acked is None for r in records),
        "cpu": cpu,
    }


async def pump(peer: Peer, cards: list[str], deadline: float, args) -> None:
    """Send ops back to back: at most `window` unacknowledged, at most `max_rate` a second."""
    peer.window = asyncio.Semaphore(args.window)
    gap = 1 / args.sender_rate
    next_at = time.perf_counter()
    k = 0
    while time.perf_counter() < deadline:
        try:
            await asyncio.wait_for(peer.window.acquire(), 10)
        except TimeoutError:
            return
        now = time.perf_counter()
        if next_at > now:
            await asyncio.sleep(next_at - now)
        next_at = max(next_at, now) + gap
        k += 1
        card = cards[(peer.index * 7919 + k) % len(cards)]
        await peer.send_op(card, float(k % 1000), float(peer.index))


async def throughput_phase(peers, tracker, fixture, args, server) -> dict:
    tracker.reset()
    start_rev = max(p.rev for p in peers)
    senders = peers[: args.senders]
    meter = CpuMeter(server)
    start = time.perf_counter()
    deadline = start + args.throughput_seconds
    await asyncio.gather(*(pump(p, fixture.card_ids, deadline, args) for p in senders))
    sent_end = time.perf_counter()
    # Let the in-flight ops be acknowledged and every patch arrive (bounded).
    ack_deadline = time.perf_counter() + 15
    while time.perf_counter() < ack_deadline and any(r.acked is None for r in tracker.ops.values()):
        await asyncio.sleep(0.02)
    acked = [r for r in tracker.ops.values() if r.acked is not None]
    end_rev = max((r.rev for r in acked), default=start_rev)
    delivery_deadline = time.perf_counter() + 15
    while time.perf_counter() < delivery_deadline and min(p.rev for p in peers) < end_rev:
        await asyncio.sleep(0.02)
    cpu = meter.stop()
    last_ack = max((r.acked for r in acked), default=start)
    last_seen = max((r.last for r in tracker.ops.values() if r.last is not None), default=start)
    expected = set(range(start_rev + 1, end_rev + 1))
    missing = [len(expected - p.revs) for p in peers]
    committed = end_rev - start_rev
    return {
        "sent": len(tracker.ops),
        "committed": committed,
        "acked": len(acked),
        "send_window": sent_end - start,
        "committed_per_s": committed / max(last_ack - start, 1e-9),
        "delivered_per_s": committed / max(last_seen - start, 1e-9),
        "messages": tracker.messages,
        "patches": tracker.patches,
        "peers_complete": sum(m == 0 for m in missing),
        "patches_missing": sum(missing),
        "delivered": summary([r.last - r.sent for r in tracker.ops.values() if r.last]),
        "ack": summary([r.acked - r.sent for r in acked]),
        "cpu": cpu,
    }


@contextlib.contextmanager
def profiling(args, server: Daphne, phase: str):
    """With --profile DIR: sample daphne with py-spy during `phase` (raw collapsed stacks)."""
    if not args.profile:
        yield
        return
    args.profile.mkdir(parents=True, exist_ok=True)
    out = args.profile / f"daphne-{phase}.txt"
    spy = subprocess.Popen(
        [
            *(args.py_spy, "record", "--pid", str(server.pid), "--format", "raw"),
            *("--rate", "200", "--threads", "--nonblocking", "--output", str(out)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        spy.send_signal(2)  # SIGINT: py-spy writes its file and exits
        try:
            spy.wait(timeout=20)
        except subprocess.TimeoutExpired:
            spy.kill()
        args.profiled.append(str(out))


async def run_clients(args, fixture: Fixture, server: Daphne) -> dict:
    tracker = Tracker()
    peers: list[Peer] = []
    try:
        batch = 10
        for first in range(0, args.clients, batch):
            peers += await asyncio.gather(
                *(
                    connect(i, server.port, fixture.board_id, cookie, tracker, args.clients)
                    for i, cookie in enumerate(fixture.cookies)
                    if first <= i < first + batch
                )
            )
        # Let the joined/here presence chatter settle, then measure idle CPU. Together under
        # 4 s: with redis-py >= 8 and CHANNEL_LAYERS hosts without a socket_timeout above
        # channels_redis' 5 s BZPOPMIN, a process whose layer is quiet for 5 s loses a socket
        # every 5 s ("Timeout reading from ..."; journeymap/settings.py sets 30 s).
        await asyncio.sleep(1.5)
        meter = CpuMeter(server)
        await asyncio.sleep(2)
        idle = meter.stop()
        # Warm-up: connections, caches, the single database thread.
        await paced_ops(peers, fixture.card_ids, 20, 2)
        await wait_delivered(tracker, 10)
        with profiling(args, server, "latency"):
            results = {"latency": await latency_phase(peers, tracker, fixture, args, server)}
        results["idle"] = idle
        await asyncio.sleep(0.5)
        with profiling(args, server, "throughput"):
            results["throughput"] = await throughput_phase(peers, tracker, fixture, args, server)
        results["errors"] = tracker.errors[:5]
        results["error_count"] = len(tracker.errors)
        results["closed"] = [p.closed for p in peers if p.closed]
        results["log_bytes"] = server.log.stat().st_size  # what daphne logged before teardown
        return results
    finally:
        for peer in peers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(peer.ws.close(), 5)
            if peer.reader:
                peer.reader.cancel()
                with contextlib.suppress(BaseException):
                    await peer.reader


# --------------------------------------------------------------------------- report


def fmt(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"


def per_op(cpu: dict, ops: int) -> str:
    if not ops:
        return "n/a"
    loop, db = cpu["loop_s"] / ops * 1000, cpu["db_s"] / ops * 1000
    return f"{loop + db:.1f} ms ({loop:.1f} + {db:.1f})"


def report(args, facts, queries, results, log_notes) -> str:
    lat, thr = results["latency"], results["throughput"]
    d, a = lat["delivered"], lat["ack"]
    ok = {
        "p50": d["p50"] <= TARGETS["p50"] and lat["undelivered"] == 0,
        "p99": d["p99"] <= TARGETS["p99"] and lat["undelivered"] == 0,
        "thr": thr["committed_per_s"] >= TARGETS["throughput"] and thr["patches_missing"] == 0,
    }
    yes = {True: "met", False: "**missed**"}
    other = max(lat["cpu"]["other"], thr["cpu"]["other"])
    lines = [
        f"## Live sync: {args.clients} clients, one board, one daphne process",
        "",
        f"**Disturbed run**: other processes used up to {other:.0f}% of a core meanwhile."
        if other > OTHER_LIMIT
        else f"Quiet run: other processes used at most {other:.0f}% of a core meanwhile.",
        "",
        f"Server: DEBUG={int(args.debug)}, DATABASE_CONN_MAX_AGE={args.conn_max_age}, "
        f"channels_redis {args.layer} layer. Latency: {args.rate} ops/s for {args.seconds} s. "
        "Throughput: "
        f"{args.senders} senders, {args.window} in flight each (≤ {args.sender_rate} frames/s "
        f"each) for {args.throughput_seconds} s.",
        "",
        "| measure | target | measured | |",
        "| --- | --- | --- | --- |",
        f"| send → last of {args.clients - 1} peers, p50 | ≤ {TARGETS['p50']:.0f} ms "
        f"| {fmt(d['p50'])} ms | {yes[ok['p50']]} |",
        f"| send → last peer, p99 | ≤ {TARGETS['p99']:.0f} ms | {fmt(d['p99'])} ms "
        f"| {yes[ok['p99']]} |",
        f"| committed ops/s on one board, all clients receiving | ≥ {TARGETS['throughput']:.0f} "
        f"| {fmt(thr['committed_per_s'], 0)} | {yes[ok['thr']]} |",
        "",
        "| phase | ops | send → last peer p50 / p95 / p99 / max (ms) "
        "| ack p50 / p95 / p99 / max (ms) | CPU daphne / bench / PG+Redis / other |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, phase in (("latency", lat), ("throughput", thr)):
        d, a, c = phase["delivered"], phase["ack"], phase["cpu"]
        lines.append(
            f"| {name} | {phase['sent']} | {fmt(d['p50'])} / {fmt(d['p95'])} / {fmt(d['p99'])} / "
            f"{fmt(d['max'])} | {fmt(a['p50'])} / {fmt(a['p95'])} / {fmt(a['p99'])} / "
            f"{fmt(a['max'])} | {c['daphne']:.0f}% / {c['bench']:.0f}% / {c['services']:.0f}% / "
            f"{c['other']:.0f}% |"
        )
    lines += [
        "",
        f"Latency phase: {lat['sent']} ops sent, {lat['undelivered']} not delivered to every "
        f"peer, {lat['unacked']} not acknowledged; send → FIRST other peer p50 "
        f"{fmt(lat['first']['p50'])} ms, p99 {fmt(lat['first']['p99'])} ms. A peer receives "
        "when the bytes reach its socket (the kernel's receive timestamp); this one bench "
        "process reads and handles the peers' copies one after the other, which browsers "
        f"would not: send → it had READ the last peer's copy p50 {fmt(lat['read']['p50'])} "
        f"ms, p99 {fmt(lat['read']['p99'])} ms; had HANDLED it p50 "
        f"{fmt(lat['handled']['p50'])} ms, p99 {fmt(lat['handled']['p99'])} ms.",
        f"Throughput phase: {thr['committed']} ops committed in {fmt(thr['send_window'])} s of "
        f"sending ({fmt(thr['committed_per_s'], 0)} committed/s; every patch at every client: "
        f"{fmt(thr['delivered_per_s'], 0)}/s); clients that received every patch: "
        f"{thr['peers_complete']}/{args.clients}; patches missing in total: "
        f"{thr['patches_missing']}; {thr['patches']} patches reached the clients in "
        f"{thr['messages']} WebSocket messages "
        f"({thr['patches'] / max(thr['messages'], 1):.1f} per message, group commits bundled).",
        "daphne CPU per op (event loop + database thread): latency phase "
        f"{per_op(lat['cpu'], lat['sent'])}; throughput phase "
        f"{per_op(thr['cpu'], thr['committed'])}.",
        f"Error frames: {results['error_count']}; sockets closed early: {len(results['closed'])}.",
        "CPU: percent of one core each; other: the rest of the machine's "
        f"{facts['CPUs (nproc)']} cores' use (not this benchmark). Idle with {args.clients} "
        f"sockets open: daphne {results['idle']['daphne']:.0f}%, other "
        f"{results['idle']['other']:.0f}%. Machine "
        f"busy before daphne started: {results['background']:.0f}% (other work on the machine "
        "skews every figure; run it on a quiet machine).",
        "",
        f"Queries per committed op (`commit_ops`, one card.update): {len(queries)}",
        "",
    ]
    lines += [f"{i}. `{q[:160]}{'…' if len(q) > 160 else ''}`" for i, q in enumerate(queries, 1)]
    lines += ["", "| machine | |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in facts.items()]
    if args.profiled:
        lines += ["", "py-spy samples of daphne: " + ", ".join(args.profiled)]
    if log_notes:
        lines += ["", "daphne log:", *[f"    {note}" for note in log_notes]]
    return "\n".join(lines)


def log_notes(log: Path, upto: int | None) -> list[str]:
    text = log.read_bytes()[:upto].decode(errors="replace")
    notes = []
    over = re.findall(r"(\d+) of (\d+) channels over capacity", text)
    if over:
        notes.append(f"channels_redis: {len(over)} group_send calls hit a full channel")
    timeouts = text.count("Timeout reading from")
    if timeouts:
        notes.append(
            f"{timeouts} consumers died of redis TimeoutError: redis-py >= 8 defaults "
            "socket_timeout to 5 s, as long as channels_redis' BZPOPMIN wait "
            "(django/channels_redis#422)"
        )
    tracebacks = text.count("Traceback")
    if tracebacks:
        notes.append(f"{tracebacks} tracebacks (see {log})")
    return notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=float, default=10, help="ops/s in the latency phase")
    parser.add_argument("--seconds", type=float, default=20, help="latency phase length")
    parser.add_argument("--throughput-seconds", type=float, default=10)
    parser.add_argument("--senders", type=int, default=10, help="clients sending at full speed")
    parser.add_argument("--window", type=int, default=4, help="unacknowledged ops per sender")
    parser.add_argument(
        "--sender-rate",
        type=float,
        default=50,
        help="frames/s cap per sender (the server closes a socket above WEBSOCKET_RATE=60)",
    )
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--database", default="journeymap_bench")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="DATABASE_CONN_MAX_AGE for daphne (0: a new connection for each op)",
    )
    parser.add_argument("--debug", action="store_true", help="run daphne with DEBUG=1")
    parser.add_argument(
        "--layer",
        choices=["core", "pubsub"],
        default="core",
        help="channels_redis layer: core (the app's setting) or pubsub (bench/pubsub_settings.py)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for the machine to be idle (other work skews results)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--profile", type=Path, help="sample daphne with py-spy into this dir")
    parser.add_argument("--py-spy", default="py-spy", help="the py-spy executable")
    args = parser.parse_args()
    args.profiled = []
    if args.clients < 2 or args.senders > args.clients:
        parser.error("need at least 2 clients and no more senders than clients")

    db_url = database_url(args.database)
    ensure_database(args.database)
    env = server_env(args, db_url)
    migrate(env)
    setup_django(env)
    fixture = make_fixture(args.clients, args.cards)
    queries = count_queries(fixture)
    from django.db import connections

    connections.close_all()
    facts = machine_facts()
    background = wait_quiet(args.wait_quiet)

    port = free_port()
    log = Path(tempfile.gettempdir()) / f"journeymap-bench-daphne-{port}.log"
    server = Daphne(env=server_env(args, db_url, port), port=port, log=log)
    server.start()
    try:
        results = asyncio.run(run_clients(args, fixture, server))
    finally:
        server.stop()
    results["background"] = background
    print(report(args, facts, queries, results, log_notes(log, results.get("log_bytes"))))
    if args.json:
        args.json.write_text(json.dumps({"facts": facts, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
