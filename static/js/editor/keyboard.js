// The keyboard path to every canvas action: a shortcut per card kind (at the pointer or
// the centre of the view), arrow keys to move (Alt+arrows to resize), Enter to edit,
// Delete to delete, Space to choose several, C and L to connect or link the selected card to one chosen from a
// list, Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z, Ctrl/Cmd+D, zoom keys, Space+drag. The letter
// and zoom keys work wherever the focus is outside a field, on a toolbar button too.

import { schema } from "../live/schema.js";
import { announce } from "../page/announce.js";
import { number } from "../page/format.js";
import { t } from "../page/strings.js";

export function installKeyboard(ed) {
  const { actions, viewport: vp, renderer } = ed;
  const KIND_KEYS = kindKeys();

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented) return;
    vp.touched = true;
    const target = event.target;
    if (target.closest?.("input, textarea, select, dialog, .phase-menu")) return;
    const key = event.key;
    const mod = event.ctrlKey || event.metaKey;
    const onCard = target.closest?.(".card-item");
    const onArrow = target.closest?.("[data-arrow-id]");
    const onLink = target.closest?.("[data-link-id]");
    const onButton = target.closest?.("button, a, summary") && !onCard;

    if (mod && key.toLowerCase() === "z") {
      event.preventDefault();
      if (event.shiftKey) ed.redo();
      else ed.undoLast();
      return;
    }
    if (mod && key.toLowerCase() === "y") {
      event.preventDefault();
      ed.redo();
      return;
    }
    if (mod && key.toLowerCase() === "d") {
      event.preventDefault();
      actions.duplicateSelection();
      return;
    }
    if (mod || (event.altKey && !key.startsWith("Arrow"))) return;

    // Space on a card reached by keyboard keeps the selection while Tab moves on, and
    // adds or removes each card it is pressed on: several cards chosen without a mouse.
    if (key === " " && onCard && onCard.matches(":focus-visible") && !ed.connect) {
      event.preventDefault();
      const id = onCard.dataset.cardId;
      const chosen = new Set(ed.selection);
      if (ed.keepSelection && chosen.has(id)) chosen.delete(id);
      else chosen.add(id);
      ed.keepSelection = true;
      actions.select([...chosen]);
      announce(t("said.selection_kept", { count: number(chosen.size) }));
      return;
    }
    if (key === " " && !onButton) {
      ed.spaceDown = true;
      vp.element.classList.add("is-grabbing");
      event.preventDefault();
      return;
    }
    if (key === "Escape") {
      if (ed.connect) actions.cancelConnect();
      else {
        ed.keepSelection = false;
        actions.select([]);
        actions.selectArrow(null);
        if (ed.selectedLink) actions.selectLink(null);
      }
      return;
    }
    // Enter and Space press buttons, arrow keys and Delete belong to them: leave them be.
    if (onButton && (key === "Enter" || key === "Delete" || key === "Backspace" || key.startsWith("Arrow"))) return;
    if (key === "Enter") {
      if (onCard) {
        event.preventDefault();
        if (ed.connect) actions.completeConnect(onCard.dataset.cardId);
        else ed.editor.start(onCard.dataset.cardId);
      } else if (onLink) {
        event.preventDefault();
        actions.selectLink(onLink.dataset.linkId);
      } else if (onArrow) {
        event.preventDefault();
        actions.selectArrow(onArrow.dataset.arrowId);
        document.getElementById("arrow-label").focus();
      }
      return;
    }
    if (key === "Delete" || key === "Backspace") {
      if (!ed.canEdit) return;
      event.preventDefault();
      if (onLink) actions.deleteLink(onLink.dataset.linkId);
      else actions.deleteSelection();
      return;
    }
    if (key.startsWith("Arrow") && ed.selection.size && ed.canEdit) {
      event.preventDefault();
      const step = event.shiftKey ? 1 : 20;
      const dx = key === "ArrowLeft" ? -step : key === "ArrowRight" ? step : 0;
      const dy = key === "ArrowUp" ? -step : key === "ArrowDown" ? step : 0;
      if (event.altKey) {
        const id = [...ed.selection][0];
        const card = ed.cardsById.get(id);
        if (card) actions.resizeCard(id, card.w + dx, card.h + dy);
      } else {
        actions.moveCards([...ed.selection], dx, dy);
        const rect = renderer.rectOf([...ed.selection][0]);
        if (rect) vp.reveal(rect);
      }
      return;
    }
    const lower = key.toLowerCase();
    if ((lower === "c" || lower === "l") && ed.canEdit && !event.shiftKey && ed.selection.size === 1) {
      event.preventDefault();
      ed.pickEnd({ from: [...ed.selection][0], link: lower === "l" });
      return;
    }
    const kind = KIND_KEYS[lower];
    if (kind && ed.canEdit && !event.shiftKey) {
      event.preventDefault();
      actions.createCard(kind, ed.pointer ?? actions.newCardSpot());
      return;
    }
    if (key === "+" || key === "=") vp.zoomStep(1.25);
    else if (key === "-" || key === "_") vp.zoomStep(0.8);
    else if (key === "0") vp.zoomAt(1);
    else if (key === "!" || (key === "1" && event.shiftKey)) ed.fitReadable();
  });

  // The skip link lands on the selected card, or the first card in reading order (by
  // phase, top to bottom), or the canvas itself when the board is empty.
  document.getElementById("skip-to-canvas")?.addEventListener("click", (event) => {
    event.preventDefault();
    const first = [...ed.selection][0] ?? firstCard(ed);
    const view = first && renderer.cards.get(first);
    if (view) {
      actions.select([first], { focus: true });
      const rect = renderer.rectOf(first);
      if (rect) vp.reveal(rect);
    } else {
      vp.element.focus();
    }
  });

  document.addEventListener("keyup", (event) => {
    if (event.key === " ") {
      ed.spaceDown = false;
      vp.element.classList.remove("is-grabbing");
    }
  });
  window.addEventListener("blur", () => {
    ed.spaceDown = false;
    vp.element.classList.remove("is-grabbing");
  });
}

/** key -> card kind, as the toolbar's buttons announce them (aria-keyshortcuts="T"),
 * for the kinds the schema knows. */
function kindKeys() {
  const keys = {};
  for (const button of document.querySelectorAll(".kind-tool[data-kind][aria-keyshortcuts]")) {
    if (schema.kinds.includes(button.dataset.kind)) {
      keys[button.getAttribute("aria-keyshortcuts").toLowerCase()] = button.dataset.kind;
    }
  }
  return keys;
}

function firstCard(ed) {
  const order = (card) => [card.phase === null ? Infinity : ed.pos.get(card.phase) ?? Infinity, card.y, card.x];
  let best = null;
  for (const card of ed.state.cards) {
    const a = order(card);
    if (!best || a[0] < best[0][0] || (a[0] === best[0][0] && (a[1] < best[0][1] || (a[1] === best[0][1] && a[2] < best[0][2])))) {
      best = [a, card.id];
    }
  }
  return best?.[1] ?? null;
}
