// The lifecycle method on the canvas: gap marks, phase coverage and KPIs in the phase
// headers, and the facilitator's workshop guide that everyone on the board follows.
//
// The gap analysis is computed on the server, in one selector (boards/gaps.py) shared by
// the gap panel and the exports; the canvas fetches its result (/boards/<id>/gaps.json)
// when something it depends on changes, so the marks never disagree with the panel.

import { t } from "../page/strings.js";
import { number } from "../page/format.js";

const FETCH_MS = 500;
const STAGES = ["touchpoints", "activities", "movement", "gaps", "strategy"];
const STORE = "journeymap.showGaps";

export class Method {
  constructor(ed) {
    this.ed = ed;
    this.gaps = null;
    this.signature = "";
    this.timer = null;
    this.inFlight = false;
    this.again = false;
    this.show = localStorage.getItem(STORE) !== "0";
    this.toggle = document.getElementById("toggle-gaps");
    this.guide = document.getElementById("guide");
    this.guideStep = document.getElementById("guide-step");
    this.guidePrompt = document.getElementById("guide-prompt");
    this.guidePrev = document.getElementById("guide-prev");
    this.guideNext = document.getElementById("guide-next");
    this.guideStart = document.getElementById("guide-start");
    this.guideEnd = document.getElementById("guide-end");
    this.world = document.getElementById("world");

    this.toggle.addEventListener("click", () => {
      this.show = !this.show;
      localStorage.setItem(STORE, this.show ? "1" : "0");
      this.paint();
    });
    this.guideStart.addEventListener("click", () => this.setStage(STAGES[0]));
    this.guideEnd.addEventListener("click", () => this.setStage(""));
    this.guidePrev.addEventListener("click", () => this.step(-1));
    this.guideNext.addEventListener("click", () => this.step(1));
  }

  get stage() {
    return this.ed.state?.board?.stage ?? "";
  }

  /** Whoever may facilitate leads the workshop; the server checks it again. */
  get canLead() {
    return Boolean(this.ed.can.facilitate);
  }

