// The side panel: server-rendered htmx fragments (boards/panels.py) under four tabs.
//
// - Details follows the selection: the selected card's details, or the board's settings
//   (reloaded when the board's revision moves, like Gaps and Strategy below). A card's
//   form follows live edits: a field the person has not touched shows the card as it is
//   now (while they work in the form, in place), and a save posts only what they
//   changed (each field posts what the panel showed as initial-<name>; a changed text
//   is merged with what was typed meanwhile: boards/forms.py, CardPanelForm.changes).
// - Gaps and Strategy are the lifecycle method's read-outs; they are reloaded when the
//   board changes in a way that can change them (kinds, phases, channels, links, arrows,
//   KPIs), at most every 800 ms, and never while someone types in them.
// - People lists the organisation and marks who is on the board right now.
//
// The panel can only show what the server has committed: a card still in the unsent
// queue (made offline) waits for its ack.

import { t } from "../page/strings.js";

const REFRESH_MS = 800;

export class SidePanel {
  constructor(ed, { panel, tabs }) {
    this.ed = ed;
    this.panel = panel;
    this.tabs = [...tabs.querySelectorAll("[role=tab]")];
    this.tab = "details";
    this.loaded = null;  // key of what the panel shows
    this.cardKey = "";   // the selected card's drawn key, to notice its changes
    this.signature = "";
    this.timer = null;
    this.refreshTimer = null;
    for (const button of this.tabs) {
      button.addEventListener("click", () => this.show(button.dataset.tab));
    }
    tabs.addEventListener("keydown", (event) => this.keyNav(event));
    // After a swap, mark the people present (the People tab), and show a card as the
    // page knows it: the server may have answered before an edit made here reached it.
    panel.addEventListener("htmx:afterSwap", () => {
      this.markPresent();
      if (this.loaded?.startsWith("card:")) this.followCard(this.loaded.slice("card:".length));
    });
    // A refresh that comes back after someone started typing in the panel (a KPI
    // reading, an action to plan) or sent one of its forms would wipe what they typed,
    // or the answer to what they sent: keep the panel; that answer is the newer one.
    this.posts = 0;
    panel.addEventListener("htmx:beforeRequest", (event) => {
      if (event.detail.requestConfig?.verb !== "get") this.posts += 1;
    });
    panel.addEventListener("htmx:beforeSwap", (event) => {
      if (!this.refreshing || event.detail.requestConfig?.verb !== "get") return;
      this.refreshing = false;
      if (this.typing() || this.posts !== this.postsAtRefresh) event.detail.shouldSwap = false;
    });
  }

  show(tab, { focus = false } = {}) {
    this.tab = tab;
    for (const button of this.tabs) {
      const selected = button.dataset.tab === tab;
      button.setAttribute("aria-selected", String(selected));
      button.tabIndex = selected ? 0 : -1;
      if (selected) {
        this.panel.setAttribute("aria-labelledby", button.id);
        if (focus) button.focus();
      }
    }
    this.loaded = null;
    this.load();
  }

