// The canvas board editor: wires the live protocol (../sync.js) to the renderer, the
// pointer and keyboard interaction, undo, presence and the side panel.

import { applyOps } from "../state.js";
import { BoardSync } from "../sync.js";
import { makeActions } from "./actions.js";
import { installExports } from "./exports.js";
import { installPointer } from "./interact.js";
import { installKeyboard } from "./keyboard.js";
import { Phases } from "./phases.js";
import { Method } from "./method.js";
import { Presence } from "./presence.js";
import { Renderer } from "./render.js";
import { methodSignature, SidePanel } from "./sidepanel.js";
import { t } from "./strings.js";
import { TextEditor } from "./textedit.js";
import { UndoStack } from "./undo.js";
import { Viewport } from "./viewport.js";

const CARD_COLOURS = ["#fde68a", "#a7f3d0", "#bfdbfe", "#fbcfe8", "#ddd6fe", "#fed7aa", "#e5e7eb"];

const root = document.querySelector("[data-board-id]");
const $ = (id) => document.getElementById(id);
const el = {
  title: $("board-title"),
  rev: $("board-rev"),
  renameButton: $("rename-board"),
  renameForm: $("rename-form"),
  titleInput: $("board-title-input"),
  renameCancel: $("rename-cancel"),
  status: $("sync-status"),
  statusText: $("sync-status-text"),
  alert: $("live-alert"),
  viewOnly: $("view-only"),
  selbar: $("selbar"),
  selDelete: $("sel-delete"),
  selColours: $("sel-colours"),
  arrowbar: $("arrowbar"),
  arrowLabel: $("arrow-label"),
  arrowWeight: $("arrow-weight"),
  hint: $("hint"),
  panel: $("side-panel"),
  undo: $("undo"),
  redo: $("redo"),
  stage: $("stage"),
};

