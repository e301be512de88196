// Join from every scene (issue 16): while a poll is open, the audience-facing scenes carry the
// join corner (QR code, short URL, and the join code in code mode). A phone joins from what the
// screen shows, read with a real QR decoder (jsQR over a screenshot of the picture): from the
// poll scene's own QR code, and from the corner over the stage and leaderboard scenes. The
// host hides the corner from the console and it is gone (and stays gone after a restart);
// standby, poll, blackout and the broadcast overlay never carry it. In code mode the decoded
// URL carries the code, the phone joins with it, and a new code changes the corner in place.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  artifactsDir, connectClient, displayUrl, hostHello, launchBrowser, screenshot as capture, signInHost, startServer, watchConsole,
} from './harness.mjs';
import { readQr } from './qr.mjs';

const LONG = 30000;   // the test machine renders in software and may be busy
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

let server;
let browser;
let contest;
let info;
let hostWs;
let host;        // the console page
let display;     // the venue screen page
const errors = { host: [], display: [], phones: [] };
const contexts = [];
let entryIndex = 0;

const artifact = (name) => path.join(artifactsDir, name);

// Every finite transition and animation finished: a screenshot (and a QR code read from it)
// shows the settled picture.
async function settled(page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'
    || a.effect?.getTiming().iterations === Infinity || a.effect?.target?.classList?.contains('poll-clock-fill')),
  null, { timeout: LONG, polling: 100 });
}

async function screenshot(page, name) {
  await settled(page);
  await capture(page, name);
}

async function phone() {
  const context = await browser.newContext({ ...PHONE, locale: 'zh-CN' });
  contexts.push(context);
  const page = await context.newPage();
  errors.phones.push(watchConsole(page));
  return page;
}

const cmd = (action, fields = {}) => hostWs.request({ type: 'cmd', action, ...fields });
const online = (page) => page.locator('#conn[data-online="true"]').waitFor({ timeout: LONG });
const corner = () => display.locator('#stage > .join-corner');

// The display's scene is `name`, shown (its entrance started).
async function onScene(name) {
  await display.waitForSelector(`#stage[data-scene="${name}"] .scene-${name}.shown`, { timeout: LONG });
}

async function cornerShown() {
  await display.waitForSelector('#stage.with-join-corner > .join-corner.shown[data-shown="1"] img.qr', { timeout: LONG });
  await display.waitForFunction(() => document.querySelector('.join-corner img.qr')?.complete, null, { timeout: LONG });
  await settled(display);
  assert.equal(await corner().isVisible(), true);
}

async function cornerGone() {
  await display.waitForSelector('#stage:not(.with-join-corner) > .join-corner[data-shown="0"]', { state: 'attached', timeout: LONG });
  await settled(display);
  assert.equal(await corner().isVisible(), false, 'the hidden corner is not visible');
}

// Two entries of the first round: one on stage, a poll over both; returns {poll, entries}.
async function openPoll() {
  const round = contest.rounds[0];
  const entries = round.entries.slice(entryIndex, entryIndex + 2);
  entryIndex += 2;
  await cmd('start_entry', { round: round.id, entry: entries[0] });
  const { poll } = await cmd('open_poll', { round: round.id, entries });
  return { poll, entries };
}

// A phone opens `url` (what a QR code said), votes for `entry` and sees its vote counted.
async function joinAndVote(url, entry) {
  const page = await phone();
  await page.goto(url);
  await online(page);
  await page.locator(`button.choice[data-entry="${entry}"][data-state="open"]`).waitFor({ timeout: LONG });
  await page.locator(`button.choice[data-entry="${entry}"]`).tap();
  await page.locator(`button.choice[data-entry="${entry}"][data-state="counted"]`).waitFor({ timeout: LONG });
  return page;
}

before(async () => {
  server = await startServer({ publicUrl: true });
  contest = await server.api('/api/contest');
  info = await (await fetch(`${server.url}/api/info`)).json();
  browser = await launchBrowser();
  hostWs = await connectClient(server.wsUrl, hostHello);
  host = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  errors.host = watchConsole(host);
  await signInHost(host, server, { timeout: LONG });
  display = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  errors.display = watchConsole(display);
  await display.goto(await displayUrl(server));
  await display.waitForSelector('.conn-indicator[data-online="1"]', { timeout: LONG });
  await onScene('standby');
});

