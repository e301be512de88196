// The audience page (/vote): what is on stage, the open poll with its countdown, one tap to
// vote (pending until the server's ack, then counted), results once the host reveals them.
// A vote that was sent but not acknowledged is kept in localStorage and re-sent with the
// same id after a reload or reconnect; the server counts it once. Who may vote (a join code,
// a seat ticket, the caps) is admission.js's business: it adds to the hello and explains a refusal.
import { createAdmission } from './admission.js';
import { StageClient, newRequestId } from './lib/client.js';
import { h, byId, storage, announce, keepClearOf } from './lib/dom.js';
import { clock, published, quoted } from './lib/format.js';
import { createI18n } from './lib/i18n.js';
import { strings } from './i18n/vote.js';

const DEVICE_KEY = 'stagevote.device';
const PENDING_KEY = 'stagevote.vote.pending';   // {id, poll, choice}: sent, not yet acked
const BALLOTS_KEY = 'stagevote.vote.ballots';   // {poll id: entry id}: this device's counted votes
const RATINGS_KEY = 'stagevote.vote.ratings';   // {poll id: 1..10}: this device's counted ratings
const SOON_MS = 10000;

const i18n = createI18n(strings);
const { t } = i18n;

const view = {
  contest: null,
  entries: new Map(),
  state: null,
  ballots: storage.get(BALLOTS_KEY, {}) || {},
  ratings: storage.get(RATINGS_KEY, {}) || {},
  pending: storage.get(PENDING_KEY, null),
  error: null,          // {poll, code} of the last refused vote
  closedPoll: null,     // {id, entries, stageKey}: the poll that just closed on this entry
  online: false,
  everOnline: false,
};

const client = new StageClient({
  hello: () => {
    const device = storage.get(DEVICE_KEY, null);
    return { role: 'audience', ...(device ? { device } : {}), ...admission.hello(), lang: i18n.lang };
  },
});

const admission = createAdmission({ t, client, section: byId('admit'), onChange: () => render() });

// ---- votes ---------------------------------------------------------------------------

function setPending(pending) {
  view.pending = pending;
  storage.set(PENDING_KEY, pending);
}

function recordBallot(poll, choice, rating) {
  view.ballots = { ...view.ballots, [poll]: choice };
  storage.set(BALLOTS_KEY, view.ballots);
  if (rating) {
    view.ratings = { ...view.ratings, [poll]: rating };
    storage.set(RATINGS_KEY, view.ratings);
  }
}

// Sends (or re-sends, same id) the pending vote and settles it from the ack or error.
function sendPending() {
  const vote = view.pending;
  if (!vote) return;
  // A rating poll's vote carries its 1..10 and no choice.
  const message = vote.rating ? { type: 'vote', id: vote.id, poll: vote.poll, rating: vote.rating }
    : { type: 'vote', id: vote.id, poll: vote.poll, choice: vote.choice };
  client.request(message).then(
    (ack) => {
      // counted:false means this device had already voted in this poll: the ack names that vote.
      recordBallot(vote.poll, ack.choice || vote.choice, ack.rating || vote.rating);
      if (view.pending && view.pending.id === vote.id) setPending(null);
      view.error = null;
      render();
      announce(byId('announce'), (ack.rating || vote.rating) ? t('announceRatingSaved', { n: ack.rating || vote.rating })
        : t('announceSaved', { title: quoted(entryOf(ack.choice || vote.choice).title) }));
    },
    (err) => {
      if (view.pending && view.pending.id === vote.id) setPending(null);
      // A vote counted before a reload may come back as poll_closed once the poll has closed.
      if (!view.ballots[vote.poll]) view.error = { poll: vote.poll, code: err.code, void: /\bvoid\b/i.test(err.message || '') };
      // The poll takes seat tickets (or this one is void): ask for one.
      if (err.code === 'unauthorized') admission.voteRefused(err);
      render();
      if (err.code === 'rate_limited' || err.code === 'internal') {
        // Nothing was done: try the same vote again shortly, with the same id.
        setTimeout(() => {
          if (!view.ballots[vote.poll] && !view.pending && isOpen(vote.poll)) {
            view.error = null;
            setPending(vote);
            sendPending();
            render();
          }
        }, 1500);
      }
    },
  );
}

