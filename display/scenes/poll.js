// The audience vote: a bar per entry with its count and share, the total, and a countdown
// to the poll's deadline measured on the server's clock. Counts follow `tally` messages.
import { h, setText } from '/v/lib/dom.js';
import { clock, count, orderNumber, percent, quoted, ratio } from '/v/lib/format.js';
import { countUp, Timeline } from '../lib/motion.js';
import { layoutOf } from '../lib/stage-scale.js';
import { framed, lowerThird } from './chrome.js';
import { joinBlock } from './join.js';

// The rows' box in stage pixels: the scene body (1728x834 on the 1920 stage) less the head
// (100) and the side column with its clock and QR code (360 + 48).
const ROWS_HEIGHT = 734;
const SIDE = 360 + 48;
const COL_GAP = 24;
const MIN_COL_WIDTH = 400;  // a number, a title of ten characters or so, and the count
const FULL_ROW = 52;        // one column with the bar beside the title down to this height

// Every entry of the poll on one screen (the audience votes on them all): one column of full
// rows (number, title and unit, bar, count and share) while they fit, else columns of compact
// rows (the bar drawn behind the title) as many as the width allows, filled down each column
// like a programme. Returns the columns, rows per column, row height and gap.
export function pollGrid(n, width = 1920) {
  const mainWidth = width - 192 - SIDE;
  const fit = (cols) => {
    const rows = Math.max(1, Math.ceil(n / cols));
    const gap = rows > 8 ? 8 : 16;
    const colWidth = (mainWidth - COL_GAP * (cols - 1)) / cols;
    return { cols, rows, gap, colWidth, rowHeight: Math.min(96, Math.floor((ROWS_HEIGHT - gap * (rows - 1)) / rows)) };
  };
  let best = fit(1);
  if (best.rowHeight >= FULL_ROW) return { ...best, compact: false };
  for (let cols = 2; fit(cols).colWidth >= MIN_COL_WIDTH; cols++) {
    best = fit(cols);
    if (best.rowHeight >= FULL_ROW) break;
  }
  return { ...best, compact: true };
}

function pollId(state) {
  return state.scene?.params?.poll || state.poll?.id || state.last_poll?.id || '';
}

// What we know of a poll from a snapshot: its entries, deadline, counts and whether open.
export function pollFrom(state, id) {
  const open = state.poll && state.poll.id === id ? state.poll : null;
  const last = state.last_poll && state.last_poll.id === id ? state.last_poll : null;
  const listed = (state.host?.polls || []).find((p) => p.id === id) || null;
  const source = open || last || listed;
  if (!source) return null;
  return {
    id,
    round: source.round || open?.round || last?.round || listed?.round,
    entries: source.entries || [],
    opened_at: open?.opened_at ?? last?.opened_at ?? 0,
    closes_at: open?.closes_at ?? last?.closes_at ?? 0,
    open: Boolean(open) && open.open !== false,
    counts: open?.counts || last?.counts || null,
    total: open?.total ?? last?.total ?? listed?.total ?? null,
    kind: source.kind || 'choice',  // a rating poll counts ratings (1..10), not votes
  };
}

