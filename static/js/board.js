// The board page: connects to the live protocol (sync.js) and renders the board as phase
// columns. The server-rendered columns are the page until the first snapshot arrives;
// from then on this module draws them. User text goes into the DOM with textContent
// only. Words come from the page (<template id="board-strings">), already translated.

import { BoardSync, newOpId } from "./sync.js";
import { columns } from "./state.js";

const COLUMN_WIDTH = 420;  // board units per phase on the canvas (see seed_demo)
const ROW_GAP = 40;
const FIRST_ROW_Y = 80;
const HEX_COLOUR = /^#[0-9a-f]{6}$/i;

const root = document.querySelector("[data-board-id]");
const $ = (id) => document.getElementById(id);
const el = {
  title: $("board-title"),
  rev: $("board-rev"),
  renameButton: $("rename-board"),
  renameForm: $("rename-form"),
  titleInput: $("board-title-input"),
  renameCancel: $("rename-cancel"),
  renameNoJs: $("rename-nojs"),
  liveBar: $("live-bar"),
  presence: $("presence"),
  status: $("sync-status"),
  statusText: $("sync-status-text"),
  alert: $("live-alert"),
  viewOnly: $("view-only"),
  lifecycle: $("lifecycle"),
  movement: $("movement"),
  movementList: $("movement-list"),
};

// Words

const strings = Object.fromEntries(
  [...$("board-strings").content.querySelectorAll("data")].map((d) => [d.value, d.textContent.trim()]),
);

/** A translated string with %(name)s placeholders filled in. */
function t(key, params = {}) {
  const text = strings[key] ?? "";
  return text.replace(/%\((\w+)\)s/g, (_, name) => String(params[name] ?? ""));
}

function clone(id) {
  return $(id).content.firstElementChild.cloneNode(true);
}

// Page state

const sync = new BoardSync(root.dataset.boardId);
// The server's word until the socket's welcome says what role we have.
let canEdit = root.dataset.canEdit === "true";
let takenOver = false;
const columnViews = new Map();  // phase id ("" for cards outside every phase) -> view

el.renameNoJs?.setAttribute("hidden", "");  // the live page renames inline
el.liveBar.hidden = false;

// Rendering

function render() {
  if (!sync.confirmed) return;  // keep what is shown until the server has answered
  const state = sync.state;
  if (!takenOver) {
    el.lifecycle.replaceChildren();
    el.movementList.replaceChildren();
    takenOver = true;
  }
  el.title.textContent = state.board.title;
  document.title = `${state.board.title} · Journeymap`;
  el.rev.textContent = String(sync.rev ?? "");

  const pendingIds = new Set(sync.pending.flatMap((entry) => entry.ops.map((op) => op.id)));
  const wanted = columns(state);
  const keep = new Set(wanted.map((column) => column.phase?.id ?? ""));
  for (const [key, view] of columnViews) {
    if (!keep.has(key)) {
      view.section.remove();
      columnViews.delete(key);
    }
  }
  wanted.forEach((column, index) => {
    const key = column.phase?.id ?? "";
    let view = columnViews.get(key);
    if (!view) {
      view = makeColumn();
      columnViews.set(key, view);
    }
    renderColumn(view, column, index, pendingIds);
    placeAt(el.lifecycle, view.section, index);
  });
  renderMovement(state);
}

function placeAt(parent, node, index) {
  const current = parent.children[index];
  if (current !== node) parent.insertBefore(node, current ?? null);
}

function makeColumn() {
  const section = clone("tpl-phase");
  return {
    section,
    head: section.querySelector(".phase-head"),
    step: section.querySelector(".phase-step"),
    heading: section.querySelector("h2"),
    count: section.querySelector(".count"),
    list: section.querySelector(".cards"),
    cards: new Map(),
    empty: null,
    form: null,
  };
}

