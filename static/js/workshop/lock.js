// The lock (docs/protocol.md, "The lock"): a facilitator locks the whole board, a phase
// or single cards; `locked` is a field of the board state, so it comes with every patch
// and snapshot. This module shows it (a padlock on locked cards and phase headers, a
// notice when the whole board is locked), gives facilitators the switches (the toolbar's
// board lock, "Lock phase" in a phase's menu, "Lock" in the selection bar), and keeps
// everyone else's page from offering what the server would refuse: no drag, resize,
// text editing or delete of what is locked. The server checks every op again.

import { t } from "../page/strings.js";

const PADLOCK =
  '<svg aria-hidden="true" viewBox="0 0 16 16" width="14" height="14"><rect x="2.5" y="7" width="11" height="7.5" rx="2" fill="currentColor"/><path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="1.8"/></svg>';

/** Whether `card` is locked for someone who is not a facilitator, in `state`. */
export function cardLocked(state, card) {
  if (!card) return false;
  if (state.board.locked || card.locked) return true;
  return Boolean(card.phase && state.phases.find((p) => p.id === card.phase)?.locked);
}

function phaseLocked(state, id) {
  return Boolean(id && state.phases.find((p) => p.id === id)?.locked);
}

/** Whether the server would refuse `ops` from someone below facilitator for the lock. */
export function opsLocked(state, ops) {
  if (state.board.locked) return true;
  const card = (id) => state.cards.find((c) => c.id === id);
  for (const op of ops) {
    if ("locked" in op && op.locked) return true;
    const [kind, verb] = op.op.split(".");
    if (kind === "card") {
      if (verb === "create" ? phaseLocked(state, op.phase) : cardLocked(state, card(op.id))) return true;
      if (verb === "update" && op.phase && phaseLocked(state, op.phase)) return true;
    } else if (kind === "arrow" || kind === "link") {
      const line = (kind === "arrow" ? state.arrows : state.links).find((l) => l.id === op.id);
      const ends = [op.from, op.to, line?.from, line?.to];
      if (ends.some((id) => id && cardLocked(state, card(id)))) return true;
    } else if (kind === "phase" && verb !== "create") {
      if (phaseLocked(state, op.id) || (op.to && phaseLocked(state, op.to))) return true;
    }
  }
  return false;
}

function badge(className, label) {
  const span = document.createElement("span");
  span.className = className;
  span.innerHTML = PADLOCK;
  span.title = label;
  const text = document.createElement("span");
  text.className = "visually-hidden";
  text.textContent = label;
  span.append(text);
  return span;
}

export function installLock(ed) {
  const notice = document.getElementById("board-locked");
  const boardButton = document.getElementById("lock-board");
  const selButton = document.getElementById("sel-lock");

  const facilitates = () => Boolean(ed.can.facilitate);
  ed.isLocked = (id) => !facilitates() && cardLocked(ed.state, ed.cardsById.get(id));
  /** Whether this person may change these cards now (false tells them why). */
  ed.mayChange = (ids, { hint = true } = {}) => {
    const blocked = [...ids].some((id) => ed.isLocked(id));
    if (blocked && hint) ed.showHint(t("locked_hint"), 3000);
    return !blocked;
  };
  ed.opsLocked = (ops) => !facilitates() && opsLocked(ed.state, ops);

  /** After each render: padlocks on what is locked, the board's notice and switches. */
  ed.showLocks = () => {
    const state = ed.state;
    for (const [id, view] of ed.renderer.cards) {
      const card = ed.cardsById.get(id);
      const locked = cardLocked(state, card);
      const own = Boolean(card?.locked);  // a card's own padlock; a phase's shows on its header
      view.el.classList.toggle("is-locked", locked);
      let mark = view.el.querySelector(":scope > .lock-badge");
      if (own && !mark) view.el.append((mark = badge("lock-badge", t("card_locked"))));
      else if (!own && mark) mark.remove();
    }
    for (const phase of state.phases) {
      const view = ed.renderer.phases.get(phase.id);
      if (!view) continue;
      view.li.classList.toggle("is-locked", Boolean(phase.locked));
      view.lane.classList.toggle("is-locked", Boolean(phase.locked));
      let mark = view.header.querySelector(".phase-lock");
      if (phase.locked && !mark) {
        mark = badge("phase-lock", t("phase_locked", { name: phase.name }));
        view.name.after(mark);
      } else if (!phase.locked && mark) mark.remove();
    }
    const board = Boolean(state.board.locked);
    notice.hidden = !board;
    ed.root.classList.toggle("is-board-locked", board);
    boardButton.setAttribute("aria-pressed", String(board));
    boardButton.querySelector(".label").textContent = t(board ? "unlock_board" : "lock_board");
    showSelLock();
  };

  function showSelLock() {
    boardButton.parentElement.hidden = !facilitates();
    const ids = [...ed.selection];
    selButton.hidden = !facilitates() || !ids.length;
    // What the lock holds is not offered: no edit, colour, connect, link or delete of a
    // locked card, nothing new on a locked board (selection.js shows the rest).
    const held = !facilitates() && ids.some((id) => ed.isLocked(id));
    for (const id of ["sel-edit", "sel-colours", "sel-connect", "sel-link", "sel-delete"]) {
      const control = document.getElementById(id);
      if (held) control.hidden = true;
      else if (id === "sel-colours" || id === "sel-delete") control.hidden = false;
    }
    // A copy lands in the same phase, which a lock may hold too.
    document.getElementById("sel-duplicate").hidden = held || (!facilitates() && Boolean(ed.state.board.locked));
    if (held) document.getElementById("selbar").hidden = true;
    const all = ids.length && ids.every((id) => ed.cardsById.get(id)?.locked);
    selButton.setAttribute("aria-pressed", String(Boolean(all)));
    selButton.querySelector(".label").textContent = t(all ? "unlock_cards" : "lock_cards");
  }
  ed.lockSelectionChanged = showSelLock;

  boardButton.addEventListener("click", () => {
    if (facilitates()) ed.actions.commit([{ op: "board.update", locked: !ed.state.board.locked }]);
  });
  selButton.addEventListener("click", () => {
    const ids = [...ed.selection].filter((id) => ed.cardsById.has(id));
    if (!facilitates() || !ids.length) return;
    const locked = !ids.every((id) => ed.cardsById.get(id).locked);
    ed.actions.commit(ids.map((id) => ({ op: "card.update", id, locked })));
  });

  /** The phase menu's item: "Lock phase" or "Unlock phase", facilitators only. */
  ed.lockPhaseItem = (menu, phase) => {
    const item = menu.querySelector('[data-action="lock"]');
    item.hidden = !facilitates();
    item.textContent = t(phase.locked ? "unlock_phase" : "lock_phase");
  };
  ed.togglePhaseLock = (id) => {
    const phase = ed.state.phases.find((p) => p.id === id);
    if (phase && facilitates()) ed.actions.commit([{ op: "phase.update", id, locked: !phase.locked }]);
  };
}
