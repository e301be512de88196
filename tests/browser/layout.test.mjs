// Every scene fits every round (issue 16): a contest of rounds of 6, 12, 24 and 40 entries
// and 15 judges is imported through the host's /api/import, played through the host socket
// (entries started, scored by 3, 9 or 15 judges, locked, revealed; a poll over each whole
// round with phones voting), and three venue screens watch it: 1920x1080 (16:9), 1024x768
// (4:3, letterboxed) and 3840x1080 (a 32:9 LED wall, a wide stage). For every scene the test
// reads the DOM: no visible text lies outside the screen or the stage, none is cut by a box
// that clips it, and no two texts overlap; then again with the join corner shown (the stage's
// `with-join-corner`): no text under it. Standby, the entry on stage and the reveals are also
// checked on the overlay page (lower thirds) at 1920x1080 and 3840x1080. The show is played
// before the screens open, except the entries checked on stage and revealed. Screenshots of
// the 24- and 40-entry rounds (and of standby, stage and reveal) at each size go to the
// artifacts directory; the join corner's stand-in is drawn as a dashed box in them.
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { after, before, test } from 'node:test';
import {
  connectClient, displayUrl, HOST_KEY, hostHello, launchBrowser, screenshot, startServer,
} from './harness.mjs';

register('./web-paths.mjs', import.meta.url);
const { pollGrid } = await import('../../display/scenes/poll.js');
const { gridFor } = await import('../../display/scenes/order.js');
const { boardGeometry } = await import('../../display/scenes/leaderboard.js');

const LONG = 30000;
const SIZES = [[1920, 1080], [1024, 768], [3840, 1080]];
const ROUNDS = [['r6', '小组赛', 6], ['r12', '复赛', 12], ['r24', '初赛', 24], ['r40', '海选', 40]];
const JUDGES = 15;

const UNITS = ['省高级人民法院', '省纪委监委', '省委宣传部', '省税务局', '国家税务总局海南省税务局稽查局',
  '省直机关工委', '省生态环境厅', '海口海关', '省农业农村厅', '省人力资源和社会保障厅', '省交通运输厅', '省卫健委'];
const TITLES = ['税务人的初心', '党旗代代传 融合促发展', '把支部建在组上，党心不临时',
  '文明之光 志愿同行', '红色引擎驱动乡村振兴——一个驻村第一书记的三年与三百六十五个日夜', '椰风海韵',
  '党建引领优化营商环境创新实践情景剧《一枚印章的改革之路》', '初心', '我和我的支部', '绿水青山就是金山银山'];

const entries = [];
for (const [round, , n] of ROUNDS) {
  for (let i = 0; i < n; i++) {
    const k = entries.length + 1;
    // The first of the 40 (on stage and revealed below) has the longest title of all.
    const title = round === 'r40' && i === 0 ? `${TITLES[4]}暨${TITLES[6]}` : `${TITLES[k % TITLES.length]}${k % 3 ? '' : k}`;
    entries.push({ id: `e${String(k).padStart(2, '0')}`, title, unit: UNITS[k % UNITS.length], round });
  }
}
const judges = Array.from({ length: JUDGES }, (_, i) => ({
  name: ['王建华', '李明', '张丽', '陈刚', '刘洋', '周敏', '欧阳晓峰', '赵磊', '孙婷', '黄海', '吴静', '郑伟', '冯雪', '朱强', '何佳'][i],
  unit: ['省委党校', '海南大学', '海南日报社'][i % 3],
  token: `layout-judge-token-${String(i + 1).padStart(2, '0')}`,
}));

const SCHEME = `popularity_award = "最佳人气奖"

[contest]
id = "layout"
name = "省直机关“椰树杯”党建创新引领工作创优大赛"
subtitle = "决赛"

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
${ROUNDS.map(([id, name]) => `\n[[rounds]]\nid = "${id}"\nname = "${name}"\n`).join('')}
[[awards]]
id = "first"
name = "一等奖"
count = 3

[[awards]]
id = "second"
name = "二等奖"
count = 6

[[awards]]
id = "third"
name = "三等奖"
count = 12
`;

const csv = (rows) => rows.map((row) => row.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',')).join('\n');
const roundName = (id) => ROUNDS.find(([r]) => r === id)[1];

let server;
let browser;
let host;
let pages = [];
let overlays = [];  // the overlay page (lower thirds for a video mixer) at 16:9 and on the wall
const errors = [];
const phones = [];
const judgeClients = [];

// Distinct totals, so that ranks differ and the awards follow them.
function marksFor(entryIndex, judgeIndex) {
  return {
    theme: 14 + ((entryIndex * 7 + judgeIndex * 3) % 16),
    art: 18 + ((entryIndex * 11 + judgeIndex * 5) % 22) + 0.25 * (entryIndex % 4),
    live: 10 + ((entryIndex * 13 + judgeIndex) % 20) + 0.5 * (judgeIndex % 2),
  };
}

