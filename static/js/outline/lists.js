// The outline's lists: a section per phase (and one for the cards outside every phase)
// with its cards in reading order, each card's tools for those who may edit, and the
// arrows and links (movement.js). Keyed by id, so a redraw keeps focus and what is being typed.

import { schema } from "../live/schema.js";
import { columns } from "../live/state.js";
import { cloneTemplate as clone, HEX_COLOUR, t } from "../page/strings.js";
import { number } from "../page/format.js";
import { cardName } from "./words.js";

/** The lists of the outline page `ol` ({sync, cardItems, canEdit, edit, movement}). */
export function makeLists(ol) {
  const outline = document.getElementById("outline");
  const columnViews = new Map();  // phase id ("" for cards outside every phase) -> view

  /** Draw `state`'s phases, cards and arrows into the page's lists. */
  function draw(state) {
    const pendingIds = new Set(ol.sync.pending.flatMap((entry) => entry.ops.map((op) => op.id)));
    const wanted = columns(state);
    const keep = new Set(wanted.map((column) => column.phase?.id ?? ""));
    for (const [key, view] of columnViews) {
      if (!keep.has(key)) {
        view.section.remove();
        columnViews.delete(key);
      }
    }
    const alive = new Set(state.cards.map((card) => card.id));
    for (const [id, item] of ol.cardItems) {
      if (!alive.has(id)) {
        item.remove();
        ol.cardItems.delete(id);
      }
    }
    wanted.forEach((column, index) => {
      const key = column.phase?.id ?? "";
      let view = columnViews.get(key);
      if (!view) {
        view = makeColumn();
        columnViews.set(key, view);
      }
      renderColumn(view, column, index, state, pendingIds);
      placeAt(outline, view.section, index);
    });
    ol.movement.draw(state);
  }

  function placeAt(parent, node, index) {
    const current = parent.children[index];
    if (current !== node) parent.insertBefore(node, current ?? null);
  }

  function makeColumn() {
    const section = clone("tpl-phase");
    const view = {
      section,
      step: section.querySelector(".outline-step"),
      heading: section.querySelector("h2"),
      count: section.querySelector(".outline-count"),
      list: section.querySelector(".outline-cards"),
      remove: section.querySelector("[data-role=delete-phase]"),
      phaseId: null,
      empty: null,
      form: null,
    };
    view.remove.addEventListener("click", () => {
      if (view.phaseId) ol.edit.deletePhase(view.phaseId, view.remove);
    });
    return view;
  }

  function renderColumn(view, column, index, state, pendingIds) {
    const { phase, cards } = column;
    const headingId = `outline-phase-${index + 1}`;
    view.heading.id = headingId;
    view.section.setAttribute("aria-labelledby", headingId);
    view.list.setAttribute("aria-labelledby", headingId);
    view.section.style.setProperty("--phase", phase && HEX_COLOUR.test(phase.colour) ? phase.colour : "#e5e7eb");
    view.step.textContent = String(index + 1);
    view.heading.textContent = phase ? phase.name : t("outside");
    view.count.textContent = number(cards.length);
    view.phaseId = phase?.id ?? null;
    view.section.dataset.phaseId = view.phaseId ?? "";
    view.remove.hidden = !(ol.canEdit && phase && state.phases.length > schema.phase.min);
    if (phase) view.remove.setAttribute("aria-label", t("delete_phase.button", { name: phase.name }));

    if (cards.length === 0) {
      view.empty ??= clone("tpl-empty-phase");
      placeAt(view.list, view.empty, 0);
    } else {
      view.empty?.remove();
    }
    cards.forEach((card, position) => {
      let item = ol.cardItems.get(card.id);
      if (!item) {
        item = makeCard(card.id);
        ol.cardItems.set(card.id, item);
      }
      renderCard(item, card, state, pendingIds.has(card.id));
      placeAt(view.list, item, position);
    });

    if (ol.canEdit && phase) {
      if (!view.form) {
        view.form = ol.edit.makeAddCardForm();
        view.section.append(view.form);
      }
      view.form.dataset.phaseId = phase.id;
      const input = view.form.elements.text;
      input.id = `new-card-${phase.id}`;
      const label = view.form.querySelector("[data-role=text-label]");
      label.htmlFor = input.id;
      label.textContent = t("new_card_in", { phase: phase.name });
      const kind = view.form.elements.kind;
      kind.id = `new-card-kind-${phase.id}`;
      view.form.querySelector("[data-role=kind-label]").htmlFor = kind.id;
      kind.setAttribute("aria-label", t("kind_in", { phase: phase.name }));
      const add = view.form.querySelector("[data-role=add]");
      add.textContent = t("add_card");
      add.setAttribute("aria-label", t("add_card_to", { phase: phase.name }));
    } else if (view.form) {
      view.form.remove();
      view.form = null;
    }
  }

  function makeCard(id) {
    const item = clone("tpl-card");
    item.dataset.cardId = id;
    const part = (role) => item.querySelector(`[data-role=${role}]`);
    part("edit").addEventListener("click", () => ol.edit.openEdit(item));
    part("cancel").addEventListener("click", () => ol.edit.closeEdit(item, { focus: true }));
    part("move").addEventListener("click", () => ol.edit.moveCard(item));
    part("delete").addEventListener("click", () => ol.edit.deleteCard(item));
    part("connect").addEventListener("click", () => ol.movement.startFrom(id));
    part("link").addEventListener("click", () => ol.movement.startFrom(id, { link: true }));
    const form = item.querySelector(".outline-edit");
    form.elements.text.maxLength = schema.card.limits.text;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      ol.edit.saveEdit(item);
    });
    form.elements.text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ol.edit.saveEdit(item);
      } else if (event.key === "Escape") {
        event.preventDefault();
        ol.edit.closeEdit(item, { focus: true });
      }
    });
    return item;
  }

  function renderCard(item, card, state, pending) {
    const name = cardName(card);
    const part = (role) => item.querySelector(`[data-role=${role}]`);
    item.className = `outline-card kind-${card.kind}`;
    item.classList.toggle("is-pending", pending);
    if (HEX_COLOUR.test(card.colour)) item.style.setProperty("--card", card.colour);
    else item.style.removeProperty("--card");
    const kind = item.querySelector(".outline-kind");
    kind.className = `outline-kind kind-${card.kind}`;
    kind.textContent = t(`kind.${card.kind}`);
    const channel = item.querySelector(".outline-channel");
    channel.hidden = !card.channel;
    channel.textContent = card.channel ? t(`channel.${card.channel}`) : "";
    // One's own card in a private writing round (docs/protocol.md).
    item.querySelector(".outline-private").hidden = !card.private;
    item.querySelector(".outline-text").textContent = card.text;

    const tools = item.querySelector(".outline-tools");
    const editing = !item.querySelector(".outline-edit").hidden;
    tools.hidden = !ol.canEdit || editing;
    if (!ol.canEdit) {
      if (editing) ol.edit.closeEdit(item);
      return;
    }
    // The edit field keeps the person's draft: a remote change does not overwrite it.
    const textarea = item.querySelector(".outline-edit textarea");
    textarea.id = `card-text-${card.id}`;
    const editLabel = part("edit-label");
    editLabel.htmlFor = textarea.id;
    editLabel.textContent = t("text_of", { text: name });

    const edit = part("edit");
    edit.textContent = t("edit");
    edit.setAttribute("aria-label", t("edit_card", { text: name }));

    const select = part("move-select");
    select.id = `card-phase-${card.id}`;
    const moveLabel = part("move-label");
    moveLabel.htmlFor = select.id;
    moveLabel.textContent = t("phase_of", { text: name });
    const choices = [...state.phases]
      .sort((a, b) => a.position - b.position)
      .map((phase) => [phase.id, phase.name]);
    if (card.phase === null) choices.unshift(["", t("outside")]);
    // Rebuilt only when the phases change, so a list someone is looking through stays put.
    const key = JSON.stringify(choices);
    if (select.dataset.choices !== key) {
      select.dataset.choices = key;
      select.replaceChildren(...choices.map(([id, label]) => new Option(label, id)));
    }
    // Keep a choice the person made and has not applied yet, unless it is gone.
    const chosen = select.dataset.chosen;
    select.value = chosen && choices.some(([id]) => id === chosen) ? chosen : card.phase ?? "";
    if (!select.dataset.wired) {
      select.dataset.wired = "1";
      select.addEventListener("change", () => {
        select.dataset.chosen = select.value;
      });
      select.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          ol.edit.moveCard(item);
        }
      });
    }
    const move = part("move");
    move.textContent = t("move");
    move.setAttribute("aria-label", t("move_card", { text: name }));

    const connect = part("connect");
    connect.textContent = t("arrow_to");
    connect.setAttribute("aria-label", t("arrow_from_card", { text: name }));
    const link = part("link");
    link.hidden = !schema.link.source_kinds.includes(card.kind);
    link.textContent = t("link_to");
    link.setAttribute("aria-label", t("link_card", { text: name }));

    const remove = part("delete");
    remove.textContent = t("delete");
    remove.setAttribute("aria-label", t("delete_card", { text: name }));
  }

  return { draw, clear: () => outline.replaceChildren() };
}
