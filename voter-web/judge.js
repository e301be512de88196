// The judges' page (/judge#t=TOKEN): greets the judge, lists the round's running order with
// this judge's status per entry, and scores the open entry criterion by criterion. Marks are
// checked here against max and decimals before anything is sent; a submission counts only
// when the server acks it. Drafts and unacknowledged submissions live in localStorage, and
// the latter are re-sent after a reload or reconnect with their original request id.
import { StageClient, newRequestId } from './lib/client.js';
import { h, byId, storage, announce, keepClearOf } from './lib/dom.js';
import { fixed, quoted } from './lib/format.js';
import { createI18n } from './lib/i18n.js';
import { strings } from './i18n/judge.js';
import { checkMark, formatMark } from './lib/marks.js';

const TOKEN_KEY = 'stagevote.judge.token';
const WORK_KEY = 'stagevote.judge.work';   // {token, drafts: {key: {crit: text}}, pending: {key: request}}

const i18n = createI18n(strings);
const { t } = i18n;

const view = {
  token: null,
  judge: null,
  contest: null,
  entries: new Map(),
  state: null,
  round: null,          // the round shown
  roundChosen: false,   // the judge picked a round tab: do not follow the stage away from it
  stageKey: '',
  cards: new Map(),     // "round/entry" -> EntryCard
  acked: new Map(),     // "round/entry" -> total confirmed by the server in this visit
  online: false,
  everOnline: false,
  started: false,
};

let work = { token: null, drafts: {}, pending: {} };

function saveWork() {
  storage.set(WORK_KEY, work);
}

function loadWork(token) {
  const saved = storage.get(WORK_KEY, null);
  work = saved && saved.token === token ? { drafts: {}, pending: {}, ...saved } : { token, drafts: {}, pending: {} };
  saveWork();
}

// ---- token and connection -------------------------------------------------------------

function tokenFromFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = (params.get('t') || '').trim();
  if (token) {
    // Keep the token off the address bar (and out of screenshots and shared links).
    history.replaceState(null, '', location.pathname + location.search);
  }
  return token;
}

// The chief judge's desk (/judge?desk=1, issue 17): the same card, a second tab beside the phone.
const deskMode = new URLSearchParams(location.search).get('desk') === '1';

const client = new StageClient({
  hello: () => ({ role: 'judge', token: view.token, lang: i18n.lang, ...(deskMode ? { desk: true } : {}) }),
});

function signIn(token) {
  view.token = token;
  storage.set(TOKEN_KEY, token);
  loadWork(token);
  showLogin(false);
  // Submissions that were never acknowledged go out again, same id, right after the hello (from
  // the phone's page, not the desk's: one sender per submission).
  if (!deskMode) for (const request of Object.values(work.pending)) sendScore(request);
  if (!view.started) {
    view.started = true;
    client.start();
  } else {
    client.retry();
  }
  renderConnection();
}

function signOut() {
  storage.set(TOKEN_KEY, null);
  view.token = null;
  view.judge = null;
  client.stop();
  client.pending.clear();   // the last judge's unacknowledged requests must not go out under the next one's hello
  view.started = false;
  for (const card of view.cards.values()) card.el.remove();
  view.cards.clear();
  showLogin(true);
}

client.on('error', (msg) => {
  // Too many wrong codes from this address (this phone or another behind the same Wi-Fi
  // address): the code may be right; the judge tries again after the wait.
  if (msg.code === 'rate_limited' && !client.welcomed) {
    renderConnection();
    showLogin(true, t('loginSlowed', { seconds: msg.retry_after || 1 }));
    return;
  }
  if (msg.code === 'replaced') {
    // Signed in on another device, which took over: this one may take it back (the token is
    // kept, and filled in), but never by itself.
    byId('token-input').value = view.token || '';
    view.online = false;
    renderConnection();
    showLogin(true, t('loginReplaced'));
    return;
  }
  // The desk is the chief judge's only (issue 17).
  if (deskMode && msg.code === 'forbidden' && !client.welcomed) {
    renderConnection();
    showLogin(true, t('deskNotChief'));
    return;
  }
  if (msg.code !== 'unauthorized' && msg.code !== 'revoked') return;
  storage.set(TOKEN_KEY, null);
  view.token = null;
  renderConnection();
  showLogin(true, t(msg.code === 'revoked' ? 'loginRevoked' : 'loginBad'));
});

