// Free text from the host (an announcement, a break, thanks).
import { h } from '/v/lib/dom.js';
import { framed, lowerThird, titleSize } from './chrome.js';

export default {
  key: (state) => state.scene?.params?.text || '',
  mount(ctx, state) {
    const text = state.scene?.params?.text || '';
    if (ctx.overlay) return { el: lowerThird({ tab: '◆', title: text }) };
    const size = titleSize(text, [[8, 132], [14, 108], [24, 88], [48, 72], [96, 58], [9999, 46]]);
    const el = framed(ctx, '',
      h('div', { class: 'message-wrap' },
        h('div', { class: 'rule' }, h('span'), h('i'), h('span')),
        h('p', { class: 'message-text', style: { fontSize: `${size}px` }, text }),
        h('div', { class: 'rule' }, h('span'), h('i'), h('span'))));
    return { el };
  },
};
