// The lifecycle line's phases: rename in place, recolour, move left/right, add, and
// delete with a choice of what happens to the phase's cards (2 to 8 phases).

import { schema } from "../live/schema.js";
import { newOpId } from "../live/sync.js";
import { cloneTemplate, t } from "../page/strings.js";

const PHASE_COLOURS = schema.phase.colours;
const MIN = schema.phase.min;
const MAX = schema.phase.max;

export class Phases {
  constructor(ed) {
    this.ed = ed;
    this.menu = null;
    this.dialog = document.getElementById("phase-delete-dialog");
    this.form = document.getElementById("phase-delete-form");
    this.target = document.getElementById("phase-delete-to");
    this.deleting = null;

    const line = document.getElementById("lifecycle");
    line.addEventListener("click", (event) => {
      const button = event.target.closest(".phase-menu-button");
      if (button) this.toggleMenu(button.closest(".phase-col").dataset.phaseId, button);
    });
    document.getElementById("add-phase").addEventListener("click", () => this.add());
    document.addEventListener("pointerdown", (event) => {
      if (this.menu && !event.target.closest(".phase-menu, .phase-menu-button")) this.closeMenu();
    });
    this.dialog.addEventListener("close", () => {
      if (this.dialog.returnValue === "confirm" && this.deleting) this.confirmDelete();
      this.deleting = null;
    });
  }

  phase(id) {
    return this.ed.state.phases.find((p) => p.id === id);
  }

  toggleMenu(id, button) {
    if (this.menu?.dataset.phaseId === id) {
      this.closeMenu();
      return;
    }
    this.closeMenu();
    const phase = this.phase(id);
    if (!phase) return;
    const menu = cloneTemplate("tpl-phase-menu");
    menu.dataset.phaseId = id;
    menu.setAttribute("aria-label", t("phase_options", { name: phase.name }));
    const swatches = menu.querySelector(".swatches");
    PHASE_COLOURS.forEach((colour, index) => {
      const swatch = document.createElement("button");
      swatch.type = "button";
      swatch.className = "swatch-button";
      swatch.style.background = colour;
      swatch.setAttribute("aria-label", t("colour", { name: index + 1 }));
      // Inside a menu only menu items may stand: one colour of several is a menuitemradio.
      swatch.setAttribute("role", "menuitemradio");
      swatch.setAttribute("aria-checked", String(colour === phase.colour));
      swatch.addEventListener("click", () => {
        this.ed.actions.commit([{ op: "phase.update", id, colour }]);
        this.closeMenu();
      });
      swatches.append(swatch);
    });
    this.ed.lockPhaseItem(menu, phase);
    const count = this.ed.state.phases.length;
    menu.querySelector('[data-action="left"]').disabled = phase.position === 0;
    menu.querySelector('[data-action="right"]').disabled = phase.position === count - 1;
    const remove = menu.querySelector('[data-action="delete"]');
    remove.disabled = count <= MIN;
    if (count <= MIN) remove.title = t("phase_min", { count: MIN });
    menu.addEventListener("click", (event) => {
      const action = event.target.closest("[data-action]")?.dataset.action;
      if (!action) return;
      this.closeMenu();
      if (action === "rename") this.rename(id);
      else if (action === "kpis") this.openKpis(id);
      else if (action === "lock") this.ed.togglePhaseLock(id);
      else if (action === "left" || action === "right") {
        const position = Math.max(0, phase.position + (action === "left" ? -1 : 1));
        this.ed.actions.commit([{ op: "phase.move", id, position }]);
        this.ed.renderer.phases.get(id)?.menuButton.focus();
      } else if (action === "delete") this.askDelete(id);
    });
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        this.closeMenu();
        button.focus();
      }
    });
    button.setAttribute("aria-expanded", "true");
    button.closest(".phase-header").append(menu);
    this.menu = menu;
    this.menuButton = button;
    menu.querySelector("button:not(:disabled)")?.focus();
  }

  /** Show a phase's KPIs in the side panel (until the selection changes). */
  openKpis(id) {
    this.ed.actions.select([]);
    this.ed.phaseFocus = id;
    this.ed.sidePanel.show("details");
  }

  closeMenu() {
    this.menu?.remove();
    this.menuButton?.setAttribute("aria-expanded", "false");
    this.menu = null;
  }

  /** Rename in place: the heading becomes a text field until Enter, Escape or blur. */
  rename(id) {
    const { ed } = this;
    if (!ed.canEdit) return;
    const view = ed.renderer.phases.get(id);
    const phase = this.phase(id);
    if (!view || !phase || view.header.querySelector(".phase-rename")) return;
    const input = document.createElement("input");
    input.type = "text";
    input.className = "phase-rename";
    input.maxLength = schema.phase.limits.name;
    input.value = phase.name;
    input.setAttribute("aria-label", t("phase_name"));
    view.name.hidden = true;
    view.name.after(input);
    let done = false;
    const finish = (save) => {
      if (done) return;
      done = true;
      const name = input.value.trim();
      input.remove();
      view.name.hidden = false;
      if (save && name && name !== this.phase(id)?.name) ed.actions.commit([{ op: "phase.update", id, name }]);
      view.menuButton.focus({ preventScroll: true });
    };
    input.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (event.key === "Enter" || event.key === "Escape") {
        // Focus moves to the menu button: keep this key from pressing it.
        event.preventDefault();
        finish(event.key === "Enter");
      }
    });
    input.addEventListener("blur", () => finish(true));
    input.addEventListener("pointerdown", (event) => event.stopPropagation());
    input.focus();
    input.select();
  }

  add() {
    const { ed } = this;
    const count = ed.state.phases.length;
    if (!ed.canEdit || count >= MAX) return;
    const id = newOpId();
    ed.actions.commit([{ op: "phase.create", id, name: t("new_phase"), position: count, colour: PHASE_COLOURS[count % PHASE_COLOURS.length] }]);
    if (this.phase(id)) this.rename(id);
  }

  askDelete(id) {
    const phase = this.phase(id);
    if (!phase) return;
    const others = this.ed.state.phases.filter((p) => p.id !== id).sort((a, b) => a.position - b.position);
    this.target.replaceChildren(
      ...others.map((p) => {
        const option = document.createElement("option");
        option.value = p.id;
        option.textContent = p.name;
        return option;
      }),
    );
    // Nearest neighbour by default: the phase before, or else the one after.
    const before = others.filter((p) => p.position < phase.position).pop();
    this.target.value = (before ?? others[0])?.id ?? "";
    this.form.elements.cards.value = "move";
    this.dialog.querySelector("h2").textContent = t("delete_phase_title", { name: phase.name });
    this.deleting = id;
    this.dialog.returnValue = "";
    this.dialog.showModal();
  }

  confirmDelete() {
    const id = this.deleting;
    const how = this.form.elements.cards.value;
    const op = { op: "phase.delete", id, cards: how };
    if (how === "move") op.to = this.target.value;
    // Not undoable (the server spells out what happens to the cards); sent directly.
    if (this.ed.canEdit) this.ed.sync.submit([op]);
  }
}
