// What each frame from the server does to a BoardSync (./sync.js), and the revision
// bookkeeping behind it (docs/protocol.md, "Client algorithm"): patches applied in
// revision order, early ones kept until the gap fills, a sync when it does not, a
// snapshot when a patch needs what this client never saw. Split from sync.js, which
// keeps sending and the public API (its connection half in connection.js); all three
// change one BoardSync.

import { applyOpInPlace, cloneState } from "./state.js";

const GAP_WAIT_MS = 300;
const PING_EVERY_MS = 15_000;

/** Handle one message of the socket: a frame, as docs/protocol.md describes it. */
export function receive(sync, data) {
  let frame;
  try {
    frame = JSON.parse(data);
  } catch {
    return;
  }
  HANDLERS[frame?.type]?.(sync, frame);
}

// The parts of a message too large for one (docs/protocol.md, "Large messages"), per
// BoardSync and connection: parts of a message cut short by a reconnect are dropped.
const PARTS = new WeakMap();  // sync -> {serial, messages: Map(id -> {count, texts, got})}

function partsOf(sync) {
  let held = PARTS.get(sync);
  if (!held || held.serial !== sync.serial) {
    held = { serial: sync.serial, messages: new Map() };
    PARTS.set(sync, held);
  }
  return held.messages;
}

const HANDLERS = {
  part(sync, frame) {
    // Held until every part is in, then handled as the one frame they make: a snapshot
    // is applied whole or not at all.
    const { id, index, count, text } = frame;
    if (typeof id !== "string" || typeof text !== "string" || !(index >= 0 && index < count)) return;
    const messages = partsOf(sync);
    let message = messages.get(id);
    if (!message) {
      message = { count, texts: new Array(count), got: 0 };
      messages.set(id, message);
    }
    if (message.texts[index] === undefined) message.got += 1;
    message.texts[index] = text;
    if (message.got < message.count) return;
    messages.delete(id);
    receive(sync, message.texts.join(""));
  },

  welcome(sync, frame) {
    clearTimeout(sync.timers.pong);
    sync.timers.pong = null;
    sync.welcomed = true;
    sync.you = frame.you;
    sync.limits = frame.limits;
    sync.tokens = Math.floor((frame.limits?.burst ?? 120) * 0.8);
    sync.refilled = Date.now();
    sync.people.clear();
    sync.emitPeers();
    sync.emit("welcome", { you: frame.you, limits: frame.limits });
    if (frame.workshop) sync.emit("workshop", frame.workshop);
    // "connected" once the board is caught up (syncAnswered), not before.
    sync.sendSync();
    sync.timers.ping = setInterval(() => sync.ping(), PING_EVERY_MS);
  },

  snapshot(sync, frame) {
    const state = cloneState(frame.state);
    state.trash = { cards: {}, arrows: {} };
    state.board.rev = frame.rev;
    state.board.epoch = frame.epoch;
    const behind = frame.epoch === sync.epoch && sync.seenRev !== null && frame.rev < sync.seenRev;
    sync.confirmed = state;
    sync.wantSnapshot = false;
    sync.rev = frame.rev;
    sync.epoch = frame.epoch;
    sync.seenRev = frame.rev;
    // Entries the server committed before this snapshot are in it already.
    sync.pending = sync.pending.filter((e) => e.ackedRev === null || e.ackedRev > sync.rev);
    syncAnswered(sync);
    // A broadcast overtook the snapshot: fetch what lies between.
    if (behind) sync.sendSync();
  },

  patches(sync, frame) {
    if (sync.confirmed === null || frame.epoch !== sync.epoch) {
      sync.requestSnapshot();
      return;
    }
    for (const patch of frame.patches) {
      if (patch.rev <= sync.rev) continue;
      if (patch.rev !== sync.rev + 1 || !applyPatch(sync, patch)) {
        sync.requestSnapshot();
        return;
      }
    }
    syncAnswered(sync);
    if (sync.rev < frame.rev) sync.sendSync();
  },

  patch(sync, frame) {
    if (sync.confirmed === null) {
      // Our snapshot is on its way; keep this in case it is newer.
      sync.early.set(frame.rev, frame);
      return;
    }
    if (frame.epoch !== sync.epoch) {
      sync.sendSync();
      return;
    }
    if (frame.rev <= sync.rev) return;
    if (frame.rev === sync.rev + 1) {
      if (!applyPatch(sync, frame)) {
        sync.requestSnapshot();
        return;
      }
      drainEarly(sync);
      sync.recompute();
      sync.emitStatus();
    } else {
      // Patches of concurrent ops may arrive out of order: wait briefly for the gap.
      sync.early.set(frame.rev, frame);
    }
    checkGap(sync);
  },

  bundle(sync, frame) {
    // Several frames in one message (a busy board's commits): each in order, as if
    // it had come on its own.
    for (const inner of frame.frames ?? []) {
      if (inner?.type !== "bundle") HANDLERS[inner?.type]?.(sync, inner);
    }
  },

  ack(sync, frame) {
    const entry = sync.pending.find((e) => e.op_id === frame.op_id);
    if (!entry) return;
    if (sync.rev !== null && frame.rev <= sync.rev) {
      sync.pending.splice(sync.pending.indexOf(entry), 1);
      sync.recompute();
    } else {
      // Committed; its patch is still on its way. Keep showing the edit until then,
      // and sync if the patch does not come.
      entry.ackedRev = frame.rev;
      checkGap(sync);
    }
    sync.emitStatus();
  },

  error(sync, frame) {
    if (frame.op_id) {
      const index = sync.pending.findIndex((e) => e.op_id === frame.op_id);
      if (index !== -1) {
        sync.pending.splice(index, 1);
        sync.recompute();
        sync.emitStatus();
      }
    }
    sync.emit("error", {
      code: frame.code,
      message: frame.message,
      op_id: frame.op_id ?? null,
      ref: frame.ref ?? null,
    });
  },

  pong(sync, frame) {
    clearTimeout(sync.timers.pong);
    sync.timers.pong = null;
    if (frame.epoch !== sync.epoch || sync.rev === null || frame.rev > sync.rev) sync.sendSync();
  },

  joined(sync, frame) {
    const { type, ...person } = frame;
    sync.people.set(person.session, person);
    sync.emitPeers();
  },

  left(sync, frame) {
    if (sync.people.delete(frame.session)) sync.emitPeers();
  },

  presence(sync, frame) {
    const { type, ...fields } = frame;
    const person = sync.people.get(fields.session);
    if (person) Object.assign(person, fields);
    sync.emit("presence", fields);
  },

  // Facilitation (docs/protocol.md): the room as this person sees it, the answer to a
  // facilitate frame, a summon. static/js/workshop/room.js listens.
  workshop(sync, frame) {
    const { type, ...state } = frame;
    sync.emit("workshop", state);
  },

  facilitated(sync, frame) {
    sync.emit("facilitated", { ref: frame.ref, action: frame.action });
  },

  summon(sync, frame) {
    const { type, ...summon } = frame;
    sync.emit("summon", summon);
  },

  role(sync, frame) {
    const { type, ...change } = frame;
    if (sync.you) sync.you = { ...sync.you, ...change };
    sync.emit("role", change);
  },
};

