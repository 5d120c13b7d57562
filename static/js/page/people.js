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
    if (HEX_COLOUR.test(person.colour)) avatar.style.background = person.colour;
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

export function initials(name) {
  const words = String(name).trim().split(/\s+/).filter(Boolean);
  return words.slice(0, 2).map((word) => [...word][0].toUpperCase()).join("") || "?";
}