function castVote(poll, choice) {
  if (view.pending || view.ballots[poll] || !isOpen(poll)) return;
  view.error = null;
  setPending({ id: newRequestId('v'), poll, choice });
  sendPending();
  render();
}

function castRating(poll, rating) {
  if (view.pending || view.ballots[poll] || !isOpen(poll)) return;
  view.error = null;
  setPending({ id: newRequestId('v'), poll, rating });
  sendPending();
  render();
}

function isOpen(pollId) {
  const poll = view.state && view.state.poll;
  if (!poll || poll.id !== pollId) return false;
  return !(poll.closes_at > 0 && client.now() >= poll.closes_at);
}

// ---- server messages -----------------------------------------------------------------

client.on('welcome', (msg) => {
  admission.onWelcome();
  if (msg.device) storage.set(DEVICE_KEY, msg.device);
  if (msg.contest) {
    view.contest = msg.contest;
    view.entries = new Map((msg.contest.entries || []).map((e) => [e.id, e]));
  }
  // The server's record of this device's ballots is the truth after a reload.
  if (msg.votes && typeof msg.votes === 'object') {
    view.ballots = { ...msg.votes };
    storage.set(BALLOTS_KEY, view.ballots);
  }
  if (msg.ratings && typeof msg.ratings === 'object') {
    view.ratings = { ...msg.ratings };
    storage.set(RATINGS_KEY, view.ratings);
  }
  if (view.pending && view.ballots[view.pending.poll]) setPending(null);
  view.error = null;
  render();
});

client.on('state', (state) => {
  const before = view.state;
  view.state = state;
  admission.onState(state);
  const stageKey = stageKeyOf(state);
  if (state.poll) {
    view.closedPoll = null;
  } else if (before && before.poll) {
    view.closedPoll = { id: before.poll.id, entries: before.poll.entries || [], stageKey };
  } else if (!view.closedPoll && state.phase === 'poll_closed' && state.scene && state.scene.params &&
             state.scene.params.poll) {
    // After a reload the page never saw the poll open; the scene still names it.
    view.closedPoll = { id: state.scene.params.poll, entries: [], stageKey };
  }
  if (view.closedPoll && view.closedPoll.stageKey !== stageKey) view.closedPoll = null;
  if (view.error && (!state.poll || state.poll.id !== view.error.poll) && !view.closedPoll) view.error = null;
  render();
  if (state.poll && (!before || !before.poll || before.poll.id !== state.poll.id)) {
    announce(byId('announce'), state.poll.kind === 'rating'
      ? t('announceRatingOpen', { title: quoted(entryOf((state.poll.entries || [])[0]).title) }) : t('announcePollOpen'));
  } else if (!state.poll && before && before.poll) {
    announce(byId('announce'), t('announcePollClosed'));
  }
});

client.on('status', (online) => {
  view.online = online;
  if (online) view.everOnline = true;
  renderConnection();
  renderPoll();
});

// Offline, restarting or unreachable: the banner says which.
client.on('cause', () => renderConnection());

// A refused hello (no code, a wrong ticket, a cap): the admission card says why.
client.on('error', (msg) => {
  if (admission.refused(msg)) render();
});

function stageKeyOf(state) {
  return state && state.stage ? `${state.stage.round}/${state.stage.entry}` : '';
}

// ---- rendering -----------------------------------------------------------------------

function entryOf(id) {
  return view.entries.get(id) || { id, title: id, unit: '', form: '' };
}

// A result's figure as the server published it.
function score(result, field) {
  return published(result, field);
}

