// The audience page (/vote) on a phone-sized touch screen against the real server: voting,
// acks, a vote pending across a reload and across a server restart (each counted once),
// closed polls, revealed results, the language toggle, the first-load budget and what a reload
// costs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, connectClient, hostHello, screenshot, watchConsole, sleep,
} from './harness.mjs';
import { contrastFailures } from './contrast.mjs';
import { published } from '../../voter-web/lib/format.js';

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const FIRST_LOAD_BUDGET = 150 * 1024;

let server;
let browser;
let host;
let contest;
let round;      // the preliminary round: {id, entries}
let context;    // one phone for the whole story: its localStorage is the audience member's memory
let page;
let consoleErrors;
let dropAcks = false;   // while true, the phone never hears its vote acks (the server still counts)
let rewriteState = null;  // when set, every state the phone hears goes through it first

async function cmd(action, fields = {}) {
  return host.request({ type: 'cmd', action, ...fields });
}

async function reconnectHost() {
  if (host) host.close();
  host = await connectClient(server.wsUrl, hostHello);
}

async function votesFor(entry) {
  const results = await server.api(`/api/rounds/${round.id}/results`);
  const row = results.entries.find((e) => e.entry === entry);
  return row ? row.votes : 0;
}

function entry(id) {
  return contest.entries.find((e) => e.id === id);
}

async function waitOnline() {
  await page.locator('#conn[data-online="true"]').waitFor({ timeout: 15000 });
}

async function choice(entryId) {
  return page.locator(`button.choice[data-entry="${entryId}"]`);
}

async function waitChoiceState(entryId, state, timeout = 10000) {
  await page.locator(`button.choice[data-entry="${entryId}"][data-state="${state}"]`).waitFor({ timeout });
}

async function startAndPoll(entryId, extra = {}) {
  await cmd('start_entry', { round: round.id, entry: entryId });
  const ack = await cmd('open_poll', { round: round.id, entries: [entryId], ...extra });
  assert.ok(ack.poll, 'open_poll acks with the poll id');
  return ack.poll;
}

// Every response from `origin` as the network saw it: the raw status of what went over the
// wire (a revalidated page is a 304 here, where Playwright reports the cached 200) with its raw
// headers, or 'cache' for what the browser's cache answered without asking the server.
async function watchNetwork(context, page, origin) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const fromCache = new Set();
  const raw = new Map();       // requestId -> responseReceivedExtraInfo (may come before or after)
  const waiting = new Map();   // requestId -> resolve
  let seen = [];
  cdp.on('Network.requestServedFromCache', ({ requestId }) => fromCache.add(requestId));
  cdp.on('Network.responseReceivedExtraInfo', (info) => {
    raw.set(info.requestId, info);
    waiting.get(info.requestId)?.(info);
  });
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    if (!response.url.startsWith(origin)) return;
    const path = new URL(response.url).pathname;
    const wire = fromCache.has(requestId) ? Promise.resolve(null)
      : raw.has(requestId) ? Promise.resolve(raw.get(requestId))
        : new Promise((resolve) => waiting.set(requestId, resolve));
    seen.push(wire.then((info) => ({
      path,
      status: info ? info.statusCode : 'cache',
      headers: Object.fromEntries(Object.entries(info?.headers || {}).map(([k, v]) => [k.toLowerCase(), v])),
    })));
  });
  return {
    // The responses since the last call, once every raw status is in.
    async take() {
      const done = await Promise.all(seen);
      seen = [];
      return done;
    },
  };
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await reconnectHost();
  contest = await server.api('/api/contest');
  round = contest.rounds[0];
  context = await browser.newContext({ ...PHONE, locale: 'zh-CN' });
  await context.routeWebSocket(/\/ws$/, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((message) => upstream.send(message));
    upstream.onMessage((message) => {
      if (dropAcks && typeof message === 'string' && message.includes('"type":"ack"')) return;
      if (rewriteState && typeof message === 'string' && message.includes('"type":"state"')) {
        ws.send(JSON.stringify(rewriteState(JSON.parse(message))));
        return;
      }
      ws.send(message);
    });
  });
  page = await context.newPage();
  consoleErrors = watchConsole(page);
});

after(async () => {
  if (host) host.close();
  if (browser) await browser.close();
  if (server) await server.close();
});