// How many judges score an entry: the first three of the 40-entry round have panels of 15,
// 9 and 3 (the reveal's judges' row); every other entry three (enough for a ranking).
function panelFor(round, index) {
  if (round === 'r40' && index < 3) return [15, 9, 3][index];
  return 3;
}

async function cmd(action, fields) {
  return host.request({ type: 'cmd', action, ...fields });
}

const orderOf = (state, round) => state.rounds.find((r) => r.id === round).order.map((o) => o.entry ?? o);

// One entry through the host socket: on stage, scored by its panel, locked, revealed.
// `onStage`: called while it is on stage.
async function play(round, entry, index, onStage = async () => {}) {
  await cmd('start_entry', { round, entry });
  await onStage();
  const base = entries.findIndex((e) => e.id === entry);
  await Promise.all(judgeClients.slice(0, panelFor(round, index))
    .map((judge, j) => judge.request({ type: 'score', round, entry, marks: marksFor(base, j) })));
  await cmd('lock_scores', { round, entry, override_reason: 'a panel of fewer judges in this test' });
  await cmd('reveal', { round, entry });
}

before(async () => {
  server = await startServer();
  const form = new FormData();
  form.append('scheme', new Blob([SCHEME]), 'scheme.toml');
  form.append('entries', new Blob([csv([['编号', '标题', '单位', '形式', '轮次'],
    ...entries.map((e, i) => [e.id, e.title, e.unit, ['情景剧', '歌舞', '快板', '演讲'][i % 4], e.round])])]), 'entries.csv');
  form.append('judges', new Blob([csv([['姓名', '单位', '职务', '令牌'], ...judges.map((j) => [j.name, j.unit, '教授', j.token])])]), 'judges.csv');
  const res = await fetch(`${server.url}/api/import`, { method: 'POST', headers: { Authorization: `Bearer ${HOST_KEY}` }, body: form });
  const imported = await res.json();
  assert.equal(res.status, 200, JSON.stringify(imported.problems));
  assert.equal(imported.entries, entries.length);

  host = await connectClient(server.wsUrl, hostHello);
  for (const judge of judges) judgeClients.push(await connectClient(server.wsUrl, { role: 'judge', token: judge.token }));
  for (let i = 0; i < 30; i++) phones.push(await connectClient(server.wsUrl, { role: 'audience' }));
  // The show is played before the screens open (they would only animate every step on a busy
  // machine), all but the three entries whose stage and reveal scenes are checked below.
  for (const [round] of ROUNDS) {
    for (const [index, entry] of orderOf(host.state(), round).entries()) {
      if (round === 'r40' && index < 3) continue;
      await play(round, entry, index);
    }
  }

  browser = await launchBrowser();
  const url = await displayUrl(server);
  pages = await Promise.all(SIZES.map(async ([width, height]) => {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`${width}x${height}: ${msg.text()}`); });
    page.on('pageerror', (err) => errors.push(`${width}x${height}: ${err}`));
    await page.goto(url);
    await page.waitForSelector('#stage .scene.shown', { timeout: LONG });
    return { page, width, height, name: `${width}x${height}` };
  }));
  overlays = await Promise.all([[1920, 1080], [3840, 1080]].map(async ([width, height]) => {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (err) => errors.push(`overlay ${width}x${height}: ${err}`));
    await page.goto(await displayUrl(server, '?overlay=1'));
    await page.waitForSelector('#stage .scene.shown', { timeout: LONG });
    return { page, width, height, name: `overlay-${width}x${height}`, overlay: true };
  }));
});

after(async () => {
  for (const client of [host, ...judgeClients, ...phones]) client?.close();
  await browser?.close();
  await server?.close();
});

// The geometry the scenes compute, for every round size from 1 to 40 on the three stages the
// display lays out (1920 wide, 1920 beside the join corner, the wall's 3840): every entry has a
// place, and rows and columns stay at sizes a hall can read.
test('every round size from 1 to 40 gets a place for every entry on every stage', () => {
  const stages = [['1920', 1728], ['1920 with the join corner', 1492], ['3840', 3648]];
  for (let n = 1; n <= 40; n++) {
    for (const [name, width] of stages) {
      const at = `${n} entries on the ${name} stage`;
      const poll = pollGrid(n, width === 1492 ? 1920 : width + 192);
      assert.ok(poll.cols * poll.rows >= n, `poll: ${at}`);
      assert.ok(poll.rowHeight >= 40 && (poll.cols === 1 || poll.colWidth >= 400), `poll rows of ${poll.rowHeight} px, columns of ${poll.colWidth}: ${at}`);
      const order = gridFor(n, { x: 96, y: 268, width, height: 740 });
      assert.ok(order.cols * order.rows >= n && order.height >= 48 && order.width >= 300, `order ${JSON.stringify(order)}: ${at}`);
      const board = boardGeometry(n, { x: 96, y: 300, width, height: 690 });
      assert.equal(Math.min(board.limit, n), n, `leaderboard: ${at}`);
      assert.ok(board.rowHeight >= 48 && board.width >= 440, `leaderboard ${JSON.stringify(board)}: ${at}`);
    }
  }
});