function renderConnection() {
  const el = byId('conn');
  el.dataset.online = String(view.online);
  // Not admitted is not offline: nothing is being retried behind the user's back.
  el.dataset.refused = String(!view.online && admission.blocking);
  el.dataset.cause = view.online ? '' : client.cause || '';
  el.textContent = view.online ? t('online') : admission.blocking ? t('admitNotJoined')
    : client.cause === 'offline' ? t('linkOffline') : client.cause === 'restarting' ? t('linkRestarting')
      : client.cause === 'unreachable' ? t('linkUnreachable') : view.everOnline ? t('offline') : t('connecting');
}

function renderChrome() {
  document.title = t('pageTitle');
  byId('contest-name').textContent = view.contest ? view.contest.name : t('pageTitle');
  const toggle = byId('lang-toggle');
  toggle.textContent = t('langToggle');
  toggle.setAttribute('aria-label', t('langToggleLabel'));
  byId('footer').textContent = t('footer');
}

function renderStage() {
  const section = byId('stage');
  const stage = view.state && view.state.stage;
  if (!stage) {
    section.replaceChildren(
      h('h2', { id: 'stage-heading', class: 'title' }, t('stageIdle')),
      h('p', { class: 'hint muted' }, t('stageIdleHint')),
    );
    return;
  }
  const entry = entryOf(stage.entry);
  section.replaceChildren(
    h('p', { class: 'eyebrow' }, stage.order ? t('onStage', { order: stage.order }) : t('onStageNoOrder')),
    h('h2', { id: 'stage-heading', class: 'title' }, quoted(entry.title)),
    h('p', { class: 'meta' },
      entry.unit ? h('span', { class: 'chip' }, entry.unit) : null,
      entry.form ? h('span', { class: 'chip' }, entry.form) : null),
  );
}

// The poll section is rebuilt only when what it shows changes, so that focus and the
// button under a finger are not replaced by a state update that does not concern it.
let pollSignature = '';

function renderPoll(force) {
  const section = byId('poll');
  const poll = view.state && view.state.poll;
  // Once the act's result is revealed, the result replaces the closed-poll note.
  const closed = !poll && !(view.state && view.state.reveal) && view.closedPoll;
  const signature = JSON.stringify([i18n.lang, poll, closed, view.ballots[poll ? poll.id : closed ? closed.id : ''],
    view.ratings[poll ? poll.id : closed ? closed.id : ''],
    view.pending, view.error, poll && isOpen(poll.id), view.entries.size, Boolean(view.pending) && view.online]);
  if (!force && signature === pollSignature) return;
  pollSignature = signature;

  if (!poll && !closed) {
    section.hidden = true;
    section.replaceChildren();
    return;
  }
  section.hidden = false;
  section.classList.toggle('closed', !poll);

  if (!poll) {
    const mine = view.ballots[closed.id];
    const rated = view.ratings[closed.id];
    section.replaceChildren(
      h('div', { class: 'poll-head' }, h('h2', { id: 'poll-heading' }, t('pollClosed'))),
      // A vote refused as too late says so instead of the generic "no vote" note.
      mine || !view.error
        ? h('p', { class: `notice closed-note ${mine ? 'ok' : 'warn'}`, id: 'poll-closed-note' },
          rated ? t('ratingClosedRated', { n: rated, title: quoted(entryOf(mine).title) })
            : mine ? t('pollClosedVoted', { title: quoted(entryOf(mine).title) }) : t('pollClosedNoVote'))
        : errorNotice(),
    );
    return;
  }

  const mine = view.ballots[poll.id];
  const pending = view.pending && view.pending.poll === poll.id ? view.pending : null;
  const open = isOpen(poll.id);
  if (poll.kind === 'rating') {
    renderRating(section, poll, mine, pending, open);
    return;
  }
  const choices = (poll.entries || []).map((id) => {
    const entry = entryOf(id);
    let state = 'open';
    if (mine) state = mine === id ? 'counted' : 'other';
    else if (pending) state = pending.choice === id ? 'pending' : 'other';
    else if (!open) state = 'closed';
    const tag = state === 'counted' ? `✓ ${t('counted')}` : state === 'pending' ? t('pending') : t('vote');
    return h('li', null,
      h('button', {
        type: 'button', class: 'choice', 'data-entry': id, 'data-state': state,
        disabled: state !== 'open',
        'aria-label': `${t('voteLabel', { title: quoted(entry.title), unit: entry.unit || '' })}${
          state === 'counted' || state === 'pending' ? ` — ${tag}` : ''}`,
        onclick: () => castVote(poll.id, id),
      },
      h('span', { class: 'choice-title' }, quoted(entry.title)),
      h('span', { class: 'choice-unit' }, entry.unit || ''),
      h('span', { class: 'choice-tag', 'aria-hidden': 'true' }, tag)));
  });

  let status = null;
  if (mine) status = h('p', { class: 'notice ok' }, t('votedFor', { title: quoted(entryOf(mine).title) }));
  else if (pending) status = pendingNotice();

  section.replaceChildren(
    h('div', { class: 'poll-head' },
      h('h2', { id: 'poll-heading' }, t('pollOpen')),
      h('span', { id: 'countdown', class: 'countdown', role: 'timer' })),
    h('p', { class: 'hint' }, (poll.entries || []).length > 1 ? t('pollHintMany') : t('pollHintOne')),
    h('ul', { class: 'choices' }, choices),
    h('div', { class: 'poll-status', id: 'poll-status' }, status, errorNotice()),
  );
  renderCountdown();
}

