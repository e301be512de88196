// The frame every full-screen scene shares: the contest's mark and name top left, a label
// (round, scene) top right, a gold hairline at the foot.
import { h, setText } from '/v/lib/dom.js';

export function header(ctx, label = '') {
  return h('header', { class: 'chrome' },
    h('div', { class: 'brand' },
      h('span', { class: 'brand-mark' }),
      h('span', { class: 'brand-name', text: ctx.catalogue.contest.name || '' })),
    h('div', { class: 'chrome-label', text: label }));
}

export function footer() {
  return h('footer', { class: 'chrome-foot' }, h('span', { class: 'foot-line' }));
}

// A full-screen scene element with the frame around `body`.
export function framed(ctx, label, ...body) {
  return h('section', {}, header(ctx, label), h('div', { class: 'scene-body' }, ...body), footer());
}

// The ledger's head published at the last reveal or correction (state.ledger, 12 hex digits),
// small at the foot of the results scenes: a photo of the screen names the ledger it came from,
// and `stagevote verify --head` checks it. Hidden until there is one.
export function ledgerMark(ctx, state) {
  const el = h('div', { class: 'ledger-head' });
  function update(next) {
    const head = next?.ledger?.head || '';
    el.hidden = !head;
    el.dataset.head = head;
    setText(el, head ? ctx.t('ledger.head', { head, seq: next.ledger.seq }) : '');
  }
  update(state);
  return { el, update };
}

// A lower third for the overlay variant: gold tab on the left, text on a glass panel.
export function lowerThird({ tab = '', kicker = '', title = '', detail = '', extra = null }) {
  return h('section', { class: 'overlay-scene' },
    h('div', { class: 'lower-third' },
      tab ? h('div', { class: 'lt-tab', text: tab }) : null,
      h('div', { class: 'lt-body' },
        kicker ? h('div', { class: 'lt-kicker', text: kicker }) : null,
        h('div', { class: 'lt-title', text: title }),
        detail ? h('div', { class: 'lt-detail', text: detail }) : null),
      extra));
}

// Picks a font size for a title from its length, so long titles fit without measuring.
export function titleSize(text, steps) {
  const length = [...(text || '')].length;
  for (const [maxLength, size] of steps) if (length <= maxLength) return size;
  return steps[steps.length - 1][1];
}
