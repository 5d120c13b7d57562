// The polite live region (#announcer, aria-live="polite") that tells a screen reader what
// changed, shared by the canvas and the outline.

let announceTimer = null;

/** Say `message` politely to a screen reader. */
export function announce(message) {
  if (!message) return;
  const announcer = document.getElementById("announcer");
  if (!announcer) return;
  // Cleared first so that the same sentence twice is read twice.
  announcer.textContent = "";
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => { announcer.textContent = message; }, 50);
}
