// Admission and the display key, as the hall sees them (issue 13): the host switches the
// audience to join codes from the console; the venue screen's QR code (read back with a real
// QR decoder) brings a phone in, and a phone that typed the address is asked for the code.
// Seat tickets: a phone opens a ticket's URL, votes, and keeps the ticket across a reload; a
// wrong and a void ticket are told so. A display without its key gets the key message and no
// tally. The console's integrity panel raises its alert when 310 new identities arrive from
// many loopback addresses in a minute. The refusal pages (no code, wrong ticket, too many
// phones from one address, slowed down) read well in zh and en.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  artifactsDir, connectClient, displayHello, displayUrl, HOST_KEY, hostHello, launchBrowser, screenshot as capture, startServer, watchConsole,
} from './harness.mjs';
import { contrastFailures } from './contrast.mjs';
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
let openPollNow = null;   // {poll, entry}: left open by the code test for the keyless display's
let tickets;              // POST /api/tickets: {tickets: [codes], numbers}
let scanner;              // the phone that joined by the screen's QR code in code mode

const artifact = (name) => path.join(artifactsDir, name);

// Waits until every finite CSS transition and animation has finished, so that a screenshot
// (and a QR code read from it) shows the settled picture.
async function settled(page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'
    || a.effect?.getTiming().iterations === Infinity || a.effect?.target?.classList?.contains('poll-clock-fill')),
  null, { timeout: LONG, polling: 100 });
}

async function screenshot(page, name) {
  await settled(page);
  await capture(page, name);
}

async function phone({ lang = 'zh-CN' } = {}) {
  const context = await browser.newContext({ ...PHONE, locale: lang });
  contexts.push(context);
  const page = await context.newPage();
  errors.phones.push(watchConsole(page));
  return page;
}

async function confirmDialog(page) {
  await page.waitForSelector('#dialog-confirm', { timeout: LONG });
  await page.click('#dialog-confirm');
  await page.waitForSelector('#dialog-confirm', { state: 'detached', timeout: LONG });
}

const online = (page) => page.locator('#conn[data-online="true"]').waitFor({ timeout: LONG });
const admitCard = (page, kind, error = '') => page.locator(`#admit:not([hidden])[data-kind="${kind}"][data-error="${error}"]`).waitFor({ timeout: LONG });

// The next entry of the first round on stage with a poll over it; returns the poll id.
async function openPoll() {
  const round = contest.rounds[0];
  const entry = round.entries[entryIndex++];
  await hostWs.request({ type: 'cmd', action: 'start_entry', round: round.id, entry });
  const { poll } = await hostWs.request({ type: 'cmd', action: 'open_poll', round: round.id, entries: [entry] });
  return { poll, entry };
}

async function closePoll(poll) {
  await hostWs.request({ type: 'cmd', action: 'close_poll', poll });
}

// The newest state the host's WebSocket has (the join code in code mode).
async function hostState(match) {
  return hostWs.waitFor((m) => m.type === 'state' && match(m), LONG).then(() => hostWs.state());
}

before(async () => {
  server = await startServer({ publicUrl: true });
  contest = await server.api('/api/contest');
  info = await (await fetch(`${server.url}/api/info`)).json();
  browser = await launchBrowser();
  hostWs = await connectClient(server.wsUrl, hostHello);
  host = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  errors.host = watchConsole(host);
  await host.goto(`${server.url}/host`);
  await host.fill('#host-key', HOST_KEY);
  await host.click('#host-key-submit');
  await host.waitForSelector('#conn[data-online="1"]', { timeout: LONG });
  display = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  errors.display = watchConsole(display);
  await display.goto(await displayUrl(server));
  await display.waitForSelector('.conn-indicator[data-online="1"]', { timeout: LONG });
});

