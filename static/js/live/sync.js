// The browser side of the live protocol (docs/protocol.md, "Client algorithm"): the
// board state, the pending queue and sending; the connection's life in ./connection.js,
// what each server frame does in ./frames.js.
//
// The server is the authority. This keeps `confirmed` (the server's board at `rev` of
// `epoch`) and `pending` (our op frames not yet committed, in order, each with its
// `op_id`); what the page shows is `confirmed` with every pending op applied on top. It
// converges by revision, never by trusting that a broadcast arrived: a gap in revisions,
// a reconnect, a wake-up or a newer `pong` all lead to `sync`, and pending frames are
// re-sent with their original op_id (the server answers a repeat with the first ack).
//
// Events (a BoardSync is an EventTarget; `event.detail` carries the data):
//   "state"    {state, rev, epoch}         the view changed
//   "status"   {status, unsent, reason}    status: "connecting" | "connected" |
//                                          "reconnecting" | "offline" | "closed"
//   "welcome"  {you, limits}               connected as `you` (a person, with role and
//                                          `can`, what that role may do)
//   "role"     {role, can}                 your role changed while connected
//   "peers"    {people}                    who else is on the board (persons)
//   "presence" {session, cursor?, …}       someone's cursor or selection moved
//   "error"    {code, message, op_id?, ref?}  a frame or edit was refused
//   "patch"    {rev, op_id, by, ops}        a committed revision was applied to
//                                          `confirmed` (before "state")
//   "workshop" {now, timer, …}             the room as this person sees it (welcome,
//                                          after every sync and change)
//   "facilitated" {ref, action}            a facilitate frame was carried out
//   "summon"   {by, view}                  the facilitator brings everyone to a view

import { Connection, socketUrl } from "./connection.js";
import { applyOpInPlace, cloneState, emptyState } from "./state.js";

// An op sent on a socket that stays healthy and still unanswered after this long is sent
// again (same op_id); unanswered once more, the socket is replaced (docs/protocol.md).
const ACK_WITHIN_MS = 20_000;

