// The judges' page (/judge) on a phone-sized touch screen against the real server: sign-in by
// fragment or typed token, scoring with live totals and acks, revising, marks refused before
// sending (and by the server), recusal, locking, and marks surviving a dropped connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, connectClient, hostHello, screenshot, watchConsole, sleep,
} from './harness.mjs';
import { contrastFailures } from './contrast.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

let server;
let browser;
let host;
let contest;
let round;
let judge;         // a judge from a unit with a work in the first round
let ownEntry;      // that work: the judge is recused from it
let scoredEntry;   // the first work of the round from another unit
let context;
let page;
let consoleErrors;
let sentFrames = [];

const criteria = () => contest.scoring.criteria;

async function cmd(action, fields = {}) {
  return host.request({ type: 'cmd', action, ...fields });
}

async function judgeTotal(entryId) {
  const results = await server.api(`/api/rounds/${round.id}/results`);
  const row = results.entries.find((e) => e.entry === entryId);
  const score = row && row.judge_scores.find((s) => s.judge === judge.id);
  return score ? score.total : null;
}

function card(entryId) {
  return page.locator(`li.entry[data-entry="${entryId}"]`);
}

function field(entryId, criterion) {
  return card(entryId).locator(`input[type="text"][data-criterion="${criterion}"]`);
}

async function fillMarks(entryId, marks) {
  for (const [criterion, value] of Object.entries(marks)) {
    await field(entryId, criterion).fill(String(value));
  }
}

async function waitAckedTotal(entryId, total) {
  await card(entryId).locator(`.submit-status [data-acked-total="${total}"]`).waitFor({ timeout: 15000 });
}

function scoreFramesSent() {
  return sentFrames.map((f) => JSON.parse(f)).filter((m) => m.type === 'score');
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  host = await connectClient(server.wsUrl, hostHello);
  contest = await server.api('/api/contest');
  round = contest.rounds[0];
  const unitOf = (id) => contest.entries.find((e) => e.id === id).unit;
  judge = contest.judges.find((j) => j.unit && round.entries.some((id) => unitOf(id) === j.unit));
  assert.ok(judge, 'the demo has a judge from a unit with a work in the first round');
  ownEntry = round.entries.find((id) => unitOf(id) === judge.unit);
  scoredEntry = round.entries.find((id) => unitOf(id) !== judge.unit);
  context = await browser.newContext({ ...PHONE, locale: 'zh-CN' });
  page = await context.newPage();
  consoleErrors = watchConsole(page);
  page.on('websocket', (ws) => ws.on('framesent', (frame) => sentFrames.push(String(frame.payload))));
});

after(async () => {
  if (host) host.close();
  if (browser) await browser.close();
  if (server) await server.close();
});

test('without a token the page asks for one and refuses a wrong one', async () => {
  await page.goto(`${server.url}/judge`);
  await page.locator('#login:not([hidden])').waitFor();
  assert.equal(await page.locator('label[for="token-input"]').textContent(), '评委口令');
  await screenshot(page, 'judge-login');
  assert.deepEqual(await contrastFailures(page), [], 'WCAG AA contrast');
  await page.locator('#token-input').fill('not-a-real-token');
  await page.locator('#login-button').tap();
  await page.locator('#login-error:not([hidden])', { hasText: '口令无效' }).waitFor();
  await screenshot(page, 'judge-login-refused');
});

test('a judge opening /judge#t=TOKEN is greeted by name and sees the running order', async () => {
  await page.goto(`${server.url}/judge#t=${encodeURIComponent(judge.token)}`);
  await page.locator('#greeting', { hasText: judge.name }).waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');
  assert.equal(await page.evaluate(() => localStorage.getItem('stagevote.judge.token')), JSON.stringify(judge.token));
  // The greeting comes with the welcome; the running order with the state just after it.
  await page.locator('li.entry').nth(round.entries.length - 1).waitFor();
  assert.equal(await page.locator('li.entry').count(), round.entries.length);
  assert.equal(await card(round.entries[0]).getAttribute('data-status'), round.entries[0] === ownEntry ? 'recused' : 'upcoming');
});

