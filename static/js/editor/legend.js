// The legend in the canvas's bottom dock never covers a card: when the view settles with
// a card under it, or while a selection's toolbar shows above it, it steps aside to a
// "Legend" button; pressed, the legend shows until the view moves on. Checked after each
// drawing, when the selection changes and when a pan or zoom settles.

export function installLegend(ed) {
  const legend = document.getElementById("legend");
  const toggle = document.getElementById("legend-toggle");
  if (!legend || !toggle) return;
  let asked = false;  // opened by the person: stays until the view moves

  function show(open) {
    legend.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
  }

  /** Whether the legend's box, in board units, meets any card. */
  function covers() {
    const box = legend.getBoundingClientRect();
    if (!box.width) return false;
    const a = ed.viewport.toBoard(box.left, box.top);
    const b = ed.viewport.toBoard(box.right, box.bottom);
    for (const id of ed.cardsById.keys()) {
      const r = ed.renderer.rectOf(id);
      if (r && r.x < b.x && r.x + r.w > a.x && r.y < b.y && r.y + r.h > a.y) return true;
    }
    return false;
  }

  ed.placeLegend = ({ moved = false } = {}) => {
    if (moved) asked = false;
    if (asked) return;
    // Measure where it would be, open, then decide.
    // While a selection's toolbar shows above it, the legend steps aside too, so that
    // the two together do not take the lower third of a laptop's canvas.
    const bar = document.getElementById("selbar");
    const arrowbar = document.getElementById("arrowbar");
    if ((bar && !bar.hidden) || (arrowbar && !arrowbar.hidden)) {
      show(false);
      return;
    }
    show(true);
    show(!covers());
  };

  toggle.addEventListener("click", () => {
    asked = true;
    show(true);
    legend.querySelector("li")?.scrollIntoView?.({ block: "nearest" });
  });
}
