// The room's timer in the facilitation bar: a countdown in server time (room.serverNow),
// so every page and a late joiner show the same second; the facilitator's controls
// (start with the step's suggested length, pause, resume, +1 min, stop); and at zero a
// gentle flash on the canvas for everyone and, for whoever turned it on, a soft chime
// (off by default for participants, on for the facilitator who starts timers).

import { t } from "../page/strings.js";
import { paintBar, roomToRun } from "./room.js";

const SOUND_KEY = "journeymap.timerChime";
const EXTEND_SECONDS = 60;

/** "4:05", "1:02:03": whole seconds left, rounded up (a timer shows 0:00 only at zero). */
export function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export class TimerBar {
  constructor(ed) {
    this.ed = ed;
    this.room = ed.room;
    this.$ = (id) => document.getElementById(id);
    this.group = this.$("room-timer");
    this.face = this.$("timer-face");
    this.time = this.$("timer-time");
    this.fill = this.$("timer-fill");
    this.form = this.$("timer-start");
    this.minutes = this.$("timer-minutes");
    this.sound = this.$("timer-sound");
    this.note = this.$("room-note");
    this.stage = this.$("stage");
    this.tick = null;
    this.wasRunning = false;  // counting down with time left: the next zero flashes
    this.suggestedFor = null;

    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const minutes = Math.round(Number(this.minutes.value));
      if (!(minutes >= 1 && minutes <= 120)) {
        this.minutes.reportValidity();
        return;
      }
      this.unlockSound();
      this.room.perform("timer.start", { seconds: minutes * 60 }).catch(() => {});
    });
    this.$("timer-pause").addEventListener("click", () => this.act("timer.pause"));
    this.$("timer-resume").addEventListener("click", () => this.act("timer.resume"));
    this.$("timer-extend").addEventListener("click", () => this.act("timer.extend", { seconds: EXTEND_SECONDS }));
    this.$("timer-stop").addEventListener("click", () => this.act("timer.stop"));
    this.sound.addEventListener("click", () => {
      localStorage.setItem(SOUND_KEY, this.soundOn ? "0" : "1");
      if (this.soundOn) this.unlockSound();
      this.paint();
    });
    this.room.addEventListener("change", () => this.paint());
    ed.sync.addEventListener("peers", () => this.paint());
  }

  get lead() {
    return Boolean(this.ed.can.facilitate);
  }

  get soundOn() {
    const stored = localStorage.getItem(SOUND_KEY);
    return stored === null ? this.lead : stored === "1";
  }

  get timer() {
    return this.room.state?.timer ?? null;
  }

  act(action, args) {
    this.room.perform(action, args).catch(() => {});  // refusals show in the page's alert
  }

  /** What is left now, in ms (server time). */
  left() {
    const timer = this.timer;
    if (!timer) return 0;
    return timer.running ? timer.ends - this.room.serverNow() : timer.left;
  }

  paint() {
    const timer = this.timer;
    const lead = this.lead;
    this.group.hidden = !timer && !(lead && roomToRun(this.ed));
    this.form.hidden = !lead || Boolean(timer && this.left() > 0);
    const running = Boolean(timer?.running) && this.left() > 0;
    this.$("timer-pause").hidden = !lead || !running;
    this.$("timer-resume").hidden = !lead || !timer || timer.running;
    this.$("timer-extend").hidden = !lead || !timer;
    this.$("timer-stop").hidden = !lead || !timer;
    this.face.hidden = !timer;
    this.sound.hidden = !timer && !lead;
    this.sound.setAttribute("aria-pressed", String(this.soundOn));
    this.suggest();
    if (!timer) {
      this.wasRunning = false;
      this.face.dataset.state = "idle";
    }
    this.render();
    clearInterval(this.tick);
    this.tick = running ? setInterval(() => this.render(), 250) : null;
    paintBar();
  }

  /** Offer the step's suggested length (once per step, not over what was typed). */
  suggest() {
    const stage = this.ed.state?.board?.stage ?? "";
    if (stage === this.suggestedFor) return;
    this.suggestedFor = stage;
    const seconds = this.room.state?.step?.suggested?.[stage];
    if (!seconds) {
      this.form.title = "";
      return;
    }
    const minutes = Math.round(seconds / 60);
    this.minutes.value = String(minutes);
    this.form.title = t("timer.suggested", { minutes });
  }

  render() {
    const timer = this.timer;
    if (!timer) return;
    const left = this.left();
    const up = left <= 0;
    const text = up ? t("timer.up") : clock(left);
    if (this.time.textContent !== text) this.time.textContent = text;
    this.face.dataset.state = up ? "up" : timer.running ? (left <= 10_000 ? "ending" : "running") : "paused";
    this.$("timer-paused").hidden = timer.running || up;
    const share = timer.seconds ? Math.min(1, Math.max(0, left / (timer.seconds * 1000))) : 0;
    this.fill.style.transform = `scaleX(${share})`;
    if (timer.running && !up) this.wasRunning = true;
    if (up && this.wasRunning) {
      this.wasRunning = false;
      this.timeUp();
      this.paint();
    }
  }

  /** Zero reached while this page watched: a gentle flash, and the chime if wanted. */
  timeUp() {
    this.note.textContent = t("timer.up_note");
    this.stage.classList.remove("time-up");
    void this.stage.offsetWidth;  // restart the animation
    this.stage.classList.add("time-up");
    setTimeout(() => this.stage.classList.remove("time-up"), 4000);
    if (this.soundOn) this.chime();
  }

  unlockSound() {
    // Browsers let a page play sound only after a click: make the context on one.
    if (!this.audio && globalThis.AudioContext) this.audio = new AudioContext();
    this.audio?.resume?.();
  }

  chime() {
    this.unlockSound();
    const audio = this.audio;
    if (!audio) return;
    // Two soft bell-like notes (E6, then B5), fading out: no file to fetch.
    [[1318.5, 0], [987.8, 0.28]].forEach(([frequency, delay]) => {
      const start = audio.currentTime + delay;
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.type = "sine";
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.18, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 1.4);
      tone.connect(gain).connect(audio.destination);
      tone.start(start);
      tone.stop(start + 1.5);
    });
  }
}
