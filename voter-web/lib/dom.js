// Tiny DOM helpers for every page (display, host console, judge cards, phones): build
// elements without a framework, and a localStorage wrapper that survives private browsing
// (where storage can throw).

// h('button', {class: 'x', onclick: fn, 'aria-label': '...', dataset: {...}}, child, 'text', [more])
// `text` sets the text, `style` may be an object, `on...` functions become listeners, other
// non-string values go to the element's property of that name when it has one (disabled,
// hidden, value...), everything else is an attribute (true: present, null/false: absent).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

// Sets text only when it differs, so repeated state snapshots do not touch the DOM.
export function setText(el, text) {
  const value = String(text);
  if (el.textContent !== value) el.textContent = value;
}

export const byId = (id) => document.getElementById(id);

// JSON values in localStorage; reads fall back and writes are dropped when storage is off.
export const storage = {
  get(key, fallback = null) {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      if (value === null || value === undefined) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch {
      /* storage full or disabled: the page still works, it just forgets on reload */
    }
  },
};

// Says `text` through a live region that stays in the page (role="status"): emptied first and
// filled a moment later, so that the same message twice in a row is announced twice.
export function announce(region, text) {
  if (!region) return;
  region.textContent = '';
  clearTimeout(region.announceTimer);
  region.announceTimer = setTimeout(() => { region.textContent = text; }, 60);
}

// Keeps what gets focus or is scrolled to clear of a sticky header (WCAG 2.4.11, focus not
// obscured): the page's scroll padding follows the header's height, which grows with a
// two-line connection banner or a larger text size.
export function keepClearOf(header) {
  if (!header) return;
  const pad = () => { document.documentElement.style.scrollPaddingTop = `${header.offsetHeight + 8}px`; };
  pad();
  if (typeof ResizeObserver === 'function') new ResizeObserver(pad).observe(header);
}
