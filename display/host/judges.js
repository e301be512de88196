// The judges' panel for the entry on stage: who scored (and the total), who has yet to,
// who is recused. Below it, each judge's marking over the round measured against the panel
// (state.host.judge_stats, docs/protocol.md "Judge statistics"; definitions in docs/judging.md).
import { h, clear, setText } from '/v/lib/dom.js';
import { fixed } from '/v/lib/format.js';

export function createJudgesPanel(app) {
  const { t } = app;
  const summary = h('span', { class: 'panel-summary', id: 'panel-summary' });
  const body = h('tbody');
  const empty = h('p', { class: 'panel-hint', text: t('panel.empty') });
  const stats = createStatsTable(app);
  const el = h('section', { class: 'panel judges' },
    h('div', { class: 'panel-head' }, h('h2', { text: t('panel.title') }), summary),
    h('table', { class: 'judge-table' }, body),
    empty,
    stats.el);

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
      stats.render(state.host?.judge_stats);
    },
  };
}

// A figure with the number of entries behind it: "+1.20 (18)"; "—" when there is none.
function figure(f, decimals, signed = false) {
  if (!f || f.value == null) return '—';
  const text = fixed(f.value, decimals);
  return `${signed && f.value > 0 ? '+' : ''}${text} (${f.n})`;
}

function createStatsTable(app) {
  const { t } = app;
  const title = h('h3', { class: 'stats-title' });
  const body = h('tbody');
  const head = h('thead', {}, h('tr', {},
    ['stats.judge', 'stats.entries', 'stats.bias', 'stats.marking', 'stats.rho', 'stats.dropped',
      'stats.affinity', 'stats.flags'].map((key) => h('th', { text: t(key), title: t(`${key}Hint`) }))));
  const table = h('table', { class: 'judge-stats' }, head, body);
  const note = h('p', { class: 'panel-hint stats-note' });
  const el = h('div', { class: 'judge-stats-box', id: 'judge-stats', hidden: true }, title, table, note);
  let last = '';
  return {
    el,
    render(view) {
      el.hidden = !view;
      if (!view) return;
      // Snapshots arrive with every vote: rebuild only when the figures move.
      const key = JSON.stringify(view);
      if (key === last) return;
      last = key;
      const round = app.catalogue.rounds?.get?.(view.round);
      setText(title, t('stats.title', { round: round?.name || view.round }));
      clear(body);
      for (const row of view.judges) {
        const flagged = row.flags.length > 0;
        body.append(h('tr', { class: flagged ? 'stats-flagged' : '', dataset: { judge: row.judge, flags: row.flags.join(' ') } },
          h('td', { class: 'j-name', text: row.name || row.judge }),
          h('td', { class: 'num', text: String(row.entries) }),
          h('td', { class: 'num', text: figure(row.bias, 2, true) }),
          h('td', { class: 'num', text: figure(row.marking_score, 2) }),
          h('td', { class: 'num', text: figure(row.spearman, 2) }),
          h('td', { class: 'num', text: `${row.dropped_high} / ${row.dropped_low}` }),
          h('td', { class: 'num', text: figure(row.affinity, 2, true) }),
          h('td', {}, row.flags.map((flag) => h('span', { class: `chip flag ${flag}`, text: t(`stats.flag.${flag}`) })))));
      }
      setText(note, t('stats.note', {
        sigma: view.sigma?.value == null ? '—' : fixed(view.sigma.value, 2),
        n: view.thresholds?.min_entries ?? 5,
      }));
    },
  };
}
