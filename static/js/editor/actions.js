// What a person can do to the board: each action builds the ops for one change and
// commits it through the undo stack (one op batch = one revision). Sizes, limits and
// the fields a copy carries come from the schema (../live/schema.js).

import { schema } from "../live/schema.js";
import { newOpId } from "../live/sync.js";
import { t } from "../page/strings.js";
import { cardRect, clampSize, COLUMN, freeSpot, placeAt, round } from "./geometry.js";

const { w: CARD_W, h: CARD_H } = schema.card.defaults;
const TEXT_LIMIT = schema.card.limits.text;
const LINK_SOURCES = new Set(schema.link.source_kinds);
const LINK_TARGETS = new Set(schema.link.target_kinds);

export function makeActions(ed) {
  const { sync, renderer } = ed;

  function commit(ops) {
    if (!ed.canEdit || !ops.length) return null;
    if (ed.opsLocked(ops)) {
      // The lock (../workshop/lock.js): the server would refuse it.
      ed.showHint(t("locked_hint"), 3000);
      return null;
    }
    return ed.undo.commit(ops);
  }

  /** Where a card of this size, moved to absolute (x, y), belongs: {phase, x, y}. */
  function place(absX, y, w) {
    const spot = placeAt(absX, w, ed.state.phases);
    return { phase: spot.phase, x: spot.x, y: round(y) };
  }

  // Selection

  function select(ids, { focus = false } = {}) {
    const next = new Set(ids);
    ed.phaseFocus = null;  // the side panel goes back to following the selection
    for (const id of ed.selection) if (!next.has(id)) renderer.cards.get(id)?.el.classList.remove("is-selected");
    for (const id of next) renderer.cards.get(id)?.el.classList.add("is-selected");
    ed.selection = next;
    if (next.size) selectArrow(null, { quiet: true });
    if (next.size && ed.selectedLink) {
      renderer.links.get(ed.selectedLink)?.g.classList.remove("is-selected");
      ed.selectedLink = null;
    }
    if (focus && next.size === 1) {
      renderer.cards.get([...next][0])?.el.focus({ preventScroll: true });
    }
    ed.selectionChanged();
  }

  function toggleSelect(id) {
    const next = new Set(ed.selection);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    select(next);
  }

  function selectArrow(id, { quiet = false } = {}) {
    if (ed.selectedArrow) renderer.arrows.get(ed.selectedArrow)?.g.classList.remove("is-selected");
    ed.selectedArrow = id && renderer.arrows.has(id) ? id : null;
    if (ed.selectedArrow) {
      renderer.arrows.get(id).g.classList.add("is-selected");
      if (ed.selection.size) select([]);
    }
    if (!quiet) ed.selectionChanged();
  }

  // Cards

  /** Where a card added without a pointer goes (its centre, in board units): beside the
   * selected card, or in the first free spot of the phase in the middle of the view. */
  function newCardSpot() {
    const phases = [...ed.state.phases].sort((a, b) => a.position - b.position);
    const selected = [...ed.selection].map((id) => ed.cardsById.get(id)).find((card) => card && card.phase !== null);
    let index;
    let near = null;
    if (selected) {
      near = cardRect(selected, ed.pos);
      index = ed.pos.get(selected.phase);
    } else {
      const centre = ed.viewport.centre();
      index = Math.max(0, Math.min(phases.length - 1, Math.floor(centre.x / COLUMN)));
    }
    if (!phases.length || index === undefined) return ed.viewport.centre();
    const r = freeSpot(ed.state, ed.pos, { index, near, w: CARD_W, h: CARD_H });
    return { x: r.x + r.w / 2, y: r.y + r.h / 2 };
  }

  /** A new card at board point `at`. With `edit`, it is a draft shown only here until its
   * text is written, then created with that text: one change to send and to undo. */
  function createCard(kind, at, { edit = true } = {}) {
    if (!ed.canEdit) return null;
    ed.editor.finish();
    const absX = at.x - CARD_W / 2;
    const spot = place(absX, at.y - CARD_H / 2, CARD_W);
    const id = newOpId();
    const op = { op: "card.create", id, kind, phase: spot.phase, x: spot.x, y: spot.y, w: CARD_W, h: CARD_H, text: "" };
    if (edit) {
      ed.draft = op;
      ed.render();
    } else {
      commit([op]);
    }
    if (!ed.cardsById.has(id)) return null;
    select([id], { focus: true });
    const rect = renderer.rectOf(id);
    if (rect) ed.viewport.reveal(rect);
    if (edit) ed.editor.start(id);
    return id;
  }

  /** Move cards by (dx, dy) board units; each lands in the phase under its centre. */
  function moveCards(ids, dx, dy) {
    const ops = [];
    for (const id of ids) {
      const card = ed.cardsById.get(id);
      if (!card) continue;
      const rect = cardRect(card, ed.pos);
      const spot = place(rect.x + dx, rect.y + dy, rect.w);
      const op = { op: "card.update", id, x: spot.x, y: spot.y };
      if (spot.phase !== card.phase) op.phase = spot.phase;
      ops.push(op);
    }
    commit(ops);
  }

  function resizeCard(id, w, h) {
    const card = ed.cardsById.get(id);
    if (!card) return;
    const size = { w: clampSize(w), h: clampSize(h) };
    if (size.w !== card.w || size.h !== card.h) commit([{ op: "card.update", id, ...size }]);
  }

  function recolour(colour) {
    commit([...ed.selection].map((id) => ({ op: "card.update", id, colour })));
  }

  /** Set a card's text, typed from `base` (the text shown when typing began): the server
   * merges it with what others wrote meanwhile, and brings back a card deleted meanwhile
   * (docs/protocol.md, "Concurrent text"). */
  function setText(id, text, base = null) {
    const value = text.slice(0, TEXT_LIMIT);
    if (ed.draft?.id === id) {
      const op = { ...ed.draft, text: value };
      ed.draft = null;
      // A draft left empty (Escape, or leaving it) was never a card: nothing is created.
      if (!value.trim()) {
        ed.render();
        const lost = document.activeElement === document.body || document.activeElement === null;
        if (lost) ed.viewport.element.focus({ preventScroll: true });
        return;
      }
      commit([op]);
      ed.render();
      return;
    }
    const card = ed.cardsById.get(id);
    if (base === null) {
      if (card && value !== card.text) commit([{ op: "card.update", id, text: value }]);
      return;
    }
    // Gone while the person typed: their words bring it back (if they wrote any).
    if (card ? value !== card.text : value !== base) {
      commit([{ op: "card.update", id, text: value, base: base.slice(0, TEXT_LIMIT) }]);
    }
  }

  function deleteSelection() {
    if (ed.selectedLink) {
      deleteLink(ed.selectedLink);
      return;
    }
    if (ed.selectedArrow) {
      commit([{ op: "arrow.delete", id: ed.selectedArrow }]);
      selectArrow(null);
      return;
    }
    const ids = [...ed.selection];
    if (!ids.length) return;
    // Keep the keyboard nearby: on the card after the last one deleted.
    const last = renderer.cards.get(ids[ids.length - 1])?.el;
    let next = last?.nextElementSibling;
    while (next && (!next.classList.contains("card-item") || ed.selection.has(next.dataset.cardId))) {
      next = next.nextElementSibling;
    }
    commit(ids.map((id) => ({ op: "card.delete", id })));
    select([]);
    if (next?.isConnected) next.focus({ preventScroll: true });
    else ed.viewport.element.focus({ preventScroll: true });
  }

  function duplicateSelection() {
    const ops = [];
    const ids = [];
    for (const id of ed.selection) {
      const card = ed.cardsById.get(id);
      if (!card) continue;
      const rect = cardRect(card, ed.pos);
      const spot = place(rect.x + 24, rect.y + 24, rect.w);
      const copy = newOpId();
      ids.push(copy);
      // Every field of the card (an opportunity's priority, owner and KPI too), in its
      // new place.
      const op = { op: "card.create", id: copy };
      for (const name of schema.card.fields) if (name in card) op[name] = structuredClone(card[name]);
      ops.push({ ...op, phase: spot.phase, x: spot.x, y: spot.y });
    }
    commit(ops);
    select(ids.filter((id) => ed.cardsById.has(id)), { focus: true });
  }

  // Arrows

  function startConnect(spec) {
    if (!ed.canEdit) return;
    ed.connect = spec;
    ed.showHint(t(spec.arrow ? "reattach_hint" : spec.link ? "link_hint" : "connect_hint"));
    ed.viewport.element.classList.add("is-connecting");
  }

  function cancelConnect() {
    if (!ed.connect) return;
    ed.connect = null;
    ed.showHint("");
    ed.viewport.element.classList.remove("is-connecting");
  }

  function completeConnect(targetId) {
    const spec = ed.connect;
    cancelConnect();
    if (!spec) return;
    if (spec.arrow) {
      const arrow = ed.state.arrows.find((a) => a.id === spec.arrow);
      if (!arrow) return;
      const other = spec.end === "from" ? arrow.to : arrow.from;
      if (targetId === other || arrow[spec.end] === targetId) return;
      commit([{ op: "arrow.update", id: arrow.id, [spec.end]: targetId }]);
      selectArrow(arrow.id);
      return;
    }
    if (spec.link) link(spec.from, targetId);
    else connect(spec.from, targetId);
  }

  /** An arrow: how customers move from one card to another. */
  function connect(from, to) {
    if (!from || !to || from === to) return null;
    const id = newOpId();
    commit([{ op: "arrow.create", id, from, to }]);
    return id;
  }

  /** A link: this current activity (or opportunity) serves that touchpoint, which the
   * gap analysis counts. Only those kinds may be linked; a link made twice is made once. */
  function link(from, to) {
    if (!isLink(from, to)) {
      ed.showHint(t("link_refused"), 3500);
      return null;
    }
    if (ed.state.links.some((l) => l.from === from && l.to === to)) return null;
    const id = newOpId();
    commit([{ op: "link.create", id, from, to }]);
    return id;
  }

  function isLink(from, to) {
    const source = ed.cardsById.get(from);
    const target = ed.cardsById.get(to);
    return Boolean(source && target && LINK_SOURCES.has(source.kind) && LINK_TARGETS.has(target.kind));
  }

  function selectLink(id) {
    if (ed.selectedLink) renderer.links.get(ed.selectedLink)?.g.classList.remove("is-selected");
    ed.selectedLink = id && renderer.links.has(id) ? id : null;
    if (ed.selectedLink) {
      renderer.links.get(id).g.classList.add("is-selected");
      if (ed.selection.size) select([]);
      if (ed.selectedArrow) selectArrow(null, { quiet: true });
      ed.showHint(t(ed.canEdit ? "link_selected" : "link_selected_view"));
    } else {
      ed.showHint("");
    }
    ed.selectionChanged();
  }

  function deleteLink(id) {
    if (!id) return;
    commit([{ op: "link.delete", id }]);
    if (ed.selectedLink === id) selectLink(null);
  }

  function updateArrow(id, fields) {
    const arrow = ed.state.arrows.find((a) => a.id === id);
    if (!arrow) return;
    const changed = Object.fromEntries(Object.entries(fields).filter(([k, v]) => arrow[k] !== v));
    if (Object.keys(changed).length) commit([{ op: "arrow.update", id, ...changed }]);
  }

  return {
    commit,
    select,
    toggleSelect,
    selectArrow,
    createCard,
    newCardSpot,
    moveCards,
    resizeCard,
    recolour,
    setText,
    deleteSelection,
    duplicateSelection,
    startConnect,
    cancelConnect,
    completeConnect,
    connect,
    link,
    isLink,
    selectLink,
    deleteLink,
    updateArrow,
  };
}
