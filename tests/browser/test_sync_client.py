"""The browser's half of the protocol, run in Chromium against a scripted socket.

static/js/live/state.js and static/js/live/sync.js are imported into a board page of the
live server (it carries the schema they read) and driven frame by frame, so the client
algorithm of docs/protocol.md is checked in the situations a real server produces only
by chance: patches out of order, an ack before its patch, a gap that never fills, a
reconnect with edits waiting.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.axe import assert_accessible

# A scripted WebSocket and window, and a BoardSync connected through them to a board
# with two phases at rev 1. Every scenario below starts from here.
SETUP = """
const { BoardSync } = await import("/static/js/live/sync.js");
const state = await import("/static/js/live/state.js");
const sockets = [];
class ScriptedSocket extends EventTarget {
  constructor(url) {
    super(); this.url = url; this.readyState = 1; this.sent = []; sockets.push(this);
  }
  send(data) { this.sent.push(JSON.parse(data)); }
  close() { this.readyState = 3; }
  receive(frame) {
    const event = new Event("message");
    event.data = JSON.stringify(frame);
    this.dispatchEvent(event);
  }
  drop(code) {
    this.readyState = 3;
    const event = new Event("close");
    event.code = code;
    this.dispatchEvent(event);
  }
}
const fakeWindow = new EventTarget();
fakeWindow.navigator = { onLine: true };
fakeWindow.document = new EventTarget();
fakeWindow.document.visibilityState = "visible";
const P1 = "11111111-1111-4111-8111-111111111111";
const P2 = "22222222-2222-4222-8222-222222222222";
const C1 = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";
const LIMITS = { max_frame_bytes: 65536, max_ops: 500, rate: 60, burst: 120, presence_hz: 20 };
const welcome = (session) => ({
  type: "welcome", board: "b", rev: 1, epoch: 1, limits: LIMITS,
  you: { session, user: 1, name: "Olivia Owner", role: "owner", colour: "#e11d48" },
});
const board = {
  board: { id: "b", title: "Lifecycle", framework: "clm4", rev: 1, epoch: 1 },
  phases: [
    { id: P1, position: 0, name: "Awareness", colour: "#dbeafe", kpis: [] },
    { id: P2, position: 1, name: "Purchase", colour: "#dcfce7", kpis: [] },
  ],
  cards: [], arrows: [],
};
const sync = new BoardSync(
  "b", { url: "ws://test/", WebSocket: ScriptedSocket, window: fakeWindow, ackWithinMs: 200 },
);
const statuses = [];
sync.addEventListener("status", (e) => statuses.push(`${e.detail.status} ${e.detail.unsent}`));
const errors = [];
sync.addEventListener("error", (e) => errors.push(e.detail.code));
sync.start();
let socket = sockets.at(-1);
socket.receive(welcome("s1"));
socket.receive({ type: "snapshot", rev: 1, epoch: 1, state: board });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const patch = (rev, ops, op_id = crypto.randomUUID()) =>
  ({ type: "patch", rev, epoch: 1, op_id, by: 2, ops });