export default {
  key: (state) => pollId(state),
  mount(ctx, state) {
    const { t, catalogue } = ctx;
    const id = pollId(state);
    const timeline = new Timeline();
    let poll = pollFrom(state, id) || { id, entries: state.stage ? [state.stage.entry] : [], closes_at: 0, open: true, counts: null, total: 0 };
    let counts = { ...(poll.counts || {}) };
    let total = poll.total ?? 0;
    let open = poll.open;
    let closesAt = poll.closes_at;
    const latest = ctx.tallyFor(id);
    if (latest) ({ counts, total, open, closesAt } = fromTally(latest, closesAt));
    const single = poll.entries.length === 1;
    const rating = poll.kind === 'rating';
    const titleKey = rating ? 'poll.ratingTitle' : 'poll.title';
    const unitKey = rating ? 'poll.ratings' : 'poll.votes';
    const round = poll.round || state.stage?.round;

    const rows = new Map();
    const totalEl = h('span', { class: 'poll-total-value', text: count(total) });
    const clockEl = h('div', { class: 'poll-clock-value' });
    const clockBar = h('div', { class: 'poll-clock-fill' });
    const clockLabel = h('div', { class: 'poll-clock-label' });
    const statusEl = h('div', { class: 'poll-status' });
    const liveText = h('span', { class: 'poll-live-text' });
    let heroEl = null;
    let join = null;

    let el;
    if (ctx.overlay) {
      const entry = catalogue.entry(poll.entries[0]);
      heroEl = h('span', { class: 'lt-count', text: count(total) });
      el = lowerThird({ tab: t(titleKey), kicker: t(open ? 'poll.open' : 'poll.closed'), title: single ? quoted(entry.title) : t('poll.scan'), detail: '',
        extra: h('div', { class: 'lt-poll' }, heroEl, h('span', { class: 'lt-count-unit', text: t(unitKey) }), clockEl, statusEl) });
    } else {
      const grid = pollGrid(poll.entries.length, layoutOf(ctx).width);
      const list = h('div', {
        class: `poll-rows rows-${Math.min(poll.entries.length, 12)}${grid.compact ? ' compact' : ''}${grid.rowHeight >= 80 ? ' tall' : ''}`,
        dataset: { cols: grid.cols },
        style: {
          gridTemplateColumns: `repeat(${grid.cols}, minmax(0, 1fr))`,
          gridTemplateRows: `repeat(${grid.rows}, ${grid.rowHeight}px)`,
          rowGap: `${grid.gap}px`,
        },
      });
      list.style.setProperty('--row-h', `${grid.rowHeight}px`);
      for (const entryId of poll.entries) {
        const entry = catalogue.entry(entryId);
        const fill = h('div', { class: 'bar-fill' });
        const countEl = h('span', { class: 'bar-count' });
        const pctEl = h('span', { class: 'bar-pct' });
        const position = catalogue.position(state, round, entryId);
        const row = h('div', { class: 'poll-row' },
          h('div', { class: 'poll-row-num', text: orderNumber(position) }),
          h('div', { class: 'poll-row-text' },
            h('div', { class: 'poll-row-title', text: quoted(entry.title) }),
            h('div', { class: 'poll-row-unit', text: entry.unit })),
          h('div', { class: 'bar' }, fill),
          h('div', { class: 'bar-figures' }, countEl, pctEl));
        rows.set(entryId, { fill, countEl, pctEl, shown: 0 });
        list.append(row);
      }
      // The QR code carries the join code in code mode, and follows it when it turns over.
      join = joinBlock(ctx, state, { variant: 'poll' });
      const side = h('div', { class: 'poll-side' },
        h('div', { class: 'poll-clock' }, clockLabel, clockEl, h('div', { class: 'poll-clock-bar' }, clockBar)),
        join.el);
      let main;
      if (single) {
        const entry = catalogue.entry(poll.entries[0]);
        heroEl = h('div', { class: 'poll-hero-count gold-text', text: count(total) });
        main = h('div', { class: 'poll-main single' },
          h('div', { class: 'poll-hero-title', text: quoted(entry.title) }),
          h('div', { class: 'poll-hero-unit', text: entry.unit }),
          h('div', { class: 'poll-hero' }, heroEl, h('span', { class: 'poll-hero-unit-label', text: t(unitKey) })),
          statusEl);
      } else {
        main = h('div', { class: 'poll-main' }, list);
      }
      // The total sits in the head, so that the rows have the whole height below it.
      el = framed(ctx, `${catalogue.roundName(round)}  ·  ${t(titleKey)}`,
        h('div', { class: 'poll-head' },
          h('h1', { class: 'poll-title gold-text', text: t(titleKey) }),
          h('div', { class: 'poll-live' }, h('span', { class: 'live-dot' }), liveText),
          single ? null : h('div', { class: 'poll-total' }, h('span', { class: 'poll-total-label', text: t('poll.total') }), totalEl, statusEl)),
        h('div', { class: 'poll-layout' }, main, side));
    }

    let heroShown = total;
    function paint(animate) {
      const max = Math.max(1, ...poll.entries.map((e) => counts[e] || 0));
      for (const [entryId, row] of rows) {
        const value = counts[entryId] || 0;
        // Bars are scaled to the leader so a close race stays readable; the share is of the total.
        row.fill.style.transform = `scaleX(${ratio(value, max)})`;
        timeline.track(countUp(row.countEl, row.shown, value, { duration: animate ? 500 : 0, format: (v) => count(Math.round(v)) }));
        row.shown = value;
        setText(row.pctEl, percent(value, total));
      }
      if (heroEl) {
        timeline.track(countUp(heroEl, heroShown, total, { duration: animate ? 500 : 0, format: (v) => count(Math.round(v)) }));
        heroShown = total;
      }
      setText(totalEl, count(total));
      el.classList.toggle('closed', !open);
      setText(statusEl, open ? '' : t('poll.closed'));
      setText(liveText, open ? t('poll.open') : t('poll.closed'));
      el.dataset.open = open ? '1' : '0';
      tick();
    }

    function tick() {
      if (!open) {
        setText(clockLabel, t('poll.closed'));
        setText(clockEl, '0:00');
        clockBar.style.transform = 'scaleX(0)';
        return;
      }
      if (!closesAt) {
        setText(clockLabel, t('poll.noDeadline'));
        setText(clockEl, '—');
        clockBar.style.transform = 'scaleX(1)';
        return;
      }
      const remaining = closesAt - ctx.now();
      setText(clockLabel, t('poll.remaining'));
      setText(clockEl, clock(remaining));
      const span = closesAt - (poll.opened_at || closesAt - 60000);
      clockBar.style.transform = `scaleX(${ratio(remaining, span)})`;
      el.classList.toggle('urgent', remaining <= 10000);
    }

    paint(false);
    timeline.every(250, tick);

    return {
      el,
      update(next) {
        join?.update(next);
        const fresh = pollFrom(next, id);
        if (!fresh) return;
        poll = { ...poll, ...fresh, entries: poll.entries };
        closesAt = fresh.closes_at || closesAt;
        if (!fresh.open) open = false;
        else open = true;
        if (fresh.counts && (fresh.total ?? 0) >= total) {
          counts = { ...fresh.counts };
          total = fresh.total;
        }
        paint(true);
      },
      tally(msg) {
        if (msg.poll !== id) return;
        ({ counts, total, open, closesAt } = fromTally(msg, closesAt));
        paint(true);
      },
      leave() { timeline.stop(); },
    };
  },
};

function fromTally(msg, closesAt) {
  return {
    counts: { ...(msg.counts || {}) },
    total: msg.total ?? Object.values(msg.counts || {}).reduce((a, b) => a + b, 0),
    open: msg.open !== false,
    closesAt: msg.closes_at ?? closesAt,
  };
}
