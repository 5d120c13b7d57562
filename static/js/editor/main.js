// The canvas board editor. This module only builds the editor's shared object (`ed`)
// and wires the live protocol (../live/sync.js) to the modules that hold each concern:
// drawing (draw.js, render.js), interaction (interact.js, keyboard.js, selection.js,
// toolbar.js, title.js, textedit.js), changes (actions.js, undo.js, phases.js), what
// the person may do (permissions.js), the side panel and the method, and the page's
// shared parts (../page/: words, connection status, people, alerts, capabilities).

import { BoardSync } from "../live/sync.js";
import { errorText, showAlert, showErrors } from "../page/alerts.js";
import { installConflicts } from "../page/conflicts.js";
import { followCan, pageCan } from "../page/can.js";
import { guardUnsent, keepUnsent, showStatus } from "../page/status.js";
import { makeActions } from "./actions.js";
import { submitInFrames } from "./batches.js";
import { installAnnounce } from "./announce.js";
import { installDraw } from "./draw.js";
import { installExports } from "./exports.js";
import { installPointer } from "./interact.js";
import { installKeyboard } from "./keyboard.js";
import { installLegend } from "./legend.js";
import { Method } from "./method.js";
import { installPermissions } from "./permissions.js";
import { Phases } from "./phases.js";
import { installPick } from "./pick.js";
import { Presence } from "./presence.js";
import { Renderer } from "./render.js";
import { installSelection } from "./selection.js";
import { SidePanel } from "./sidepanel.js";
import { TextEditor } from "./textedit.js";
import { installTitle } from "./title.js";
import { installToolbar } from "./toolbar.js";
import { UndoStack } from "./undo.js";
import { Viewport } from "./viewport.js";
import { DoneBar } from "../workshop/done.js";
import { Follow } from "../workshop/follow.js";
import { installPrivate } from "../workshop/private.js";
import { Room } from "../workshop/room.js";
import { TimerBar } from "../workshop/timer.js";
import { installLock } from "../workshop/lock.js";
import { installVote } from "../workshop/vote.js";

const root = document.querySelector("[data-board-id]");
const $ = (id) => document.getElementById(id);

const boardId = root.dataset.boardId;
// A guest's page (a share link) talks to the share socket; a member's to the board's.
const socketPath = root.dataset.socketPath;
const sync = new BoardSync(
  boardId,
  socketPath ? { url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${socketPath}` } : {},
);
const can = pageCan();  // until the socket's welcome says
const ed = {
  root,
  sync,
  boardId,
  can,
  canEdit: Boolean(can.edit_board),
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
  keepSelection: false,  // after Space on a card: Tab moves the focus, not the selection
  draft: null,
};
ed.viewport = new Viewport($("viewport"), $("world"), $("zoom-level"), $("toolbar"));
ed.renderer = new Renderer(ed);
ed.undo = new UndoStack(() => sync.state, (ops) => submitInFrames(sync, ops));
ed.actions = makeActions(ed);
ed.editor = new TextEditor(ed);
ed.presence = new Presence(ed);
ed.phases = new Phases(ed);
// Guests have no side panel: its fragments are for members.
ed.sidePanel = $("side-panel")
  ? new SidePanel(ed, { panel: $("side-panel"), tabs: $("panel-tabs") })
  : { show() {}, selectionChanged() {}, roleChanged() {}, boardChanged() {}, markPresent() {} };
ed.method = new Method(ed);
// Running the room (static/js/workshop/): its state and facilitate frames.
ed.room = new Room(sync);
ed.timer = new TimerBar(ed);
ed.done = new DoneBar(ed);
ed.follow = new Follow(ed);
installPrivate(ed);
ed.title = installTitle(ed);
installToolbar(ed);
installSelection(ed);
installLock(ed);
installVote(ed);
installPick(ed);
installDraw(ed);
installLegend(ed);
installAnnounce(ed);
installPermissions(ed, root);
installPointer(ed);
installKeyboard(ed);
installExports();
installConflicts(sync);

followCan(sync, (now) => ed.setCan(now));
sync.addEventListener("welcome", () => ed.presence.renderPeople());
sync.addEventListener("state", ed.render);
// The room's bar follows the board's step (the guide's): "I'm done" and the timer's
// suggested length are per step.
let stage = null;
sync.addEventListener("state", (event) => {
  const now = event.detail.state?.board?.stage ?? "";
  if (now !== stage) {
    stage = now;
    ed.room.repaint();
  }
});
sync.addEventListener("peers", () => {
  ed.presence.renderPeople();
  ed.sidePanel.markPresent();
});
sync.addEventListener("presence", (event) => ed.presence.update(event.detail));
showStatus(sync, {
  loginUrl: root.dataset.loginUrl,
  onClosed(reason) {
    ed.setCan({}, { notice: false });
    ed.presence.clear();
    ed.room?.end();
    showAlert(errorText(reason));
  },
});
showErrors(sync);
guardUnsent(sync);
keepUnsent(sync, root);

// For tests and the benchmark: read-only hooks, no behaviour.
globalThis.journeymapEditor = ed;

ed.setCan(ed.can);
sync.start();
