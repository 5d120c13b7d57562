// Draws the board state: phase columns (a list), cards (positioned in their column),
// arrows (one SVG). Keyed by id and re-rendering only what changed, so a board of
// thousands of cards stays cheap to update. User text goes in with textContent only.

import { schema } from "../live/schema.js";
import { cloneTemplate, HEX_COLOUR, t } from "../page/strings.js";
import { number } from "../page/format.js";
import { arrowPath, cardRect, COLUMN, direction, positions } from "./geometry.js";

const SVG = "http://www.w3.org/2000/svg";
const MIN_LANE = 900;

/** What an arrow's or link's label calls a card: its words, or its kind when it has none. */
const cardName = (card) => card.text.trim() || t(`kind.${card.kind}`);

export class Renderer {
  constructor(ed) {
    this.ed = ed;
    this.line = document.getElementById("lifecycle");
    this.lanes = document.getElementById("lanes");
    this.loose = document.getElementById("loose");
    this.arrowLayer = document.getElementById("arrow-layer");
    this.linkLayer = document.getElementById("link-layer");
    this.addPhase = document.getElementById("add-phase");
    this.phases = new Map();  // id -> view
    this.cards = new Map();   // id -> view
    this.arrows = new Map();  // id -> view
    this.byCard = new Map();  // card id -> Set of arrow ids
    this.links = new Map();   // id -> view
    this.linksByCard = new Map();  // card id -> Set of link ids
    this.takenOver = false;
    this.laneHeight = MIN_LANE;
  }

  render(state) {
    if (!this.takenOver) {
      this.line.replaceChildren();
      this.takenOver = true;
    }
    const pos = positions(state);
    this.ed.pos = pos;
    this.renderPhases(state);
    this.renderCards(state, pos);
    this.renderArrows(state, pos);
    this.renderLinks(state);
  }

  // Phases

  renderPhases(state) {
    const counts = new Map();
    let bottom = 0;
    for (const card of state.cards) {
      counts.set(card.phase, (counts.get(card.phase) ?? 0) + 1);
      bottom = Math.max(bottom, card.y + card.h);
    }
    this.laneHeight = Math.max(MIN_LANE, bottom + 320);
    const keep = new Set(state.phases.map((p) => p.id));
    for (const [id, view] of this.phases) {
      if (!keep.has(id)) {
        view.li.remove();
        view.lane.remove();
        this.phases.delete(id);
      }
    }
    const sorted = [...state.phases].sort((a, b) => a.position - b.position);
    sorted.forEach((phase, index) => {
      let view = this.phases.get(phase.id);
      if (!view) {
        view = this.makePhase(phase.id);
        this.phases.set(phase.id, view);
      }
      const colour = HEX_COLOUR.test(phase.colour) ? phase.colour : "#e5e7eb";
      view.li.style.left = `${index * COLUMN}px`;
      view.li.style.height = `${this.laneHeight}px`;
      view.lane.style.left = `${index * COLUMN}px`;
      view.lane.style.height = `${this.laneHeight}px`;
      view.li.style.setProperty("--phase", colour);
      view.lane.style.setProperty("--phase", colour);
      view.li.dataset.position = String(index);
      view.step.textContent = String(index + 1);
      if (view.name.textContent !== phase.name) view.name.textContent = phase.name;
      view.count.textContent = number(counts.get(phase.id) ?? 0);
      view.menuButton.setAttribute("aria-label", t("phase_options", { name: phase.name }));
      if (this.line.children[index] !== view.li) this.line.insertBefore(view.li, this.line.children[index] ?? null);
      if (!view.lane.isConnected) this.lanes.append(view.lane);
    });
    this.addPhase.style.left = `${sorted.length * COLUMN + 24}px`;
    const full = sorted.length >= schema.phase.max;
    this.addPhase.disabled = full;
    this.addPhase.title = full ? t("phase_max", { count: number(schema.phase.max) }) : "";
  }

  makePhase(id) {
    const li = cloneTemplate("tpl-phase");
    li.dataset.phaseId = id;
    const name = li.querySelector(".phase-name");
    name.id = `phase-name-${id}`;
    li.setAttribute("aria-labelledby", name.id);
    const lane = document.createElement("div");
    lane.className = "lane";
    return {
      li,
      lane,
      name,
      header: li.querySelector(".phase-header"),
      step: li.querySelector(".phase-step"),
      count: li.querySelector(".count"),
      coverage: li.querySelector(".coverage"),
      kpis: li.querySelector(".phase-kpis"),
      kpiKey: "",
      menuButton: li.querySelector(".phase-menu-button"),
    };
  }

