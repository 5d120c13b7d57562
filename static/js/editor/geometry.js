// Board geometry (docs/protocol.md, "Geometry"): phase i is the column i×480 ≤ x < (i+1)×480,
// its header above y = 0. A card in a phase stores x relative to its column's left edge;
// a card outside the line (phase null) stores an absolute x. y is always absolute.

import { schema } from "../live/schema.js";

const [SIZE_MIN, SIZE_MAX] = schema.card.limits.size;

export const COLUMN = 480;
export const HEADER = 64;  // board units above y = 0 taken by a phase's header

/** phase id -> position, for the phases of `state`. */
export function positions(state) {
  return new Map(state.phases.map((phase) => [phase.id, phase.position]));
}

/** The card's rectangle in absolute board units. */
export function cardRect(card, pos) {
  const index = card.phase === null ? undefined : pos.get(card.phase);
  const x = index === undefined ? card.x : index * COLUMN + card.x;
  return { x, y: card.y, w: card.w, h: card.h };
}

/** The phase (id or null) whose column lies under absolute x, and x in that frame. */
export function placeAt(absX, w, phases) {
  const centre = absX + w / 2;
  const index = Math.floor(centre / COLUMN);
  const sorted = [...phases].sort((a, b) => a.position - b.position);
  if (index < 0 || index >= sorted.length) return { phase: null, x: round(absX) };
  return { phase: sorted[index].id, x: round(absX - index * COLUMN) };
}

export function round(value) {
  return Math.round(value);
}

export function clampSize(value) {
  return Math.max(SIZE_MIN, Math.min(SIZE_MAX, Math.round(value)));
}

/** "forward" (to a later phase), "backward" (to an earlier one) or "same". */
export function direction(from, to, pos) {
  const a = from?.phase == null ? undefined : pos.get(from.phase);
  const b = to?.phase == null ? undefined : pos.get(to.phase);
  if (a === undefined || b === undefined || a === b) return "same";
  return b > a ? "forward" : "backward";
}

/** Where the segment from the centre of `r` toward point (px, py) leaves `r`. */
export function edgePoint(r, px, py) {
  const cx = r.x + r.w / 2;
  const cy = r.y + r.h / 2;
  const dx = px - cx;
  const dy = py - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const sx = dx === 0 ? Infinity : r.w / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : r.h / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: cx + dx * s, y: cy + dy * s };
}

/** A gently curved path from rectangle a to rectangle b; returns {d, mx, my}. */
export function arrowPath(a, b) {
  const ac = { x: a.x + a.w / 2, y: a.y + a.h / 2 };
  const bc = { x: b.x + b.w / 2, y: b.y + b.h / 2 };
  const dx = bc.x - ac.x;
  const dy = bc.y - ac.y;
  const length = Math.hypot(dx, dy) || 1;
  // Bend to the left of the direction of travel, so A→B and B→A do not overlap.
  const bend = Math.min(60, length * 0.15);
  const cx = (ac.x + bc.x) / 2 + (dy / length) * bend;
  const cy = (ac.y + bc.y) / 2 - (dx / length) * bend;
  const start = edgePoint(a, cx, cy);
  const end = edgePoint(b, cx, cy);
  const mx = 0.25 * start.x + 0.5 * cx + 0.25 * end.x;
  const my = 0.25 * start.y + 0.5 * cy + 0.25 * end.y;
  const f = (n) => n.toFixed(1);
  return { d: `M${f(start.x)} ${f(start.y)}Q${f(cx)} ${f(cy)} ${f(end.x)} ${f(end.y)}`, mx, my };
}

const GAP = 16;  // board units between cards placed for the person
const TOP = 24;  // the first row of a phase, below its header

function overlaps(a, b) {
  return a.x < b.x + b.w + GAP / 2 && a.x + a.w + GAP / 2 > b.x && a.y < b.y + b.h + GAP / 2 && a.y + a.h + GAP / 2 > b.y;
}

/**
 * Where a new card of size w×h goes (its absolute rectangle) when no pointer says:
 * beside the `near` rectangle (right, then below, then left) when one is given and that
 * spot is free in the same column; otherwise the first free spot of the column `index`,
 * row by row from the top. Never on top of another card.
 */
export function freeSpot(state, pos, { index, near = null, w, h }) {
  const taken = state.cards.map((card) => cardRect(card, pos));
  const free = (r) => !taken.some((other) => overlaps(r, other));
  const left = index * COLUMN;
  const inColumn = (r) => r.x >= left && r.x + r.w <= left + COLUMN && r.y >= TOP;
  if (near) {
    const beside = [
      { x: near.x + near.w + GAP, y: near.y },
      { x: near.x, y: near.y + near.h + GAP },
      { x: near.x - w - GAP, y: near.y },
    ];
    for (const spot of beside) {
      const r = { ...spot, w, h };
      if (inColumn(r) && free(r)) return r;
    }
    // Below the card, further down, until there is room.
    for (let y = near.y + near.h + GAP; y < near.y + 40 * (h + GAP); y += GAP) {
      const r = { x: near.x, y, w, h };
      if (free(r)) return r;
    }
  }
  const xs = [];
  for (let x = left + TOP; x + w <= left + COLUMN - GAP; x += w + GAP) xs.push(x);
  if (!xs.length) xs.push(left + TOP);
  for (let y = TOP; ; y += GAP) {
    for (const x of xs) {
      const r = { x, y, w, h };
      if (free(r)) return r;
    }
  }
}
