// Words come from the page (<template id="board-strings">), already translated; the
// page's other templates are cloned from here too. Shared by the canvas and the outline.

const strings = Object.fromEntries(
  [...(document.getElementById("board-strings")?.content.querySelectorAll("data") ?? [])].map((d) => [
    d.value,
    d.textContent.trim(),
  ]),
);

/** A translated string with %(name)s placeholders filled in. */
export function t(key, params = {}) {
  const text = strings[key] ?? "";
  return text.replace(/%\((\w+)\)s/g, (_, name) => String(params[name] ?? ""));
}

/** A fresh copy of the first element of <template id="…">. */
export function cloneTemplate(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

export const HEX_COLOUR = /^#[0-9a-f]{6}$/i;
