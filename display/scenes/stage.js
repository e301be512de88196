// The entry now performing: its running-order number, 《title》, unit, form and theme.
import { h } from '/v/lib/dom.js';
import { orderNumber, quoted } from '/v/lib/format.js';
import { framed, lowerThird, titleSize } from './chrome.js';

export default {
  key: (state) => `${state.stage?.round}/${state.stage?.entry}`,
  mount(ctx, state) {
    const { t, catalogue } = ctx;
    const stage = state.stage || {};
    const entry = catalogue.entry(stage.entry);
    const order = stage.order ?? catalogue.position(state, stage.round, stage.entry);
    if (ctx.overlay) {
      return { el: lowerThird({ tab: orderNumber(order), kicker: t('stage.kicker', { n: order ?? '' }), title: quoted(entry.title), detail: [entry.unit, entry.form].filter(Boolean).join('  ·  ') }) };
    }
    const size = titleSize(entry.title, [[8, 120], [12, 104], [16, 88], [20, 76], [26, 64], [99, 54]]);
    const el = framed(ctx, catalogue.roundName(stage.round),
      h('div', { class: 'stage-layout' },
        h('div', { class: 'stage-number' },
          h('div', { class: 'stage-number-label', text: t('stage.kicker', { n: order ?? '' }) }),
          h('div', { class: 'stage-number-digits gold-text', text: orderNumber(order) })),
        h('div', { class: 'stage-info' },
          h('div', { class: 'stage-now' }, h('span', { class: 'live-dot' }), t('stage.now')),
          h('h1', { class: 'stage-title', style: { fontSize: `${size}px` }, text: quoted(entry.title) }),
          h('div', { class: 'rule left' }, h('span'), h('i'), h('span')),
          h('div', { class: 'stage-unit', text: entry.unit }),
          h('div', { class: 'stage-tags' },
            entry.form ? h('div', { class: 'tag' }, h('span', { class: 'tag-label', text: t('stage.form') }), h('span', { class: 'tag-value', text: entry.form })) : null,
            entry.theme ? h('div', { class: 'tag' }, h('span', { class: 'tag-label', text: t('stage.theme') }), h('span', { class: 'tag-value', text: entry.theme })) : null))));
    return { el };
  },
};
