// Live alerts: what the server refused, or why the connection ended, in #live-alert
// (role="alert") with a Dismiss button. Shared by the canvas and the outline.

import { t } from "./strings.js";

/** The words for a refusal: the server's own message, else the page's for its code. */
export function errorText(code, message = "") {
  return message || t(`error.${code}`) || t("error.fallback");
}

/** Show `message` in #live-alert, replacing what it showed. */
export function showAlert(message) {
  const alert = document.getElementById("live-alert");
  const text = document.createElement("p");
  text.textContent = message;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "linklike";
  dismiss.textContent = t("dismiss");
  dismiss.addEventListener("click", () => alert.replaceChildren());
  alert.replaceChildren(text, dismiss);
}

/** Show every "error" event of `sync` (an op or frame the server refused). */
export function showErrors(sync) {
  sync.addEventListener("error", (event) => showAlert(errorText(event.detail.code, event.detail.message)));
}
