// The judges' panel for the entry on stage: who scored (and the total), who has yet to,
// who is recused.
import { h, clear, setText } from '/v/lib/dom.js';
import { fixed } from '/v/lib/format.js';

export function createJudgesPanel(app) {
  const { t } = app;
  const summary = h('span', { class: 'panel-summary', id: 'panel-summary' });
  const body = h('tbody');
  const empty = h('p', { class: 'panel-hint', text: t('panel.empty') });
  const el = h('section', { class: 'panel judges' },
    h('div', { class: 'panel-head' }, h('h2', { text: t('panel.title') }), summary),
    h('table', { class: 'judge-table' }, body),
    empty);

  return {
    el,
    render(state) {
      const panel = state.host?.panel || [];
      clear(body);
      empty.hidden = panel.length > 0 && Boolean(state.stage);
      const tally = { scored: 0, pending: 0, recused: 0 };
      for (const row of panel) {
        tally[row.status] = (tally[row.status] || 0) + 1;
        const judge = app.catalogue.judges.get(row.judge);
        body.append(h('tr', { class: `judge-${row.status}`, dataset: { judge: row.judge, status: row.status } },
          h('td', { class: 'j-name', text: row.name || judge?.name || row.judge }),
          h('td', { class: 'j-title', text: judge?.title || '' }),
          h('td', {}, h('span', { class: `chip ${row.status}`, text: t(`panel.${row.status}`) })),
          h('td', { class: 'j-total', text: row.status === 'scored' ? fixed(row.total, app.catalogue.decimals) : '—' })));
      }
      setText(summary, panel.length ? t('panel.summary', tally) : '');
    },
  };
}
