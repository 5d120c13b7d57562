// Editing a card's text in place: a textarea over the card, multi-line, with a clear
// message at the limit (schema.card.limits.text). Escape or Ctrl/Cmd+Enter (or leaving
// it) saves.

import { schema } from "../live/schema.js";
import { t } from "../page/strings.js";
import { number } from "../page/format.js";

const TEXT_LIMIT = schema.card.limits.text;
const NEAR = Math.round(TEXT_LIMIT * 0.9);  // from here on, the count is shown

export class TextEditor {
  constructor(ed) {
    this.ed = ed;
    this.current = null;
    // Someone deleted the card while this person types in it: the card is drawn no
    // more, and the field went with it. Save what they typed, which brings the card
    // back (the server does the same), and let them go on typing.
    ed.sync.addEventListener("state", () => setTimeout(() => {
      if (this.current && !this.current.done && !this.current.area.isConnected) this.finish({ resume: true });
    }, 0));
  }

  start(id) {
    const { ed } = this;
    if (!ed.canEdit || !ed.mayChange([id])) return;
    const view = ed.renderer.cards.get(id);
    const card = ed.cardsById.get(id);
    if (!view || !card) return;
    this.finish();
    const area = document.createElement("textarea");
    area.className = "card-editor";
    area.maxLength = TEXT_LIMIT;
    area.value = card.text;
    area.setAttribute("aria-label", t("card_text"));
    const message = document.createElement("p");
    message.className = "limit-message";
    message.setAttribute("role", "status");
    view.el.append(area, message);
    view.el.classList.add("is-editing");
    // The text this edit starts from: the server merges what others write meanwhile
    // into it (docs/protocol.md, "Concurrent text").
    const current = { id, area, message, view, done: false, base: card.text };
    this.current = current;
    const update = () => {
      const count = area.value.length;
      message.textContent =
        count >= TEXT_LIMIT
          ? t("text_limit", { count: number(count), limit: number(TEXT_LIMIT) })
          : count >= NEAR
            ? t("text_near", { count: number(count), limit: number(TEXT_LIMIT) })
            : "";
      message.classList.toggle("at-limit", count >= TEXT_LIMIT);
    };
    area.addEventListener("input", update);
    area.addEventListener("keydown", (event) => {
      event.stopPropagation();  // typing is not a shortcut
      if (event.key === "Escape" || (event.key === "Enter" && (event.ctrlKey || event.metaKey))) {
        event.preventDefault();
        this.finish({ refocus: true });
      }
    });
    area.addEventListener("blur", () => {
      // Leaving the field saves; but focus that fell to nowhere (an element around it
      // was redrawn) is given back rather than ending the edit.
      setTimeout(() => {
        if (current.done) return;
        const lost = document.activeElement === document.body || document.activeElement === null;
        if (lost && area.isConnected) area.focus({ preventScroll: true });
        else this.finish({ resume: lost });  // lost with the card: see the constructor
      }, 0);
    });
    area.addEventListener("pointerdown", (event) => event.stopPropagation());
    area.addEventListener("dblclick", (event) => event.stopPropagation());
    update();
    area.focus({ preventScroll: true });
    area.setSelectionRange(area.value.length, area.value.length);
    ed.sync.setPresence({ editing: id });
  }

  finish({ refocus = false, resume = false } = {}) {
    const current = this.current;
    if (!current || current.done) return;
    current.done = true;
    this.current = null;
    const value = current.area.value;
    const caret = current.area.selectionStart;
    current.area.remove();
    current.message.remove();
    current.view.el.classList.remove("is-editing");
    this.ed.actions.setText(current.id, value, current.base);
    this.ed.sync.setPresence({ editing: null });
    if (resume && this.ed.cardsById.has(current.id)) {
      this.start(current.id);
      this.current?.area.setSelectionRange(caret, caret);
      return;
    }
    if (refocus) this.ed.renderer.cards.get(current.id)?.el.focus({ preventScroll: true });
  }
}
