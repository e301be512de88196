// Issue 17: the tolerance review on the console. Entries in review (复核) with each judge's
// total and what breaks the table; when the contest names no chief judge the host runs the
// review here (ask one judge to re-check, release with a reason), else the chief does it at
// the desk (/judge?desk=1) and the console only shows it.
import { h, clear, setText } from '/v/lib/dom.js';
import { fixed } from '/v/lib/format.js';

export function createReviewPanel(app, dialogs) {
  const { t } = app;
  const summary = h('span', { class: 'panel-summary', id: 'review-summary' });
  const list = h('div', { class: 'review-list', id: 'review-list' });
  const hint = h('p', { class: 'panel-hint', id: 'review-hint' });
  const el = h('section', { class: 'panel review', id: 'review-panel', hidden: true },
    h('div', { class: 'panel-head' }, h('h2', { text: t('review.title') }), summary), hint, list);

  const name = (id) => app.catalogue.judges.get(id)?.name || id;
  const fmt = (x) => fixed(x, app.catalogue.decimals);

  return {
    el,
    render(state) {
      const desk = state.host?.desk;
      el.hidden = !desk?.tolerance;
      if (el.hidden) return;
      const hostRuns = !desk.chief;
      setText(hint, hostRuns ? t('review.hostRuns') : t('review.chiefRuns', { name: name(desk.chief) }));
      const reviews = desk.reviews || [];
      setText(summary, t('review.summary', { n: reviews.filter((r) => r.in_review).length }));
      clear(list);
      if (!reviews.length) list.append(h('p', { class: 'panel-hint', text: t('review.none') }));
      for (const r of reviews) {
        const state_ = r.in_review ? 'in_review' : r.released ? 'released' : 'open';
        const why = [];
        if (r.kept_gap_broken) why.push(t('review.keptGap', { min: fmt(r.kept_min), max: fmt(r.kept_max), allowed: fmt(r.allowed_gap) }));
        if (r.extremes_broken) why.push(t('review.extremes', { low: fmt(r.low), high: fmt(r.high), allowed: fmt(r.allowed_extremes) }));
        const rows = (r.totals || []).map((row) => h('tr', { class: row.breaks ? 'breaks' : '', dataset: { judge: row.judge } },
          h('td', { text: name(row.judge) }),
          h('td', { class: 'j-total', text: fmt(row.total) }),
          h('td', { text: row.breaks ? t('review.breaks') : '' }),
          h('td', {}, r.recheck?.judge === row.judge ? h('span', { class: 'chip pending', text: t('review.asked') })
            : hostRuns && r.in_review && !r.recheck ? h('button', { class: 'btn small ghost', type: 'button', dataset: { action: 'recheck' },
              text: t('review.recheck'),
              onclick: async () => {
                const note = await dialogs.confirm(t('review.recheckConfirm', { name: name(row.judge), title: app.catalogue.entry(r.entry).title }), { input: t('review.note') });
                if (note) await app.command('request_recheck', { round: r.round, entry: r.entry, judge: row.judge, note });
              } }) : null)));
        list.append(h('div', { class: 'review-item', dataset: { entry: r.entry, state: state_ } },
          h('h3', {}, `《${app.catalogue.entry(r.entry).title}》 `, h('span', { class: `chip ${state_ === 'released' ? 'scored' : 'pending'}`, text: t(`review.state_${state_}`) })),
          ...why.map((text) => h('p', { class: 'panel-hint review-why', text })),
          h('table', { class: 'judge-table' }, h('tbody', {}, ...rows)),
          hostRuns && r.in_review ? h('button', { class: 'btn small', type: 'button', dataset: { action: 'release' }, text: t('review.release'),
            onclick: async () => {
              const reason = await dialogs.confirm(t('review.releaseConfirm', { title: app.catalogue.entry(r.entry).title }), { input: t('review.reason') });
              if (reason) await app.command('release_review', { round: r.round, entry: r.entry, reason });
            } }) : null));
      }
    },
  };
}
