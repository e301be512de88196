// The host console's data dialog against a real server whose database was imported before
// the show (not the demo): uploading files shows every problem in words or the imported
// contest, which the console then serves at once; a CSV export downloads with the host key;
// once the show has started the upload is off, with the reason on screen.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  connectClient, HOST_KEY, hostHello, launchBrowser, repoRoot, screenshot, sleep, watchConsole,
} from './harness.mjs';

const LONG = 30000;
const serverBinary = process.env.STAGEVOTE_BIN || path.join(repoRoot, 'build', 'asan', 'server', 'app', 'stagevote');

// The organiser's files of tests/tools/fixtures.hpp, as an organiser would save them.
const SCHEME_TOML = `# 椰树杯 test scheme
[contest]
id = "yeshu-test"
name = "“椰树杯”党建创新引领工作创优大赛"
subtitle = "测试"

[scoring]
decimals = 2
trim = 1
trim_min = 5
judge_weight = 0.9
audience_weight = 0.1

[[scoring.criteria]]
id = "theme"
name = "主题内涵"
max = 30

[[scoring.criteria]]
id = "art"
name = "艺术表现"
max = 40

[[scoring.criteria]]
id = "live"
name = "现场效果"
max = 30

[[rounds]]
id = "prelim"
name = "初赛"

[[rounds]]
id = "final"
name = "决赛"

[[awards]]
id = "first"
name = "一等奖"
count = 1

[[awards]]
id = "second"
name = "二等奖"
count = 2
`;
const SCHEME_JSON = JSON.stringify({
  contest: { id: 'yeshu-test', name: '椰树杯', subtitle: '' },
  scoring: {
    criteria: [{ id: 'theme', name: '主题内涵', max: 30 }, { id: 'art', name: '艺术表现', max: 40 }, { id: 'live', name: '现场效果', max: 30 }],
    decimals: 2, trim: 1, trim_min: 5, judge_weight: 0.9, audience_weight: 0.1,
  },
  rounds: [{ id: 'prelim', name: '初赛' }, { id: 'final', name: '决赛' }],
  awards: [{ id: 'first', name: '一等奖', count: 1 }],
});
const ENTRIES_ZH = '\uFEFF编号,标题,单位,形式,主题,轮次\r\n'
  + 'e01,党旗代代传 融合促发展,省高级人民法院,情景剧,党建互联互通,初赛\r\n'
  + 'e02,"把支部建在组上, 党心不临时",省纪委监委,情景剧,党建互联互通,初赛；决赛\r\n'
  + 'e03,文明之光 志愿同行,省委宣传部,歌舞,推进创城攻坚,prelim\r\n'
  + 'e04,税务人的初心,省税务局,快板,优化营商环境,初赛、final\r\n';
const ENTRIES_EN = 'Unit,ID,Title,Form,Theme,Round\n'
  + '省高级人民法院,e01,Title one,play,t1,prelim\n'
  + '省纪委监委,e02,Title two,play,t1,prelim;final\n'
  + '省委宣传部,e03,Title three,song,t2,prelim\n'
  + '省税务局,e04,Title four,clapper,t2,prelim\n';
const JUDGES_ZH = '编号,姓名,单位,职务,令牌\n'
  + 'j1,王建华,省纪委监委,党建专家,token-j1-secret-key\n'
  + 'j2,李明,,教授,\n'
  + 'j3,张丽,省税务局,,\n'
  + 'j4,陈刚,,,\n'
  + 'j5,刘洋,,,\n'
  + 'j6,赵敏,,,\n';
// Line 3 repeats j1's id, line 4 has no name.
const JUDGES_BAD = '编号,姓名,单位\nj1,王建华,省纪委监委\nj1,李明,\nj3,,省税务局\n';

let dir;
let proc;
let output = '';
let url;
let browser;
let page;
let errors;
const files = {};

async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

async function api(pathname) {
  const res = await fetch(`${url}${pathname}`, { headers: { Authorization: `Bearer ${HOST_KEY}` } });
  assert.equal(res.status, 200, pathname);
  return res.json();
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'stagevote-host-data-'));
  const write = (name, text) => { files[name] = path.join(dir, name); writeFileSync(files[name], text); };
  write('first.json', SCHEME_JSON);
  write('first-entries.csv', ENTRIES_EN);
  write('scheme.toml', SCHEME_TOML);
  write('entries.csv', ENTRIES_ZH);
  write('judges.csv', JUDGES_ZH);
  write('bad-judges.csv', JUDGES_BAD);
  // A show prepared from files before the evening (not the demo), nothing played yet.
  const db = path.join(dir, 'show.db');
  execFileSync(serverBinary, ['import', '--db', db, '--scheme', files['first.json'], '--entries', files['first-entries.csv'], '--judges', files['judges.csv']]);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  proc = spawn(serverBinary, ['serve', '--port', String(port), '--bind', '127.0.0.1', '--db', db, '--host-key', HOST_KEY], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  const deadline = Date.now() + 20000;
  for (;;) {
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not up yet */ }
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await sleep(100);
  }

  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  page = await context.newPage();
  errors = watchConsole(page);
  await page.goto(`${url}/host`);
  await page.fill('#host-key', HOST_KEY);
  await page.click('#host-key-submit');
  await page.waitForSelector('#conn[data-online="1"]', { timeout: LONG });
  await page.waitForSelector('.ros-item', { timeout: LONG });
});