test('the first load of /vote (HTML, JS, CSS) stays under 150 KB', async () => {
  const fresh = await browser.newContext(PHONE);
  const probe = await fresh.newPage();
  const sizes = new Map();
  probe.on('response', async (res) => {
    if (!res.url().startsWith(server.url)) return;
    try {
      sizes.set(res.url(), (await res.body()).length);
    } catch { /* redirects have no body */ }
  });
  await probe.goto(`${server.url}/vote`);
  await probe.locator('#conn[data-online="true"]').waitFor({ timeout: 15000 });
  await probe.waitForLoadState('networkidle');
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const kinds = [...sizes.keys()].map((u) => new URL(u).pathname);
  console.log(`first load of /vote: ${total} bytes over ${sizes.size} files: ${kinds.join(' ')}`);
  assert.ok(kinds.includes('/vote') && kinds.some((k) => k.endsWith('.js')) && kinds.some((k) => k.endsWith('.css')));
  assert.ok(total < FIRST_LOAD_BUDGET, `first load ${total} bytes`);
  await fresh.close();
});

test('a reload of /vote is a 304 for the page and nothing for its modules, which revalidate as 304s', async () => {
  const fresh = await browser.newContext(PHONE);
  const probe = await fresh.newPage();
  const network = await watchNetwork(fresh, probe, server.url);
  await probe.goto(`${server.url}/vote`);
  await probe.locator('#conn[data-online="true"]').waitFor({ timeout: 15000 });
  const first = await network.take();
  const modules = first.filter((r) => r.path.endsWith('.js')).map((r) => r.path);
  assert.ok(modules.includes('/v/vote.js') && modules.includes('/v/lib/format.js'), modules.join(' '));
  for (const response of first) {
    assert.equal(response.status, 200, response.path);
    assert.match(response.headers.etag, /^"[^"]+"$/, `${response.path} has a strong ETag`);
    assert.ok(response.headers['last-modified'], `${response.path} has Last-Modified`);
    assert.equal(response.headers['content-encoding'], 'gzip', `${response.path} came compressed`);
  }

  // The page is revalidated at every load; the modules are still fresh in the cache.
  await probe.reload();
  await probe.locator('#conn[data-online="true"]').waitFor({ timeout: 15000 });
  const reload = await network.take();
  assert.deepEqual(reload.filter((r) => r.path === '/vote').map((r) => r.status), [304]);
  for (const path of modules) {
    const response = reload.find((r) => r.path === path);
    assert.ok(response && (response.status === 'cache' || response.status === 304), `${path}: ${response?.status}`);
  }
  assert.deepEqual(reload.filter((r) => r.status === 200), [], 'nothing was downloaded again');

  // Once their max-age has run out the browser asks again, as a fetch with cache: 'no-cache'
  // does at once: each module is a 304.
  await probe.evaluate((paths) => Promise.all(paths.map((p) => fetch(p, { cache: 'no-cache' }).then((r) => r.text()))), modules);
  const revalidated = await network.take();
  assert.deepEqual(revalidated.map((r) => [r.path, r.status]).sort(), modules.map((p) => [p, 304]).sort());
  await fresh.close();
});

test('the idle page shows the contest and a live connection, with big labelled buttons', async () => {
  await page.goto(`${server.url}/vote`);
  await waitOnline();
  assert.equal(await page.locator('#contest-name').textContent(), contest.contest.name);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.locator('#conn').getAttribute('role'), 'status');
  await screenshot(page, 'vote-idle');
  assert.deepEqual(await contrastFailures(page), [], 'WCAG AA contrast');
});

test('an audience member votes and sees it counted only on the ack', async () => {
  const first = round.entries[0];
  const poll = await startAndPoll(first, { duration_ms: 300000 });
  await page.locator('#stage-heading', { hasText: `《${entry(first).title}》` }).waitFor();
  await waitChoiceState(first, 'open');
  assert.match(await page.locator('#countdown').textContent(), /剩余 \d+:\d\d/);
  // Tap targets are at least 48 px high, and every button has a name.
  for (const button of await page.locator('button:visible').all()) {
    const box = await button.boundingBox();
    assert.ok(box.height >= 48, `button of height ${box.height}`);
    const name = (await button.getAttribute('aria-label')) || (await button.textContent());
    assert.ok(name.trim().length > 0);
  }
  await screenshot(page, 'vote-poll');
  assert.deepEqual(await contrastFailures(page), [], 'WCAG AA contrast');

  await (await choice(first)).tap();
  await waitChoiceState(first, 'counted');
  assert.match(await page.locator('#poll').textContent(), /已计票/);
  assert.equal(await votesFor(first), 1);
  assert.equal(await page.evaluate(() => localStorage.getItem('stagevote.vote.pending')), null);
  await screenshot(page, 'vote-counted');
  assert.deepEqual(await contrastFailures(page), [], 'WCAG AA contrast');

  // A second tap does nothing: the button is disabled once counted.
  assert.equal(await (await choice(first)).isDisabled(), true);

  await cmd('close_poll', { poll });
  await page.locator('#poll-heading', { hasText: '投票已结束' }).waitFor();
  assert.match(await page.locator('#poll-closed-note').textContent(), /已计票/);
  await screenshot(page, 'vote-closed');
  assert.deepEqual(await contrastFailures(page), [], 'WCAG AA contrast');
});

