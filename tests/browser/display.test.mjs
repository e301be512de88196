// The venue display and the host console together, against the real server: the host drives
// two entries through the console UI (start, poll, lock, preview, reveal), audience and judge
// WebSocket clients vote and score, and the display shows every step with the right numbers.
// Then the scenes, the overlay, a correction, and a server restart survived without a reload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fixed, published } from '../../voter-web/lib/format.js';
import {
  artifactsDir, connectClient, displayUrl, HOST_KEY, hostHello, launchBrowser, screenshot as capture, sleep, startServer, watchConsole,
} from './harness.mjs';

const LONG = 30000;  // the test machine renders in software and may be busy: be patient, not flaky

let server;
let browser;
let contest;
let display;
let host;
let hostWs;
const errors = { display: [], host: [] };
const results = {};  // entry id -> its result from /api/rounds/{round}/results

const entryById = (id) => contest.entries.find((e) => e.id === id);

// Waits until every finite CSS transition and animation has finished (the countdown bar and
// the pulsing live dots run for ever and are ignored), so a screenshot shows the settled
// picture even when the machine is slow.
async function settled(page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'
    || a.effect?.getTiming().iterations === Infinity || a.effect?.target?.classList?.contains('poll-clock-fill')),
  null, { timeout: LONG, polling: 100 });
}

async function screenshot(page, name) {
  await settled(page);
  await capture(page, name);
}
const sceneIs = (page, name) => page.waitForSelector(`#stage[data-scene="${name}"] .scene-${name}.shown`, { timeout: LONG });
const text = (page, selector) => page.locator(selector).first().innerText();

// Distinct, plausible marks per judge so that the highest and lowest totals are unambiguous.
function marksFor(judgeIndex, entryIndex) {
  const bump = (judgeIndex * 1.25 + entryIndex * 2) % 6;
  return { theme: 22 + bump, innovation: 21 + (judgeIndex % 4) * 1.5, art: 18 + (judgeIndex % 3) * 1.25, live: 10 + entryIndex };
}

async function confirmDialog(page) {
  await page.waitForSelector('#dialog-confirm', { timeout: LONG });
  await page.click('#dialog-confirm');
  await page.waitForSelector('#dialog-confirm', { state: 'detached', timeout: LONG });
}

// The last head the server published beside its database (<db>.heads, one line per reveal or
// correction: "TIME SEQ HASH"), in the short form the screens show.
function publishedHead() {
  const lines = readFileSync(`${server.db}.heads`, 'utf8').trim().split('\n');
  const [, seq, hash] = lines[lines.length - 1].split(' ');
  return { seq: Number(seq), short: hash.slice(0, 12) };
}

// The display's results scene and the console both show the published head.
async function headShown(scene) {
  const { short } = publishedHead();
  assert.match(short, /^[0-9a-f]{12}$/);
  await display.waitForSelector(`.scene-${scene}.shown .ledger-head[data-head="${short}"]`, { timeout: LONG });
  assert.equal(await text(display, `.scene-${scene}.shown .ledger-head`), `账本校验码 ${short}`);
  await host.waitForSelector(`#ledger-head[data-head="${short}"]`, { timeout: LONG });
  assert.match(await text(host, '#ledger-head'), new RegExp(`账本 ${short}`));
  return short;
}

async function hostPhase(phase) {
  await host.waitForSelector(`#phase[data-phase="${phase}"]`, { timeout: LONG });
}

const latestState = (match) => hostWs.untilState(match, LONG);

before(async () => {
  server = await startServer();
  contest = await server.api('/api/contest');
  browser = await launchBrowser();
  display = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  errors.display = watchConsole(display);
  await display.goto(await displayUrl(server));
  host = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  errors.host = watchConsole(host);
  hostWs = await connectClient(server.wsUrl, hostHello);
});

after(async () => {
  hostWs?.close();
  await browser?.close();
  await server?.close();
});

test('the display starts on standby with the contest name and a QR code of the join URL', async () => {
  await sceneIs(display, 'standby');
  const info = await (await fetch(`${server.url}/api/info`)).json();
  assert.equal(await display.locator('.standby-title').textContent(), contest.contest.name);
  const qr = await display.locator('.standby-qr img.qr').getAttribute('src');
  assert.equal(qr, `/qr.svg?text=${encodeURIComponent(info.join_url)}`);
  await display.waitForFunction(() => document.querySelector('img.qr')?.complete && document.querySelector('img.qr').naturalWidth > 0, null, { timeout: LONG });
  assert.match(await text(display, '.qr-url'), /\/vote$/);
  await sleep(1200);
  await screenshot(display, 'display-standby');
});

