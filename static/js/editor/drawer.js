// The side panel as a drawer on tablets and phones (below 900 px; a bottom sheet below
// 600 px, static/css/editor.css): the button opens it, its × button, Escape or the
// button again close it, and focus goes in and comes back the way a dialog's would.
// On wider screens the panel stands beside the canvas and none of this shows.

const toggle = document.getElementById("panel-drawer-toggle");
const drawer = document.getElementById("side-panel-drawer");
const close = document.getElementById("panel-drawer-close");

function setOpen(open, { focus = true } = {}) {
  drawer.classList.toggle("is-open", open);
  toggle.setAttribute("aria-expanded", String(open));
  if (!focus) return;
  if (open) drawer.querySelector("[role=tab][aria-selected=true]")?.focus();
  else toggle.focus();
}

if (toggle && drawer && close) {
  toggle.addEventListener("click", () => setOpen(!drawer.classList.contains("is-open")));
  close.addEventListener("click", () => setOpen(false));
  drawer.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drawer.classList.contains("is-open") && toggle.offsetParent) {
      event.stopPropagation();
      setOpen(false);
    }
  });
  // Back to a wide screen (a tablet turned, a window widened): the panel is a column again.
  window.matchMedia("(min-width: 901px)").addEventListener("change", (event) => {
    if (event.matches) setOpen(false, { focus: false });
  });
}
