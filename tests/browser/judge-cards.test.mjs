// The printable judge cards (/d/judge-cards.html): asks for the host key, renders one A4 card
// per judge with a scannable QR code of /judge#t=TOKEN, and prints one card per page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, screenshot, watchConsole, HOST_KEY } from './harness.mjs';

let server;
let browser;
let contest;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  contest = await server.api('/api/contest');
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

test('the cards page asks for the host key, refuses a wrong one, and prints one A4 card per judge', async () => {
  const context = await browser.newContext({ viewport: { width: 900, height: 1200 } });
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto(`${server.url}/d/judge-cards.html`);
  await page.locator('#keyform:not([hidden])').waitFor();

  await page.locator('#hostkey').fill('wrong-key');
  await page.locator('#keyform button[type="submit"]').click();
  await page.locator('#key-error:not([hidden])').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('stagevote.hostKey')), null);

  await page.locator('#hostkey').fill(HOST_KEY);
  await page.locator('#keyform button[type="submit"]').click();
  await page.locator('.card').first().waitFor();
  assert.equal(await page.locator('.card').count(), contest.judges.length);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('stagevote.hostKey')), HOST_KEY);

  for (const judge of contest.judges) {
    const card = page.locator(`.card[data-judge="${judge.id}"]`);
    assert.equal(await card.locator('.name').textContent(), judge.name);
    assert.match(await card.locator('.contest').textContent(), new RegExp(contest.contest.name.slice(1, 4)));
    const src = await card.locator('img.qr').getAttribute('src');
    const text = new URL(src, server.url).searchParams.get('text');
    assert.match(text, new RegExp(`^https?://[^/]+/judge#t=${judge.token}$`));
    assert.equal(await card.locator('.url').textContent(), text);
  }
  // Every QR image loaded (the server drew it).
  await page.waitForFunction(() => [...document.querySelectorAll('img.qr')].every((img) => img.complete && img.naturalWidth > 0));
  await screenshot(page, 'judge-cards');

  // A reload keeps the key for the session and goes straight to the cards.
  await page.reload();
  await page.locator('.card').first().waitFor();

  // Printed, it is one page per judge.
  const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.equal(pages, contest.judges.length);
  assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), [], 'only the refused key logged an error');
  await context.close();
});
