// Private writing rounds (docs/protocol.md, "Private writing rounds"): the facilitator
// starts one and reveals every card at once; a participant sees that the round is on and
// that their new cards are theirs alone (render.js marks each of them). The server
// decides who is sent what; this only shows the round and sends the two actions.

import { cloneTemplate, t } from "../page/strings.js";
import { paintBar, roomToRun } from "./room.js";

export function installPrivate(ed, bar = document.getElementById("room-bar")) {
  if (!bar || !document.getElementById("tpl-room-private")) return;
  const group = cloneTemplate("tpl-room-private");
  bar.append(group);
  const part = (role) => group.querySelector(`[data-role=${role}]`);
  const pill = part("state");
  const words = part("words");
  const start = part("start");
  const reveal = part("reveal");

  function render() {
    const round = ed.room.state?.private ?? null;
    const host = Boolean(ed.can.facilitate);
    const room = roomToRun(ed);
    start.hidden = !host || round !== null || !room;
    reveal.hidden = !host || round === null;
    pill.hidden = round === null;
    pill.classList.toggle("is-yours", Boolean(round?.yours));
    if (round !== null) {
      words.textContent = t(host ? "private.host" : round.yours ? "private.yours" : "private.watch");
    }
    group.hidden = start.hidden && pill.hidden;
    paintBar();
  }

  async function perform(button, action) {
    button.disabled = true;
    try {
      await ed.room.perform(action);
    } catch {
      // The page's alert shows the server's refusal (showErrors); offline: try again.
    } finally {
      button.disabled = false;
    }
  }

  start.addEventListener("click", () => perform(start, "private.start"));
  reveal.addEventListener("click", () => perform(reveal, "private.reveal"));
  ed.room.addEventListener("change", render);
  ed.sync.addEventListener("peers", render);
  ed.sync.addEventListener("state", () => queueMicrotask(render));  // the step may move
  // After the editor has taken the new capabilities (followCan, in main.js).
  ed.sync.addEventListener("welcome", () => queueMicrotask(render));
  ed.sync.addEventListener("role", () => queueMicrotask(render));
  render();
}
