"""A client of the live protocol written from docs/protocol.md alone, for the tests.

`apply_ops` applies patch ops to a board state of the exact shape of
`boards.selectors.board_state` ("Ops", "Ops in a patch"): phases sorted by position
0..n-1, cards, arrows and links without the deleted ones. Deleted cards, arrows and
links go to a `trash` kept beside the state (not part of it), so that a later
`card.restore`, `arrow.restore` or `link.restore`, which names only the id, can bring
them back.

`Client` follows the spec's "Client algorithm" over a `WebsocketCommunicator`: the
confirmed state at `rev` of `epoch`, a queue of pending op frames keyed by `op_id`,
early patches kept until the gap before them is filled, and a `sync` whenever a patch,
an ack or a pong shows that something was missed. Timers are replaced by explicit calls:
`pump()` handles what has arrived and syncs when a gap stays open once the socket goes
quiet, `settle()` is the heartbeat (ping, and sync on a newer pong).
"""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from collections import Counter
from dataclasses import dataclass

from asgiref.sync import sync_to_async

from tests.ws import open_socket

MIN_PHASES, MAX_PHASES = 2, 8
CARD_FIELDS = (
    "kind",
    "phase",
    "x",
    "y",
    "w",
    "h",
    "text",
    "colour",
    "channel",
    "priority",
    "owner",
    "kpi",
    "locked",
    "status",
    "due",
)
CARD_DEFAULTS = {
    "phase": None,
    "x": 0.0,
    "y": 0.0,
    "w": 180.0,
    "h": 110.0,
    "text": "",
    "colour": "",
    "channel": "",
    "priority": "",
    "owner": None,
    "kpi": "",
    "locked": False,
    "status": "",
    "due": "",
}
ARROW_FIELDS = ("from", "to", "label", "weight", "movement")
LINK_SOURCE_KINDS = ("activity", "opportunity")
LINK_TARGET_KINDS = ("touchpoint",)
PHASE_FIELDS = ("name", "colour", "kpis", "locked")


class Mismatch(Exception):
    """An op does not fit the state: the server would have refused it, so a patch that
    holds it means the client's state is not the server's."""


class Incomplete(Mismatch):
    """A restore of something this state never saw (deleted before it was loaded): only a
    snapshot can tell what it was."""


def empty_trash() -> dict:
    return {"cards": {}, "arrows": {}, "links": {}}


def apply_ops(
    state: dict,
    ops: list[dict],
    *,
    by: int | None = None,
    trash: dict | None = None,
    strict: bool = False,
) -> None:
    """Apply `ops` in order to `state`, changing it. `by` is the author (a patch's `by`),
    the `author` of created cards. Lenient by default, like a view: an op that does not fit
    changes nothing. With `strict`, such an op raises `Mismatch` (the ops before it stay
    applied: callers then ask for a snapshot)."""
    trash = empty_trash() if trash is None else trash
    for op in ops:
        try:
            _HANDLERS[op["op"]](state, op, by, trash)
        except Mismatch:
            if strict:
                raise


def canonical(state: dict) -> dict:
    """The state with cards and arrows in id order: the protocol orders them by creation,
    which a client cannot reproduce exactly (a restored card comes back where it was)."""
    return {
        "board": state["board"],
        "phases": state["phases"],
        "cards": sorted(state["cards"], key=lambda card: card["id"]),
        "arrows": sorted(state["arrows"], key=lambda arrow: arrow["id"]),
        "links": sorted(state["links"], key=lambda link: link["id"]),
    }


def _index(items: list[dict], ident: str) -> int:
    for index, item in enumerate(items):
        if item["id"] == ident:
            return index
    return -1


def _card(state: dict, ident: str) -> dict:
    index = _index(state["cards"], ident)
    if index == -1:
        raise Mismatch(f"no live card {ident}")
    return state["cards"][index]


def _phase_exists(state: dict, ident: str | None) -> bool:
    return ident is None or _index(state["phases"], ident) != -1


def _renumber(phases: list[dict]) -> None:
    for position, phase in enumerate(phases):
        phase["position"] = position


