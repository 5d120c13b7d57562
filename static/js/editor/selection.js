// What is selected, shown around the board: the selection bar (edit, colour, connect,
// link, duplicate, delete), the handles on a single selected card, the arrow bar for a
// selected arrow, and Tab between cards selecting them.

import { schema } from "../live/schema.js";
import { t } from "../page/strings.js";
import { number } from "../page/format.js";

const CARD_COLOURS = ["#fde68a", "#a7f3d0", "#bfdbfe", "#fbcfe8", "#ddd6fe", "#fed7aa", "#e5e7eb"];
const LINK_SOURCES = new Set(schema.link.source_kinds);
const ARROW = schema.arrow.limits;
const ARROW_MOVEMENTS = schema.arrow.choices.movement;

export function installSelection(ed) {
  const $ = (id) => document.getElementById(id);
  const el = {
    selbar: $("selbar"),
    selDelete: $("sel-delete"),
    selColours: $("sel-colours"),
    arrowbar: $("arrowbar"),
    arrowLabel: $("arrow-label"),
    arrowWeight: $("arrow-weight"),
    arrowMovementField: $("arrow-movement-field"),
    arrowMovement: $("arrow-movement"),
    stage: $("stage"),
  };
  const handles = makeHandles();
  el.arrowLabel.maxLength = ARROW.label;
  el.arrowWeight.min = String(ARROW.weight[0]);
  el.arrowWeight.max = String(ARROW.weight[1]);

  function placeHandles() {
    const id = ed.selection.size === 1 ? [...ed.selection][0] : null;
    const one = id ? ed.renderer.cards.get(id) : null;
    if (one && ed.canEdit && !ed.isLocked(id)) {
      if (handles.connector.parentNode !== one.el) one.el.append(handles.connector, handles.resize);
      if (LINK_SOURCES.has(ed.cardsById.get(id)?.kind)) {
        if (handles.link.parentNode !== one.el) one.el.append(handles.link);
      } else handles.link.remove();
    } else {
      handles.connector.remove();
      handles.link.remove();
      handles.resize.remove();
    }
  }

  function labelSelection() {
    const count = ed.selection.size;
    if (count === 1) {
      const card = ed.cardsById.get([...ed.selection][0]);
      const text = card?.text.trim() || t(`kind.${card?.kind}`);
      // "Delete" on the bar (a long text would stretch it over the canvas); the card's
      // words in its name for a screen reader.
      el.selDelete.textContent = t("delete");
      el.selDelete.setAttribute("aria-label", t("delete_card", { text }));
    } else {
      el.selDelete.textContent = t("delete_cards", { count: number(count) });
      el.selDelete.removeAttribute("aria-label");
    }
  }

  // The arrow bar: label and weight in place, re-attach either end, delete.

  function placeArrowbar() {
    const view = ed.selectedArrow && ed.renderer.arrows.get(ed.selectedArrow);
    const arrow = view && ed.state.arrows.find((a) => a.id === ed.selectedArrow);
    el.arrowbar.hidden = !arrow;
    if (!arrow) return;
    if (document.activeElement !== el.arrowLabel) el.arrowLabel.value = arrow.label;
    if (document.activeElement !== el.arrowWeight) el.arrowWeight.value = arrow.weight ?? "";
    el.arrowLabel.readOnly = !ed.canEdit;
    el.arrowWeight.readOnly = !ed.canEdit;
    // What a move back means is asked only of an arrow to an earlier phase.
    el.arrowMovementField.hidden = view.g.dataset.direction !== "backward";
    el.arrowMovement.value = arrow.movement ?? "fall_back";
    el.arrowMovement.disabled = !ed.canEdit;
    const x = Number(view.label.getAttribute("x"));
    const y = Number(view.label.getAttribute("y"));
    const point = ed.viewport.toClient(x, y);
    const box = el.stage.getBoundingClientRect();
    el.arrowbar.style.left = `${Math.max(8, Math.min(box.width - 460, point.x - box.left - 220))}px`;
    el.arrowbar.style.top = `${Math.max(56, Math.min(box.height - 60, point.y - box.top + 14))}px`;
  }

  function saveArrow() {
    if (!ed.selectedArrow) return;
    const raw = el.arrowWeight.value.trim();
    const weight = raw === "" ? null : Number(raw);
    const fields = { label: el.arrowLabel.value.trim().slice(0, ARROW.label) };
    if (!el.arrowMovementField.hidden && ARROW_MOVEMENTS.includes(el.arrowMovement.value)) {
      fields.movement = el.arrowMovement.value;
    }
    const [least, most] = ARROW.weight;
    if (weight === null || (Number.isFinite(weight) && weight >= least && weight <= most)) fields.weight = weight;
    ed.actions.updateArrow(ed.selectedArrow, fields);
  }

  /** The board was drawn again: the handles and bars follow their cards and arrows. */
  ed.selectionDrawn = () => {
    placeHandles();
    placeArrowbar();
    labelSelection();
  };

  ed.selectionChanged = () => {
    const count = ed.selection.size;
    el.selbar.hidden = count === 0;
    labelSelection();
    $("sel-edit").hidden = count !== 1 || !ed.canEdit;
    $("sel-connect").hidden = count !== 1 || !ed.canEdit;
    const only = count === 1 ? ed.cardsById.get([...ed.selection][0]) : null;
    $("sel-link").hidden = !ed.canEdit || !LINK_SOURCES.has(only?.kind);
    placeHandles();
    placeArrowbar();
    ed.lockSelectionChanged?.();
    ed.sync.setPresence({ selection: [...ed.selection].slice(0, 500) });
    ed.sidePanel.selectionChanged();
    ed.placeLegend?.();
  };

  for (const [index, colour] of ["", ...CARD_COLOURS].entries()) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `swatch-button${colour ? "" : " kind-default"}`;
    if (colour) button.style.background = colour;
    button.setAttribute("aria-label", colour ? t("colour", { name: index }) : t("colour_default"));
    button.addEventListener("click", () => ed.actions.recolour(colour));
    el.selColours.append(button);
  }
  $("sel-edit").addEventListener("click", () => ed.editor.start([...ed.selection][0]));
  $("sel-connect").addEventListener("click", () => ed.pickEnd({ from: [...ed.selection][0] }));
  $("sel-link").addEventListener("click", () => ed.pickEnd({ from: [...ed.selection][0], link: true }));
  $("sel-duplicate").addEventListener("click", () => ed.actions.duplicateSelection());
  el.selDelete.addEventListener("click", () => ed.actions.deleteSelection());

  ed.viewport.addEventListener("change", placeArrowbar);
  el.arrowMovement.addEventListener("change", saveArrow);
  for (const input of [el.arrowLabel, el.arrowWeight]) {
    input.addEventListener("change", saveArrow);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        saveArrow();
        ed.renderer.arrows.get(ed.selectedArrow)?.g.focus({ preventScroll: true });
      }
    });
  }
  $("arrow-from").addEventListener("click", () => ed.pickEnd({ arrow: ed.selectedArrow, end: "from" }));
  $("arrow-to").addEventListener("click", () => ed.pickEnd({ arrow: ed.selectedArrow, end: "to" }));
  $("arrow-delete").addEventListener("click", () => ed.actions.deleteSelection());

  // Focus: Tab between cards selects them, and the view follows; after Space (keyboard.js)
  // the selection stays while the focus moves on.
  ed.viewport.element.addEventListener("focusin", (event) => {
    if (ed.refocusing) return;  // a card given its focus back after a move (render.js)
    const card = event.target.closest?.(".card-item");
    if (card && event.target === card && !ed.pointerFocus && !ed.connect) {
      const moves = !ed.keepSelection && (!ed.selection.has(card.dataset.cardId) || ed.selection.size > 1);
      if (moves) ed.actions.select([card.dataset.cardId]);
      const rect = ed.renderer.rectOf(card.dataset.cardId);
      if (rect) ed.viewport.reveal(rect);
    }
    const arrow = event.target.closest?.("[data-arrow-id]");
    if (arrow && !ed.pointerFocus && !ed.keepSelection) ed.actions.selectArrow(arrow.dataset.arrowId);
  });
}

/** The handles a single selected card carries: connect (an arrow), link (for the kinds
 * a link starts from: "this serves that touchpoint") and resize. */
function makeHandles() {
  const connector = document.createElement("button");
  connector.type = "button";
  connector.className = "handle connector";
  connector.dataset.handle = "connect";
  connector.tabIndex = -1;
  connector.setAttribute("aria-label", document.getElementById("sel-connect").textContent.trim());
  const link = document.createElement("button");
  link.type = "button";
  link.className = "handle linker";
  link.dataset.handle = "link";
  link.tabIndex = -1;
  link.setAttribute("aria-label", document.getElementById("sel-link").textContent.trim());
  const resize = document.createElement("span");
  resize.className = "handle resize";
  resize.dataset.handle = "resize";
  resize.setAttribute("aria-hidden", "true");
  return { connector, link, resize };
}
