// Choosing the other end of an arrow or a link from a list (../page/picker.js), for the
// keyboard, screen readers and touch: "Connect to…", "Link to touchpoint…", "Re-attach
// start/end" and the C and L keys on a selected card. A new arrow is selected with its
// label field focused, so its label, weight and (backward) meaning are set next.

import { schema } from "../live/schema.js";
import { pickCard, plainName } from "../page/picker.js";
import { t } from "../page/strings.js";

const LINK_SOURCES = new Set(schema.link.source_kinds);
const LINK_TARGETS = new Set(schema.link.target_kinds);

export function installPick(ed) {
  const { actions } = ed;

  /** spec: {from, link} for a new arrow or link from card `from`; {arrow, end} to move
   * one end of an arrow. */
  ed.pickEnd = async (spec) => {
    if (!ed.canEdit) return;
    actions.cancelConnect();
    ed.editor.finish();
    const state = ed.state;
    let title;
    let keep;
    let empty;
    if (spec.arrow) {
      const arrow = state.arrows.find((a) => a.id === spec.arrow);
      if (!arrow) return;
      const fixed = spec.end === "from" ? arrow.to : arrow.from;
      title = t(spec.end === "from" ? "picker.from" : "picker.to");
      keep = (card) => card.id !== fixed && card.id !== arrow[spec.end];
      empty = t("picker.empty_connect");
    } else {
      const source = ed.cardsById.get(spec.from);
      if (!source) return;
      if (spec.link && !LINK_SOURCES.has(source.kind)) {
        ed.showHint(t("link_refused"), 3500);
        return;
      }
      const name = plainName(source);
      title = t(spec.link ? "picker.link" : "picker.connect", { card: name });
      keep = spec.link ? (card) => LINK_TARGETS.has(card.kind) : (card) => card.id !== source.id;
      empty = t(spec.link ? "picker.empty_link" : "picker.empty_connect");
    }
    const chosen = await pickCard({ title, state, keep, empty });
    if (!chosen || !ed.cardsById.has(chosen)) return;
    if (spec.arrow) {
      ed.connect = { ...spec };
      actions.completeConnect(chosen);
      focusArrow(spec.arrow);
    } else if (spec.link) {
      if (actions.link(spec.from, chosen)) {
        const name = (id) => plainName(ed.cardsById.get(id));
        ed.showHint(t("said.linked", { from: name(spec.from), to: name(chosen) }), 5000);
      }
      actions.select([spec.from], { focus: true });
    } else {
      const id = actions.connect(spec.from, chosen);
      if (id) focusArrow(id);
    }
  };

  /** Select the arrow and put the keyboard in its label field (the arrow bar). */
  function focusArrow(id) {
    actions.selectArrow(id);
    if (ed.selectedArrow !== id) return;
    const view = ed.renderer.arrows.get(id);
    ed.showHint(view?.g.getAttribute("aria-label") ?? "", 5000);
    document.getElementById("arrow-label").focus();
  }
}
