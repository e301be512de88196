// The round's ranking of revealed entries. Rows are absolutely positioned by transform, so
// when a new result re-ranks them each row glides from its old place to its new one (the
// FLIP idea without measuring: the first and last positions are computed, not read).
import { h, setText } from '/v/lib/dom.js';
import { published, quoted } from '/v/lib/format.js';
import { Timeline } from '../lib/motion.js';
import { layoutOf } from '../lib/stage-scale.js';
import { framed, ledgerMark, lowerThird } from './chrome.js';

const COL_GAP = 32;
const MIN_COL_WIDTH = 440;  // rank, a title of ten characters or so, and the score

// The rows' box: below the head, across the stage or to the left of the join corner.
function areaFor(layout) {
  const right = layout.joinCorner ? layout.cornerLeft : layout.width - 96;
  return { x: 96, y: 300, width: right - 96, height: 690 };
}

function roundOf(state) {
  return state.scene?.params?.round || state.leaderboard?.round || state.stage?.round || '';
}

// One column with the judges' and audience's components up to 10 rows; beyond that as few
// compact columns (rank, entry, score) as hold the round in at most 12 rows, or 14 when the
// width allows no more columns; on the 1920 stage that is every entry of a round of 42. A
// longer round shows its top rows and a line saying how many more there are (`rest`).
export function boardGeometry(n, area = areaFor(layoutOf(null))) {
  if (n <= 10) return { cols: 1, perCol: 10, rowHeight: 66, width: area.width, limit: 10, area };
  const maxCols = Math.max(2, Math.floor((area.width + COL_GAP) / (MIN_COL_WIDTH + COL_GAP)));
  let cols = maxCols;
  for (let c = 2; c <= maxCols; c++) {
    if (Math.ceil(n / c) <= 12) { cols = c; break; }
  }
  const perCol = Math.min(14, Math.max(10, Math.ceil(n / cols)));
  const limit = cols * perCol;
  // The line for the rest takes the last row's place.
  const shown = n > limit ? limit - 1 : n;
  return { cols, perCol, rowHeight: Math.min(66, Math.floor(area.height / perCol)), width: (area.width - COL_GAP * (cols - 1)) / cols, limit: shown, area };
}

export default {
  key: (state) => roundOf(state),
  mount(ctx, state) {
    const { t, catalogue } = ctx;
    const round = roundOf(state);
    const area = areaFor(layoutOf(ctx));
    const timeline = new Timeline();
    const rows = new Map();  // entry id -> {node, fields}
    const board = h('div', { class: 'board' });
    const heads = h('div', { class: 'board-heads' });
    const empty = h('div', { class: 'board-empty', text: t('leaderboard.empty') });
    const rest = h('div', { class: 'board-rest' });
    let previousIds = null;
    let previousGeo = null;

    if (ctx.overlay) {
      const top = (state.leaderboard?.entries || []).slice(0, 3);
      return { el: lowerThird({ tab: '★', kicker: `${catalogue.roundName(round)} · ${t('leaderboard.title')}`,
        title: top.map((r) => `${r.rank}. ${quoted(catalogue.entry(r.entry).title)} ${published(r, 'final')}${r.provisional ? ` ${t('reveal.provisional')}` : ''}`).join('    ') }) };
    }

    const el = framed(ctx, `${catalogue.roundName(round)}  ·  ${t('leaderboard.title')}`,
      h('div', { class: 'board-head-title' },
        h('h1', { class: 'gold-text', text: t('leaderboard.title') }),
        h('div', { class: 'board-round', text: catalogue.roundName(round) })),
      heads, board, empty, rest);
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
        node.style.transform = `translate(${area.x + i * (geo.width + COL_GAP)}px, ${area.y - 44}px)`;
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
      const geo = boardGeometry(entries.length, area);
      const visible = entries.slice(0, geo.limit);
      const ids = visible.map((r) => r.entry);
      const layoutChanged = !previousGeo || previousGeo.cols !== geo.cols || previousGeo.perCol !== geo.perCol;
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
        const x = area.x + col * (geo.width + COL_GAP);
        const y = area.y + (index % geo.perCol) * geo.rowHeight;
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
      // Beyond the rows: how many more entries the round has, in the last row's place.
      const more = entries.length - visible.length;
      rest.hidden = more <= 0;
      setText(rest, more > 0 ? t('leaderboard.more', { n: more }) : '');
      if (more > 0) {
        rest.style.width = `${geo.width}px`;
        rest.style.height = `${geo.rowHeight - 8}px`;
        rest.style.transform = `translate(${area.x + (geo.cols - 1) * (geo.width + COL_GAP)}px, ${area.y + (geo.perCol - 1) * geo.rowHeight}px)`;
      }
      board.dataset.cols = String(geo.cols);
      board.dataset.narrow = geo.width < 600 ? '1' : '0';  // no room for the unit beside the title
      board.dataset.perCol = String(geo.perCol);
      el.dataset.count = String(visible.length);
      previousIds = ids;
      previousGeo = geo;
    }

    render(state, !ctx.instant);
    return {
      el,
      update(next) { render(next, true); seal.update(next); },
      leave() { timeline.stop(); },
    };
  },
};
