// The board's title: renamed in place (a form that replaces the heading until Save,
// Cancel or Escape), by those who may edit the board.

export function installTitle(ed) {
  const $ = (id) => document.getElementById(id);
  const title = $("board-title");
  const button = $("rename-board");
  const form = $("rename-form");
  const input = $("board-title-input");

  function open() {
    input.value = title.textContent;
    title.hidden = true;
    button.hidden = true;
    form.hidden = false;
    input.focus();
    input.select();
  }

  function close() {
    form.hidden = true;
    title.hidden = false;
    button.hidden = !ed.canEdit;
    if (ed.canEdit) button.focus();
  }

  button.addEventListener("click", open);
  $("rename-cancel").addEventListener("click", close);
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) {
      input.value = "";
      input.reportValidity();
      return;
    }
    if (value !== ed.sync.state.board.title) ed.actions.commit([{ op: "board.update", title: value }]);
    close();
  });

  return {
    /** Show the board's title (from the state just drawn). */
    show(text) {
      title.textContent = text;
      document.title = `${text} · Journeymap`;
    },
    /** Whether the person may rename the board now. */
    setEditable(value) {
      if (!value && !form.hidden) close();
      button.hidden = !value || !form.hidden;
    },
  };
}
