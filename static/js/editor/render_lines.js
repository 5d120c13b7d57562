// Arrows and links on the canvas, each a focusable group in one SVG layer: made when new,
// updated when their cards or words change, redrawn when an end moves. The half of the
// Renderer (render.js, which draws phases and cards) that draws lines between cards.

import { number } from "../page/format.js";
import { t } from "../page/strings.js";
import { arrowPath, direction } from "./geometry.js";

const SVG = "http://www.w3.org/2000/svg";

/** What an arrow's or link's label calls a card: its words, or its kind when it has none. */
const cardName = (card) => card.text.trim() || t(`kind.${card.kind}`);

export class LineRenderer {
  // Arrows

  renderArrows(state, pos) {
    this.renderLines(state.arrows, this.arrows, this.byCard, this.arrowLayer, {
      make: (id) => this.makeArrow(id),
      draw: (view) => this.drawArrow(view),
      update: (view, arrow, from, to) => {
        const dir = direction(from, to, pos);
        // A move back that is a return or a reactivation is a loop the method aims for.
        const loop = dir === "backward" && arrow.movement && arrow.movement !== "fall_back" ? arrow.movement : "";
        const meta = `${dir}|${loop}|${arrow.label}|${arrow.weight}|${from.text}|${to.text}|${from.kind}|${to.kind}`;
        if (view.meta === meta) return;
        view.meta = meta;
        view.g.dataset.direction = dir;
        view.g.setAttribute("class", `arrow dir-${dir}${loop ? " is-loop" : ""}`);
        view.g.dataset.movement = loop || (dir === "backward" ? "fall_back" : "");
        view.line.setAttribute("marker-end", `url(#head-${loop ? "loop" : dir})`);
        const parts = [arrow.label, arrow.weight === null || arrow.weight === undefined ? "" : number(arrow.weight)];
        const shown = parts.filter(Boolean).join(" · ");
        view.label.textContent = shown;
        // The name carries what the arrow shows too (WCAG 2.5.3, label in name).
        const said = t("arrow_label", { from: cardName(from), to: cardName(to), direction: t(`direction.${loop || dir}`) });
        view.g.setAttribute("aria-label", shown ? `${said}, ${shown}` : said);
      },
    });
  }

  /**
   * Arrows and links alike: a view per item whose two cards are on the board, indexed by
   * card (so a drag redraws only its own), made when new, updated, drawn; the views of
   * items gone are removed.
   */
  renderLines(items, views, byCard, layer, { make, update, draw }) {
    byCard.clear();
    const keep = new Set();
    for (const item of items ?? []) {
      const from = this.ed.cardsById.get(item.from);
      const to = this.ed.cardsById.get(item.to);
      if (!from || !to) continue;
      keep.add(item.id);
      for (const end of [item.from, item.to]) {
        let set = byCard.get(end);
        if (!set) byCard.set(end, (set = new Set()));
        set.add(item.id);
      }
      let view = views.get(item.id);
      if (!view) {
        view = make(item.id);
        views.set(item.id, view);
        layer.append(view.g);
      }
      update(view, item, from, to);
      view.from = item.from;
      view.to = item.to;
      draw(view);
    }
    for (const [id, view] of views) {
      if (!keep.has(id)) {
        view.g.remove();
        views.delete(id);
      }
    }
  }

  /** A focusable group with a wide invisible path to hit and the path people see. */
  makeLineView(lineClass) {
    const g = document.createElementNS(SVG, "g");
    g.setAttribute("role", "button");
    g.setAttribute("tabindex", "0");
    const hit = document.createElementNS(SVG, "path");
    hit.setAttribute("class", "arrow-hit");
    const line = document.createElementNS(SVG, "path");
    line.setAttribute("class", lineClass);
    return { g, hit, line };
  }

  makeArrow(id) {
    const { g, hit, line } = this.makeLineView("arrow-line");
    g.dataset.arrowId = id;
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("class", "arrow-label");
    label.setAttribute("text-anchor", "middle");
    g.append(hit, line, label);
    return { g, hit, line, label, meta: "", geo: "", from: null, to: null };
  }