  // Cards

  renderCards(state, pos) {
    const pending = new Set();
    for (const entry of this.ed.sync.pending) for (const op of entry.ops) pending.add(op.id);
    const keep = new Set();
    for (const card of state.cards) {
      keep.add(card.id);
      let view = this.cards.get(card.id);
      if (!view) {
        view = this.makeCard(card.id);
        this.cards.set(card.id, view);
      }
      const parent = card.phase === null ? this.loose : (this.phases.get(card.phase)?.li ?? this.loose);
      if (view.el.parentNode !== parent) {
        // Moved to another phase: the element moves too, and keeps the keyboard's focus.
        const focused = document.activeElement === view.el;
        parent.append(view.el);
        if (focused) {
          this.ed.refocusing = true;
          view.el.focus({ preventScroll: true });
          this.ed.refocusing = false;
        }
      }
      const key = `${card.kind}|${card.x}|${card.y}|${card.w}|${card.h}|${card.colour}|${card.channel}|${card.private ? 1 : 0}|${card.text}`;
      if (view.key !== key) {
        view.key = key;
        this.drawCard(view, card);
      }
      const isPending = pending.has(card.id);
      if (view.pending !== isPending) {
        view.pending = isPending;
        view.el.classList.toggle("is-pending", isPending);
      }
    }
    for (const [id, view] of this.cards) {
      if (!keep.has(id)) {
        view.el.remove();
        this.cards.delete(id);
      }
    }
  }

  makeCard(id) {
    const el = cloneTemplate("tpl-card");
    el.dataset.cardId = id;
    return {
      el,
      kind: el.querySelector(".kind"),
      text: el.querySelector(".card-text"),
      chip: el.querySelector(".chip"),
      gap: el.querySelector(".gap-mark"),
      privateMark: el.querySelector(".private-mark"),
      uncovered: false,
      key: "",
      pending: false,
    };
  }

  drawCard(view, card) {
    const { el } = view;
    el.style.left = `${card.x}px`;
    el.style.top = `${card.y}px`;
    el.style.width = `${card.w}px`;
    el.style.height = `${card.h}px`;
    if (HEX_COLOUR.test(card.colour)) el.style.setProperty("--card", card.colour);
    else el.style.removeProperty("--card");
    const kind = t(`kind.${card.kind}`);
    view.kind.textContent = kind;
    view.text.textContent = card.text;
    view.chip.textContent = card.channel ? card.channel.replace("_", " ") : "";
    // One's own card in a private writing round: only its author sees it, until the reveal.
    const label = card.private ? "card_label_private" : "card_label";
    el.setAttribute("aria-label", t(label, { kind, text: card.text.trim() || t("empty_card") }));
    el.dataset.kind = card.kind;
    el.classList.toggle("is-private", Boolean(card.private));
    view.privateMark.hidden = !card.private;
  }

  /** The card's rectangle on the board, with a drag or resize in progress applied. */
  rectOf(id) {
    const card = this.ed.cardsById.get(id);
    if (!card) return null;
    const rect = cardRect(card, this.ed.pos);
    const offset = this.ed.preview.get(id);
    if (offset) {
      rect.x += offset.dx;
      rect.y += offset.dy;
    }
    const resize = this.ed.resizing;
    if (resize && resize.id === id) {
      rect.w = resize.w;
      rect.h = resize.h;
    }
    return rect;
  }

  /** Show a drag in progress: move the cards by transform and redraw their arrows. */
  preview(ids) {
    for (const id of ids) {
      const view = this.cards.get(id);
      if (!view) continue;
      const offset = this.ed.preview.get(id);
      view.el.style.transform = offset ? `translate(${offset.dx}px, ${offset.dy}px)` : "";
      const resize = this.ed.resizing;
      if (resize && resize.id === id) {
        view.el.style.width = `${resize.w}px`;
        view.el.style.height = `${resize.h}px`;
      }
    }
    this.redrawArrowsOf(ids);
  }

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

  /** Board bounds of everything drawn: phases and cards. */
  bounds(state) {
    let minX = 0;
    let minY = -110;
    let maxX = Math.max(1, state.phases.length) * COLUMN;
    let maxY = 600;
    for (const card of state.cards) {
      const r = cardRect(card, this.ed.pos);
      minX = Math.min(minX, r.x);
      minY = Math.min(minY, r.y);
      maxX = Math.max(maxX, r.x + r.w);
      maxY = Math.max(maxY, r.y + r.h);
    }
    return { x: minX, y: minY, w: maxX - minX, h: maxY - minY };
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
