// What others add to the board, said politely to a screen reader (#announcer): the
// cards a peer adds are gathered for a moment and said in one sentence, so a burst of
// cards (a paste, a template, a reconnect) is one announcement, not a flood. The
// person's own cards (those in the pending queue) are not announced.

import { announce } from "../page/announce.js";
import { t } from "../page/strings.js";
import { number } from "../page/format.js";

const GATHER_MS = 1200;

export function installAnnounce(ed) {
  let known = null;  // card ids drawn last time
  let gathered = [];
  let timer = null;

  function say() {
    timer = null;
    const cards = gathered;
    gathered = [];
    const state = ed.sync.state;
    const phaseName = (id) => state.phases.find((p) => p.id === id)?.name ?? t("outside");
    if (cards.length === 1) {
      const [card] = cards;
      const text = card.text.trim().replace(/\s+/g, " ") || t(`kind.${card.kind}`);
      announce(t("said.remote_added", { phase: phaseName(card.phase), text: text.slice(0, 80) }));
    } else if (cards.length > 1) {
      const phases = [...new Set(cards.map((card) => phaseName(card.phase)))];
      announce(t("said.remote_added_many", { count: number(cards.length), phases: phases.slice(0, 3).join(", ") }));
    }
  }

  /** After each drawing of the confirmed-plus-pending state. */
  ed.announceChanges = (state) => {
    const now = new Set(state.cards.map((card) => card.id));
    if (known) {
      const mine = new Set(
        ed.sync.pending.flatMap((entry) => entry.ops.filter((op) => op.op === "card.create").map((op) => op.id)),
      );
      for (const card of state.cards) {
        if (!known.has(card.id) && !mine.has(card.id)) gathered.push(card);
      }
      if (gathered.length && !timer) timer = setTimeout(say, GATHER_MS);
    }
    known = now;
  };
}