/** Apply a patch at sync.rev + 1 to `confirmed`; false when it needs a snapshot. */
function applyPatch(sync, patch) {
  sync.confirmed.incomplete = false;
  for (const op of patch.ops) applyOpInPlace(sync.confirmed, op, { by: patch.by });
  if (sync.confirmed.incomplete) return false;
  sync.rev = patch.rev;
  sync.seenRev = Math.max(sync.seenRev ?? 0, patch.rev);
  sync.confirmed.board.rev = patch.rev;
  sync.early.delete(patch.rev);
  sync.emit("patch", patch);
  const index = sync.pending.findIndex((e) => e.op_id === patch.op_id);
  if (index !== -1) sync.pending.splice(index, 1);
  return true;
}

function drainEarly(sync) {
  for (const [rev, patch] of [...sync.early]) {
    if (rev <= sync.rev || patch.epoch !== sync.epoch) sync.early.delete(rev);
  }
  while (sync.early.has(sync.rev + 1)) {
    if (!applyPatch(sync, sync.early.get(sync.rev + 1))) {
      sync.requestSnapshot();
      return;
    }
  }
}

/** Something newer than `rev` is known (a patch ahead of a gap, an ack without its
 * patch): give it GAP_WAIT_MS to arrive, then sync. */
function checkGap(sync) {
  const waiting = sync.early.size > 0 || sync.pending.some((e) => e.ackedRev !== null);
  if (!waiting) {
    clearTimeout(sync.timers.gap);
    sync.timers.gap = null;
    return;
  }
  if (sync.timers.gap) return;
  sync.timers.gap = setTimeout(() => {
    sync.timers.gap = null;
    if (sync.confirmed === null) return;
    const stillWaiting =
      sync.early.size > 0 || sync.pending.some((e) => e.ackedRev !== null && e.ackedRev > sync.rev);
    if (stillWaiting) sync.sendSync();
  }, GAP_WAIT_MS);
}

/** After `snapshot` or `patches`: settle, then re-send every pending frame in order. */
function syncAnswered(sync) {
  sync.syncInFlight = false;
  sync.synced = true;
  sync.attempt = 0;
  drainEarly(sync);
  if (sync.confirmed === null) return;  // drainEarly asked for a snapshot
  sync.pending = sync.pending.filter((e) => e.ackedRev === null || e.ackedRev > sync.rev);
  for (const entry of [...sync.pending]) {
    if (entry.sentOn !== sync.serial) sync.sendEntry(entry);
  }
  sync.recompute();
  sync.setStatus("connected");
  checkGap(sync);
}
