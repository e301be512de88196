// The round's ranking of revealed entries. Rows are absolutely positioned by transform, so
// when a new result re-ranks them each row glides from its old place to its new one (the
// FLIP idea without measuring: the first and last positions are computed, not read).
import { h, setText } from '/v/lib/dom.js';
import { published, quoted } from '/v/lib/format.js';
import { Timeline } from '../lib/motion.js';
import { framed, ledgerMark, lowerThird } from './chrome.js';

const AREA = { x: 96, y: 300, width: 1728, height: 690 };

function roundOf(state) {
  return state.scene?.params?.round || state.leaderboard?.round || state.stage?.round || '';
}

// One column up to 10 rows; two columns up to 24; beyond that the top 24.
export function boardGeometry(n) {
  if (n <= 10) return { cols: 1, perCol: 10, rowHeight: 66, width: AREA.width, limit: 10 };
  return { cols: 2, perCol: 12, rowHeight: 55, width: (AREA.width - 32) / 2, limit: 24 };
}

export default {
  key: (state) => roundOf(state),
  mount(ctx, state) {
    const { t, catalogue } = ctx;
    const round = roundOf(state);
    const timeline = new Timeline();
    const rows = new Map();  // entry id -> {node, fields}
    const board = h('div', { class: 'board' });
    const heads = h('div', { class: 'board-heads' });
    const empty = h('div', { class: 'board-empty', text: t('leaderboard.empty') });
    let previousIds = null;

    if (ctx.overlay) {
      const top = (state.leaderboard?.entries || []).slice(0, 3);
      return { el: lowerThird({ tab: '★', kicker: `${catalogue.roundName(round)} · ${t('leaderboard.title')}`,
        title: top.map((r) => `${r.rank}. ${quoted(catalogue.entry(r.entry).title)} ${published(r, 'final')}${r.provisional ? ` ${t('reveal.provisional')}` : ''}`).join('    ') }) };
    }

    const el = framed(ctx, `${catalogue.roundName(round)}  ·  ${t('leaderboard.title')}`,
      h('div', { class: 'board-head-title' },
        h('h1', { class: 'gold-text', text: t('leaderboard.title') }),
        h('div', { class: 'board-round', text: catalogue.roundName(round) })),
      heads, board, empty);
    const seal = ledgerMark(ctx, state);
    el.append(seal.el);

    function headRow(geo) {
      const cells = () => h('div', { class: 'board-head' },
        h('span', { class: 'c-rank', text: t('leaderboard.rank') }),
        h('span', { class: 'c-entry', text: t('leaderboard.entry') }),
        geo.cols === 1 ? h('span', { class: 'c-num', text: t('leaderboard.judge') }) : null,
        geo.cols === 1 ? h('span', { class: 'c-num', text: t('leaderboard.audience') }) : null,
        h('span', { class: 'c-final', text: t('leaderboard.final') }));
      heads.replaceChildren(...Array.from({ length: geo.cols }, (_, i) => {
        const node = cells();
        node.style.width = `${geo.width}px`;
        node.style.transform = `translate(${AREA.x + i * (geo.width + 32)}px, ${AREA.y - 44}px)`;
        return node;
      }));
    }

    function row(result, geo) {
      const fields = {
        rank: h('span', { class: 'c-rank' }),
        title: h('span', { class: 'c-title' }),
        unit: h('span', { class: 'c-unit' }),
        judge: h('span', { class: 'c-num' }),
        audience: h('span', { class: 'c-num' }),
        final: h('span', { class: 'c-final' }),
      };
      const node = h('div', { class: 'board-row', dataset: { entry: result.entry } },
        fields.rank,
        h('span', { class: 'c-entry' }, fields.title, fields.unit),
        geo.cols === 1 ? fields.judge : null,
        geo.cols === 1 ? fields.audience : null,
        fields.final);
      board.append(node);
      return { node, fields };
    }

    function render(next, animate) {
      const entries = (next.leaderboard && next.leaderboard.round === round ? next.leaderboard.entries : []) || [];
      const geo = boardGeometry(entries.length);
      const visible = entries.slice(0, geo.limit);
      const ids = visible.map((r) => r.entry);
      const layoutChanged = !previousIds || boardGeometry(previousIds.length).cols !== geo.cols;
      if (layoutChanged) {
        for (const { node } of rows.values()) node.remove();
        rows.clear();
        headRow(geo);
      }
      empty.style.opacity = entries.length ? '0' : '1';
      heads.style.opacity = entries.length ? '1' : '0';
      const seen = new Set();
      visible.forEach((result, index) => {
        seen.add(result.entry);
        let item = rows.get(result.entry);
        const isNew = !item;
        if (isNew) {
          item = row(result, geo);
          rows.set(result.entry, item);
        }
        const entry = catalogue.entry(result.entry);
        setText(item.fields.rank, result.rank ?? index + 1);
        setText(item.fields.title, quoted(entry.title));
        setText(item.fields.unit, entry.unit);
        setText(item.fields.judge, published(result, 'judge_component'));
        setText(item.fields.audience, published(result, 'audience_component'));
        setText(item.fields.final, published(result, 'final'));
        // 暂计: the final may still move until the audience vote is over. Drawn by CSS from
        // the attribute, so that the cell's text stays the published figure alone.
        item.fields.final.dataset.tag = result.provisional ? t('reveal.provisional') : '';
        item.node.dataset.provisional = result.provisional ? 'true' : 'false';
        item.node.dataset.rank = String(result.rank ?? index + 1);
        item.node.classList.toggle('podium', (result.rank ?? index + 1) <= 3);
        item.node.style.width = `${geo.width}px`;
        item.node.style.height = `${geo.rowHeight - 8}px`;
        const col = Math.floor(index / geo.perCol);
        const x = AREA.x + col * (geo.width + 32);
        const y = AREA.y + (index % geo.perCol) * geo.rowHeight;
        const target = `translate(${x}px, ${y}px)`;
        if (isNew && animate && previousIds) {
          // A newly revealed entry slides in from the right and is highlighted.
          item.node.style.transform = `translate(${x + 240}px, ${y}px)`;
          item.node.style.opacity = '0';
          item.node.classList.add('fresh');
          timeline.at(400, () => { item.node.style.transform = target; item.node.style.opacity = '1'; });
          timeline.at(4000, () => item.node.classList.remove('fresh'));
        } else if (isNew) {
          item.node.style.transform = target;
          item.node.style.opacity = '0';
          timeline.at(150 + index * 70, () => { item.node.style.opacity = '1'; });
        } else {
          item.node.style.transform = target;
          item.node.style.opacity = '1';
        }
      });
      for (const [id, item] of rows) {
        if (!seen.has(id)) {
          item.node.style.opacity = '0';
          rows.delete(id);
          timeline.at(700, () => item.node.remove());
        }
      }
      el.dataset.count = String(visible.length);
      previousIds = ids;
    }

    render(state, !ctx.instant);
    return {
      el,
      update(next) { render(next, true); seal.update(next); },
      leave() { timeline.stop(); },
    };
  },
};
