// Colours and sizes that come from the data (a phase's colour, a card's, a coverage):
// the templates write them as data attributes and this sets them through the CSSOM,
// because the Content-Security-Policy allows no inline `style` attributes.
//   data-paint-bg="#rrggbb"     background
//   data-paint-phase="#rrggbb"  --phase
//   data-paint-card="#rrggbb"   --card
//   data-paint-width="42"       width: 42%
//   data-paint-left="480"       left: 480px

import { HEX_COLOUR } from "./strings.js";

const colour = (value) => (HEX_COLOUR.test(value) ? value : null);
const number = (value) => (/^\d+(\.\d+)?$/.test(value) ? value : null);

const PAINTS = [
  ["paintBg", colour, (el, v) => (el.style.background = v)],
  ["paintPhase", colour, (el, v) => el.style.setProperty("--phase", v)],
  ["paintCard", colour, (el, v) => el.style.setProperty("--card", v)],
  ["paintWidth", number, (el, v) => (el.style.width = `${v}%`)],
  ["paintLeft", number, (el, v) => (el.style.left = `${v}px`)],
];

const SELECTOR = "[data-paint-bg],[data-paint-phase],[data-paint-card],[data-paint-width],[data-paint-left]";

export function paint(root) {
  const elements = [...root.querySelectorAll(SELECTOR)];
  if (root instanceof Element && root.matches(SELECTOR)) elements.push(root);
  for (const el of elements) {
    for (const [key, check, apply] of PAINTS) {
      const value = el.dataset[key] === undefined ? null : check(el.dataset[key]);
      if (value !== null) apply(el, value);
    }
  }
}

paint(document);
// What htmx swaps in (side panels, the gap analysis) is painted as it arrives.
document.addEventListener("htmx:load", (event) => paint(event.detail.elt));
