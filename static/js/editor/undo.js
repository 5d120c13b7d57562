// Undo and redo of your own changes only. Each change you make is remembered with its
// inverse, computed from the board as it was just before; undo sends the inverse as a
// new op batch (card.restore/arrow.restore/link.restore bring deleted things back). Someone else's
// work is never undone: an inverse skips fields that others changed since, and a card
// you made is not deleted again once someone else has changed it. Undo takes back your
// last change only, never an older one behind it: when nothing of it still stands as you
// left it, nothing is undone, and a "blocked" event ({partly: false}) says so (with
// {partly: true} when only some of it was). Which fields an inverse restores comes from
// the schema: every field of a card, arrow or phase.

import { schema } from "../live/schema.js";
import { undoPhaseDelete } from "./phaseundo.js";

const CARD_FIELDS = schema.card.fields;
const ARROW_FIELDS = schema.arrow.fields;
const PHASE_FIELDS = schema.phase.fields;
const LIMIT = 200;
const LINK_SOURCES = schema.link.source_kinds;
const LINK_TARGETS = schema.link.target_kinds;

const find = (list, id) => list.find((item) => item.id === id);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const linksOf = (state, cardId) => (state.links ?? []).filter((l) => l.from === cardId || l.to === cardId);

function previous(item, op, fields) {
  const out = {};
  for (const name of fields) if (name in op && item) out[name] = structuredClone(item[name]);
  return out;
}

/** The ops that undo `ops` when applied to the board `state` they were made on
 * (null when a part cannot be undone). */
export function inverseOps(state, ops) {
  const inverse = [];
  // Track what this batch deletes so a card's arrows are restored with it.
  const deadArrows = new Set();
  const deadLinks = new Set();
  for (const op of ops) {
    switch (op.op) {
      case "card.create":
        inverse.push({ op: "card.delete", id: op.id });
        break;
      case "card.update": {
        const undo = [{ op: "card.update", id: op.id, ...previous(find(state.cards, op.id), op, CARD_FIELDS) }];
        // A kind change drops the links the new kind does not allow: undo brings them back
        // after the kind.
        if ("kind" in op) {
          for (const link of linksOf(state, op.id)) {
            const fits = link.from === op.id ? LINK_SOURCES.includes(op.kind) : LINK_TARGETS.includes(op.kind);
            if (fits || deadLinks.has(link.id)) continue;
            deadLinks.add(link.id);
            undo.push({ op: "link.restore", id: link.id });
          }
        }
        inverse.push(undo);
        break;
      }
      case "card.delete":
      case "card.restore": {
        if (op.op === "card.restore") {
          inverse.push({ op: "card.delete", id: op.id });
          break;
        }
        if (!find(state.cards, op.id)) break;
        const arrows = state.arrows.filter((a) => (a.from === op.id || a.to === op.id) && !deadArrows.has(a.id));
        const undo = [{ op: "card.restore", id: op.id }];
        for (const arrow of arrows) {
          deadArrows.add(arrow.id);
          undo.push({ op: "arrow.restore", id: arrow.id });
        }
        for (const link of linksOf(state, op.id)) {
          if (deadLinks.has(link.id)) continue;
          deadLinks.add(link.id);
          undo.push({ op: "link.restore", id: link.id });
        }
        inverse.push(undo);
        break;
      }
      case "link.create":
      case "link.restore":
        inverse.push({ op: "link.delete", id: op.id });
        break;
      case "link.delete":
        if (find(state.links ?? [], op.id) && !deadLinks.has(op.id)) {
          deadLinks.add(op.id);
          inverse.push({ op: "link.restore", id: op.id });
        }
        break;
      case "arrow.create":
        inverse.push({ op: "arrow.delete", id: op.id });
        break;
      case "arrow.restore":
        inverse.push({ op: "arrow.delete", id: op.id });
        break;
      case "arrow.update":
        inverse.push({ op: "arrow.update", id: op.id, ...previous(find(state.arrows, op.id), op, ARROW_FIELDS) });
        break;
      case "arrow.delete":
        if (find(state.arrows, op.id) && !deadArrows.has(op.id)) {
          deadArrows.add(op.id);
          inverse.push({ op: "arrow.restore", id: op.id });
        }
        break;
      case "phase.update":
        inverse.push({ op: "phase.update", id: op.id, ...previous(find(state.phases, op.id), op, PHASE_FIELDS) });
        break;
      case "phase.move": {
        const phase = find(state.phases, op.id);
        if (phase) inverse.push({ op: "phase.move", id: op.id, position: phase.position });
        break;
      }
      case "phase.create":
        inverse.push({ op: "phase.delete", id: op.id, cards: "move", to: state.phases[0]?.id });
        break;
      case "board.update":
        inverse.push({ op: "board.update", title: state.board.title });
        break;
      case "phase.delete":
        // The phase back whole, with its cards, arrows and KPIs (./phaseundo.js).
        inverse.push(undoPhaseDelete(state, op));
        break;
      default:
        return null;
    }
  }
  // Undo in reverse order; restores of a card come before the restores of its arrows.
  return inverse.reverse().flat();
}

