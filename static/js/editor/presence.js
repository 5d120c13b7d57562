// Who is here: avatars in the header, live cursors with names on the canvas, and an
// outline with a name on the cards someone is editing or moving.

import { personColour, renderPeople } from "../page/people.js";
import { t } from "../page/strings.js";

const SVG = "http://www.w3.org/2000/svg";

export class Presence {
  constructor(ed) {
    this.ed = ed;
    this.list = document.getElementById("presence");
    this.overlay = document.getElementById("overlay");
    this.remote = new Map();  // session -> {person, cursor, cursorEl, marks: Set of card ids}
    ed.viewport.addEventListener("change", () => this.placeCursors());
  }

  renderPeople() {
    const sync = this.ed.sync;
    if (sync.status === "closed") return;
    renderPeople(this.list, sync);
    // Forget the cursors of pages that left.
    for (const [session, entry] of this.remote) {
      if (!sync.people.has(session)) {
        entry.cursorEl?.remove();
        this.clearMarks(entry);
        this.remote.delete(session);
      }
    }
  }

  clear() {
    this.list.replaceChildren();
    for (const entry of this.remote.values()) {
      entry.cursorEl?.remove();
      this.clearMarks(entry);
    }
    this.remote.clear();
  }

  /** A `presence` event from someone else. */
  update(fields) {
    const person = this.ed.sync.people.get(fields.session);
    if (!person) return;
    let entry = this.remote.get(fields.session);
    if (!entry) {
      entry = { person, cursor: null, cursorEl: null, marks: new Set() };
      this.remote.set(fields.session, entry);
    }
    entry.person = person;
    if ("cursor" in fields) {
      entry.cursor = fields.cursor;
      if (fields.cursor && !entry.cursorEl) entry.cursorEl = this.makeCursor(person);
      if (entry.cursorEl) entry.cursorEl.hidden = !fields.cursor;
      this.placeCursor(entry);
    }
    if ("editing" in fields || "dragging" in fields) {
      if ("editing" in fields) entry.editing = fields.editing;
      if ("dragging" in fields) entry.dragging = fields.dragging;
      this.markCards(entry);
    }
  }

  makeCursor(person) {
    const el = document.createElement("div");
    el.className = "remote-cursor";
    const colour = personColour(person);
    el.style.setProperty("--who", colour);
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", "M1 1l5 14 2-6 6-2z");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("stroke", "#fff");
    path.setAttribute("stroke-width", "1.2");
    path.setAttribute("stroke-linejoin", "round");
    svg.append(path);
    el.append(svg);
    const name = document.createElement("span");
    name.textContent = person.name;  // user text: textContent only
    el.append(name);
    this.overlay.append(el);
    return el;
  }

  placeCursor(entry) {
    if (!entry.cursorEl || !entry.cursor) return;
    const vp = this.ed.viewport;
    const x = vp.x + entry.cursor.x * vp.zoom;
    const y = vp.y + entry.cursor.y * vp.zoom;
    entry.cursorEl.style.transform = `translate(${x}px, ${y}px)`;
  }

  placeCursors() {
    for (const entry of this.remote.values()) this.placeCursor(entry);
  }

  markCards(entry) {
    this.clearMarks(entry);
    const colour = personColour(entry.person);
    const ids = [];
    let label = "";
    if (entry.dragging?.ids?.length) {
      ids.push(...entry.dragging.ids);
      label = t("dragging", { name: entry.person.name });
    } else if (entry.editing) {
      ids.push(entry.editing);
      label = t("editing", { name: entry.person.name });
    }
    for (const id of ids.slice(0, 50)) {
      const view = this.ed.renderer.cards.get(id);
      if (!view) continue;
      view.el.classList.add("is-remote");
      view.el.style.setProperty("--who", colour);
      const tag = document.createElement("span");
      tag.className = "remote-tag";
      tag.textContent = label;
      view.el.append(tag);
      entry.marks.add(tag);
    }
  }

  clearMarks(entry) {
    for (const tag of entry.marks) {
      tag.parentElement?.classList.remove("is-remote");
      tag.remove();
    }
    entry.marks.clear();
  }
}