after(async () => {
  hostWs?.close();
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

test('the display keeps its key: the fragment leaves the address bar and a reload still gets in', async () => {
  assert.equal(new URL(display.url()).hash, '');
  assert.equal(await display.evaluate(() => JSON.parse(localStorage.getItem('stagevote.display_key'))), contest.display_key);
  await display.reload();
  await display.waitForSelector('.conn-indicator[data-online="1"]', { timeout: LONG });
  await display.waitForSelector('#stage[data-scene="standby"] .scene-standby.shown', { timeout: LONG });
  assert.equal(await display.locator('#key-needed').count(), 0);
  // The console shows the link with the key, and counts the screens (this one and its own live view).
  await host.waitForFunction(() => Number(document.querySelector('#display-link-panel')?.dataset.displays) >= 2, null, { timeout: LONG });
  const link = await host.inputValue('#display-link');
  assert.equal(link, `${server.url}/display#k=${encodeURIComponent(contest.display_key)}`);
  assert.equal(await host.getAttribute('#display-link-qr', 'src'), `/qr.svg?text=${encodeURIComponent(link)}`);
  await host.locator('#display-link-panel').scrollIntoViewIfNeeded();
  await settled(host);
  await host.locator('#display-link-panel').screenshot({ path: artifact('admission-host-display-link.png') });
});

test('code mode: the host switches, the screen shows the code, a phone scans the QR code and votes', async () => {
  await host.click('#admission-code');
  await confirmDialog(host);
  await host.waitForSelector('#admission-mode[data-mode="code"]', { timeout: LONG });
  const state = await hostState((s) => s.admission?.mode === 'code' && s.admission.code);
  assert.match(state.admission.code, /^\d{6}$/);
  assert.ok(state.admission.code_changes_at > state.server_time);
  await host.waitForFunction(() => /^\d{6}$/.test(document.querySelector('#admission-code-value')?.textContent || ''), null, { timeout: LONG });

  // The standby scene: the QR code and the code printed beside it.
  await display.waitForFunction(() => /^\d{6}$/.test(document.querySelector('.standby-qr .join-code')?.dataset.code || ''), null, { timeout: LONG });
  await settled(display);
  const shown = await display.locator('.standby-qr .join-code').getAttribute('data-code');
  const scanned = await readQr(display.locator('.standby-qr .qr-card'));
  const now = await display.locator('.standby-qr .join-code').getAttribute('data-code');
  assert.ok([shown, now].some((code) => scanned === `${info.join_url}#c=${code}`), `the QR code says ${scanned}`);
  assert.match(await display.locator('.standby-qr .join-code').innerText(), /加入码\s*\d{6}/);
  await capture(display, 'admission-display-standby-code');
  await settled(host);
  await host.locator('#admission-panel').screenshot({ path: artifact('admission-host-admission-code.png') });

  // When the code turns over, the next state carries the new one: the same scene updates the
  // picture and the digits in place (no cross-fade, no replayed entrance).
  await display.evaluate(() => {
    window.standbyBefore = document.querySelector('.scene-standby.shown');
    const { state, router } = window.stagevoteDisplay;
    router.render({ ...state, admission: { ...state.admission, code: '654321' } });
  });
  await display.waitForFunction(() => document.querySelector('.scene-standby.shown .join-code')?.dataset.code === '654321', null, { timeout: LONG });
  assert.equal(await display.evaluate(() => document.querySelector('.scene-standby.shown') === window.standbyBefore), true);
  await display.waitForFunction(() => document.querySelector('.standby-qr img.qr')?.complete, null, { timeout: LONG });
  assert.equal(await readQr(display.locator('.standby-qr .qr-card')), `${info.join_url}#c=654321`);
  await display.evaluate(() => { const { state, router } = window.stagevoteDisplay; router.render(state); });

  // A phone opens what the QR code says, is let in, and the code leaves its address bar.
  scanner = await phone();
  await scanner.goto(scanned);
  await online(scanner);
  assert.equal(new URL(scanner.url()).hash, '');
  assert.equal(await scanner.locator('#admit').isHidden(), true);
  const { poll, entry } = await openPoll();
  await scanner.locator(`button.choice[data-entry="${entry}"][data-state="open"]`).waitFor({ timeout: LONG });
  await scanner.locator(`button.choice[data-entry="${entry}"]`).tap();
  await scanner.locator(`button.choice[data-entry="${entry}"][data-state="counted"]`).waitFor({ timeout: LONG });

  // The poll scene's QR code carries the code too.
  await display.waitForSelector('#stage[data-scene="poll"] .scene-poll.shown', { timeout: LONG });
  await display.waitForFunction((n) => document.querySelector('.poll-hero-count')?.textContent === String(n), 1, { timeout: LONG });
  await settled(display);
  const pollQr = await readQr(display.locator('.poll-qr .qr-card'));
  assert.match(pollQr, new RegExp(`^${info.join_url.replace(/[.]/g, '\\.')}#c=\\d{6}$`));
  assert.match(await display.locator('.poll-qr .join-code-value').innerText(), /^\d{6}$/);
  await capture(display, 'admission-display-poll-code');
  openPollNow = { poll, entry };
});

test('a display without its key shows the key message in both languages and receives no tally', async () => {
  const { poll, entry } = openPollNow;
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  contexts.push(context);
  const page = await context.newPage();
  const pageErrors = watchConsole(page);
  const received = [];
  page.on('websocket', (ws) => ws.on('framereceived', (frame) => received.push(JSON.parse(String(frame.payload)))));
  await page.goto(`${server.url}/display`);
  await page.waitForSelector('#key-needed', { timeout: LONG });
  const text = await page.locator('#key-needed').innerText();
  assert.match(text, /此屏幕需要密钥/);
  assert.match(text, /This screen needs its key/);
  assert.match(text, /host console/);
  // Votes keep coming in the open poll while the keyless screen sits there.
  const voter = await connectClient(server.wsUrl, { role: 'audience', code: hostWs.state().admission.code });
  assert.equal((await voter.request({ type: 'vote', poll, choice: entry })).counted, true);
  await display.waitForFunction((n) => document.querySelector('.poll-hero-count')?.textContent === String(n), 2, { timeout: LONG });
  voter.close();
  await settled(page);
  await capture(page, 'admission-display-no-key');
  assert.deepEqual(received.map((m) => [m.type, m.code]), [['error', 'unauthorized']], 'one refusal, no state, no tally');
  assert.equal(await page.locator('.scene').count(), 0);
  // The refused hello is not retried on a timer: still one connection.
  assert.deepEqual(pageErrors.filter((e) => !/WebSocket/.test(e)), []);
  // A WebSocket "display" without the key is refused the same way.
  await assert.rejects(connectClient(server.wsUrl, { role: 'display' }), { code: 'unauthorized' });
  await assert.rejects(connectClient(server.wsUrl, { role: 'display', key: 'not-the-key' }), { code: 'unauthorized' });
  const keyed = await connectClient(server.wsUrl, await displayHello(server));
  await keyed.waitFor((m) => m.type === 'tally' && m.poll === poll);
  keyed.close();
  await closePoll(poll);
});

test('code mode: a phone that typed the address is asked for the code, told when it is wrong, and let in', async () => {
  const page = await phone();
  await page.goto(`${server.url}/vote`);
  await admitCard(page, 'code');
  assert.equal(await page.locator('#admit-heading').innerText(), '请输入加入码');
  assert.equal(await page.getAttribute('#admit-input', 'inputmode'), 'numeric');
  assert.equal(await page.locator('label[for="admit-input"]').innerText(), '加入码（大屏上的数字）');
  assert.equal(await page.locator('#conn').innerText(), '尚未加入投票');
  assert.equal(await page.locator('#stage').isVisible(), false, 'the card is the whole page');
  await screenshot(page, 'admission-vote-code-zh');
  assert.deepEqual(await contrastFailures(page), []);
  const box = await page.locator('#admit-submit').boundingBox();
  assert.ok(box.height >= 44, `button height ${box.height}`);

  const current = hostWs.state().admission.code;
  const wrong = current === '000000' ? '111111' : '000000';
  await page.fill('#admit-input', wrong);
  await page.locator('#admit-submit').tap();
  await admitCard(page, 'code', 'codeWrong');
  assert.match(await page.locator('#admit-status').innerText(), /加入码不对或已过期/);
  await screenshot(page, 'admission-vote-code-wrong-zh');

  await page.locator('#lang-toggle').tap();
  assert.equal(await page.locator('#admit-heading').innerText(), 'Enter the join code');
  assert.match(await page.locator('#admit-status').innerText(), /Wrong or expired join code/);
  assert.equal(await page.locator('#conn').innerText(), 'Not joined yet');
  await screenshot(page, 'admission-vote-code-wrong-en');
  assert.deepEqual(await contrastFailures(page), []);

  await page.fill('#admit-input', hostWs.state().admission.code);
  await page.locator('#admit-submit').tap();
  await online(page);
  assert.equal(await page.locator('#admit').isHidden(), true);
  const { poll, entry } = await openPoll();
  await page.locator(`button.choice[data-entry="${entry}"]`).tap();
  await page.locator(`button.choice[data-entry="${entry}"][data-state="counted"]`).waitFor({ timeout: LONG });
  await closePoll(poll);
  // A returning phone needs no code: its device token stands for it.
  await page.reload();
  await online(page);
  assert.equal(await page.locator('#admit').isHidden(), true);
});

test('ticket mode: a phone opens a ticket URL, votes, and a reload keeps the ticket and its vote', async () => {
  tickets = await server.api('/api/tickets', { method: 'POST', body: { count: 3 } });
  assert.equal(tickets.tickets.length, 3);
  await host.click('#admission-ticket');
  await confirmDialog(host);
  await host.waitForSelector('#admission-mode[data-mode="ticket"]', { timeout: LONG });
  // The standby scene asks for the seat ticket instead of showing a join QR code.
  await hostWs.request({ type: 'cmd', action: 'show', scene: 'standby' });
  await display.waitForSelector('#stage[data-scene="standby"] .scene-standby.shown .standby-qr.ticket', { timeout: LONG });
  assert.equal(await display.locator('.scene-standby.shown img.qr').count(), 0);
  assert.match(await display.locator('.scene-standby.shown .standby-qr').innerText(), /凭座位票投票/);
  await screenshot(display, 'admission-display-standby-ticket');

  // A phone already here without a ticket is asked for one, above the page it keeps showing;
  // the ticket it types takes over its connection at once.
  await admitCard(scanner, 'ticket');
  assert.equal(await scanner.locator('#main').evaluate((el) => el.classList.contains('blocked')), false);
  assert.equal(await scanner.locator('#conn').getAttribute('data-online'), 'true');
  await screenshot(scanner, 'admission-vote-ticket-prompt');
  await scanner.fill('#admit-input', tickets.tickets[1]);
  await scanner.locator('#admit-submit').tap();
  await scanner.locator('#admit').waitFor({ state: 'hidden', timeout: LONG });
  await online(scanner);
  assert.equal(await scanner.evaluate(() => JSON.parse(localStorage.getItem('stagevote.ticket'))), tickets.tickets[1]);

  const page = await phone();
  // As printed, in capitals with dashes: the page takes it as the server does.
  const printed = tickets.tickets[0].toUpperCase().replace(/(.{4})(?!$)/g, '$1-');
  await page.goto(`${server.url}/vote#ticket=${printed}`);
  await online(page);
  assert.equal(new URL(page.url()).hash, '');
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('stagevote.ticket'))), tickets.tickets[0]);
  const { poll, entry } = await openPoll();
  await page.locator(`button.choice[data-entry="${entry}"]`).tap();
  await page.locator(`button.choice[data-entry="${entry}"][data-state="counted"]`).waitFor({ timeout: LONG });
  await page.reload();
  await online(page);
  await page.locator(`button.choice[data-entry="${entry}"][data-state="counted"]`).waitFor({ timeout: LONG });
  assert.equal(await page.locator('#admit').isHidden(), true);
  await screenshot(page, 'admission-vote-ticket-counted');

  // The ticket is the voter: a second phone with it sees the vote as cast and cannot vote again.
  const second = await phone();
  await second.goto(`${server.url}/vote#ticket=${tickets.tickets[0]}`);
  await second.locator(`button.choice[data-entry="${entry}"][data-state="counted"]`).waitFor({ timeout: LONG });
  // A phone without a ticket is asked for one.
  const none = await phone();
  await none.goto(`${server.url}/vote`);
  await admitCard(none, 'ticket');
  assert.equal(await none.locator('#admit-heading').innerText(), '请扫描座位票');
  await screenshot(none, 'admission-vote-ticket-needed-zh');
  assert.deepEqual(await contrastFailures(none), []);
  // ... and typing the ticket's code, spaces allowed, lets it in.
  await none.fill('#admit-input', tickets.tickets[1].replace(/(.{4})(?!$)/g, '$1 '));
  await none.locator('#admit-submit').tap();
  await online(none);
  await none.locator(`button.choice[data-entry="${entry}"]`).tap();
  await none.locator(`button.choice[data-entry="${entry}"][data-state="counted"]`).waitFor({ timeout: LONG });
  await closePoll(poll);
  const { entries } = await server.api(`/api/rounds/${contest.rounds[0].id}/results`);
  assert.equal(entries.find((e) => e.entry === entry).votes, 2);
});