after(async () => {
  hostWs?.close();
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

test('no poll open: no corner on any scene', async () => {
  assert.equal(hostWs.state().join_corner.visible, true, 'shown unless hidden');
  await cmd('show', { scene: 'leaderboard', round: contest.rounds[0].id });
  await onScene('leaderboard');
  await cornerGone();
});

test('open mode: a phone joins from the poll scene\'s QR code, another from the corner over the stage and leaderboard', async () => {
  const { poll, entries } = await openPoll();
  await onScene('poll');
  // The poll scene has its own QR code beside the clock: no second one in the corner.
  await cornerGone();
  await display.waitForFunction(() => document.querySelector('.poll-qr img.qr')?.complete, null, { timeout: LONG });
  await settled(display);
  const fromPoll = await readQr(display.locator('.poll-qr .qr-card'));
  assert.equal(fromPoll, info.join_url);
  await joinAndVote(fromPoll, entries[0]);

  // The stage scene, poll still open: the corner, bottom right, about 260x300.
  await cmd('show', { scene: 'stage' });
  await onScene('stage');
  await cornerShown();
  const box = await corner().boundingBox();
  assert.ok(box.x + box.width <= 1920 - 40 && box.y + box.height <= 1080 - 40, `inside the stage: ${JSON.stringify(box)}`);
  assert.ok(box.x >= 1920 - 360 && box.y >= 1080 - 400, `in the bottom-right corner: ${JSON.stringify(box)}`);
  assert.ok(box.width <= 280 && box.height <= 340, `about 260x300: ${JSON.stringify(box)}`);
  const shortUrl = info.join_url.replace(/^https?:\/\//, '');
  assert.equal(await corner().locator('.corner-url').innerText(), shortUrl);
  assert.equal(await corner().locator('.corner-caption').innerText(), '扫码投票');
  assert.equal(await corner().locator('.join-code').isVisible(), false, 'no code in open mode');
  const scanned = await readQr(corner().locator('.qr-card'));
  assert.equal(scanned, info.join_url);
  await capture(display, 'join-corner-stage-open');
  await corner().screenshot({ path: artifact('join-corner-stage-open-corner.png') });
  const phonePage = await joinAndVote(scanned, entries[1]);
  await capture(phonePage, 'join-corner-phone-voted');
  // Both phones counted: the screens' tally says so.
  const tally = await hostWs.waitFor((m) => m.type === 'tally' && m.poll === poll && m.total === 2, LONG);
  assert.equal(tally.total, 2);

  // To the leaderboard: the same corner stays (no remount), still readable.
  const before = await corner().elementHandle();
  await cmd('show', { scene: 'leaderboard', round: contest.rounds[0].id });
  await onScene('leaderboard');
  await cornerShown();
  assert.equal(await display.evaluate((el) => el === document.querySelector('#stage > .join-corner'), before), true);
  assert.equal(await readQr(corner().locator('.qr-card')), info.join_url);
  await capture(display, 'join-corner-leaderboard-open');

  // In English the caption follows.
  await display.keyboard.press('l');
  await display.waitForFunction(() => document.querySelector('.join-corner .corner-caption')?.textContent === 'Scan to vote', null, { timeout: LONG });
  await cornerShown();
  await capture(display, 'join-corner-leaderboard-open-en');
  await display.keyboard.press('l');
  await display.waitForFunction(() => document.querySelector('.join-corner .corner-caption')?.textContent === '扫码投票', null, { timeout: LONG });

  // Standby keeps its large one, blackout shows nothing: no corner on either.
  await cmd('show', { scene: 'standby' });
  await onScene('standby');
  await cornerGone();
  await cmd('show', { scene: 'blackout' });
  await onScene('blackout');
  await cornerGone();
  await cmd('show', { scene: 'stage' });
  await onScene('stage');
  await cornerShown();
});

test('the broadcast overlay never carries the corner', async () => {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  contexts.push(context);
  const page = await context.newPage();
  const pageErrors = watchConsole(page);
  await page.goto(await displayUrl(server, '?overlay=1'));
  await page.waitForSelector('#stage[data-scene="stage"] .scene-stage.shown', { timeout: LONG });
  await settled(page);
  assert.equal(await page.locator('#stage > .join-corner').isVisible(), false);
  assert.equal(await page.locator('#stage.with-join-corner').count(), 0);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the host hides the corner from the console: gone from the screen, and after a restart; shown again', async () => {
  const box = host.locator('#join-corner-visible');
  assert.equal(await box.isChecked(), true);
  await host.locator('.join-corner-group').scrollIntoViewIfNeeded();
  await host.locator('.join-corner-group').screenshot({ path: artifact('join-corner-host-toggle-on.png') });
  await box.uncheck();
  await hostWs.untilState((s) => s.join_corner?.visible === false);
  await cornerGone();
  assert.match(await host.locator('#join-corner-hint').innerText(), /已隐藏/);
  await host.locator('.join-corner-group').screenshot({ path: artifact('join-corner-host-toggle-off.png') });
  await capture(display, 'join-corner-stage-hidden');

  // Ledgered: the restarted server replays it, and the screen that reconnects keeps it hidden.
  await display.evaluate(() => {
    const { client } = window.stagevoteDisplay;
    const before = client.ws;
    window.statesSinceRestart = [];
    client.on('state', (state) => { if (client.ws !== before) window.statesSinceRestart.push(state.join_corner?.visible); });
  });
  hostWs.close();
  await server.restart();
  hostWs = await connectClient(server.wsUrl, hostHello);
  assert.equal((await hostWs.untilState(() => true)).join_corner.visible, false);
  // The display's first state from the restarted server (its WebSocket reconnects by itself).
  await display.waitForFunction(() => window.statesSinceRestart.length > 0, null, { timeout: LONG });
  assert.equal(await display.evaluate(() => window.statesSinceRestart[0]), false);
  await onScene('stage');
  await cornerGone();
  await host.waitForSelector('#conn[data-online="1"]', { timeout: LONG });
  await host.waitForFunction(() => document.querySelector('#join-corner-visible')?.checked === false, null, { timeout: LONG });

  await host.locator('#join-corner-visible').check();
  await hostWs.untilState((s) => s.join_corner?.visible === true);
  await cornerShown();
  // Closing the poll takes it away.
  const poll = hostWs.state().poll.id;
  await cmd('close_poll', { poll });
  await cornerGone();
});

test('code mode: the corner shows the code, its QR code carries it, a phone joins with it; a new code changes it in place', async () => {
  const open = (await hostWs.untilState(() => true)).poll;
  if (open) await cmd('close_poll', { poll: open.id });  // admission switches while none is open
  await cmd('set_admission', { mode: 'code' });
  const { entries } = await openPoll();
  await cmd('show', { scene: 'stage' });
  await onScene('stage');
  await cornerShown();
  await display.waitForFunction(() => /^\d{6}$/.test(document.querySelector('.join-corner .join-code')?.dataset.code || ''), null, { timeout: LONG });
  const shown = await corner().locator('.join-code').getAttribute('data-code');
  assert.match(await corner().locator('.join-code').innerText(), /加入码\s*\d{6}/);
  const scanned = await readQr(corner().locator('.qr-card'));
  const now = await corner().locator('.join-code').getAttribute('data-code');
  assert.ok([shown, now].some((code) => scanned === `${info.join_url}#c=${code}`), `the QR code says ${scanned}`);
  const box = await corner().boundingBox();
  assert.ok(box.width <= 280 && box.height <= 340 && box.y + box.height <= 1080 - 40, `about 260x300: ${JSON.stringify(box)}`);
  // The code's box stays inside the corner.
  const code = await corner().locator('.join-code').boundingBox();
  assert.ok(code.x >= box.x + 4 && code.x + code.width <= box.x + box.width - 4, `the code inside: ${JSON.stringify(code)}`);
  await capture(display, 'join-corner-stage-code');
  await corner().screenshot({ path: artifact('join-corner-stage-code-corner.png') });

  // The phone opens what the corner's QR code says: let in by the code it carries, it votes.
  const page = await joinAndVote(scanned, entries[1]);
  assert.equal(new URL(page.url()).hash, '', 'the code leaves the address bar');
  assert.equal(await page.locator('#admit').isHidden(), true);

  // A new code (as when it turns over): the same corner swaps picture and digits in place.
  await display.evaluate(() => {
    window.cornerBefore = document.querySelector('.join-corner .corner-qr');
    const { state, router, corner: joinCorner } = window.stagevoteDisplay;
    joinCorner.update({ ...state, admission: { ...state.admission, code: '654321' } }, router.name);
  });
  await display.waitForFunction(() => document.querySelector('.join-corner .join-code')?.dataset.code === '654321', null, { timeout: LONG });
  assert.equal(await display.evaluate(() => document.querySelector('.join-corner .corner-qr') === window.cornerBefore), true);
  await display.waitForFunction(() => document.querySelector('.join-corner img.qr')?.complete, null, { timeout: LONG });
  assert.equal(await readQr(corner().locator('.qr-card')), `${info.join_url}#c=654321`);
  await display.evaluate(() => { const { state, router, corner: joinCorner } = window.stagevoteDisplay; joinCorner.update(state, router.name); });
  await cmd('close_poll', { poll: hostWs.state().poll.id });
  await cornerGone();
});

test('no page errors', () => {
  // Every page's WebSocket drops at the restart (and reconnects): nothing else.
  const unexpected = (list) => list.filter((e) => !/^WebSocket connection to .* failed/.test(e));
  assert.deepEqual(unexpected(errors.host), []);
  assert.deepEqual(unexpected(errors.display), []);
  for (const list of errors.phones) assert.deepEqual(unexpected(list), []);
});
