// Issue 17, the chief judge's desk: marks out of tolerance put an entry in review (复核); the
// desk (the chief's card, /judge?desk=1, beside the chief's phone) shows it with the marks that
// break it, asks one judge to re-check, and releases it; the asked judge's phone shows the
// prompt with the panel's kept range (never the others' marks) and keeps or revises the marks.
// zh-CN first, English on the toggle. Screenshots go to STAGEVOTE_ARTIFACTS.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { connectClient, hostHello, launchBrowser, screenshot, startServer, watchConsole } from './harness.mjs';

const LONG = 30000;
const serverBinary = process.env.STAGEVOTE_BIN || path.resolve('../../build/asan/server/app/stagevote');

const token = (id) => `desk-test-token-${id}-0000`;
// Out of 100, trim 1 from 5, the FIG aerobic table; j1 is the chief (评审组长).
const SCHEME = {
  contest: { id: 'desk-cup', name: '复核测试赛' },
  scoring: {
    criteria: [{ id: 'theme', name: '主题内涵', max: 60 }, { id: 'art', name: '艺术表现', max: 40 }],
    tolerance: { extremes_gap: 1.0, bands: [{ from: 8, gap: 0.3 }, { from: 7, gap: 0.4 }, { from: 6, gap: 0.5 }, { from: 0, gap: 0.6 }] },
  },
  rounds: [{ id: 'prelim', name: '初赛', entries: ['e01', 'e02'] }],
  entries: [
    { id: 'e01', title: '椰风海韵', unit: '省文旅厅', form: '歌舞' },
    { id: 'e02', title: '营商环境新篇章', unit: '省商务厅', form: '情景剧' },
  ],
  judges: [
    { id: 'j1', name: '王建华', token: token('j1'), chief: true },
    { id: 'j2', name: '李晓梅', token: token('j2') },
    { id: 'j3', name: '陈志强', token: token('j3') },
    { id: 'j4', name: '林海燕', token: token('j4') },
    { id: 'j5', name: '符永明', token: token('j5') },
  ],
};
// 80 and 95 out of 100, as a judge types them.
const marks = (total) => (total === 95 ? { theme: 57, art: 38 } : { theme: 48, art: 32 });

let browser;
const servers = [];
after(async () => {
  await browser?.close();
  for (const server of servers) await server.close();
});

async function deskServer() {
  const server = await startServer();
  servers.push(server);
  await server.stop();
  const scheme = path.join(server.dir, 'desk.json');
  writeFileSync(scheme, JSON.stringify(SCHEME));
  execFileSync(serverBinary, ['import', '--db', server.db, '--scheme', scheme]);
  await server.start();
  return server;
}

// Every judge scores `entry`: 80 each, j5 95 (extremes 15 apart: 10 or more breaks the table).
async function scoreOutOfTolerance(host, judges, entry) {
  await host.request({ type: 'cmd', action: 'start_entry', round: 'prelim', entry });
  for (const [id, client] of Object.entries(judges)) {
    await client.request({ type: 'score', round: 'prelim', entry, marks: marks(id === 'j5' ? 95 : 80) });
  }
  await assert.rejects(host.request({ type: 'cmd', action: 'lock_scores', round: 'prelim', entry }),
    (err) => err.code === 'in_review');
}

