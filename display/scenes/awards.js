// The awards, tier by tier from the lowest to the highest (三等奖 → 二等奖 → 一等奖), then the
// popularity award. The host can step through tiers (scene param `tier`); without it the
// display plays the whole sequence and holds on the last tier.
import { h } from '/v/lib/dom.js';
import { count, published, quoted } from '/v/lib/format.js';
import { Timeline } from '../lib/motion.js';
import { framed, ledgerMark, lowerThird } from './chrome.js';

const HOLD_MS = 9000;

function params(state) {
  return state.scene?.params || {};
}

// The tiers to present, lowest first, popularity last, each with its winners.
export function awardSequence(catalogue, awards) {
  const list = awards?.awards || [];
  const tiers = [...catalogue.awards].reverse().map((tier) => ({
    id: tier.id,
    name: tier.name,
    winners: list.filter((a) => a.award === tier.id),
  }));
  const popularity = list.filter((a) => a.award === 'popularity');
  tiers.push({ id: 'popularity', name: catalogue.contest.popularity_award || popularity[0]?.name || '', winners: popularity });
  // Tiers the server knows but the catalogue does not (imported contests), at the end.
  for (const a of list) {
    if (!tiers.some((tier) => tier.id === a.award)) tiers.push({ id: a.award, name: a.name, winners: list.filter((b) => b.award === a.award) });
  }
  return tiers.filter((tier) => tier.winners.length || tier.id !== 'popularity');
}

export default {
  key: (state) => `${params(state).round || state.awards?.round || ''}/${params(state).tier || ''}`,
  mount(ctx, state) {
    const { t, catalogue } = ctx;
    const timeline = new Timeline();
    const round = params(state).round || state.awards?.round || '';
    const tiers = awardSequence(catalogue, state.awards);
    const chosen = params(state).tier;
    const results = new Map(((state.leaderboard?.round === round ? state.leaderboard.entries : []) || []).map((r) => [r.entry, r]));

    if (ctx.overlay) {
      const tier = tiers.find((x) => x.id === chosen) || tiers[tiers.length - 1];
      return { el: lowerThird({ tab: tier?.name || t('awards.title'), kicker: catalogue.roundName(round),
        title: (tier?.winners || []).map((w) => quoted(catalogue.entry(w.entry).title)).join('  ') || t('awards.empty') }) };
    }

    const stageEl = h('div', { class: 'awards-stage' });
    const el = framed(ctx, `${catalogue.roundName(round)}  ·  ${t('awards.title')}`, stageEl);
    const seal = ledgerMark(ctx, state);
    el.append(seal.el);

    function tierPanel(tier) {
      // Shared ranks can widen a tier: denser cards keep a crowded tier on one screen.
      const density = tier.winners.length > 10 ? ' many crowd' : tier.winners.length > 4 ? ' many' : '';
      const panel = h('div', { class: `award-tier tier-${tier.id}${density}`, dataset: { tier: tier.id } },
        h('div', { class: 'award-name gold-text', text: tier.name }),
        h('div', { class: 'rule' }, h('span'), h('i'), h('span')),
        h('div', { class: 'award-winners' }, tier.winners.length
          ? tier.winners.map((w, i) => {
            const entry = catalogue.entry(w.entry);
            const result = results.get(w.entry);
            const detail = tier.id === 'popularity'
              ? t('awards.votes', { n: count(result?.votes ?? w.votes ?? 0) })
              : (result ? published(result, 'final') : '');
            return h('div', { class: 'award-card', style: { transitionDelay: `${600 + i * (tier.winners.length > 10 ? 60 : 180)}ms` } },
              h('div', { class: 'award-card-title', text: quoted(entry.title) }),
              h('div', { class: 'award-card-unit', text: entry.unit }),
              detail ? h('div', { class: 'award-card-detail', text: detail }) : null);
          })
          : h('div', { class: 'award-empty', text: t('awards.empty') })));
      return panel;
    }

    function present(tier) {
      const panel = tierPanel(tier);
      const old = stageEl.querySelector('.award-tier.in');
      if (old) {
        old.classList.remove('in');
        old.classList.add('out');
        timeline.at(800, () => old.remove());
      }
      stageEl.append(panel);
      el.dataset.tier = tier.id;
      if (ctx.instant) panel.classList.add('in', 'no-motion');
      else requestAnimationFrame(() => requestAnimationFrame(() => panel.classList.add('in')));
    }

    if (chosen) {
      present(tiers.find((x) => x.id === chosen) || { id: chosen, name: chosen, winners: [] });
    } else if (ctx.instant) {
      if (tiers.length) present(tiers[tiers.length - 1]);
    } else {
      tiers.forEach((tier, i) => timeline.at(i * HOLD_MS, () => present(tier)));
    }
    return { el, update(next) { seal.update(next); }, leave() { timeline.stop(); } };
  },
};
