// The host console on its own: the language toggle, the on-screen shortcuts, the flow key,
// confirmations that can be cancelled, and failures shown in words.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  connectClient, HOST_KEY, hostHello, launchBrowser, screenshot, sleep, startServer, watchConsole,
} from './harness.mjs';

const LONG = 30000;
let server;
let browser;
let host;
let errors;
let hostWs;

async function openConsole(page) {
  await page.goto(`${server.url}/host`);
  await page.fill('#host-key', HOST_KEY);
  await page.click('#host-key-submit');
  await page.waitForSelector('#conn[data-online="1"]', { timeout: LONG });
  await page.waitForSelector('.ros-item', { timeout: LONG });
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  host = await context.newPage();
  errors = watchConsole(host);
  hostWs = await connectClient(server.wsUrl, hostHello);
  await openConsole(host);
});

after(async () => {
  hostWs?.close();
  await browser?.close();
  await server?.close();
});

test('the console fits a 1366x768 laptop screen without a page scrollbar', async () => {
  const size = await host.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
  assert.ok(size.width <= 1366, `page width ${size.width}`);
  assert.ok(size.height <= 768, `page height ${size.height}`);
  for (const id of ['#btn-start-entry', '#btn-open-poll', '#btn-close-poll', '#btn-lock-scores', '#btn-reveal', '#scene-blackout']) {
    assert.ok(await host.locator(id).isVisible(), `${id} is visible`);
  }
  assert.match(await host.locator('.host-footer').innerText(), /空格：下一步[\s\S]*B：黑屏/);
});

test('space starts the next pending entry and names the next step on screen', async () => {
  const first = hostWs.state().rounds[0].order[0].entry;
  assert.match(await host.locator('#next-hint').innerText(), /开始节目/);
  await host.locator('body').press('Space');
  await host.waitForSelector('#phase[data-phase="on_stage"]', { timeout: LONG });
  assert.equal(await host.locator('.ros-item.status-on_stage').getAttribute('data-entry'), first);
  assert.match(await host.locator('#next-hint').innerText(), /开启投票/);
  assert.ok(await host.locator('#btn-open-poll.next').isVisible());
});

test('a cancelled confirmation sends nothing', async () => {
  await host.click('#btn-lock-scores');
  await host.waitForSelector('#dialog-cancel', { timeout: LONG });
  await screenshot(host, 'host-confirm-lock');
  await host.keyboard.press('Escape');
  await host.waitForSelector('#dialog-cancel', { state: 'detached', timeout: LONG });
  await sleep(500);
  assert.equal(hostWs.state().phase, 'on_stage');
});

test('a refused command is explained in words', async () => {
  // Lock, then try to correct a mark far out of range: the server refuses with out_of_range.
  await host.click('#btn-lock-scores');
  // Nobody has scored: the lock asks for a reason (issue 17), which the ledger keeps.
  await host.fill('#dialog-input', '测试：评委未评分');
  await host.click('#dialog-confirm');
  await host.waitForSelector('#phase[data-phase="locked"]', { timeout: LONG });
  await host.click('#correction summary');
  await host.fill('#fix-mark-theme', '300');
  await host.fill('#fix-mark-innovation', '20');
  await host.fill('#fix-mark-art', '20');
  await host.fill('#fix-mark-live', '10');
  await host.click('#fix-submit');
  await host.waitForSelector('.notice.error', { timeout: LONG });
  assert.match(await host.locator('.notice.error').first().innerText(), /更正原因/);
  await host.fill('#fix-reason', '核对原始评分表');
  await host.click('#fix-submit');
  // Who makes corrections: asked once per session, then the confirmation.
  await host.fill('#dialog-input', '张晓明');
  await host.click('#dialog-confirm');
  await host.click('#dialog-confirm');
  await host.waitForFunction(() => /分数超出范围/.test(document.querySelector('.notices')?.textContent || ''), null, { timeout: LONG });
  await screenshot(host, 'host-error-in-words');
});

test('the English toggle relabels the console and is remembered', async () => {
  await host.click('#lang-toggle');
  await host.waitForSelector('#conn[data-online="1"]', { timeout: LONG });
  await host.waitForFunction(() => document.querySelector('.host-brand strong')?.textContent === 'Host console', null, { timeout: LONG });
  assert.equal(await host.locator('#btn-reveal .flow-label').innerText(), 'Reveal');
  await screenshot(host, 'host-english');
  const again = await host.context().newPage();  // same profile: same localStorage, new session
  await openConsole(again);
  assert.equal(await again.locator('.host-brand strong').innerText(), 'Host console');
  await again.click('#lang-toggle');
  await again.waitForFunction(() => document.querySelector('.host-brand strong')?.textContent === '主持人控制台', null, { timeout: LONG });
  await again.close();
});

test('no console errors on the host console', () => {
  assert.deepEqual(errors, []);
});
