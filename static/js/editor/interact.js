// Pointer interaction (mouse, pen and touch through pointer events): pan, pinch, wheel
// zoom, drag cards, resize, draw arrows from a card's connector, rubber-band selection,
// reorder phases by dragging their header, double-click to create or edit.

import { t } from "../page/strings.js";
import { COLUMN, arrowPath } from "./geometry.js";

const THRESHOLD = 3;  // screen pixels before a press becomes a drag

export function installPointer(ed) {
  const { viewport: vp, renderer, actions } = ed;
  const el = vp.element;
  const touches = new Map();
  const band = document.getElementById("band");
  const draft = document.getElementById("arrow-draft");
  let gesture = null;

  function cancelGesture() {
    if (!gesture) return;
    if (gesture.type === "drag") {
      for (const id of gesture.ids) ed.preview.delete(id);
      renderer.preview(gesture.ids);
      ed.sync.setPresence({ dragging: null });
    }
    if (gesture.type === "resize") {
      ed.resizing = null;
      renderer.preview([gesture.id]);
      ed.render();
    }
    if (gesture.type === "connect") draft.hidden = true;
    if (gesture.type === "phase") resetPhase(gesture);
    band.hidden = true;
    gesture = null;
  }

  function resetPhase(g) {
    g.view.li.style.transform = "";
    g.view.lane.style.transform = "";
    g.view.li.classList.remove("is-dragging");
  }

  el.addEventListener("pointerdown", (event) => {
    if (event.button === 2) return;
    vp.touched = true;
    if (event.target.closest("textarea, input, select, .phase-menu, .vote-chip")) return;
    touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (touches.size === 2) {
      // Two fingers: pinch to zoom, move to pan. Whatever one finger began is dropped.
      cancelGesture();
      const [a, b] = [...touches.values()];
      gesture = { type: "pinch", distance: Math.hypot(a.x - b.x, a.y - b.y), mid: mid(a, b), zoom: vp.zoom };
      return;
    }
    if (touches.size > 2) return;
    const start = { x: event.clientX, y: event.clientY, last: { x: event.clientX, y: event.clientY } };
    const handle = event.target.closest("[data-handle]");
    const cardEl = event.target.closest(".card-item");
    const arrowEl = event.target.closest("[data-arrow-id]");
    const linkEl = event.target.closest("[data-link-id]");
    const header = event.target.closest(".phase-header");
    ed.pointerFocus = true;
    ed.keepSelection = false;  // choosing by pointer ends choosing by Space (keyboard.js)

    if (ed.spaceDown || event.button === 1) {
      gesture = { type: "pan", start, moved: false };
    } else if (handle && ed.canEdit) {
      const id = handle.closest(".card-item").dataset.cardId;
      if (handle.dataset.handle === "resize") {
        const card = ed.cardsById.get(id);
        gesture = { type: "resize", id, start, w: card.w, h: card.h, moved: false };
      } else {
        gesture = { type: "connect", from: id, link: handle.dataset.handle === "link", start, moved: false };
      }
      event.preventDefault();
    } else if (cardEl) {
      const id = cardEl.dataset.cardId;
      if (ed.connect) {
        event.preventDefault();
        actions.completeConnect(id);
        return;
      }
      if (event.shiftKey) {
        actions.toggleSelect(id);
        return;
      }
      if (!ed.selection.has(id)) actions.select([id]);
      // A locked card (../workshop/lock.js) pans like a viewer's, and says why once moved.
      gesture = ed.canEdit && ed.mayChange(ed.selection, { hint: false })
        ? { type: "drag", ids: [...ed.selection], start, moved: false }
        : { type: "pan", start, moved: false, locked: ed.canEdit };
    } else if (arrowEl) {
      actions.selectArrow(arrowEl.dataset.arrowId);
      return;
    } else if (linkEl) {
      actions.selectLink(linkEl.dataset.linkId);
      return;
    } else if (header && ed.canEdit && !ed.guest && !event.target.closest("button, input")) {
      const li = header.closest(".phase-col");
      const view = renderer.phases.get(li.dataset.phaseId);
      gesture = { type: "phase", id: li.dataset.phaseId, view, index: Number(li.dataset.position), start, moved: false };
    } else if (event.target.closest("button, a")) {
      return;
    } else if (event.shiftKey) {
      gesture = { type: "band", start, moved: false };
    } else {
      gesture = { type: "pan", start, moved: false, empty: !header };
    }
  });

  el.addEventListener("pointermove", (event) => {
    const point = vp.toBoard(event.clientX, event.clientY);
    ed.pointer = point;
    ed.sync.setPresence({ cursor: { x: Math.round(point.x), y: Math.round(point.y) } });
    if (touches.has(event.pointerId)) touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (!gesture) return;
    if (gesture.type === "pinch") {
      if (touches.size < 2) return;
      const [a, b] = [...touches.values()];
      const m = mid(a, b);
      const distance = Math.hypot(a.x - b.x, a.y - b.y);
      vp.panBy(m.x - gesture.mid.x, m.y - gesture.mid.y);
      vp.zoomAt(gesture.zoom * (distance / (gesture.distance || 1)), m.x, m.y);
      gesture.mid = m;
      return;
    }
    const { start } = gesture;
    const sx = event.clientX - start.x;
    const sy = event.clientY - start.y;
    if (!gesture.moved) {
      if (Math.hypot(sx, sy) < THRESHOLD) return;
      gesture.moved = true;
      if (gesture.locked) ed.showHint(t("locked_hint"), 3000);
      try {
        el.setPointerCapture(event.pointerId);
      } catch {
        // the pointer is gone already
      }
    }
    const dx = sx / vp.zoom;
    const dy = sy / vp.zoom;
    switch (gesture.type) {
      case "pan":
        vp.panBy(event.clientX - start.last.x, event.clientY - start.last.y);
        start.last = { x: event.clientX, y: event.clientY };
        el.classList.add("is-panning");
        break;
      case "drag":
        for (const id of gesture.ids) ed.preview.set(id, { dx, dy });
        renderer.preview(gesture.ids);
        gesture.dx = dx;
        gesture.dy = dy;
        ed.sync.setPresence({ dragging: { ids: gesture.ids.slice(0, 500), dx: Math.round(dx), dy: Math.round(dy) } });
        break;
      case "resize":
        ed.resizing = { id: gesture.id, w: Math.max(40, gesture.w + dx), h: Math.max(40, gesture.h + dy) };
        renderer.preview([gesture.id]);
        break;
      case "connect": {
        const from = renderer.rectOf(gesture.from);
        const target = cardUnder(event.clientX, event.clientY);
        const to = target && target !== gesture.from ? renderer.rectOf(target) : { x: point.x, y: point.y, w: 0, h: 0 };
        draft.setAttribute("d", arrowPath(from, to).d);
        draft.classList.toggle("is-link", gesture.link);
        draft.hidden = false;
        break;
      }
      case "phase":
        gesture.view.li.style.transform = `translateX(${dx}px)`;
        gesture.view.lane.style.transform = `translateX(${dx}px)`;
        gesture.view.li.classList.add("is-dragging");
        gesture.dx = dx;
        break;
      case "band": {
        const box = el.getBoundingClientRect();
        const left = Math.min(start.x, event.clientX) - box.left;
        const top = Math.min(start.y, event.clientY) - box.top;
        Object.assign(band.style, { left: `${left}px`, top: `${top}px`, width: `${Math.abs(sx)}px`, height: `${Math.abs(sy)}px` });
        band.hidden = false;
        break;
      }
    }
  });

  function finish(event) {
    touches.delete(event.pointerId);
    ed.pointerFocus = false;
    el.classList.remove("is-panning");
    const g = gesture;
    if (!g) return;
    if (g.type === "pinch") {
      if (touches.size < 2) gesture = null;
      return;
    }
    gesture = null;
    if (event.type === "pointercancel") {
      gesture = g;
      cancelGesture();
      return;
    }
    switch (g.type) {
      case "pan":
        if (!g.moved && g.empty) {
          actions.cancelConnect();
          actions.select([]);
          actions.selectArrow(null);
          if (ed.selectedLink) actions.selectLink(null);
        }
        break;
      case "drag":
        if (g.moved) {
          actions.moveCards(g.ids, g.dx, g.dy);
          for (const id of g.ids) ed.preview.delete(id);
          renderer.preview(g.ids);
          ed.sync.setPresence({ dragging: null });
        }
        break;
      case "resize":
        if (g.moved && ed.resizing) {
          const { w, h } = ed.resizing;
          ed.resizing = null;
          actions.resizeCard(g.id, w, h);
          ed.render();
        }
        break;
      case "connect": {
        draft.hidden = true;
        const target = cardUnder(event.clientX, event.clientY);
        if (g.moved && target && target !== g.from) {
          if (g.link) actions.link(g.from, target);
          else actions.connect(g.from, target);
        } else if (!g.moved) actions.startConnect({ from: g.from, link: g.link });
        break;
      }
      case "phase": {
        resetPhase(g);
        if (!g.moved) break;
        const count = ed.state.phases.length;
        const index = Math.max(0, Math.min(count - 1, Math.round((g.index * COLUMN + g.dx) / COLUMN)));
        if (index !== g.index) actions.commit([{ op: "phase.move", id: g.id, position: index }]);
        break;
      }
      case "band": {
        band.hidden = true;
        if (!g.moved) break;
        const a = vp.toBoard(g.start.x, g.start.y);
        const b = vp.toBoard(event.clientX, event.clientY);
        const box = { x1: Math.min(a.x, b.x), y1: Math.min(a.y, b.y), x2: Math.max(a.x, b.x), y2: Math.max(a.y, b.y) };
        const hit = new Set(event.shiftKey ? ed.selection : []);
        for (const id of ed.cardsById.keys()) {
          const r = renderer.rectOf(id);
          if (r.x < box.x2 && r.x + r.w > box.x1 && r.y < box.y2 && r.y + r.h > box.y1) hit.add(id);
        }
        actions.select(hit);
        break;
      }
    }
  }

  el.addEventListener("pointerup", finish);
  el.addEventListener("pointercancel", finish);
  el.addEventListener("pointerleave", (event) => {
    if (!gesture && event.pointerType === "mouse") ed.sync.setPresence({ cursor: null });
    if (event.pointerType === "mouse") ed.pointer = null;
  });
  el.addEventListener("lostpointercapture", () => {
    el.classList.remove("is-panning");
  });

  el.addEventListener(
    "wheel",
    (event) => {
      if (event.target.closest("textarea")) return;
      event.preventDefault();
        if (event.ctrlKey || event.metaKey || event.deltaX === 0) {
        const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
        vp.zoomStep(Math.exp(-delta * (event.ctrlKey ? 0.01 : 0.0015)), event.clientX, event.clientY);
      } else {
        vp.panBy(-event.deltaX, -event.deltaY);
      }
    },
    { passive: false },
  );

  el.addEventListener("dblclick", (event) => {
    if (event.target.closest("textarea, input, button, .phase-menu, [data-arrow-id], [data-link-id]")) return;
    const cardEl = event.target.closest(".card-item");
    if (cardEl) {
      ed.editor.start(cardEl.dataset.cardId);
      return;
    }
    const name = event.target.closest(".phase-name");
    if (name) {
      ed.phases.rename(name.closest(".phase-col").dataset.phaseId);
      return;
    }
    if (event.target.closest(".phase-header") || !ed.canEdit) return;
    actions.createCard("touchpoint", vp.toBoard(event.clientX, event.clientY));
  });

  function cardUnder(x, y) {
    const hit = document.elementFromPoint(x, y)?.closest(".card-item");
    return hit?.dataset.cardId ?? null;
  }
}

function mid(a, b) {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}
