// How the outline speaks: names of cards and phases in labels and announcements, and
// what someone else changed, said in the polite live region (../page/announce.js).

import { announce } from "../page/announce.js";
import { t } from "../page/strings.js";

export { announce };

/** How a card is named in labels and announcements: its text, or its kind. */
export function cardName(card) {
  const text = card.text.trim().replace(/\s+/g, " ");
  if (!text) return t(`untitled.${card.kind}`);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** A phase's name, or "Outside the line" for cards in none. */
export function phaseName(state, phaseId) {
  return state.phases.find((p) => p.id === phaseId)?.name ?? t("outside");
}

/** Say what someone else changed since the last drawing (one sentence, the first change). */
export function announceRemote(before, after) {
  if (!before) return;
  const old = new Map(before.cards.map((card) => [card.id, card]));
  const now = new Map(after.cards.map((card) => [card.id, card]));
  const said = [];
  for (const [id, card] of now) {
    const was = old.get(id);
    if (!was) said.push(t("said.remote_added", { phase: phaseName(after, card.phase), text: cardName(card) }));
    else if (was.phase !== card.phase) said.push(t("said.remote_moved", { text: cardName(card), phase: phaseName(after, card.phase) }));
    else if (was.text !== card.text || was.kind !== card.kind || was.channel !== card.channel) {
      said.push(t("said.remote_changed", { text: cardName(card) }));
    }
  }
  for (const [id, card] of old) if (!now.has(id)) said.push(t("said.remote_deleted", { text: cardName(card) }));
  if (before.board.title !== after.board.title) said.push(t("said.renamed", { title: after.board.title }));
  if (said.length) announce(said.slice(0, 3).join(" "));
}