test('the entry on stage opens by default; marks keep slider and field in sync with a live total', async () => {
  await cmd('start_entry', { round: round.id, entry: scoredEntry });
  await card(scoredEntry).locator('.entry-head[aria-expanded="true"]').waitFor();
  await card(scoredEntry).locator('[data-status="to_score"]').first().waitFor();
  const [first, second] = criteria();
  await field(scoredEntry, first.id).fill('20.5');
  const slider = card(scoredEntry).locator(`input[type="range"][data-criterion="${first.id}"]`);
  assert.equal(await slider.inputValue(), '20.5');
  await slider.fill('12');
  assert.equal(await field(scoredEntry, first.id).inputValue(), '12');
  await field(scoredEntry, first.id).fill('20.5');
  await field(scoredEntry, second.id).fill('10');
  assert.equal(await card(scoredEntry).locator('.total-value').textContent(), '30.5');
  assert.equal(await card(scoredEntry).locator('button.submit').isDisabled(), true, 'not every criterion has a mark');
});

test('a submitted score is confirmed by the ack, and a revision replaces it on the server', async () => {
  const marks = Object.fromEntries(criteria().map((c, i) => [c.id, c.max - 2 - i * 0.25]));
  const total = Object.values(marks).reduce((a, b) => a + b, 0);
  await fillMarks(scoredEntry, marks);
  assert.equal(await card(scoredEntry).locator('.total-value').textContent(), String(total));
  await card(scoredEntry).locator('button.submit').tap();
  await waitAckedTotal(scoredEntry, total);
  await card(scoredEntry).locator('.badge[data-status="submitted"]').waitFor();
  assert.equal(await judgeTotal(scoredEntry), total);
  assert.match(await card(scoredEntry).locator('.submit-status').textContent(), /已提交/);
  await card(scoredEntry).locator('.submit-status').scrollIntoViewIfNeeded();
  await screenshot(page, 'judge-scoring');
  assert.deepEqual(await contrastFailures(page), [], 'WCAG AA contrast');

  const revised = { ...marks, [criteria()[0].id]: 1.5 };
  const revisedTotal = Object.values(revised).reduce((a, b) => a + b, 0);
  await fillMarks(scoredEntry, revised);
  assert.equal(await card(scoredEntry).locator('button.submit').textContent(), '更新评分');
  await card(scoredEntry).locator('button.submit').tap();
  await waitAckedTotal(scoredEntry, revisedTotal);
  assert.equal(await judgeTotal(scoredEntry), revisedTotal, 'the server keeps the latest total');
});

test('marks above the max or with too many decimals are refused in the page, and nothing is sent', async () => {
  const [first, second] = criteria();
  const before = scoreFramesSent().length;
  await field(scoredEntry, first.id).fill(String(first.max + 1));
  await card(scoredEntry).locator(`.crit[data-criterion="${first.id}"] .crit-error`, { hasText: `0 到 ${first.max}` }).waitFor();
  assert.equal(await field(scoredEntry, first.id).getAttribute('aria-invalid'), 'true');
  assert.equal(await card(scoredEntry).locator('button.submit').isDisabled(), true);
  await field(scoredEntry, first.id).press('Enter');   // submitting by keyboard is refused too
  await field(scoredEntry, first.id).fill('3');
  await field(scoredEntry, second.id).fill('12.345');
  await card(scoredEntry).locator(`.crit[data-criterion="${second.id}"] .crit-error`, { hasText: '小数' }).waitFor();
  assert.equal(await card(scoredEntry).locator('button.submit').isDisabled(), true);
  await field(scoredEntry, second.id).press('Enter');
  await sleep(300);
  assert.equal(scoreFramesSent().length, before, 'no score message left the page');
  await screenshot(page, 'judge-invalid');
  assert.deepEqual(await contrastFailures(page), [], 'WCAG AA contrast');
  await field(scoredEntry, second.id).fill('12');
  assert.equal(await card(scoredEntry).locator('button.submit').isDisabled(), false);
});