const boardId = root.dataset.boardId;
// A guest's page (a share link) talks to the share socket; a member's to the board's.
const socketPath = root.dataset.socketPath;
const sync = new BoardSync(
  boardId,
  socketPath ? { url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${socketPath}` } : {},
);
const ed = {
  sync,
  boardId,
  canEdit: root.dataset.canEdit === "true",
  state: sync.state,
  pos: new Map(),
  cardsById: new Map(),
  selection: new Set(),
  selectedArrow: null,
  preview: new Map(),
  resizing: null,
  pointer: null,
  connect: null,
  spaceDown: false,
  pointerFocus: false,
  draft: null,
};
ed.viewport = new Viewport($("viewport"), $("world"), $("zoom-level"));
ed.renderer = new Renderer(ed);
ed.undo = new UndoStack(() => sync.state, (ops) => sync.submit(ops));
ed.actions = makeActions(ed);
ed.editor = new TextEditor(ed);
ed.presence = new Presence(ed);
ed.phases = new Phases(ed);
// Guests have no side panel: its fragments are for members.
ed.sidePanel = $("side-panel")
  ? new SidePanel(ed, { panel: $("side-panel"), tabs: $("panel-tabs") })
  : { show() {}, selectionChanged() {}, roleChanged() {}, boardChanged() {}, markPresent() {} };
ed.method = new Method(ed);
/** Show a phase's KPIs in the side panel (until the selection changes). */
ed.openPhase = (id) => {
  ed.actions.select([]);
  ed.phaseFocus = id;
  ed.sidePanel.show("details");
};

let fitted = false;
ed.render = () => {
  if (!sync.confirmed) return;  // keep what is shown until the server has answered
  // A card being written for the first time is shown here only (see createCard).
  const state = ed.draft ? applyOps(sync.state, [ed.draft], { by: sync.you?.user ?? null }) : sync.state;
  ed.state = state;
  ed.cardsById = new Map(state.cards.map((card) => [card.id, card]));
  ed.renderer.render(state);
  el.title.textContent = state.board.title;
  document.title = `${state.board.title} · Journeymap`;
  el.rev.textContent = String(sync.rev ?? "");
  // Forget selected things that are gone.
  const alive = [...ed.selection].filter((id) => ed.cardsById.has(id));
  if (alive.length !== ed.selection.size) ed.actions.select(alive);
  if (ed.selectedArrow && !ed.renderer.arrows.has(ed.selectedArrow)) ed.actions.selectArrow(null);
  else if (ed.selectedArrow) ed.renderer.arrows.get(ed.selectedArrow).g.classList.add("is-selected");
  for (const entry of ed.presence.remote.values()) if (entry.marks.size) ed.presence.markCards(entry);
  placeHandles();
  placeArrowbar();
  labelSelection();
  // What the gap analysis depends on, worked out once per render for both readers.
  const signature = methodSignature(state);
  ed.sidePanel.boardChanged(signature);
  ed.method.boardChanged(signature);
  if (!fitted) {
    fitted = true;
    ed.fit(1);
  }
  followView();
};

// Until the person pans or zooms, the first view follows the stage's size (the side
// panel arrives a moment after the board).
new ResizeObserver(() => {
  if (fitted && !ed.viewport.touched) ed.fit(1);
}).observe(el.stage);
// Level of detail follows the zoom once a pan or zoom settles: far out, arrow labels and
// dashes go (docs/performance.md). Drawing only the arrows near the view was measured
// too, and made pans slower: toggling them repaints the whole arrow layer.
let lodTimer = null;
function followView() {
  $("world").classList.toggle("is-far", ed.viewport.zoom < 0.45);
  $("world").classList.toggle("is-tiny", ed.viewport.zoom < 0.3);
}
ed.viewport.addEventListener("change", () => {
  clearTimeout(lodTimer);
  lodTimer = setTimeout(followView, 150);
});
ed.followView = followView;

ed.fit = (maxZoom = 1.5) => ed.viewport.fit(ed.renderer.bounds(ed.state), maxZoom);
ed.undoLast = () => {
  if (ed.canEdit && !ed.undo.undo()) ed.showHint(t("nothing_to_undo"), 2500);
};
ed.redo = () => {
  if (ed.canEdit) ed.undo.redo();
};

let hintTimer = null;
ed.showHint = (text, ms = 0) => {
  clearTimeout(hintTimer);
  el.hint.textContent = text;
  el.hint.hidden = !text;
  if (ms) hintTimer = setTimeout(() => ed.showHint(""), ms);
};

// Selection: the selection bar, the handles, presence and the side panel

const handles = makeHandles();

function makeHandles() {
  const connector = document.createElement("button");
  connector.type = "button";
  connector.className = "handle connector";
  connector.dataset.handle = "connect";
  connector.tabIndex = -1;
  connector.setAttribute("aria-label", document.getElementById("sel-connect").textContent.trim());
  // Activities and opportunities also get a link handle: "this serves that touchpoint".
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

const LINK_SOURCES = new Set(["activity", "opportunity"]);

function placeHandles() {
  const id = ed.selection.size === 1 ? [...ed.selection][0] : null;
  const one = id ? ed.renderer.cards.get(id) : null;
  if (one && ed.canEdit) {
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
    el.selDelete.textContent = t("delete_card", { text });
  } else {
    el.selDelete.textContent = t("delete_cards", { count });
  }
}

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
  sync.setPresence({ selection: [...ed.selection].slice(0, 500) });
  ed.sidePanel.selectionChanged();
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
$("sel-connect").addEventListener("click", () => ed.actions.startConnect({ from: [...ed.selection][0] }));
$("sel-link").addEventListener("click", () => ed.actions.startConnect({ from: [...ed.selection][0], link: true }));
$("sel-duplicate").addEventListener("click", () => ed.actions.duplicateSelection());
el.selDelete.addEventListener("click", () => ed.actions.deleteSelection());

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
  const x = Number(view.label.getAttribute("x"));
  const y = Number(view.label.getAttribute("y"));
  const point = ed.viewport.toClient(x, y);
  const box = el.stage.getBoundingClientRect();
  el.arrowbar.style.left = `${Math.max(8, Math.min(box.width - 460, point.x - box.left - 220))}px`;
  el.arrowbar.style.top = `${Math.max(56, Math.min(box.height - 60, point.y - box.top + 14))}px`;
}
ed.viewport.addEventListener("change", placeArrowbar);

function saveArrow() {
  if (!ed.selectedArrow) return;
  const raw = el.arrowWeight.value.trim();
  const weight = raw === "" ? null : Number(raw);
  const fields = { label: el.arrowLabel.value.trim().slice(0, 120) };
  if (weight === null || (Number.isFinite(weight) && weight >= 0 && weight <= 1_000_000)) fields.weight = weight;
  ed.actions.updateArrow(ed.selectedArrow, fields);
}
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
$("arrow-from").addEventListener("click", () => ed.actions.startConnect({ arrow: ed.selectedArrow, end: "from" }));
$("arrow-to").addEventListener("click", () => ed.actions.startConnect({ arrow: ed.selectedArrow, end: "to" }));
$("arrow-delete").addEventListener("click", () => ed.actions.deleteSelection());

// Focus: Tab between cards selects them, and the view follows.

ed.viewport.element.addEventListener("focusin", (event) => {
  const card = event.target.closest?.(".card-item");
  if (card && event.target === card && !ed.pointerFocus && !ed.connect) {
    if (!ed.selection.has(card.dataset.cardId) || ed.selection.size > 1) ed.actions.select([card.dataset.cardId]);
    const rect = ed.renderer.rectOf(card.dataset.cardId);
    if (rect) ed.viewport.reveal(rect);
  }
  const arrow = event.target.closest?.("[data-arrow-id]");
  if (arrow && !ed.pointerFocus) ed.actions.selectArrow(arrow.dataset.arrowId);
});

// Toolbar and zoom

for (const button of document.querySelectorAll(".kind-tool")) {
  button.addEventListener("click", () => ed.actions.createCard(button.dataset.kind, ed.viewport.centre()));
}
el.undo.addEventListener("click", () => ed.undoLast());
el.redo.addEventListener("click", () => ed.redo());
ed.undo.addEventListener("change", () => {
  el.undo.disabled = ed.undo.done.length === 0;
  el.redo.disabled = ed.undo.undone.length === 0;
});
$("zoom-in").addEventListener("click", () => ed.viewport.zoomStep(1.25));
$("zoom-out").addEventListener("click", () => ed.viewport.zoomStep(0.8));
$("zoom-reset").addEventListener("click", () => ed.viewport.zoomAt(1));
$("zoom-fit").addEventListener("click", () => ed.fit());

installPointer(ed);
installKeyboard(ed);

// Board title

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
  el.renameButton.hidden = !ed.canEdit;
  if (ed.canEdit) el.renameButton.focus();
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
  if (title !== sync.state.board.title) ed.actions.commit([{ op: "board.update", title }]);
  closeRename();
});

// Role, connection, people and errors

function setCanEdit(value, { notice = true } = {}) {
  const changed = value !== ed.canEdit;
  ed.canEdit = value;
  root.classList.toggle("can-edit", value);
  el.viewOnly.hidden = value || !notice;
  el.renameButton.hidden = !value || !el.renameForm.hidden;
  if (!value) {
    if (!el.renameForm.hidden) closeRename();
    ed.editor.finish();
    ed.draft = null;
    ed.actions.cancelConnect();
    ed.phases.closeMenu();
  }
  ed.selectionChanged();
  if (changed) ed.sidePanel.roleChanged();
  ed.method.roleChanged();
}

function statusText({ status, unsent }) {
  if ((status === "reconnecting" || status === "offline") && unsent > 0) {
    return unsent === 1 ? t(`${status}_one`) : t(`${status}_other`, { count: unsent });
  }
  return t(status);
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
  ed.presence.renderPeople();
});
sync.addEventListener("role", (event) => setCanEdit(event.detail.role !== "viewer"));
sync.addEventListener("state", ed.render);
sync.addEventListener("peers", () => {
  ed.presence.renderPeople();
  ed.sidePanel.markPresent();
});
sync.addEventListener("presence", (event) => ed.presence.update(event.detail));
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
    ed.presence.clear();
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

// For tests and the benchmark: read-only hooks, no behaviour.
globalThis.journeymapEditor = ed;

installExports();
setCanEdit(ed.canEdit);
sync.start();