  keyNav(event) {
    const index = this.tabs.findIndex((b) => b.dataset.tab === this.tab);
    let next = null;
    if (event.key === "ArrowRight") next = (index + 1) % this.tabs.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + this.tabs.length) % this.tabs.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = this.tabs.length - 1;
    if (next === null) return;
    event.preventDefault();
    this.show(this.tabs[next].dataset.tab, { focus: true });
  }

  serverHas(id) {
    return Boolean(this.ed.sync.confirmed?.cards.some((card) => card.id === id));
  }

  /** What the panel should show now: a key, and the URL that renders it. */
  wanted() {
    const base = `/boards/${this.ed.boardId}`;
    if (this.tab === "gaps") return { key: "gaps", url: `${base}/panel/gaps/` };
    if (this.tab === "strategy") return { key: "strategy", url: `${base}/panel/strategy/` };
    if (this.tab === "people") return { key: "people", url: `${base}/panel/people/` };
    const { selection } = this.ed;
    if (this.ed.phaseFocus) return { key: `phase:${this.ed.phaseFocus}`, url: `${base}/panel/phases/${this.ed.phaseFocus}/` };
    if (selection.size === 0) return { key: "board", url: `${base}/panel/board/` };
    if (selection.size > 1) return { key: null };
    const id = [...selection][0];
    if (!this.serverHas(id)) return { key: "unsaved" };
    return { key: `card:${id}`, url: `${base}/panel/cards/${id}/` };
  }

  load({ force = false } = {}) {
    const { key, url } = this.wanted();
    if (key === null || (key === this.loaded && !force)) return;
    if (key !== this.loaded) clearTimeout(this.refreshTimer);
    this.loaded = key;
    clearTimeout(this.timer);
    if (key === "unsaved") {
      const note = document.createElement("p");
      note.className = "muted panel-note";
      note.textContent = t("panel_unsaved");
      this.panel.replaceChildren(note);
      return;
    }
    this.timer = setTimeout(() => {
      if (!globalThis.htmx) return;
      this.refreshing = force;
      this.postsAtRefresh = this.posts;
      Promise.resolve(htmx.ajax("GET", url, { target: "#side-panel", swap: "innerHTML" })).catch(() => {});
    }, force ? 0 : 120);
  }

  /** The selection changed. */
  selectionChanged() {
    if (this.tab !== "details") return;
    this.load();
  }

  /** Someone lost or gained the right to edit: the panel shows what the role allows. */
  roleChanged() {
    this.loaded = null;
    this.load();
  }

  /** The board was drawn again: reload what the change makes stale. `signature` is
   * methodSignature(state). */
  boardChanged(signature) {
    if (this.tab === "details") {
      if (this.loaded === "board" || this.loaded?.startsWith("phase:")) {
        // The board's settings (title, revision, phases) or a phase's: someone else's
        // change must not leave a stale form here, whose next save would undo it.
        this.refreshOn(`rev:${this.ed.sync.rev}`);
        return;
      }
      const id = this.ed.selection.size === 1 ? [...this.ed.selection][0] : null;
      if (this.loaded === "unsaved" && id && this.serverHas(id)) this.load();
      const key = id ? this.ed.renderer.cards.get(id)?.key ?? "" : "";
      if (this.loaded === `card:${id}`) this.followCard(id);
      if (key !== this.cardKey) {
        const changed = this.cardKey !== "" && key !== "" && this.loaded === `card:${id}`;
        this.cardKey = key;
        if (!changed) return;
        // Someone changed the card: draw it again, unless the person is busy in its
        // form; then the fields they have not touched follow the change in place.
        if (this.typing() || this.formTouched()) this.followCard(id);
        else this.load({ force: true });
      }
      return;
    }
    if (this.tab === "gaps" || this.tab === "strategy") this.refreshOn(signature);
  }

  /** Reload what the panel shows once `signature` has changed, at most every
   * REFRESH_MS, and not while someone types in it. */
  refreshOn(signature) {
    if (signature === this.signature) return;
    this.signature = signature;
    clearTimeout(this.refreshTimer);
    const shown = this.loaded;
    this.refreshTimer = setTimeout(() => {
      // Only what was stale: if the panel shows something else by now, leave it be.
      if (this.loaded === shown && !this.typing() && !document.hidden) this.load({ force: true });
    }, REFRESH_MS);
  }

  /** The card form's fields the person has not changed (each posts, hidden, the value
   * the panel showed as initial-<name>): set to what `id` holds now, shown and hidden,
   * so the panel shows the live card and a save sends only what the person changed. */
  followCard(id) {
    const card = this.ed.sync.state.cards.find((c) => c.id === id);
    const form = this.panel.querySelector(`[data-card-id="${id}"] form.jm-panel-form`);
    if (!card || !form) return;
    for (const [name, shown] of this.fields(form)) {
      const field = form.elements[name];
      if (!(name in card) || field === document.activeElement || field.value !== shown.value) continue;
      const value = card[name] === null ? "" : String(card[name]);
      if ([...(field.options ?? [])].length && ![...field.options].some((o) => o.value === value)) {
        continue;  // a choice this form does not offer (a KPI of another phase): leave it
      }
      field.value = value;
      shown.value = value;
    }
  }

  /** [name, hidden initial input] of the card form's fields. */
  fields(form) {
    return [...form.querySelectorAll("input[type=hidden][name^='initial-']")]
      .map((hidden) => [hidden.name.slice("initial-".length), hidden])
      .filter(([name]) => form.elements[name]);
  }

  /** Whether the person changed a field of the card form without saving it. */
  formTouched() {
    const form = this.panel.querySelector("[data-card-id] form.jm-panel-form");
    return Boolean(form) && this.fields(form).some(([name, shown]) => form.elements[name].value !== shown.value);
  }

  typing() {
    return this.panel.contains(document.activeElement) && document.activeElement.matches("input, textarea, select");
  }

  markPresent() {
    const here = new Set([...this.ed.sync.people.values()].map((p) => String(p.user)));
    if (this.ed.sync.you) here.add(String(this.ed.sync.you.user));
    for (const row of this.panel.querySelectorAll("[data-user-id]")) {
      const present = here.has(row.dataset.userId);
      row.classList.toggle("is-present", present);
      const badge = row.querySelector("[data-present]");
      if (badge) badge.hidden = !present;
    }
  }
}

/** What the gap analysis and the strategy list depend on: not positions or text. */
export function methodSignature(state) {
  const parts = [];
  for (const p of state.phases) parts.push(`p${p.id}:${p.position}:${p.name}:${JSON.stringify(p.kpis)}`);
  for (const c of state.cards) {
    parts.push(`c${c.id}:${c.kind}:${c.phase}:${c.channel}:${c.priority ?? ""}:${c.owner ?? ""}:${c.kpi ?? ""}:${c.status ?? ""}:${c.due ?? ""}`);
    if (c.kind === "touchpoint" || c.kind === "opportunity") parts.push(c.text);
  }
  for (const a of state.arrows) parts.push(`a${a.id}:${a.from}:${a.to}:${a.weight}:${a.label}:${a.movement}`);
  for (const l of state.links ?? []) parts.push(`l${l.id}:${l.from}:${l.to}`);
  return parts.join("|");
}