test('the server refuses bad marks sent raw with out_of_range', async () => {
  // Another judge's token: a second connection on the page's would take the page's session
  // over (one live session per judge).
  const unit = contest.entries.find((e) => e.id === scoredEntry).unit;
  const other = contest.judges.find((j) => j.id !== judge.id && j.unit !== unit);
  const raw = await connectClient(server.wsUrl, { role: 'judge', token: other.token });
  const good = Object.fromEntries(criteria().map((c) => [c.id, 1]));
  const [first] = criteria();
  for (const bad of [first.max + 1, -1, 1.123]) {
    await assert.rejects(
      raw.request({ type: 'score', round: round.id, entry: scoredEntry, marks: { ...good, [first.id]: bad } }),
      (err) => err.code === 'out_of_range');
  }
  raw.close();
});

test('marks being typed survive a reload, and a score sent while the server is down is recorded once on reconnect', async () => {
  const [first, second] = criteria();
  await fillMarks(scoredEntry, { [first.id]: 7, [second.id]: 8 });
  await page.reload();
  await page.locator('#greeting', { hasText: judge.name }).waitFor();
  assert.equal(await field(scoredEntry, first.id).inputValue(), '7');
  assert.equal(await field(scoredEntry, second.id).inputValue(), '8');

  const marks = Object.fromEntries(criteria().map((c) => [c.id, Math.floor(c.max / 2)]));
  const total = Object.values(marks).reduce((a, b) => a + b, 0);
  await fillMarks(scoredEntry, marks);
  await server.stop();
  await page.locator('#conn[data-online="false"][data-cause="restarting"]', { hasText: '服务器正在重启' }).waitFor({ timeout: 15000 });
  sentFrames = [];
  await card(scoredEntry).locator('button.submit').tap();
  await card(scoredEntry).locator('button.submit', { hasText: '提交中' }).waitFor();
  const pending = JSON.parse(await page.evaluate(() => localStorage.getItem('stagevote.judge.work'))).pending;
  const request = Object.values(pending)[0];
  assert.deepEqual(request.marks, marks);
  await screenshot(page, 'judge-offline');

  await server.start();
  await waitAckedTotal(scoredEntry, total);
  host.close();
  host = await connectClient(server.wsUrl, hostHello);
  assert.equal(await judgeTotal(scoredEntry), total);
  const sent = scoreFramesSent();
  assert.ok(sent.length >= 1 && sent.every((m) => m.id === request.id), 'sent again with the same id');
});

test('an entry of the judge\'s own unit is shown as recused, without a form', async () => {
  await cmd('start_entry', { round: round.id, entry: ownEntry });
  await card(ownEntry).locator('.badge[data-status="recused"]').waitFor();
  await card(ownEntry).locator('.entry-head[aria-expanded="true"]').waitFor();
  assert.match(await card(ownEntry).locator('.note').textContent(), /本单位作品，回避/);
  assert.equal(await card(ownEntry).locator('form.score-form:visible').count(), 0);
  await card(ownEntry).scrollIntoViewIfNeeded();
  await screenshot(page, 'judge-recused');
  assert.deepEqual(await contrastFailures(page), [], 'WCAG AA contrast');
});

test('after the host locks an entry its marks are read-only', async () => {
  await cmd('lock_scores', { round: round.id, entry: scoredEntry, override_reason: 'not every judge scored in this test' });
  await card(scoredEntry).locator('.badge[data-status="locked"]').waitFor();
  const head = card(scoredEntry).locator('.entry-head');
  if ((await head.getAttribute('aria-expanded')) !== 'true') await head.tap();
  for (const c of criteria()) assert.equal(await field(scoredEntry, c.id).isDisabled(), true);
  assert.equal(await card(scoredEntry).locator('button.submit').isHidden(), true);
  assert.match(await card(scoredEntry).locator('.note').textContent(), /锁定/);
  await card(scoredEntry).scrollIntoViewIfNeeded();
  await screenshot(page, 'judge-locked');
  assert.deepEqual(await contrastFailures(page), [], 'WCAG AA contrast');
});

test('the page logged no errors', () => {
  assert.deepEqual(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|net::/.test(e)), []);
});