test('the desk shows the review, asks a re-check the phone confirms, and releases it', async () => {
  const server = await deskServer();
  browser ??= await launchBrowser();
  const host = await connectClient(server.wsUrl, hostHello);
  const judges = {};
  for (const id of ['j1', 'j2', 'j3', 'j4']) judges[id] = await connectClient(server.wsUrl, { role: 'judge', token: token(id) });
  judges.j5 = await connectClient(server.wsUrl, { role: 'judge', token: token('j5') });
  await scoreOutOfTolerance(host, judges, 'e01');
  judges.j5.close();

  // The chief's desk, a tablet on the judges' table.
  const deskContext = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  const desk = await deskContext.newPage();
  const deskErrors = watchConsole(desk);
  await desk.goto(`${server.url}/judge?desk=1#t=${token('j1')}`);
  const review = '.desk-review[data-entry="e01"]';
  await desk.waitForSelector(`${review}[data-state="in_review"]`, { timeout: LONG });
  assert.match(await desk.textContent('#desk-heading'), /组长台/);
  assert.match(await desk.textContent(`${review} .review-badge`), /复核中/);
  assert.match(await desk.textContent(`${review} .why`), /最高与最低分 80\.00–95\.00/);
  assert.equal(await desk.textContent(`${review} tr[data-judge="j5"] td.num`), '95.00');
  assert.equal(await desk.locator(`${review} tr.breaks[data-judge="j5"]`).count(), 1);
  // The chief's phone is still signed in: the desk is a second tab, not a second phone.
  assert.equal(judges.j1.ws.readyState, 1);
  await screenshot(desk, 'desk-review');

  await desk.fill(`#note-prelim-e01`, '请复核艺术表现');
  await desk.click(`${review} tr[data-judge="j5"] button[data-action="recheck"]`);
  await desk.waitForSelector(`${review} tr[data-judge="j5"] .asked`, { timeout: LONG });

  // j5's phone: the prompt, the kept range and j5's own total, not the others' marks.
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const phone = await phoneContext.newPage();
  const phoneErrors = watchConsole(phone);
  await phone.goto(`${server.url}/judge#t=${token('j5')}`);
  await phone.waitForSelector('.recheck[data-entry="e01"]', { timeout: LONG });
  const prompt = await phone.textContent('.recheck[data-entry="e01"]');
  assert.match(prompt, /评审组长请您复核/);
  assert.match(prompt, /请复核艺术表现/);
  assert.match(prompt, /保留分数范围 80\.00–80\.00；您的总分 95\.00/);
  assert.equal(await phone.locator('#desk-link-row:not([hidden])').count(), 0);
  // The prompt is what the phone brings into view, above the act on stage.
  await phone.waitForFunction(() => {
    const box = document.querySelector('.recheck').getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }, null, { timeout: LONG });
  await screenshot(phone, 'desk-phone-recheck');
  await phone.click('#lang-toggle');
  assert.match(await phone.textContent('.recheck[data-entry="e01"]'), /kept totals range 80\.00–80\.00; your total is 95\.00/);
  await screenshot(phone, 'desk-phone-recheck-en');
  await phone.click('#lang-toggle');
  await phone.click('.recheck[data-entry="e01"] button[data-action="confirm"]');
  await phone.waitForSelector('.recheck', { state: 'detached', timeout: LONG });

  // The desk sees the answer and releases, with a reason; lock and reveal go on.
  await desk.waitForSelector(`${review} li[data-kind="confirm_score"]`, { timeout: LONG });
  await desk.fill('#reason-prelim-e01', '评委说明了打分理由');
  await desk.click(`${review} button[data-action="release"]`);
  await desk.waitForSelector(`${review}[data-state="released"]`, { timeout: LONG });
  assert.match(await desk.textContent(`${review} .review-badge`), /已放行/);
  await screenshot(desk, 'desk-released');
  await desk.click('#lang-toggle');
  assert.match(await desk.textContent(`${review} .review-badge`), /Released/);
  await screenshot(desk, 'desk-released-en');
  await host.request({ type: 'cmd', action: 'lock_scores', round: 'prelim', entry: 'e01' });
  await host.request({ type: 'cmd', action: 'reveal', round: 'prelim', entry: 'e01' });

  assert.deepEqual(deskErrors, []);
  assert.deepEqual(phoneErrors, []);
  host.close();
  for (const client of Object.values(judges)) client.close();
  await deskContext.close();
  await phoneContext.close();
});

test('the phone revises its marks on a re-check, and the review ends by itself', async () => {
  const server = await deskServer();
  browser ??= await launchBrowser();
  const host = await connectClient(server.wsUrl, hostHello);
  const judges = {};
  for (const id of ['j1', 'j2', 'j3', 'j4', 'j5']) judges[id] = await connectClient(server.wsUrl, { role: 'judge', token: token(id) });
  await scoreOutOfTolerance(host, judges, 'e02');
  judges.j5.close();
  await judges.j1.request({ type: 'cmd', action: 'request_recheck', round: 'prelim', entry: 'e02', judge: 'j5' });

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const phone = await context.newPage();
  const errors = watchConsole(phone);
  await phone.goto(`${server.url}/judge#t=${token('j5')}`);
  await phone.waitForSelector('.recheck[data-entry="e02"]', { timeout: LONG });
  await phone.click('.recheck[data-entry="e02"] button[data-action="revise"]');
  await phone.fill('#mark-prelim-e02-theme', '48.5');
  await phone.fill('#mark-prelim-e02-art', '32');
  await phone.click('.entry[data-entry="e02"] button.submit');
  await phone.waitForSelector('.entry[data-entry="e02"] [data-acked-total="80.5"]', { timeout: LONG });
  await phone.waitForSelector('.recheck', { state: 'detached', timeout: LONG });
  await screenshot(phone, 'desk-phone-revised');

  // Within tolerance now: nothing in review, the lock goes through.
  const state = await judges.j1.untilState((s) => s.judge?.desk && s.judge.desk.reviews.length === 0, LONG);
  assert.deepEqual(state.judge.desk.reviews, []);
  await host.request({ type: 'cmd', action: 'lock_scores', round: 'prelim', entry: 'e02' });
  assert.deepEqual(errors, []);
  host.close();
  for (const client of Object.values(judges)) client.close();
  await context.close();
});