def _delete_arrow(state: dict, trash: dict, ident: str) -> None:
    index = _index(state["arrows"], ident)
    if index != -1:
        trash["arrows"][ident] = state["arrows"].pop(index)


def _delete_link(state: dict, trash: dict, ident: str) -> None:
    index = _index(state["links"], ident)
    if index != -1:
        trash["links"][ident] = state["links"].pop(index)


def _delete_card(state: dict, trash: dict, ident: str) -> None:
    index = _index(state["cards"], ident)
    if index == -1:
        return  # deleting a deleted card is harmless
    for arrow in [a for a in state["arrows"] if ident in (a["from"], a["to"])]:
        _delete_arrow(state, trash, arrow["id"])
    for link in [k for k in state["links"] if ident in (k["from"], k["to"])]:
        _delete_link(state, trash, link["id"])
    trash["cards"][ident] = state["cards"].pop(index)


def _card_create(state, op, by, trash):
    if _index(state["cards"], op["id"]) != -1 or op["id"] in trash["cards"]:
        raise Mismatch(f"card {op['id']} exists")
    card = {"id": op["id"], "kind": op["kind"], **CARD_DEFAULTS}
    card.update({name: op[name] for name in CARD_FIELDS if name in op})
    if not _phase_exists(state, card["phase"]):
        raise Mismatch(f"no phase {card['phase']}")
    card["author"] = by
    if op.get("private"):
        card["private"] = True  # one's own card in a private writing round
    state["cards"].append(card)


def _card_update(state, op, by, trash):
    card = _card(state, op["id"])
    if "phase" in op and not _phase_exists(state, op["phase"]):
        raise Mismatch(f"no phase {op['phase']}")
    card.update({name: op[name] for name in CARD_FIELDS if name in op})
    # The patch lists the links a kind change no longer allows before this op; a view
    # applying a local edit drops them here.
    for link in [k for k in state["links"] if card["id"] in (k["from"], k["to"])]:
        if not _link_fits(state, link["from"], link["to"], link["id"]):
            _delete_link(state, trash, link["id"])


def _card_delete(state, op, by, trash):
    _delete_card(state, trash, op["id"])


def _card_restore(state, op, by, trash):
    if _index(state["cards"], op["id"]) != -1:
        return
    card = trash["cards"].pop(op["id"], None)
    if card is None:
        raise Incomplete(f"card {op['id']} was deleted before this state was loaded")
    if not _phase_exists(state, card["phase"]):
        card["phase"] = None  # its phase was deleted meanwhile
    state["cards"].append(card)


def _card_reveal(state, op, by, trash):
    # The reveal of a private writing round: the whole card, added or replaced.
    card = copy.deepcopy(op["card"])
    if not _phase_exists(state, card["phase"]):
        card["phase"] = None
    trash["cards"].pop(op["id"], None)
    index = _index(state["cards"], op["id"])
    if index == -1:
        state["cards"].append(card)
    else:
        state["cards"][index] = card


def _check_ends(state: dict, start: str, end: str) -> None:
    if start == end:
        raise Mismatch("an arrow joins two different cards")
    _card(state, start)
    _card(state, end)


def _arrow_create(state, op, by, trash):
    if _index(state["arrows"], op["id"]) != -1 or op["id"] in trash["arrows"]:
        raise Mismatch(f"arrow {op['id']} exists")
    _check_ends(state, op["from"], op["to"])
    state["arrows"].append(
        {
            "id": op["id"],
            "from": op["from"],
            "to": op["to"],
            "label": op.get("label", ""),
            "weight": op.get("weight"),
            "movement": op.get("movement", "fall_back"),
        }
    )


def _arrow_update(state, op, by, trash):
    index = _index(state["arrows"], op["id"])
    if index == -1:
        raise Mismatch(f"no live arrow {op['id']}")
    arrow = state["arrows"][index]
    _check_ends(state, op.get("from", arrow["from"]), op.get("to", arrow["to"]))
    arrow.update({name: op[name] for name in ARROW_FIELDS if name in op})


def _arrow_delete(state, op, by, trash):
    _delete_arrow(state, trash, op["id"])