  /** The boxes of a line's two cards if it needs drawing (new, or an end moved), else null. */
  endsToDraw(view) {
    const a = this.rectOf(view.from);
    const b = this.rectOf(view.to);
    if (!a || !b) return null;
    const geo = `${a.x},${a.y},${a.w},${a.h},${b.x},${b.y},${b.w},${b.h}`;
    if (geo === view.geo) return null;
    view.geo = geo;
    return { a, b };
  }

  drawArrow(view) {
    const ends = this.endsToDraw(view);
    if (!ends) return;
    const { a, b } = ends;
    const { d, mx, my } = arrowPath(a, b);
    view.hit.setAttribute("d", d);
    view.line.setAttribute("d", d);
    view.label.setAttribute("x", mx.toFixed(1));
    view.label.setAttribute("y", (my - 6).toFixed(1));
  }

  // Links: "this activity serves that touchpoint", drawn as a quiet dotted line that ends
  // in a dot on the touchpoint, under the arrows (which say how customers move).

  renderLinks(state) {
    this.renderLines(state.links, this.links, this.linksByCard, this.linkLayer, {
      make: (id) => this.makeLink(id),
      draw: (view) => this.drawLink(view),
      update: (view, link, from, to) => {
        const label = t("link_label", { from: cardName(from), to: cardName(to) });
        if (view.g.getAttribute("aria-label") !== label) view.g.setAttribute("aria-label", label);
      },
    });
  }

  makeLink(id) {
    const { g, hit, line } = this.makeLineView("link-line");
    g.dataset.linkId = id;
    g.setAttribute("class", "link");
    const dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("class", "link-dot");
    dot.setAttribute("r", "4.5");
    g.append(hit, line, dot);
    return { g, hit, line, dot, geo: "", from: null, to: null };
  }

  drawLink(view) {
    const ends = this.endsToDraw(view);
    if (!ends) return;
    const { a, b } = ends;
    // Centre to centre, clipped to the cards' edges: links are short and local.
    const ac = { x: a.x + a.w / 2, y: a.y + a.h / 2 };
    const bc = { x: b.x + b.w / 2, y: b.y + b.h / 2 };
    const start = clip(a, bc);
    const end = clip(b, ac);
    const d = `M${start.x.toFixed(1)} ${start.y.toFixed(1)}L${end.x.toFixed(1)} ${end.y.toFixed(1)}`;
    view.hit.setAttribute("d", d);
    view.line.setAttribute("d", d);
    view.dot.setAttribute("cx", end.x.toFixed(1));
    view.dot.setAttribute("cy", end.y.toFixed(1));
  }

  redrawArrowsOf(ids) {
    for (const id of ids) {
      for (const linkId of this.linksByCard.get(id) ?? []) {
        const view = this.links.get(linkId);
        if (view) this.drawLink(view);
      }
    }
    const done = new Set();
    for (const id of ids) {
      for (const arrowId of this.byCard.get(id) ?? []) {
        if (done.has(arrowId)) continue;
        done.add(arrowId);
        const view = this.arrows.get(arrowId);
        if (view) this.drawArrow(view);
      }
    }
  }

  /** Every arrow again (phases moved, so absolute positions changed). */
  redrawAllArrows() {
    for (const view of this.arrows.values()) this.drawArrow(view);
    for (const view of this.links.values()) this.drawLink(view);
  }
}

/** Where the segment from the centre of `rect` towards `point` leaves the rectangle. */
function clip(rect, point) {
  const cx = rect.x + rect.w / 2;
  const cy = rect.y + rect.h / 2;
  const dx = point.x - cx;
  const dy = point.y - cy;
  if (!dx && !dy) return { x: cx, y: cy };
  const scale = Math.min(
    dx ? rect.w / 2 / Math.abs(dx) : Number.POSITIVE_INFINITY,
    dy ? rect.h / 2 / Math.abs(dy) : Number.POSITIVE_INFINITY,
  );
  return { x: cx + dx * Math.min(scale, 1), y: cy + dy * Math.min(scale, 1) };
}
