// The console's judges (docs/protocol.md, "Judge credentials"): each judge's presence, and a
// button per judge that revokes the card and prints the new one; the judge's phone on the old
// card is signed out and says why, and a second phone on one card pushes the first out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  launchBrowser, screenshot, signInHost, startServer, watchConsole,
} from './harness.mjs';

const LONG = 30000;
let server;
let browser;
let context;
let host;
let errors;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  host = await context.newPage();
  errors = watchConsole(host);
  await signInHost(host, server, { timeout: LONG });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function judgeToken(id) {
  const contest = await server.api('/api/contest');
  return contest.judges.find((j) => j.id === id).token;
}

// A judge's phone: the judge page signed in with `token`.
async function judgePhone(token) {
  const phone = await context.newPage();
  await phone.goto(`${server.url}/judge#t=${encodeURIComponent(token)}`);
  await phone.waitForSelector('#judge-view:not([hidden])', { timeout: LONG });
  return phone;
}

test('the console shows who is connected, and a second phone on one card pushes the first out', async () => {
  const token = await judgeToken('j2');
  await host.waitForSelector('#presence-panel tr[data-judge="j2"][data-connected="false"]', { timeout: LONG });
  const first = await judgePhone(token);
  await host.waitForSelector('#presence-panel tr[data-judge="j2"][data-connected="true"]', { timeout: LONG });

  const second = await judgePhone(token);
  // The first phone is told why, in words, and does not take the seat back by itself.
  await first.waitForSelector('#login:not([hidden])', { timeout: LONG });
  assert.match(await first.locator('#login-error').innerText(), /另一台设备/);
  await host.waitForSelector('#presence-panel tr[data-judge="j2"][data-connected="true"]', { timeout: LONG });
  assert.ok(await second.locator('#judge-view').isVisible());
  await first.close();
  await second.close();
});

test('revoke and reissue: the old card is signed out, and the new card prints from the console', async () => {
  const oldToken = await judgeToken('j3');
  const phone = await judgePhone(oldToken);
  await host.waitForSelector('#presence-panel tr[data-judge="j3"][data-connected="true"]', { timeout: LONG });

  await host.click('[data-reissue="j3"]');
  await host.waitForSelector('#dialog-confirm', { timeout: LONG });
  assert.match(await host.locator('.dialog-text').innerText(), /王建华|作废/);
  const cardPage = context.waitForEvent('page', { timeout: LONG });
  await host.click('#dialog-confirm');

  // The card page opens for this judge only, with the new token.
  const cards = await cardPage;
  await cards.waitForSelector('.card', { timeout: LONG });
  assert.equal(await cards.locator('.card').count(), 1);
  assert.equal(await cards.locator('.card').getAttribute('data-judge'), 'j3');
  const newToken = await judgeToken('j3');
  assert.notEqual(newToken, oldToken);
  assert.equal(await cards.locator('.card .token b').innerText(), newToken);
  await screenshot(cards, 'judge-card-reissued');

  // The phone on the old card is signed out and told to use the new one.
  await phone.waitForSelector('#login:not([hidden])', { timeout: LONG });
  assert.match(await phone.locator('#login-error').innerText(), /作废/);
  await host.waitForSelector('#presence-panel tr[data-judge="j3"][data-connected="false"]', { timeout: LONG });
  assert.match(await host.locator('#presence-panel tr[data-judge="j3"] .presence-reissued').innerText(), /1/);
  assert.ok(await host.locator('[data-print="j3"]').isVisible());
  await screenshot(host, 'host-judges-presence');

  // The new card signs in.
  const fresh = await judgePhone(newToken);
  await host.waitForSelector('#presence-panel tr[data-judge="j3"][data-connected="true"]', { timeout: LONG });
  await fresh.close();
  await phone.close();
  await cards.close();
  assert.deepEqual(errors, []);
});
