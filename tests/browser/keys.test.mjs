// Keys as the console shows them (issue 14): a phone that keeps sending wrong judge tokens is
// refused, then slowed (`rate_limited`, unchecked), and the console's integrity panel counts
// the slowed address, in zh and en; the console still gives the display link with its key.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { artifactsDir, connectClient, launchBrowser, screenshot, signInHost, startServer, watchConsole } from './harness.mjs';

const LONG = 30000;   // the test machine renders in software and may be busy
let server;
let browser;
let host;
let errors;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  host = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  errors = watchConsole(host);
  await signInHost(host, server, { timeout: LONG });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function judgeHello(token, localAddress) {
  try {
    await connectClient(server.wsUrl, { role: 'judge', token }, { localAddress });
    return 'welcome';
  } catch (err) {
    return err.code;
  }
}

test('wrong judge tokens from one phone are refused, then slowed, and the console counts the address', async () => {
  const phone = '127.0.4.9';
  const codes = [];
  for (let i = 0; i < 5; i++) codes.push(await judgeHello(`forged-judge-token-${i}`, phone));
  assert.deepEqual(codes, Array(5).fill('unauthorized'), 'five wrong tokens are checked');
  // The next one waits (1 s from the fifth): refused without being checked, even a right one.
  const { judges } = await server.api('/api/contest');
  assert.equal(await judgeHello(judges[0].token, phone), 'rate_limited');

  const figure = host.locator('#integrity-slowed-keys');
  await host.waitForFunction(() => document.querySelector('#integrity-slowed-keys')?.textContent === '1', null, { timeout: LONG });
  assert.match(await host.locator('#integrity-panel').innerText(), /密钥猜测限速地址/);
  await figure.scrollIntoViewIfNeeded();
  await host.locator('#integrity-panel').screenshot({ path: path.join(artifactsDir, 'keys-host-integrity-slowed-zh.png') });
  await host.click('#lang-toggle');   // the console reloads in English (the key is kept for the session)
  await host.waitForFunction(() => document.querySelector('#integrity-slowed-keys')?.textContent === '1', null, { timeout: LONG });
  assert.match(await host.locator('#integrity-panel').innerText(), /Addresses slowed for wrong keys/);
  await screenshot(host, 'keys-host-console-en');
  await host.click('#lang-toggle');
  await host.waitForSelector('#conn[data-online="1"]', { timeout: LONG });
});

test('the console still gives the display link with its key', async () => {
  const { display_key: key } = await server.api('/api/contest');
  assert.ok(key && key.length >= 16);
  await host.waitForFunction((k) => document.querySelector('#display-link')?.value.endsWith(`/display#k=${encodeURIComponent(k)}`), key, { timeout: LONG });
  const screen = await connectClient(server.wsUrl, { role: 'display', key });
  screen.close();
});

test('no errors on the console', () => {
  assert.deepEqual(errors, []);
});
