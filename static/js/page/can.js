// What the person may do on this board, as capabilities ({edit_board: true,
// facilitate: false, …}; the keys are journeymap/access.py's Can values). The page
// carries them in <script id="board-can" type="application/json"> for the moments
// before the socket is up; then the welcome frame's `you.can` and each `role` frame's
// `can` say what they are now. Nothing in the browser compares role names: the server
// decides what a role allows, and checks it again on every write.

/** The capabilities the page was rendered with ({} when it carries none). */
export function pageCan() {
  const element = document.getElementById("board-can");
  return element ? JSON.parse(element.textContent) : {};
}

/** The capabilities a welcome's `you`, or a `role` frame, carries. */
export function canOf(frame) {
  return frame?.can ?? {};
}

/** Call `onChange(can)` with what the socket says you may do: on every welcome (each
 * connection) and whenever your role changes while connected. */
export function followCan(sync, onChange) {
  sync.addEventListener("welcome", (event) => onChange(canOf(event.detail.you)));
  sync.addEventListener("role", (event) => onChange(canOf(event.detail)));
}
