// The outline's arrows and links: "how customers move" as sentences (from → to, the
// direction, what a move back means, the label and weight) and "which activity serves
// which touchpoint". Those who may edit change an arrow's label, weight and meaning in
// place and delete arrows and links; new ones are drawn from a card's "Arrow to…" and
// "Link to…" buttons, which choose the other end from a list (../page/picker.js).

import { schema } from "../live/schema.js";
import { newOpId } from "../live/sync.js";
import { pickCard } from "../page/picker.js";
import { cloneTemplate as clone, t } from "../page/strings.js";
import { number } from "../page/format.js";
import { announce, cardName } from "./words.js";

const ARROW = schema.arrow.limits;
const MOVEMENTS = schema.arrow.choices.movement;
const LINK_SOURCES = new Set(schema.link.source_kinds);
const LINK_TARGETS = new Set(schema.link.target_kinds);

function directionOf(state, from, to) {
  const positions = new Map(state.phases.map((phase) => [phase.id, phase.position]));
  const a = positions.get(from.phase);
  const b = positions.get(to.phase);
  return a === undefined || b === undefined || a === b ? "same" : b > a ? "forward" : "backward";
}

/** The arrows and links of the outline page `ol` ({sync, submit, canEdit, cardItems}). */
export function makeMovement(ol) {
  const movement = document.getElementById("movement");
  const movementList = document.getElementById("movement-list");
  const linksSection = document.getElementById("links");
  const linksList = document.getElementById("links-list");
  const arrowRows = new Map();  // arrow id -> <li>
  let openAfterDraw = null;     // an arrow just drawn here: its fields open, focused

  function draw(state) {
    const cards = new Map(state.cards.map((card) => [card.id, card]));
    const alive = new Set();
    const rows = [];
    for (const arrow of state.arrows) {
      const from = cards.get(arrow.from);
      const to = cards.get(arrow.to);
      if (!from || !to) continue;
      alive.add(arrow.id);
      let row = arrowRows.get(arrow.id);
      if (!row) {
        row = makeArrow(arrow.id);
        arrowRows.set(arrow.id, row);
      }
      renderArrow(row, arrow, from, to, directionOf(state, from, to));
      rows.push(row);
    }
    for (const [id, row] of arrowRows) {
      if (!alive.has(id)) {
        row.remove();
        arrowRows.delete(id);
      }
    }
    rows.forEach((row, index) => {
      if (movementList.children[index] !== row) movementList.insertBefore(row, movementList.children[index] ?? null);
    });
    // The server's rows (before the first snapshot) and rows of arrows gone.
    while (movementList.children.length > rows.length) movementList.lastElementChild.remove();
    movement.hidden = rows.length === 0;
    if (openAfterDraw && arrowRows.has(openAfterDraw)) {
      openFields(arrowRows.get(openAfterDraw));
      openAfterDraw = null;
    }

    const links = [];
    for (const link of state.links ?? []) {
      const from = cards.get(link.from);
      const to = cards.get(link.to);
      if (!from || !to) continue;
      const row = clone("tpl-link");
      row.querySelector(".outline-link-path").textContent = t("link_sentence", { from: cardName(from), to: cardName(to) });
      const remove = row.querySelector("[data-role=delete-link]");
      remove.hidden = !ol.canEdit;
      remove.textContent = t("delete");
      remove.setAttribute("aria-label", t("delete_link", { from: cardName(from), to: cardName(to) }));
      remove.addEventListener("click", () => {
        ol.submit([{ op: "link.delete", id: link.id }]);
        announce(t("said.unlinked", { from: cardName(from), to: cardName(to) }));
        document.getElementById("links-title").focus();
      });
      links.push(row);
    }
    linksList.replaceChildren(...links);
    linksSection.hidden = links.length === 0;
  }

  function makeArrow(id) {
    const row = clone("tpl-arrow");
    row.dataset.arrowId = id;
    const form = row.querySelector("form");
    const part = (role) => row.querySelector(`[data-role=${role}]`);
    form.elements.label.maxLength = ARROW.label;
    form.elements.weight.min = String(ARROW.weight[0]);
    form.elements.weight.max = String(ARROW.weight[1]);
    for (const [name, field] of [["label", "arrow-label"], ["weight", "arrow-weight"], ["movement", "arrow-movement"]]) {
      form.elements[name].id = `${field}-${id}`;
      form.querySelector(`[data-for=${name}]`).htmlFor = `${field}-${id}`;
    }
    form.elements.movement.replaceChildren(...MOVEMENTS.map((value) => new Option(t(`movement.${value}`), value)));
    part("edit-arrow").addEventListener("click", () => openFields(row));
    part("cancel-arrow").addEventListener("click", () => closeFields(row, { focus: true }));
    part("delete-arrow").addEventListener("click", () => {
      const arrow = ol.sync.state.arrows.find((a) => a.id === id);
      if (!arrow) return;
      ol.submit([{ op: "arrow.delete", id }]);
      announce(t("said.arrow_deleted", { path: row.querySelector(".outline-arrow-path").textContent }));
      document.getElementById("movement-title").focus();
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        closeFields(row, { focus: true });
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const arrow = ol.sync.state.arrows.find((a) => a.id === id);
      if (!arrow) return;
      const fields = { label: form.elements.label.value.trim().slice(0, ARROW.label) };
      const raw = form.elements.weight.value.trim();
      const weight = raw === "" ? null : Number(raw);
      if (weight !== null && !(Number.isFinite(weight) && weight >= ARROW.weight[0] && weight <= ARROW.weight[1])) {
        form.elements.weight.reportValidity();
        return;
      }
      fields.weight = weight;
      if (!form.elements.movement.closest("[data-role=movement-field]").hidden) fields.movement = form.elements.movement.value;
      const changed = Object.fromEntries(Object.entries(fields).filter(([key, value]) => arrow[key] !== value));
      closeFields(row, { focus: true });
      if (Object.keys(changed).length) {
        ol.submit([{ op: "arrow.update", id, ...changed }]);
        announce(t("said.arrow_saved", { path: row.querySelector(".outline-arrow-path").textContent }));
      }
    });
    return row;
  }

  function renderArrow(row, arrow, from, to, direction) {
    const badge = row.querySelector(".badge");
    badge.className = `badge dir-${direction}`;
    badge.textContent = t(`direction.${direction}`);
    const path = `${cardName(from)} → ${cardName(to)}`;
    row.querySelector(".outline-arrow-path").textContent = path;
    // A backward arrow says what it is: a loss, a return to buy again, a reactivation.
    const meaning = row.querySelector(".outline-arrow-meaning");
    meaning.hidden = direction !== "backward";
    meaning.textContent = direction === "backward" ? t(`movement.${arrow.movement ?? "fall_back"}`) : "";
    const label = row.querySelector(".outline-arrow-label");
    const weight = arrow.weight === null || arrow.weight === undefined ? "" : t("weight_is", { weight: number(arrow.weight) });
    label.textContent = [arrow.label, weight].filter(Boolean).join(" · ");
    label.hidden = !label.textContent;
    const form = row.querySelector("form");
    const tools = row.querySelector(".outline-arrow-tools");
    tools.hidden = !ol.canEdit || !form.hidden;
    if (!ol.canEdit) form.hidden = true;
    row.querySelector("[data-role=movement-field]").hidden = direction !== "backward";
    const edit = row.querySelector("[data-role=edit-arrow]");
    edit.textContent = t("edit");
    edit.setAttribute("aria-label", t("edit_arrow", { path }));
    const remove = row.querySelector("[data-role=delete-arrow]");
    remove.textContent = t("delete");
    remove.setAttribute("aria-label", t("delete_arrow", { path }));
    form.setAttribute("aria-label", t("edit_arrow", { path }));
  }

  function openFields(row) {
    const arrow = ol.sync.state.arrows.find((a) => a.id === row.dataset.arrowId);
    if (!arrow || !ol.canEdit) return;
    const form = row.querySelector("form");
    form.elements.label.value = arrow.label ?? "";
    form.elements.weight.value = arrow.weight ?? "";
    form.elements.movement.value = arrow.movement ?? "fall_back";
    form.hidden = false;
    row.querySelector(".outline-arrow-tools").hidden = true;
    form.elements.label.focus();
  }

  function closeFields(row, { focus = false } = {}) {
    row.querySelector("form").hidden = true;
    row.querySelector(".outline-arrow-tools").hidden = !ol.canEdit;
    if (focus) row.querySelector("[data-role=edit-arrow]").focus();
  }

  /** A card's "Arrow to…" or "Link to…": choose the other end, then draw it. */
  async function startFrom(cardId, { link = false } = {}) {
    const state = ol.sync.state;
    const source = state.cards.find((card) => card.id === cardId);
    if (!source || !ol.canEdit) return;
    const name = cardName(source);
    const chosen = await pickCard({
      title: t(link ? "picker.link" : "picker.connect", { card: name }),
      state,
      keep: link ? (card) => LINK_TARGETS.has(card.kind) : (card) => card.id !== cardId,
      empty: t(link ? "picker.empty_link" : "picker.empty_connect"),
    });
    const target = chosen && ol.sync.state.cards.find((card) => card.id === chosen);
    if (!target) return;
    if (link) {
      if (!LINK_SOURCES.has(source.kind)) return;
      if (!ol.sync.state.links.some((l) => l.from === cardId && l.to === chosen)) {
        ol.submit([{ op: "link.create", id: newOpId(), from: cardId, to: chosen }]);
      }
      announce(t("said.linked", { from: name, to: cardName(target) }));
      ol.cardItems.get(cardId)?.querySelector("[data-role=link]")?.focus();
      return;
    }
    const id = newOpId();
    openAfterDraw = id;
    if (ol.submit([{ op: "arrow.create", id, from: cardId, to: chosen }]) === null) {
      openAfterDraw = null;
      return;
    }
    const direction = directionOf(ol.sync.state, source, target);
    announce(t("said.arrow_drawn", { path: `${name} → ${cardName(target)}`, direction: t(`direction.${direction}`) }));
  }

  return { draw, startFrom };
}
