// WCAG 2.2 AA on the phone pages (/vote, /judge) against the real server, state by state:
// axe-core (wcag2a, wcag2aa, wcag21aa, wcag22aa: no serious or critical violation), contrast,
// 44×44 px targets, and the page at 200 % text. Text size is modelled as the phone's text-size
// setting does it to a web page: the browser's default font size doubled (CDP
// Page.setFontSizes, 16 → 32 px; the pages size their type in rem/% from it), not a page zoom.
// At 200 %: no horizontal scroll, and every control wholly inside the viewport and not clipped
// by an ancestor's overflow. Screen readers: the announcements (aria-live) of a vote saved, a
// poll opened or closed, an act on stage (to a judge) and a score accepted; the judge's
// sliders named, described in words and moved by the arrow keys; focus never under the sticky
// header. And the phone tells "offline" from "the server is restarting", and a vote tapped
// while the server is down is sent by itself (same id) and shown saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  startServer, launchBrowser, connectClient, hostHello, screenshot, watchConsole,
} from './harness.mjs';
import { contrastFailures } from './contrast.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const DEFAULT_FONT_PX = 16;
const MIN_TARGET_PX = 44;

let server;
let browser;
let host;
let contest;
let round;
let context;
let page;        // the audience phone
let judgePage;   // a judge's phone
let consoleErrors;
const otherServers = [];   // the rating contest's

async function cmd(action, fields = {}) {
  return host.request({ type: 'cmd', action, ...fields });
}

async function reconnectHost() {
  if (host) host.close();
  host = await connectClient(server.wsUrl, hostHello);
}

function title(id) {
  return contest.entries.find((e) => e.id === id).title;
}

async function votesFor(entry) {
  const results = await server.api(`/api/rounds/${round.id}/results`);
  const row = results.entries.find((e) => e.entry === entry);
  return row ? row.votes : 0;
}

// axe-core's serious and critical violations of the WCAG A/AA rules, as readable lines.
async function axeViolations(p) {
  if (!(await p.evaluate(() => Boolean(window.axe)))) await p.addScriptTag({ path: AXE });
  const result = await p.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// Visible controls smaller than 44×44 px (WCAG 2.5.8 asks 24; the project asks 44).
async function smallTargets(p) {
  return p.evaluate((min) => [...document.querySelectorAll('button, input, select, textarea, a[href]')]
    .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
    .map((el) => ({ el, box: el.getBoundingClientRect() }))
    .filter(({ box }) => box.width < min - 0.5 || box.height < min - 0.5)
    .map(({ el, box }) => `${el.tagName.toLowerCase()}#${el.id}.${el.className} ${box.width.toFixed(0)}×${box.height.toFixed(0)}`), MIN_TARGET_PX);
}

// What breaks at a large text size: a page wider than the screen, a control reaching past its
// edges, or one cut off by an ancestor that hides its overflow.
async function reflowFailures(p) {
  return p.evaluate(() => {
    const failures = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) failures.push(`page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
    const width = root.clientWidth;
    const name = (el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}[${(el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 16)}]`;
    for (const el of document.querySelectorAll('button, input, select, textarea, a[href]')) {
      if (el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      const box = el.getBoundingClientRect();
      if (box.left < -0.5 || box.right > width + 0.5) failures.push(`${name(el)} outside the screen: ${box.left.toFixed(0)}..${box.right.toFixed(0)}`);
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        const style = getComputedStyle(up);
        const clipsX = style.overflowX !== 'visible';
        const clipsY = style.overflowY !== 'visible';
        if (!clipsX && !clipsY) continue;
        const outer = up.getBoundingClientRect();
        if ((clipsX && (box.left < outer.left - 0.5 || box.right > outer.right + 0.5)) ||
            (clipsY && (box.top < outer.top - 0.5 || box.bottom > outer.bottom + 0.5))) {
          failures.push(`${name(el)} clipped by ${up.tagName.toLowerCase()}.${up.className}`);
        }
      }
    }
    return failures;
  });
}

async function settle(p) {
  await p.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

// The browser's default font size: the phone's text-size setting, as the page sees it.
async function setTextSize(p, percent) {
  const cdp = await p.context().newCDPSession(p);
  const standard = Math.round(DEFAULT_FONT_PX * percent / 100);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard, fixed: Math.round(standard * 13 / 16) } });
  await cdp.detach();
  await settle(p);
}

