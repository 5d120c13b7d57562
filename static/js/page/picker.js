// The card picker: a dialog that lists a board's cards by phase, narrowed by what is
// typed, to choose the other end of an arrow or a link with the keyboard (or a screen
// reader, or a finger) instead of by pointing. Shared by the canvas and the outline;
// the markup is templates/boards/_picker.html.
//
// Keys: typing filters; Down (or Tab) goes into the list; Up/Down/Home/End move in it;
// Enter or Space chooses; Escape closes and gives focus back to where it was.

import { t } from "./strings.js";

/** The phases of `state` in order, then "Outside the line", each with its cards as
 * `cards` filters them: [{name, cards: [card]}]. */
function grouped(state, keep) {
  const sorted = [...state.phases].sort((a, b) => a.position - b.position);
  const groups = sorted.map((phase) => ({ id: phase.id, name: phase.name, cards: [] }));
  const byId = new Map(groups.map((g) => [g.id, g]));
  const loose = { id: null, name: t("outside"), cards: [] };
  for (const card of state.cards) if (keep(card)) (byId.get(card.phase) ?? loose).cards.push(card);
  for (const group of [...groups, loose]) group.cards.sort((a, b) => a.y - b.y || a.x - b.x);
  return [...groups, loose].filter((g) => g.cards.length);
}

/** What a card is called in the list: "Touchpoint: Newsletter", or its kind alone. */
export function optionName(card) {
  const kind = t(`kind.${card.kind}`);
  const text = card.text.trim().replace(/\s+/g, " ");
  if (!text) return t("picker.untitled", { kind });
  return t("card_label", { kind, text: text.length > 80 ? `${text.slice(0, 79)}…` : text });
}

/** What a title calls a card: its words (shortened), or its kind. */
export function plainName(card) {
  const text = card.text.trim().replace(/\s+/g, " ");
  if (!text) return t("picker.untitled", { kind: t(`kind.${card.kind}`) });
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

let open = null;  // the one picker open at a time: {resolve, returnFocus}

/**
 * Ask for a card. `title` names the dialog ("Connect … to"), `state` is the board,
 * `keep(card)` says which cards may be chosen. Resolves with the card's id, or null
 * when the person closes the dialog.
 */
export function pickCard({ title, state, keep, empty }) {
  const dialog = document.getElementById("card-picker");
  const heading = document.getElementById("card-picker-title");
  const filter = document.getElementById("card-picker-filter");
  const list = document.getElementById("card-picker-list");
  const none = document.getElementById("card-picker-none");
  if (open) open.finish(null);
  heading.textContent = title;
  filter.value = "";
  const groups = grouped(state, keep);

  function draw() {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const matches = (card, group) => {
      const hay = `${card.text} ${t(`kind.${card.kind}`)} ${group.name}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    };
    const nodes = [];
    let index = 0;
    for (const group of groups) {
      const cards = group.cards.filter((card) => matches(card, group));
      if (!cards.length) continue;
      const box = document.createElement("div");
      box.setAttribute("role", "group");
      box.className = "picker-group";
      const label = document.createElement("div");
      label.className = "picker-phase";
      label.id = `card-picker-group-${index}`;
      label.textContent = group.name;
      label.setAttribute("role", "presentation");
      box.setAttribute("aria-labelledby", label.id);
      box.append(label);
      for (const card of cards) {
        const option = document.createElement("div");
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.tabIndex = -1;
        option.className = `picker-option kind-${card.kind}`;
        option.dataset.cardId = card.id;
        const swatch = document.createElement("span");
        swatch.className = `swatch kind-${card.kind}`;
        swatch.setAttribute("aria-hidden", "true");
        const text = document.createElement("span");
        text.textContent = optionName(card);
        option.append(swatch, text);
        box.append(option);
      }
      nodes.push(box);
      index += 1;
    }
    list.replaceChildren(...nodes);
    const first = list.querySelector("[role=option]");
    if (first) mark(first);
    list.hidden = !first;
    none.hidden = Boolean(first);
    none.textContent = groups.length ? t("picker.no_match") : empty;
  }

  function options() {
    return [...list.querySelectorAll("[role=option]")];
  }

  /** The option the list's Tab stop and Enter point at. */
  function mark(option) {
    for (const o of options()) {
      o.tabIndex = o === option ? 0 : -1;
      o.setAttribute("aria-selected", o === option ? "true" : "false");
    }
  }

  function move(option) {
    if (!option) return;
    mark(option);
    option.focus();
    option.scrollIntoView({ block: "nearest" });
  }

  const onFilterKey = (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      move(options()[0]);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const all = options();
      if (all.length) finish(all.find((o) => o.tabIndex === 0)?.dataset.cardId ?? all[0].dataset.cardId);
    }
  };
  const onListKey = (event) => {
    const all = options();
    const at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown") move(all[Math.min(all.length - 1, at + 1)]);
    else if (event.key === "ArrowUp") {
      if (at <= 0) filter.focus();
      else move(all[at - 1]);
    } else if (event.key === "Home") move(all[0]);
    else if (event.key === "End") move(all[all.length - 1]);
    else if ((event.key === "Enter" || event.key === " ") && at >= 0) finish(all[at].dataset.cardId);
    else return;
    event.preventDefault();
  };
  const onClick = (event) => {
    const option = event.target.closest("[role=option]");
    if (option) finish(option.dataset.cardId);
  };
  const onCancel = (event) => {
    event.preventDefault();
    finish(null);
  };
  const onClose = () => finish(null);

  filter.addEventListener("input", draw);
  filter.addEventListener("keydown", onFilterKey);
  list.addEventListener("keydown", onListKey);
  list.addEventListener("click", onClick);
  dialog.addEventListener("cancel", onCancel);
  dialog.querySelector("[data-role=close]").addEventListener("click", onClose);

  function finish(id) {
    if (!open) return;
    const { resolve, returnFocus } = open;
    open = null;
    filter.removeEventListener("input", draw);
    filter.removeEventListener("keydown", onFilterKey);
    list.removeEventListener("keydown", onListKey);
    list.removeEventListener("click", onClick);
    dialog.removeEventListener("cancel", onCancel);
    dialog.querySelector("[data-role=close]").removeEventListener("click", onClose);
    if (dialog.open) dialog.close();
    if (id === null && returnFocus?.isConnected) returnFocus.focus({ preventScroll: true });
    resolve(id);
  }

  return new Promise((resolve) => {
    open = { resolve, returnFocus: document.activeElement, finish };
    draw();
    dialog.showModal();
    filter.focus();
  });
}
