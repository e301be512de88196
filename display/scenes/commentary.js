// An expert's comment: name and title, optionally a line of what they said.
import { h } from '/v/lib/dom.js';
import { framed, lowerThird, titleSize } from './chrome.js';

export default {
  key: (state) => JSON.stringify(state.scene?.params || {}),
  mount(ctx, state) {
    const { t } = ctx;
    const { name = '', title = '', text = '' } = state.scene?.params || {};
    if (ctx.overlay) {
      return { el: lowerThird({ tab: '“', kicker: t('commentary.kicker'), title: name, detail: [title, text].filter(Boolean).join('  ·  ') }) };
    }
    const el = framed(ctx, t('commentary.kicker'),
      h('div', { class: 'commentary-card' },
        h('div', { class: 'commentary-quote gold-text', text: '“' }),
        h('div', { class: 'commentary-kicker', text: t('commentary.kicker') }),
        h('div', { class: 'commentary-name', text: name }),
        h('div', { class: 'rule left' }, h('span'), h('i'), h('span')),
        h('div', { class: 'commentary-title', text: title }),
        text ? h('p', { class: 'commentary-text', style: { fontSize: `${titleSize(text, [[30, 52], [60, 44], [120, 38], [999, 32]])}px` }, text }) : null));
    return { el };
  },
};