client.on('welcome', (msg) => {
  view.judge = msg.judge || null;
  if (msg.contest) {
    view.contest = msg.contest;
    view.entries = new Map((msg.contest.entries || []).map((e) => [e.id, e]));
  }
  showLogin(false);
  render();
});

client.on('state', (state) => {
  const stageKey = state.stage ? keyOf(state.stage.round, state.stage.entry) : '';
  const stageMoved = stageKey !== view.stageKey;
  view.state = state;
  view.stageKey = stageKey;
  if (stageMoved && state.stage) {
    // A new act on stage: show its round and open it.
    if (!view.roundChosen || view.round === state.stage.round) view.round = state.stage.round;
    view.roundChosen = false;
    // Fold the acts left behind unless they hold unsent marks, and open the new one.
    for (const other of view.cards.values()) {
      if (other.key !== stageKey && !other.dirty && !work.pending[other.key]) other.setOpen(false);
    }
    const card = view.cards.get(stageKey);
    if (card) card.setOpen(true);
    else view.openOnCreate = stageKey;
  }
  render();
  if (stageMoved && state.stage) {
    scrollToStage();
    const info = judgeEntries().find((e) => e.round === state.stage.round && e.entry === state.stage.entry);
    if (info && info.status !== 'recused') announce(byId('announce'), t('announceOnStage', { title: quoted(entryOf(state.stage.entry).title) }));
  }
});

client.on('status', (online) => {
  view.online = online;
  if (online) view.everOnline = true;
  // The cards too: a score being sent says whether it waits for the connection.
  render();
});

// Offline, restarting or unreachable: the banner says which.
client.on('cause', () => renderConnection());

// ---- scores ---------------------------------------------------------------------------

function keyOf(round, entry) {
  return `${round}/${entry}`;
}

function sendScore(request) {
  const key = keyOf(request.round, request.entry);
  client.request({ type: 'score', id: request.id, round: request.round, entry: request.entry, marks: request.marks })
    .then(
      (ack) => {
        if (work.pending[key] && work.pending[key].id === request.id) delete work.pending[key];
        const card = view.cards.get(key);
        // Drafts that still equal what was just confirmed are no longer drafts.
        if (work.drafts[key] && sameMarks(work.drafts[key], request.marks)) delete work.drafts[key];
        saveWork();
        const total = typeof ack.total === 'number' ? ack.total : sumMarks(request.marks);
        view.acked.set(key, total);
        if (card) card.settled(request, { total });
        const decimals = view.contest && Number.isInteger(view.contest.decimals) ? view.contest.decimals : 2;
        announce(byId('announce'), t('announceAcked', { title: quoted(entryOf(request.entry).title), total: formatMark(total, decimals) }));
      },
      (err) => {
        if (work.pending[key] && work.pending[key].id === request.id) delete work.pending[key];
        saveWork();
        const card = view.cards.get(key);
        if (card) card.settled(request, { error: err.code });
        if (err.code === 'rate_limited' || err.code === 'internal') {
          // Nothing was recorded: send the same request again shortly.
          setTimeout(() => {
            if (!work.pending[key]) {
              work.pending[key] = request;
              saveWork();
              sendScore(request);
              if (card) card.update();
            }
          }, 1500);
        }
      },
    );
}

function sumMarks(marks) {
  return Object.values(marks).reduce((a, b) => a + b, 0);
}

function sameMarks(texts, marks) {
  return Object.keys(marks).every((id) => Number(String(texts[id]).replace(',', '.')) === marks[id]);
}

// ---- one entry of the running order ---------------------------------------------------

class EntryCard {
  constructor(round, entryId) {
    this.round = round;
    this.entryId = entryId;
    this.key = keyOf(round, entryId);
    this.touched = new Set();
    this.attempted = false;
    this.result = null;    // {total} or {error} from the last settled submission
    const bodyId = `body-${round}-${entryId}`;
    this.head = h('button', { type: 'button', class: 'entry-head', 'aria-expanded': 'false', 'aria-controls': bodyId,
      onclick: () => this.setOpen(this.head.getAttribute('aria-expanded') !== 'true') });
    // The body's parts stay in place; update() changes their contents, never detaches the form
    // (which would drop the focus from the field being typed in).
    this.meta = h('p', { class: 'meta' });
    this.notes = h('div', { class: 'notes' });
    this.body = h('div', { class: 'entry-body', id: bodyId, hidden: true }, this.meta, this.notes);
    this.el = h('li', { class: 'entry', 'data-entry': entryId, 'data-round': round }, h('h3', null, this.head), this.body);
    this.form = null;
  }

