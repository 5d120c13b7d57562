// Board state and the ops of the live protocol (docs/protocol.md, "Ops"), as pure
// functions: no DOM, no socket. sync.js applies patches and pending edits with them, and
// the editor can reuse them for previews.
//
// A state is the protocol's board state: {board, phases, cards, arrows, links}. Deleted
// cards, arrows and links are not in it, but a state carries them in `trash` (not part of
// the wire format) so that a later `card.restore`, `arrow.restore` or `link.restore`,
// which names only the id, can bring them back.
//
// Ops are applied leniently: an op that does not fit the state (an update of a card that
// is gone, a create of an id that exists) changes nothing. The server is the authority
// and has already refused what is invalid; locally, a pending edit that no longer fits
// is simply not shown, and the server's answer settles it.
//
// Kinds, fields, defaults and the rules of links and phases come from the server's
// schema (./schema.js), never from a copy of their own.

import { schema } from "./schema.js";

export const KINDS = schema.kinds;
const CARD_FIELDS = schema.card.fields;
const CARD_DEFAULTS = schema.card.defaults;
const ARROW_FIELDS = schema.arrow.fields;
const ARROW_DEFAULTS = schema.arrow.defaults;
// Which kinds may stand at each end of a link.
const LINK_SOURCE_KINDS = schema.link.source_kinds;
const LINK_TARGET_KINDS = schema.link.target_kinds;
const PHASE_FIELDS = schema.phase.fields;
const MIN_PHASES = schema.phase.min;
const MAX_PHASES = schema.phase.max;
// Shown until the patch arrives: the server picks a phase's colour from
// schema.phase.colours when a create names none, and its patch carries the one it chose.
const FALLBACK_PHASE_COLOUR = "#e5e7eb";
const COORD_LIMIT = schema.card.limits.coord;
const GAP_BELOW = 40;  // boards/live/batch_phases.py GAP_BELOW

/** An empty state, for a page that has not heard from the server yet. */
export function emptyState() {
  return {
    board: { id: null, title: "", framework: "", stage: "", locked: false, rev: 0, epoch: 0 },
    phases: [], cards: [], arrows: [], links: [],
    trash: { cards: {}, arrows: {}, links: {} },
  };
}