  /** `signature` is methodSignature(state) of the board just drawn. */
  boardChanged(signature) {
    if (signature !== this.signature) {
      this.signature = signature;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.fetch(), this.gaps ? FETCH_MS : 0);
    }
    this.paint();
    this.paintGuide();
  }

  roleChanged() {
    this.paintGuide();
  }

  async fetch() {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    try {
      const url = document.querySelector("[data-board-id]").dataset.gapsUrl ?? `/boards/${this.ed.boardId}/gaps.json`;
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        this.gaps = { uncovered: new Set(data.uncovered), phases: data.phases };
        this.paint();
      }
    } catch {
      // Offline: the marks stay as they were and follow once the board syncs again.
    } finally {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        this.fetch();
      }
    }
  }

  /** Marks on uncovered touchpoints, coverage and KPIs in the phase headers. */
  paint() {
    const { renderer } = this.ed;
    this.toggle.setAttribute("aria-pressed", String(this.show));
    this.world.classList.toggle("show-gaps", this.show);
    const uncovered = this.gaps?.uncovered ?? new Set();
    for (const [id, view] of renderer.cards) {
      const mark = this.show && uncovered.has(id);
      if (view.uncovered !== mark) {
        view.uncovered = mark;
        view.el.classList.toggle("is-uncovered", mark);
        view.gap.hidden = !mark;
      }
    }
    const phases = this.gaps?.phases ?? {};
    for (const phase of this.ed.state.phases) {
      const view = renderer.phases.get(phase.id);
      if (!view) continue;
      const figures = phases[phase.id];
      const coverage = figures?.coverage;
      const text = coverage === null || coverage === undefined ? "" : t("coverage", { percent: number(coverage) });
      const gaps = figures?.gaps ?? [];
      view.coverage.hidden = !this.show || (!text && !gaps.length);
      if (view.coverage.textContent !== text) view.coverage.textContent = text;
      // The tone (good, fair, poor) is the server's: boards/gaps.py coverage_tone.
      view.coverage.className = `coverage ${figures?.tone ?? ""}`;
      if (figures) {
        // The phase's gaps from the one list the panel shows, one per line.
        const title = text
          ? t("coverage_title", { covered: number(figures.covered), total: number(figures.touchpoints) })
          : "";
        view.coverage.title = [title, ...gaps].filter(Boolean).join("\n");
        view.coverage.dataset.gaps = String(gaps.length);
      }
      this.paintKpis(view, phase.kpis ?? []);
    }
  }

  paintKpis(view, kpis) {
    // A KPI with readings shows where it is heading: a tiny line, oldest left (the
    // panels draw the same, boards/kpis.py); decoration only, the figure says the value.
    const key = JSON.stringify(kpis);
    if (view.kpiKey === key) return;
    view.kpiKey = key;
    const chips = kpis.slice(0, 3).map((kpi) => {
      const chip = document.createElement("li");
      chip.className = "kpi-chip";
      const name = document.createElement("span");
      name.className = "kpi-name";
      name.textContent = kpi.name;
      chip.append(name);
      const value = formatKpi(kpi);
      if (value) {
        const figure = document.createElement("span");
        figure.className = "kpi-value";
        figure.textContent = value;
        chip.append(figure);
      }
      const trend = sparkline(kpi.readings ?? []);
      if (trend) chip.append(trend);
      return chip;
    });
    if (kpis.length > 3) {
      const more = document.createElement("li");
      more.className = "kpi-chip more";
      more.textContent = t("kpi_more", { count: number(kpis.length - 3) });
      chips.push(more);
    }
    view.kpis.replaceChildren(...chips);
    view.kpis.hidden = kpis.length === 0;
  }

  // The workshop guide

  paintGuide() {
    const stage = this.stage;
    // When the facilitator moves the room to the gaps or the strategy, everyone's side
    // panel follows.
    if (this.lastStage !== undefined && stage !== this.lastStage) {
      if (stage === "gaps") this.ed.sidePanel.show("gaps");
      if (stage === "strategy") this.ed.sidePanel.show("strategy");
    }
    this.lastStage = stage;
    const index = STAGES.indexOf(stage);
    const lead = this.canLead && this.ed.canEdit;
    this.guide.dataset.stage = stage;
    this.guide.hidden = index === -1 && !lead;
    this.guideStart.hidden = index !== -1 || !lead;
    for (const button of [this.guidePrev, this.guideNext, this.guideEnd]) button.hidden = index === -1 || !lead;
    this.guidePrev.disabled = index <= 0;
    this.guideNext.disabled = index === STAGES.length - 1;
    this.guideStep.hidden = index === -1;
    this.guidePrompt.hidden = index === -1;
    if (index === -1) return;
    const step = t("guide_step", { n: index + 1, total: STAGES.length, name: t(`stage.${stage}`) });
    if (this.guideStep.textContent !== step) this.guideStep.textContent = step;
    const prompt = t(`prompt.${stage}`);
    if (this.guidePrompt.textContent !== prompt) this.guidePrompt.textContent = prompt;
  }

  step(delta) {
    const index = STAGES.indexOf(this.stage);
    const next = STAGES[Math.min(STAGES.length - 1, Math.max(0, index + delta))];
    this.setStage(next);
  }

  setStage(stage) {
    if (!this.canLead || stage === this.stage) return;
    // Not on the undo stack: moving the room along is not an edit of the board's content.
    this.ed.sync.submit([{ op: "board.update", stage }]);
  }
}

function formatKpi(kpi) {
  const unit = kpi.unit ? ` ${kpi.unit}` : "";
  const value = kpi.value === null || kpi.value === undefined ? null : `${number(kpi.value)}${unit}`;
  const target = kpi.target === null || kpi.target === undefined ? null : `${number(kpi.target)}${unit}`;
  if (value && target) return `${value} → ${target}`;
  if (value) return value;
  if (target) return t("kpi_target", { target });
  return "";
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** A KPI's readings as a 36 × 12 line (null for fewer than two readings). */
function sparkline(readings) {
  if (readings.length < 2) return null;
  const values = readings.map((reading) => reading.value);
  const low = Math.min(...values);
  const span = Math.max(...values) - low || 1;
  const points = values
    .map((value, index) => `${(1 + (index * 34) / (values.length - 1)).toFixed(1)},${(11 - ((value - low) / span) * 10).toFixed(1)}`)
    .join(" ");
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "kpi-trend");
  svg.setAttribute("viewBox", "0 0 36 12");
  svg.setAttribute("width", "36");
  svg.setAttribute("height", "12");
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(SVG_NS, "polyline");
  line.setAttribute("points", points);
  svg.append(line);
  return svg;
}