// Everything one state of a page must pass, normal size and at 200 % text, with screenshots.
async function checkState(p, name) {
  await settle(p);
  await screenshot(p, `a11y-${name}`);
  assert.deepEqual(await axeViolations(p), [], `${name}: axe-core`);
  assert.deepEqual(await contrastFailures(p), [], `${name}: contrast`);
  assert.deepEqual(await smallTargets(p), [], `${name}: targets of 44×44 px`);
  await setTextSize(p, 200);
  try {
    assert.equal(await p.evaluate(() => getComputedStyle(document.documentElement).fontSize), '36px', 'the page follows the text size');
    await screenshot(p, `a11y-${name}-text200`);
    assert.deepEqual(await reflowFailures(p), [], `${name} at 200 % text`);
    assert.deepEqual(await axeViolations(p), [], `${name} at 200 % text: axe-core`);
  } finally {
    await setTextSize(p, 100);
  }
}

async function announced(p, pattern) {
  await p.locator('#announce', { hasText: pattern }).waitFor({ timeout: 10000 });
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await reconnectHost();
  contest = await server.api('/api/contest');
  round = contest.rounds[0];
  // axe.min.js goes in as a script tag, which the pages' CSP (script-src 'self') would refuse.
  context = await browser.newContext({ ...PHONE, locale: 'zh-CN', bypassCSP: true });
  page = await context.newPage();
  consoleErrors = watchConsole(page);
});

after(async () => {
  if (host) host.close();
  if (browser) await browser.close();
  if (server) await server.close();
  for (const other of otherServers) await other.close();
});

test('/vote waiting for a poll', async () => {
  await page.goto(`${server.url}/vote`);
  await page.locator('#conn[data-online="true"]').waitFor();
  const region = page.locator('#announce');
  assert.equal(await region.getAttribute('role'), 'status');
  assert.equal(await region.getAttribute('aria-live'), 'polite');
  await checkState(page, 'vote-waiting');
});

test('/vote with a poll open, then voted (announced as saved), then closed', async () => {
  const [first, second] = round.entries;
  await cmd('start_entry', { round: round.id, entry: second });
  const { poll } = await cmd('open_poll', { round: round.id, entries: [first, second], duration_ms: 300000 });
  await page.locator(`button.choice[data-entry="${second}"][data-state="open"]`).waitFor();
  await announced(page, '投票开始了');
  await checkState(page, 'vote-open');

  await page.locator(`button.choice[data-entry="${second}"]`).tap();
  await page.locator(`button.choice[data-entry="${second}"][data-state="counted"]`).waitFor();
  await announced(page, `你的投票已保存：《${title(second)}》`);
  await checkState(page, 'vote-voted');

  await cmd('close_poll', { poll });
  await page.locator('#poll-heading', { hasText: '投票已结束' }).waitFor();
  await announced(page, '投票已结束');
  await checkState(page, 'vote-closed');
});

test('/vote in English passes too', async () => {
  await page.locator('#lang-toggle').tap();
  await page.locator('#footer', { hasText: 'one vote per phone' }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'axe-core in English');
  await setTextSize(page, 200);
  try {
    await screenshot(page, 'a11y-vote-closed-en-text200');
    assert.deepEqual(await reflowFailures(page), [], 'English at 200 % text');
  } finally {
    await setTextSize(page, 100);
  }
  await page.locator('#lang-toggle').tap();
  await page.locator('#footer', { hasText: '无需登录' }).waitFor();
});

test('the phone says "offline" when its network is off, and sends a vote tapped meanwhile once it is back', async () => {
  const third = round.entries[2];
  await cmd('start_entry', { round: round.id, entry: third });
  const { poll } = await cmd('open_poll', { round: round.id, entries: [third] });
  await page.locator(`button.choice[data-entry="${third}"][data-state="open"]`).waitFor();

  await context.setOffline(true);
  await page.locator('#conn[data-online="false"][data-cause="offline"]', { hasText: '手机网络已断开' }).waitFor({ timeout: 15000 });
  await page.locator(`button.choice[data-entry="${third}"]`).tap();
  await page.locator(`button.choice[data-entry="${third}"][data-state="pending"]`).waitFor();
  await page.locator('#pending-note', { hasText: '恢复连接后会自动重新发送' }).waitFor();
  await screenshot(page, 'a11y-vote-offline-sending');
  assert.deepEqual(await axeViolations(page), [], 'offline: axe-core');
  assert.deepEqual(await contrastFailures(page), [], 'offline: contrast');

  await context.setOffline(false);
  await page.locator(`button.choice[data-entry="${third}"][data-state="counted"]`).waitFor({ timeout: 20000 });
  await page.locator('#conn[data-online="true"]', { hasText: '已连接' }).waitFor();
  assert.equal(await votesFor(third), 1);
  await cmd('close_poll', { poll });
});

