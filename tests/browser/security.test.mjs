// The pages under their Content-Security-Policy (no inline script or style, nothing from
// another origin): each one loads and works in Chromium with no console error, a CSP
// violation being one. And the display over HTTPS, with a certificate the test makes, shows
// its standby scene with a QR code of an https:// join URL.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { displayUrl, HOST_KEY, launchBrowser, screenshot, startServer, watchConsole } from './harness.mjs';

const LONG = 30000;
let browser;

before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const sceneShown = (name) => (page) => page.waitForSelector(`#stage[data-scene="${name}"] .scene-${name}.shown`, { timeout: LONG });

test('every page works under its policy with no console error', async () => {
  const server = await startServer();
  try {
    const contest = await server.api('/api/contest');
    const judge = contest.judges[0];
    const pages = [
      ['/vote', (page) => page.locator('#conn[data-online="true"]').waitFor({ timeout: LONG })],
      [`/judge#t=${encodeURIComponent(judge.token)}`, (page) => page.locator('#greeting', { hasText: judge.name }).waitFor({ timeout: LONG })],
      ['/host', async (page) => {
        await page.fill('#host-key', HOST_KEY);
        await page.click('#host-key-submit');
        await page.waitForSelector('#conn[data-online="1"]', { timeout: LONG });
        await page.waitForSelector('.ros-item', { timeout: LONG });
      }],
      [(await displayUrl(server)).slice(server.url.length), sceneShown('standby')],
      [(await displayUrl(server, '?overlay=1')).slice(server.url.length), sceneShown('standby')],
      ['/d/judge-cards.html', async (page) => {
        await page.locator('#hostkey').fill(HOST_KEY);
        await page.locator('#keyform button[type="submit"]').click();
        await page.locator('.card').first().waitFor({ timeout: LONG });
        // The style sheet that used to be inline applies from its file.
        assert.equal(await page.locator('.toolbar').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(163, 17, 28)');
      }],
    ];
    for (const [target, ready] of pages) {
      // A fresh browser profile per page: nothing one page stored helps the next.
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      const errors = watchConsole(page);
      const response = await page.goto(`${server.url}${target}`);
      const headers = response.headers();
      assert.match(headers['content-security-policy'], /default-src 'self'/, target);
      assert.equal(headers['x-content-type-options'], 'nosniff', target);
      assert.equal(headers['referrer-policy'], 'no-referrer', target);
      const overlay = target.includes('overlay=1');
      assert.equal(/frame-ancestors 'none'/.test(headers['content-security-policy']), !overlay, target);
      await ready(page);
      assert.deepEqual(errors, [], `${target}: console errors`);
      await context.close();
    }
  } finally {
    await server.close();
  }
});

test('the display over HTTPS shows its scene and an https:// join URL, with no console error', async (t) => {
  if (!existsSync('/usr/bin/openssl')) {
    t.skip('openssl is not installed: no certificate to test with');
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stagevote-tls-'));
  const cert = path.join(dir, 'venue.crt');
  const key = path.join(dir, 'venue.key');
  execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  // The harness's fetches reach this server over https with the test's own certificate.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  let server;
  try {
    server = await startServer({ args: ['--tls-cert', cert, '--tls-key', key] });
    // Plain http:// is redirected to https:// (the harness's health check followed it).
    const redirect = await fetch(`${server.url}/vote`, { redirect: 'manual' });
    assert.equal(redirect.status, 308);
    assert.equal(redirect.headers.get('location'), `https://127.0.0.1:${server.port}/vote`);
    server.url = `https://127.0.0.1:${server.port}`;
    const info = await (await fetch(`${server.url}/api/info`)).json();
    assert.match(info.join_url, /^https:\/\//);

    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto(await displayUrl(server));
    await sceneShown('standby')(page);
    assert.equal(new URL(page.url()).protocol, 'https:');
    const qr = await page.locator('.standby-qr img.qr').getAttribute('src');
    assert.equal(qr, `/qr.svg?text=${encodeURIComponent(info.join_url)}`);
    await page.waitForFunction(() => document.querySelector('img.qr')?.complete && document.querySelector('img.qr').naturalWidth > 0, null, { timeout: LONG });
    // Live over wss://: the display's connection indicator says online.
    await page.waitForSelector('.conn-indicator[data-online="1"]', { timeout: LONG });
    await screenshot(page, 'display-https');
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