test('ticket mode: a wrong ticket and a void one are told so, in zh and en', async () => {
  const wrong = await phone();
  await wrong.goto(`${server.url}/vote#ticket=abcdefghjkmnpqrs`);
  await admitCard(wrong, 'ticket', 'ticketWrong');
  assert.match(await wrong.locator('#admit-status').innerText(), /没有找到这张座位票/);
  assert.equal(await wrong.evaluate(() => localStorage.getItem('stagevote.ticket')), null, 'a wrong ticket is not kept');
  await screenshot(wrong, 'admission-vote-ticket-wrong-zh');
  await wrong.locator('#lang-toggle').tap();
  assert.equal(await wrong.locator('#admit-heading').innerText(), 'Scan your seat ticket');
  assert.match(await wrong.locator('#admit-status').innerText(), /That ticket code was not found/);
  await screenshot(wrong, 'admission-vote-ticket-wrong-en');
  assert.deepEqual(await contrastFailures(wrong), []);

  // The host voids ticket 3 from the console's data dialog, with a reason.
  await host.click('#data-open');
  await host.fill('#void-ticket', tickets.numbers[2]);
  await host.click('#void-submit');
  assert.match(await host.locator('#void-result').innerText(), /原因|reason/i);
  await host.fill('#void-reason', '观众报失');
  await host.click('#void-submit');
  await confirmDialog(host);
  await host.waitForFunction((n) => document.querySelector('#void-result')?.textContent.includes(n), tickets.numbers[2], { timeout: LONG });
  // Seat tickets from the console: the PDF, or (a server without it) the codes to save.
  await host.fill('#tickets-count', '2');
  const download = host.waitForEvent('download', { timeout: LONG }).catch(() => null);
  await host.click('#tickets-make');
  await host.waitForSelector('#tickets-done, #tickets-nopdf', { timeout: LONG });
  if (await host.locator('#tickets-done').count()) {
    assert.match((await download)?.suggestedFilename() || '', /\.pdf$/);
  } else {
    assert.match(await host.locator('#tickets-nopdf').innerText(), /已生成 2 张座位票.*PDF/);
  }
  await settled(host);
  await host.locator('#data-dialog').screenshot({ path: artifact('admission-host-data-tickets.png') });
  await host.click('#data-close');

  const voided = await phone();
  await voided.goto(`${server.url}/vote#ticket=${tickets.tickets[2]}`);
  await admitCard(voided, 'ticket', 'ticketVoid');
  assert.match(await voided.locator('#admit-status').innerText(), /已作废.*工作人员/);
  await screenshot(voided, 'admission-vote-ticket-void-zh');
  await voided.locator('#lang-toggle').tap();
  assert.match(await voided.locator('#admit-status').innerText(), /void.*see the staff/);
  await screenshot(voided, 'admission-vote-ticket-void-en');
});

