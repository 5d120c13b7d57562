// "I'm done" in the facilitation bar: while the workshop is at a step, a participant
// marks themselves done with it (and can take it back); the facilitator sees how many
// are done and, in a list, who is done and who is still writing. A mark is for one
// step: when the facilitator moves on, everyone starts afresh (docs/protocol.md, `done`).

import { t } from "../page/strings.js";
import { paintBar } from "./room.js";

export class DoneBar {
  constructor(ed) {
    this.ed = ed;
    this.room = ed.room;
    const $ = (id) => document.getElementById(id);
    this.group = $("room-done");
    this.toggle = $("done-toggle");
    this.menu = $("done-menu");
    this.summary = $("done-summary");
    this.doneList = $("done-list");
    this.writingList = $("writing-list");
    this.toggle.addEventListener("click", () => {
      const done = this.toggle.getAttribute("aria-pressed") !== "true";
      this.room.perform("done.set", { done }).catch(() => {});
    });
    this.room.addEventListener("change", () => this.paint());
    ed.sync.addEventListener("peers", () => this.paint());
  }

  /** The `done` section, if it is about the step the board is at now. */
  get done() {
    const done = this.room.state?.done;
    const stage = this.ed.state?.board?.stage ?? "";
    return done && done.stage === stage ? done : { stage, count: 0, you: false, people: [] };
  }

  paint() {
    const stage = this.ed.state?.board?.stage ?? "";
    const lead = Boolean(this.ed.can.facilitate);
    const done = this.done;
    this.group.hidden = !stage || (!lead && !this.ed.canEdit);
    this.toggle.hidden = lead || !this.ed.canEdit;
    this.toggle.setAttribute("aria-pressed", String(done.you));
    this.toggle.classList.toggle("is-done", done.you);
    this.menu.hidden = !lead;
    if (lead) this.paintPeople(done);
    paintBar();
  }

  /** Who is done (by name, in the order they said so) and who on the board is still
   * writing: everyone here who may edit, but the facilitator's own pages. */
  paintPeople(done) {
    const people = done.people ?? [];
    const doneUsers = new Set(people.map((person) => person.user));
    const you = this.ed.sync.you?.user;
    const writing = new Map();
    for (const person of this.ed.sync.people.values()) {
      if (person.user === null || person.user === undefined || person.user === you) continue;
      if (person.role === "viewer" || doneUsers.has(person.user)) continue;
      writing.set(person.user, person.name);
    }
    const total = people.length + writing.size;
    this.summary.textContent = t("done.count", { done: people.length, total });
    this.summary.classList.toggle("all-done", total > 0 && writing.size === 0);
    fill(this.doneList, people.map((person) => person.name), t("done.nobody"));
    fill(this.writingList, [...writing.values()], t("done.everyone"));
  }
}

function fill(list, names, empty) {
  const items = names.map((name) => {
    const item = document.createElement("li");
    item.textContent = name;  // user text: textContent only
    return item;
  });
  if (!items.length) {
    const item = document.createElement("li");
    item.className = "muted";
    item.textContent = empty;
    items.push(item);
  }
  list.replaceChildren(...items);
}
