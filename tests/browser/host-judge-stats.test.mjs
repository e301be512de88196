// The console's judges' marking statistics (docs/judging.md; docs/protocol.md "Judge
// statistics"): six entries of the demo's 初赛 scored by its nine judges, j9 marking in reverse;
// the console flags j9, and no one else, with each figure's entry count.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  connectClient, hostHello, launchBrowser, screenshot, signInHost, startServer, watchConsole,
} from './harness.mjs';

const LONG = 30000;
let server;
let browser;
let host;
let hostWs;
let errors;

// A total split over the demo's criteria (30, 30, 25, 15), in hundredths so that the marks
// have at most 2 decimals and add up exactly.
function marksFor(total) {
  const cents = Math.round(total * 100);
  const theme = Math.round(cents * 0.3);
  const innovation = Math.round(cents * 0.3);
  const art = Math.round(cents * 0.25);
  return { theme: theme / 100, innovation: innovation / 100, art: art / 100, live: (cents - theme - innovation - art) / 100 };
}

before(async () => {
  server = await startServer();
  const contest = await server.api('/api/contest');
  hostWs = await connectClient(server.wsUrl, hostHello);
  const judges = [];
  for (const judge of contest.judges) {
    judges.push({ id: judge.id, client: await connectClient(server.wsUrl, { role: 'judge', token: judge.token }) });
  }
  const entries = ['e13', 'e05', 'e35', 'e02', 'e28', 'e15'];
  for (const [k, entry] of entries.entries()) {
    await hostWs.request({ type: 'cmd', action: 'start_entry', round: 'prelim', entry });
    const quality = 60 + 5 * k;
    for (const [i, { id, client }] of judges.entries()) {
      const offset = (((i * 2 + k) % 3) - 1) * 0.5;
      const total = id === 'j9' ? 100 - quality : quality + offset;
      // A judge of the entry's unit is recused: the server says so and nothing changes.
      await client.request({ type: 'score', round: 'prelim', entry, marks: marksFor(total) })
        .catch((error) => assert.equal(error.code, 'recused'));
    }
    await hostWs.request({ type: 'cmd', action: 'lock_scores', round: 'prelim', entry });
  }
  for (const { client } of judges) client.close();

  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  host = await context.newPage();
  errors = watchConsole(host);
  await signInHost(host, server, { timeout: LONG });
});

after(async () => {
  hostWs?.close();
  await browser?.close();
  await server?.close();
});

test('the host state carries judge_stats for the round: j9 reversed, no one else flagged', async () => {
  const state = await hostWs.untilState((s) => s.host?.judge_stats?.judges?.length === 9, LONG);
  const stats = state.host.judge_stats;
  assert.equal(stats.round, 'prelim');
  const j9 = stats.judges.find((j) => j.judge === 'j9');
  assert.deepEqual(j9.flags, ['reversed']);
  assert.equal(j9.entries, 6);
  assert.equal(j9.spearman.n, 6);
  assert.ok(j9.spearman.value < -0.9);
  for (const judge of stats.judges.filter((j) => j.judge !== 'j9')) assert.deepEqual(judge.flags, [], judge.judge);
});

test('the console shows each judge\'s marking under the judges\' panel, the reversed judge flagged', async () => {
  await host.waitForSelector('#judge-stats:not([hidden]) tr[data-judge="j9"][data-flags="reversed"]', { timeout: LONG });
  assert.match(await host.locator('#judge-stats .stats-title').innerText(), /评委评分统计 · 初赛/);
  assert.equal(await host.locator('#judge-stats tbody tr').count(), 9);
  assert.equal(await host.locator('#judge-stats tr.stats-flagged').count(), 1);
  const row = host.locator('#judge-stats tr[data-judge="j9"]');
  assert.match(await row.innerText(), /疑似反序/);
  assert.match(await row.innerText(), /\(6\)/);  // each figure says how many entries are behind it
  await host.locator('#judge-stats').scrollIntoViewIfNeeded();
  await screenshot(host, 'host-judge-stats');

  await host.click('#lang-toggle');
  await host.waitForSelector('#conn[data-online="1"]', { timeout: LONG });
  await host.waitForFunction(() => /Judges' marking/.test(document.querySelector('#judge-stats .stats-title')?.textContent || ''), null, { timeout: LONG });
  assert.match(await host.locator('#judge-stats tr[data-judge="j9"]').innerText(), /Reversed\?/);
  await host.locator('#judge-stats').scrollIntoViewIfNeeded();
  await screenshot(host, 'host-judge-stats-en');
  await host.click('#lang-toggle');
});

test('no console errors on the host console', () => {
  assert.deepEqual(errors, []);
});
