// Undo of deleting a phase: the ops that bring it back whole, computed from the board as
// it was just before (docs/protocol.md, phase.delete). The phase comes back with its id,
// name, colour, place and KPIs; the phase its cards and KPIs went to gets its own KPIs
// back; and its cards return to it where they stood, or, deleted with it, are restored
// with their arrows and links.

const clone = (value) => structuredClone(value ?? []);

/** The ops undoing `op` (a phase.delete) made on `state`; [] when there is no such phase. */
export function undoPhaseDelete(state, op) {
  const phase = state.phases.find((p) => p.id === op.id);
  if (!phase) return [];
  const undo = [
    {
      op: "phase.create",
      id: phase.id,
      name: phase.name,
      position: phase.position,
      colour: phase.colour,
      kpis: clone(phase.kpis),
    },
  ];
  const cards = state.cards.filter((c) => c.phase === phase.id);
  if (op.cards === "move") {
    const target = state.phases.find((p) => p.id === op.to);
    if (target) undo.push({ op: "phase.update", id: target.id, kpis: clone(target.kpis) });
    for (const card of cards) {
      undo.push({ op: "card.update", id: card.id, phase: phase.id, x: card.x, y: card.y });
    }
    return undo;
  }
  const ids = new Set(cards.map((c) => c.id));
  for (const card of cards) {
    undo.push({ op: "card.restore", id: card.id }, { op: "card.update", id: card.id, phase: phase.id });
  }
  for (const arrow of state.arrows) {
    if (ids.has(arrow.from) || ids.has(arrow.to)) undo.push({ op: "arrow.restore", id: arrow.id });
  }
  for (const link of state.links ?? []) {
    if (ids.has(link.from) || ids.has(link.to)) undo.push({ op: "link.restore", id: link.id });
  }
  return undo;
}
