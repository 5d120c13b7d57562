// The outbox kept in the browser (localStorage), so that edits not yet acknowledged
// survive a reload, a crash or a closed laptop: on the next load of the board (by the
// same person, in this browser) they go back into the pending queue with their op_ids
// and are sent once the socket has synced (docs/protocol.md, "Client algorithm", step
// 11). The server answers an op_id it has committed already with its first ack, so an
// edit that did reach it before the reload is never applied twice.
//
// One entry per board and person, shared by that person's tabs on the board: each tab
// adds its unanswered frames and removes those it saw answered; frames of another tab
// that a reload picks up are re-sent, which is harmless for the same reason.

const PREFIX = "journeymap.outbox";

/**
 * Keep `sync`'s unanswered op frames in `storage` under the board and the person.
 * Frames kept from before are put back into `sync.pending` at once (they were made
 * first, so they go first). `onRestored(count)` is called then; `onSent()` once all of
 * them are answered.
 */
export function keepOutbox(sync, { boardId, userId, storage = globalThis.localStorage, onRestored, onSent }) {
  if (!boardId || !userId || !storage) return;
  const key = `${PREFIX}.${boardId}.${userId}`;
  const own = new Set();   // op_ids this page has put into storage
  let seq = Date.now();

  const read = () => {
    try {
      const stored = JSON.parse(storage.getItem(key) ?? "{}");
      return stored && typeof stored === "object" && !Array.isArray(stored) ? stored : {};
    } catch {
      return {};
    }
  };

  const restored = Object.entries(read())
    .filter(([, entry]) => Array.isArray(entry?.ops) && entry.ops.length)
    .sort(([, a], [, b]) => (a.seq ?? 0) - (b.seq ?? 0));
  const waiting = new Set(restored.map(([opId]) => opId));
  if (restored.length) {
    sync.pending.unshift(
      ...restored.map(([opId, entry]) => ({ op_id: opId, ops: entry.ops, sentOn: 0, ackedRev: null })),
    );
    for (const [opId, entry] of restored) {
      own.add(opId);
      seq = Math.max(seq, (entry.seq ?? 0) + 1);
    }
    sync.outboxKept = true;
    onRestored?.(restored.length);
  }

  const save = () => {
    const unsent = sync.pending.filter((entry) => entry.ackedRev === null);
    if (!unsent.length && !own.size) return;  // the usual case: nothing to keep or clear
    const ids = new Set(unsent.map((entry) => entry.op_id));
    const stored = read();
    for (const opId of own) {
      if (!ids.has(opId)) {
        delete stored[opId];
        own.delete(opId);
      }
    }
    for (const entry of unsent) {
      if (!(entry.op_id in stored)) stored[entry.op_id] = { ops: entry.ops, seq: seq++ };
      own.add(entry.op_id);
    }
    try {
      if (Object.keys(stored).length) storage.setItem(key, JSON.stringify(stored));
      else storage.removeItem(key);
      sync.outboxKept = true;
    } catch {
      sync.outboxKept = false;  // full or refused: the page warns before it is left
    }
    if (waiting.size) {
      for (const opId of [...waiting]) if (!ids.has(opId)) waiting.delete(opId);
      if (!waiting.size) onSent?.();
    }
  };
  sync.addEventListener("error", ({ detail }) => {
    if (waiting.delete(detail.op_id)) onSent = null;  // refused: the alert says why
  });
  sync.addEventListener("state", save);
  sync.addEventListener("status", save);
}