test('the phone says "the server is restarting" when it is, and a vote tapped meanwhile is saved after the restart without a second tap', async () => {
  const fourth = round.entries[3];
  await cmd('start_entry', { round: round.id, entry: fourth });
  const { poll } = await cmd('open_poll', { round: round.id, entries: [fourth] });
  await page.locator(`button.choice[data-entry="${fourth}"][data-state="open"]`).waitFor();
  const sent = [];
  const onSocket = (ws) => ws.on('framesent', (frame) => sent.push(String(frame.payload)));
  page.on('websocket', onSocket);

  await server.stop();
  await page.locator('#conn[data-online="false"][data-cause="restarting"]', { hasText: '服务器正在重启' }).waitFor({ timeout: 15000 });
  await page.locator(`button.choice[data-entry="${fourth}"]`).tap();
  await page.locator(`button.choice[data-entry="${fourth}"][data-state="pending"]`).waitFor();
  await page.locator('#pending-note', { hasText: '恢复连接后会自动重新发送' }).waitFor();
  const pending = JSON.parse(await page.evaluate(() => localStorage.getItem('stagevote.vote.pending')));
  await screenshot(page, 'a11y-vote-restarting-sending');
  assert.deepEqual(await axeViolations(page), [], 'restarting: axe-core');
  assert.deepEqual(await contrastFailures(page), [], 'restarting: contrast');

  await server.start();
  await page.locator(`button.choice[data-entry="${fourth}"][data-state="counted"]`).waitFor({ timeout: 20000 });
  await page.locator('#conn[data-online="true"]', { hasText: '已连接' }).waitFor();
  await announced(page, '你的投票已保存');
  await screenshot(page, 'a11y-vote-after-restart');
  page.off('websocket', onSocket);
  await reconnectHost();
  assert.equal(await votesFor(fourth), 1);
  const votes = sent.map((f) => JSON.parse(f)).filter((m) => m.type === 'vote');
  assert.ok(votes.length >= 1 && votes.every((m) => m.id === pending.id), 'the vote went out with the id it was given at the tap');
  await cmd('close_poll', { poll });
});

test('a server gone without a word (killed) is "cannot reach the server", not "offline"', async () => {
  await server.stop('SIGKILL');
  await page.locator('#conn[data-online="false"][data-cause="unreachable"]', { hasText: '连不上投票服务器' }).waitFor({ timeout: 15000 });
  await screenshot(page, 'a11y-vote-unreachable');
  assert.deepEqual(await contrastFailures(page), [], 'unreachable: contrast');
  await server.start();
  await page.locator('#conn[data-online="true"]', { hasText: '已连接' }).waitFor({ timeout: 20000 });
  await reconnectHost();
});

test('a socket that goes silent (the phone left the Wi-Fi without noticing) is given up, and the vote goes out again on a new one', async () => {
  // Every connection of this phone passes through here; `silent` swallows both directions.
  // `sent`: what the page sent, on which connection.
  const links = [];
  const sent = [];
  const quiet = await browser.newContext({ ...PHONE, locale: 'zh-CN' });
  await quiet.routeWebSocket(/\/ws$/, (ws) => {
    const link = { silent: false };
    links.push(link);
    const upstream = ws.connectToServer();
    ws.onMessage((message) => {
      sent.push({ link: links.indexOf(link), ...JSON.parse(message) });
      if (!link.silent) upstream.send(message);
    });
    upstream.onMessage((message) => { if (!link.silent) ws.send(message); });
  });
  const phone = await quiet.newPage();
  phone.errors = watchConsole(phone);
  await phone.goto(`${server.url}/vote`);
  await phone.locator('#conn[data-online="true"]').waitFor();
  const fifth = round.entries[4];
  await cmd('start_entry', { round: round.id, entry: fifth });
  const { poll } = await cmd('open_poll', { round: round.id, entries: [fifth] });
  await phone.locator(`button.choice[data-entry="${fifth}"][data-state="open"]`).waitFor();

  for (const link of links) link.silent = true;
  await phone.locator(`button.choice[data-entry="${fifth}"]`).tap();
  await phone.locator(`button.choice[data-entry="${fifth}"][data-state="pending"]`).waitFor();
  await phone.locator('#pending-note').waitFor();
  // No reply and no pong: the page opens a new connection by itself and the vote is counted.
  await phone.locator(`button.choice[data-entry="${fifth}"][data-state="counted"]`).waitFor({ timeout: 45000 });
  assert.ok(links.length >= 2, 'a new connection');
  assert.equal(await votesFor(fifth), 1);
  const votes = sent.filter((m) => m.type === 'vote');
  assert.ok(votes.length >= 2 && votes.every((m) => m.id === votes[0].id), 'sent again with its first id');
  assert.ok(votes.at(-1).link > votes[0].link, 'on a new connection');
  assert.ok(sent.some((m) => m.type === 'ping' && m.link === votes[0].link), 'the page asked the silent socket for a pong first');
  assert.deepEqual(phone.errors.filter((e) => !/WebSocket|net::/.test(e)), []);
  await quiet.close();
  await cmd('close_poll', { poll });
});

