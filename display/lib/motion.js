// Animation helpers. Everything moves with transform and opacity (compositor only); numbers
// count up by rewriting one text node per frame inside a fixed-size box.

const easeOutCubic = (p) => 1 - (1 - p) ** 3;

// Counts el's text from `from` to `to` over `duration` ms; returns a cancel function.
export function countUp(el, from, to, { duration = 1200, format = (v) => String(Math.round(v)), instant = false } = {}) {
  if (instant || duration <= 0 || from === to) {
    el.textContent = format(to);
    return () => {};
  }
  const start = performance.now();
  let frame = 0;
  const step = (now) => {
    const p = Math.min(1, (now - start) / duration);
    el.textContent = format(p >= 1 ? to : from + (to - from) * easeOutCubic(p));
    if (p < 1) frame = requestAnimationFrame(step);
  };
  frame = requestAnimationFrame(step);
  return () => cancelAnimationFrame(frame);
}

// A set of scheduled steps that can all be cancelled when a scene leaves.
export class Timeline {
  constructor() {
    this.timers = new Set();
    this.cancels = new Set();
  }

  at(ms, fn) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  every(ms, fn) {
    const timer = setInterval(fn, ms);
    this.timers.add(timer);
    return timer;
  }

  // Remembers a cancel function (e.g. from countUp) to call on stop().
  track(cancel) {
    this.cancels.add(cancel);
    return cancel;
  }

  stop() {
    for (const timer of this.timers) {
      clearTimeout(timer);
      clearInterval(timer);
    }
    this.timers.clear();
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
  }
}

// Adds a class on the next frame so a CSS transition runs from the element's initial style.
export function enter(el, className = 'in', delay = 0, timeline = null) {
  const go = () => requestAnimationFrame(() => requestAnimationFrame(() => el.classList.add(className)));
  if (delay > 0) (timeline ? timeline.at(delay, go) : setTimeout(go, delay));
  else go();
}
