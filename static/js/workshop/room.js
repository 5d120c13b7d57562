// The room: what the workshop looks like to this person (the last `workshop` frame), the
// server's clock, and `perform`, which sends one facilitate frame (docs/protocol.md,
// "Facilitation"). Each feature (timer.js, done.js, follow.js …) reads `room.state` on
// "change" and calls `room.perform`; none of them talks to the socket itself.
//
// One facilitate frame: a button calls room.perform("timer.start", {seconds: 300}) →
// {type: "facilitate", ref, action, seconds} on the socket → boards/live/consumer.py
// (on_facilitate) → boards/workshop/registry.py (perform: capability, handler, in one
// transaction) → `facilitated` back to us, and a `workshop` frame to everyone → "change".

import { newOpId } from "../live/sync.js";

/** Whether anyone but this page is on the board (the room is worth running). */
export function othersHere(sync) {
  return [...sync.people.values()].some((person) => person.session !== sync.you?.session);
}

/** Whether there is a room to run: someone else is here, or the guide is at a step. Alone
 * and off the guide, the facilitator's timer, vote and private round stay out of the way. */
export function roomToRun(ed) {
  return Boolean(ed.state?.board?.stage) || othersHere(ed.sync);
}

/** Show the facilitation bar (#room-bar) while one of its groups shows. */
export function paintBar() {
  const bar = document.getElementById("room-bar");
  if (bar) bar.hidden = ![...bar.querySelectorAll(":scope > .room-group")].some((group) => !group.hidden);
}

export class Room extends EventTarget {
  constructor(sync) {
    super();
    this.sync = sync;
    this.state = null;  // the last `workshop` frame, without its type
    this.offset = 0;  // server clock − this clock, in ms
    this.waiting = new Map();  // ref -> {resolve, reject}
    sync.addEventListener("workshop", (event) => this.receive(event.detail));
    sync.addEventListener("facilitated", (event) => this.settle(event.detail.ref, null));
    sync.addEventListener("error", (event) => {
      if (event.detail.ref) this.settle(event.detail.ref, event.detail);
    });
    sync.addEventListener("summon", (event) => this.emit("summon", event.detail));
    // A frame sent on a socket that dropped may never be answered: the person tries again.
    sync.addEventListener("status", (event) => {
      if (event.detail.status === "connected") return;
      for (const ref of [...this.waiting.keys()]) this.settle(ref, { code: "offline", message: "" });
    });
  }

  receive(state) {
    // Every frame carries the server's `now`: counting in server time keeps every page on
    // the same second, whatever its own clock says (a late joiner, a page back from sleep).
    this.offset = state.now - Date.now();
    this.state = state;
    this.emit("change", state);
  }

  /** The connection ended for good (access ended, the board is gone): nothing of the
   * workshop runs on this page any more (no timer counting on, no vote to cast). */
  end() {
    this.state = null;
    this.emit("change", null);
  }

  /** Something the features read besides the room changed (the board's step, what the
   * person may do): they repaint. */
  repaint() {
    this.emit("change", this.state);
  }

  /** The server's clock now, in epoch ms. */
  serverNow() {
    return Date.now() + this.offset;
  }

  /** Send the facilitate frame `action` with `args`; resolves when it is carried out,
   * rejects with the server's error {code, message} (which the page's alert also shows). */
  perform(action, args = {}) {
    const ref = newOpId();
    return new Promise((resolve, reject) => {
      if (!this.sync.welcomed || !this.sync.send({ type: "facilitate", ref, action, ...args })) {
        reject({ code: "offline", message: "" });
        return;
      }
      this.waiting.set(ref, { resolve, reject });
    });
  }

  settle(ref, error) {
    const waiter = this.waiting.get(ref);
    if (!waiter) return;
    this.waiting.delete(ref);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