// ---- the judge's page ---------------------------------------------------------------------

let judge;
let scoredEntry;

function judgeCard(entryId) {
  return judgePage.locator(`li.entry[data-entry="${entryId}"]`);
}

test('/judge sign-in', async () => {
  judgePage = await context.newPage();
  judgePage.errors = watchConsole(judgePage);
  await judgePage.goto(`${server.url}/judge`);
  await judgePage.locator('#login:not([hidden])').waitFor();
  await checkState(judgePage, 'judge-login');
});

test('/judge scoring: sliders and fields named, arrow keys move them, and the state passes', async () => {
  const unitOf = (id) => contest.entries.find((e) => e.id === id).unit;
  judge = contest.judges[0];
  scoredEntry = round.entries.find((id) => unitOf(id) !== judge.unit);
  await cmd('start_entry', { round: round.id, entry: scoredEntry });
  await judgePage.goto(`${server.url}/judge#t=${encodeURIComponent(judge.token)}`);
  await judgeCard(scoredEntry).locator('.entry-head[aria-expanded="true"]').waitFor();
  await judgeCard(scoredEntry).locator('.badge[data-status="to_score"]').waitFor();
  await announced(judgePage, `《${title(scoredEntry)}》正在表演，可以评分`);
  const card = judgeCard(scoredEntry);
  const [crit, next] = contest.scoring.criteria;

  const slider = card.getByRole('slider', { name: crit.name, exact: true });
  const field = card.getByRole('textbox', { name: new RegExp(crit.name) });
  assert.equal(await slider.count(), 1, 'the slider is named by its criterion');
  assert.equal(await field.count(), 1, 'the field is named by its criterion');
  assert.match(await slider.getAttribute('aria-valuetext'), /未填写/);

  // The arrow keys move the slider and the field follows; the value is said in words.
  await slider.focus();
  await judgePage.keyboard.press('ArrowRight');
  const step = Number(await slider.getAttribute('step'));
  assert.equal(Number(await field.inputValue()), step);
  assert.equal(await slider.getAttribute('aria-valuetext'), `${await field.inputValue()} 分，满分 ${crit.max}`);
  // Tab goes slider → its field → the next criterion's slider.
  await judgePage.keyboard.press('Tab');
  assert.equal(await judgePage.evaluate(() => document.activeElement.dataset.criterion + document.activeElement.type), `${crit.id}text`);
  // Up and down arrows in the field step the mark too, within 0..max.
  await judgePage.keyboard.press('ArrowUp');
  assert.equal(Number(await field.inputValue()), 2 * step);
  await judgePage.keyboard.press('ArrowDown');
  await judgePage.keyboard.press('ArrowDown');
  await judgePage.keyboard.press('ArrowDown');
  assert.equal(Number(await field.inputValue()), 0);
  // Focus is not hidden under the sticky header (WCAG 2.4.11): the next slider, parked partly
  // under the header, scrolls clear of it when Tab reaches it.
  await card.getByRole('slider', { name: next.name, exact: true }).evaluate((el) => {
    window.scrollBy(0, el.getBoundingClientRect().top - document.querySelector('.top').getBoundingClientRect().bottom + 20);
  });
  await judgePage.keyboard.press('Tab');
  assert.equal(await judgePage.evaluate(() => document.activeElement.dataset.criterion + document.activeElement.type), `${next.id}range`);
  assert.ok(await judgePage.evaluate(() => document.activeElement.getBoundingClientRect().top >=
    document.querySelector('.top').getBoundingClientRect().bottom - 0.5), 'the focused slider is clear of the header');

  for (const c of contest.scoring.criteria) await card.locator(`input[type="text"][data-criterion="${c.id}"]`).fill(String(c.max - 1));
  await card.scrollIntoViewIfNeeded();
  await checkState(judgePage, 'judge-scoring');
});

