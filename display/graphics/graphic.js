// The broadcast graphics (docs/graphics.md): a lower third (the entry on stage), a score
// reveal in steps (the judges' totals, the dropped ones struck with the judges' mean, then the
// audience's share, the final and the rank) and the leaderboard, each on a transparent
// 1920x1080 stage. One engine for both ways a crew loads them: the HTML templates
// (template.js: CasparCG's HTML producer, SPX, OBS) and the OGraf web components (ograf.js).
//
// The graphic follows the live feed as a venue screen does: a `display` WebSocket with the
// display key, the same `state` snapshots, so it shows only what the server has committed and
// revealed. The crew drives when it is on air (play/next/stop); what it shows comes from the
// feed unless the crew overrides a field with update(data).
//
// Nothing but the graphic is ever painted: no connection indicator and no error text on air.
// How it is doing is in `status` (and data-status on the stage) for whoever debugs it.
import { StageClient } from '/v/lib/client.js';
import { h } from '/v/lib/dom.js';
import { count, fixed, orderNumber, published, quoted } from '/v/lib/format.js';
import { displayStrings } from '/d/i18n/display.js';
import { Catalogue } from '/d/lib/catalogue.js';
import { fitStage } from '/d/lib/stage-scale.js';
import { droppedRoles } from '/d/scenes/reveal.js';
import { graphicsStrings } from './strings.js';

export const KINDS = ['lower-third', 'score-reveal', 'leaderboard'];

// Steps per graphic, as OGraf counts them (-1: as many as the content needs).
export const STEP_COUNT = { 'lower-third': 1, 'score-reveal': 3, leaderboard: -1 };

// Fields update() takes (each optional; an empty string or null clears it).
const FIELDS = ['key', 'lang', 'entry', 'title', 'kicker', 'detail', 'limit'];

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 12;
const OUT_MS = 600;  // the out transition (graphics.css), after which the stage is empty

const strings = {
  zh: { ...displayStrings.zh, ...graphicsStrings.zh },
  en: { ...displayStrings.en, ...graphicsStrings.en },
};

function normaliseLang(value) {
  const text = String(value ?? '').toLowerCase();
  if (text.startsWith('en')) return 'en';
  if (text.startsWith('zh')) return 'zh';
  return null;
}

// CasparCG passes templateData as a string: JSON, or its classic XML
// (<templateData><componentData id="f0"><data id="text" value="…"/></componentData>…);
// SPX a JSON string; OGraf renderers and tests an object.
export function parseData(data) {
  if (data == null || data === '') return {};
  if (typeof data === 'object') return data;
  const text = String(data).trim();
  if (text.startsWith('<')) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const out = {};
    for (const component of doc.querySelectorAll('componentData')) {
      const value = component.querySelector('data')?.getAttribute('value');
      if (component.id && value != null) out[component.id] = value;
    }
    return out;
  }
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

