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

  // The first view: the whole board when it fits at a readable size; otherwise the first
  // phases at a readable size (a four-phase board on a laptop: two phases at 100 %, not
  // all four at 50 % with 7 px text), the rest a pan or "Fit board" away.
  function firstView() {
    ed.viewport.fitPhases(ed.renderer.bounds(ed.state), {
      count: Math.max(1, ed.state.phases.length),
      column: COLUMN,
      maxZoom: 1,
      fromStart: true,
    });
    ed.viewport.touched = false;
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
  // panned down, and stay legible when zoomed out: moved and scaled (a transform on each,
  // a handful of elements) every frame the view changes, so it never shows a board
  // without its phases. Below 85 % they grow (up to 2.2×, into the room above the board),
  // so names and KPI chips stay about 10 px and more on screen down to 40 %; their width
  // shrinks to keep the column's, and the header drops its card count and coverage
  // (both in the Gaps tab) to leave the name room.
  const HEADER_TOP = -100;  // board units: .phase-header's top in editor.css
  const HEADER_HEIGHT = 52;
  let pinned = -1;
  let scaled = 1;
  let kpiRow = 0;  // board units: the height of a row of KPI chips, measured per render
  function pinHeaders() {
    const vp = ed.viewport;
    const toolbar = document.getElementById("toolbar");
    const box = vp.element.getBoundingClientRect();
    const bar = toolbar.getBoundingClientRect();
    const below = bar.height && getComputedStyle(toolbar).position === "absolute" ? bar.bottom - box.top + 8 : 8;
    const scale = Math.round(Math.min(2.2, Math.max(1, 0.85 / vp.zoom)) * 20) / 20;
    const lift = kpiRow * (scale - 1);
    const top = HEADER_TOP - lift - HEADER_HEIGHT * (scale - 1);  // the grown header's top
    const pin = Math.max(0, (below - (vp.y + top * vp.zoom)) / vp.zoom);
    if (Math.abs(pin - pinned) < 0.5 && scale === scaled && !(pin > 0 && pinned <= 0)) return;
    pinned = pin;
    scaled = scale;
    const grow = scale > 1 ? ` scale(${scale})` : "";
    const header = pin > 0 || scale > 1 ? `translateY(${(pin - lift).toFixed(1)}px)${grow}` : "";
    const kpis = pin > 0 || scale > 1 ? `translateY(${pin.toFixed(1)}px)${grow}` : "";
    world.style.setProperty("--label-scale", String(scale));
    for (const view of ed.renderer.phases.values()) {
      view.header.style.transform = header;
      view.kpis.style.transform = kpis;
    }
    world.classList.toggle("is-pinned", pin > 0);
    world.classList.toggle("is-grown", scale > 1);
  }
  ed.pinHeaders = () => {
    kpiRow = Math.max(0, ...[...ed.renderer.phases.values()].map((view) => view.kpis.offsetHeight));
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
