// The host console's 评委卡 button and the import dialog's notes (issue 15): the button opens
// the printable judge cards in a window of their own, with the host key carried over; an
// upload of organisers' own files (a GBK CSV with a title row, a judges list without 编号 and
// an outside judge) says how the files were read, and points to the judge cards.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot, signInHost, startServer, watchConsole } from './harness.mjs';

const LONG = 30000;

// tests/tools/fixtures.hpp's scheme: criteria adding up to 100.
const SCHEME_TOML = `[contest]
id = "yeshu-files"
name = "“椰树杯”党建创新引领工作创优大赛"

[scoring]
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
`;
// As Excel's “CSV (逗号分隔)” saves it on a Chinese system: GBK, a merged title row on top.
const ENTRIES = '2026年椰树杯大赛 参赛节目,,,,\r\n'
  + '编号,标题,单位,形式,轮次\r\n'
  + 'e01,党旗代代传 融合促发展,省高级人民法院,情景剧,初赛\r\n'
  + 'e02,"把支部建在组上, 党心不临时",省纪委监委,情景剧,初赛；决赛\r\n'
  + 'e03,文明之光 志愿同行,省委宣传部,歌舞,初赛\r\n'
  + 'e04,税务人的初心,省税务局,快板,初赛、决赛\r\n';
// No 编号 column; 周敏 is from the party school, which sends no entry.
const JUDGES = '姓名,单位,职务\n王建华,省纪委监委,党建专家\n李明,,教授\n张丽,省税务局,\n陈刚,,\n刘洋,,\n周敏,省委党校,教授\n';

let server;
let browser;
let context;
let page;
let errors;
const files = {};

before(async () => {
  server = await startServer();
  const write = (name, bytes) => { files[name] = path.join(server.dir, name); writeFileSync(files[name], bytes); };
  write('scheme.toml', SCHEME_TOML);
  // glibc's iconv, as organiser_files_tests.cpp encodes its GBK fixture.
  write('entries.csv', execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: ENTRIES }));
  write('judges.csv', JUDGES);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  page = await context.newPage();
  errors = watchConsole(page);
  await signInHost(page, server);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// Clicks `selector` on the console and returns the judge cards window it opens, loaded.
async function openCards(selector) {
  const [cards] = await Promise.all([context.waitForEvent('page', { timeout: LONG }), page.click(selector)]);
  await cards.waitForLoadState();
  await cards.locator('.card').first().waitFor({ timeout: LONG });
  return cards;
}

test('the 评委卡 button in the header opens every judge\'s card without asking for the key again', async () => {
  const button = page.locator('#judge-cards-open');
  assert.equal(await button.innerText(), '评委卡');
  assert.ok(await button.isVisible());
  // One header row still: the button must not push the status off a 1366-wide screen.
  const size = await page.evaluate(() => ({ width: document.documentElement.scrollWidth }));
  assert.ok(size.width <= 1366, `page ${JSON.stringify(size)}`);
  await screenshot(page, 'host-files-header');

  const contest = await server.api('/api/contest');
  const cards = await openCards('#judge-cards-open');
  const cardErrors = watchConsole(cards);
  assert.equal(new URL(cards.url()).pathname, '/d/judge-cards.html');
  assert.equal(await cards.locator('#keyform').isVisible(), false, 'the host key came along');
  assert.equal(await cards.locator('.card').count(), contest.judges.length);
  for (const judge of contest.judges) {
    assert.equal(await cards.locator(`.card[data-judge="${judge.id}"] .name`).textContent(), judge.name);
  }
  await cards.waitForFunction(() => [...document.querySelectorAll('img.qr')].every((img) => img.complete && img.naturalWidth > 0));
  await screenshot(cards, 'host-files-judge-cards');
  assert.deepEqual(cardErrors, []);
  await cards.close();

  // In English the button says so.
  await page.click('#lang-toggle');
  assert.equal(await button.innerText(), 'Judge cards');
  await page.click('#lang-toggle');
  assert.equal(await button.innerText(), '评委卡');
});

test('the import dialog shows how the files were read, and prints the new judges\' cards', async () => {
  await page.click('#data-open');
  await page.waitForSelector('#data-dialog', { timeout: LONG });
  await page.setInputFiles('#data-files', [files['scheme.toml'], files['entries.csv'], files['judges.csv']]);
  await page.click('#data-upload');
  await page.waitForSelector('#data-summary', { timeout: LONG });
  const result = await page.locator('#data-result').innerText();
  assert.match(result, /已导入：“椰树杯”党建创新引领工作创优大赛（yeshu-files）/);
  assert.match(result, /共 4 个作品、6 位评委/);

  const notes = await page.locator('#data-notes li').allInnerTexts();
  assert.match(await page.locator('.data-notes-title').innerText(), /文件读取说明/);
  assert.ok(notes.some((note) => /entries\.csv: read as GB18030 \(GBK\)/.test(note)), notes.join('\n'));
  assert.ok(notes.some((note) => /entries\.csv: the header is on line 2; 1 title row above it skipped/.test(note)), notes.join('\n'));
  assert.ok(notes.some((note) => /judges\.csv: no 编号\/id column: judges numbered J1 to J6 in file order/.test(note)), notes.join('\n'));
  assert.ok(notes.some((note) => /outside judges.*J6 周敏 \(省委党校\)/.test(note)), notes.join('\n'));
  // Every note is on screen: the result box scrolls rather than cutting them off.
  await page.locator('#data-notes li').last().scrollIntoViewIfNeeded();
  await screenshot(page, 'host-files-import-notes');

  const contest = await server.api('/api/contest');
  assert.equal(contest.judges.find((judge) => judge.id === 'J6').unit, '省委党校');
  const cards = await openCards('#data-print-cards');
  assert.equal(await cards.locator('.card').count(), 6);
  assert.equal(await cards.locator('.card[data-judge="J6"] .name').textContent(), '周敏');
  assert.match(await cards.locator('.card[data-judge="J6"] .title').textContent(), /教授 · 省委党校/);
  await cards.close();
  await page.keyboard.press('Escape');
});

test('notes are shown with the problems too', async () => {
  await page.click('#data-open');
  await page.waitForSelector('#data-dialog', { timeout: LONG });
  // Criteria adding up to 95: refused at their line; the GBK note still explains the entries.
  const bad = path.join(server.dir, 'scheme-95.toml');
  writeFileSync(bad, SCHEME_TOML.replace('max = 30\n\n[[rounds]]', 'max = 25\n\n[[rounds]]'));
  await page.setInputFiles('#data-files', [bad, files['entries.csv'], files['judges.csv']]);
  await page.click('#data-upload');
  await page.waitForSelector('#data-problems li', { timeout: LONG });
  const text = await page.locator('#data-result').innerText();
  assert.match(text, /scheme-95\.toml 第 9 行：.*各评分项满分之和须为 100，现为 95/);
  assert.match(text, /entries\.csv: read as GB18030 \(GBK\)/);
  await screenshot(page, 'host-files-import-problems');
  await page.keyboard.press('Escape');
});

test('no console errors on the console', () => {
  // Chromium logs every 4xx response; the refused upload's 422 is the one expected.
  assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
});
