// Toasts: short news about the person's own work that needs no answer ("both versions
// are kept", "nothing was undone: …", "3 unsent changes are being sent"). They stack in
// #toasts (role="status", so screen readers hear them), each with a Dismiss button, and
// go by themselves after a while. Refusals and lost connections are alerts
// (./alerts.js), not toasts. Shared by the canvas and the outline.

import { t } from "./strings.js";

const SHOWN_MS = 9000;
const MAX_SHOWN = 3;

/** Show `message` as a toast; returns its element. */
export function showToast(message, { ms = SHOWN_MS } = {}) {
  const region = document.getElementById("toasts");
  if (!region || !message) return null;
  const toast = document.createElement("div");
  toast.className = "toast";
  const text = document.createElement("p");
  text.textContent = message;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "toast-dismiss";
  dismiss.textContent = t("dismiss");
  const remove = () => toast.remove();
  dismiss.addEventListener("click", remove);
  toast.append(text, dismiss);
  region.append(toast);
  while (region.children.length > MAX_SHOWN) region.firstElementChild.remove();
  // Not while the pointer or the keyboard is on it: it would go from under them.
  let timer = setTimeout(remove, ms);
  const hold = () => clearTimeout(timer);
  const release = () => {
    clearTimeout(timer);
    timer = setTimeout(remove, ms / 2);
  };
  toast.addEventListener("pointerenter", hold);
  toast.addEventListener("focusin", hold);
  toast.addEventListener("pointerleave", release);
  toast.addEventListener("focusout", release);
  return toast;
}
