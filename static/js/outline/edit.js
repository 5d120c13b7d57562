// Editing from the outline: add a card to a phase, edit its text, move it to another
// phase, delete it; delete a phase, asked where its cards and KPIs go. Every change is one protocol op, submitted through `ol.submit` so
// that the page does not announce its own edit as someone else's.

import { schema } from "../live/schema.js";
import { newOpId } from "../live/sync.js";
import { PhaseDeleteDialog } from "../page/phasedelete.js";
import { cloneTemplate as clone, t } from "../page/strings.js";
import { announce, cardName, phaseName } from "./words.js";

// docs/protocol.md, "Geometry": phase i is the column i × 480 ≤ x < (i + 1) × 480, and
// a card in a phase stores x relative to its column's left edge.
const COLUMN_WIDTH = 480;
const NEW_CARD_X = 40;     // relative to the column
const FIRST_ROW_Y = 40;
const ROW_GAP = 24;

/** The editing actions of the outline page `ol` ({sync, submit, cardItems, canEdit}). */
export function makeEditing(ol) {
  function cardOf(item) {
    return ol.sync.state.cards.find((card) => card.id === item.dataset.cardId);
  }

  /** Below the lowest card of the phase, so the canvas shows it in that column unhidden. */
  function nextFreeY(state, phaseId, exceptId = null) {
    const bottoms = state.cards
      .filter((c) => c.phase === phaseId && c.id !== exceptId)
      .map((c) => c.y + c.h);
    return bottoms.length ? Math.max(...bottoms) + ROW_GAP : FIRST_ROW_Y;
  }

  function makeAddCardForm() {
    const form = clone("tpl-add-card");
    form.elements.text.maxLength = schema.card.limits.text;
    form.elements.kind.replaceChildren(...schema.kinds.map((kind) => new Option(t(`kind.${kind}`), kind)));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const input = form.elements.text;
      const text = input.value.trim();
      if (!text) {
        input.value = "";
        input.reportValidity();
        return;
      }
      const phaseId = form.dataset.phaseId;
      if (addCard(phaseId, form.elements.kind.value, text)) {
        input.value = "";
        announce(t("said.added", { phase: phaseName(ol.sync.state, phaseId), text }));
      }
      // Stay in the field: the next card of this phase can be typed straight away.
      input.focus();
    });
    return form;
  }

  function addCard(phaseId, kind, text) {
    const state = ol.sync.state;
    if (!state.phases.some((p) => p.id === phaseId)) return false;
    return ol.submit([
      {
        op: "card.create",
        id: newOpId(),
        kind,
        phase: phaseId,
        x: NEW_CARD_X,
        y: nextFreeY(state, phaseId),
        text,
      },
    ]) !== null;
  }

  function openEdit(item) {
    const card = cardOf(item);
    if (!card) return;
    const form = item.querySelector(".outline-edit");
    form.elements.text.value = card.text;
    // What the edit starts from: the server merges what others write meanwhile into it
    // (docs/protocol.md, "Concurrent text").
    form.dataset.base = card.text;
    form.hidden = false;
    item.querySelector(".outline-text").hidden = true;
    item.querySelector(".outline-tools").hidden = true;
    form.elements.text.focus();
    form.elements.text.select();
  }

  function closeEdit(item, { focus = false } = {}) {
    item.querySelector(".outline-edit").hidden = true;
    item.querySelector(".outline-text").hidden = false;
    item.querySelector(".outline-tools").hidden = !ol.canEdit;
    if (focus && ol.canEdit) item.querySelector("[data-role=edit]").focus();
  }

  function saveEdit(item) {
    const card = cardOf(item);
    const textarea = item.querySelector(".outline-edit textarea");
    const text = textarea.value.replace(/\r\n/g, "\n").trim();
    const base = textarea.form.dataset.base ?? card?.text ?? "";
    closeEdit(item);
    if (card && text !== card.text) {
      ol.submit([{ op: "card.update", id: card.id, text, base }]);
      announce(t("said.saved", { text: cardName({ ...card, text }) }));
    }
    item.querySelector("[data-role=edit]").focus();
  }

  function moveCard(item) {
    const card = cardOf(item);
    const select = item.querySelector("[data-role=move-select]");
    delete select.dataset.chosen;
    if (!card) return;
    const state = ol.sync.state;
    const target = state.phases.find((p) => p.id === select.value);
    if (!target || target.id === card.phase) {
      select.value = card.phase ?? "";
      return;
    }
    // A card in a phase keeps its x relative to the column; one outside every phase has an
    // absolute x, made relative to the new column (and kept inside it).
    let x = card.x;
    if (card.phase === null) {
      x = card.x - target.position * COLUMN_WIDTH;
      x = Math.min(Math.max(x, 0), COLUMN_WIDTH - (card.w ?? schema.card.defaults.w));
    }
    ol.submit([
      { op: "card.update", id: card.id, phase: target.id, x, y: nextFreeY(state, target.id, card.id) },
    ]);
    announce(t("said.moved", { text: cardName(card), phase: target.name }));
    // The item now sits in the other phase's list: the keyboard follows it.
    ol.cardItems.get(card.id)?.querySelector("[data-role=move-select]")?.focus();
  }

  function deleteCard(item) {
    const card = cardOf(item);
    if (!card) return;
    // Keep the keyboard nearby: on the next card, the one before, or the phase's add field.
    const siblings = [...item.parentElement.querySelectorAll(":scope > .outline-card")];
    const index = siblings.indexOf(item);
    const neighbour = siblings[index + 1] ?? siblings[index - 1];
    const form = item.closest(".outline-phase")?.querySelector("form.outline-add");
    ol.submit([{ op: "card.delete", id: card.id }]);
    announce(t("said.deleted", { text: cardName(card) }));
    const target = neighbour?.isConnected ? neighbour.querySelector("[data-role=delete]") : null;
    (target ?? form?.elements.text ?? document.getElementById("board-title"))?.focus();
  }

  let phaseDialog = null;

  async function deletePhase(phaseId, button) {
    phaseDialog ??= new PhaseDeleteDialog();
    const name = phaseName(ol.sync.state, phaseId);
    const op = await phaseDialog.ask(ol.sync.state, phaseId);
    if (!op || !ol.canEdit) {
      button.focus();
      return;
    }
    ol.submit([op]);
    announce(t("said.phase_deleted", { name }));
    // The phase's section is gone: the keyboard goes to where its cards went, or the top.
    const to = op.to ? document.querySelector(`[data-phase-id="${op.to}"] [data-role=delete-phase]`) : null;
    (to ?? document.getElementById("board-title"))?.focus();
  }

  return { makeAddCardForm, openEdit, closeEdit, saveEdit, moveCard, deleteCard, deletePhase };
}
