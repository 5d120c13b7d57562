// Draws the board state: phase columns (a list), cards (positioned in their column),
// arrows and links (one SVG, render_lines.js). Keyed by id and re-rendering only what
// changed, so a board of thousands of cards stays cheap to update. User text goes in with
// textContent only.

import { schema } from "../live/schema.js";
import { cloneTemplate, HEX_COLOUR, t } from "../page/strings.js";
import { number } from "../page/format.js";
import { cardRect, COLUMN, positions } from "./geometry.js";
import { LineRenderer } from "./render_lines.js";

const MIN_LANE = 900;

export class Renderer extends LineRenderer {
  constructor(ed) {
    super();
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
