// The outline view: the live board as plain lists, phase by phase, for screen readers
// and the keyboard. Connects to the live protocol (sync.js) like the canvas does; every
// edit is a protocol op, so the canvas and other outlines see it at once. The
// server-rendered lists are the page until the first snapshot arrives; from then on this
// module draws them. User text goes into the DOM with textContent only. Words come from
// the page (<template id="board-strings">), already translated.

import { BoardSync, newOpId } from "./sync.js";
import { columns } from "./state.js";

// docs/protocol.md, "Geometry": phase i is the column i × 480 ≤ x < (i + 1) × 480, and
// a card in a phase stores x relative to its column's left edge.
const COLUMN_WIDTH = 480;
const NEW_CARD_X = 40;     // relative to the column
const FIRST_ROW_Y = 40;
const ROW_GAP = 24;
const DEFAULT_CARD_W = 180;
const HEX_COLOUR = /^#[0-9a-f]{6}$/i;

const root = document.querySelector("[data-board-id]");
const $ = (id) => document.getElementById(id);
const el = {
  title: $("board-title"),
  rev: $("board-rev"),
  liveBar: $("live-bar"),
  presence: $("presence"),
  status: $("sync-status"),
  statusText: $("sync-status-text"),
  alert: $("live-alert"),
  viewOnly: $("view-only"),
  announcer: $("announcer"),
  outline: $("outline"),
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

/** How a card is named in labels and announcements: its text, or its kind. */
function cardName(card) {
  const text = card.text.trim().replace(/\s+/g, " ");
  if (!text) return t("untitled", { kind: t(`kind.${card.kind}`).toLowerCase() });
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function phaseName(state, phaseId) {
  return state.phases.find((p) => p.id === phaseId)?.name ?? t("outside");
}

// Page state

const sync = new BoardSync(root.dataset.boardId);
let canEdit = root.dataset.canEdit === "true";  // until the socket's welcome says
let takenOver = false;
let local = false;           // true while our own edit renders: do not announce it
let previous = null;         // the state last drawn, to tell what others changed
const columnViews = new Map();  // phase id ("" for cards outside every phase) -> view
const cardItems = new Map();    // card id -> its <li>, wherever it is

el.liveBar.hidden = false;

// Announcements

let announceTimer = null;
function announce(message) {
  if (!message) return;
  // Cleared first so that the same sentence twice is read twice.
  el.announcer.textContent = "";
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => { el.announcer.textContent = message; }, 50);
}

/** Say what someone else changed since the last drawing (one sentence, the first change). */
function announceRemote(before, after) {
  if (!before) return;
  const old = new Map(before.cards.map((card) => [card.id, card]));
  const now = new Map(after.cards.map((card) => [card.id, card]));
  const said = [];
  for (const [id, card] of now) {
    const was = old.get(id);
    if (!was) said.push(t("said.remote_added", { phase: phaseName(after, card.phase), text: cardName(card) }));
    else if (was.phase !== card.phase) said.push(t("said.remote_moved", { text: cardName(card), phase: phaseName(after, card.phase) }));
    else if (was.text !== card.text || was.kind !== card.kind || was.channel !== card.channel) {
      said.push(t("said.remote_changed", { text: cardName(card) }));
    }
  }
  for (const [id, card] of old) if (!now.has(id)) said.push(t("said.remote_deleted", { text: cardName(card) }));
  if (before.board.title !== after.board.title) said.push(t("said.renamed", { title: after.board.title }));
  if (said.length) announce(said.slice(0, 3).join(" "));
}

/** Make an edit: apply it at once, send it, and keep it out of the remote announcements. */
function submit(ops) {
  local = true;
  try {
    return sync.submit(ops);
  } finally {
    local = false;
  }
}

// Rendering

function render() {
  if (!sync.confirmed) return;  // keep what is shown until the server has answered
  const state = sync.state;
  if (!takenOver) {
    el.outline.replaceChildren();
    takenOver = true;
  } else if (!local) {
    announceRemote(previous, state);
  }
  previous = state;
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
  const alive = new Set(state.cards.map((card) => card.id));
  for (const [id, item] of cardItems) {
    if (!alive.has(id)) {
      item.remove();
      cardItems.delete(id);
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
    placeAt(el.outline, view.section, index);
  });
  renderMovement(state);
}

/** The arrows as sentences: from → to, with the direction the customer moves. */
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
    const badge = row.querySelector(".badge");
    badge.classList.add(`dir-${direction}`);
    badge.textContent = t(`direction.${direction}`);
    row.querySelector(".outline-arrow-path").textContent = `${cardName(from)} → ${cardName(to)}`;
    const label = row.querySelector("small");
    label.textContent = arrow.label;
    label.hidden = !arrow.label;
    rows.push(row);
  }
  el.movementList.replaceChildren(...rows);
  el.movement.hidden = rows.length === 0;
}

