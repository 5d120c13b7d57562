// Drawing the board when its state changes: the renderer, then everything that follows
// what is drawn (the selection's handles and bars, remote people's marks, the side
// panel and the method's read-outs); the first fit; and the level of detail that
// follows the zoom.

import { applyOps } from "../live/state.js";
import { COLUMN } from "./geometry.js";
import { methodSignature } from "./sidepanel.js";

export function installDraw(ed) {
  const { sync } = ed;
  const world = document.getElementById("world");
  const rev = document.getElementById("board-rev");
  let fitted = false;

  ed.fit = (maxZoom = 1.5) => ed.viewport.fit(ed.renderer.bounds(ed.state), maxZoom);
  // "Fit board" (and Shift+1): whole phases at a readable size, the rest a pan away.
  ed.fitReadable = () =>
    ed.viewport.fitPhases(ed.renderer.bounds(ed.state), {
      count: Math.max(1, ed.state.phases.length),
      column: COLUMN,
      maxZoom: 1,
    });

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
    ed.showLocks();
    ed.showVotes();
    // What the gap analysis depends on, worked out once per render for both readers.
    const signature = methodSignature(state);
    ed.sidePanel.boardChanged(signature);
    ed.method.boardChanged(signature);
    if (!fitted) {
      fitted = true;
      firstView();
    }
    followView();
    ed.pinHeaders();
    ed.placeLegend();
  };

  // The first view: the whole board; on a phone, where that would be a blur (14 %), the
  // first phase at a readable size instead.
  function firstView() {
    if (ed.viewport.element.getBoundingClientRect().width < 600) {
      ed.fitReadable();
      ed.viewport.touched = false;
    } else {
      ed.fit(1);
    }
  }

  // Until the person pans or zooms, the first view follows the stage's size (the side
  // panel arrives a moment after the board).
  new ResizeObserver(() => {
    if (fitted && !ed.viewport.touched) firstView();
  }).observe(document.getElementById("stage"));

  // Level of detail follows the zoom once a pan or zoom settles: far out, arrow labels
  // go, lines keep their width and dashes on screen (docs/performance.md). Drawing only the arrows near the view was
  // measured too, and made pans slower: toggling them repaints the whole arrow layer.
  let lodTimer = null;
  function followView() {
    world.classList.toggle("is-far", ed.viewport.zoom < 0.45);
    world.classList.toggle("is-tiny", ed.viewport.zoom < 0.3);
    // Lines and their dash patterns keep their size on screen as the zoom goes down
    // (editor.css), so the kinds of arrow stay apart without colour.
    const zoom = ed.viewport.zoom;
    world.style.setProperty("--dash-scale", String(Math.max(1, 1 / zoom)));
    world.style.setProperty("--line-scale", String(Math.min(3, Math.max(1, 0.8 / zoom))));
  }
  // Phase headers and their KPI chips stay pinned under the toolbar while the board is
  // panned down: moved (a transform on each, a handful of elements) every frame the view
  // changes, so it never shows a board without its phases.
  const HEADER_TOP = -100;  // board units: .phase-header's top in editor.css
  let pinned = -1;
  function pinHeaders() {
    const vp = ed.viewport;
    const toolbar = document.getElementById("toolbar");
    const box = vp.element.getBoundingClientRect();
    const bar = toolbar.getBoundingClientRect();
    const below = bar.height && getComputedStyle(toolbar).position === "absolute" ? bar.bottom - box.top + 8 : 8;
    const pin = Math.max(0, (below - (vp.y + HEADER_TOP * vp.zoom)) / vp.zoom);
    if (Math.abs(pin - pinned) < 0.5 && !(pin > 0 && pinned <= 0)) return;
    pinned = pin;
    const shift = pin > 0 ? `translateY(${pin.toFixed(1)}px)` : "";
    for (const view of ed.renderer.phases.values()) {
      view.header.style.transform = shift;
      view.kpis.style.transform = shift;
    }
    world.classList.toggle("is-pinned", pin > 0);
  }
  ed.pinHeaders = () => {
    pinned = -1;
    pinHeaders();
  };
  ed.viewport.addEventListener("change", () => {
    pinHeaders();
    clearTimeout(lodTimer);
    lodTimer = setTimeout(() => {
      followView();
      ed.placeLegend({ moved: true });
    }, 150);
  });
  ed.followView = followView;
}