/** The parts of `inverse` that would not overwrite what someone else changed after
 * `forward` (our change) was made: {ops, dropped} (dropped: some part was left out). */
function guard(state, forward, inverse) {
  const mine = new Map();
  for (const op of forward) if (op.id) mine.set(`${op.op}:${op.id}`, op);
  const out = [];
  const back = new Set();  // cards and phases this inverse restores before it updates them
  let dropped = false;
  for (const op of inverse) {
    const kind = op.op;
    if (kind === "card.restore" || kind === "phase.create") back.add(op.id);
    if (kind === "card.update" || kind === "arrow.update" || kind === "phase.update") {
      const list = kind === "card.update" ? state.cards : kind === "arrow.update" ? state.arrows : state.phases;
      const item = find(list, op.id);
      const ours = mine.get(`${kind}:${op.id}`);
      if (!item && !back.has(op.id)) {
        dropped = true;  // deleted since: restoring its fields is not ours to do
        continue;
      }
      const kept = { op: kind, id: op.id };
      let any = false;
      for (const [name, value] of Object.entries(op)) {
        if (name === "op" || name === "id") continue;
        // Someone else changed this field after us: leave their value.
        if (item && ours && name in ours && !same(item[name], ours[name])) {
          dropped = true;
          continue;
        }
        kept[name] = value;
        any = true;
      }
      if (any) out.push(kept);
    } else if (kind === "card.delete") {
      const card = find(state.cards, op.id);
      // A card we made, that someone has written in or moved since: theirs now too.
      const made = mine.get(`card.create:${op.id}`);
      const changed = card && made && CARD_FIELDS.some((name) => name in made && !same(card[name], made[name]));
      if (changed) dropped = true;
      else if (card) out.push(op);
    } else if (kind === "arrow.delete") {
      if (find(state.arrows, op.id)) out.push(op);
    } else if (kind === "link.delete") {
      if (find(state.links ?? [], op.id)) out.push(op);
    } else {
      out.push(op);
    }
  }
  return { ops: out, dropped };
}

export class UndoStack extends EventTarget {
  constructor(getState, submit) {
    super();
    this.getState = getState;
    this.submit = submit;
    this.done = [];
    this.undone = [];
  }

  /** Submit `ops` as one change of yours and remember how to undo it. */
  commit(ops) {
    const inverse = inverseOps(this.getState(), ops);
    const opId = this.submit(ops);
    if (opId && inverse && inverse.length) {
      this.done.push({ forward: ops, inverse });
      if (this.done.length > LIMIT) this.done.shift();
      this.undone = [];
    }
    this.changed();
    return opId;
  }

  undo() {
    return this.step(this.done, this.undone);
  }

  redo() {
    return this.step(this.undone, this.done);
  }

  /** Take back the last change of `from` (only that one), as far as it still stands;
   * false when there is nothing to take back. */
  step(from, to) {
    const entry = from.pop();
    if (!entry) {
      this.changed();
      return false;
    }
    const state = this.getState();
    const { ops, dropped } = guard(state, entry.forward, entry.inverse);
    if (dropped) this.dispatchEvent(new CustomEvent("blocked", { detail: { partly: ops.length > 0 } }));
    if (ops.length) {
      // Undoing a phase's deletion: redo deletes it again as it was deleted.
      const back = entry.forward.some((op) => op.op === "phase.delete") ? entry.forward : inverseOps(state, ops);
      if (this.submit(ops) && back && back.length) to.push({ forward: ops, inverse: back });
    }
    this.changed();
    return true;
  }

  changed() {
    this.dispatchEvent(new Event("change"));
  }
}
