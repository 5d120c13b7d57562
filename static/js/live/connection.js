// The connection half of a BoardSync (./sync.js): opening the socket, reconnecting with
// back-off, going offline and waking, the dead-link watch and the close codes
// (docs/protocol.md, "Client algorithm" and "Close codes"). BoardSync extends it and
// keeps the board state, the pending queue and sending; both work on one object, so the
// methods here read the fields BoardSync's constructor sets (socket, timers, attempt, …).

import { receive } from "./frames.js";

const PONG_WITHIN_MS = 10_000;
const WELCOME_WITHIN_MS = 10_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;

// Every close the server sends (docs/protocol.md, "Close codes"). 4009: a frame was too
// big; 4011: the server failed to commit (reconnect and re-send, like any other close).
const CLOSE_TOO_BIG = 4009;
const CLOSE_REASONS = { 4401: "unauthenticated", 4404: "not_found", 4410: "revoked" };

/** Exponential back-off with full jitter: a random wait in [0, min(30 s, 0.5 s × 2^attempt)]. */
export function backoffDelay(attempt, random = Math.random) {
  return random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
}

export function socketUrl(boardId, loc = globalThis.location) {
  const scheme = loc.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${loc.host}/ws/boards/${boardId}/`;
}

export class Connection extends EventTarget {
  connect() {
    clearTimeout(this.timers.retry);
    this.timers.retry = null;
    if (this.stopped || this.socket) return;
    if (this.window?.navigator?.onLine === false) {
      this.setStatus("offline");
      return;
    }
    let socket;
    try {
      socket = new this.WebSocketImpl(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.serial += 1;
    this.welcomed = false;
    this.synced = false;
    this.syncInFlight = false;
    this.outbox = [];
    socket.addEventListener("message", (event) => {
      if (this.socket === socket) receive(this, event.data);
    });
    socket.addEventListener("close", (event) => {
      if (this.socket === socket) this.closed(event.code);
    });
    // A handshake that never completes (a half-open network) counts as a dead link.
    this.timers.pong = setTimeout(() => this.deadLink(), WELCOME_WITHIN_MS);
  }

  /** Forget the socket and its timers; the pending queue and confirmed state stay. */
  dropSocket(code = 1000) {
    const socket = this.socket;
    this.socket = null;
    this.welcomed = false;
    this.synced = false;
    this.syncInFlight = false;
    this.outbox = [];
    for (const name of ["ping", "pong", "gap", "outbox", "presence", "ack"]) {
      clearTimeout(this.timers[name]);
      clearInterval(this.timers[name]);
      this.timers[name] = null;
    }
    if (this.stopped) clearTimeout(this.timers.retry);
    if (socket && socket.readyState <= 1) {
      try {
        socket.close(code);
      } catch {
        socket.close();
      }
    }
    if (this.people.size) {
      this.people.clear();
      this.emitPeers();
    }
  }

  closed(code) {
    this.dropSocket();
    if (code in CLOSE_REASONS) {
      // Not logged in, no such board, or access withdrawn: retrying cannot help.
      this.stopped = true;
      this.setStatus("closed", CLOSE_REASONS[code]);
      return;
    }
    if (code === CLOSE_TOO_BIG) this.dropTooBig();
    if (this.window?.navigator?.onLine === false) {
      this.setStatus("offline");
      return;
    }
    this.setStatus("reconnecting");
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (this.stopped || this.timers.retry) return;
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.timers.retry = setTimeout(() => {
      this.timers.retry = null;
      this.connect();
    }, delay);
  }

  reconnectNow() {
    if (this.stopped) return;
    if (this.socket) return;
    this.setStatus("reconnecting");
    this.connect();
  }

  goOffline() {
    // The browser reports no network: this socket is as good as gone. Keep everything
    // pending; "online" reconnects at once.
    this.dropSocket(1000);
    clearTimeout(this.timers.retry);
    this.timers.retry = null;
    if (!this.stopped) this.setStatus("offline");
  }

  wake() {
    if (this.stopped) return;
    if (!this.socket) {
      this.reconnectNow();
    } else if (this.synced) {
      // Back from sleep: what did we miss? And is the link still alive?
      this.sendSync();
      this.ping();
    }
  }

  deadLink() {
    if (!this.socket) return;
    this.dropSocket(4000);
    this.setStatus("reconnecting");
    this.scheduleReconnect();
  }

  ping() {
    if (!this.welcomed) return;
    this.send({ type: "ping" });
    if (!this.timers.pong) this.timers.pong = setTimeout(() => this.deadLink(), PONG_WITHIN_MS);
  }
}
