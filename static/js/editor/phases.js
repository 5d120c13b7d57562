// The lifecycle line's phases: rename in place, recolour, move left/right, add, and
// delete with a choice of where the phase's cards and KPIs go (2 to 8 phases).

import { schema } from "../live/schema.js";
import { newOpId } from "../live/sync.js";
import { PhaseDeleteDialog } from "../page/phasedelete.js";
import { cloneTemplate, t } from "../page/strings.js";

const PHASE_COLOURS = schema.phase.colours;
const MIN = schema.phase.min;
const MAX = schema.phase.max;

export class Phases {
  constructor(ed) {
    this.ed = ed;
    this.menu = null;
    this.deleteDialog = new PhaseDeleteDialog();

    const line = document.getElementById("lifecycle");
    line.addEventListener("click", (event) => {
      const button = event.target.closest(".phase-menu-button");
      if (button) this.toggleMenu(button.closest(".phase-col").dataset.phaseId, button);
    });
    document.getElementById("add-phase").addEventListener("click", () => this.add());
    document.addEventListener("pointerdown", (event) => {
      if (this.menu && !event.target.closest(".phase-menu, .phase-menu-button")) this.closeMenu();
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
    if (!ed.canEdit || ed.guest) return;
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
    if (!ed.canEdit || ed.guest || count >= MAX) return;
    const id = newOpId();
    ed.actions.commit([{ op: "phase.create", id, name: t("new_phase"), position: count, colour: PHASE_COLOURS[count % PHASE_COLOURS.length] }]);
    if (this.phase(id)) this.rename(id);
  }

  async askDelete(id) {
    const op = await this.deleteDialog.ask(this.ed.state, id);
    // Through the undo stack: undo brings the phase back whole (./phaseundo.js).
    if (!op || !this.ed.canEdit) {
      this.ed.renderer.phases.get(id)?.menuButton.focus();
      return;
    }
    this.ed.actions.commit([op]);
    // The phase is gone: the keyboard goes to where its cards went (or the first phase).
    const next = op.to ?? this.ed.state.phases[0]?.id;
    this.ed.renderer.phases.get(next)?.menuButton.focus({ preventScroll: true });
  }
}
