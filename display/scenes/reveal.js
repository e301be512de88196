// The result of one entry, told in order: each judge's total appears in turn, the dropped
// highest and lowest are struck through, then the judges' and the audience's components and
// the final score count up, and the rank lands. The host console renders the same module,
// instantly, as its preview.
import { h } from '/v/lib/dom.js';
import { count, fixed, orderNumber, published, quoted } from '/v/lib/format.js';
import { countUp, Timeline } from '../lib/motion.js';
import { layoutOf } from '../lib/stage-scale.js';
import { framed, lowerThird, titleSize } from './chrome.js';

const JUDGE_STEP_MS = 800;

function revealOf(state) {
  return state.reveal || null;
}

// Which dropped totals are the highest and which the lowest: the server drops as many of
// each, so the upper half of the dropped (by total) are the highest.
export function droppedRoles(scores) {
  const dropped = scores.filter((s) => s.dropped).sort((a, b) => b.total - a.total);
  const roles = new Map();
  dropped.forEach((s, i) => roles.set(s.judge, i < dropped.length / 2 ? 'highest' : 'lowest'));
  return roles;
}

function signature(result) {
  if (!result) return '';
  const { judge_scores: scores = [], judge_component: jc, audience_component: ac, final, rank, votes, amended } = result;
  return JSON.stringify([scores, jc, ac, final, result.published, rank, votes, amended, result.provisional]);
}

export default {
  key: (state) => `${state.scene?.params?.round || ''}/${state.reveal?.entry || state.scene?.params?.entry || ''}`,
  mount(ctx, state) {
    const timeline = new Timeline();
    const holder = { el: null };
    let result = revealOf(state);
    let sig = signature(result);

    function build(instant) {
      timeline.stop();
      const el = ctx.overlay ? buildOverlay(ctx, state, result) : buildFull(ctx, state, result, timeline, instant);
      if (holder.el) {
        el.className = holder.el.className;
        holder.el.replaceWith(el);
      }
      holder.el = el;
      return el;
    }

    build(ctx.instant);
    return {
      get el() { return holder.el; },
      update(next) {
        const fresh = revealOf(next);
        if (!fresh || signature(fresh) === sig) return;
        result = fresh;
        sig = signature(fresh);
        state = next;
        build(true);  // a correction or late data: show the new numbers at once
      },
      leave() { timeline.stop(); },
    };
  },
};

function buildOverlay(ctx, state, result) {
  const { t, catalogue } = ctx;
  const entry = catalogue.entry(result?.entry || state.scene?.params?.entry);
  return lowerThird({
    tab: result ? `${published(result, 'final')}${result.provisional ? ` ${t('reveal.provisional')}` : ''}` : '',
    kicker: t('reveal.final'),
    title: quoted(entry.title),
    detail: result?.rank ? t('reveal.rank', { n: result.rank }) : entry.unit,
  });
}

