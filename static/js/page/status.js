// The connection indicator ("Connected", "Offline – 2 unsent changes", …) and what a
// closed connection means for the page. Shared by the canvas and the outline.

import { keepOutbox } from "../live/outbox.js";
import { t } from "./strings.js";
import { showToast } from "./toast.js";

/** The indicator's words for a BoardSync "status" event's detail. */
export function statusText({ status, unsent }) {
  if ((status === "reconnecting" || status === "offline") && unsent > 0) {
    return unsent === 1 ? t(`${status}_one`) : t(`${status}_other`, { count: unsent });
  }
  return t(status);
}

/**
 * Keep #sync-status in step with `sync`. A connection closed for good calls
 * `onClosed(reason)`, except when the person is not logged in (any more): then the page
 * goes to the login page and comes back here afterwards.
 */
export function showStatus(sync, { loginUrl, onClosed = () => {} }) {
  const indicator = document.getElementById("sync-status");
  const text = document.getElementById("sync-status-text");
  sync.addEventListener("status", (event) => {
    const { status, reason } = event.detail;
    indicator.dataset.state = status;
    text.textContent = statusText(event.detail);
    if (status !== "closed") return;
    if (reason === "unauthenticated") {
      location.assign(`${loginUrl}?next=${encodeURIComponent(location.pathname)}`);
      return;
    }
    onClosed(reason);
  });
}

/** Keep the edits not yet on the server in the browser across a reload (person
 * `root.dataset.userId`), and say so when a reload found some and when they are saved.
 * Call before sync.start(). */
export function keepUnsent(sync, root) {
  keepOutbox(sync, {
    boardId: root.dataset.boardId,
    userId: root.dataset.userId,
    onRestored(count) {
      showToast(count === 1 ? t("outbox_restored_one") : t("outbox_restored_other", { count }));
    },
    onSent() {
      showToast(t("outbox_sent"));
    },
  });
}

/** Ask before leaving a page whose edits are not on the server yet, unless the browser
 * keeps them for the next visit (keepUnsent). */
export function guardUnsent(sync) {
  window.addEventListener("beforeunload", (event) => {
    if (sync.unsent > 0 && !sync.outboxKept) event.preventDefault();
  });
}