after(async () => {
  await browser?.close();
  if (proc && proc.exitCode === null) {
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the data dialog opens from the header and fits a 1366x768 screen', async () => {
  assert.equal(await page.locator('#data-open').innerText(), '数据');
  await page.click('#data-open');
  await page.waitForSelector('#data-dialog', { timeout: LONG });
  const box = await page.locator('#data-dialog').boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= 768, `dialog ${JSON.stringify(box)}`);
  assert.ok(box.x >= 0 && box.x + box.width <= 1366, `dialog ${JSON.stringify(box)}`);
  // One row per round and one for the whole contest, four formats each, and the ledger.
  for (const id of ['#export-prelim-csv', '#export-final-pdf', '#export-all-xlsx', '#export-all-html', '#export-ledger']) {
    assert.ok(await page.locator(id).isVisible(), `${id} is visible`);
  }
  assert.equal(await page.locator('#data-upload').isDisabled(), false);
  assert.equal(await page.locator('#data-locked').isVisible(), false);
  const size = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
  assert.ok(size.width <= 1366 && size.height <= 768, `page ${JSON.stringify(size)}`);
  await screenshot(page, 'host-data-dialog');
});

test('a bad judges table is refused and every problem is listed in words', async () => {
  await page.setInputFiles('#data-files', [files['scheme.toml'], files['entries.csv'], files['bad-judges.csv']]);
  await page.click('#data-upload');
  await page.waitForSelector('#data-problems li', { timeout: LONG });
  const text = await page.locator('#data-result').innerText();
  assert.match(text, /未导入，发现 \d+ 个问题/);
  assert.match(text, /bad-judges\.csv 第 3 行：.*duplicate/);
  assert.match(text, /bad-judges\.csv 第 4 行：.*name/);
  await screenshot(page, 'host-data-problems');
  // Nothing changed.
  assert.equal((await api('/api/contest')).contest.name, '椰树杯');
});

test('valid files are imported, summarised and served at once', async () => {
  await page.setInputFiles('#data-files', [files['scheme.toml'], files['entries.csv'], files['judges.csv']]);
  await page.click('#data-upload');
  await page.waitForSelector('#data-summary', { timeout: LONG });
  const text = await page.locator('#data-result').innerText();
  assert.match(text, /已导入：“椰树杯”党建创新引领工作创优大赛（yeshu-test）/);
  assert.match(text, /初赛：4 个节目/);
  assert.match(text, /决赛：2 个节目/);
  assert.match(text, /共 4 个作品、6 位评委/);
  assert.match(text, /5 位评委获得了新令牌/);
  // The server serves it, and the console itself follows (new welcome): header and run of show.
  const contest = await api('/api/contest');
  assert.equal(contest.contest.name, '“椰树杯”党建创新引领工作创优大赛');
  await page.waitForFunction(() => /“椰树杯”党建创新引领工作创优大赛/.test(document.querySelector('.contest-name')?.textContent || ''), null, { timeout: LONG });
  await screenshot(page, 'host-data-imported');
  await page.click('#data-close');
  await page.waitForSelector('.ros-item[data-entry="e01"]', { timeout: LONG });
  assert.match(await page.locator('.ros-list').innerText(), /党旗代代传 融合促发展/);
  await screenshot(page, 'host-data-after-import');
});

test('a CSV export downloads with the host key and holds the round', async () => {
  await page.click('#data-open');
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: LONG }),
    page.click('#export-prelim-csv'),
  ]);
  assert.equal(download.suggestedFilename(), 'yeshu-test-prelim-results.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  // The ledger's seal first (its short head hash), then the header and the round's 4 entries.
  assert.ok(csv.startsWith('\uFEFF账本 ledger：'), csv.slice(0, 80));
  assert.match(lines[0], /^\uFEFF?账本 ledger：\d+ 条记录 records；末条哈希 head [0-9a-f]{12}（[0-9a-f]{64}）/);
  assert.ok(lines[1].startsWith('名次 rank,编号 id,作品 title,'), csv.slice(0, 300));
  assert.equal(lines.length, 6);
  assert.match(csv, /"把支部建在组上, 党心不临时"/);
  assert.match(csv, /税务人的初心/);
});

test('once the show has started the upload is off and says why', async () => {
  const hostWs = await connectClient(`${url.replace('http', 'ws')}/ws`, hostHello);
  await hostWs.request({ type: 'cmd', action: 'start_entry', round: 'prelim', entry: 'e01' });
  hostWs.close();
  await page.waitForSelector('#data-locked:not([hidden])', { timeout: LONG });
  assert.ok(await page.locator('#data-upload').isDisabled());
  assert.match(await page.locator('#data-locked').innerText(), /演出已经开始/);
  await screenshot(page, 'host-data-locked');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#data-dialog', { state: 'detached', timeout: LONG });
});

test('no console errors on the console', () => {
  // Chromium logs every 4xx response; the refused upload's 422 is the one expected.
  assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
});
