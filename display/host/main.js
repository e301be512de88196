// The host console: asks for the key, connects as host, and lays out the panels. Every
// control goes through app.command(), which confirms what is destructive, sends a `cmd`
// with the shared client's request(), and writes every failure in words.
import { StageClient } from '/v/lib/client.js';
import { h, setText } from '/v/lib/dom.js';
import { count } from '/v/lib/format.js';
import { createI18n } from '/v/lib/i18n.js';
import { hostStrings } from '../i18n/host.js';
import { Catalogue } from '../lib/catalogue.js';
import { createAdmissionPanel } from './admission.js';
import { askForKey, storedKey } from './auth.js';
import { createCorrection } from './correction.js';
import { createDataPanel } from './data.js';
import { createDialogs } from './dialog.js';
import { createDisplayLink } from './display-link.js';
import { nextStep } from './flow.js';
import { createIntegrityPanel } from './integrity.js';
import { createJudgesPanel } from './judges.js';
import { createPresencePanel } from './presence.js';
import { createRunOfShow } from './run-of-show.js';
import { createScenesPanel } from './scenes-panel.js';
import { createScreens } from './screens.js';
import { createStepPanel } from './step.js';
import { createAdvance } from './advance.js';
import { createReviewPanel } from './review.js';

const i18n = createI18n(hostStrings);
const { t } = i18n;
const dialogs = createDialogs(t);

const app = {
  t,
  i18n,
  dialogs,
  client: null,
  catalogue: new Catalogue(),
  state: null,
  tallies: new Map(),
  ui: { round: null, entry: null, checked: new Set(), scope: 'stage', duration: 60 },
  panels: [],

  refresh() {
    if (!this.state) return;
    for (const panel of this.panels) panel.render(this.state);
  },

  // Context for the display's scene modules (the preview).
  sceneContext() {
    return { t: displayT, catalogue: this.catalogue, overlay: false, info: { join_url: '' }, now: () => this.client.now(), tallyFor: (id) => this.tallies.get(id) || null };
  },

  // Sends a host command; resolves with the ack, or null if cancelled or refused.
  async command(action, fields = {}, { confirm = null } = {}) {
    if (confirm && !(await dialogs.confirm(confirm))) return null;
    if (!this.client.online) {
      dialogs.notice(`${t('error.prefix')}（${t(`act.${action}`) === `act.${action}` ? action : t(`act.${action}`)}）：${t('error.offline')}`);
      return null;
    }
    try {
      return await this.client.request({ type: 'cmd', action, ...fields });
    } catch (err) {
      const known = t(`error.${err.code}`);
      const label = t(`act.${action}`) === `act.${action}` ? action : t(`act.${action}`);
      const words = known === `error.${err.code}` ? err.message : `${known}${err.message && err.message !== err.code ? ` — ${err.message}` : ''}`;
      dialogs.notice(`${t('error.prefix')}（${label}）：${words}`);
      return null;
    }
  },

  // The flow buttons and the space key: run `action` if given and allowed, else the next step.
  async runStep(action = null) {
    const state = this.state;
    if (!state) return;
    let step = nextStep(state, this.ui);
    if (action && step?.action !== action) step = explicitStep(action, state, this.ui);
    if (!step) return;
    const title = this.catalogue.entry(step.fields.entry || state.stage?.entry).title;
    // Issue 17: a lock with judges still to score takes a written reason (ledgered).
    const missing = step.action === 'lock_scores' ? state.host?.desk?.missing : null;
    if (missing && missing.entry === step.fields.entry && missing.judges.length) {
      const names = missing.judges.map((j) => j.name).join('、');
      const reason = await dialogs.confirm(t('lock.missing', { title, names }), { input: t('lock.overrideReason') });
      if (!reason) return;
      await this.command('lock_scores', { ...step.fields, override_reason: reason });
      this.refresh();
      return;
    }
    const confirm = step.action === 'lock_scores' ? t('confirm.lock_scores', { title })
      : step.action === 'reveal' ? t('confirm.reveal', { title }) : null;
    const ack = await this.command(step.action, step.fields, { confirm });
    if (ack && step.action === 'start_entry') this.ui.entry = null;
    if (ack && step.action === 'open_poll') this.ui.checked.clear();
    this.refresh();
  },

  // Relative mode: the round's audience vote is over; its results stop being 暂计.
  async closeAudience(round) {
    if (!round) return;
    await this.command('close_audience', { round }, { confirm: t('confirm.close_audience', { round: this.catalogue.roundName(round) }) });
    this.refresh();
  },

  async unlock() {
    const stage = this.state?.stage;
    if (!stage) return;
    const reason = await dialogs.confirm(t('confirm.unlock_scores', { title: this.catalogue.entry(stage.entry).title }), { input: t('unlock.reason') });
    if (reason) await this.command('unlock_scores', { round: stage.round, entry: stage.entry, reason });
  },
};

