// Telling people when their words met someone else's (docs/protocol.md, "Concurrent
// text"). The server never drops a text edit that says what it started from: it merges
// it, keeps both versions when they collide, or brings back a card deleted meanwhile.
// The patch says which (`merge`, `copy`, `restored`); this shows a toast to the people
// it concerns: the author of the edit, and whoever wrote the text it met (a conflict) or
// deleted the card (a restore). A clean merge needs no word: both texts are there.

// Shared by the canvas and the outline.

import { t } from "./strings.js";
import { showToast } from "./toast.js";

/** Toast what `sync`'s patches say about this person's words meeting someone else's. */
export function installConflicts(sync) {
  const wroteText = new Map();  // card id -> user id of the last committed text edit
  const deletedBy = new Map();  // card id -> user id of whoever deleted it

  const me = () => sync.you?.user ?? null;
  const nameOf = (user) => {
    for (const person of sync.people.values()) if (person.user === user) return person.name;
    return t("someone");
  };

  sync.addEventListener("patch", ({ detail: patch }) => {
    const mine = patch.by === me();
    for (const op of patch.ops) {
      if (op.op === "card.update" && op.merge === "conflict") {
        if (mine) showToast(t(op.copy ? "text_conflict_copy" : "text_conflict_mine"));
        else if (wroteText.get(op.id) === me()) {
          showToast(t("text_conflict_theirs", { name: nameOf(patch.by) }));
        }
      }
      if (op.op === "card.update" && op.restored) {
        if (mine) showToast(t("text_restored_mine"));
        else if (deletedBy.get(op.id) === me()) {
          showToast(t("text_restored_theirs", { name: nameOf(patch.by) }));
        }
      }
      if ((op.op === "card.update" && "text" in op) || op.op === "card.create") {
        wroteText.set(op.id, patch.by);
      }
      if (op.op === "card.delete") deletedBy.set(op.id, patch.by);
    }
  });
}