  get info() {
    const list = (view.state && view.state.judge && view.state.judge.entries) || [];
    return list.find((e) => e.round === this.round && e.entry === this.entryId) || { status: 'upcoming', marks: null };
  }

  setOpen(open) {
    this.head.setAttribute('aria-expanded', String(open));
    this.body.hidden = !open;
  }

  // The score form, built once per language so that typing is never interrupted by a state update.
  buildForm() {
    const criteria = (view.contest && view.contest.criteria) || [];
    const decimals = view.contest && Number.isInteger(view.contest.decimals) ? view.contest.decimals : 2;
    const draft = work.drafts[this.key];
    const marks = this.info.marks;
    this.fields = criteria.map((crit) => {
      const base = `${this.round}-${this.entryId}-${crit.id}`;
      const text = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', id: `mark-${base}`,
        'data-criterion': crit.id, 'aria-describedby': `err-${base}` });
      // The slider is named by the criterion's name and says its value in words (or that no
      // mark is set yet); arrow keys move it. The field beside it is the exact way in.
      const slider = h('input', { type: 'range', min: 0, max: crit.max, step: decimals > 0 ? 0.5 : 1,
        'data-criterion': crit.id, 'aria-labelledby': `name-${base}`, 'aria-describedby': `err-${base}` });
      const error = h('p', { class: 'crit-error', id: `err-${base}` });
      const row = h('div', { class: 'crit', 'data-criterion': crit.id },
        h('label', { class: 'crit-label', for: `mark-${base}` },
          h('span', { id: `name-${base}` }, crit.name), h('span', { class: 'max' }, t('maxOf', { max: crit.max }))),
        h('div', { class: 'crit-row' }, slider, text),
        error);
      const initial = draft && draft[crit.id] !== undefined ? draft[crit.id]
        : marks && marks[crit.id] !== undefined ? formatMark(marks[crit.id], decimals) : '';
      text.value = initial;
      slider.value = initial === '' ? '0' : String(Number(initial) || 0);
      slider.classList.toggle('unset', initial === '');
      text.addEventListener('input', () => {
        this.touched.add(crit.id);
        const check = checkMark(text.value, crit.max, decimals);
        if (check.value !== undefined) slider.value = String(check.value);
        slider.classList.toggle('unset', text.value.trim() === '');
        this.edited();
      });
      // Up and down arrows in the field step the mark as the slider does, within 0..max.
      text.addEventListener('keydown', (event) => {
        if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
        event.preventDefault();
        const step = Number(slider.step) || 1;
        const now = checkMark(text.value, crit.max, decimals).value;
        const from = now === undefined ? (event.key === 'ArrowUp' ? -step : step) : now;
        const next = Math.min(crit.max, Math.max(0, Math.round((from + (event.key === 'ArrowUp' ? step : -step)) / step) * step));
        text.value = formatMark(next, decimals);
        text.dispatchEvent(new Event('input'));
      });
      slider.addEventListener('input', () => {
        this.touched.add(crit.id);
        text.value = formatMark(Number(slider.value), decimals);
        slider.classList.remove('unset');
        this.edited();
      });
      return { crit, text, slider, error, row, decimals };
    });
    const maxTotal = criteria.reduce((a, c) => a + c.max, 0);
    this.totalValue = h('output', { class: 'total-value', 'aria-live': 'off' });
    this.submit = h('button', { type: 'submit', class: 'btn submit' });
    this.formError = h('p', { class: 'notice err form-error', role: 'alert', hidden: true });
    // Not a live region: an accepted score is announced by #announce (also when this card is
    // folded away), and a refusal is an alert of its own.
    this.status = h('div', { class: 'submit-status' });
    this.draftNote = h('p', { class: 'draft', hidden: true });
    this.form = h('form', { class: 'score-form', novalidate: true, 'aria-label': quoted(entryOf(this.entryId).title) },
      this.fields.map((f) => f.row),
      h('div', { class: 'total-row' },
        h('span', { class: 'label' }, t('total')),
        h('span', null, this.totalValue, h('span', { class: 'total-of' }, t('totalOf', { max: formatMark(maxTotal, decimals) })))),
      this.formError,
      this.submit,
      this.draftNote,
      this.status);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    if (this.formEl) this.formEl.replaceWith(this.form);
    else this.body.append(this.form);
    this.formEl = this.form;
    this.formLang = i18n.lang;
    this.dirty = Boolean(draft);
  }

  // Reads and checks every field; returns {marks, valid, total}.
  read() {
    const marks = {};
    let valid = true;
    let total = 0;
    for (const f of this.fields) {
      const check = checkMark(f.text.value, f.crit.max, f.decimals);
      f.check = check;
      if (check.value === undefined) valid = false;
      else {
        marks[f.crit.id] = check.value;
        total += check.value;
      }
    }
    return { marks, valid, total };
  }

  edited() {
    this.dirty = true;
    this.result = null;
    const drafts = {};
    for (const f of this.fields) drafts[f.crit.id] = f.text.value;
    work.drafts[this.key] = drafts;
    saveWork();
    this.update();
  }

  send() {
    this.attempted = true;
    const { marks, valid } = this.read();
    const status = this.info.status;
    if (!valid || !['to_score', 'submitted'].includes(status)) {
      this.update();
      return;
    }
    const request = { id: newRequestId('s'), round: this.round, entry: this.entryId, marks };
    work.pending[this.key] = request;
    saveWork();
    this.result = null;
    sendScore(request);
    this.update();
  }

  settled(request, result) {
    this.result = result;
    if (result.total !== undefined && this.fields && sameMarks(Object.fromEntries(this.fields.map((f) => [f.crit.id, f.text.value])), request.marks)) {
      this.dirty = false;
    }
    this.update();
  }

  // Brings the card in line with the latest state, keeping what the judge is typing.
  update() {
    const info = this.info;
    const entry = entryOf(this.entryId);
    const status = info.status || 'upcoming';
    const onStage = view.stageKey === this.key;
    this.el.dataset.status = status;
    this.el.classList.toggle('on-stage', onStage);
    const order = orderOf(this.round, this.entryId);
    this.head.replaceChildren(
      h('span', { class: 'order', 'aria-label': t('order', { n: order }) }, String(order)),
      h('span', { class: 'head-main' },
        h('span', { class: 'entry-title' }, quoted(entry.title), onStage ? h('span', { class: 'live-tag' }, t('onStage')) : null),
        h('span', { class: 'entry-unit' }, entry.unit || '')),
      h('span', { class: 'badge', 'data-status': status }, t(`status_${status}`)));

    if (!this.form || this.formLang !== i18n.lang) {
      const keep = this.fields ? Object.fromEntries(this.fields.map((f) => [f.crit.id, f.text.value])) : null;
      this.buildForm();
      if (keep) for (const f of this.fields) { f.text.value = keep[f.crit.id] ?? f.text.value; f.slider.value = String(Number(f.text.value) || 0); }
    }
    // The server's marks fill the form unless the judge has unsent edits.
    if (!this.dirty && info.marks) {
      for (const f of this.fields) {
        if (info.marks[f.crit.id] !== undefined && document.activeElement !== f.text) {
          f.text.value = formatMark(info.marks[f.crit.id], f.decimals);
          f.slider.value = String(info.marks[f.crit.id]);
          f.slider.classList.remove('unset');
        }
      }
    }

    const editable = status === 'to_score' || status === 'submitted';
    const notes = [];
    if (status === 'recused') notes.push(h('p', { class: 'notice warn note', 'data-note': 'recused' }, t('recusedReason')));
    if (status === 'upcoming') notes.push(h('p', { class: 'notice warn note', 'data-note': 'upcoming' }, t('upcomingNote')));
    if (status === 'locked') {
      notes.push(h('p', { class: 'notice warn note', 'data-note': 'locked' }, info.marks ? t('lockedNote') : t('lockedNoMarks')));
    }
    const showForm = Boolean(editable || (status === 'locked' && info.marks));
    this.meta.replaceChildren(
      ...[entry.unit, entry.form, entry.theme].filter(Boolean).map((text) => h('span', { class: 'chip' }, text)));
    this.notes.replaceChildren(...notes);
    this.form.hidden = !showForm;
    if (!showForm) return;

    const { valid, total } = this.read();
    for (const f of this.fields) {
      f.text.disabled = !editable;
      f.slider.disabled = !editable;
      const show = f.check.error && (this.touched.has(f.crit.id) || this.attempted) && editable;
      f.row.classList.toggle('invalid', Boolean(show));
      f.text.setAttribute('aria-invalid', show ? 'true' : 'false');
      f.slider.setAttribute('aria-valuetext', f.text.value.trim() === '' ? t('sliderUnset', { max: f.crit.max })
        : t('sliderValue', { value: f.text.value.trim(), max: f.crit.max }));
      f.error.textContent = show ? t(f.check.error, f.check.vars) : '';
    }
    const decimals = this.fields.length ? this.fields[0].decimals : 2;
    this.totalValue.textContent = this.fields.some((f) => f.text.value.trim() !== '') ? formatMark(total, decimals) : '—';

    const pending = work.pending[this.key];
    this.submit.hidden = !editable;
    this.submit.disabled = !valid || Boolean(pending);
    this.submit.textContent = pending ? t('sending') : status === 'submitted' ? t('resubmit') : t('submit');
    const visibleErrors = this.fields.some((f) => f.row.classList.contains('invalid'));
    this.formError.hidden = !(visibleErrors && editable);
    this.formError.textContent = t('fixBeforeSubmit');
    this.draftNote.hidden = !(this.dirty && editable && status === 'submitted' && !pending);
    this.draftNote.textContent = t('draftNote');

    let message = null;
    if (pending) message = h('p', { class: 'notice warn', 'data-online': String(view.online) }, view.online ? t('sendingHint') : t('sendingWaiting'));
    else if (this.result && this.result.error) {
      const key = `err_${this.result.error}`;
      message = h('p', { class: 'notice err', role: 'alert', 'data-error': this.result.error }, strings.zh[key] ? t(key) : t('err_generic'));
    } else if (this.result && this.result.total !== undefined && !this.dirty) {
      message = h('p', { class: 'notice ok', 'data-acked-total': String(this.result.total) },
        t('acked', { total: formatMark(this.result.total, decimals) }), editable ? h('br') : null,
        editable ? h('span', null, t('ackedRevise')) : null);
    }
    this.status.replaceChildren(...(message ? [message] : []));
  }
}