test('the host console asks for the key, says so in words when it is wrong, then opens', async () => {
  await host.goto(`${server.url}/host`);
  await host.fill('#host-key', 'not-the-key');
  await host.click('#host-key-submit');
  await host.waitForSelector('#auth-error:not(:empty)', { timeout: LONG });
  assert.match(await text(host, '#auth-error'), /密钥不正确/);
  await screenshot(host, 'host-wrong-key');
  await host.fill('#host-key', HOST_KEY);
  await host.click('#host-key-submit');
  await host.waitForSelector('#conn[data-online="1"]', { timeout: LONG });
  await host.waitForSelector('.ros-item', { timeout: LONG });
  // The key is kept for the session: a reload does not ask again.
  await host.reload();
  await host.waitForSelector('#conn[data-online="1"]', { timeout: LONG });
  assert.equal(await host.locator('#host-key').count(), 0);
  await screenshot(host, 'host-start');
});

test('a draw (抽签) from the console reorders the round and the display deals the cards', async () => {
  await host.click('.tab[data-round="prelim"]');
  await host.click('#btn-draw');
  await confirmDialog(host);
  const before = contest.rounds.find((r) => r.id === 'prelim').entries;
  const state = await latestState((s) => s.scene?.name === 'order' && s.rounds[0].order.map((o) => o.entry).join() !== before.join());
  await sceneIs(display, 'order');
  await sleep(1500);
  await capture(display, 'display-order-drawing');  // mid-animation on purpose
  await display.waitForSelector('.scene-order[data-phase="done"]', { timeout: LONG });
  await sleep(1200);
  const order = state.rounds.find((r) => r.id === 'prelim').order.map((o) => o.entry);
  // Cards are placed column by column; the card numbered 01 carries the first entry's title.
  const first = await display.locator('.order-card', { hasText: '01' }).first().locator('.order-entry-title').innerText();
  assert.equal(first, `《${entryById(order[0]).title}》`);
  await screenshot(display, 'display-order');
  await screenshot(host, 'host-after-draw');
});

