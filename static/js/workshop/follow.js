// Follow and summon. Every page tells the others, in its presence, what it looks at
// (`view`: the board point at the centre of its screen and its zoom). Anyone can follow
// someone: their page then shows what that person's shows, until they pan or zoom
// themselves, which stops following. The facilitator can bring everyone to their own
// view ("Bring everyone here": a volatile `summon`, docs/protocol.md).

import { t } from "../page/strings.js";
import { personColour } from "../page/people.js";
import { othersHere, paintBar } from "./room.js";

export class Follow {
  constructor(ed) {
    this.ed = ed;
    this.room = ed.room;
    this.viewport = ed.viewport;
    const $ = (id) => document.getElementById(id);
    this.group = $("room-follow");
    this.menu = $("follow-menu");
    this.list = $("follow-list");
    this.following = $("following");
    this.followingName = $("following-name");
    this.followingDot = $("following-dot");
    this.summon = $("summon");
    this.note = $("room-note");
    this.leader = null;  // the session followed
    this.expected = null;  // the view this page was last moved to by following

    this.viewport.addEventListener("change", () => this.moved());
    ed.sync.addEventListener("presence", (event) => {
      const fields = event.detail;
      if (fields.session === this.leader && fields.view) this.show(fields.view);
    });
    ed.sync.addEventListener("peers", () => {
      if (this.leader && !ed.sync.people.has(this.leader)) this.stop();
      this.publish();  // someone new may want to follow us
      this.paint();
    });
    ed.sync.addEventListener("welcome", () => this.publish());
    $("follow-stop").addEventListener("click", () => this.stop(true));
    this.summon.addEventListener("click", () => {
      this.room
        .perform("summon", { view: this.view() })
        .then(() => this.say(t("summon.done")))
        .catch(() => {});
    });
    this.room.addEventListener("summon", (event) => {
      const by = ed.sync.people.get(event.detail.by);
      this.stop();
      this.show(event.detail.view);
      this.say(t("summon.moved", { name: by?.name ?? t("summon.someone") }));
    });
    this.room.addEventListener("change", () => this.paint());
  }

  /** What this page shows: the board point at the centre, and the zoom. */
  view() {
    const centre = this.viewport.centre();
    const round = (n) => Math.round(n * 10) / 10;
    return { x: round(centre.x), y: round(centre.y), zoom: this.viewport.zoom };
  }

  publish() {
    if (this.ed.sync.welcomed) this.ed.sync.setPresence({ view: this.view() });
  }

  /** Move this page to `view` (centre the point at its zoom). */
  show(view) {
    const vp = this.viewport;
    const box = vp.element.getBoundingClientRect();
    vp.zoom = view.zoom;
    vp.x = box.width / 2 - view.x * view.zoom;
    vp.y = box.height / 2 - view.y * view.zoom;
    this.expected = { x: vp.x, y: vp.y, zoom: vp.zoom };
    vp.apply();
  }

  /** The viewport changed: ours to tell; and if the person moved it, not following. */
  moved() {
    const vp = this.viewport;
    const e = this.expected;
    const ours = e && Math.abs(vp.x - e.x) < 0.5 && Math.abs(vp.y - e.y) < 0.5 && vp.zoom === e.zoom;
    if (!ours) {
      this.expected = null;
      if (this.leader) this.stop(true);
    }
    this.publish();
  }

  start(session) {
    const person = this.ed.sync.people.get(session);
    if (!person) return;
    this.leader = session;
    this.menu.open = false;
    if (person.view) this.show(person.view);
    this.paint();
  }

  stop(told = false) {
    if (!this.leader) return;
    this.leader = null;
    if (told) this.say(t("follow.stopped"));
    this.paint();
  }

  /** Tell the person what just happened to their view, in the canvas's hint line. */
  say(text) {
    if (this.ed.showHint) this.ed.showHint(text, 4000);
    else this.note.textContent = text;
  }

  paint() {
    const sync = this.ed.sync;
    const others = [...sync.people.values()].filter((p) => p.session !== sync.you?.session);
    const leader = this.leader ? sync.people.get(this.leader) : null;
    this.following.hidden = !leader;
    this.menu.hidden = Boolean(leader);
    // While following, the canvas wears the leader's colour, as their cursor does.
    const stage = document.getElementById("stage");
    stage.classList.toggle("is-following", Boolean(leader));
    if (leader) {
      this.followingName.textContent = t("follow.following", { name: leader.name });
      this.followingDot.style.background = personColour(leader);
      stage.style.setProperty("--leader", personColour(leader));
    }
    const items = others.map((person) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "linklike follow-person";
      const dot = document.createElement("span");
      dot.className = "avatar-dot";
      dot.style.background = personColour(person);
      const name = document.createElement("span");
      name.textContent = person.name;  // user text: textContent only
      button.append(dot, name);
      button.addEventListener("click", () => this.start(person.session));
      item.append(button);
      return item;
    });
    if (!items.length) {
      const item = document.createElement("li");
      item.className = "muted";
      item.textContent = t("follow.nobody");
      items.push(item);
    }
    this.list.replaceChildren(...items);
    this.summon.hidden = !this.ed.can.facilitate;
    this.group.hidden = !othersHere(sync) && !leader;  // nobody to follow or to gather
    paintBar();
  }
}