// ---- page ---------------------------------------------------------------------------

function entryOf(id) {
  return view.entries.get(id) || { id, title: id, unit: '', form: '' };
}

function judgeEntries() {
  return (view.state && view.state.judge && Array.isArray(view.state.judge.entries)) ? view.state.judge.entries : [];
}

function roundsInView() {
  const fromContest = (view.contest && view.contest.rounds) || [];
  const seen = new Set(judgeEntries().map((e) => e.round));
  const rounds = fromContest.filter((r) => seen.has(r.id));
  for (const id of seen) if (!rounds.some((r) => r.id === id)) rounds.push({ id, name: id });
  return rounds;
}

function orderOf(round, entry) {
  const rounds = (view.state && view.state.rounds) || [];
  const r = rounds.find((x) => x.id === round);
  if (r && Array.isArray(r.order)) {
    const i = r.order.findIndex((o) => (o.entry || o) === entry);
    if (i >= 0) return i + 1;
  }
  const list = judgeEntries().filter((e) => e.round === round);
  return list.findIndex((e) => e.entry === entry) + 1;
}

function chooseRound(rounds) {
  if (view.round && rounds.some((r) => r.id === view.round)) return view.round;
  if (view.state && view.state.stage) return view.state.stage.round;
  // Off stage: the first round with work left (recused entries are marked in every round up front).
  const open = rounds.find((r) => judgeEntries().some((e) => e.round === r.id && !['locked', 'recused'].includes(e.status)));
  return open ? open.id : rounds.length ? rounds[rounds.length - 1].id : null;
}