/** A deep copy that shares nothing with `state` (the input is never changed). */
export function cloneState(state) {
  const copy = structuredClone(state);
  copy.links ??= [];
  copy.trash ??= { cards: {}, arrows: {} };
  copy.trash.links ??= {};
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
  // A state made before links existed (or a trash reset by hand) lacks their places.
  state.links ??= [];
  state.trash.links ??= {};
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

function deleteLink(state, id) {
  const index = findIndex(state.links, id);
  if (index === -1) return false;
  const [link] = state.links.splice(index, 1);
  state.trash.links[id] = link;
  return true;
}

function cardOfKind(state, id, kinds) {
  const card = state.cards.find((c) => c.id === id);
  return card !== undefined && kinds.includes(card.kind);
}

/** Whether a link from `from` to `to` may exist: the ends are alive and of the kinds a
 * link joins, and no other live link joins the same pair. */
function linkFits(state, from, to, id) {
  return (
    cardOfKind(state, from, LINK_SOURCE_KINDS) &&
    cardOfKind(state, to, LINK_TARGET_KINDS) &&
    !state.links.some((l) => l.id !== id && l.from === from && l.to === to)
  );
}

function deleteCard(state, id) {
  const index = findIndex(state.cards, id);
  if (index === -1) return false;  // deleting a deleted card is harmless
  // A card's arrows and links go with it, in the same revision.
  for (const arrow of state.arrows.filter((a) => a.from === id || a.to === id)) {
    deleteArrow(state, arrow.id);
  }
  for (const link of state.links.filter((l) => l.from === id || l.to === id)) {
    deleteLink(state, link.id);
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
    card.kpi = card.kpi.trim();  // the server stores it trimmed
    // In a private writing round the server marks the author's own new card, for them.
    if (op.private) card.private = true;
    if (!phaseExists(state, card.phase)) return false;
    state.cards.push(card);
  },

  "card.update"(state, op) {
    // A text edit (with `base`) of a card deleted meanwhile brings it back, on the
    // server too (docs/protocol.md, "Concurrent text").
    if ("base" in op && !cardAlive(state, op.id) && op.id in state.trash.cards) {
      HANDLERS["card.restore"](state, { op: "card.restore", id: op.id });
    }
    const card = state.cards.find((c) => c.id === op.id);
    if (!card) return false;
    if ("phase" in op && !phaseExists(state, op.phase)) return false;
    Object.assign(card, pick(op, CARD_FIELDS));
    if ("kpi" in op) card.kpi = op.kpi.trim();
    // Links the new kind no longer allows go with the change (the server's patch spells
    // them out as link.delete ops too).
    for (const link of state.links.filter((l) => l.from === card.id || l.to === card.id)) {
      const fits = link.from === card.id
        ? LINK_SOURCE_KINDS.includes(card.kind)
        : LINK_TARGET_KINDS.includes(card.kind);
      if (!fits) deleteLink(state, link.id);
    }
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

  // Only from the server: the reveal of a private writing round brings the whole card,
  // to pages that never saw it and to its author's, where it loses its private mark.
  "card.reveal"(state, op) {
    const card = structuredClone(op.card);
    if (!phaseExists(state, card.phase)) card.phase = null;
    delete state.trash.cards[op.id];
    const index = findIndex(state.cards, op.id);
    if (index === -1) state.cards.push(card);
    else state.cards[index] = card;
  },

  "arrow.create"(state, op) {
    if (findIndex(state.arrows, op.id) !== -1 || op.id in state.trash.arrows) return false;
    if (op.from === op.to || !cardAlive(state, op.from) || !cardAlive(state, op.to)) return false;
    state.arrows.push({ id: op.id, ...ARROW_DEFAULTS, ...pick(op, ARROW_FIELDS) });
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

  "link.create"(state, op) {
    if (findIndex(state.links, op.id) !== -1 || op.id in state.trash.links) return false;
    if (!linkFits(state, op.from, op.to, op.id)) return false;
    state.links.push({ id: op.id, from: op.from, to: op.to });
  },

  "link.delete"(state, op) {
    deleteLink(state, op.id);
  },

  "link.restore"(state, op) {
    if (findIndex(state.links, op.id) !== -1) return;
    const link = op.link ? structuredClone(op.link) : state.trash.links[op.id];
    if (!link) {
      state.incomplete = true;
      return false;
    }
    if (!linkFits(state, link.from, link.to, link.id)) return false;
    delete state.trash.links[op.id];
    state.links.push(link);
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
      locked: op.locked ?? false,
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
    const members = state.cards.filter((c) => c.phase === op.id);
    if (op.cards === "move") {
      // As the server does (docs/protocol.md, phase.delete): the cards go below the
      // target's own, keeping their places among themselves; its KPIs join the target's.
      const bottoms = state.cards.filter((c) => c.phase === op.to).map((c) => c.y + c.h);
      const top = Math.min(...members.map((c) => c.y));
      const offset = bottoms.length && members.length ? Math.max(0, Math.max(...bottoms) + GAP_BELOW - top) : 0;
      for (const card of members) {
        card.phase = op.to;
        card.y = Math.min(card.y + offset, COORD_LIMIT);
      }
      const target = state.phases.find((p) => p.id === op.to);
      const phase = state.phases[index];
      const names = new Set((target.kpis ?? []).map((k) => k.name));
      target.kpis = [...(target.kpis ?? []), ...(phase.kpis ?? []).filter((k) => !names.has(k.name))];
    } else {
      for (const card of members) deleteCard(state, card.id);
    }
    for (const card of Object.values(state.trash.cards)) {
      if (card.phase === op.id) card.phase = null;
    }
    state.phases.splice(index, 1);
    renumber(state.phases);
  },

  "board.update"(state, op) {
    if ("title" in op) state.board.title = op.title.trim();
    if ("stage" in op) state.board.stage = op.stage;
    if ("locked" in op) state.board.locked = op.locked;
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