function renderColumn(view, column, index, pendingIds) {
  const { phase, cards } = column;
  const headingId = `phase-${index + 1}`;
  view.heading.id = headingId;
  view.section.setAttribute("aria-labelledby", headingId);
  view.head.style.setProperty("--phase", phase && HEX_COLOUR.test(phase.colour) ? phase.colour : "#e5e7eb");
  view.step.textContent = String(index + 1);
  view.heading.textContent = phase ? phase.name : t("outside");
  view.count.textContent = String(cards.length);

  const ids = new Set(cards.map((card) => card.id));
  for (const [id, item] of view.cards) {
    if (!ids.has(id)) {
      item.remove();
      view.cards.delete(id);
    }
  }
  if (cards.length === 0) {
    view.empty ??= clone("tpl-empty-phase");
    placeAt(view.list, view.empty, 0);
  } else {
    view.empty?.remove();
  }
  cards.forEach((card, position) => {
    let item = view.cards.get(card.id);
    if (!item) {
      item = clone("tpl-card");
      item.dataset.cardId = card.id;
      item.querySelector(".card-delete").addEventListener("click", () => deleteCard(item));
      view.cards.set(card.id, item);
    }
    renderCard(item, card, pendingIds.has(card.id));
    placeAt(view.list, item, position);
  });

  if (canEdit && phase) {
    if (!view.form) {
      view.form = makeAddCardForm();
      view.section.append(view.form);
    }
    view.form.dataset.phaseId = phase.id;
    const input = view.form.elements.text;
    input.id = `new-card-${phase.id}`;
    const label = view.form.querySelector("[data-role=text-label]");
    label.htmlFor = input.id;
    label.textContent = t("new_card_in", { phase: phase.name });
  } else if (view.form) {
    view.form.remove();
    view.form = null;
  }
}

function renderCard(item, card, pending) {
  const kind = t(`kind.${card.kind}`);
  item.className = `postit kind-${card.kind}`;
  item.classList.toggle("is-pending", pending);
  if (HEX_COLOUR.test(card.colour)) item.style.background = card.colour;
  else item.style.removeProperty("background");
  item.querySelector(".kind").textContent = kind;
  item.querySelector(".card-text").textContent = card.text;
  const chip = item.querySelector(".chip");
  chip.hidden = !card.channel;
  chip.textContent = card.channel ? t(`channel.${card.channel}`) : "";
  const button = item.querySelector(".card-delete");
  button.hidden = !canEdit;
  button.setAttribute("aria-label", t("delete_card", { text: card.text.trim() || kind }));
}

function renderMovement(state) {
  const cards = new Map(state.cards.map((card) => [card.id, card]));
  const positions = new Map(state.phases.map((phase) => [phase.id, phase.position]));
  const rows = [];
  for (const arrow of state.arrows) {
    const from = cards.get(arrow.from);
    const to = cards.get(arrow.to);
    if (!from || !to) continue;
    const a = positions.get(from.phase);
    const b = positions.get(to.phase);
    const direction = a === undefined || b === undefined || a === b ? "same" : b > a ? "forward" : "backward";
    const row = clone("tpl-arrow");
    row.classList.add(direction);
    const badge = row.querySelector(".badge");
    badge.classList.add(`dir-${direction}`);
    badge.textContent = t(`direction.${direction}`);
    row.querySelector(".arrow-path").textContent = `${from.text} → ${to.text}`;
    const label = row.querySelector("small");
    label.textContent = arrow.label;
    label.hidden = !arrow.label;
    rows.push(row);
  }
  el.movementList.replaceChildren(...rows);
  el.movement.hidden = rows.length === 0;
}

// Editing

function makeAddCardForm() {
  const form = clone("tpl-add-card");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = form.elements.text;
    const text = input.value.trim();
    if (!text) {
      input.value = "";
      input.reportValidity();
      return;
    }
    addCard(form.dataset.phaseId, form.elements.kind.value, text);
    input.value = "";
    input.focus();
  });
  return form;
}

function addCard(phaseId, kind, text) {
  const state = sync.state;
  const phase = state.phases.find((p) => p.id === phaseId);
  if (!phase) return;
  // Below the lowest card of the phase, so the canvas editor shows it in the same column.
  const bottom = Math.max(
    FIRST_ROW_Y - ROW_GAP,
    ...state.cards.filter((c) => c.phase === phaseId).map((c) => c.y + c.h),
  );
  sync.submit([
    {
      op: "card.create",
      id: newOpId(),
      kind,
      phase: phaseId,
      x: phase.position * COLUMN_WIDTH + 20,
      y: bottom + ROW_GAP,
      text,
    },
  ]);
}

