// Forms that ask before they act (`data-confirm`) and lists that save as soon as a value
// is picked (`data-submit-on-change`): wired here, once for the whole page and whatever
// htmx swaps in, because the Content-Security-Policy allows no inline handlers.

document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    // Asked and accepted: the server need not ask again (without this, or before this
    // script ran, it shows a confirmation page of its own).
    if (!form.elements.namedItem("confirmed")) {
      const confirmed = document.createElement("input");
      Object.assign(confirmed, { type: "hidden", name: "confirmed", value: "1" });
      form.append(confirmed);
    }
  },
  true,
);

document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && "submitOnChange" in field.dataset) {
    field.form?.requestSubmit();
  }
});
