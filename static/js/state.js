// Board state and the ops of the live protocol (docs/protocol.md, "Ops"), as pure
// functions: no DOM, no socket. sync.js applies patches and pending edits with them, and
// the editor can reuse them for previews.
//
// A state is the protocol's board state: {board, phases, cards, arrows}. Deleted cards
// and arrows are not in it, but a state carries them in `trash` (not part of the wire
// format) so that a later `card.restore` or `arrow.restore`, which names only the id,
// can bring them back.
//
// Ops are applied leniently: an op that does not fit the state (an update of a card that
// is gone, a create of an id that exists) changes nothing. The server is the authority
// and has already refused what is invalid; locally, a pending edit that no longer fits
// is simply not shown, and the server's answer settles it.

export const KINDS = ["touchpoint", "activity", "note", "opportunity"];
const CARD_FIELDS = ["kind", "phase", "x", "y", "w", "h", "text", "colour", "channel"];
const CARD_DEFAULTS = { phase: null, x: 0, y: 0, w: 180, h: 110, text: "", colour: "", channel: "" };
const ARROW_FIELDS = ["from", "to", "label", "weight"];
const PHASE_FIELDS = ["name", "colour", "kpis"];
const MIN_PHASES = 2;
const MAX_PHASES = 8;
// The server picks a phase's colour from this list when a create names none
// (boards/frameworks.py PHASE_COLOURS); the patch then carries the colour it chose.
const FALLBACK_PHASE_COLOUR = "#e5e7eb";

/** An empty state, for a page that has not heard from the server yet. */
export function emptyState() {
  return { board: { id: null, title: "", framework: "", rev: 0, epoch: 0 }, phases: [], cards: [], arrows: [], trash: { cards: {}, arrows: {} } };
}

/** A deep copy that shares nothing with `state` (the input is never changed). */
export function cloneState(state) {
  const copy = structuredClone(state);
  copy.trash ??= { cards: {}, arrows: {} };
  return copy;
}

/**
 * Apply a list of ops to a copy of `state` and return the copy.
 * `context.by` is the author's user id (a patch's `by`), used for `author` of new cards.
 * The result has `incomplete: true` when an op needed something the state does not
 * hold (a restore of a card deleted before this state was loaded): ask for a snapshot.
 */
export function applyOps(state, ops, context = {}) {
  const next = cloneState(state);
  next.incomplete = false;
  for (const op of ops) applyOpInPlace(next, op, context);
  return next;
}

/** Apply one op to `state`, changing it. Returns false when the op did not fit. */
export function applyOpInPlace(state, op, context = {}) {
  const handler = HANDLERS[op.op];
  if (!handler) return false;
  return handler(state, op, context) !== false;
}

function findIndex(list, id) {
  return list.findIndex((item) => item.id === id);
}

function pick(source, names) {
  const out = {};
  for (const name of names) if (name in source) out[name] = source[name];
  return out;
}

function renumber(phases) {
  phases.forEach((phase, index) => { phase.position = index; });
}

function deleteArrow(state, id) {
  const index = findIndex(state.arrows, id);
  if (index === -1) return false;
  const [arrow] = state.arrows.splice(index, 1);
  state.trash.arrows[id] = arrow;
  return true;
}

function deleteCard(state, id) {
  const index = findIndex(state.cards, id);
  if (index === -1) return false;  // deleting a deleted card is harmless
  // A card's arrows go with it, in the same revision.
  for (const arrow of state.arrows.filter((a) => a.from === id || a.to === id)) {
    deleteArrow(state, arrow.id);
  }
  const [card] = state.cards.splice(index, 1);
  state.trash.cards[id] = card;
  return true;
}

function cardAlive(state, id) {
  return findIndex(state.cards, id) !== -1;
}

function phaseExists(state, id) {
  return id === null || findIndex(state.phases, id) !== -1;
}

