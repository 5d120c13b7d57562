// The toolbar (a card of each kind, undo, redo), the zoom bar, and the hint line under
// them that says what a click will do next.

import { t } from "../page/strings.js";
import { showToast } from "../page/toast.js";

export function installToolbar(ed) {
  const $ = (id) => document.getElementById(id);
  const hint = $("hint");
  const undo = $("undo");
  const redo = $("redo");
  let hintTimer = null;

  /** Show `text` in the hint line (for `ms` milliseconds, or until replaced). */
  ed.showHint = (text, ms = 0) => {
    clearTimeout(hintTimer);
    hint.textContent = text;
    hint.hidden = !text;
    if (ms) hintTimer = setTimeout(() => ed.showHint(""), ms);
  };
  ed.undoLast = () => {
    if (ed.canEdit && !ed.undo.undo()) ed.showHint(t("nothing_to_undo"), 2500);
  };
  ed.redo = () => {
    if (ed.canEdit) ed.undo.redo();
  };

  for (const button of document.querySelectorAll(".kind-tool")) {
    button.addEventListener("click", () => ed.actions.createCard(button.dataset.kind, ed.actions.newCardSpot()));
  }
  undo.addEventListener("click", () => ed.undoLast());
  redo.addEventListener("click", () => ed.redo());
  ed.undo.addEventListener("blocked", (event) => {
    showToast(t(event.detail.partly ? "undo_partly" : "undo_blocked"));
  });
  ed.undo.addEventListener("change", () => {
    undo.disabled = ed.undo.done.length === 0;
    redo.disabled = ed.undo.undone.length === 0;
  });
  $("zoom-in").addEventListener("click", () => ed.viewport.zoomStep(1.25));
  $("zoom-out").addEventListener("click", () => ed.viewport.zoomStep(0.8));
  $("zoom-reset").addEventListener("click", () => ed.viewport.zoomAt(1));
  $("zoom-fit").addEventListener("click", () => ed.fitReadable());
}
