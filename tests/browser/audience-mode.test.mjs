// Issue 15, "a revealed score stays as revealed": a phone rates a rating poll 1..10 (zh-CN first,
// English on the toggle) and is told when its rating is saved; the display's reveal and
// leaderboard mark a relative-mode final 暂计 until the host closes the round's audience vote,
// then show it without the mark. Screenshots go to STAGEVOTE_ARTIFACTS.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  connectClient, displayUrl, hostHello, launchBrowser, screenshot as capture, startServer, watchConsole,
} from './harness.mjs';

const LONG = 30000;

// As display.test.mjs: every finite animation finished, so the screenshot shows the settled
// picture even on a busy machine.
async function screenshot(page, name) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'
    || a.effect?.getTiming().iterations === Infinity || a.effect?.target?.classList?.contains('poll-clock-fill')),
  null, { timeout: LONG, polling: 100 });
  await capture(page, name);
}
const sceneIs = (page, name) => page.waitForSelector(`#stage[data-scene="${name}"] .scene-${name}.shown`, { timeout: LONG });
const serverBinary = process.env.STAGEVOTE_BIN || path.resolve('../../build/asan/server/app/stagevote');

// A rating contest from a scheme file (entries and judges inline), imported before the show.
const RATING_SCHEME = {
  contest: { id: 'rating-cup', name: '评分测试赛' },
  scoring: {
    criteria: [{ id: 'theme', name: '主题内涵', max: 60 }, { id: 'art', name: '艺术表现', max: 40 }],
    judge_weight: 0.9, audience_weight: 0.1, audience_mode: 'rating', min_ratings: 2,
  },
  rounds: [{ id: 'prelim', name: '初赛', entries: ['e01', 'e02'] }],
  entries: [
    { id: 'e01', title: '椰风海韵', unit: '省文旅厅', form: '歌舞' },
    { id: 'e02', title: '营商环境新篇章', unit: '省商务厅', form: '情景剧' },
  ],
  judges: [{ id: 'j1', name: '王建华' }],
};

let browser;
const servers = [];
after(async () => {
  await browser?.close();
  for (const server of servers) await server.close();
});

async function ratingServer() {
  const server = await startServer();
  servers.push(server);
  await server.stop();
  const scheme = path.join(server.dir, 'rating.json');
  writeFileSync(scheme, JSON.stringify(RATING_SCHEME));
  execFileSync(serverBinary, ['import', '--db', server.db, '--scheme', scheme]);
  await server.start();
  return server;
}

test('a phone rates the entry on stage 1..10 and is told its rating is saved', async () => {
  const server = await ratingServer();
  browser ??= await launchBrowser();
  const contest = await server.api('/api/contest');
  assert.equal(contest.scoring.audience_mode, 'rating');
  const host = await connectClient(server.wsUrl, hostHello);
  await host.request({ type: 'cmd', action: 'start_entry', round: 'prelim', entry: 'e01' });
  const { poll } = await host.request({ type: 'cmd', action: 'open_poll', round: 'prelim', entries: ['e01'], kind: 'rating' });

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const phone = await context.newPage();
  const errors = watchConsole(phone);
  await phone.goto(`${server.url}/vote`);
  await phone.waitForSelector('.rate[data-rating="10"][data-state="open"]', { timeout: LONG });
  assert.equal(await phone.locator('.rate').count(), 10);
  assert.equal(await phone.textContent('#poll-heading'), '请为刚才的节目评分');
  assert.match(await phone.textContent('.rating-title'), /椰风海韵/);
  // Big targets: every number at least 44 px square.
  for (const box of await phone.locator('.rate').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON()))) {
    assert.ok(box.width >= 44 && box.height >= 44, JSON.stringify(box));
  }
  await screenshot(phone, 'audience-rating-open');

  await phone.tap('.rate[data-rating="8"]');
  await phone.waitForSelector('#rating-saved', { timeout: LONG });
  assert.equal(await phone.textContent('#rating-saved'), '已保存你的评分：8 分。谢谢！');
  assert.equal(await phone.getAttribute('.rate[data-state="counted"]', 'data-rating'), '8');
  assert.equal(await phone.locator('.rate:not([disabled])').count(), 0);
  await screenshot(phone, 'audience-rating-saved');

  // English on the toggle.
  await phone.click('#lang-toggle');
  assert.equal(await phone.textContent('#poll-heading'), 'Rate the act you just saw');
  assert.equal(await phone.textContent('#rating-saved'), 'Your rating of 8 is saved. Thank you!');
  await screenshot(phone, 'audience-rating-saved-en');
  await phone.click('#lang-toggle');

  // A reload keeps it: the server's welcome names the rating.
  await phone.reload();
  await phone.waitForSelector('#rating-saved', { timeout: LONG });
  assert.match(await phone.textContent('#rating-saved'), /8 分/);

  // Another phone rates 9; closed, the entry's audience component is 10 x 8.5.
  const other = await connectClient(server.wsUrl, { role: 'audience' });
  const ack = await other.request({ type: 'vote', poll, rating: 9 });
  assert.equal(ack.rating, 9);
  await assert.rejects(other.request({ type: 'vote', poll, rating: 11 }), (err) => err.code === 'bad_request');
  await host.request({ type: 'cmd', action: 'close_poll', poll });
  await phone.waitForSelector('#poll-closed-note', { timeout: LONG });
  assert.match(await phone.textContent('#poll-closed-note'), /打了 8 分/);
  await screenshot(phone, 'audience-rating-closed');
  const results = await server.api('/api/rounds/prelim/results');
  const e01 = results.entries.find((e) => e.entry === 'e01');
  assert.equal(e01.ratings, 2);
  assert.equal(e01.audience_component, 85);
  assert.equal(e01.provisional, false);
  assert.deepEqual(errors, []);
  host.close();
  other.close();
  await context.close();
});

