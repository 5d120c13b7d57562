// Who is here: one avatar per person in the header's #presence list, you first.
// Shared by the canvas and the outline (the canvas adds cursors, editor/presence.js).

import { cloneTemplate, HEX_COLOUR, t } from "./strings.js";

/** Draw `sync.you` and the people of `sync.people` into `list` (one face per person,
 * however many tabs they have open). */
export function renderPeople(list, sync) {
  if (sync.status === "closed") return;
  const items = [];
  const add = (person, you) => {
    const item = cloneTemplate("tpl-person");
    const name = you ? t("you", { name: person.name }) : person.name;
    const avatar = item.querySelector(".avatar");
    avatar.textContent = initials(person.name);
    avatar.style.background = personColour(person);
    item.querySelector(".visually-hidden").textContent = name;
    item.title = name;
    item.classList.toggle("is-you", you);
    items.push(item);
  };
  if (sync.you) add(sync.you, true);
  // A guest is not told user ids: then each page is a face of its own.
  const key = (person) => person.user ?? person.session;
  const seen = new Set([sync.you && key(sync.you)]);
  for (const person of sync.people.values()) {
    if (seen.has(key(person))) continue;
    seen.add(key(person));
    add(person, false);
  }
  list.replaceChildren(...items);
}

/** The person's colour, darkened until white initials and names on it are readable
 * (4.5:1, WCAG AA): the server's palette has bright amber and cyan among its colours. */
export function personColour(person, fallback = "#4338ca") {
  if (!HEX_COLOUR.test(person?.colour ?? "")) return fallback;
  let rgb = [1, 3, 5].map((i) => parseInt(person.colour.slice(i, i + 2), 16));
  const linear = (c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  const luminance = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  for (let step = 0; step < 20 && 1.05 / (luminance(rgb) + 0.05) < 4.6; step += 1) {
    rgb = rgb.map((c) => Math.round(c * 0.93));
  }
  return `#${rgb.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

export function initials(name) {
  const words = String(name).trim().split(/\s+/).filter(Boolean);
  return words.slice(0, 2).map((word) => [...word][0].toUpperCase()).join("") || "?";
}
