// The legend in the canvas's bottom dock never covers a card: when the view settles with
// a card under it, it steps aside to a "Legend" button; pressed, the legend shows until
// the view moves on. Checked after each drawing and when a pan or zoom settles.

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
    show(true);
    show(!covers());
  };

  toggle.addEventListener("click", () => {
    asked = true;
    show(true);
    legend.querySelector("li")?.scrollIntoView?.({ block: "nearest" });
  });
}