// Shows `scene` on every screen at once, without its entrance animation (the display's own
// instant re-render, as after a language change), and waits until it has settled.
async function settle(page, scene) {
  await page.waitForSelector(`#stage[data-scene="${scene}"] .scene-${scene}.shown`, { timeout: LONG });
  await page.evaluate(() => window.stagevoteDisplay.router.refresh());
  await page.waitForFunction(() => {
    const el = document.querySelector('#stage .scene.shown');
    if (!el || document.querySelectorAll('#stage .scene').length !== 1) return false;
    // Rows and cards placed by timers start at opacity 0; finite transitions run out.
    const waiting = el.querySelectorAll('.board-row[style*="opacity: 0"], .order-card[style*="opacity: 0"]');
    const running = document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getTiming().iterations !== Infinity
      && !a.effect?.target?.classList?.contains('poll-clock-fill'));
    return waiting.length === 0 && running.length === 0;
  }, null, { timeout: LONG, polling: 100 });
}

// Reads the scene from the DOM and returns what is wrong, in words (empty: it fits).
function inspect(page, { corner = false } = {}) {
  return page.evaluate(({ corner }) => {
    const stage = document.getElementById('stage');
    const scene = stage.querySelector('.scene.shown');
    const problems = [];
    const TOL = 2;
    const name = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${el.textContent.trim().slice(0, 24)}"`;
    // Down, a glyph's box may stand a little above and below a line of line-height 1
    // without drawing there: `v` allows a fifth of the font size.
    const inside = (r, box, v = TOL) => r.left >= box.left - TOL && r.top >= box.top - v && r.right <= box.right + TOL && r.bottom <= box.bottom + v;
    const meet = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > TOL && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > TOL;
    const clips = (el) => { const s = getComputedStyle(el); return s.overflowX !== 'visible' || s.overflowY !== 'visible'; };
    const view = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
    const stageBox = stage.getBoundingClientRect();
    let cornerBox = null;
    if (corner) {
      // The join corner's box: the real one if the page shows it, else a stand-in of its size.
      let el = stage.querySelector('.join-corner:not(.layout-stand-in)');
      if (!el) {
        el = stage.querySelector('.layout-stand-in') || document.createElement('div');
        el.className = 'join-corner layout-stand-in';
        Object.assign(el.style, { position: 'absolute', right: '48px', bottom: '60px', width: '260px', height: '300px', zIndex: 5, outline: '3px dashed #e9c978', background: 'rgba(233, 201, 120, 0.15)' });
        stage.append(el);
      }
      cornerBox = el.getBoundingClientRect();
    }
    const texts = [];
    for (const el of scene.querySelectorAll('*')) {
      if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim())) continue;
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const range = document.createRange();
      range.selectNodeContents(el);
      const text = range.getBoundingClientRect();
      const own = el.getBoundingClientRect();
      // Across, the text's own extent (a title wider than its box shows); down, its line
      // boxes (a glyph's box is taller than a line of line-height 1, but draws nothing there).
      // Text an element clips itself (an ellipsis, a line clamp) is as wide as the element.
      const self = clips(el);
      const box = {
        left: self ? Math.max(text.left, own.left) : text.left,
        right: self ? Math.min(text.right, own.right) : text.right,
        top: Math.max(text.top, own.top),
        bottom: Math.min(text.bottom, own.bottom),
      };
      const v = Math.max(TOL, parseFloat(getComputedStyle(el).fontSize) * 0.2 * (own.height / el.offsetHeight || 1));
      // More lines than the box holds, spilling below it unclipped: half a line or more (a
      // large figure's glyphs stand out of a line of line-height 1 by less).
      const style = getComputedStyle(el);
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
      if (!self && style.display !== 'inline' && el.scrollHeight - el.clientHeight > line / 2) problems.push(`${name(el)} spills out of its box`);
      if (box.right - box.left < 1 || box.bottom - box.top < 1) continue;
      if (!inside(box, view, v)) problems.push(`${name(el)} lies outside the screen`);
      else if (!inside(box, stageBox, v)) problems.push(`${name(el)} lies outside the stage`);
      for (let up = el.parentElement; up && up !== stage; up = up.parentElement) {
        if (clips(up) && !inside(box, up.getBoundingClientRect(), v)) { problems.push(`${name(el)} is cut by ${name(up)}`); break; }
      }
      if (cornerBox && meet(box, cornerBox)) problems.push(`${name(el)} runs under the join corner`);
      texts.push({ el, box });
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i];
        const b = texts[j];
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        if (meet(a.box, b.box)) problems.push(`${name(a.el)} overlaps ${name(b.el)}`);
      }
    }
    return { problems, texts: texts.length };
  }, { corner });
}