// A button pressed out of the flow's order (e.g. lock without a poll).
function explicitStep(action, state, ui) {
  const stage = state.stage;
  if (action === 'start_entry') {
    const entry = ui.entry || nextStep({ ...state, phase: 'idle' }, ui)?.fields.entry;
    return entry ? { action, fields: { round: ui.round || stage?.round, entry } } : null;
  }
  if (!stage) return null;
  if (action === 'open_poll') return nextStep({ ...state, phase: 'on_stage' }, ui);
  if (action === 'close_poll') return state.poll ? { action, fields: { poll: state.poll.id } } : null;
  return { action, fields: { round: stage.round, entry: stage.entry } };
}

// The preview speaks the display's language table (it is the display's own scene).
let displayT = (key) => key;
import('../i18n/display.js').then(({ displayStrings }) => {
  displayT = createI18n(displayStrings).t;
  app.refresh();
});

// ---- layout ----
const connDot = h('span', { class: 'conn-dot' });
const connText = h('span', { class: 'conn-text', id: 'conn-text', text: t('conn.offline') });
const counts = h('span', { class: 'conn-counts', id: 'conn-counts' });
const langButton = h('button', { class: 'btn small ghost', id: 'lang-toggle', type: 'button', text: t('lang.toggle') });
langButton.addEventListener('click', () => i18n.toggle());
const contestName = h('span', { class: 'contest-name' });
// The ledger head published at the last reveal, as the display shows it (docs/data.md).
const ledgerHead = h('span', { class: 'ledger-head-console', id: 'ledger-head', hidden: true, title: t('ledger.hint') });
const header = h('header', { class: 'host-header' },
  h('div', { class: 'host-brand' }, h('span', { class: 'brand-mark' }), h('strong', { text: t('title') }), contestName),
  h('div', { class: 'host-status' }, h('span', { class: 'conn', id: 'conn', dataset: { online: '0' } }, connDot, connText), counts, ledgerHead, langButton));
const footer = h('footer', { class: 'host-footer' },
  h('strong', { text: `${t('keys.title')}：` }),
  h('kbd', { text: t('keys.space') }), h('kbd', { text: t('keys.b') }), h('kbd', { text: t('keys.esc') }),
  h('span', { class: 'next-hint', id: 'next-hint' }));

const runOfShow = createRunOfShow(app);
const step = createStepPanel(app);
const judges = createJudgesPanel(app);
const presence = createPresencePanel(app);
const correction = createCorrection(app);
const screens = createScreens(app);
const scenesPanel = createScenesPanel(app);
const data = createDataPanel(app);
const admission = createAdmissionPanel(app);
const integrity = createIntegrityPanel(app);
const displayLink = createDisplayLink(app);
app.panels = [runOfShow, step, judges, presence, correction, screens, scenesPanel, data, admission, displayLink, { render: renderChrome }];
// 晋级 beside 抽签 in the run of show's head.
const advance = createAdvance(app);
app.panels.push(advance);
runOfShow.el.querySelector('.panel-head').append(advance.button);
// Issue 17: the tolerance review (the desk view when no chief judge is named), under the judges.
const review = createReviewPanel(app, dialogs);
app.panels.push(review);

header.querySelector('.host-status').insertBefore(data.button, langButton);
header.querySelector('.host-status').insertBefore(data.cardsButton, data.button);
header.querySelector('.host-status').insertBefore(integrity.badge, data.button);

const main = h('main', { class: 'host-main' },
  h('div', { class: 'col col-left' }, runOfShow.el, scenesPanel.el),
  h('div', { class: 'col col-centre' }, step.el, judges.el, review.el, presence.el, admission.el, integrity.el),
  h('div', { class: 'col col-right' }, screens.el, displayLink.el, correction.el));
document.body.append(header, main, footer);