"""


def run(page: Page, body: str):
    return page.evaluate(f"async () => {{ {SETUP}\n{body} }}")


@pytest.fixture
def page_on_site(open_board, members) -> Page:
    # A viewer's board page: the modules need its <script id="board-schema">, and a
    # viewer's own editor sends nothing that could disturb the scripted socket.
    return open_board(members["viewer"])


def test_it_asks_for_a_snapshot_and_applies_patches_in_revision_order(page_on_site):
    assert_accessible(page_on_site, "sync client: a viewer's board page")
    result = run(
        page_on_site,
        """
        const first = socket.sent[0];
        socket.receive(patch(3, [{ op: "board.update", title: "Three" }]));
        const titleWhileGap = sync.state.board.title;
        socket.receive(patch(2, [{ op: "board.update", title: "Two" }]));
        return { first, titleWhileGap, title: sync.state.board.title, rev: sync.rev, statuses };
        """,
    )
    assert result["first"] == {"type": "sync", "rev": None, "epoch": None}
    assert result["titleWhileGap"] == "Lifecycle"
    assert result["title"] == "Three"
    assert result["rev"] == 3
    assert result["statuses"] == ["connected 0"]


def test_it_syncs_when_a_gap_is_not_filled(page_on_site):
    result = run(
        page_on_site,
        """
        socket.receive(patch(3, [{ op: "board.update", title: "Three" }]));
        const before = socket.sent.length;
        await sleep(400);
        const asked = socket.sent.slice(before);
        const { op_id, by, ...two } = patch(2, [{ op: "board.update", title: "Two" }]);
        socket.receive({ type: "patches", from_rev: 1, rev: 3, epoch: 1, patches: [
          { rev: 2, op_id, by, ops: two.ops },
          { rev: 3, op_id: crypto.randomUUID(), by, ops: [{ op: "board.update", title: "Three" }] },
        ] });
        return { asked, title: sync.state.board.title, rev: sync.rev };
        """,
    )
    assert result["asked"] == [{"type": "sync", "rev": 1, "epoch": 1}]
    assert result["title"] == "Three"
    assert result["rev"] == 3


def test_it_shows_an_edit_at_once_and_keeps_it_until_its_patch_arrives(page_on_site):
    result = run(
        page_on_site,
        """
        const opId = sync.submit(
          [{ op: "card.create", id: C1, kind: "note", phase: P1, text: "Hi" }],
        );
        const sent = socket.sent.at(-1);
        const shown = sync.state.cards.map((c) => c.text);
        socket.receive({ type: "ack", op_id: opId, rev: 2 });
        const afterAck = { shown: sync.state.cards.length, unsent: sync.unsent };
        socket.receive(patch(2, [{ op: "card.create", id: C1, kind: "note", phase: P1, x: 0, y: 0,
          w: 180, h: 110, text: "Hi", colour: "", channel: "" }], opId));
        return { opId, sent, shown, afterAck, pending: sync.pending.length,
                 author: sync.state.cards[0].author };
        """,
    )
    assert result["sent"] == {
        "type": "op",
        "op_id": result["opId"],
        "ops": [{"op": "card.create", "id": "cccccccc-cccc-4ccc-8ccc-cccccccccccc",
                 "kind": "note", "phase": "11111111-1111-4111-8111-111111111111", "text": "Hi"}],
    }  # fmt: skip
    assert result["shown"] == ["Hi"]
    assert result["afterAck"] == {"shown": 1, "unsent": 0}
    assert result["pending"] == 0
    assert result["author"] == 2


def test_it_drops_a_refused_edit_and_says_why(page_on_site):
    result = run(
        page_on_site,
        """
        const opId = sync.submit([{ op: "board.update", title: "Mine" }]);
        const optimistic = sync.state.board.title;
        socket.receive({ type: "error", code: "forbidden", message: "No.", op_id: opId });
        return { optimistic, title: sync.state.board.title, errors, unsent: sync.unsent };
        """,
    )
    assert result == {
        "optimistic": "Mine",
        "title": "Lifecycle",
        "errors": ["forbidden"],
        "unsent": 0,
    }


def test_it_resends_waiting_edits_in_order_with_their_ids_after_a_reconnect(page_on_site):
    result = run(
        page_on_site,
        """
        socket.drop(1006);
        const first = sync.submit([{ op: "board.update", title: "A" }]);
        const second = sync.submit([{ op: "board.update", title: "B" }]);
        const whileDown = {
          status: sync.status, unsent: sync.unsent, title: sync.state.board.title,
        };
        fakeWindow.dispatchEvent(new Event("online"));  // reconnect at once, no back-off
        socket = sockets.at(-1);
        socket.receive(welcome("s2"));
        const syncFrame = socket.sent.at(-1);
        socket.receive({ type: "patches", from_rev: 1, rev: 1, epoch: 1, patches: [] });
        const resent = socket.sent.slice(1).map((frame) => frame.op_id);
        return { whileDown, syncFrame, resent, ids: [first, second], sockets: sockets.length,
                 statuses };
        """,
    )
    assert result["whileDown"] == {"status": "reconnecting", "unsent": 2, "title": "B"}
    assert result["syncFrame"] == {"type": "sync", "rev": 1, "epoch": 1}
    assert result["resent"] == result["ids"]
    assert result["sockets"] == 2
    assert result["statuses"] == [
        "connected 0",
        "reconnecting 0",
        "reconnecting 1",
        "reconnecting 2",
        "connected 2",
    ]


def test_a_frame_too_big_for_the_server_is_dropped_and_not_sent_again(page_on_site):
    result = run(
        page_on_site,
        """
        const small = sync.submit([{ op: "board.update", title: "Small" }]);
        const big = sync.submit([{ op: "board.update", title: "B".repeat(3000) }]);
        socket.drop(4009);
        fakeWindow.dispatchEvent(new Event("online"));
        socket = sockets.at(-1);
        socket.receive(welcome("s2"));
        socket.receive({ type: "patches", from_rev: 1, rev: 1, epoch: 1, patches: [] });
        const resent = socket.sent.filter((f) => f.type === "op").map((f) => f.op_id);
        return { resent, small, big, errors, sockets: sockets.length, status: sync.status };
        """,
    )
    assert result["resent"] == [result["small"]]
    assert result["errors"] == ["too_big"]
    assert (result["sockets"], result["status"]) == (2, "connected")


def test_after_a_failed_commit_it_reconnects_and_sends_the_edit_again(page_on_site):
    result = run(
        page_on_site,
        """
        const opId = sync.submit([{ op: "board.update", title: "Mine" }]);
        socket.drop(4011);
        fakeWindow.dispatchEvent(new Event("online"));
        socket = sockets.at(-1);
        socket.receive(welcome("s2"));
        socket.receive({ type: "patches", from_rev: 1, rev: 1, epoch: 1, patches: [] });
        const resent = socket.sent.filter((f) => f.type === "op").map((f) => f.op_id);
        return { resent, opId, errors, title: sync.state.board.title };
        """,
    )
    assert result["resent"] == [result["opId"]]
    assert result["errors"] == []
    assert result["title"] == "Mine"


def test_an_edit_never_answered_is_sent_again_then_the_socket_replaced(page_on_site):
    """ackWithinMs is 200 here (20 s in a page): an op with no ack on a socket that
    stays open is sent again with its op_id, and then the socket is replaced."""
    result = run(
        page_on_site,
        """
        const opId = sync.submit([{ op: "board.update", title: "Mine" }]);
        const ops = () => socket.sent.filter((f) => f.type === "op").map((f) => f.op_id);
        await sleep(300);
        const sentAgain = ops();
        await sleep(500);
        const replaced = socket.readyState === 3;  // closed by the client; a new one follows
        await sleep(1000);  // the reconnect's back-off (at most 0.5 s on a first try)
        socket = sockets.at(-1);
        socket.receive(welcome("s2"));
        socket.receive({ type: "patches", from_rev: 1, rev: 1, epoch: 1, patches: [] });
        const onNew = ops();
        socket.receive({ type: "ack", op_id: opId, rev: 2 });
        socket.receive(patch(2, [{ op: "board.update", title: "Mine" }], opId));
        await sleep(600);
        return { opId, sentAgain, replaced, onNew, unsent: sync.unsent,
                 sockets: sockets.length, title: sync.state.board.title };
        """,
    )
    assert result["sentAgain"] == [result["opId"], result["opId"]]
    assert result["replaced"]
    assert result["onNew"] == [result["opId"]]
    assert result["unsent"] == 0
    assert result["sockets"] == 2  # answered: nothing more is re-sent or replaced
    assert result["title"] == "Mine"


def test_it_does_not_reconnect_when_access_is_gone(page_on_site):
    result = run(
        page_on_site,
        """
        socket.drop(4410);
        fakeWindow.dispatchEvent(new Event("online"));
        await sleep(600);
        return { status: sync.status, reason: sync.reason, sockets: sockets.length };
        """,
    )
    assert result == {"status": "closed", "reason": "revoked", "sockets": 1}


def test_it_applies_phase_and_cascade_rules_like_the_server(page_on_site):
    result = run(
        page_on_site,
        """
        const { applyOps } = state;
        let s = applyOps(board, [
          { op: "phase.create", id: "p3", name: " Loyalty ", position: 7 },
          { op: "phase.create", id: "p0", name: "Trigger", position: 0 },
          { op: "phase.move", id: P1, position: 9 },
          { op: "card.create", id: "c1", kind: "touchpoint", phase: P1, text: "Ad" },
          { op: "card.create", id: "c2", kind: "note", phase: P2 },
          { op: "arrow.create", id: "a1", from: "c1", to: "c2" },
        ]);
        const order = s.phases.map((p) => `${p.position}:${p.name}`);
        const moved = applyOps(s, [{ op: "phase.delete", id: P1, cards: "move", to: "p3" }]);
        const dropped = applyOps(s, [{ op: "phase.delete", id: P1, cards: "delete" }]);
        const undone = applyOps(applyOps(s, [{ op: "card.delete", id: "c2" }]),
          [{ op: "card.restore", id: "c2" }, { op: "arrow.restore", id: "a1" }]);
        return {
          order,
          defaults: s.cards[1],
          moved: [
            moved.phases.map((p) => `${p.position}:${p.name}`), moved.cards.map((c) => c.phase),
          ],
          dropped: [dropped.cards.map((c) => c.id), dropped.arrows.length],
          undone: [undone.cards.map((c) => c.id), undone.arrows.map((a) => a.id)],
          unchanged: board.phases.length,
          restoreUnknown: applyOps(board, [{ op: "card.restore", id: "zz" }]).incomplete,
        };
        """,
    )
    assert result["order"] == ["0:Trigger", "1:Purchase", "2:Loyalty", "3:Awareness"]
    assert result["defaults"] == {
        "id": "c2",
        "kind": "note",
        "phase": "22222222-2222-4222-8222-222222222222",
        "x": 0,
        "y": 0,
        "w": 180,
        "h": 110,
        "text": "",
        "colour": "",
        "channel": "",
        "priority": "",
        "owner": None,
        "kpi": "",
        "locked": False,
        "status": "",
        "due": "",
        "author": None,
    }
    assert result["moved"] == [
        ["0:Trigger", "1:Purchase", "2:Loyalty"],
        ["p3", "22222222-2222-4222-8222-222222222222"],
    ]
    assert result["dropped"] == [["c2"], 0]
    assert result["undone"] == [["c1", "c2"], ["a1"]]
    assert result["unchanged"] == 2
    assert result["restoreUnknown"] is True


def test_it_asks_for_a_snapshot_when_a_patch_needs_what_it_never_saw(page_on_site):
    # A card deleted before this page loaded is not in its state; a restore names only
    # the id, so the client needs the whole board again.
    result = run(
        page_on_site,
        """
        socket.receive(patch(2, [{ op: "board.update", title: "Two" }]));
        const before = socket.sent.length;
        socket.receive(patch(3, [{ op: "card.restore", id: C1 }]));
        const asked = socket.sent.slice(before);
        const titleMeanwhile = sync.state.board.title;
        const restored = { ...board, board: { ...board.board, title: "Two", rev: 3 },
          cards: [{ id: C1, kind: "note", phase: P1, x: 0, y: 0, w: 180, h: 110, text: "Back",
                    colour: "", channel: "", author: 2 }] };
        socket.receive({ type: "snapshot", rev: 3, epoch: 1, state: restored });
        return { asked, titleMeanwhile, cards: sync.state.cards.map((c) => c.text), rev: sync.rev };
        """,
    )
    assert result["asked"] == [{"type": "sync", "rev": None, "epoch": None}]
    assert result["titleMeanwhile"] == "Two"
    assert result["cards"] == ["Back"]
    assert result["rev"] == 3


def test_it_applies_the_patches_of_a_bundle_in_order_and_acks_its_own(page_on_site):
    result = run(
        page_on_site,
        """
        const mine = sync.submit([{ op: "board.update", title: "Mine" }]);
        const unsentBefore = sync.unsent;
        socket.receive({ type: "ack", op_id: mine, rev: 3 });
        socket.receive({ type: "bundle", frames: [
          patch(2, [{ op: "board.update", title: "Theirs" }]),
          { type: "patch", rev: 3, epoch: 1, op_id: mine, by: 1,
            ops: [{ op: "board.update", title: "Mine" }] },
          patch(4, [{ op: "phase.update", id: P2, name: "Buy" }]),
        ] });
        return {
          unsentBefore, unsent: sync.unsent, pending: sync.pending.length, rev: sync.rev,
          title: sync.state.board.title, phase: sync.state.phases[1].name,
        };
        """,
    )
    assert result["unsentBefore"] == 1
    assert result == {
        "unsentBefore": 1,
        "unsent": 0,
        "pending": 0,
        "rev": 4,
        "title": "Mine",
        "phase": "Buy",
    }


def test_unanswered_edits_are_kept_across_a_reload_and_sent_again_with_their_ids(
    page_on_site,
):
    result = run(
        page_on_site,
        """
        const { keepOutbox } = await import("/static/js/live/outbox.js");
        const stored = new Map();
        const storage = {
          getItem: (k) => stored.get(k) ?? null,
          setItem: (k, v) => stored.set(k, v),
          removeItem: (k) => stored.delete(k),
        };
        const news = [];
        const open = () => {
          const page = new BoardSync(
            "b", { url: "ws://test/", WebSocket: ScriptedSocket, window: fakeWindow },
          );
          keepOutbox(page, { boardId: "b", userId: "1", storage,
            onRestored: (n) => news.push(`restored ${n}`), onSent: () => news.push("sent") });
          return page;
        };
        // A page whose socket never answers its two edits, then is reloaded.
        const before = open();
        before.start();
        const first = sockets.at(-1);
        first.receive(welcome("s2"));
        first.receive({ type: "snapshot", rev: 1, epoch: 1, state: board });
        const a = before.submit([{ op: "card.create", id: C1, kind: "note", phase: P1 }]);
        const b = before.submit([{ op: "card.update", id: C1, text: "Hi", base: "" }]);
        const kept = Object.keys(JSON.parse(stored.get("journeymap.outbox.b.1")));
        before.stop();

        const after = open();
        const shownBefore = news.slice();
        after.start();
        const second = sockets.at(-1);
        second.receive(welcome("s3"));
        second.receive({ type: "snapshot", rev: 1, epoch: 1, state: board });
        const resent = second.sent.filter((f) => f.type === "op").map((f) => f.op_id);
        const text = after.state.cards[0]?.text;
        second.receive({ type: "ack", op_id: a, rev: 2 });
        const afterOne = Object.keys(JSON.parse(stored.get("journeymap.outbox.b.1")));
        second.receive({ type: "ack", op_id: b, rev: 3 });
        return { ids: [a, b], kept, shownBefore, resent, text, afterOne,
                 left: stored.has("journeymap.outbox.b.1"), news };
        """,
    )
    a, b = result["ids"]
    assert result["kept"] == [a, b]
    assert result["shownBefore"] == ["restored 2"]
    assert result["resent"] == [a, b]  # in the order made, with the same ids
    assert result["text"] == "Hi"
    assert result["afterOne"] == [b]
    assert result["left"] is False
    assert result["news"] == ["restored 2", "sent"]