function placeAt(parent, node, index) {
  const current = parent.children[index];
  if (current !== node) parent.insertBefore(node, current ?? null);
}

function makeColumn() {
  const section = clone("tpl-phase");
  return {
    section,
    step: section.querySelector(".outline-step"),
    heading: section.querySelector("h2"),
    count: section.querySelector(".outline-count"),
    list: section.querySelector(".outline-cards"),
    empty: null,
    form: null,
  };
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
  view.count.textContent = String(cards.length);

  if (cards.length === 0) {
    view.empty ??= clone("tpl-empty-phase");
    placeAt(view.list, view.empty, 0);
  } else {
    view.empty?.remove();
  }
  cards.forEach((card, position) => {
    let item = cardItems.get(card.id);
    if (!item) {
      item = makeCard(card.id);
      cardItems.set(card.id, item);
    }
    renderCard(item, card, state, pendingIds.has(card.id));
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
  part("edit").addEventListener("click", () => openEdit(item));
  part("cancel").addEventListener("click", () => closeEdit(item, { focus: true }));
  part("move").addEventListener("click", () => moveCard(item));
  part("delete").addEventListener("click", () => deleteCard(item));
  const form = item.querySelector(".outline-edit");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    saveEdit(item);
  });
  form.elements.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      saveEdit(item);
    } else if (event.key === "Escape") {
      event.preventDefault();
      closeEdit(item, { focus: true });
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
  item.querySelector(".outline-text").textContent = card.text;

  const tools = item.querySelector(".outline-tools");
  const editing = !item.querySelector(".outline-edit").hidden;
  tools.hidden = !canEdit || editing;
  if (!canEdit) {
    if (editing) closeEdit(item);
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
        moveCard(item);
      }
    });
  }
  const move = part("move");
  move.textContent = t("move");
  move.setAttribute("aria-label", t("move_card", { text: name }));

  const remove = part("delete");
  remove.textContent = t("delete");
  remove.setAttribute("aria-label", t("delete_card", { text: name }));
}

// Editing

function cardOf(item) {
  return sync.state.cards.find((card) => card.id === item.dataset.cardId);
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
      announce(t("said.added", { phase: phaseName(sync.state, phaseId), text }));
    }
    // Stay in the field: the next card of this phase can be typed straight away.
    input.focus();
  });
  return form;
}

function addCard(phaseId, kind, text) {
  const state = sync.state;
  if (!state.phases.some((p) => p.id === phaseId)) return false;
  return submit([
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
  form.hidden = false;
  item.querySelector(".outline-text").hidden = true;
  item.querySelector(".outline-tools").hidden = true;
  form.elements.text.focus();
  form.elements.text.select();
}

function closeEdit(item, { focus = false } = {}) {
  item.querySelector(".outline-edit").hidden = true;
  item.querySelector(".outline-text").hidden = false;
  item.querySelector(".outline-tools").hidden = !canEdit;
  if (focus && canEdit) item.querySelector("[data-role=edit]").focus();
}

function saveEdit(item) {
  const card = cardOf(item);
  const textarea = item.querySelector(".outline-edit textarea");
  const text = textarea.value.replace(/\r\n/g, "\n").trim();
  closeEdit(item);
  if (card && text !== card.text) {
    submit([{ op: "card.update", id: card.id, text }]);
    announce(t("said.saved", { text: cardName({ ...card, text }) }));
  }
  item.querySelector("[data-role=edit]").focus();
}

function moveCard(item) {
  const card = cardOf(item);
  const select = item.querySelector("[data-role=move-select]");
  delete select.dataset.chosen;
  if (!card) return;
  const state = sync.state;
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
    x = Math.min(Math.max(x, 0), COLUMN_WIDTH - (card.w ?? DEFAULT_CARD_W));
  }
  submit([
    { op: "card.update", id: card.id, phase: target.id, x, y: nextFreeY(state, target.id, card.id) },
  ]);
  announce(t("said.moved", { text: cardName(card), phase: target.name }));
  // The item now sits in the other phase's list: the keyboard follows it.
  cardItems.get(card.id)?.querySelector("[data-role=move-select]")?.focus();
}

function deleteCard(item) {
  const card = cardOf(item);
  if (!card) return;
  // Keep the keyboard nearby: on the next card, the one before, or the phase's add field.
  const siblings = [...item.parentElement.querySelectorAll(":scope > .outline-card")];
  const index = siblings.indexOf(item);
  const neighbour = siblings[index + 1] ?? siblings[index - 1];
  const form = item.closest(".outline-phase")?.querySelector("form.outline-add");
  submit([{ op: "card.delete", id: card.id }]);
  announce(t("said.deleted", { text: cardName(card) }));
  const target = neighbour?.isConnected ? neighbour.querySelector("[data-role=delete]") : null;
  (target ?? form?.elements.text ?? el.title)?.focus();
}

function setCanEdit(value, { notice = true } = {}) {
  canEdit = value;
  el.viewOnly.hidden = canEdit || !notice;
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