function renderChrome(state) {
  const c = state.host?.connections || {};
  setText(counts, `${t('conn.audience')} ${count(c.audience || 0)} · ${t('conn.judge')} ${c.judge || 0} · ${t('conn.display')} ${c.display || 0}`);
  const next = nextStep(state, app.ui);
  const hint = document.getElementById('next-hint');
  setText(hint, next ? `${t('step.next')}（${t('step.space')}）：${t(`act.${next.action}`)}` : '');
  setText(contestName, app.catalogue.contest.name || '');
  const head = state.ledger?.head || '';
  ledgerHead.hidden = !head;
  ledgerHead.dataset.head = head;
  setText(ledgerHead, head ? t('ledger.head', { head, seq: state.ledger.seq }) : '');
}

// ---- keyboard: space = next step, B = blackout ----
document.addEventListener('keydown', (event) => {
  if (dialogs.isOpen || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
  if (event.code === 'Space' || event.key === ' ') {
    event.preventDefault();
    // A focused button would also "click" on the space's keyup: run the flow step only.
    if (document.activeElement instanceof HTMLButtonElement) document.activeElement.blur();
    app.runStep();
  } else if (event.key === 'b' || event.key === 'B') {
    event.preventDefault();
    app.command('show', { scene: 'blackout' }, { confirm: t('confirm.blackout') });
  }
});

i18n.onChange(() => location.reload());  // every label is built once; a reload is simplest and keeps the key (session)

// The display key and the LAN address, for the display link and the live miniature. Asked
// after the welcome, when the host key is known to be right.
let linkShown = false;
async function loadDisplayLink() {
  if (linkShown) return;
  try {
    const headers = { Authorization: `Bearer ${storedKey()}` };
    const [contest, info] = await Promise.all([
      fetch('/api/contest', { headers }).then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`)))),
      fetch('/api/info').then((r) => (r.ok ? r.json() : {})),
    ]);
    if (!contest.display_key || linkShown) return;
    linkShown = true;
    app.joinUrl = info.join_url;
    screens.setDisplayKey(contest.display_key);
    displayLink.setLink(info.join_url, contest.display_key);
  } catch (err) {
    dialogs.notice(`${t('screens.linkFailed')}：${err.message}`);
  }
}

// ---- connection ----
async function start() {
  let key = storedKey() || (await askForKey(t));
  const client = new StageClient({ hello: () => ({ role: 'host', key, lang: i18n.lang }) });
  app.client = client;
  let versionSeen = -1;  // per connection: a state older than one we have is stale
  client.on('welcome', (msg) => {
    versionSeen = -1;
    app.catalogue = new Catalogue(msg.contest || {});
    app.ui.audienceMode = app.catalogue.audienceMode;
    loadDisplayLink();
    integrity.start();
  });
  client.on('state', (state) => {
    if (typeof state.version === 'number') {
      if (state.version < versionSeen) return;
      versionSeen = state.version;
    }
    app.state = state;
    app.refresh();
  });
  // Connection counts change often (phones come and go): the server sends them on their own.
  client.on('connections', (msg) => {
    if (!app.state || !msg.connections) return;
    app.state = { ...app.state, host: { ...(app.state.host || {}), connections: msg.connections } };
    renderChrome(app.state);
    displayLink.render(app.state);
  });
  // The judges' presence, likewise: connected and last seen, merged into the state's judges.
  client.on('presence', (msg) => {
    if (!app.state) return;
    app.state = presence.merge(app.state, msg.judges);
    presence.render(app.state);
  });
  client.on('tally', (msg) => {
    app.tallies.set(msg.poll, msg);
    if (app.state) step.tick(app.state);
  });
  client.on('status', (online) => {
    document.getElementById('conn').dataset.online = online ? '1' : '0';
    setText(connText, t(online ? 'conn.online' : 'conn.offline'));
  });
  client.on('error', async (msg) => {
    // A refused hello: this computer may not be the host (--host-from), or it sent too many
    // wrong keys and must wait.
    if (msg.code === 'forbidden' && !client.welcomed) {
      dialogs.notice(t('auth.forbidden'));
      return;
    }
    if (msg.code === 'rate_limited' && !client.welcomed) {
      key = await askForKey(t, t('auth.slowed', { seconds: msg.retry_after || 1 }));
      client.retry();
      return;
    }
    if (msg.code !== 'unauthorized') {
      dialogs.notice(`${t('error.prefix')}：${t(`error.${msg.code}`)} — ${msg.message || ''}`);
      return;
    }
    key = await askForKey(t, `${t('auth.wrong')}${msg.message ? `（${msg.message}）` : ''}`);
    client.retry();
  });
  client.start();
  setInterval(() => { if (app.state?.poll) step.tick(app.state); }, 500);
}

start();
window.stagevoteHost = app;