function setCorner(page, on) {
  return page.evaluate((on) => {
    const stage = document.getElementById('stage');
    stage.classList.toggle('with-join-corner', on);
    if (!on) stage.querySelector('.layout-stand-in')?.remove();
  }, on);
}

// Checks the scene now showing on every screen, bare and with the join corner; `shot`: the
// screenshots' name (taken only for the 24- and 40-entry rounds).
async function checkScene(found, scene, label, n, screens = pages, { corner = true } = {}) {
  for (const screen of screens) {
    const { page } = screen;
    await settle(page, scene);
    const bare = await inspect(page);
    assert.ok(bare.texts > 0, `${label} at ${screen.name}: no text on the screen`);
    found.push(...bare.problems.map((p) => `${label} at ${screen.name}: ${p}`));
    if (n >= 24) await screenshot(page, `layout-${label}-${screen.name}`);
    if (screen.overlay || !corner) continue;  // the join corner is the venue screen's, not on standby
    await setCorner(page, true);
    await settle(page, scene);
    const cornered = await inspect(page, { corner: true });
    found.push(...cornered.problems.map((p) => `${label} with the join corner at ${screen.name}: ${p}`));
    if (n >= 40 || (n >= 24 && screen.width === 1920)) await screenshot(page, `layout-${label}-corner-${screen.name}`);
    await setCorner(page, false);
  }
}


test('standby, the entry on stage, and reveals to panels of 15, 9 and 3 judges, fit every screen', async () => {
  const found = [];
  // Standby, with its large QR code (no join corner beside it).
  await cmd('show', { scene: 'standby' });
  await checkScene(found, 'standby', 'standby', 40, [...pages, ...overlays], { corner: false });
  const order = orderOf(host.state(), 'r40');
  for (const index of [0, 1, 2]) {
    const entry = order[index];
    await play('r40', entry, index, async () => {
      if (index === 0) await checkScene(found, 'stage', 'stage', 40, [...pages, ...overlays]);
    });
    await host.untilState((s) => s.scene?.name === 'reveal' && s.reveal?.entry === entry, LONG);
    await checkScene(found, 'reveal', `reveal-${panelFor('r40', index)}-judges`, 40, [...pages, ...overlays]);
  }
  assert.deepEqual(found, []);
});

for (const [round, , n] of ROUNDS) {
  test(`a round of ${n} entries: order, poll, leaderboard and awards fit every screen`, async () => {
    const found = [];  // every problem of the round, said at the end
    await cmd('show', { scene: 'order', round });
    await host.untilState((s) => s.scene?.name === 'order' && s.scene.params?.round === round, LONG);
    await checkScene(found, 'order', `order-${n}`, n);

    const order = orderOf(host.state(), round);
    assert.equal(order.length, n);

    // The audience's poll over the whole round: every entry on the screen.
    const { poll } = await cmd('open_poll', { round, entries: order, duration_ms: 0 });
    for (const [i, phone] of phones.entries()) {
      await phone.request({ type: 'vote', poll, choice: order[(i * 7) % Math.min(n, 17)] });
    }
    for (const { page } of pages) await page.waitForFunction((t) => document.querySelector('.poll-total-value')?.textContent === String(t), phones.length, { timeout: LONG });
    try {
      await checkScene(found, 'poll', `poll-${n}`, n);
      for (const { page } of pages) assert.equal(await page.locator('.scene-poll .poll-row').count(), n, 'the poll shows every entry');
    } finally {
      await cmd('close_poll', { poll });
    }

    await cmd('show', { scene: 'leaderboard', round });
    await host.untilState((s) => s.scene?.name === 'leaderboard' && s.leaderboard?.round === round && s.leaderboard.entries.length === n, LONG);
    await checkScene(found, 'leaderboard', `leaderboard-${n}`, n);
    for (const { page } of pages) {
      assert.equal(await page.locator('.scene-leaderboard .board-row').count(), n, 'the leaderboard ranks the whole round');
    }

    const tier = n >= 24 ? 'third' : n > 6 ? 'second' : 'first';
    await cmd('show', { scene: 'awards', round, tier });
    await host.untilState((s) => s.scene?.name === 'awards' && s.awards?.round === round, LONG);
    await checkScene(found, 'awards', `awards-${n}`, n);
    assert.deepEqual(found, []);
  });
}

test('no errors on the screens', () => {
  assert.deepEqual(errors, []);
});