test('the console raises the integrity alert when 310 new identities arrive within a minute', async () => {
  await hostWs.request({ type: 'cmd', action: 'set_admission', mode: 'open' });
  // 310 phones from 78 loopback addresses, at most 4 each (the default cap per address).
  const jobs = Array.from({ length: 310 }, (_, i) => `127.0.2.${1 + Math.floor(i / 4)}`);
  for (let i = 0; i < jobs.length; i += 25) {
    const batch = await Promise.all(jobs.slice(i, i + 25).map((address) => connectClient(server.wsUrl, { role: 'audience' }, { localAddress: address })));
    for (const client of batch) client.close();
  }
  const panel = host.locator('#integrity-panel');
  await host.waitForSelector('#integrity-alert:not([hidden]) .alert-line[data-kind="identities"]', { timeout: LONG });
  const banner = await host.locator('#integrity-alert').innerText();
  assert.match(banner, /警报：新增观众身份异常增多/);
  assert.match(banner, /阈值 300/);
  assert.ok(await host.locator('#integrity-busiest td.addr', { hasText: '127.0.2.' }).count() > 0, 'the busiest addresses are listed');
  await panel.scrollIntoViewIfNeeded();
  await settled(host);
  await panel.screenshot({ path: artifact('admission-host-integrity-alert-zh.png') });
  await host.click('#lang-toggle');   // the console reloads in English (the key is kept for the session)
  await host.waitForSelector('#integrity-alert:not([hidden]) .alert-line[data-kind="identities"]', { timeout: LONG });
  assert.match(await host.locator('#integrity-alert').innerText(), /Alert: a burst of new audience identities.*threshold 300/s);
  await host.locator('#integrity-panel').scrollIntoViewIfNeeded();
  await settled(host);
  await host.locator('#integrity-panel').screenshot({ path: artifact('admission-host-integrity-alert-en.png') });
  await capture(host, 'admission-host-console');
  await host.click('#lang-toggle');
  await host.waitForSelector('#conn[data-online="1"]', { timeout: LONG });
});

test('no errors on the console, the display or the phones', () => {
  // Chromium logs a WebSocket closed by a refusal as an error of its own: that is the test.
  const real = (list) => list.filter((e) => !/WebSocket/.test(e));
  assert.deepEqual(real(errors.host), []);
  assert.deepEqual(real(errors.display), []);
  assert.deepEqual(errors.phones.flatMap(real), []);
});