test('/judge submitted: the accepted score is announced', async () => {
  const card = judgeCard(scoredEntry);
  const total = contest.scoring.criteria.reduce((a, c) => a + c.max - 1, 0);
  await card.locator('button.submit').tap();
  await card.locator(`.submit-status [data-acked-total="${total}"]`).waitFor({ timeout: 15000 });
  await announced(judgePage, `评分已提交：《${title(scoredEntry)}》`);
  await card.locator('.submit-status').scrollIntoViewIfNeeded();
  await checkState(judgePage, 'judge-submitted');
});

test('/judge offline, then locked', async () => {
  await context.setOffline(true);
  await judgePage.locator('#conn[data-cause="offline"]', { hasText: '手机网络已断开' }).waitFor({ timeout: 15000 });
  await screenshot(judgePage, 'a11y-judge-offline');
  await context.setOffline(false);
  await judgePage.locator('#conn[data-online="true"]').waitFor({ timeout: 20000 });

  await cmd('lock_scores', { round: round.id, entry: scoredEntry, override_reason: 'not every judge scored in this test' });
  const card = judgeCard(scoredEntry);
  await card.locator('.badge[data-status="locked"]').waitFor();
  const head = card.locator('.entry-head');
  if ((await head.getAttribute('aria-expanded')) !== 'true') await head.tap();
  await card.scrollIntoViewIfNeeded();
  await checkState(judgePage, 'judge-locked');
});

// A rating contest (as audience-mode.test.mjs): the ten numbers of a rating poll, then saved.
const RATING_SCHEME = {
  contest: { id: 'rating-cup', name: '评分测试赛' },
  scoring: {
    criteria: [{ id: 'theme', name: '主题内涵', max: 60 }, { id: 'art', name: '艺术表现', max: 40 }],
    judge_weight: 0.9, audience_weight: 0.1, audience_mode: 'rating', min_ratings: 2,
  },
  rounds: [{ id: 'prelim', name: '初赛', entries: ['e01', 'e02'] }],
  entries: [
    { id: 'e01', title: '椰风海韵', unit: '省文旅厅', form: '歌舞' },
    { id: 'e02', title: '营商环境新篇章', unit: '省商务厅', form: '情景剧' },
  ],
  judges: [{ id: 'j1', name: '王建华' }],
};

test('/vote with a rating poll open, then rated (announced as saved)', async () => {
  const rating = await startServer();
  otherServers.push(rating);
  await rating.stop();
  const scheme = path.join(rating.dir, 'rating.json');
  writeFileSync(scheme, JSON.stringify(RATING_SCHEME));
  const binary = process.env.STAGEVOTE_BIN || path.resolve('../../build/asan/server/app/stagevote');
  execFileSync(binary, ['import', '--db', rating.db, '--scheme', scheme]);
  await rating.start();
  const ratingHost = await connectClient(rating.wsUrl, hostHello);
  try {
    const phoneContext = await browser.newContext({ ...PHONE, locale: 'zh-CN', bypassCSP: true });
    const phone = await phoneContext.newPage();
    phone.errors = watchConsole(phone);
    await phone.goto(`${rating.url}/vote`);
    await phone.locator('#conn[data-online="true"]').waitFor();
    await ratingHost.request({ type: 'cmd', action: 'start_entry', round: 'prelim', entry: 'e01' });
    await ratingHost.request({ type: 'cmd', action: 'open_poll', round: 'prelim', entries: ['e01'], kind: 'rating' });
    await phone.locator('button.rate[data-rating="10"][data-state="open"]').waitFor();
    await announced(phone, '评分开始了，请为《椰风海韵》打分');
    await checkState(phone, 'vote-rating-open');
    await phone.locator('button.rate[data-rating="8"]').tap();
    await phone.locator('button.rate[data-rating="8"][data-state="counted"]').waitFor();
    await announced(phone, '你的评分已保存：8 分');
    await checkState(phone, 'vote-rating-saved');
    assert.deepEqual(phone.errors, []);
    await phoneContext.close();
  } finally {
    ratingHost.close();
  }
});

test('the pages logged no errors', () => {
  const real = (errors) => errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|ERR_INTERNET_DISCONNECTED|net::/.test(e));
  assert.deepEqual(real(consoleErrors), []);
  assert.deepEqual(real(judgePage ? judgePage.errors : []), []);
});
