// The console's 晋级 (advance) dialog: a played 初赛 with a tie at the cut sends its top three to
// the 决赛; the tie is shown with checkboxes and a reason, the host resolves it, the console's
// round tab and the display's running order scene show the final's line-up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  connectClient, displayUrl, hostHello, launchBrowser, screenshot, signInHost, startServer, watchConsole,
} from './harness.mjs';

const LONG = 30000;
let server;
let browser;
let host;
let display;
let hostWs;
let contest;
const errors = { host: [], display: [] };

const title = (id) => contest.entries.find((e) => e.id === id).title;
const order = (state, round) => state.rounds.find((r) => r.id === round).order.map((o) => o.entry);

const latestState = (match) => hostWs.untilState(match, LONG);

before(async () => {
  server = await startServer();
  contest = await server.api('/api/contest');
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  host = await context.newPage();
  errors.host = watchConsole(host);
  display = await context.newPage();
  errors.display = watchConsole(display);
  hostWs = await connectClient(server.wsUrl, hostHello);

  // 初赛: e13 90, e05 85, e35 and e02 80 each (two judges without a unit); the rest never perform.
  const judges = [];
  for (const id of ['j2', 'j4']) {
    const token = contest.judges.find((j) => j.id === id).token;
    judges.push(await connectClient(server.wsUrl, { role: 'judge', token }));
  }
  for (const [entry, total] of [['e13', 90], ['e05', 85], ['e35', 80], ['e02', 80]]) {
    await hostWs.request({ type: 'cmd', action: 'start_entry', round: 'prelim', entry });
    for (const judge of judges) {
      await judge.request({ type: 'score', round: 'prelim', entry, marks: { theme: total - 60, innovation: 25, art: 20, live: 15 } });
    }
    await hostWs.request({ type: 'cmd', action: 'lock_scores', round: 'prelim', entry, override_reason: 'not every judge scored in this test' });
    await hostWs.request({ type: 'cmd', action: 'reveal', round: 'prelim', entry });
  }
  // The hall's vote is over: the 初赛's ranks are final and the cut can be made.
  await hostWs.request({ type: 'cmd', action: 'close_audience', round: 'prelim' });
  for (const judge of judges) judge.close();

  await display.goto(await displayUrl(server));
  await signInHost(host, server);
  await host.waitForSelector('.ros-item', { timeout: LONG });
});

after(async () => {
  hostWs?.close();
  await browser?.close();
  await server?.close();
});

test('the 晋级 button opens for a played round and names the target round', async () => {
  await host.waitForSelector('.tab.on[data-round="prelim"]', { timeout: LONG });
  await host.waitForSelector('#btn-advance:not([disabled])', { timeout: LONG });
  assert.equal(await host.locator('#btn-advance').innerText(), '晋级');
  await host.click('#btn-advance');
  await host.waitForSelector('#advance-dialog', { timeout: LONG });
  assert.equal(await host.locator('#adv-to').inputValue(), 'final');
  // The final was imported with twelve entries: the console says they will be replaced.
  assert.match(await host.locator('#adv-replace').innerText(), /「决赛」现有的 12 个节目将被晋级名单替换/);
  assert.match(await host.locator('#adv-unplayed').innerText(), /20 个节目未参赛/);
});

test('a tie at the cut is shown with the tied entries, and nothing advances yet', async () => {
  await host.fill('#adv-count', '3');
  await host.click('#adv-submit');
  await host.waitForSelector('#adv-tie:not([hidden]) input.adv-include', { timeout: LONG });
  const tied = await host.locator('input.adv-include').evaluateAll((inputs) => inputs.map((i) => i.value));
  assert.deepEqual([...tied].sort(), ['e02', 'e35']);
  const text = await host.locator('#adv-tie').innerText();
  assert.match(text, /名额线上并列/);
  assert.match(text, /并列第 3 名，还剩 1 个名额/);
  assert.ok(text.includes(title('e35')) && text.includes(title('e02')), text);
  assert.match(text, /72\.00/);  // the published final of both (0.9 × 80)
  await screenshot(host, 'host-advance-tie');
  assert.equal(order(hostWs.state(), 'final').length, 12, 'the final still holds its imported list');

  // Without a reason the console asks for one and sends nothing.
  await host.check('input.adv-include[value="e02"]');
  await host.click('#adv-submit');
  assert.match(await host.locator('#adv-problem').innerText(), /请写明理由/);
});

test('the host ticks one tied entry with a reason and the final holds the top three', async () => {
  await host.fill('#adv-reason', '评审组复议：现场效果更好');
  await host.click('#adv-submit');
  await host.waitForSelector('#advance-dialog', { state: 'detached', timeout: LONG });
  const state = await latestState((s) => order(s, 'final').length === 3);
  assert.deepEqual(order(state, 'final'), ['e13', 'e05', 'e02']);
  // The console follows into the final: its tab, with the three entries pending.
  await host.waitForSelector('.tab.on[data-round="final"]', { timeout: LONG });
  assert.match(await host.locator('.tab.on[data-round="final"]').innerText(), /0\/3/);
  const listed = await host.locator('.ros-item').evaluateAll((items) => items.map((i) => [i.dataset.entry, i.dataset.status]));
  assert.deepEqual(listed, [['e13', 'pending'], ['e05', 'pending'], ['e02', 'pending']]);
  assert.match(await host.locator('.notices').innerText(), /已晋级：3 个节目进入「决赛」/);
  await screenshot(host, 'host-advance-done');
});

test('the final is drawn from the console and the display shows its running order', async () => {
  await host.waitForSelector('#btn-draw:not([disabled])', { timeout: LONG });
  await host.click('#btn-draw');
  await host.click('#dialog-confirm');
  await latestState((s) => s.scene?.name === 'order' && s.scene.params?.round === 'final');
  await display.waitForSelector('#stage[data-scene="order"] .scene-order.shown', { timeout: LONG });
  await display.waitForSelector('.scene-order[data-phase="done"]', { timeout: LONG });
  const titles = await display.locator('.scene-order.shown .order-entry-title').allInnerTexts();
  assert.equal(titles.length, 3);
  for (const id of ['e13', 'e05', 'e02']) assert.ok(titles.some((t) => t.includes(title(id))), `${id} on the display`);
  await screenshot(display, 'display-advanced-order');
  // Once drawn, the final takes no more advances: the server's refusal is shown in the dialog.
  await host.click('.tab[data-round="prelim"]');
  await host.click('#btn-advance');
  await host.waitForSelector('#advance-dialog', { timeout: LONG });
  await host.fill('#adv-count', '2');
  await host.click('#adv-submit');
  await host.waitForSelector('#adv-problem:not([hidden])', { timeout: LONG });
  assert.match(await host.locator('#adv-problem').innerText(), /当前步骤不允许此操作 — .*drawn already/);
  await host.keyboard.press('Escape');
  await host.waitForSelector('#advance-dialog', { state: 'detached', timeout: LONG });
  assert.deepEqual(order(hostWs.state(), 'final').sort(), ['e02', 'e05', 'e13']);
  assert.deepEqual(errors.host, []);
  assert.deepEqual(errors.display, []);
});