def _arrow_restore(state, op, by, trash):
    if _index(state["arrows"], op["id"]) != -1:
        return
    # A patch carries the whole arrow (a private round's reveal brings ones never seen).
    arrow = trash["arrows"].get(op["id"]) or copy.deepcopy(op.get("arrow"))
    if arrow is None:
        raise Incomplete(f"arrow {op['id']} was deleted before this state was loaded")
    _check_ends(state, arrow["from"], arrow["to"])
    trash["arrows"].pop(op["id"], None)
    state["arrows"].append(arrow)


def _link_fits(state: dict, start: str, end: str, ident: str) -> bool:
    """Both ends alive and of the kinds a link joins, and the pair not linked otherwise."""
    kinds = {card["id"]: card["kind"] for card in state["cards"]}
    return (
        kinds.get(start) in LINK_SOURCE_KINDS
        and kinds.get(end) in LINK_TARGET_KINDS
        and not any(
            k["id"] != ident and (k["from"], k["to"]) == (start, end) for k in state["links"]
        )
    )


def _link_create(state, op, by, trash):
    if _index(state["links"], op["id"]) != -1 or op["id"] in trash["links"]:
        raise Mismatch(f"link {op['id']} exists")
    if not _link_fits(state, op["from"], op["to"], op["id"]):
        raise Mismatch("a link joins a live activity or opportunity to a live touchpoint")
    state["links"].append({"id": op["id"], "from": op["from"], "to": op["to"]})


def _link_delete(state, op, by, trash):
    _delete_link(state, trash, op["id"])


def _link_restore(state, op, by, trash):
    if _index(state["links"], op["id"]) != -1:
        return
    link = trash["links"].get(op["id"]) or copy.deepcopy(op.get("link"))
    if link is None:
        raise Incomplete(f"link {op['id']} was deleted before this state was loaded")
    if not _link_fits(state, link["from"], link["to"], link["id"]):
        raise Mismatch("a restored link must still fit")
    trash["links"].pop(op["id"], None)
    state["links"].append(link)


def _phase_create(state, op, by, trash):
    phases = state["phases"]
    if _index(phases, op["id"]) != -1:
        raise Mismatch(f"phase {op['id']} exists")
    if len(phases) >= MAX_PHASES:
        raise Mismatch("too many phases")
    phase = {
        "id": op["id"],
        "position": 0,
        "name": op["name"].strip(),
        "colour": op.get("colour") or "",
        "kpis": copy.deepcopy(op.get("kpis", [])),
        "locked": op.get("locked", False),
    }
    phases.insert(min(op["position"], len(phases)), phase)
    _renumber(phases)


def _phase_update(state, op, by, trash):
    index = _index(state["phases"], op["id"])
    if index == -1:
        raise Mismatch(f"no phase {op['id']}")
    phase = state["phases"][index]
    phase.update({name: copy.deepcopy(op[name]) for name in PHASE_FIELDS if name in op})
    if "name" in op:
        phase["name"] = op["name"].strip()


def _phase_move(state, op, by, trash):
    phases = state["phases"]
    index = _index(phases, op["id"])
    if index == -1:
        raise Mismatch(f"no phase {op['id']}")
    phase = phases.pop(index)
    phases.insert(min(op["position"], len(phases)), phase)
    _renumber(phases)


def _phase_delete(state, op, by, trash):
    phases = state["phases"]
    index = _index(phases, op["id"])
    if index == -1:
        raise Mismatch(f"no phase {op['id']}")
    if len(phases) <= MIN_PHASES:
        raise Mismatch("too few phases")
    if op["cards"] == "move" and (op.get("to") == op["id"] or not _phase_exists(state, op["to"])):
        raise Mismatch("cards move to another phase")
    # The patch spells these out before the phase.delete; do them anyway for a view.
    for card in [c for c in state["cards"] if c["phase"] == op["id"]]:
        if op["cards"] == "move":
            card["phase"] = op["to"]
        else:
            _delete_card(state, trash, card["id"])
    for card in trash["cards"].values():
        if card["phase"] == op["id"]:
            card["phase"] = None
    phases.pop(index)
    _renumber(phases)


def _board_update(state, op, by, trash):
    if "title" in op:
        state["board"]["title"] = op["title"].strip()
    if "stage" in op:
        state["board"]["stage"] = op["stage"]
    if "locked" in op:
        state["board"]["locked"] = op["locked"]