// Drives one entry through the console: start, poll with `voters` phones, judges score,
// close, lock (with the preview checked), reveal; returns the entry id.
async function runEntry(entryIndex, voters) {
  await host.click('#btn-start-entry');
  await hostPhase('on_stage');
  const state = await latestState((s) => s.phase === 'on_stage' && s.stage);
  const { round, entry } = state.stage;
  const info = entryById(entry);
  await sceneIs(display, 'stage');
  assert.equal(await text(display, '.stage-title'), `《${info.title}》`);
  assert.equal(await text(display, '.stage-unit'), info.unit);
  await sleep(1200);
  if (entryIndex === 0) {
    await screenshot(display, 'display-stage');
    await screenshot(host, 'host-on-stage');
  }

  await host.click('#btn-open-poll');
  await hostPhase('poll_open');
  const pollState = await latestState((s) => s.poll);
  await sceneIs(display, 'poll');
  const phones = [];
  for (let i = 0; i < voters; i++) {
    const phone = await connectClient(server.wsUrl, { role: 'audience' });
    const ack = await phone.request({ type: 'vote', poll: pollState.poll.id, choice: entry });
    assert.equal(ack.counted, true);
    phones.push(phone);
  }
  // A second ballot from the same phone is not counted.
  const again = await phones[0].request({ type: 'vote', poll: pollState.poll.id, choice: entry });
  assert.equal(again.counted, false);
  await display.waitForFunction((n) => document.querySelector('.poll-hero-count')?.textContent === String(n), voters, { timeout: LONG });
  await host.waitForFunction((n) => document.querySelector('#live-votes')?.textContent === String(n), voters, { timeout: LONG });
  assert.match(await text(display, '.poll-clock-value'), /^\d:\d\d$/);
  if (entryIndex === 0) {
    await sleep(800);
    await screenshot(display, 'display-poll');
    await screenshot(host, 'host-poll-open');
  }

  const scored = [];
  for (const [i, judge] of contest.judges.entries()) {
    const client = await connectClient(server.wsUrl, { role: 'judge', token: judge.token });
    const marks = marksFor(i, entryIndex);
    if (judge.unit && judge.unit === info.unit) {
      await assert.rejects(client.request({ type: 'score', round, entry, marks }), { code: 'recused' });
    } else {
      const ack = await client.request({ type: 'score', round, entry, marks });
      scored.push({ judge: judge.id, total: ack.total });
    }
    client.close();
  }
  await host.waitForFunction((n) => document.querySelectorAll('.judge-table tr[data-status="scored"]').length === n, scored.length, { timeout: LONG });

  await host.click('#btn-close-poll');
  await hostPhase('poll_closed');
  await display.waitForSelector('.scene-poll.closed', { timeout: LONG });
  assert.equal(await text(display, '.poll-live-text'), '投票已结束');
  for (const phone of phones) phone.close();
  if (entryIndex === 0) await screenshot(display, 'display-poll-closed');

  await host.click('#btn-lock-scores');
  await confirmDialog(host);
  await hostPhase('locked');
  const { entries } = await server.api(`/api/rounds/${round}/results`);
  const result = entries.find((e) => e.entry === entry);
  results[entry] = result;
  assert.equal(result.votes, voters);
  assert.equal(result.judge_scores.length, scored.length);
  // The preview is the display's own reveal scene, complete, with the result's numbers.
  await host.waitForFunction((f) => document.querySelector('#preview-stage .final-value')?.textContent === f, published(result, 'final', 2), { timeout: LONG });
  assert.equal(await text(host, '#preview-stage .reveal-title'), `《${info.title}》`);
  if (entryIndex === 0) await screenshot(host, 'host-locked-preview');

  // Space runs the next step (reveal) and asks for confirmation; Enter confirms.
  await host.locator('body').press('Space');
  await host.waitForSelector('#dialog-confirm', { timeout: LONG });
  await host.keyboard.press('Enter');
  await hostPhase('revealed');
  await sceneIs(display, 'reveal');
  if (entryIndex === 0) {
    await display.waitForSelector('.judge-card.in', { timeout: LONG });
    await sleep(1500);
    await capture(display, 'display-reveal-judges');  // mid-reveal on purpose
  }
  await display.waitForSelector('.scene-reveal[data-phase="done"]', { timeout: 60000 });
  await sleep(1000);

  // Every judge's total, the dropped highest and lowest struck through, the final and the rank.
  for (const score of result.judge_scores) {
    const card = display.locator(`.judge-card[data-judge="${score.judge}"]`);
    assert.equal(await card.locator('.judge-total-value').innerText(), fixed(score.total, 2));
    assert.equal(await card.evaluate((el) => el.classList.contains('dropped')), score.dropped);
    if (score.dropped) {
      const scale = await card.locator('.strike').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);
      assert.equal(scale, 1, 'the dropped total is struck through');
    }
  }
  const totals = result.judge_scores.map((s) => s.total);
  if (result.judge_scores.length >= contest.scoring.trim_min) {
    const roles = await display.locator('.judge-card.dropped').evaluateAll((cards) => cards.map((c) => [c.dataset.role, Number(c.querySelector('.judge-total-value').textContent)]));
    assert.deepEqual(roles.find(([role]) => role === 'highest')[1], Math.max(...totals));
    assert.deepEqual(roles.find(([role]) => role === 'lowest')[1], Math.min(...totals));
  }
  assert.equal(await text(display, '.final-value'), published(result, 'final', 2));
  assert.equal(await text(display, '.scene-reveal .figure:nth-of-type(1) .figure-value'), published(result, 'judge_component', 2));
  assert.match(await text(display, '.reveal-rank'), /暂列第 \d+ 名/);
  if (entryIndex === 0) {
    await screenshot(display, 'display-reveal');
    await screenshot(host, 'host-revealed');
  }
  return entry;
}

test('the host drives an entry through the console and the display shows every step', async () => {
  await runEntry(0, 7);
});