test('a vote whose ack never arrived is re-sent after a reload and counted once', async () => {
  const second = round.entries[1];
  const poll = await startAndPoll(second);
  await waitChoiceState(second, 'open');
  dropAcks = true;
  await (await choice(second)).tap();
  await waitChoiceState(second, 'pending');
  assert.match(await page.locator('#poll').textContent(), /提交中/);
  await screenshot(page, 'vote-pending');
  assert.deepEqual(await contrastFailures(page), [], 'WCAG AA contrast');
  // The server counted it; the phone does not know yet and keeps it pending.
  const deadline = Date.now() + 5000;
  while ((await votesFor(second)) !== 1 && Date.now() < deadline) await sleep(100);
  assert.equal(await votesFor(second), 1);
  const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('stagevote.vote.pending')));
  assert.equal(stored.poll, poll);
  assert.equal(stored.choice, second);

  // Watch the frames of the reloaded page: the same vote id goes out again.
  dropAcks = false;
  const sent = [];
  const onSocket = (ws) => ws.on('framesent', (frame) => sent.push(String(frame.payload)));
  page.on('websocket', onSocket);
  await page.reload();
  await waitChoiceState(second, 'counted');
  page.off('websocket', onSocket);
  assert.equal(await votesFor(second), 1);
  assert.equal(await page.evaluate(() => localStorage.getItem('stagevote.vote.pending')), null);
  const resent = sent.map((f) => JSON.parse(f)).filter((m) => m.type === 'vote');
  assert.ok(resent.every((m) => m.id === stored.id), 'a re-sent vote keeps its id');
  await cmd('close_poll', { poll });
});

test('a reload right after tapping still ends with exactly one counted vote', async () => {
  const third = round.entries[2];
  const poll = await startAndPoll(third);
  await waitChoiceState(third, 'open');
  await (await choice(third)).tap();
  await page.reload();
  await waitChoiceState(third, 'counted');
  assert.equal(await votesFor(third), 1);
  await cmd('close_poll', { poll });
});

test('the page follows a server restart without a reload, and a vote made offline is sent on reconnect', async () => {
  const fourth = round.entries[3];
  // A poll over two acts, so the phone shows a real choice.
  await cmd('start_entry', { round: round.id, entry: fourth });
  const { poll } = await cmd('open_poll', { round: round.id, entries: [round.entries[2], fourth] });
  await waitChoiceState(fourth, 'open');
  await waitChoiceState(round.entries[2], 'open');

  await server.stop();
  await page.locator('#conn[data-online="false"][data-cause="restarting"]', { hasText: '服务器正在重启' }).waitFor({ timeout: 15000 });
  await (await choice(fourth)).tap();
  await waitChoiceState(fourth, 'pending');
  await screenshot(page, 'vote-offline');

  await server.start();
  await waitOnline();
  await waitChoiceState(fourth, 'counted', 20000);
  await reconnectHost();
  assert.equal(await votesFor(fourth), 1);
  assert.equal(await votesFor(round.entries[2]), 1, 'the other act keeps its earlier single vote');
  await cmd('close_poll', { poll });
  await page.locator('#poll-heading', { hasText: '投票已结束' }).waitFor();
});

test('a vote in the next poll is counted too, and the welcome restores who this phone voted for', async () => {
  const fifth = round.entries[4];
  const poll = await startAndPoll(fifth, { duration_ms: 120000 });
  await (await choice(fifth)).tap();
  await waitChoiceState(fifth, 'counted');
  assert.equal(await votesFor(fifth), 1);
  // The server remembers the device: with the local ballot cache gone, a reload still shows it.
  await page.evaluate(() => localStorage.removeItem('stagevote.vote.ballots'));
  await page.reload();
  await waitChoiceState(fifth, 'counted');
  assert.match(await page.locator('#poll-status').textContent(), /已投票/);
  await cmd('close_poll', { poll });
});