_HANDLERS = {
    "card.create": _card_create,
    "card.update": _card_update,
    "card.delete": _card_delete,
    "card.restore": _card_restore,
    "card.reveal": _card_reveal,
    "arrow.create": _arrow_create,
    "arrow.update": _arrow_update,
    "arrow.delete": _arrow_delete,
    "arrow.restore": _arrow_restore,
    "phase.create": _phase_create,
    "phase.update": _phase_update,
    "phase.move": _phase_move,
    "phase.delete": _phase_delete,
    "board.update": _board_update,
    "link.create": _link_create,
    "link.delete": _link_delete,
    "link.restore": _link_restore,
}


@dataclass
class Pending:
    op_id: str
    ops: list[dict]
    acked_rev: int | None = None  # committed as this revision; its patch not seen yet
    sent_on: int | None = None  # the connection (serial) it was last sent on


class Client:
    """One page of the board, as docs/protocol.md "Client algorithm" describes it.

    `confirmed` is the server's board at `rev` (strictly checked: a patch that does not fit
    counts as a mismatch and asks for a snapshot); `view()` is it with the pending edits on
    top. `syncs` counts the syncs sent by reason ("connect", "gap", "ack", "pong",
    "epoch", "snapshot"); `frames` keeps every frame received, `answers` the snapshot and
    patches among them, `errors` the error frames; `closes` every close code the server
    sent."""

    QUIET = 0.02  # seconds without a frame after which pump() checks for gaps

    def __init__(self, user, board, name: str = "") -> None:
        self.user = user
        self.board = board
        self.name = name or getattr(user, "email", "client")
        self.communicator = None
        self.serial = 0
        self.welcome: dict | None = None
        self.confirmed: dict | None = None
        self.trash = empty_trash()
        self.rev: int | None = None
        self.epoch: int | None = None
        self.pending: list[Pending] = []
        self.early: dict[int, dict] = {}
        self.sync_in_flight = False
        self.people: dict[str, dict] = {}
        self.last_pong: dict | None = None
        self.made: list[str] = []  # the op_id of every local edit
        self.errors: list[dict] = []
        self.acks: list[dict] = []
        self.closes: list[int] = []
        self.syncs: Counter = Counter()
        self.frames: list[dict] = []  # every frame received, in order
        self.answers: list[dict] = []  # the snapshot and patches frames among them
        self.mismatches = 0
        self.outbox: list[dict] = []

    def __repr__(self) -> str:
        return f"<Client {self.name} rev={self.rev} pending={len(self.pending)}>"

    # Connection.

    @property
    def connected(self) -> bool:
        return self.communicator is not None

    async def connect(self) -> None:
        """Open a socket, wait for `welcome`, send `sync {rev, epoch}` and wait until it
        is answered (re-sending the pending edits)."""
        assert not self.connected
        communicator, connected = await open_socket(self.user, self.board)
        assert connected, f"{self.name} could not connect"
        self.communicator = communicator
        self.serial += 1
        self.sync_in_flight = False
        self.early.clear()
        self.people.clear()
        frame = await self._next(timeout=5)
        assert frame is not None, f"{self.name}: no welcome"
        assert frame["type"] == "welcome", frame
        self._handle(frame)
        self._sync("connect")
        await self._flush()
        await self.pump(until=lambda: not self.sync_in_flight)

    async def disconnect(self, timeout: float = 5) -> None:
        """Drop the socket (a transient close): what was sent may or may not have been
        applied; what arrives no more is lost. Pending edits stay pending."""
        if self.communicator is not None:
            communicator, self.communicator = self.communicator, None
            await communicator.disconnect(timeout=timeout)
        self.sync_in_flight = False
        self.outbox.clear()

    # Local edits.

    async def edit(self, ops: list[dict], op_id: str | None = None) -> str:
        """A local edit: queue it as pending and send it when connected."""
        entry = Pending(op_id or str(uuid.uuid4()), ops)
        self.made.append(entry.op_id)
        self.pending.append(entry)
        if self.connected:
            self._send_entry(entry)
            await self._flush()
        return entry.op_id

    def view(self) -> dict:
        """What the person sees: `confirmed` with every pending edit applied on top."""
        state = copy.deepcopy(self.confirmed)
        trash = copy.deepcopy(self.trash)
        for entry in self.pending:
            apply_ops(state, entry.ops, by=self.user.pk, trash=trash)
        return state

    # Receiving.

    async def pump(self, until=None, timeout: float = 15) -> None:
        """Handle frames until the socket is quiet (or `until()` holds), syncing when a gap
        stays open once nothing else arrives."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.connected:
            if until is not None and until():
                return
            frame = await self._next(timeout=self.QUIET)
            if frame is not None:
                self._handle(frame)
                await self._flush()
                continue
            if not self.sync_in_flight and self._gap():
                self._sync(self._gap())
                await self._flush()
                continue
            if until is None and not self.sync_in_flight:
                return
            if loop.time() > deadline:
                raise AssertionError(f"{self.name}: nothing came in {timeout} s ({self!r})")

    async def ping(self) -> dict:
        """The heartbeat: send `ping`, handle frames up to the `pong` (which syncs when it
        shows a newer revision or another epoch), and return the pong."""
        self.last_pong = None
        self.outbox.append({"type": "ping"})
        await self._flush()
        await self.pump(until=lambda: self.last_pong is not None)
        assert self.last_pong is not None, f"{self.name}: no pong; closed with {self.closes}"
        return self.last_pong

    async def settle(self, rounds: int = 20) -> None:
        """Catch up completely: ping until the pong shows nothing newer, no sync is in
        flight and no edit is pending. Since a socket's frames are handled in order, the
        pong follows the answers to everything sent before it."""
        for _ in range(rounds):
            await self.pump()
            pong = await self.ping()
            await self.pump()
            if (
                not self.pending
                and not self.sync_in_flight
                and pong["epoch"] == self.epoch
                and pong["rev"] <= self.rev
            ):
                return
        raise AssertionError(f"{self.name} did not settle: {self!r}")

    async def _next(self, timeout: float) -> dict | None:
        """The next frame, or None after `timeout` seconds. Unlike the communicator's own
        receive, a timeout here does not cancel the application."""
        communicator = self.communicator
        try:
            message = await asyncio.wait_for(communicator.output_queue.get(), timeout)
        except TimeoutError:
            if communicator.future.done():
                communicator.future.result()  # the consumer crashed: raise its error
                raise AssertionError(f"{self.name}: the consumer stopped") from None
            return None
        if message["type"] == "websocket.close":
            self.closes.append(message.get("code", 1000))
            await self.disconnect()
            return None
        assert message["type"] == "websocket.send", message
        return json.loads(message["text"])

    async def _flush(self) -> None:
        while self.outbox and self.connected:
            await self.communicator.send_json_to(self.outbox.pop(0))
        self.outbox.clear()

    def _sync(self, reason: str, *, snapshot: bool = False) -> None:
        self.syncs[reason] += 1
        self.sync_in_flight = True
        rev, epoch = (None, None) if snapshot or self.confirmed is None else (self.rev, self.epoch)
        self.outbox.append({"type": "sync", "rev": rev, "epoch": epoch})

    def _send_entry(self, entry: Pending) -> None:
        entry.sent_on = self.serial
        self.outbox.append({"type": "op", "op_id": entry.op_id, "ops": entry.ops})

    def _gap(self) -> str | None:
        """Why the client should sync now: a patch is waiting behind a missing one, or an
        op was acked at a revision whose patch never came."""
        if self.confirmed is None:
            return None
        if any(rev > self.rev for rev in self.early):
            return "gap"
        if any(e.acked_rev is not None and e.acked_rev > self.rev for e in self.pending):
            return "ack"
        return None

    # Frames.

    def _handle(self, frame: dict) -> None:
        self.frames.append(frame)
        getattr(self, "_on_" + frame["type"])(frame)

    def _on_bundle(self, frame: dict) -> None:
        # Several frames in one message: each in order, as if it had come on its own.
        for inner in frame["frames"]:
            self._handle(inner)

    def _on_welcome(self, frame: dict) -> None:
        self.welcome = frame

    def _on_snapshot(self, frame: dict) -> None:
        self.answers.append(frame)
        self.confirmed = copy.deepcopy(frame["state"])
        self.trash = empty_trash()
        self.rev, self.epoch = frame["rev"], frame["epoch"]
        assert self.confirmed["board"]["rev"] == self.rev, frame
        self._answered()

    def _on_patches(self, frame: dict) -> None:
        self.answers.append(frame)
        if self.confirmed is None or frame["epoch"] != self.epoch:
            self._sync("snapshot", snapshot=True)
            return
        for patch in frame["patches"]:
            if patch["rev"] <= self.rev:
                continue
            if patch["rev"] != self.rev + 1 or not self._apply(patch):
                self._sync("snapshot", snapshot=True)
                return
        self._answered()

    def _answered(self) -> None:
        """After a snapshot or patches: settle the early patches and re-send, in order,
        every pending edit not yet sent on this connection."""
        self.sync_in_flight = False
        if not self._drain():
            return
        self.pending = [e for e in self.pending if e.acked_rev is None or e.acked_rev > self.rev]
        for entry in self.pending:
            if entry.sent_on != self.serial:
                self._send_entry(entry)

    def _apply(self, patch: dict) -> bool:
        """Apply the patch at rev + 1 to `confirmed`; False when it does not fit."""
        state = copy.deepcopy(self.confirmed)
        trash = copy.deepcopy(self.trash)
        try:
            apply_ops(state, patch["ops"], by=patch["by"], trash=trash, strict=True)
        except Mismatch:
            self.mismatches += 1
            return False
        state["board"]["rev"] = patch["rev"]
        self.confirmed, self.trash, self.rev = state, trash, patch["rev"]
        self.early.pop(patch["rev"], None)
        self.pending = [e for e in self.pending if e.op_id != patch["op_id"]]
        return True

    def _drain(self) -> bool:
        for rev, patch in list(self.early.items()):
            if rev <= self.rev or patch["epoch"] != self.epoch:
                del self.early[rev]
        while self.rev + 1 in self.early:
            if not self._apply(self.early[self.rev + 1]):
                self._sync("snapshot", snapshot=True)
                return False
        return True

    def _on_patch(self, frame: dict) -> None:
        if self.confirmed is None or (self.sync_in_flight and frame["epoch"] != self.epoch):
            self.early[frame["rev"]] = frame  # the answer to our sync is on its way
            return
        if frame["epoch"] != self.epoch:
            self.early.clear()
            self._sync("epoch")
            return
        if frame["rev"] <= self.rev:
            return
        if frame["rev"] == self.rev + 1:
            if not self._apply(frame):
                self._sync("snapshot", snapshot=True)
                return
            self._drain()
        else:
            self.early[frame["rev"]] = frame  # a gap: pump() syncs if it stays open

    def _on_ack(self, frame: dict) -> None:
        self.acks.append(frame)
        for entry in self.pending:
            if entry.op_id == frame["op_id"]:
                if self.rev is not None and frame["rev"] <= self.rev:
                    self.pending.remove(entry)
                else:
                    entry.acked_rev = frame["rev"]
                return

    def _on_error(self, frame: dict) -> None:
        self.errors.append(frame)
        if "op_id" in frame:
            self.pending = [e for e in self.pending if e.op_id != frame["op_id"]]

    def _on_pong(self, frame: dict) -> None:
        self.last_pong = frame
        if self.sync_in_flight:
            return
        if frame["epoch"] != self.epoch:
            self._sync("epoch")
        elif self.rev is None or frame["rev"] > self.rev:
            self._sync("pong")

    def _on_joined(self, frame: dict) -> None:
        person = {k: v for k, v in frame.items() if k != "type"}
        self.people[person["session"]] = person

    def _on_left(self, frame: dict) -> None:
        self.people.pop(frame["session"], None)

    def _on_presence(self, frame: dict) -> None:
        if frame["session"] in self.people:
            self.people[frame["session"]].update(frame)

    def _on_role(self, frame: dict) -> None:
        if self.welcome:
            self.welcome["you"]["role"] = frame["role"]

    def _on_workshop(self, frame: dict) -> None:
        self.workshop = frame  # the room (facilitation): no part of the board's content


# Checks.

# What concurrent edits may run into: a link made from a stale view may find its pair
# linked meanwhile (`exists`) or an end of another kind by now (`invalid_link`).
CONFLICTS = {"deleted", "not_found", "phase_limit", "exists", "invalid_link"}


@sync_to_async
def _database(board) -> tuple[dict, set[str], bool]:
    """The board's state, the op_ids in its op log, and whether the log is complete
    (nothing pruned: it starts at revision 1)."""
    from boards.models import Board, OpLog
    from boards.selectors import board_state

    state = canonical(board_state(Board.objects.get(pk=board.pk)))
    log = OpLog.objects.filter(board=board).order_by("rev").values_list("rev", "op_id")
    revs = [rev for rev, _ in log]
    return state, {str(op_id) for _, op_id in log}, revs == list(range(1, len(revs) + 1))


async def assert_converged(board, clients: list[Client]) -> dict:
    """Reconnect every client, settle them (heartbeat, re-sends, syncs) until nothing
    moves, then check: each confirmed state and view equals the database's board; nothing
    is pending; every local edit was either committed once (it is in the op log, when
    that is complete) or refused with an error, never both, never lost. Returns the
    database's board."""
    for client in clients:
        if not client.connected:
            await client.connect()
    for _ in range(10):
        before, _, _ = await _database(board)
        for client in clients:
            await client.settle()
        expected, logged, complete = await _database(board)
        if expected["board"]["rev"] == before["board"]["rev"]:
            break
    for client in clients:
        assert client.closes == [], (client, client.closes)
        assert client.mismatches == 0, client
        assert client.pending == [], client
        assert client.rev == expected["board"]["rev"], client
        assert canonical(client.confirmed) == expected, client.name
        assert canonical(client.view()) == expected, client.name
        refused = {error["op_id"] for error in client.errors if "op_id" in error}
        assert {error["code"] for error in client.errors} <= CONFLICTS, client.errors
        assert not refused & logged, client.name
        if complete:
            assert set(client.made) <= refused | logged, client.name
    return expected


