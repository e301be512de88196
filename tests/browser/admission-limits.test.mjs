// The refusals that are about numbers, on a server with tight caps: a second phone from an
// address allowed one connection is told "too many phones on this network" in zh and en and
// does not keep knocking; an address that guessed too many join codes is told how long to
// wait, and the page says hello again once that time is up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connectClient, hostHello, launchBrowser, screenshot, startServer, watchConsole } from './harness.mjs';
import { contrastFailures } from './contrast.mjs';

const LONG = 30000;
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

let server;
let browser;
let hostWs;
const errors = [];

async function phone() {
  const context = await browser.newContext({ ...PHONE, locale: 'zh-CN' });
  const page = await context.newPage();
  errors.push(watchConsole(page));
  return page;
}

const admitCard = (page, kind, error = '') => page.locator(`#admit:not([hidden])[data-kind="${kind}"][data-error="${error}"]`).waitFor({ timeout: LONG });

before(async () => {
  server = await startServer({ args: ['--audience-connections-per-address', '1'] });
  browser = await launchBrowser();
  hostWs = await connectClient(server.wsUrl, hostHello);
});

after(async () => {
  hostWs?.close();
  await browser?.close();
  await server?.close();
});

let first;

test('a second phone from an address with room for one is told why, in zh and en, and does not keep knocking', async () => {
  first = await phone();
  await first.goto(`${server.url}/vote`);
  await first.locator('#conn[data-online="true"]').waitFor({ timeout: LONG });

  const second = await phone();
  let sockets = 0;
  second.on('websocket', () => { sockets += 1; });
  await second.goto(`${server.url}/vote`);
  await admitCard(second, 'tooMany');
  assert.equal(await second.locator('#admit-heading').innerText(), '此网络接入的手机太多');
  assert.match(await second.locator('#admit-hint').innerText(), /工作人员/);
  assert.match(await second.locator('#admit-status').innerText(), /每分钟会自动重试一次/);
  assert.equal(await second.locator('#admit-retry').innerText(), '再试一次');
  assert.equal(await second.locator('#conn').innerText(), '尚未加入投票');
  await screenshot(second, 'admission-vote-too-many-zh');
  assert.deepEqual(await contrastFailures(second), []);

  await second.locator('#lang-toggle').tap();
  assert.equal(await second.locator('#admit-heading').innerText(), 'Too many phones on this network');
  assert.match(await second.locator('#admit-hint').innerText(), /ask the staff, or wait/);
  assert.equal(await second.locator('#admit-retry').innerText(), 'Try again');
  await screenshot(second, 'admission-vote-too-many-en');
  assert.deepEqual(await contrastFailures(second), []);
  const box = await second.locator('#admit-retry').boundingBox();
  assert.ok(box.height >= 44, `button height ${box.height}`);
  // Two screenshots and a language switch later, the refused page has still opened one socket.
  assert.equal(sockets, 1);

  // Once the first phone leaves, "try again" gets in.
  await first.context().close();
  await second.locator('#admit-retry').tap();
  await second.locator('#conn[data-online="true"]').waitFor({ timeout: LONG });
  assert.equal(await second.locator('#admit').isHidden(), true);
  assert.equal(sockets, 2);
  await second.context().close();
});

test('an address that guessed too many join codes is told to wait, then the page tries again by itself', async () => {
  await hostWs.request({ type: 'cmd', action: 'set_admission', mode: 'code' });
  // The phones of the last test have left (their connections would count against the cap first).
  while ((await server.api('/api/integrity')).audience.connections > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  // Wrong codes from this address until the server slows it down for 8 s (1, 2, 4, 8: each
  // wait is the server's own, read from its message).
  let wait = 0;
  while (wait < 8) {
    try {
      await connectClient(server.wsUrl, { role: 'audience', code: 'x' });
      assert.fail('a wrong code was taken');
    } catch (err) {
      if (err.code === 'rate_limited') {
        wait = Number(/(\d+)\s*s\b/.exec(err.refusal.message)[1]);
        if (wait < 8) await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      } else {
        assert.equal(err.code, 'unauthorized');
      }
    }
  }
  const page = await phone();
  await page.goto(`${server.url}/vote`);
  await admitCard(page, 'wait');
  assert.equal(await page.locator('#admit-heading').innerText(), '请稍候');
  assert.match(await page.locator('#admit-status').innerText(), /请等待 \d 秒，之后会自动重试/);
  await screenshot(page, 'admission-vote-wait-zh');
  await page.locator('#lang-toggle').tap();
  assert.match(await page.locator('#admit-status').innerText(), /Please wait \d seconds?; the page will try again by itself/);
  await screenshot(page, 'admission-vote-wait-en');
  assert.deepEqual(await contrastFailures(page), []);
  // When the wait is over the page asks again, and the server now says what it needs: the code.
  await admitCard(page, 'code');
  assert.equal(await page.locator('#admit-heading').innerText(), 'Enter the join code');
});

test('the phones logged no errors', () => {
  assert.deepEqual(errors.flat().filter((e) => !/WebSocket/.test(e)), []);
});