function showLogin(show, error) {
  byId('login').hidden = !show;
  byId('judge-view').hidden = show;
  const err = byId('login-error');
  err.hidden = !error;
  err.textContent = error || '';
  byId('login-button').disabled = false;
  if (show) renderLoginText();
}

function renderLoginText() {
  byId('login-heading').textContent = t('loginTitle');
  byId('login-hint').textContent = t('loginHint');
  byId('token-label').textContent = t('tokenLabel');
  byId('login-button').textContent = t('loginButton');
}

function renderConnection() {
  const el = byId('conn');
  el.hidden = !view.token;
  el.dataset.online = String(view.online);
  el.dataset.cause = view.online ? '' : client.cause || '';
  el.textContent = view.online ? t('online') : client.cause === 'offline' ? t('linkOffline')
    : client.cause === 'restarting' ? t('linkRestarting') : client.cause === 'unreachable' ? t('linkUnreachable')
      : view.everOnline ? t('offline') : t('connecting');
}

function renderChrome() {
  document.title = t('pageTitle');
  byId('contest-name').textContent = view.contest ? view.contest.name : t('pageTitle');
  const toggle = byId('lang-toggle');
  toggle.textContent = t('langToggle');
  toggle.setAttribute('aria-label', t('langToggleLabel'));
  byId('footer').textContent = t('footer');
  byId('switch-judge').textContent = t('switchJudge');
  renderLoginText();
}