/** A new op id: a random (version 4) UUID, lowercase with hyphens. */
export function newOpId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // crypto.randomUUID exists only in secure contexts (https, localhost).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class BoardSync extends Connection {
  /**
   * @param {string} boardId
   * @param {{url?: string, WebSocket?: typeof WebSocket, window?: Window,
   *   ackWithinMs?: number}} options (the last three let a test drive the algorithm
   *   without a browser, and without waiting)
   */
  constructor(boardId, options = {}) {
    super();
    this.boardId = boardId;
    this.url = options.url ?? socketUrl(boardId);
    this.WebSocketImpl = options.WebSocket ?? globalThis.WebSocket;
    this.window = options.window ?? globalThis.window;
    this.ackWithinMs = options.ackWithinMs ?? ACK_WITHIN_MS;

    this.confirmed = null;   // the server's state at this.rev; mutated only by patches
    this.rev = null;
    this.epoch = null;
    this.seenRev = null;     // the newest rev this connection has applied
    this.pending = [];       // [{op_id, ops, sentOn, sentAt, ackedRev}], kept across reconnects
    this.view = emptyState();
    this.early = new Map();  // rev -> patch that arrived before its predecessor

    this.you = null;
    this.limits = null;
    this.people = new Map(); // session -> person (others only)

    this.status = "connecting";
    this.reason = null;
    this.lastStatus = "";

    this.socket = null;
    this.serial = 0;         // which connection an entry was last sent on
    this.welcomed = false;
    this.synced = false;     // this connection's first sync has been answered
    this.syncInFlight = false;
    this.wantSnapshot = false;
    this.attempt = 0;
    this.stopped = false;

    this.timers = {
      retry: null, ping: null, pong: null, gap: null, outbox: null, presence: null, ack: null,
    };
    this.outbox = [];
    this.tokens = 0;
    this.refilled = 0;
    this.presenceFields = {};
    this.presenceSentAt = 0;

    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.goOffline();
    this.onVisible = () => {
      if (this.window.document.visibilityState === "visible") this.wake();
    };
  }

  // Public API

  /** Open the connection and follow the browser's network and visibility. */
  start() {
    if (this.window) {
      this.window.addEventListener("online", this.onOnline);
      this.window.addEventListener("offline", this.onOffline);
      this.window.document?.addEventListener("visibilitychange", this.onVisible);
    }
    this.connect();
    return this;
  }

  /** Close for good (the page is going away, or access ended). */
  stop() {
    this.stopped = true;
    if (this.window) {
      this.window.removeEventListener("online", this.onOnline);
      this.window.removeEventListener("offline", this.onOffline);
      this.window.document?.removeEventListener("visibilitychange", this.onVisible);
    }
    this.dropSocket(1000);
  }

  /** The view: the confirmed board with every pending edit applied (do not change it). */
  get state() {
    return this.view;
  }

  /** Edits not yet acknowledged by the server. */
  get unsent() {
    return this.pending.filter((entry) => entry.ackedRev === null).length;
  }

  /** Apply `ops` locally at once and send them as one revision; returns the op_id, or
   * null when the batch is refused before sending (an "error" event says why). */
  submit(ops) {
    if (!Array.isArray(ops) || ops.length === 0) throw new TypeError("submit() needs a list of ops");
    const entry = { op_id: newOpId(), ops: structuredClone(ops), sentOn: 0, ackedRev: null };
    const problem = this.checkFrame(entry);
    if (problem) {
      this.emit("error", { ...problem, op_id: entry.op_id });
      return null;
    }
    this.pending.push(entry);
    this.recompute();
    if (this.synced) this.sendEntry(entry);
    this.emitStatus();
    return entry.op_id;
  }

  /** Tell the others where your cursor or selection is (coalesced to presence_hz). */
  setPresence(fields) {
    Object.assign(this.presenceFields, fields);
    if (this.timers.presence || !this.welcomed) return;
    const hz = this.limits?.presence_hz ?? 20;
    const wait = Math.max(0, this.presenceSentAt + 1000 / hz - Date.now());
    this.timers.presence = setTimeout(() => {
      this.timers.presence = null;
      if (!this.welcomed) return;
      this.presenceSentAt = Date.now();
      const frame = { type: "presence", ...this.presenceFields };
      this.presenceFields = {};
      this.send(frame);
    }, wait);
  }

  /** The socket closed with 4009: one of the frames sent on it was over the server's
   * size limit. Re-sending it would only close the next socket too, forever: drop the
   * biggest op frame still unanswered from that socket, and tell the person. */
  dropTooBig() {
    let biggest = null;
    let biggestSize = -1;
    for (const entry of this.pending) {
      if (entry.ackedRev !== null || entry.sentOn !== this.serial) continue;
      const size = new TextEncoder().encode(JSON.stringify(entry.ops)).length;
      if (size > biggestSize) [biggest, biggestSize] = [entry, size];
    }
    if (!biggest) return;
    this.pending.splice(this.pending.indexOf(biggest), 1);
    this.recompute();
    this.emit("error", { code: "too_big", message: "", op_id: biggest.op_id });
  }

  // Sending, within the server's token bucket (a flood closes the socket with 4408).

  send(frame) {
    if (!this.socket || this.socket.readyState !== 1) return false;
    this.outbox.push(frame);
    this.flushOutbox();
    return true;
  }

  flushOutbox() {
    const rate = (this.limits?.rate ?? 60) * 0.8;
    const burst = Math.max(1, Math.floor((this.limits?.burst ?? 120) * 0.8));
    const now = Date.now();
    this.tokens = Math.min(burst, this.tokens + ((now - this.refilled) / 1000) * rate);
    this.refilled = now;
    while (this.outbox.length && this.tokens >= 1 && this.socket?.readyState === 1) {
      this.tokens -= 1;
      this.socket.send(JSON.stringify(this.outbox.shift()));
    }
    if (this.outbox.length && !this.timers.outbox) {
      const wait = ((1 - this.tokens) / rate) * 1000 + 5;
      this.timers.outbox = setTimeout(() => {
        this.timers.outbox = null;
        this.flushOutbox();
      }, wait);
    }
  }

  sendSync() {
    if (!this.welcomed || this.syncInFlight) return;
    this.syncInFlight = true;
    const fresh = this.wantSnapshot || this.confirmed === null;
    this.send({ type: "sync", rev: fresh ? null : this.rev, epoch: fresh ? null : this.epoch });
  }

  /** Ask for the whole board: our state cannot take the next patch. What is shown stays
   * (and edits keep working) until the snapshot replaces it. */
  requestSnapshot() {
    if (this.wantSnapshot && this.syncInFlight) return;
    this.wantSnapshot = true;
    this.syncInFlight = false;
    this.sendSync();
  }

  sendEntry(entry) {
    if (!this.synced || entry.ackedRev !== null) return;
    const problem = this.checkFrame(entry);
    if (problem) {
      // Made before the limits were known, and over them: the server would refuse it.
      this.pending.splice(this.pending.indexOf(entry), 1);
      this.recompute();
      this.emitStatus();
      this.emit("error", { ...problem, op_id: entry.op_id });
      return;
    }
    if (this.send({ type: "op", op_id: entry.op_id, ops: entry.ops })) {
      entry.sentOn = this.serial;
      entry.sentAt = Date.now();
      entry.resentOn = null;
      this.watchAcks();
    }
  }

  /** No op stays pending forever on a socket that looks healthy (its frame or its ack
   * lost, a commit that never answered): one unanswered for `ackWithinMs` is sent again
   * with its op_id (a repeat is answered with the first ack, never applied twice); still
   * unanswered after as long again, the socket is replaced, and reconnecting syncs and
   * re-sends everything pending. */
  watchAcks() {
    if (this.timers.ack) return;
    this.timers.ack = setTimeout(() => {
      this.timers.ack = null;
      const now = Date.now();
      const waiting = this.pending.filter(
        (entry) => entry.ackedRev === null && entry.sentOn === this.serial,
      );
      const late = waiting.filter((entry) => now - entry.sentAt >= this.ackWithinMs);
      if (late.some((entry) => entry.resentOn === this.serial)) {
        this.deadLink();
        return;
      }
      for (const entry of late) {
        if (this.send({ type: "op", op_id: entry.op_id, ops: entry.ops })) {
          entry.sentAt = now;
          entry.resentOn = this.serial;
        }
      }
      if (waiting.length) this.watchAcks();
    }, this.ackWithinMs / 4);
  }

  checkFrame(entry) {
    if (!this.limits) return null;
    if (entry.ops.length > this.limits.max_ops) return { code: "too_many_ops", message: "" };
    const frame = JSON.stringify({ type: "op", op_id: entry.op_id, ops: entry.ops });
    if (new TextEncoder().encode(frame).length > this.limits.max_frame_bytes) {
      return { code: "too_big", message: "" };
    }
    return null;
  }

  // Receiving is ./frames.js: each frame the server sends, and the revision bookkeeping.

  // The view and events

  recompute() {
    const view = this.confirmed ? cloneState(this.confirmed) : emptyState();
    const by = this.you?.user ?? null;
    for (const entry of this.pending) {
      for (const op of entry.ops) applyOpInPlace(view, op, { by });
    }
    delete view.incomplete;
    this.view = view;
    this.emit("state", { state: view, rev: this.rev, epoch: this.epoch });
  }

  setStatus(status, reason = null) {
    this.status = status;
    this.reason = reason;
    this.emitStatus();
  }

  emitStatus() {
    const key = `${this.status}/${this.unsent}/${this.reason}`;
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.emit("status", { status: this.status, unsent: this.unsent, reason: this.reason });
  }

  emitPeers() {
    this.emit("peers", { people: [...this.people.values()] });
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