# Random edits, for the tests that drive several clients.

KINDS = ("touchpoint", "activity", "note", "opportunity")
WORDS = ("Podcast ad", "Welcome e-mail", "Onboarding call", "Survey", "  Padded  ", "Ünïcode ✓")
EDITS = (
    "card.create",
    "card.create",
    "card.move",
    "card.move",
    "card.text",
    "card.phase",
    "card.delete",
    "card.restore",
    "arrow.create",
    "arrow.update",
    "arrow.delete",
    "phase.update",
    "phase.move",
    "phase.create",
    "phase.delete",
    "board.update",
    "card.kind",
    "link.create",
    "link.create",
    "link.delete",
    "link.restore",
)


def random_edit(pick, state: dict, pool: dict | None = None, *, size: int = 1) -> list[dict]:
    """A batch of `size` ops that fit `state` (a client's view), drawn with `pick(n)`, which
    returns an int in [0, n). With `pool` (sets of every card, arrow and phase id ever
    seen, kept up to date here), a target is sometimes taken from the pool instead: it may
    be gone on the server, which then refuses the batch (`deleted`, `not_found`)."""
    scratch = copy.deepcopy(state)
    trash = empty_trash()
    ops = []
    for _ in range(size):
        op = _one_edit(pick, scratch, pool)
        apply_ops(scratch, [op], trash=trash)
        ops.append(op)
    return ops


