// Dot voting (docs/protocol.md, "Facilitation": vote.* and the `vote` section). The
// facilitator starts a vote from the facilitation bar (a dialog: which cards, how many
// dots), reveals, closes and turns the top cards into opportunities from the vote's panel.
// Everyone who edits places dots with the + on each card of the vote and takes one back by
// clicking it; until the reveal a page shows only its own dots (the server sends nothing
// else). Revealed, each card carries its count and the panel ranks them. Anyone can fold
// the panel into the facilitation bar, clear of the phase headers; a new vote or the
// reveal opens it again.

import { schema } from "../live/schema.js";
import { t } from "../page/strings.js";
import { number } from "../page/format.js";
import { paintBar, roomToRun } from "./room.js";

const PROMOTE_DEFAULT = 3;

/** The string `key` for `count`: its `_one` form for 1, else its `_other` form. */
function tn(key, count, params = {}) {
  return t(`${key}_${count === 1 ? "one" : "other"}`, { count: number(count), ...params });
}

function button(className, label, onClick) {
  const el = document.createElement("button");
  el.type = "button";
  el.className = className;
  el.textContent = label;
  el.addEventListener("click", onClick);
  return el;
}

export function installVote(ed) {
  const { room } = ed;
  const $ = (id) => document.getElementById(id);
  const panel = $("vote-panel");
  const body = $("vote-body");
  const actions = $("vote-actions");
  const dialog = $("vote-dialog");
  const form = $("vote-form");

  // The facilitator's way in: a group of the facilitation bar.
  const group = document.createElement("div");
  group.className = "room-group vote-group";
  group.hidden = true;
  const startButton = button("tool vote-start", t("vote_start"), () => openDialog());
  const icon = document.createElement("span");
  icon.className = "vote-start-dots";
  icon.setAttribute("aria-hidden", "true");
  icon.append(document.createElement("i"), document.createElement("i"), document.createElement("i"));
  startButton.prepend(icon);
  // Which vote, in which state, this person folded away: a new vote or the reveal opens
  // the panel again, so nobody misses either.
  let folded = null;
  const foldKey = (current) => `${current.id}:${current.status}`;
  // The vote's panel folded into the bar (it covers the last phases' headers on a
  // laptop): a button that says where the vote stands and opens the panel again.
  const unfold = button("tool vote-unfold", "", () => {
    folded = null;
    showPanel();
    fold.focus();
  });
  unfold.setAttribute("aria-expanded", "false");
  unfold.setAttribute("aria-controls", "vote-panel");
  unfold.prepend(icon.cloneNode(true));
  const unfoldText = document.createElement("span");
  unfold.append(unfoldText);
  group.append(startButton, unfold);
  $("room-bar")?.insertBefore(group, $("room-note"));

  const fold = $("vote-fold");
  fold.addEventListener("click", () => {
    const current = vote();
    if (!current) return;
    folded = foldKey(current);
    showPanel();
    unfold.focus();
  });

  const vote = () => room.state?.vote ?? null;
  const facilitates = () => Boolean(ed.can.facilitate);
  const text = (id) => ed.cardsById.get(id)?.text.trim() || t(`kind.${ed.cardsById.get(id)?.kind}`);

  function perform(action, args = {}) {
    room.perform(action, args).catch(() => {});  // the page's alert shows a refusal
  }

  // Starting a vote.

  function openDialog() {
    const kinds = $("vote-kind");
    kinds.replaceChildren(...schema.kinds.map((kind) => new Option(t(`kind.${kind}`), kind)));
    const phases = $("vote-phase");
    const sorted = [...ed.state.phases].sort((a, b) => a.position - b.position);
    phases.replaceChildren(...sorted.map((phase) => new Option(phase.name, phase.id)));
    const count = ed.selection.size;
    $("vote-scope-selection").disabled = count === 0;
    $("vote-selection-label").textContent = count ? tn("vote_selected", count) : t("vote_select_first");
    form.elements.scope.value = count > 1 ? "selection" : "all";
    dialog.returnValue = "";
    dialog.showModal();
  }

  form.elements.votes.addEventListener("input", () => {
    const votes = Number(form.elements.votes.value);
    if (votes >= 1) {
      form.elements.per_card.max = String(votes);
      if (Number(form.elements.per_card.value) > votes) form.elements.per_card.value = String(votes);
    }
  });
  for (const name of ["kind", "phase"]) {
    form.elements[name].addEventListener("change", () => { form.elements.scope.value = name; });
  }

  dialog.addEventListener("close", () => {
    if (dialog.returnValue !== "confirm") return;
    const f = form.elements;
    const args = {
      scope: f.scope.value,
      votes: Number(f.votes.value),
      per_card: Math.min(Number(f.per_card.value), Number(f.votes.value)),
      anonymous: f.anonymous.checked,
      title: f.title.value.trim(),
    };
    if (args.scope === "kind") args.kind = f.kind.value;
    if (args.scope === "phase") args.phase = f.phase.value;
    if (args.scope === "selection") args.cards = [...ed.selection];
    perform("vote.open", args);
  });

  // The panel.

  function dotsRow(left, total) {
    const row = document.createElement("p");
    row.className = "vote-dots-left";
    const dots = document.createElement("span");
    dots.className = "vote-dot-line";
    dots.setAttribute("aria-hidden", "true");
    for (let i = 0; i < total; i++) {
      const dot = document.createElement("i");
      if (i >= left) dot.className = "used";  // the dots still to place come first
      dots.append(dot);
    }
    const words = document.createElement("span");
    words.textContent = t("vote_left", { count: number(left), total: number(total) });
    row.append(dots, words);
    return row;
  }

  function paragraph(value, className = "") {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = value;
    return p;
  }

  function ranking(current) {
    if (!current.results.length) return [paragraph(t("vote_none"), "vote-muted")];
    const list = document.createElement("ol");
    list.className = "vote-ranking";
    const most = Math.max(...current.results.map((row) => row.count));
    for (const row of current.results.slice(0, 10)) {
      const item = document.createElement("li");
      const rank = Object.assign(document.createElement("span"), { className: "vote-rank", textContent: number(row.rank) });
      const name = Object.assign(document.createElement("span"), { className: "vote-card-name", textContent: text(row.card) });
      const bar = document.createElement("span");
      bar.className = "vote-bar";
      bar.setAttribute("aria-hidden", "true");
      const fill = document.createElement("i");
      fill.style.width = `${Math.round((100 * row.count) / most)}%`;
      bar.append(fill);
      const count = Object.assign(document.createElement("span"), { className: "vote-total", textContent: number(row.count) });
      count.setAttribute("aria-label", tn("vote_count", row.count));
      item.append(rank, name, bar, count);
      if (row.by?.length) item.append(paragraph(t("vote_by", { names: row.by.join(", ") }), "vote-by"));
      item.addEventListener("click", () => ed.actions.select([row.card], { focus: true }));
      list.append(item);
    }
    return [list];
  }

  /** The facilitator's "Dot vote…": offered, like the timer and the private round, once
   * there is a room to run (someone else here, or a step of the guide) and no vote runs.
   * Alone, the canvas stays clear. */
  function paintStart() {
    const current = vote();
    const isFolded = Boolean(current) && folded === foldKey(current);
    startButton.hidden = !facilitates() || Boolean(current) || !roomToRun(ed);
    unfold.hidden = !isFolded;
    group.hidden = startButton.hidden && unfold.hidden;
    paintBar();
    return isFolded;
  }

  function showPanel() {
    const current = vote();
    const isFolded = paintStart();
    ed.root.classList.toggle("is-voting", current?.status === "open");
    panel.hidden = !current || isFolded;
    if (!current) return;
    const where = current.status === "open" && "left" in current
      ? t("vote_left", { count: number(current.left), total: number(current.per_person) })
      : t(current.status === "open" ? "vote_open" : "vote_revealed");
    unfoldText.textContent = t("vote_folded", { where });
    const each = tn("vote_each", current.per_person, { most: number(current.per_card) });
    $("vote-question").textContent = current.title || each;
    $("vote-question").title = current.title ? each : "";
    const state = $("vote-state");
    state.textContent = t(current.status === "open" ? "vote_open" : "vote_revealed");
    state.dataset.status = current.status;
    const parts = [];
    if (current.status === "open") {
      if ("left" in current) {
        parts.push(dotsRow(current.left, current.per_person), paragraph(t("vote_how"), "vote-muted"));
      } else if (!facilitates()) {
        parts.push(paragraph(t("vote_watching"), "vote-muted"));
      }
      if ("voters" in current) parts.push(paragraph(tn("vote_voters", current.voters), "vote-voters"));
    } else {
      parts.push(...ranking(current));
    }
    body.replaceChildren(...parts);
    const controls = [];
    if (facilitates()) {
      if (current.status === "open") {
        controls.push(button("button primary small", t("vote_reveal"), () => perform("vote.reveal")));
        controls.push(button("button small", t("vote_end"), () => perform("vote.close")));
      } else {
        const shown = Math.min(PROMOTE_DEFAULT, current.results.length);
        if (shown) {
          controls.push(button("button primary small", tn("vote_promote", shown), () => perform("vote.promote", { top: shown })));
        }
        controls.push(button("button small", t("vote_close"), () => perform("vote.close")));
      }
    }
    actions.replaceChildren(...controls);
    actions.hidden = !controls.length;
  }

  // The cards: a chip on each card of the vote.

  function chipFor(view) {
    let chip = view.el.querySelector(":scope > .vote-chip");
    if (!chip) {
      chip = document.createElement("div");
      chip.className = "vote-chip";
      view.el.append(chip);
    }
    return chip;
  }

  ed.showVotes = () => {
    const current = vote();
    const inVote = new Set(current?.cards ?? []);
    const totals = new Map((current?.results ?? []).map((row) => [row.card, row]));
    for (const [id, view] of ed.renderer.cards) {
      const votable = inVote.has(id);
      view.el.classList.toggle("is-votable", votable && current.status === "open");
      const existing = view.el.querySelector(":scope > .vote-chip");
      if (!votable) {
        existing?.remove();
        continue;
      }
      const chip = chipFor(view);
      const name = text(id);
      const parts = [];
      if (current.status === "open" && "mine" in current) {
        const mine = current.mine[id] ?? 0;
        for (let i = 0; i < mine; i++) {
          parts.push(button("vote-dot mine", "", () => perform("vote.uncast", { card: id })));
          parts.at(-1).setAttribute("aria-label", t("vote_take_back", { text: name }));
        }
        if (current.left > 0 && mine < current.per_card) {
          const add = button("vote-add", "+", () => perform("vote.cast", { card: id }));
          add.setAttribute("aria-label", t("vote_for", { text: name }));
          parts.push(add);
        }
      } else if (current.status === "revealed") {
        const row = totals.get(id);
        const count = row?.count ?? 0;
        const badge = document.createElement("span");
        badge.className = `vote-count${row?.rank === 1 ? " is-top" : ""}${count ? "" : " is-zero"}`;
        badge.textContent = number(count);
        badge.setAttribute("role", "img");
        badge.setAttribute("aria-label", tn("vote_card_total", count, { text: name }));
        parts.push(badge);
      }
      chip.replaceChildren(...parts);
      chip.hidden = !parts.length;
    }
  };

  room.addEventListener("change", () => {
    showPanel();
    ed.showVotes();
  });
  ed.voteRoleChanged = showPanel;
  ed.sync.addEventListener("peers", paintStart);
  ed.sync.addEventListener("state", () => queueMicrotask(paintStart));  // the step may move
}