test('results appear once the host reveals them', async () => {
  const fifth = round.entries[4];
  // Two judges score the act on stage so there is a result to reveal.
  for (const judge of contest.judges.slice(0, 4)) {
    if (judge.unit && judge.unit === entry(fifth).unit) continue;
    const phone = await connectClient(server.wsUrl, { role: 'judge', token: judge.token });
    const marks = Object.fromEntries(contest.scoring.criteria.map((c) => [c.id, Math.round(c.max * 0.8)]));
    await phone.request({ type: 'score', round: round.id, entry: fifth, marks });
    phone.close();
  }
  assert.equal(await page.locator('#reveal').isHidden(), true, 'no result before the reveal');
  await cmd('lock_scores', { round: round.id, entry: fifth, override_reason: 'not every judge scored in this test' });
  await cmd('reveal', { round: round.id, entry: fifth });
  await page.locator('#reveal:not([hidden])').waitFor();
  assert.match(await page.locator('#reveal').textContent(), new RegExp(`《${entry(fifth).title}》`));
  const { reveal } = await host.waitFor((m) => m.type === 'state' && m.reveal?.entry === fifth);
  assert.equal(await page.locator('#reveal-final').textContent(), `最终得分${published(reveal, 'final', contest.scoring.decimals)}`);
  await page.locator('#leaderboard:not([hidden]) li').first().waitFor();
  await screenshot(page, 'vote-revealed');
  assert.deepEqual(await contrastFailures(page), [], 'WCAG AA contrast');
});

test('the phone shows the figures the server published, not a rounding of its own', async () => {
  // Figures no rounding of the result's numbers could give, so only the strings can show them.
  const figures = { judge_component: '12.34', audience_component: '56.78', final: '98.76', plain_mean: '11.11' };
  rewriteState = (state) => ({
    ...state,
    reveal: state.reveal && { ...state.reveal, published: figures },
    leaderboard: state.leaderboard && { ...state.leaderboard, entries: state.leaderboard.entries.map((e) => ({ ...e, published: figures })) },
  });
  await page.reload();
  await page.locator('#reveal-final', { hasText: '98.76' }).waitFor();
  assert.match(await page.locator('#reveal').textContent(), /12\.34/);
  assert.match(await page.locator('#leaderboard li .pts').first().textContent(), /98\.76/);
  rewriteState = null;
  await page.reload();
  await waitOnline();
});

test('a poll with a deadline counts down and closes by itself, leaving nothing to tap', async () => {
  const sixth = round.entries[5];
  await startAndPoll(sixth, { duration_ms: 3000 });
  await waitChoiceState(sixth, 'open');
  assert.match(await page.locator('#countdown').textContent(), /剩余 0:0[1-3]/);
  // At the deadline the page disables the button by itself, then the server's state closes the poll.
  await page.locator('#poll-heading', { hasText: '投票已结束' }).waitFor({ timeout: 10000 });
  assert.match(await page.locator('#poll-closed-note').textContent(), /请等待下一次投票/);
  assert.equal(await page.locator('button.choice').count(), 0);
  assert.equal(await votesFor(sixth), 0);
});

test('a vote that reaches the server after the poll closed is reported as not counted', async () => {
  const seventh = round.entries[6];
  const poll = await startAndPoll(seventh);
  await waitChoiceState(seventh, 'open');
  // The phone's vote is held back on the way (a dead spot in the hall) while the host closes the poll.
  await context.unrouteAll({ behavior: 'ignoreErrors' });
  let holdVotes = true;
  await context.routeWebSocket(/\/ws$/, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((message) => {
      if (holdVotes && String(message).includes('"type":"vote"')) return;
      upstream.send(message);
    });
    upstream.onMessage((message) => ws.send(message));
  });
  await page.reload();
  await waitChoiceState(seventh, 'open');
  await (await choice(seventh)).tap();
  await waitChoiceState(seventh, 'pending');
  await cmd('close_poll', { poll });
  holdVotes = false;
  await page.reload();   // the pending vote goes out again, now too late
  await page.locator('#poll .notice.err', { hasText: '投票已截止' }).waitFor();
  assert.equal(await votesFor(seventh), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem('stagevote.vote.pending')), null);
  await screenshot(page, 'vote-too-late');
});

test('the English toggle switches every string and survives a reload', async () => {
  await page.locator('#lang-toggle').tap();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.locator('#conn').textContent(), /Connected/);
  await page.reload();
  await waitOnline();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.locator('#footer').textContent(), /one vote per phone/);
  await screenshot(page, 'vote-english');
  await page.locator('#lang-toggle').tap();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
});

test('the page logged no errors', () => {
  assert.deepEqual(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|net::/.test(e)), []);
});
