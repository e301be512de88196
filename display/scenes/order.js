// A round's running order as a grid of cards. After a draw (抽签) the cards leave their old
// places, gather into a shuffled deck in the middle, and are dealt to their new places.
// Cards are absolutely positioned by transform, so every move runs on the compositor.
import { h, setText } from '/v/lib/dom.js';
import { orderNumber, quoted } from '/v/lib/format.js';
import { Timeline } from '../lib/motion.js';
import { layoutOf } from '../lib/stage-scale.js';
import { framed } from './chrome.js';

const GAP = 16;
const MIN_CARD_WIDTH = 320;

// The cards' box: below the head, across the stage (to the left of the join corner when it is
// shown; on the LED wall's wide stage, across all of it).
function areaFor(layout) {
  const right = layout.joinCorner ? layout.cornerLeft : layout.width - 96;
  return { x: 96, y: 268, width: right - 96, height: 740 };
}

function roundOf(state) {
  return state.scene?.params?.round || state.stage?.round || state.rounds?.[0]?.id || '';
}

// Grid geometry for n cards: more columns for longer orders, as many as the width holds
// (cards at least MIN_CARD_WIDTH wide); a wide stage uses its width for shorter columns.
// Low cards (40 entries beside the join corner) keep the title on one line and drop the unit
// (`density`), so nothing is cut.
export function gridFor(n, area = areaFor(layoutOf(null))) {
  const maxCols = Math.max(1, Math.floor((area.width + GAP) / (MIN_CARD_WIDTH + GAP)));
  const wanted = n <= 6 ? 2 : n <= 12 ? 3 : n <= 28 ? 4 : 5;
  const cols = Math.min(maxCols, Math.max(wanted, Math.ceil(n / (area.width > 2400 ? 5 : 8))));
  const rows = Math.max(1, Math.ceil(n / cols));
  const width = (area.width - GAP * (cols - 1)) / cols;
  const height = Math.min(176, (area.height - GAP * (rows - 1)) / rows);
  const density = height >= 96 ? '' : height >= 68 ? 'compact' : 'tight';
  return { cols, rows, width, height, density, area };
}

function place(grid, index) {
  const col = Math.floor(index / grid.rows);  // fill down each column: reads like a programme
  const row = index % grid.rows;
  return { x: grid.area.x + col * (grid.width + GAP), y: grid.area.y + row * (grid.height + GAP) };
}

function orderIds(ctx, state, round) {
  return ctx.catalogue.order(state, round).map((o) => o.entry);
}

export default {
  key: (state) => roundOf(state),
  mount(ctx, state) {
    const { t, catalogue } = ctx;
    const round = roundOf(state);
    const area = areaFor(layoutOf(ctx));
    const timeline = new Timeline();
    const cards = new Map();  // entry id -> card element
    const status = h('div', { class: 'order-status' });
    const deck = h('div', { class: 'order-cards' });
    const el = framed(ctx, `${catalogue.roundName(round)}  ·  ${t('order.title')}`,
      h('div', { class: 'order-head' },
        h('h1', { class: 'order-title gold-text', text: t('order.title') }),
        status),
      deck);
    let shown = [];
    if (ctx.overlay) return { el: h('section', {}) };

    function card(entryId) {
      const entry = catalogue.entry(entryId);
      const number = h('div', { class: 'order-num' });
      const node = h('div', { class: 'order-card' },
        number,
        h('div', { class: 'order-text' },
          h('div', { class: 'order-entry-title', text: quoted(entry.title) }),
          h('div', { class: 'order-entry-unit', text: [entry.unit, entry.form].filter(Boolean).join(' · ') })));
      node.number = number;
      deck.append(node);
      return node;
    }

    function layout(ids, grid, statuses, { delayEach = 0, from = 0 } = {}) {
      deck.dataset.density = grid.density;
      ids.forEach((id, index) => {
        const node = cards.get(id) || cards.set(id, card(id)).get(id);
        node.style.width = `${grid.width}px`;
        node.style.height = `${grid.height}px`;
        node.dataset.status = statuses.get(id) || 'pending';
        setText(node.number, orderNumber(index + 1));
        const { x, y } = place(grid, index);
        const move = () => { node.style.transform = `translate(${x}px, ${y}px)`; node.style.opacity = '1'; };
        if (delayEach) timeline.at(from + index * delayEach, move);
        else move();
      });
    }

    // Gathers every card into a fanned deck mid-screen, then deals them in the new order.
    function shuffleTo(ids, grid, statuses) {
      el.classList.add('drawing');
      setText(status, t('order.drawing'));
      const cx = grid.area.x + grid.area.width / 2 - grid.width / 2;
      const cy = 600 - grid.height / 2;
      ids.forEach((id, i) => {
        const node = cards.get(id) || cards.set(id, card(id)).get(id);
        node.style.width = `${grid.width}px`;
        node.style.height = `${grid.height}px`;
        if (!node.style.transform) {
          node.style.transform = `translate(${cx}px, ${cy + 400}px)`;
          node.style.opacity = '0';
        }
      });
      // Deterministic jitter: the same draw looks the same on every screen.
      ids.forEach((id, i) => {
        const node = cards.get(id);
        const angle = ((i * 37) % 17) - 8;
        const dx = ((i * 53) % 41) - 20;
        timeline.at(60 + i * 25, () => {
          node.style.transform = `translate(${cx + dx}px, ${cy + (i % 5) * 3}px) rotate(${angle}deg)`;
          node.style.opacity = '1';
        });
      });
      const dealAt = 60 + ids.length * 25 + 900;
      timeline.at(dealAt, () => {
        el.classList.remove('drawing');
        layout(ids, grid, statuses, { delayEach: 110 });
      });
      timeline.at(dealAt + ids.length * 110 + 700, () => {
        setText(status, t('order.drawn'));
        el.dataset.phase = 'done';
      });
    }

    function render(next, animateDraw) {
      const items = catalogue.order(next, round);
      const ids = items.map((o) => o.entry);
      const statuses = new Map(items.map((o) => [o.entry, o.status]));
      const grid = gridFor(ids.length, area);
      if (animateDraw && !ctx.instant) {
        shuffleTo(ids, grid, statuses);
      } else {
        layout(ids, grid, statuses);
        setText(status, t('order.count', { n: ids.length }));
        el.dataset.phase = 'done';
      }
      shown = ids;
    }

    // A draw just happened if the order we saw before differs from this one, or the host
    // said so (scene param `drawn`).
    const before = ctx.previous ? orderIds(ctx, ctx.previous, round) : null;
    const now = orderIds(ctx, state, round);
    const drawn = (before && before.join() !== now.join()) || state.scene?.params?.drawn === '1';
    if (drawn && before) {
      // Start from the old places so the audience sees the cards move.
      const grid = gridFor(before.length, area);
      const statuses = new Map(catalogue.order(ctx.previous, round).map((o) => [o.entry, o.status]));
      layout(before, grid, statuses);
      el.classList.add('no-card-motion');
      requestAnimationFrame(() => requestAnimationFrame(() => {
        el.classList.remove('no-card-motion');
        render(state, true);
      }));
    } else {
      render(state, drawn);
    }

    return {
      el,
      update(next) {
        const ids = orderIds(ctx, next, round);
        const changed = ids.join() !== shown.join();
        if (changed) timeline.stop();
        render(next, changed);
      },
      leave() { timeline.stop(); },
    };
  },
};