const HANDLERS = {
  "card.create"(state, op, { by = null }) {
    if (cardAlive(state, op.id) || op.id in state.trash.cards) return false;
    if (!KINDS.includes(op.kind)) return false;
    const card = { id: op.id, ...CARD_DEFAULTS, ...pick(op, CARD_FIELDS), author: by };
    if (!phaseExists(state, card.phase)) return false;
    state.cards.push(card);
  },

  "card.update"(state, op) {
    const card = state.cards.find((c) => c.id === op.id);
    if (!card) return false;
    if ("phase" in op && !phaseExists(state, op.phase)) return false;
    Object.assign(card, pick(op, CARD_FIELDS));
  },

  "card.delete"(state, op) {
    deleteCard(state, op.id);
  },

  "card.restore"(state, op) {
    if (cardAlive(state, op.id)) return;
    // A server patch carries the whole card; a local (pending) restore relies on trash.
    const card = op.card ? structuredClone(op.card) : state.trash.cards[op.id];
    if (!card) {
      state.incomplete = true;
      return false;
    }
    delete state.trash.cards[op.id];
    // The server takes a deleted card out of a phase that is deleted later.
    if (!phaseExists(state, card.phase)) card.phase = null;
    state.cards.push(card);
  },

  "arrow.create"(state, op) {
    if (findIndex(state.arrows, op.id) !== -1 || op.id in state.trash.arrows) return false;
    if (op.from === op.to || !cardAlive(state, op.from) || !cardAlive(state, op.to)) return false;
    state.arrows.push({ id: op.id, from: op.from, to: op.to, label: op.label ?? "", weight: op.weight ?? null });
  },

  "arrow.update"(state, op) {
    const arrow = state.arrows.find((a) => a.id === op.id);
    if (!arrow) return false;
    const from = op.from ?? arrow.from;
    const to = op.to ?? arrow.to;
    if (from === to || !cardAlive(state, from) || !cardAlive(state, to)) return false;
    Object.assign(arrow, pick(op, ARROW_FIELDS));
  },

  "arrow.delete"(state, op) {
    deleteArrow(state, op.id);
  },

  "arrow.restore"(state, op) {
    if (findIndex(state.arrows, op.id) !== -1) return;
    const arrow = op.arrow ? structuredClone(op.arrow) : state.trash.arrows[op.id];
    if (!arrow) {
      state.incomplete = true;
      return false;
    }
    if (!cardAlive(state, arrow.from) || !cardAlive(state, arrow.to)) return false;
    delete state.trash.arrows[op.id];
    state.arrows.push(arrow);
  },

  "phase.create"(state, op) {
    if (findIndex(state.phases, op.id) !== -1 || state.phases.length >= MAX_PHASES) return false;
    const position = Math.min(op.position, state.phases.length);
    const phase = {
      id: op.id,
      position,
      name: op.name.trim(),
      colour: op.colour || FALLBACK_PHASE_COLOUR,
      kpis: op.kpis ?? [],
    };
    // Phases at `position` and after move one to the right.
    state.phases.splice(position, 0, phase);
    renumber(state.phases);
  },

  "phase.update"(state, op) {
    const phase = state.phases.find((p) => p.id === op.id);
    if (!phase) return false;
    Object.assign(phase, pick(op, PHASE_FIELDS));
    if ("name" in op) phase.name = op.name.trim();
  },

  "phase.move"(state, op) {
    const index = findIndex(state.phases, op.id);
    if (index === -1) return false;
    const [phase] = state.phases.splice(index, 1);
    // Clamped to the last place; the others close up.
    state.phases.splice(Math.min(op.position, state.phases.length), 0, phase);
    renumber(state.phases);
  },

  "phase.delete"(state, op) {
    const index = findIndex(state.phases, op.id);
    if (index === -1 || state.phases.length <= MIN_PHASES) return false;
    if (op.cards === "move" && (!op.to || op.to === op.id || findIndex(state.phases, op.to) === -1)) {
      return false;
    }
    for (const card of state.cards.filter((c) => c.phase === op.id)) {
      if (op.cards === "move") card.phase = op.to;
      else deleteCard(state, card.id);
    }
    for (const card of Object.values(state.trash.cards)) {
      if (card.phase === op.id) card.phase = null;
    }
    state.phases.splice(index, 1);
    renumber(state.phases);
  },

  "board.update"(state, op) {
    state.board.title = op.title.trim();
  },
};

/** The phases in order, each with its cards (sorted top to bottom, then left to right),
 * and the cards outside every phase: what a column view shows. */
export function columns(state) {
  const byPhase = new Map(state.phases.map((phase) => [phase.id, []]));
  const loose = [];
  state.cards.forEach((card, order) => {
    (byPhase.get(card.phase) ?? loose).push({ card, order });
  });
  const sorted = (items) =>
    items
      .sort((a, b) => a.card.y - b.card.y || a.card.x - b.card.x || a.order - b.order)
      .map((item) => item.card);
  const result = [...state.phases]
    .sort((a, b) => a.position - b.position)
    .map((phase) => ({ phase, cards: sorted(byPhase.get(phase.id)) }));
  if (loose.length) result.push({ phase: null, cards: sorted(loose) });
  return result;
}