function wsUrl(base) {
  const url = new URL('/ws', base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

export class Graphic {
  // root: the element the 1920x1080 stage goes into (the template's body, the OGraf element's
  // shadow root); frame: what the stage is fitted to; base: the stagevote server's URL.
  constructor(kind, root, { frame, base, key = '', lang = 'zh', data = {} } = {}) {
    if (!KINDS.includes(kind)) throw new Error(`unknown graphic ${kind}`);
    this.kind = kind;
    this.base = base;
    this.data = {};
    this.key = '';
    this.lang = normaliseLang(lang) || 'zh';
    this.catalogue = new Catalogue();
    this.state = null;
    this.results = new Map();  // entry id -> its latest result seen (reveals, the leaderboard)
    this.lastRevealed = null;
    this.versionSeen = -1;
    this.playing = false;
    this.step = undefined;     // undefined: not on air (OGraf's "start" state)
    this.page = 0;
    this.signature = null;
    this.outTimer = null;
    this.client = null;
    this.status = 'waiting-key';
    this.listeners = [];       // called after each state, e.g. the template's follow mode

    this.el = h('div', { class: `sv-graphic sv-${kind}`, dataset: { shown: 'false', step: '' } });
    this.stage = h('div', { class: 'sv-stage', dataset: { graphic: kind, status: this.status } }, this.el);
    root.append(this.stage);
    this.fit = fitStage(this.stage, frame || document.documentElement);
    this.update({ key, ...data });
  }

  t(key, vars) {
    let text = strings[this.lang]?.[key] ?? strings.zh[key] ?? key;
    if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
    return text;
  }

  setStatus(status) {
    this.status = status;
    this.stage.dataset.status = status;
  }

  // ---- the crew's controls ----

  update(data) {
    const given = parseData(data);
    for (const field of FIELDS) {
      if (!(field in given)) continue;
      const value = given[field];
      if (value === null || value === undefined || value === '') delete this.data[field];
      else this.data[field] = String(value);
    }
    const lang = normaliseLang(this.data.lang);
    if (lang) this.lang = lang;
    const key = this.data.key || '';
    if (key !== this.key) {
      this.key = key;
      this.connect();
    }
    this.render();
  }

  // Takes the graphic on air at its first step (a reveal: the judges' totals).
  play({ skipAnimation = false } = {}) {
    return this.goto(0, { skipAnimation });
  }

  // The next step: the reveal's next stage, the leaderboard's next page (round again after the
  // last); the lower third has one step. Before play() it is play().
  next({ skipAnimation = false } = {}) {
    if (this.step === undefined) return this.play({ skipAnimation });
    if (this.kind === 'score-reveal') return this.goto(Math.min(this.step + 1, 2), { skipAnimation });
    if (this.kind === 'leaderboard') return this.goto(this.step + 1, { skipAnimation });
    return this.step;
  }

  goto(step, { skipAnimation = false } = {}) {
    clearTimeout(this.outTimer);
    this.playing = true;
    this.step = Math.max(0, step);
    this.motion(skipAnimation);
    this.render();
    return this.step;
  }

  // Off air: the out transition, then the stage is empty (transparent) again.
  stop({ skipAnimation = false } = {}) {
    this.playing = false;
    this.step = undefined;
    this.motion(skipAnimation);
    this.el.dataset.shown = 'false';
    this.el.dataset.step = '';
    clearTimeout(this.outTimer);
    this.outTimer = setTimeout(() => {
      if (this.playing) return;
      this.el.replaceChildren();
      this.signature = null;
    }, skipAnimation ? 0 : OUT_MS);
  }

  dispose() {
    clearTimeout(this.outTimer);
    this.client?.stop();
    this.client = null;
    this.stage.remove();
  }

  motion(skip) {
    this.el.classList.toggle('sv-no-motion', skip);
  }

  // ---- the live feed ----

  connect() {
    this.client?.stop();
    this.client = null;
    this.state = null;
    this.results.clear();
    this.lastRevealed = null;
    if (!this.key) {
      this.setStatus('waiting-key');
      return;
    }
    this.setStatus('connecting');
    const key = this.key;
    const client = new StageClient({ url: wsUrl(this.base), hello: () => ({ role: 'display', key, lang: this.lang }) });
    this.client = client;
    // A client replaced by another key may still report its close: only the current one speaks.
    const current = (handler) => (msg) => { if (this.client === client) handler(msg); };
    client.on('welcome', current((msg) => {
      this.versionSeen = -1;
      this.catalogue = new Catalogue(msg.contest || {});
      this.setStatus('live');
      this.render();
    }));
    client.on('state', current((state) => this.receive(state)));
    client.on('status', current((online) => {
      if (!online && this.status !== 'unauthorized') this.setStatus('offline');
    }));
    client.on('error', current((msg) => {
      // A wrong key: nothing is retried until the crew gives another (update({key})).
      if (msg.code === 'unauthorized') this.setStatus('unauthorized');
      // Too many wrong keys from this address (another machine behind it): try once the wait is over.
      if (msg.code === 'rate_limited' && !client.welcomed) {
        setTimeout(() => { if (this.client === client) client.retry(); }, (msg.retry_after || 1) * 1000);
      }
    }));
    client.start();
  }

  receive(state) {
    if (typeof state.version === 'number') {
      if (state.version < this.versionSeen) return;
      this.versionSeen = state.version;
    }
    this.state = state;
    const board = state.leaderboard;
    for (const result of board?.entries || []) {
      const known = this.results.get(result.entry);
      this.results.set(result.entry, { ...result, round: board.round, judge_names: known?.judge_names });
    }
    if (state.reveal?.entry) {
      this.results.set(state.reveal.entry, state.reveal);
      this.lastRevealed = state.reveal.entry;
    }
    this.render();
    for (const listener of this.listeners) listener(state);
  }

  onState(listener) {
    this.listeners.push(listener);
  }

  // The entry the reveal would show now (tests and the template's follow mode).
  get revealEntry() {
    return this.data.entry || this.lastRevealed;
  }

  // ---- what is shown ----

  // The content for the current data and state, with a signature that changes when it does;
  // null when there is nothing to show (no key yet, nothing on stage, nothing revealed).
  content() {
    if (this.kind === 'lower-third') return this.lowerThirdContent();
    if (this.kind === 'score-reveal') return this.revealContent();
    return this.leaderboardContent();
  }

  render() {
    const content = this.playing ? this.content() : null;
    if (!content) {
      if (this.playing) {
        this.el.dataset.shown = 'false';  // on air, waiting for something to show
        this.el.dataset.step = '';
      }
      return;
    }
    const signature = JSON.stringify([this.lang, content.signature]);
    if (signature !== this.signature) {
      this.signature = signature;
      clearTimeout(this.outTimer);
      const fresh = content.build();
      // A new subject while on air (the next entry on stage): the new text fades in.
      if (this.el.dataset.shown === 'true') fresh.classList.add('sv-swap');
      this.el.replaceChildren(fresh);
    }
    this.el.dataset.step = String(this.kind === 'leaderboard' ? 0 : this.step);
    // Shown on the next frame, so that the in transition starts from the hidden look.
    if (this.el.dataset.shown !== 'true') {
      requestAnimationFrame(() => {
        if (this.playing && this.el.firstChild) this.el.dataset.shown = 'true';
      });
    }
  }

  // The entry on stage (or the crew's `entry`), its running-order number, unit and form.
  lowerThirdContent() {
    const { data, state, catalogue } = this;
    const entryId = data.entry || state?.stage?.entry || '';
    // Nothing before the feed's first state (an entry id is no title), unless the crew wrote one.
    if ((!entryId || !state) && !data.title) return null;
    const entry = catalogue.entry(entryId);
    const round = state?.stage?.entry === entryId ? state.stage.round : catalogue.roundOf(state, entryId);
    const order = state?.stage?.entry === entryId && state.stage.order != null
      ? state.stage.order : catalogue.position(state, round, entryId);
    const tab = entryId ? orderNumber(order) : '';
    const kicker = data.kicker ?? (order != null ? this.t('stage.kicker', { n: order }) : catalogue.roundName(round));
    const title = data.title ?? quoted(entry.title);
    const detail = data.detail ?? [entry.unit, entry.form].filter(Boolean).join('  ·  ');
    return {
      signature: [entryId, tab, kicker, title, detail],
      build: () => h('div', { class: 'sv-lt', dataset: { entry: entryId } },
        tab ? h('div', { class: 'sv-lt-tab', text: tab }) : null,
        h('div', { class: 'sv-lt-body' },
          kicker ? h('div', { class: 'sv-lt-kicker', text: kicker }) : null,
          h('div', { class: 'sv-lt-title', text: title }),
          detail ? h('div', { class: 'sv-lt-detail', text: detail }) : null)),
    };
  }

  // The result of the entry last revealed on the venue screen (or the crew's `entry`, once
  // revealed: the server sends a display no result before it is revealed).
  revealContent() {
    const entryId = this.revealEntry;
    const result = entryId ? this.results.get(entryId) : null;
    if (!result) return null;
    const { catalogue } = this;
    const entry = catalogue.entry(result.entry);
    const round = result.round || catalogue.roundOf(this.state, result.entry);
    const order = catalogue.position(this.state, round, result.entry);
    return {
      signature: [result, order, catalogue.decimals, this.data.title ?? null],
      build: () => this.buildReveal(result, entry, order),
    };
  }

  buildReveal(result, entry, order) {
    const { catalogue } = this;
    const scores = result.judge_scores || [];
    const roles = droppedRoles(scores);
    const d = catalogue.decimals;
    const n = Math.max(scores.length, 1);
    // Up to 15 judges across the panel's 1536 px; the figures shrink with the cards.
    const cardWidth = Math.min(168, Math.floor((1536 - 12 * (n - 1)) / n));
    const totalSize = Math.min(40, Math.floor(cardWidth / 3.3));
    const nameSize = Math.min(22, Math.floor(cardWidth / 4.4));
    const tagSize = Math.min(20, Math.floor(cardWidth / 5.4));
    const cards = scores.map((s, i) => {
      const role = roles.get(s.judge) || '';
      return h('div', {
        class: `sv-judge${s.dropped ? ' sv-dropped' : ''}`,
        style: { width: `${cardWidth}px`, transitionDelay: `${i * 90}ms` },
        dataset: { judge: s.judge, role, dropped: s.dropped ? 'true' : 'false' },
      },
      h('div', { class: 'sv-judge-name', style: { fontSize: `${nameSize}px` }, text: catalogue.judgeName(s.judge, result.judge_names) }),
      h('div', { class: 'sv-judge-total', style: { fontSize: `${totalSize}px` }, text: fixed(s.total, d) }),
      h('div', { class: 'sv-judge-tag', style: { fontSize: `${tagSize}px` }, text: role ? this.t(`reveal.${role}`) : '' }));
    });
    const provisional = result.provisional ? this.t('reveal.provisional') : '';
    return h('div', { class: 'sv-reveal', dataset: { entry: result.entry } },
      h('div', { class: 'sv-reveal-head' },
        order != null ? h('div', { class: 'sv-reveal-num', text: orderNumber(order) }) : null,
        h('div', { class: 'sv-reveal-entry' },
          h('div', { class: 'sv-reveal-title', text: this.data.title ?? quoted(entry.title) }),
          h('div', { class: 'sv-reveal-unit', text: [entry.unit, entry.form].filter(Boolean).join('  ·  ') })),
        result.amended ? h('div', { class: 'sv-amended', text: this.t('reveal.amended') }) : null),
      h('div', { class: 'sv-judges' }, cards.length ? cards : h('div', { class: 'sv-judges-empty', text: this.t('reveal.noScores') })),
      h('div', { class: 'sv-figures' },
        h('div', { class: 'sv-figure sv-figure-judges', dataset: { from: '1' } },
          h('div', { class: 'sv-figure-label', text: this.t('reveal.judgeComponent') }),
          h('div', { class: 'sv-figure-value', text: published(result, 'judge_component') }),
          h('div', { class: 'sv-figure-note', text: this.t('reveal.weight', { w: Math.round(catalogue.judgeWeight * 100) }) })),
        h('div', { class: 'sv-figure sv-figure-audience', dataset: { from: '2' } },
          h('div', { class: 'sv-figure-label', text: this.t('reveal.audienceComponent') }),
          h('div', { class: 'sv-figure-value', text: published(result, 'audience_component') }),
          h('div', { class: 'sv-figure-note', text: audienceNote(this, result) })),
        h('div', { class: 'sv-figure sv-final', dataset: { from: '2', provisional: provisional ? 'true' : 'false' } },
          h('div', { class: 'sv-figure-label', text: this.t('reveal.final') }),
          h('div', { class: 'sv-final-value', text: published(result, 'final') }),
          h('div', { class: 'sv-final-note', text: [result.rank ? this.t('reveal.rank', { n: result.rank }) : '', provisional].filter(Boolean).join('  ·  ') }))));
  }

  // The round's ranking of revealed entries, `limit` rows a page; next() turns the page.
  leaderboardContent() {
    const board = this.state?.leaderboard;
    const entries = board?.entries || [];
    if (!entries.length) return null;
    const limit = Math.min(MAX_LIMIT, Math.max(1, Number.parseInt(this.data.limit, 10) || DEFAULT_LIMIT));
    const pages = Math.ceil(entries.length / limit);
    const page = (this.step || 0) % pages;
    const rows = entries.slice(page * limit, page * limit + limit);
    const { catalogue } = this;
    return {
      signature: [board.round, rows, page, pages, limit],
      build: () => h('div', { class: 'sv-board', dataset: { round: board.round, page: String(page), pages: String(pages) } },
        h('div', { class: 'sv-board-head' },
          h('div', { class: 'sv-board-title', text: this.data.title ?? this.t('leaderboard.title') }),
          h('div', { class: 'sv-board-round', text: [catalogue.roundName(board.round), pages > 1 ? this.t('graphics.page', { n: page + 1, of: pages }) : ''].filter(Boolean).join('  ·  ') })),
        h('div', { class: 'sv-board-rows' },
          rows.map((result, i) => h('div', {
            class: `sv-row${(result.rank ?? 99) <= 3 ? ' sv-podium' : ''}`,
            style: { transitionDelay: `${150 + i * 60}ms` },
            dataset: { entry: result.entry, rank: String(result.rank ?? ''), provisional: result.provisional ? 'true' : 'false' },
          },
          h('span', { class: 'sv-row-rank', text: String(result.rank ?? '') }),
          h('span', { class: 'sv-row-entry' },
            h('span', { class: 'sv-row-title', text: quoted(catalogue.entry(result.entry).title) }),
            h('span', { class: 'sv-row-unit', text: catalogue.entry(result.entry).unit || '' })),
          h('span', { class: 'sv-row-final', text: published(result, 'final') }),
          h('span', { class: 'sv-row-tag', text: result.provisional ? this.t('reveal.provisional') : '' }))))),
    };
  }
}

// Votes (relative mode) or ratings (rating mode), as the venue screen says it.
function audienceNote(graphic, result) {
  if (result.ratings !== undefined) {
    if (result.too_few_ratings) return graphic.t('reveal.tooFewRatings', { n: count(result.ratings) });
    return graphic.t('reveal.ratings', { n: count(result.ratings), mean: Number(result.mean_rating).toFixed(2) });
  }
  return graphic.t('reveal.votes', { n: count(result.votes || 0) });
}