// A rating poll: the entry just performed, rated 1..10 with one tap on a big number. The tapped
// number stays marked as sending until the server's ack, then as saved.
function renderRating(section, poll, mine, pending, open) {
  const entryId = (poll.entries || [])[0];
  const entry = entryOf(entryId);
  const saved = mine ? view.ratings[poll.id] : null;
  const buttons = [];
  for (let n = 1; n <= 10; n += 1) {
    let state = 'open';
    if (saved) state = saved === n ? 'counted' : 'other';
    else if (mine) state = 'other';
    else if (pending) state = pending.rating === n ? 'pending' : 'other';
    else if (!open) state = 'closed';
    buttons.push(h('li', null, h('button', {
      type: 'button', class: 'rate', 'data-rating': String(n), 'data-state': state,
      disabled: state !== 'open',
      'aria-label': t('rateLabel', { n, title: quoted(entry.title) }),
      onclick: () => castRating(poll.id, n),
    }, String(n))));
  }
  let status = null;
  if (mine) status = h('p', { class: 'notice ok', id: 'rating-saved' }, saved ? t('ratingSaved', { n: saved }) : t('ratingSavedNoValue'));
  else if (pending) status = pendingNotice();
  section.replaceChildren(
    h('div', { class: 'poll-head' },
      h('h2', { id: 'poll-heading' }, t('ratingOpen')),
      h('span', { id: 'countdown', class: 'countdown', role: 'timer' })),
    h('p', { class: 'title rating-title' }, quoted(entry.title)),
    h('p', { class: 'hint' }, t('ratingHint')),
    h('ol', { class: 'rates', 'aria-label': t('ratingScale') }, buttons),
    h('div', { class: 'rate-scale', 'aria-hidden': 'true' }, h('span', null, t('ratingLow')), h('span', null, t('ratingHigh'))),
    h('div', { class: 'poll-status', id: 'poll-status' }, status, errorNotice()),
  );
  renderCountdown();
}

const optional = (node) => (node ? [node] : []);

// A vote sent but not acknowledged: "sending", and while the connection is down, that it will
// be re-sent by itself (the same request id: the server counts it once).
function pendingNotice() {
  return h('p', { class: 'notice warn', id: 'pending-note', 'data-online': String(view.online) },
    view.online ? t('pendingHint') : t('pendingWaiting'));
}

function errorNotice() {
  if (!view.error) return null;
  const key = view.error.code === 'unauthorized' ? (view.error.void ? 'errTicketVoid' : 'errTicket')
    : { poll_closed: 'errPollClosed', invalid_choice: 'errInvalid', rate_limited: 'errRate' }[view.error.code] || 'errGeneric';
  return h('p', { class: 'notice err', role: 'alert' }, t(key));
}

