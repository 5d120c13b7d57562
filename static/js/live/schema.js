// The one shape of board content, as the server defines it (boards/schema.py): kinds,
// the fields of a card, arrow, link, phase and KPI, their defaults and their limits.
// Both board pages carry it in <script id="board-schema" type="application/json">; it
// is read once, here, and every module takes kinds, fields, defaults and limits from
// it rather than keeping a copy that could drift from the server's.
//
//   schema.kinds                      card kinds, in the server's order
//   schema.card   {fields, defaults, limits: {text, kpi, size: [min, max], coord}, choices}
//   schema.arrow  {fields, defaults, limits: {label, weight: [min, max]}}
//   schema.link   {fields, source_kinds, target_kinds}
//   schema.phase  {fields, min, max, colours, limits: {name}}
//   schema.kpi    {fields, max, limits: {name, unit}}

const element = globalThis.document?.getElementById("board-schema");
if (!element) throw new Error('This page carries no <script id="board-schema">: the board modules need it.');

export const schema = deepFreeze(JSON.parse(element.textContent));

function deepFreeze(value) {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
