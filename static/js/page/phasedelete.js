// Deleting a phase asks where its cards and KPIs go: to the phase before, to the phase
// after, or away with it (docs/protocol.md, phase.delete). The question is one <dialog>
// (templates/boards/_phase_delete.html), asked from the canvas's phase menu and from the
// outline; this turns the answer into the op.

import { number } from "./format.js";
import { t } from "./strings.js";

/** The phases next to `phaseId` in `state`: {phase, before, after} (null where none). */
export function neighbours(state, phaseId) {
  const ordered = [...state.phases].sort((a, b) => a.position - b.position);
  const index = ordered.findIndex((p) => p.id === phaseId);
  if (index === -1) return { phase: null, before: null, after: null };
  return { phase: ordered[index], before: ordered[index - 1] ?? null, after: ordered[index + 1] ?? null };
}

export class PhaseDeleteDialog {
  constructor() {
    this.dialog = document.getElementById("phase-delete-dialog");
    this.form = document.getElementById("phase-delete-form");
    this.title = document.getElementById("phase-delete-title");
    this.contents = document.getElementById("phase-delete-contents");
    this.resolve = null;
    this.choices = null;
    this.dialog.addEventListener("close", () => {
      const resolve = this.resolve;
      this.resolve = null;
      if (!resolve) return;
      resolve(this.dialog.returnValue === "confirm" ? this.op() : null);
    });
  }

  /** Ask about deleting `phaseId` of `state`: resolves with the phase.delete op to send,
   * or null if the person cancels. */
  ask(state, phaseId) {
    const { phase, before, after } = neighbours(state, phaseId);
    if (!phase) return Promise.resolve(null);
    this.choices = { id: phase.id, before, after };
    const cards = state.cards.filter((c) => c.phase === phase.id).length;
    this.title.textContent = t("delete_phase_title", { name: phase.name });
    this.contents.textContent = t("delete_phase.contents", {
      cards: number(cards),
      kpis: number((phase.kpis ?? []).length),
    });
    for (const [choice, target] of [["before", before], ["after", after]]) {
      const label = this.form.querySelector(`[data-choice="${choice}"]`);
      label.hidden = !target;
      label.querySelector("input").disabled = !target;
      if (target) label.querySelector("span").textContent = t(`delete_phase.${choice}`, { name: target.name });
    }
    // The nearest neighbour by default: the phase before, else the one after.
    this.form.elements.cards.value = before ? "before" : "after";
    this.resolve?.(null);
    this.dialog.returnValue = "";
    this.dialog.showModal();
    this.form.querySelector("input[name=cards]:checked")?.focus();
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  op() {
    const { id, before, after } = this.choices;
    const choice = this.form.elements.cards.value;
    if (choice === "delete") return { op: "phase.delete", id, cards: "delete" };
    const target = choice === "before" ? before : after;
    return target ? { op: "phase.delete", id, cards: "move", to: target.id } : null;
  }
}