def _choose(pick, items: list):
    return items[pick(len(items))]


def _target(pick, live: list[str], pooled, pool_bias: int = 4) -> str | None:
    """A live id, or now and then any id ever seen (maybe deleted since)."""
    pooled = sorted(pooled or ())
    if pooled and (not live or pick(pool_bias) == 0):
        return _choose(pick, pooled)
    return _choose(pick, live) if live else None


def _one_edit(pick, state: dict, pool: dict | None) -> dict:
    pool = pool if pool is not None else {}
    cards = [c["id"] for c in state["cards"]]
    phases = [p["id"] for p in state["phases"]]
    arrows = [a["id"] for a in state["arrows"]]
    links = [k["id"] for k in state["links"]]
    edit = _choose(pick, EDITS)
    card = _target(pick, cards, pool.get("cards"))
    if edit == "card.create" or card is None:
        ident = str(uuid.uuid4())
        pool.setdefault("cards", set()).add(ident)
        return {
            "op": "card.create",
            "id": ident,
            "kind": _choose(pick, KINDS),
            "phase": _choose(pick, [*phases, None]) if phases else None,
            "x": pick(2000) - 1000,
            "y": pick(800),
            "text": _choose(pick, WORDS),
        }
    if edit == "card.move":
        return {"op": "card.update", "id": card, "x": pick(4000) / 4, "y": pick(800)}
    if edit == "card.text":
        return {"op": "card.update", "id": card, "text": f"{_choose(pick, WORDS)} {pick(100)}"}
    if edit == "card.phase":
        phase = _target(pick, phases, pool.get("phases"))
        return {"op": "card.update", "id": card, "phase": _choose(pick, [phase, None, phase])}
    if edit == "card.delete":
        return {"op": "card.delete", "id": card}
    if edit == "card.kind":
        return {"op": "card.update", "id": card, "kind": _choose(pick, KINDS)}
    if edit == "link.create":
        sources = [c["id"] for c in state["cards"] if c["kind"] in LINK_SOURCE_KINDS]
        targets = [c["id"] for c in state["cards"] if c["kind"] in LINK_TARGET_KINDS]
        taken = {(k["from"], k["to"]) for k in state["links"]}
        pairs = [(s, t) for s in sources for t in targets if (s, t) not in taken]
        if pairs:
            start, end = _choose(pick, pairs)
            ident = str(uuid.uuid4())
            pool.setdefault("links", set()).add(ident)
            return {"op": "link.create", "id": ident, "from": start, "to": end}
    link = _target(pick, links, pool.get("links"))
    if edit == "link.delete" and link:
        return {"op": "link.delete", "id": link}
    if edit == "link.restore" and pool.get("links"):
        return {"op": "link.restore", "id": _choose(pick, sorted(pool["links"]))}
    if edit == "card.restore" and pool.get("cards"):
        return {"op": "card.restore", "id": _choose(pick, sorted(pool["cards"]))}
    if edit == "arrow.create" and len(cards) >= 2:
        start = _target(pick, cards, pool.get("cards"))
        end = _choose(pick, [c for c in cards if c != start])
        ident = str(uuid.uuid4())
        pool.setdefault("arrows", set()).add(ident)
        return {"op": "arrow.create", "id": ident, "from": start, "to": end, "label": "→"}
    arrow = _target(pick, arrows, pool.get("arrows"))
    if edit == "arrow.update" and arrow:
        movement = ("fall_back", "return", "reactivated")[pick(3)]
        return {
            "op": "arrow.update",
            "id": arrow,
            "label": f"{pick(100)}%",
            "weight": pick(10),
            "movement": movement,
        }
    if edit == "arrow.delete" and arrow:
        return {"op": "arrow.delete", "id": arrow}
    phase = _target(pick, phases, pool.get("phases"))
    if edit == "phase.move" and phase:
        return {"op": "phase.move", "id": phase, "position": pick(8)}
    if edit == "phase.create" and len(phases) < MAX_PHASES:
        ident = str(uuid.uuid4())
        pool.setdefault("phases", set()).add(ident)
        return {
            "op": "phase.create",
            "id": ident,
            "name": f" Phase {pick(100)} ",
            "position": pick(8),
        }
    if edit == "phase.delete" and phase and len(phases) > MIN_PHASES:
        others = [p for p in phases if p != phase]
        if pick(2):
            return {"op": "phase.delete", "id": phase, "cards": "move", "to": _choose(pick, others)}
        return {"op": "phase.delete", "id": phase, "cards": "delete"}
    if edit == "board.update":
        return {"op": "board.update", "title": f"Lifecycle {pick(100)}"}
    if phase:
        return {"op": "phase.update", "id": phase, "name": f"{_choose(pick, WORDS)} {pick(10)}"}
    return {"op": "card.update", "id": card, "w": 40 + pick(1960)}
