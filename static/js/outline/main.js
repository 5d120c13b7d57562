// The outline view: the live board as plain lists, phase by phase, for screen readers
// and the keyboard. Connects to the live protocol (../live/sync.js) like the canvas
// does; every edit is a protocol op, so the canvas and other outlines see it at once.
// The server-rendered lists are the page until the first snapshot arrives; from then on
// lists.js draws them. This module wires the parts together: the lists, editing
// (edit.js), what is said (words.js) and the page's shared parts (../page/).

import { BoardSync } from "../live/sync.js";
import { errorText, showAlert, showErrors } from "../page/alerts.js";
import { installConflicts } from "../page/conflicts.js";
import { followCan, pageCan } from "../page/can.js";
import { renderPeople } from "../page/people.js";
import { guardUnsent, keepUnsent, showStatus } from "../page/status.js";
import { makeEditing } from "./edit.js";
import { makeLists } from "./lists.js";
import { makeMovement } from "./movement.js";
import { announceRemote } from "./words.js";

const root = document.querySelector("[data-board-id]");
const $ = (id) => document.getElementById(id);
const el = {
  title: $("board-title"),
  rev: $("board-rev"),
  liveBar: $("live-bar"),
  presence: $("presence"),
  viewOnly: $("view-only"),
};

const sync = new BoardSync(root.dataset.boardId);
const ol = {
  sync,
  canEdit: Boolean(pageCan().edit_board),  // until the socket's welcome says
  local: false,              // true while our own edit renders: do not announce it
  cardItems: new Map(),      // card id -> its <li>, wherever it is
  /** Make an edit: apply it at once, send it, and keep it out of the remote announcements. */
  submit(ops) {
    ol.local = true;
    try {
      return sync.submit(ops);
    } finally {
      ol.local = false;
    }
  },
};
ol.edit = makeEditing(ol);
ol.movement = makeMovement(ol);
const lists = makeLists(ol);
let takenOver = false;
let previous = null;         // the state last drawn, to tell what others changed

el.liveBar.hidden = false;

function render() {
  if (!sync.confirmed) return;  // keep what is shown until the server has answered
  const state = sync.state;
  if (!takenOver) {
    lists.clear();
    takenOver = true;
  } else if (!ol.local) {
    announceRemote(previous, state);
  }
  previous = state;
  el.title.textContent = state.board.title;
  document.title = `${state.board.title} · Journeymap`;
  el.rev.textContent = String(sync.rev ?? "");
  lists.draw(state);
}

function setCanEdit(value, { notice = true } = {}) {
  ol.canEdit = value;
  el.viewOnly.hidden = value || !notice;
  render();
}

// Connection, people and errors

followCan(sync, (can) => setCanEdit(Boolean(can.edit_board)));
sync.addEventListener("welcome", () => renderPeople(el.presence, sync));
sync.addEventListener("state", render);
sync.addEventListener("peers", () => renderPeople(el.presence, sync));
showStatus(sync, {
  loginUrl: root.dataset.loginUrl,
  onClosed(reason) {
    setCanEdit(false, { notice: false });
    el.presence.replaceChildren();
    showAlert(errorText(reason));
  },
});
showErrors(sync);
guardUnsent(sync);
installConflicts(sync);
keepUnsent(sync, root);

setCanEdit(ol.canEdit);
sync.start();
