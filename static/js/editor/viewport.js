// Pan and zoom: one CSS transform on the world layer, nothing else moves.

import { percent } from "../page/format.js";

const MIN_ZOOM = 0.1;
const MAX_ZOOM = 3;
// The least zoom "Fit board" goes to: card text about 11 px on screen, KPI chips 8 px.
export const READABLE_ZOOM = 0.75;

export class Viewport extends EventTarget {
  constructor(element, world, label, toolbar = null) {
    super();
    this.element = element;
    this.world = world;
    this.label = label;
    this.toolbar = toolbar;  // floats over the canvas's top edge
    this.x = 40;  // screen position of board point (0, 0)
    this.y = 180;  // below the toolbar, with room for the phase headers above y = 0
    this.zoom = 1;
    this.frame = 0;
    // Focus may scroll the viewport (it is overflow: hidden, not unscrollable): undo that
    // and pan instead, so the transform stays the only source of truth.
    element.addEventListener("scroll", () => {
      if (element.scrollLeft || element.scrollTop) {
        this.x -= element.scrollLeft;
        this.y -= element.scrollTop;
        element.scrollLeft = 0;
        element.scrollTop = 0;
        this.apply();
      }
    });
  }

  apply() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.world.style.transform = `translate(${this.x}px, ${this.y}px) scale(${this.zoom})`;
      this.label.textContent = percent(this.zoom);
      this.dispatchEvent(new Event("change"));
    });
  }

  /** Board point under a client (screen) point. */
  toBoard(clientX, clientY) {
    const box = this.element.getBoundingClientRect();
    return { x: (clientX - box.left - this.x) / this.zoom, y: (clientY - box.top - this.y) / this.zoom };
  }

  /** Client point of a board point. */
  toClient(x, y) {
    const box = this.element.getBoundingClientRect();
    return { x: box.left + this.x + x * this.zoom, y: box.top + this.y + y * this.zoom };
  }

  centre() {
    const box = this.element.getBoundingClientRect();
    return this.toBoard(box.left + box.width / 2, box.top + box.height / 2);
  }

  panBy(dx, dy) {
    this.touched = true;
    this.x += dx;
    this.y += dy;
    this.apply();
  }

  /** Zoom to `zoom`, keeping the board point under client (cx, cy) where it is. */
  zoomAt(zoom, clientX, clientY) {
    this.touched = true;
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
    const box = this.element.getBoundingClientRect();
    const px = clientX ?? box.left + box.width / 2;
    const py = clientY ?? box.top + box.height / 2;
    const board = this.toBoard(px, py);
    this.zoom = next;
    this.x = px - box.left - board.x * next;
    this.y = py - box.top - board.y * next;
    this.apply();
  }

  zoomStep(factor, clientX, clientY) {
    this.zoomAt(this.zoom * factor, clientX, clientY);
  }

  /** Show the rectangle {x, y, w, h} (board units) whole, at most at `maxZoom`. */
  fit(rect, maxZoom = MAX_ZOOM, margin = 48) {
    const box = this.element.getBoundingClientRect();
    // Below the toolbar, which takes two rows where a language's words are long (German,
    // Swedish): the phase headers, with their KPIs, must not hide behind it.
    const below = this.toolbar ? this.toolbar.getBoundingClientRect().bottom - box.top + 12 : 0;
    const top = Math.max(margin, below);
    const zoom = Math.min(
      maxZoom,
      (box.width - margin * 2) / Math.max(rect.w, 1),
      (box.height - top - margin) / Math.max(rect.h, 1),
    );
    this.zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
    this.x = (box.width - rect.w * this.zoom) / 2 - rect.x * this.zoom;
    this.y = top - rect.y * this.zoom;
    this.apply();
  }

  /**
   * "Fit board": as many whole phase columns (`column` board units wide, `count` of them)
   * as fit the width at a readable zoom, from the first phase (or, when the view is
   * readable already, from the phases around its centre); the rest are a pan away. The whole board when it fits readably.
   */
  fitPhases(rect, { count, column, maxZoom = 1.5, fromStart = false }) {
    const box = this.element.getBoundingClientRect();
    const margin = Math.min(48, box.width * 0.04);
    const below = this.toolbar ? this.toolbar.getBoundingClientRect().bottom - box.top + 12 : 0;
    const top = Math.max(margin, below);
    const room = box.width - margin * 2;
    const whole = Math.min(maxZoom, room / Math.max(rect.w, 1), (box.height - top - margin) / Math.max(rect.h, 1));
    if (whole >= READABLE_ZOOM) {
      this.fit(rect, maxZoom);
      return;
    }
    const shown = Math.max(1, Math.min(count, Math.floor(room / (column * READABLE_ZOOM))));
    const zoom = Math.min(maxZoom, Math.max(room / (shown * column), Math.min(READABLE_ZOOM, room / column)));
    // From an overview, the journey's start; from a readable view, the phases around its centre.
    const centre = this.centre();
    const around = Math.floor(centre.x / column - shown / 2 + 0.5);
    const first = fromStart || this.zoom < READABLE_ZOOM ? 0 : Math.max(0, Math.min(count - shown, around));
    this.touched = true;
    this.zoom = zoom;
    this.x = margin - first * column * zoom;
    this.y = top - rect.y * zoom;
    this.apply();
  }

  /** Pan so that the board rectangle is in view (for keyboard focus). */
  reveal(rect, margin = 40) {
    const box = this.element.getBoundingClientRect();
    const left = this.x + rect.x * this.zoom;
    const top = this.y + rect.y * this.zoom;
    const right = left + rect.w * this.zoom;
    const bottom = top + rect.h * this.zoom;
    let dx = 0;
    let dy = 0;
    if (left < margin) dx = margin - left;
    else if (right > box.width - margin) dx = box.width - margin - right;
    if (top < margin) dy = margin - top;
    else if (bottom > box.height - margin) dy = box.height - margin - bottom;
    if (dx || dy) this.panBy(dx, dy);
  }
}