function renderCountdown() {
  const el = byId('countdown');
  const poll = view.state && view.state.poll;
  if (!el || !poll) return;
  if (!(poll.closes_at > 0)) {
    el.className = 'countdown none';
    el.textContent = t('noDeadline');
    return;
  }
  const left = poll.closes_at - client.now();
  el.className = left <= SOON_MS ? 'countdown soon' : 'countdown';
  el.textContent = left > 0 ? t('countdown', { time: clock(left) }) : t('closing');
}

function renderReveal() {
  const section = byId('reveal');
  const reveal = view.state && view.state.reveal;
  if (!reveal || !reveal.entry) {
    section.hidden = true;
    return;
  }
  const entry = entryOf(reveal.entry);
  section.hidden = false;
  section.replaceChildren(
    h('h2', { id: 'reveal-heading' }, t('results')),
    h('p', { class: 'title' }, quoted(entry.title)),
    h('p', { class: 'muted' }, entry.unit || ''),
    h('div', { class: 'score-line' },
      h('p', { class: 'final', id: 'reveal-final' }, h('small', null, t('finalScore')), score(reveal, 'final')),
      reveal.provisional ? h('p', { class: 'provisional', id: 'reveal-provisional' }, t('provisional')) : null,
      reveal.rank ? h('p', { class: 'rank-badge' }, t('rank', { rank: reveal.rank })) : null),
    h('dl', { class: 'facts' },
      h('div', null, h('dt', null, t('judgeScore')), h('dd', null, score(reveal, 'judge_component'))),
      reveal.ratings !== undefined
        ? h('div', null, h('dt', null, t('audienceRatings')), h('dd', null,
          reveal.too_few_ratings ? t('tooFewRatings', { n: reveal.ratings }) : t('meanRating', { n: reveal.ratings, mean: Number(reveal.mean_rating).toFixed(2) })))
        : h('div', null, h('dt', null, t('audienceVotes')), h('dd', null, String(reveal.votes ?? 0)))),
    reveal.provisional ? h('p', { class: 'hint muted' }, t('provisionalHint')) : null,
  );
}

function renderLeaderboard() {
  const section = byId('leaderboard');
  const board = view.state && view.state.leaderboard;
  const rows = board && Array.isArray(board.entries) ? [...board.entries] : [];
  if (rows.length === 0) {
    section.hidden = true;
    return;
  }
  rows.sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
  section.hidden = false;
  section.replaceChildren(
    h('h2', { id: 'board-heading' }, t('leaderboard')),
    h('ol', null, rows.map((row) => {
      const entry = entryOf(row.entry);
      return h('li', { 'data-entry': row.entry },
        h('span', { class: 'pos', 'aria-label': t('leaderboardRow', { rank: row.rank }) }, String(row.rank ?? '')),
        // 暂计 goes under the title: the score cell holds the published figure alone.
        h('span', { class: 'who' }, h('b', null, quoted(entry.title)), h('span', null, entry.unit || ''),
          row.provisional ? h('small', { class: 'provisional' }, t('provisional')) : null),
        h('span', { class: 'pts' }, t('points', { score: score(row, 'final') })));
    })),
  );
}

function render() {
  // While the server has not let this phone in, the admission card is the whole page.
  byId('main').classList.toggle('blocked', admission.blocking);
  admission.render(i18n.lang);
  renderChrome();
  renderConnection();
  renderStage();
  renderPoll();
  renderReveal();
  renderLeaderboard();
}

byId('lang-toggle').addEventListener('click', () => i18n.toggle());
keepClearOf(document.querySelector('.top'));
i18n.onChange(render);

// The countdown ticks locally from the server's clock offset; at the deadline the buttons
// are disabled at once, before the server's closing state arrives.
setInterval(() => {
  renderCountdown();
  const poll = view.state && view.state.poll;
  if (poll && poll.closes_at > 0) renderPoll();
}, 250);

// A vote left pending by the last visit is re-sent with its id as soon as the hello is answered.
if (view.pending && view.ballots[view.pending.poll]) setPending(null);
if (view.pending) sendPending();
render();
client.start();
