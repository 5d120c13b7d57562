"""A client written from docs/protocol.md alone, as the fault suite's editors: it keeps
every op frame in an outbox until the server acknowledges it, and after any close
reconnects (to the next server) and re-sends what is unacknowledged, with the same
op_ids, in the order first sent."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

RECONNECT_SECONDS = 0.2


class Editor:
    def __init__(self, name: str, servers: list, board: str, cookie: str) -> None:
        self.name = name
        self.servers = itertools.cycle(servers)
        self.server = next(self.servers)
        self.board = board
        self.cookie = cookie
        self.outbox: dict[str, str] = {}  # op_id -> frame text, in sending order
        self.acked: dict[str, str] = {}  # op_id -> the id of the card it created
        self.created: dict[str, str] = {}  # op_id -> card id, for every op made
        self.refused: list[dict] = []
        self.closes: list[int] = []
        self.count = 0
        self.connected = asyncio.Event()
        self.ack_times: list[float] = []

    def _headers(self) -> dict:
        return {"Cookie": self.cookie, "Origin": self.server.origin}

    async def open(self):
        ws = await connect(
            f"{self.server.ws_url}/ws/boards/{self.board}/",
            additional_headers=self._headers(),
            open_timeout=10,
            max_size=None,
        )
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome", welcome
        return ws, welcome

    async def snapshot(self) -> dict:
        """A fresh connection's view of the board: its snapshot's state."""
        ws, _welcome = await self.open()
        try:
            await ws.send(json.dumps({"type": "sync", "rev": None, "epoch": None}))
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if frame["type"] == "snapshot":
                    return frame
        finally:
            await ws.close()

    def _new_op(self) -> None:
        self.count += 1
        op_id, card = str(uuid.uuid4()), str(uuid.uuid4())
        self.created[op_id] = card
        self.outbox[op_id] = json.dumps(
            {
                "type": "op",
                "op_id": op_id,
                "ops": [
                    {"op": "card.create", "id": card, "kind": "touchpoint"}
                    | {"text": f"{self.name} #{self.count}", "x": self.count, "y": 0}
                ],
            }
        )

    async def _read(self, ws) -> None:
        async for text in ws:
            frame = json.loads(text)
            if frame["type"] == "ack":
                self.outbox.pop(frame["op_id"], None)
                self.acked[frame["op_id"]] = self.created[frame["op_id"]]
                self.ack_times.append(time.monotonic())
            elif frame["type"] == "error" and frame.get("op_id") in self.outbox:
                self.outbox.pop(frame["op_id"])
                self.refused.append(frame)

    async def run(self, stop: asyncio.Event, interval: float) -> None:
        """Make an op every `interval` seconds until `stop`, then until all are acked."""
        while not (stop.is_set() and not self.outbox):
            try:
                ws, _welcome = await self.open()
            except (OSError, InvalidStatus, TimeoutError, ConnectionClosed, AssertionError):
                await self._next_server()
                continue
            reader = asyncio.ensure_future(self._read(ws))
            try:
                self.connected.set()
                for text in list(self.outbox.values()):  # unacked, in the order first sent
                    await ws.send(text)
                while not reader.done():
                    if stop.is_set():
                        if not self.outbox:
                            break
                    else:
                        self._new_op()
                        await ws.send(next(reversed(self.outbox.values())))
                    await asyncio.wait([reader], timeout=interval)
            except ConnectionClosed:
                pass
            finally:
                await ws.close()
                await asyncio.gather(reader, return_exceptions=True)
                if ws.close_code not in (None, 1000):
                    self.closes.append(ws.close_code)
            if not (stop.is_set() and not self.outbox):
                await self._next_server()

    async def _next_server(self) -> None:
        self.connected.clear()
        await asyncio.sleep(RECONNECT_SECONDS)
        self.server = next(self.servers)


class Watcher:
    """A socket on one server that records what reaches it: every frame's text, with the
    time it came, to see another process's patches and people arrive and leave."""

    def __init__(self, server, board: str, cookie: str) -> None:
        self.server, self.board, self.cookie = server, board, cookie
        self.frames: list[tuple[float, dict]] = []
        self.task: asyncio.Task | None = None
        self.ws = None

    async def start(self) -> None:
        self.ws = await connect(
            f"{self.server.ws_url}/ws/boards/{self.board}/",
            additional_headers={"Cookie": self.cookie, "Origin": self.server.origin},
            open_timeout=10,
            max_size=None,
        )
        self.task = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for text in self.ws:
            self.frames.append((time.monotonic(), json.loads(text)))

    def seen(self, needle: str, since: float = 0.0) -> float | None:
        """When a frame mentioning `needle` (a card id, a session) first came after `since`."""
        for at, frame in self.frames:
            if at >= since and needle in json.dumps(frame):
                return at
        return None

    async def stop(self) -> None:
        await self.ws.close()
        await asyncio.gather(self.task, return_exceptions=True)