function buildFull(ctx, state, result, timeline, instant) {
  const { t, catalogue } = ctx;
  const entryId = result?.entry || state.scene?.params?.entry;
  const round = state.scene?.params?.round || catalogue.roundOf(state, entryId) || state.stage?.round;
  const entry = catalogue.entry(entryId);
  const order = catalogue.position(state, round, entryId);
  const d = catalogue.decimals;
  const scores = result?.judge_scores || [];
  const roles = droppedRoles(scores);

  // A panel of 3 to 15 judges in one row: cards narrow with the panel (about 100 px each for
  // 15 on the 1920 stage) and their figures with them, sized so "100.00" fits the card.
  const n = Math.max(scores.length, 1);
  const layout = layoutOf(ctx);
  const rowWidth = (layout.joinCorner ? layout.cornerLeft : layout.width - 96) - 96;
  const cardWidth = Math.min(200, (rowWidth - 16 * (n - 1)) / n);
  const totalSize = `${Math.min(58, Math.floor((cardWidth - 12) / 3.1))}px`;
  const nameSize = `${Math.min(28, Math.floor((cardWidth - 12) / 4.2))}px`;  // 欧阳晓峰: four
  const tagSize = `${Math.min(22, Math.floor((cardWidth - 12) / 5.2))}px`;  // 去掉最高分: five characters
  const judgeCards = scores.map((s) => {
    const role = roles.get(s.judge);
    return h('div', { class: `judge-card${s.dropped ? ' dropped' : ''}`, style: { width: `${cardWidth}px` }, dataset: { judge: s.judge, role: role || '' } },
      h('div', { class: 'judge-name', style: { fontSize: nameSize }, text: catalogue.judgeName(s.judge, result.judge_names) }),
      h('div', { class: 'judge-total' }, h('span', { class: 'judge-total-value', style: { fontSize: totalSize }, text: fixed(s.total, d) }), h('i', { class: 'strike' })),
      h('div', { class: 'judge-tag', style: { fontSize: tagSize }, text: role ? t(`reveal.${role}`) : '' }));
  });

  const jcValue = h('span', { class: 'figure-value', text: fixed(0, d) });
  const acValue = h('span', { class: 'figure-value', text: fixed(0, d) });
  const finalValue = h('span', { class: 'final-value', text: fixed(0, d) });
  const rankEl = h('div', { class: 'reveal-rank', text: result?.rank ? t('reveal.rank', { n: result.rank }) : '' });
  const jcBlock = h('div', { class: 'figure' },
    h('div', { class: 'figure-label', text: t('reveal.judgeComponent') }), jcValue,
    h('div', { class: 'figure-note', text: t('reveal.weight', { w: Math.round(catalogue.judgeWeight * 100) }) }));
  const acBlock = h('div', { class: 'figure' },
    h('div', { class: 'figure-label', text: t('reveal.audienceComponent') }), acValue,
    h('div', { class: 'figure-note', text: `${audienceNote(t, result)} · ${t('reveal.weight', { w: Math.round(catalogue.audienceWeight * 100) })}` }));
  // Relative mode: the audience share moves with every later vote until the host closes the
  // round's audience vote, so the combined figure says so (暂计) rather than look final.
  const provisionalTag = result?.provisional
    ? h('div', { class: 'provisional-tag', dataset: { provisional: 'true' } },
      h('span', { class: 'provisional-mark', text: t('reveal.provisional') }),
      h('span', { class: 'provisional-note', text: t('reveal.provisionalNote') }))
    : null;
  const finalBlock = h('div', { class: `final${result?.provisional ? ' is-provisional' : ''}` },
    h('div', { class: 'final-label', text: t('reveal.final') }), finalValue, provisionalTag, rankEl);

  const plus = h('div', { class: 'figure-op', text: '+' });
  const equals = h('div', { class: 'figure-op', text: '=' });
  const size = titleSize(entry.title, [[10, 64], [16, 56], [22, 46], [99, 40]]);
  const el = framed(ctx, `${catalogue.roundName(round)}  ·  ${t('reveal.title')}`,
    h('div', { class: 'reveal-head' },
      h('div', { class: 'reveal-num gold-text', text: orderNumber(order) }),
      h('div', { class: 'reveal-entry' },
        h('div', { class: 'reveal-title', style: { fontSize: `${size}px` }, text: quoted(entry.title) }),
        h('div', { class: 'reveal-unit', text: [entry.unit, entry.form].filter(Boolean).join('  ·  ') })),
      result?.amended ? h('div', { class: 'amended-badge', text: t('reveal.amended') }) : null),
    h('div', { class: 'reveal-section-label', text: t('reveal.judges') }),
    h('div', { class: 'judge-row' }, judgeCards.length ? judgeCards : h('div', { class: 'judge-empty', text: t('reveal.noScores') })),
    h('div', { class: 'reveal-figures' },
      jcBlock, plus, acBlock, equals, finalBlock));
  el.dataset.phase = 'judges';
  if (!result) return el;

  const jc = published(result, 'judge_component');
  const ac = published(result, 'audience_component');
  const final = published(result, 'final');
  if (instant) {
    for (const card of judgeCards) card.classList.add('in', 'struck');
    for (const block of [jcBlock, plus, acBlock, equals, finalBlock]) block.classList.add('in');
    jcValue.textContent = jc;
    acValue.textContent = ac;
    finalValue.textContent = final;
    rankEl.classList.add('in');
    el.dataset.phase = 'done';
    return el;
  }

  let at = 700;
  judgeCards.forEach((card, i) => timeline.at(at + i * JUDGE_STEP_MS, () => card.classList.add('in')));
  at += judgeCards.length * JUDGE_STEP_MS + 300;
  const dropped = judgeCards.filter((card) => card.classList.contains('dropped'));
  // Highest first, then lowest, like a scorer reading them out.
  dropped.sort((a, b) => (a.dataset.role === 'highest' ? -1 : 1) - (b.dataset.role === 'highest' ? -1 : 1));
  dropped.forEach((card, i) => timeline.at(at + i * 600, () => card.classList.add('struck')));
  if (dropped.length) at += dropped.length * 600 + 700;
  timeline.at(at, () => {
    el.dataset.phase = 'components';
    jcBlock.classList.add('in');
    timeline.track(countTo(jcValue, jc, 1100));
  });
  at += 900;
  timeline.at(at, () => {
    plus.classList.add('in');
    acBlock.classList.add('in');
    timeline.track(countTo(acValue, ac, 1100));
  });
  at += 1100;
  timeline.at(at, () => {
    equals.classList.add('in');
    finalBlock.classList.add('in');
    timeline.track(countTo(finalValue, final, 1600));
  });
  at += 1800;
  timeline.at(at, () => {
    rankEl.classList.add('in');
    finalBlock.classList.add('landed');
    el.dataset.phase = 'done';
  });
  return el;
}

// Votes (relative mode) or ratings (rating mode: how many, their mean, or too few to count).
function audienceNote(t, result) {
  if (result && result.ratings !== undefined) {
    if (result.too_few_ratings) return t('reveal.tooFewRatings', { n: count(result.ratings) });
    return t('reveal.ratings', { n: count(result.ratings), mean: Number(result.mean_rating).toFixed(2) });
  }
  return t('reveal.votes', { n: count(result?.votes || 0) });
}

// Counts a published figure ("90.25") up from zero with as many decimals as it has, so that
// the last frame is exactly the server's text; a figure without a number ("—") just appears.
function countTo(el, text, duration) {
  const to = Number(text);
  if (!Number.isFinite(to)) {
    el.textContent = text;
    return () => {};
  }
  const places = text.split('.')[1]?.length ?? 0;
  return countUp(el, 0, to, { duration, format: (v) => fixed(v, places) });
}