test('a second entry, then the leaderboard ranks both by the server results', async () => {
  await runEntry(1, 3);
  await host.selectOption('#scene-round', 'prelim');
  await host.click('#scene-leaderboard');
  await sceneIs(display, 'leaderboard');
  await display.waitForFunction(() => document.querySelectorAll('.board-row').length === 2, null, { timeout: LONG });
  await sleep(1800);
  const { entries } = await server.api('/api/rounds/prelim/results');
  const revealed = entries.filter((e) => e.status === 'revealed').sort((a, b) => a.rank - b.rank);
  assert.equal(revealed.length, 2);
  // Rows are placed by transform: read their order from their vertical position.
  const shown = await display.locator('.board-row').evaluateAll((rows) => rows
    .map((r) => ({ entry: r.dataset.entry, y: new DOMMatrix(getComputedStyle(r).transform).f, final: r.querySelector('.c-final').textContent }))
    .sort((a, b) => a.y - b.y));
  assert.deepEqual(shown.map((r) => r.entry), revealed.map((r) => r.entry));
  assert.deepEqual(shown.map((r) => r.final), revealed.map((r) => published(r, 'final', 2)));
  await headShown('leaderboard');
  await screenshot(display, 'display-leaderboard');
  await screenshot(host, 'host-leaderboard');
});

test('the display survives a server restart without a reload and shows the same scene', async () => {
  await display.evaluate(() => { window.noReloadMarker = 42; });
  const rowsBefore = await display.locator('.board-row').count();
  const consoleBefore = errors.display.length;
  await server.stop();
  await display.waitForSelector('.conn-indicator[data-online="0"]', { timeout: LONG });
  await capture(display, 'display-offline');
  await server.start();
  await display.waitForSelector('.conn-indicator[data-online="1"]', { timeout: LONG });
  await host.waitForSelector('#conn[data-online="1"]', { timeout: LONG });
  hostWs.close();
  hostWs = await connectClient(server.wsUrl, hostHello);
  assert.equal(await display.evaluate(() => window.noReloadMarker), 42);
  await sceneIs(display, 'leaderboard');
  assert.equal(await display.locator('.board-row').count(), rowsBefore);
  await headShown('leaderboard');  // the same head, from the heads file, after the restart
  // While the server was down Chromium itself logs each refused WebSocket attempt (and the
  // console's integrity poll that was on its way when it stopped); those are the expected cost
  // of a restart, not page errors.
  const refused = /WebSocket connection to .* failed|net::ERR_CONNECTION_REFUSED/;
  errors.display.splice(consoleBefore, errors.display.length - consoleBefore,
    ...errors.display.slice(consoleBefore).filter((e) => !refused.test(e)));
  errors.host.splice(0, errors.host.length, ...errors.host.filter((e) => !refused.test(e)));
});

test('a correction after reveal is refused in words when out of range, then amends the result', async () => {
  const headBefore = publishedHead().short;
  const [first] = Object.keys(results);
  const result = results[first];
  const judge = result.judge_scores[0].judge;
  await host.click('#correction summary');
  await host.selectOption('#fix-entry', `prelim/${first}`);
  await host.selectOption('#fix-judge', judge);
  for (const c of contest.scoring.criteria) await host.fill(`#fix-mark-${c.id}`, String(c.max));
  await host.fill(`#fix-mark-${contest.scoring.criteria[0].id}`, String(contest.scoring.criteria[0].max + 50));
  await host.fill('#fix-reason', '录入错误');
  await host.click('#fix-submit');
  // The console asks once per session who makes corrections.
  await host.fill('#dialog-input', '张晓明');
  await host.click('#dialog-confirm');
  await confirmDialog(host);
  await host.waitForSelector('.notice.error', { timeout: LONG });
  assert.match(await text(host, '.notice.error'), /分数超出范围/);
  await screenshot(host, 'host-correction-refused');
  await host.evaluate(() => document.querySelectorAll('.notice').forEach((n) => n.remove()));

  await host.fill(`#fix-mark-${contest.scoring.criteria[0].id}`, String(contest.scoring.criteria[0].max));
  await host.click('#fix-submit');
  await confirmDialog(host);
  await host.waitForSelector('.notice.ok', { timeout: LONG });
  await host.waitForSelector(`.ros-item[data-entry="${first}"] .chip.amended`, { timeout: LONG });
  const { entries } = await server.api('/api/rounds/prelim/results');
  const amended = entries.find((e) => e.entry === first);
  assert.equal(amended.amended, true);
  // The leaderboard on the display follows the corrected final.
  await display.waitForFunction(({ entry, final }) => document.querySelector(`.board-row[data-entry="${entry}"] .c-final`)?.textContent === final,
    { entry: first, final: published(amended, 'final', 2) }, { timeout: LONG });
  // The correction is published as a new head, and the screens follow it.
  assert.notEqual(await headShown('leaderboard'), headBefore);
  await screenshot(host, 'host-correction-done');
  // The 公示 prints the operator the console asked for, not "host".
  const sheet = await fetch(`${server.url}/api/export?format=html&round=prelim`, { headers: { Authorization: `Bearer ${HOST_KEY}` } });
  assert.match(await sheet.text(), /<td class="operator">张晓明<\/td>/);
});