function deleteCard(item) {
  // Keep the keyboard where it was: on the next card, or on the column's form.
  const next = item.nextElementSibling ?? item.previousElementSibling;
  const form = item.closest(".phase")?.querySelector("form.add-card");
  sync.submit([{ op: "card.delete", id: item.dataset.cardId }]);
  const target = next?.isConnected ? next.querySelector(".card-delete:not([hidden])") : null;
  (target ?? form?.elements.text)?.focus();
}

function openRename() {
  el.titleInput.value = el.title.textContent;
  el.title.hidden = true;
  el.renameButton.hidden = true;
  el.renameForm.hidden = false;
  el.titleInput.focus();
  el.titleInput.select();
}

function closeRename() {
  el.renameForm.hidden = true;
  el.title.hidden = false;
  el.renameButton.hidden = !canEdit;
  if (canEdit) el.renameButton.focus();
}

el.renameButton.addEventListener("click", openRename);
el.renameCancel.addEventListener("click", closeRename);
el.renameForm.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeRename();
});
el.renameForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const title = el.titleInput.value.trim();
  if (!title) {
    el.titleInput.value = "";
    el.titleInput.reportValidity();
    return;
  }
  if (title !== sync.state.board.title) sync.submit([{ op: "board.update", title }]);
  closeRename();
});

function setCanEdit(value, { notice = true } = {}) {
  canEdit = value;
  el.viewOnly.hidden = canEdit || !notice;
  el.renameButton.hidden = !canEdit || !el.renameForm.hidden;
  if (!canEdit && !el.renameForm.hidden) closeRename();
  render();
}

// Connection, people and errors

function statusText({ status, unsent }) {
  if ((status === "reconnecting" || status === "offline") && unsent > 0) {
    return unsent === 1 ? t(`${status}_one`) : t(`${status}_other`, { count: unsent });
  }
  return t(status);
}

function renderPeople() {
  if (sync.status === "closed") return;
  const items = [];
  const add = (person, you) => {
    const item = clone("tpl-person");
    const name = you ? t("you", { name: person.name }) : person.name;
    const avatar = item.querySelector(".avatar");
    avatar.textContent = initials(person.name);
    if (HEX_COLOUR.test(person.colour)) avatar.style.background = person.colour;
    item.querySelector(".visually-hidden").textContent = name;
    item.title = name;
    item.classList.toggle("is-you", you);
    items.push(item);
  };
  if (sync.you) add(sync.you, true);
  const seen = new Set([sync.you?.user]);
  for (const person of sync.people.values()) {
    if (seen.has(person.user)) continue;  // one face per person, however many tabs
    seen.add(person.user);
    add(person, false);
  }
  el.presence.replaceChildren(...items);
}

function initials(name) {
  const words = String(name).trim().split(/\s+/).filter(Boolean);
  return words.slice(0, 2).map((word) => [...word][0].toUpperCase()).join("") || "?";
}

function showAlert(message) {
  const text = document.createElement("p");
  text.textContent = message;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "linklike";
  dismiss.textContent = t("dismiss");
  dismiss.addEventListener("click", () => el.alert.replaceChildren());
  el.alert.replaceChildren(text, dismiss);
}

sync.addEventListener("welcome", (event) => {
  setCanEdit(event.detail.you.role !== "viewer");
  renderPeople();
});
sync.addEventListener("role", (event) => setCanEdit(event.detail.role !== "viewer"));
sync.addEventListener("state", render);
sync.addEventListener("peers", renderPeople);
sync.addEventListener("status", (event) => {
  const { status, reason } = event.detail;
  el.status.dataset.state = status;
  el.statusText.textContent = statusText(event.detail);
  if (status === "closed") {
    if (reason === "unauthenticated") {
      const next = encodeURIComponent(location.pathname);
      location.assign(`${root.dataset.loginUrl}?next=${next}`);
      return;
    }
    setCanEdit(false, { notice: false });
    el.presence.replaceChildren();
    showAlert(t(`error.${reason}`) || t("error.fallback"));
  }
});
sync.addEventListener("error", (event) => {
  const { code, message } = event.detail;
  showAlert(message || t(`error.${code}`) || t("error.fallback"));
});

window.addEventListener("beforeunload", (event) => {
  // Edits not yet on the server would be lost with the page.
  if (sync.unsent > 0) event.preventDefault();
});

setCanEdit(canEdit);
sync.start();