test('the display marks a relative-mode final 暂计 until the host closes the audience vote', async () => {
  const server = await startServer();
  servers.push(server);
  browser ??= await launchBrowser();
  const contest = await server.api('/api/contest');
  const host = await connectClient(server.wsUrl, hostHello);
  const cmd = (action, fields) => host.request({ type: 'cmd', action, ...fields });
  await cmd('start_entry', { round: 'prelim', entry: 'e13' });
  const { poll } = await cmd('open_poll', { round: 'prelim', entries: ['e13'] });
  const phone = await connectClient(server.wsUrl, { role: 'audience' });
  await phone.request({ type: 'vote', poll, choice: 'e13' });
  await cmd('close_poll', { poll });
  for (const judge of contest.judges.slice(0, 5)) {
    const client = await connectClient(server.wsUrl, { role: 'judge', token: judge.token });
    await client.request({ type: 'score', round: 'prelim', entry: 'e13', marks: { theme: 26, innovation: 25, art: 21, live: 13 } }).catch(() => {});
    client.close();
  }
  await cmd('lock_scores', { round: 'prelim', entry: 'e13', override_reason: 'not every judge scored in this test' });

  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const display = await context.newPage();
  const errors = watchConsole(display);
  await display.goto(await displayUrl(server));
  await cmd('reveal', { round: 'prelim', entry: 'e13' });
  await display.waitForSelector('.scene-reveal[data-phase="done"]', { timeout: 60000 });
  assert.equal(await display.textContent('.final .provisional-mark'), '暂计');
  assert.equal(await display.textContent('.final .provisional-note'), '观众投票结束后确定');
  await screenshot(display, 'display-reveal-provisional');

  await cmd('show', { scene: 'leaderboard', round: 'prelim' });
  await sceneIs(display, 'leaderboard');
  await display.waitForSelector('.board-row[data-entry="e13"][data-provisional="true"]', { timeout: LONG });
  assert.equal(await display.getAttribute('.board-row[data-entry="e13"] .c-final', 'data-tag'), '暂计');
  await screenshot(display, 'display-leaderboard-provisional');

  await cmd('close_audience', { round: 'prelim' });
  await display.waitForSelector('.board-row[data-entry="e13"][data-provisional="false"]', { timeout: LONG });
  assert.equal(await display.getAttribute('.board-row[data-entry="e13"] .c-final', 'data-tag'), '');
  await screenshot(display, 'display-leaderboard-final');

  await cmd('show', { scene: 'reveal', round: 'prelim', entry: 'e13' });
  await display.waitForSelector('.scene-reveal[data-phase="done"]', { timeout: 60000 });
  assert.equal(await display.locator('.provisional-tag').count(), 0);
  await screenshot(display, 'display-reveal-final');

  const results = await server.api('/api/rounds/prelim/results');
  assert.ok(results.entries.every((e) => e.provisional === false));
  await assert.rejects(cmd('close_audience', { round: 'prelim' }), (err) => err.code === 'invalid_state');
  assert.deepEqual(errors, []);
  host.close();
  phone.close();
  await context.close();
});