test('every other scene shows what the host sets, and the overlay is a lower third', async () => {
  // Awards, tier by tier.
  await host.selectOption('#scene-round', 'prelim');
  for (const tier of ['third', 'second', 'first', 'popularity']) {
    await host.selectOption('#scene-tier', tier);
    await host.click('#scene-awards');
    await display.waitForSelector(`.scene-awards.shown .award-tier.in[data-tier="${tier}"]`, { timeout: LONG });
    await sleep(1800);
    await screenshot(display, `display-awards-${tier}`);
  }
  assert.equal(await text(display, '.award-tier.in .award-name'), '最佳人气奖');
  await headShown('awards');

  // Commentary: pick a judge, add a line.
  const judge = contest.judges[3];
  await host.selectOption('#commentary-judge', judge.id);
  await host.fill('#commentary-text', '作品把党建与业务融合的故事讲得生动自然。');
  await host.click('#scene-commentary');
  await sceneIs(display, 'commentary');
  assert.equal(await text(display, '.commentary-name'), judge.name);
  await sleep(1200);
  await screenshot(display, 'display-commentary');
  await screenshot(host, 'host-commentary');

  // The overlay variant: a transparent page with a lower third.
  const overlay = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const overlayErrors = watchConsole(overlay);
  await overlay.goto(await displayUrl(server, '?overlay=1'));
  await overlay.waitForSelector('.scene-commentary.shown .lower-third', { timeout: LONG });
  assert.equal(await overlay.locator('.lt-title').innerText(), judge.name);
  const background = await overlay.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, 'rgba(0, 0, 0, 0)');
  await sleep(1500);
  await settled(overlay);
  await overlay.screenshot({ path: path.join(artifactsDir, 'display-overlay-commentary.png'), omitBackground: true });

  // Message.
  await host.fill('#message-text', '中场休息 十五分钟\n下半场即将开始');
  await host.click('#scene-message');
  await sceneIs(display, 'message');
  assert.equal(await text(display, '.message-text'), '中场休息 十五分钟\n下半场即将开始');
  await sleep(1200);
  await screenshot(display, 'display-message');
  await overlay.waitForSelector('.scene-message.shown .lower-third', { timeout: LONG });
  await sleep(1200);
  await settled(overlay);
  await overlay.screenshot({ path: path.join(artifactsDir, 'display-overlay-message.png'), omitBackground: true });

  // The result again, as the overlay shows it.
  await host.click('#scene-reveal');
  await overlay.waitForSelector('.scene-reveal.shown .lower-third', { timeout: LONG });
  await sleep(1500);
  await settled(overlay);
  await overlay.screenshot({ path: path.join(artifactsDir, 'display-overlay-reveal.png'), omitBackground: true });
  assert.deepEqual(overlayErrors, []);
  await overlay.close();

  // The final's running order, standby, then B = blackout with a confirmation.
  await host.selectOption('#scene-round', 'final');
  await host.click('#scene-order');
  await sceneIs(display, 'order');
  await sleep(1500);
  await screenshot(display, 'display-order-final');
  await host.click('#scene-standby');
  await sceneIs(display, 'standby');
  await host.locator('body').press('b');
  await confirmDialog(host);
  await sceneIs(display, 'blackout');
  await sleep(900);
  await screenshot(display, 'display-blackout');
  await screenshot(host, 'host-blackout');
});

test('the display scales its 1920x1080 stage to a 4:3 screen, letterboxed', async () => {
  await host.click('#scene-standby');
  const small = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  const smallErrors = watchConsole(small);
  await small.goto(await displayUrl(server));
  await sceneIs(small, 'standby');
  const box = await small.locator('#stage').boundingBox();
  assert.ok(Math.abs(box.width - 1024) < 1, `stage width ${box.width}`);
  assert.ok(Math.abs(box.height - 576) < 1, `stage height ${box.height}`);
  assert.ok(Math.abs(box.y - 96) < 1, `letterbox offset ${box.y}`);
  await sleep(1200);
  await screenshot(small, 'display-4x3');
  assert.deepEqual(smallErrors, []);
  await small.close();
});

test('no console errors on the display or the host console', () => {
  assert.deepEqual(errors.display, []);
  assert.deepEqual(errors.host, []);
});