function renderGreeting() {
  if (!view.judge) return;
  const fromCatalogue = ((view.contest && view.contest.judges) || []).find((j) => j.id === view.judge.id) || {};
  byId('greeting').textContent = t('greeting', { name: view.judge.name || fromCatalogue.name || view.judge.id });
  byId('judge-info').textContent = [fromCatalogue.title || view.judge.title, view.judge.unit].filter(Boolean).join(' · ');
}

function renderRounds() {
  const rounds = roundsInView();
  view.round = chooseRound(rounds);
  const tabs = byId('round-tabs');
  tabs.hidden = rounds.length < 2;
  tabs.setAttribute('aria-label', t('roundTabs'));
  tabs.replaceChildren(...rounds.map((r) => h('button', {
    type: 'button', 'aria-pressed': String(r.id === view.round), 'data-round': r.id,
    onclick: () => { view.round = r.id; view.roundChosen = true; render(); },
  }, r.name)));
  const current = rounds.find((r) => r.id === view.round);
  byId('round-heading').textContent = current ? t('roundHeading', { round: current.name }) : t('noEntries');

  const list = byId('entries');
  const wanted = judgeEntries().filter((e) => e.round === view.round)
    .sort((a, b) => orderOf(a.round, a.entry) - orderOf(b.round, b.entry));
  const items = wanted.map((e) => {
    const key = keyOf(e.round, e.entry);
    let card = view.cards.get(key);
    if (!card) {
      card = new EntryCard(e.round, e.entry);
      view.cards.set(key, card);
      if (key === view.stageKey || key === view.openOnCreate) card.setOpen(true);
    }
    card.update();
    return card.el;
  });
  // Re-order in place: moving a node that holds the focused input would drop the focus.
  items.forEach((el, i) => { if (list.children[i] !== el) list.insertBefore(el, list.children[i] || null); });
  while (list.children.length > items.length) list.lastElementChild.remove();
}

