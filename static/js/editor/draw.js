// Drawing the board when its state changes: the renderer, then everything that follows
// what is drawn (the selection's handles and bars, remote people's marks, the side
// panel and the method's read-outs); the first fit; and the level of detail that
// follows the zoom.

import { applyOps } from "../live/state.js";
import { methodSignature } from "./sidepanel.js";

export function installDraw(ed) {
  const { sync } = ed;
  const world = document.getElementById("world");
  const rev = document.getElementById("board-rev");
  let fitted = false;

  ed.fit = (maxZoom = 1.5) => ed.viewport.fit(ed.renderer.bounds(ed.state), maxZoom);

  ed.render = () => {
    if (!sync.confirmed) return;  // keep what is shown until the server has answered
    // A card being written for the first time is shown here only (see createCard).
    const state = ed.draft ? applyOps(sync.state, [ed.draft], { by: sync.you?.user ?? null }) : sync.state;
    ed.state = state;
    ed.cardsById = new Map(state.cards.map((card) => [card.id, card]));
    ed.renderer.render(state);
    ed.announceChanges(sync.state);
    ed.title.show(state.board.title);
    rev.textContent = String(sync.rev ?? "");
    // Forget selected things that are gone.
    const alive = [...ed.selection].filter((id) => ed.cardsById.has(id));
    if (alive.length !== ed.selection.size) ed.actions.select(alive);
    if (ed.selectedArrow && !ed.renderer.arrows.has(ed.selectedArrow)) ed.actions.selectArrow(null);
    else if (ed.selectedArrow) ed.renderer.arrows.get(ed.selectedArrow).g.classList.add("is-selected");
    for (const entry of ed.presence.remote.values()) if (entry.marks.size) ed.presence.markCards(entry);
    ed.selectionDrawn();
    // What the gap analysis depends on, worked out once per render for both readers.
    const signature = methodSignature(state);
    ed.sidePanel.boardChanged(signature);
    ed.method.boardChanged(signature);
    if (!fitted) {
      fitted = true;
      ed.fit(1);
    }
    followView();
  };

  // Until the person pans or zooms, the first view follows the stage's size (the side
  // panel arrives a moment after the board).
  new ResizeObserver(() => {
    if (fitted && !ed.viewport.touched) ed.fit(1);
  }).observe(document.getElementById("stage"));

  // Level of detail follows the zoom once a pan or zoom settles: far out, arrow labels
  // and dashes go (docs/performance.md). Drawing only the arrows near the view was
  // measured too, and made pans slower: toggling them repaints the whole arrow layer.
  let lodTimer = null;
  function followView() {
    world.classList.toggle("is-far", ed.viewport.zoom < 0.45);
    world.classList.toggle("is-tiny", ed.viewport.zoom < 0.3);
  }
  ed.viewport.addEventListener("change", () => {
    clearTimeout(lodTimer);
    lodTimer = setTimeout(followView, 150);
  });
  ed.followView = followView;
}