// Brings the act on stage into view, unless the judge is typing somewhere; a re-check the
// chief asked for comes first (issue 17).
function scrollToStage() {
  const asked = byId('rechecks');
  const card = asked && asked.querySelector('.recheck') ? { el: asked } : view.cards.get(view.stageKey);
  const typing = document.activeElement && document.activeElement.tagName === 'INPUT';
  if (card && !typing) card.el.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

function render() {
  renderChrome();
  renderConnection();
  if (!view.judge) return;
  renderGreeting();
  if (deskMode) {
    for (const id of ['round-tabs', 'round-heading', 'entries']) byId(id).hidden = true;
    renderDesk();
    return;
  }
  renderRounds();
  renderRechecks();
}

// ---- re-check (issue 17) ------------------------------------------------------------------

const reviewView = { busy: new Set(), message: null, seen: new Set() };

function judgeName(id) {
  const judge = ((view.contest && view.contest.judges) || []).find((j) => j.id === id);
  return judge ? judge.name : id;
}

function reviewRequest(key, message, done) {
  reviewView.busy.add(key);
  reviewView.message = null;
  render();
  client.request(message).then(
    () => { reviewView.busy.delete(key); reviewView.message = { ok: true, text: done }; render(); },
    (err) => {
      reviewView.busy.delete(key);
      const known = strings.zh[`err_${err.code}`];
      reviewView.message = { ok: false, text: known ? t(`err_${err.code}`) : t('err_generic'), code: err.code };
      render();
    });
}

// The chief asked this judge to look again: the entry, the chief's note and the panel's kept
// range (never the other judges' marks). Keep the marks, or revise them in the entry's form.
function renderRechecks() {
  const section = byId('rechecks');
  const asked = (view.state && view.state.judge && view.state.judge.rechecks) || [];
  section.hidden = asked.length === 0 && !reviewView.message;
  const decimals = view.contest && Number.isInteger(view.contest.decimals) ? view.contest.decimals : 2;
  const cards = asked.map((r) => {
    const key = `confirm/${keyOf(r.round, r.entry)}`;
    const entry = entryOf(r.entry);
    return h('div', { class: 'card recheck', 'data-entry': r.entry },
      h('h2', { class: 'recheck-title' }, t('recheckTitle')),
      h('p', null, t('recheckAsk', { title: quoted(entry.title) })),
      r.note ? h('p', { class: 'recheck-note' }, t('recheckNote', { note: r.note })) : null,
      h('p', { class: 'recheck-range' }, t('recheckRange', {
        min: fixed(r.kept_min, decimals), max: fixed(r.kept_max, decimals),
        total: r.total === null || r.total === undefined ? '—' : fixed(r.total, decimals) })),
      h('div', { class: 'recheck-actions' },
        h('button', { type: 'button', class: 'btn', 'data-action': 'confirm', disabled: reviewView.busy.has(key),
          onclick: () => reviewRequest(key, { type: 'confirm_score', round: r.round, entry: r.entry }, t('recheckConfirmed')) },
        t('recheckConfirm')),
        h('button', { type: 'button', class: 'btn secondary', 'data-action': 'revise',
          onclick: () => {
            const card = view.cards.get(keyOf(r.round, r.entry));
            if (!card) return;
            card.setOpen(true);
            card.el.scrollIntoView({ block: 'start' });
            if (card.fields && card.fields[0]) card.fields[0].text.focus();
          } }, t('recheckRevise'))));
  });
  const message = reviewView.message
    ? h('p', { class: `notice ${reviewView.message.ok ? 'ok' : 'err'}` }, reviewView.message.text) : null;
  section.replaceChildren(...cards, ...(message ? [message] : []));
  // A new request is brought into view (unless the judge is typing marks).
  const fresh = asked.some((r) => !reviewView.seen.has(keyOf(r.round, r.entry)));
  reviewView.seen = new Set(asked.map((r) => keyOf(r.round, r.entry)));
  const typing = document.activeElement && document.activeElement.tagName === 'INPUT';
  if (fresh && !typing) section.scrollIntoView({ block: 'start', behavior: 'smooth' });
  const chief = Boolean(view.judge && view.judge.chief);
  byId('desk-link-row').hidden = !chief;
  byId('desk-link').textContent = t('deskLink');
}

// ---- the chief's desk (issue 17) ---------------------------------------------------------

function renderDesk() {
  byId('rechecks').hidden = true;
  byId('desk-link-row').hidden = true;
  const section = byId('desk');
  section.hidden = false;
  byId('desk-heading').textContent = t('deskTitle');
  const desk = view.state && view.state.judge && view.state.judge.desk;
  const status = byId('desk-status');
  if (!view.judge.chief || !desk) {
    status.replaceChildren(h('p', { class: 'notice warn' }, t('deskNotChief')));
    byId('desk-missing').replaceChildren();
    byId('desk-reviews').replaceChildren();
    return;
  }
  const message = reviewView.message
    ? h('p', { class: `notice ${reviewView.message.ok ? 'ok' : 'err'}`, 'data-code': reviewView.message.code || 'ok' }, reviewView.message.text) : null;
  status.replaceChildren(...(message ? [message] : []),
    ...(desk.tolerance ? [] : [h('p', { class: 'notice warn' }, t('deskNoTolerance'))]));

  const missing = desk.missing;
  byId('desk-missing').replaceChildren(missing && missing.judges.length
    ? h('div', { class: 'card desk-missing', 'data-entry': missing.entry },
      h('h3', null, t('deskMissing', { title: quoted(entryOf(missing.entry).title) })),
      h('p', null, missing.judges.map((j) => j.name).join('、')))
    : h('p', { class: 'muted desk-none' }, missing ? t('deskAllScored') : t('deskNothingOnStage')));

  const decimals = view.contest && Number.isInteger(view.contest.decimals) ? view.contest.decimals : 2;
  const fmt = (x) => fixed(x, decimals);
  const reviews = desk.reviews || [];
  const old = byId('desk-reviews');
  // Keep what the chief typed in the note and reason fields across state updates.
  const typed = {};
  for (const input of old.querySelectorAll('input[data-field]')) typed[input.id] = input.value;
  const focused = document.activeElement && document.activeElement.id;
  old.replaceChildren(...(reviews.length ? reviews.map((r) => {
    const id = `${r.round}-${r.entry}`;
    const noteId = `note-${id}`;
    const reasonId = `reason-${id}`;
    const state = r.in_review ? 'in_review' : r.released ? 'released' : 'open';
    const why = [];
    if (r.kept_gap_broken) why.push(t('deskKeptGap', { min: fmt(r.kept_min), max: fmt(r.kept_max), allowed: fmt(r.allowed_gap) }));
    if (r.extremes_broken) why.push(t('deskExtremes', { low: fmt(r.low), high: fmt(r.high), allowed: fmt(r.allowed_extremes) }));
    const rows = (r.totals || []).map((row) => {
      const key = `recheck/${id}/${row.judge}`;
      const asked = r.recheck && r.recheck.judge === row.judge;
      return h('tr', { 'data-judge': row.judge, class: row.breaks ? 'breaks' : '' },
        h('th', { scope: 'row' }, judgeName(row.judge)),
        h('td', { class: 'num' }, fmt(row.total)),
        h('td', null, row.breaks ? h('span', { class: 'flag' }, t('deskBreaks')) : ''),
        h('td', null, asked ? h('span', { class: 'asked' }, t('deskAsked'))
          : h('button', { type: 'button', class: 'btn small', 'data-action': 'recheck',
            disabled: Boolean(r.recheck) || !r.in_review || reviewView.busy.has(key),
            onclick: () => reviewRequest(key, { type: 'cmd', action: 'request_recheck', round: r.round, entry: r.entry,
              judge: row.judge, note: byId(noteId).value.trim() || undefined }, t('deskRecheckSent', { name: judgeName(row.judge) })) },
          t('deskRecheck'))));
    });
    const events = (r.events || []).map((e) => h('li', { 'data-kind': e.kind },
      t(`deskEvent_${e.kind}`, { name: e.judge ? judgeName(e.judge) : '', text: e.text || '' })));
    const releaseKey = `release/${id}`;
    return h('div', { class: 'card desk-review', 'data-entry': r.entry, 'data-state': state },
      h('h3', null, quoted(entryOf(r.entry).title), ' ', h('span', { class: 'review-badge', 'data-state': state }, t(`deskState_${state}`))),
      ...why.map((text) => h('p', { class: 'why' }, text)),
      h('table', { class: 'desk-totals' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('deskJudge')), h('th', { scope: 'col' }, t('deskTotal')),
          h('th', { scope: 'col' }, t('deskRule')), h('th', { scope: 'col' }, t('deskAction')))),
        h('tbody', null, ...rows)),
      h('label', { for: noteId }, t('deskNote')),
      h('input', { id: noteId, type: 'text', 'data-field': 'note', value: typed[noteId] || '' }),
      h('label', { for: reasonId }, t('deskReason')),
      h('input', { id: reasonId, type: 'text', 'data-field': 'reason', value: typed[reasonId] || '' }),
      h('button', { type: 'button', class: 'btn', 'data-action': 'release', disabled: !r.in_review || reviewView.busy.has(releaseKey),
        onclick: () => reviewRequest(releaseKey, { type: 'cmd', action: 'release_review', round: r.round, entry: r.entry,
          reason: byId(reasonId).value.trim() || undefined }, t('deskReleased')) }, t('deskRelease')),
      events.length ? h('ol', { class: 'desk-events' }, ...events) : null);
  }) : [h('p', { class: 'muted desk-none' }, t('deskNoReviews'))]));
  for (const [inputId, value] of Object.entries(typed)) {
    const input = byId(inputId);
    if (input) input.value = value;
  }
  if (focused && byId(focused)) byId(focused).focus();
}

byId('lang-toggle').addEventListener('click', () => i18n.toggle());
keepClearOf(document.querySelector('.top'));
i18n.onChange(render);

byId('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = byId('token-input').value.trim();
  if (!token) {
    showLogin(true, t('loginBad'));
    return;
  }
  byId('login-button').disabled = true;
  byId('login-button').textContent = t('loginChecking');
  signIn(token);
});

byId('switch-judge').addEventListener('click', signOut);

// A judge link opened on a page already showing /judge only changes the fragment.
window.addEventListener('hashchange', () => {
  const token = tokenFromFragment();
  if (token && token !== view.token) {
    if (view.token) signOut();
    signIn(token);
  }
});

const initialToken = tokenFromFragment() || storage.get(TOKEN_KEY, null);
render();
if (initialToken) signIn(initialToken);
else showLogin(true);
