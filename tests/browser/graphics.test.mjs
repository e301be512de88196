// The broadcast graphics (docs/graphics.md) against a real server: each HTML template driven
// the way CasparCG and SPX drive it (update/play/next/stop as page globals, update with a JSON
// string or CasparCG's XML), and each OGraf component loaded the way a renderer on another
// origin loads it (the manifest fetched, its module imported, the element made and its
// actions called). What they show is checked against the live state the host makes over its
// WebSocket; the pages stay transparent around the graphic, and empty off air.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PNG } from 'pngjs';
import {
  artifactsDir, connectClient, hostHello, launchBrowser, signInHost, startServer, watchConsole,
} from './harness.mjs';

const LONG = 30000;
const SPX_FILE = path.join(import.meta.dirname, '..', '..', 'display', 'graphics', 'spx', 'lower-third.html');
const RENDERER_PAGE = '<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;background:transparent}'
  + '#layer{position:absolute;inset:0}</style></head><body><div id="layer"></div></body></html>';

let server;
let other;     // another origin on this machine: an OGraf renderer's page, SPX serving its template
let otherUrl;
let browser;
let contest;
let key;
let hostWs;
const entryById = (id) => contest.entries.find((e) => e.id === id);

// Every finite transition and animation over, so that a check or a screenshot sees the
// settled picture however slow the machine is.
async function settled(page) {
  await page.waitForFunction(() => document.getAnimations({ subtree: true }).every((a) => a.playState !== 'running'),
    null, { timeout: LONG, polling: 100 });
}

// A screenshot without the page's background: what a keyer or a browser source composites.
async function shoot(page, name) {
  await settled(page);
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, omitBackground: true });
  return PNG.sync.read(readFileSync(file));
}

function alphaAt(png, x, y) {
  return png.data[(png.width * y + x) * 4 + 3];
}

function transparentShare(png) {
  let clear = 0;
  for (let i = 3; i < png.data.length; i += 4) if (png.data[i] === 0) clear += 1;
  return clear / (png.width * png.height);
}

async function openTemplate(name, query = '') {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors = watchConsole(page);
  await page.goto(`${server.url}/graphics/${name}.html${query}#k=${encodeURIComponent(key)}`);
  await page.waitForFunction(() => window.stagevoteGraphic?.status === 'live', null, { timeout: LONG });
  return { page, errors };
}

const shown = (page) => page.waitForSelector('.sv-graphic[data-shown="true"]', { timeout: LONG });
const hidden = (page) => page.waitForSelector('.sv-graphic[data-shown="false"]', { state: 'attached', timeout: LONG });
const text = (page, selector) => page.locator(selector).first().innerText();

// Every judge scores (a judge of the entry's unit is recused), each total one below the
// last judge's, so that with five or more the highest and the lowest are dropped.
async function scoreAll(round, entry, innovation) {
  for (const [i, judge] of contest.judges.entries()) {
    const client = await connectClient(server.wsUrl, { role: 'judge', token: judge.token });
    const marks = { theme: 30 - i, innovation, art: 20, live: 10 };
    try {
      await client.request({ type: 'score', round, entry, marks });
    } catch (err) {
      assert.equal(err.code, 'recused');
    }
    client.close();
  }
}

async function results(round) {
  return (await server.api(`/api/rounds/${round}/results`)).entries;
}

before(async () => {
  other = http.createServer((req, res) => {
    // SPX serves the templates folder as it is: the template and the bridge beside it.
    const spxFile = req.url.startsWith('/templates/stagevote/')
      ? path.join(path.dirname(SPX_FILE), path.basename(req.url)) : null;
    const body = spxFile ? readFileSync(spxFile, 'utf8') : RENDERER_PAGE;
    const type = spxFile?.endsWith('.js') ? 'text/javascript' : 'text/html';
    res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8` });
    res.end(body);
  });
  await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://127.0.0.1:${other.address().port}`;
  // The renderer's page opens /ws from its own origin: allowed by name, as a crew would.
  server = await startServer({ args: ['--allow-origin', otherUrl] });
  contest = await server.api('/api/contest');
  key = contest.display_key;
  browser = await launchBrowser();
  hostWs = await connectClient(server.wsUrl, hostHello);
});

after(async () => {
  hostWs?.close();
  await browser?.close();
  await server?.close();
  other?.close();
});

test('the lower third: nothing until play(), then the entry on stage, live; update() overrides; stop() clears', async () => {
  const { page, errors } = await openTemplate('lower-third');
  const round = contest.rounds[0];
  const [first, second] = round.entries;
  await hostWs.request({ type: 'cmd', action: 'start_entry', round: round.id, entry: first });
  await page.waitForFunction((e) => window.stagevoteGraphic.state?.stage?.entry === e, first, { timeout: LONG });

  // Loaded and live, but not played: the page is all transparent, and so is its background.
  const idle = await shoot(page, 'graphics-lower-third-idle');
  assert.equal(transparentShare(idle), 1);
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgba(0, 0, 0, 0)');
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), 'rgba(0, 0, 0, 0)');

  await page.evaluate(() => window.play());
  await shown(page);
  assert.equal(await text(page, '.sv-lt-title'), `《${entryById(first).title}》`);
  assert.equal(await text(page, '.sv-lt-tab'), '01');
  assert.equal(await text(page, '.sv-lt-kicker'), '第 1 个节目');
  assert.match(await text(page, '.sv-lt-detail'), new RegExp(entryById(first).unit));
  const onAir = await shoot(page, 'graphics-lower-third');
  assert.equal(alphaAt(onAir, 40, 40), 0, 'the top left stays transparent');
  assert.equal(alphaAt(onAir, 1880, 500), 0, 'the right side stays transparent');
  assert.ok(alphaAt(onAir, 600, 1080 - 120 - 40) > 200, 'the bar is opaque');
  assert.ok(transparentShare(onAir) > 0.7);

  // The next entry goes on stage: the graphic on air follows.
  await hostWs.request({ type: 'cmd', action: 'start_entry', round: round.id, entry: second });
  await page.waitForFunction((t) => document.querySelector('.sv-lt-title')?.textContent === t, `《${entryById(second).title}》`, { timeout: LONG });
  assert.equal(await text(page, '.sv-lt-tab'), '02');

  // CasparCG's templateData: a JSON string, or its XML; SPX's fields: a JSON string.
  await page.evaluate(() => window.update('{"title":"特别节目","detail":"全体演员"}'));
  assert.equal(await text(page, '.sv-lt-title'), '特别节目');
  assert.equal(await text(page, '.sv-lt-detail'), '全体演员');
  await page.evaluate(() => window.update('<templateData><componentData id="kicker"><data id="text" value="压轴"/></componentData></templateData>'));
  assert.equal(await text(page, '.sv-lt-kicker'), '压轴');
  await page.evaluate((e) => window.update({ title: '', detail: '', kicker: '', entry: e, lang: 'en' }), first);
  assert.equal(await text(page, '.sv-lt-title'), `《${entryById(first).title}》`);
  assert.equal(await text(page, '.sv-lt-kicker'), 'Performance 1');
  await shoot(page, 'graphics-lower-third-en');

  await page.evaluate(() => window.stop());
  await hidden(page);
  await page.waitForFunction(() => document.querySelector('.sv-graphic').childElementCount === 0, null, { timeout: LONG });
  assert.equal(transparentShare(await shoot(page, 'graphics-lower-third-stopped')), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the score reveal: next() tells the judges\' totals, the dropped ones, then the final, as the server has them', async () => {
  const round = contest.rounds[0].id;
  const entry = contest.rounds[0].entries[1];  // on stage since the last test
  await scoreAll(round, entry, 28);
  await hostWs.request({ type: 'cmd', action: 'lock_scores', round, entry });
  await hostWs.request({ type: 'cmd', action: 'reveal', round, entry });
  const result = (await results(round)).find((r) => r.entry === entry);
  const dropped = result.judge_scores.filter((s) => s.dropped).sort((a, b) => b.total - a.total);
  assert.ok(dropped.length >= 2, 'five or more judges scored: the highest and lowest are dropped');

  const { page, errors } = await openTemplate('score-reveal');
  await page.waitForFunction((e) => window.stagevoteGraphic.revealEntry === e, entry, { timeout: LONG });
  await page.evaluate(() => window.play());
  await shown(page);
  await page.waitForSelector('.sv-graphic[data-step="0"]');
  assert.equal(await text(page, '.sv-reveal-title'), `《${entryById(entry).title}》`);
  const cards = await page.locator('.sv-judge').evaluateAll((nodes) => nodes.map((n) => ({
    judge: n.dataset.judge, total: n.querySelector('.sv-judge-total').textContent, dropped: n.dataset.dropped === 'true',
  })));
  assert.deepEqual(cards, result.judge_scores.map((s) => ({ judge: s.judge, total: s.total.toFixed(2), dropped: s.dropped })));
  const opacity = (selector) => page.locator(selector).first().evaluate((n) => Number(getComputedStyle(n).opacity));
  await settled(page);
  assert.equal(await opacity('.sv-figure-judges'), 0, 'step 1: no figures yet');
  assert.equal(await opacity('.sv-judge.sv-dropped .sv-judge-tag'), 0);
  await shoot(page, 'graphics-reveal-1-judges');

  assert.equal(await page.evaluate(() => window.next()), 1);
  await page.waitForSelector('.sv-graphic[data-step="1"]');
  await settled(page);
  assert.equal(await opacity('.sv-figure-judges'), 1);
  assert.equal(await opacity('.sv-final'), 0);
  assert.equal(await text(page, '.sv-figure-judges .sv-figure-value'), result.published.judge_component);
  const tags = await page.locator('.sv-judge.sv-dropped .sv-judge-tag').allInnerTexts();
  assert.deepEqual(tags.sort(), dropped.map((s, i) => (i < dropped.length / 2 ? '去掉最高分' : '去掉最低分')).sort());
  await shoot(page, 'graphics-reveal-2-dropped');

  assert.equal(await page.evaluate(() => window.next()), 2);
  await page.waitForSelector('.sv-graphic[data-step="2"]');
  await settled(page);
  assert.equal(await opacity('.sv-final'), 1);
  assert.equal(await text(page, '.sv-final-value'), result.published.final);
  assert.equal(await text(page, '.sv-figure-audience .sv-figure-value'), result.published.audience_component);
  assert.match(await text(page, '.sv-final-note'), new RegExp(`暂列第 ${result.rank} 名`));
  const final = await shoot(page, 'graphics-reveal-3-final');
  assert.equal(alphaAt(final, 40, 40), 0);
  assert.equal(alphaAt(final, 960, 200), 0, "the upper half stays transparent");
  assert.equal(await page.evaluate(() => window.next()), 2, 'past the last step it stays on the final');

  await page.evaluate(() => window.stop());
  await hidden(page);
  await page.waitForFunction(() => document.querySelector('.sv-graphic').childElementCount === 0, null, { timeout: LONG });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the leaderboard: the revealed entries in the server\'s order, a page at a time', async () => {
  const round = contest.rounds[0].id;
  const [first] = contest.rounds[0].entries;
  await hostWs.request({ type: 'cmd', action: 'start_entry', round, entry: first });
  await scoreAll(round, first, 24);
  await hostWs.request({ type: 'cmd', action: 'lock_scores', round, entry: first });
  await hostWs.request({ type: 'cmd', action: 'reveal', round, entry: first });
  await hostWs.request({ type: 'cmd', action: 'show', scene: 'leaderboard' });
  const board = (await hostWs.untilState((s) => s.leaderboard?.entries?.length === 2, LONG)).leaderboard;

  const { page, errors } = await openTemplate('leaderboard', '?lang=en');
  await page.evaluate(() => window.play());
  await shown(page);
  await page.waitForFunction(() => document.querySelectorAll('.sv-row').length === 2, null, { timeout: LONG });
  const rows = await page.locator('.sv-row').evaluateAll((nodes) => nodes.map((n) => ({
    entry: n.dataset.entry, rank: n.querySelector('.sv-row-rank').textContent, final: n.querySelector('.sv-row-final').textContent,
  })));
  assert.deepEqual(rows, board.entries.map((r) => ({ entry: r.entry, rank: String(r.rank), final: r.published.final })));
  assert.equal(await text(page, '.sv-board-title'), 'Leaderboard');
  assert.equal(await text(page, '.sv-row-title'), `《${entryById(board.entries[0].entry).title}》`);
  const png = await shoot(page, 'graphics-leaderboard');
  assert.equal(alphaAt(png, 40, 40), 0);
  assert.equal(alphaAt(png, 1880, 1040), 0);

  // One row a page: next() turns to the second.
  await page.evaluate(() => window.update(JSON.stringify({ limit: 1 })));
  await page.waitForFunction(() => document.querySelectorAll('.sv-row').length === 1, null, { timeout: LONG });
  assert.equal(await page.locator('.sv-row').getAttribute('data-entry'), board.entries[0].entry);
  await page.evaluate(() => window.next());
  await page.waitForFunction((e) => document.querySelector('.sv-row')?.dataset.entry === e, board.entries[1].entry, { timeout: LONG });
  assert.match(await text(page, '.sv-board-round'), /page 2 of 2/);

  await page.evaluate(() => window.stop());
  await hidden(page);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a wrong key paints nothing on air and says so only in its status', async () => {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(`${server.url}/graphics/lower-third.html#k=not-the-display-key`);
  await page.waitForFunction(() => window.stagevoteGraphic?.status === 'unauthorized', null, { timeout: LONG });
  await page.evaluate(() => window.play());
  assert.equal(transparentShare(await shoot(page, 'graphics-wrong-key')), 1);
  assert.equal(await page.locator('.sv-stage').getAttribute('data-status'), 'unauthorized');
  // The right key given by update(): live, and on air at once (play() was called).
  await page.evaluate((k) => window.update({ key: k }), key);
  await shown(page);
  assert.equal(await page.locator('.sv-lt-title').count(), 1);
  await page.close();
});

test('?play=1 (a browser source nobody drives): a newly revealed result steps through to the final by itself', async () => {
  const { page, errors } = await openTemplate('score-reveal', '?play=1');
  const round = contest.rounds[0].id;
  const entry = contest.rounds[0].entries[2];
  await hostWs.request({ type: 'cmd', action: 'start_entry', round, entry });
  await scoreAll(round, entry, 26);
  await hostWs.request({ type: 'cmd', action: 'lock_scores', round, entry });
  await hostWs.request({ type: 'cmd', action: 'reveal', round, entry });
  const result = (await results(round)).find((r) => r.entry === entry);
  await shown(page);
  await page.waitForSelector(`.sv-reveal[data-entry="${entry}"]`, { timeout: LONG });
  await page.waitForSelector('.sv-graphic[data-step="2"]', { timeout: LONG });
  assert.equal(await text(page, '.sv-final-value'), result.published.final);
  assert.deepEqual(errors, []);
  await page.close();
});

test('fifteen judges fit the score reveal: every card and figure inside the panel', async () => {
  const { page, errors } = await openTemplate('score-reveal');
  // The live feed's catalogue and a result with fifteen judges (the demo has nine), with a
  // version no later state of the server's overtakes.
  const fits = await page.evaluate(() => {
    const g = window.stagevoteGraphic;
    const judges = Array.from({ length: 15 }, (_, i) => ({ id: `x${i}`, name: ['欧阳晓明', '司马文静', '王芳'][i % 3] }));
    g.catalogue = new g.catalogue.constructor({ ...g.catalogue.contest, judges });
    const scores = judges.map((j, i) => ({ judge: j.id, total: 100 - i * 1.25, dropped: i === 0 || i === 14 }));
    g.receive({ version: 1e9, reveal: { entry: 'e01', round: 'prelim', judge_scores: scores, judge_component: 91,
      published: { judge_component: '91.00', audience_component: '100.00', final: '100.00' }, rank: 1, votes: 1893 } });
    g.play();
    g.next();
    g.next();
    return true;
  });
  assert.ok(fits);
  await page.waitForSelector('.sv-graphic[data-step="2"]', { timeout: LONG });
  await settled(page);
  const overflow = await page.evaluate(() => {
    const panel = document.querySelector('.sv-reveal').getBoundingClientRect();
    const bad = [];
    for (const node of document.querySelectorAll('.sv-judge, .sv-judge > *, .sv-figure, .sv-reveal-head')) {
      const r = node.getBoundingClientRect();
      if (r.left < panel.left - 0.5 || r.right > panel.right + 0.5 || r.top < panel.top - 0.5 || r.bottom > panel.bottom + 0.5) bad.push(node.className);
      if (node.scrollWidth > node.clientWidth + 1) bad.push(`${node.className} (text cut)`);
    }
    const widths = new Set([...document.querySelectorAll('.sv-judge')].map((n) => Math.round(n.getBoundingClientRect().width)));
    return { bad, cards: document.querySelectorAll('.sv-judge').length, widths: widths.size };
  });
  assert.equal(overflow.cards, 15);
  assert.equal(overflow.widths, 1, 'every card as wide as the others');
  assert.deepEqual(overflow.bad, []);
  await shoot(page, 'graphics-reveal-15-judges');
  assert.deepEqual(errors, []);
  await page.close();
});

// SPX serves a template from its own folder and calls its functions; the stagevote SPX
// template (display/graphics/spx/) frames the graphic from the server and passes them on.
test('the SPX template: its definition has the fields, and SPX\'s calls drive the framed graphic', async () => {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors = watchConsole(page);
  await page.goto(`${otherUrl}/templates/stagevote/lower-third.html`);
  const definition = await page.evaluate(() => window.SPXGCTemplateDefinition);
  assert.equal(definition.steps, '1');
  assert.equal(definition.dataformat, 'json');
  assert.deepEqual(definition.DataFields.map((f) => f.field), ['link', 'lang', 'entry', 'kicker', 'title', 'detail']);

  // As SPX does: update() with the fields as a JSON string, then play().
  const stage = await hostWs.untilState((s) => s.stage, LONG);
  const link = `${server.url}/graphics/lower-third.html#k=${encodeURIComponent(key)}`;
  await page.evaluate((fields) => { window.update(JSON.stringify(fields)); window.play(); }, { link, lang: 'zh', entry: '', title: '' });
  const frame = page.frameLocator('#stagevote-graphic');
  await frame.locator('.sv-graphic[data-shown="true"]').waitFor({ timeout: LONG });
  assert.equal(await frame.locator('.sv-lt-title').innerText(), `《${entryById(stage.stage.entry).title}》`);
  const png = await shoot(page, 'graphics-spx-lower-third');
  assert.equal(alphaAt(png, 40, 40), 0);
  assert.ok(alphaAt(png, 600, 1080 - 120 - 40) > 200);
  await page.evaluate(() => window.update('{"title":"SPX"}'));
  await frame.locator('.sv-lt-title', { hasText: 'SPX' }).waitFor({ timeout: LONG });
  await page.evaluate(() => window.stop());
  await frame.locator('.sv-graphic[data-shown="false"]').waitFor({ state: 'attached', timeout: LONG });
  assert.deepEqual(errors, []);
  await page.close();
});

// An OGraf renderer's page on another origin: the manifest is fetched and the module imported
// from the stagevote server (CORS), the element made and driven by its GraphicsAPI actions.
async function openRenderer() {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors = watchConsole(page);
  await page.goto(`${otherUrl}/renderer.html`);
  return { page, errors };
}

// Loads a graphic as a renderer does; returns its manifest.
async function loadOgraf(page, name, data) {
  return page.evaluate(async ({ manifestUrl, tag, data }) => {
    const manifest = await (await fetch(manifestUrl)).json();
    const module = await import(new URL(manifest.main, manifestUrl).href);
    customElements.define(tag, module.default);
    const el = document.createElement(tag);
    document.getElementById('layer').append(el);
    window.graphic = el;
    const loaded = await el.load({ data, renderType: 'realtime', renderCharacteristics: { resolution: { width: 1920, height: 1080 } } });
    return { manifest, loaded };
  }, { manifestUrl: `${server.url}/graphics/${name}.ograf.json`, tag: `sv-${name}`, data });
}

const act = (page, action, params = {}) => page.evaluate(({ action, params }) => window.graphic[action](params), { action, params });
const shadowText = (page, selector) => page.evaluate((s) => window.graphic.shadowRoot.querySelector(s)?.textContent ?? null, selector);
const waitShadow = (page, fn, arg) => page.waitForFunction(fn, arg, { timeout: LONG });

test('the OGraf lower third: a renderer on another origin loads it and drives it by its actions', async () => {
  const { page, errors } = await openRenderer();
  const { manifest, loaded } = await loadOgraf(page, 'lower-third', { key });
  assert.equal(manifest.$schema, 'https://ograf.ebu.io/v1/specification/json-schemas/graphics/schema.json');
  assert.equal(manifest.supportsRealTime, true);
  assert.equal(manifest.stepCount, 1);
  assert.ok(manifest.schema.properties.key);
  assert.equal(loaded.statusCode, 200);
  await waitShadow(page, () => window.graphic.shadowRoot.querySelector('.sv-stage')?.dataset.status === 'live');
  assert.equal(transparentShare(await shoot(page, 'graphics-ograf-loaded')), 1, 'nothing painted before playAction');

  const stage = await hostWs.untilState((s) => s.stage, LONG);
  const played = await act(page, 'playAction', {});
  assert.deepEqual(played, { statusCode: 200, currentStep: 0 });
  await waitShadow(page, () => window.graphic.shadowRoot.querySelector('.sv-graphic')?.dataset.shown === 'true');
  assert.equal(await shadowText(page, '.sv-lt-title'), `《${entryById(stage.stage.entry).title}》`);
  const png = await shoot(page, 'graphics-ograf-lower-third');
  assert.equal(alphaAt(png, 40, 40), 0);
  assert.ok(alphaAt(png, 600, 1080 - 120 - 40) > 200);

  assert.deepEqual(await act(page, 'updateAction', { data: { title: 'OGraf', lang: 'en' } }), { statusCode: 200 });
  await waitShadow(page, () => window.graphic.shadowRoot.querySelector('.sv-lt-title')?.textContent === 'OGraf');
  assert.equal((await act(page, 'customAction', { id: 'nothing', payload: null })).statusCode, 404);
  // One step: playing on goes to the end (off air), as OGraf says.
  assert.deepEqual(await act(page, 'playAction', {}), { statusCode: 200, currentStep: undefined });
  await waitShadow(page, () => window.graphic.shadowRoot.querySelector('.sv-graphic')?.dataset.shown === 'false');
  await act(page, 'playAction', { goto: 0, skipAnimation: true });
  await waitShadow(page, () => window.graphic.shadowRoot.querySelector('.sv-graphic')?.dataset.shown === 'true');
  assert.deepEqual(await act(page, 'stopAction', {}), { statusCode: 200 });
  await waitShadow(page, () => window.graphic.shadowRoot.querySelector('.sv-graphic')?.childElementCount === 0);
  assert.deepEqual(await act(page, 'dispose', {}), { statusCode: 200 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the OGraf score reveal and leaderboard: steps by playAction, the same figures as the server', async () => {
  const round = contest.rounds[0].id;
  const all = await results(round);
  const { page, errors } = await openRenderer();
  const { manifest } = await loadOgraf(page, 'score-reveal', { key });
  assert.equal(manifest.stepCount, 3);
  // The entry last revealed, named by the crew here.
  const entry = contest.rounds[0].entries[1];
  const result = all.find((r) => r.entry === entry);
  await act(page, 'updateAction', { data: { entry } });
  await waitShadow(page, () => window.graphic.shadowRoot.querySelector('.sv-stage')?.dataset.status === 'live');
  for (const step of [0, 1, 2]) {
    assert.deepEqual(await act(page, 'playAction', {}), { statusCode: 200, currentStep: step });
  }
  await waitShadow(page, () => window.graphic.shadowRoot.querySelector('.sv-graphic')?.dataset.step === '2');
  assert.equal(await shadowText(page, '.sv-final-value'), result.published.final);
  assert.equal(await shadowText(page, '.sv-figure-judges .sv-figure-value'), result.published.judge_component);
  await shoot(page, 'graphics-ograf-score-reveal');
  assert.deepEqual(await act(page, 'playAction', { goto: 1 }), { statusCode: 200, currentStep: 1 });
  assert.deepEqual(await act(page, 'playAction', { delta: 2 }), { statusCode: 200, currentStep: undefined });
  await act(page, 'dispose', {});

  const board = await loadOgraf(page, 'leaderboard', { key, limit: 12 });
  assert.equal(board.manifest.stepCount, -1);
  await act(page, 'playAction', {});
  // Every scored entry of the round has been revealed by now, ranked among themselves.
  const ranked = all.filter((r) => r.judge_component !== null).sort((a, b) => a.rank - b.rank);
  await waitShadow(page, (n) => window.graphic.shadowRoot.querySelectorAll('.sv-row').length === n, ranked.length);
  const finals = await page.evaluate(() => [...window.graphic.shadowRoot.querySelectorAll('.sv-row-final')].map((n) => n.textContent));
  assert.deepEqual(finals, ranked.map((r) => r.published.final));
  await shoot(page, 'graphics-ograf-leaderboard');
  await act(page, 'stopAction', { skipAnimation: true });
  await waitShadow(page, () => window.graphic.shadowRoot.querySelector('.sv-graphic')?.childElementCount === 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the host console copies each graphic\'s link with the display key, beside the display link', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors = watchConsole(page);
  await signInHost(page, server);
  const { join_url: joinUrl } = await (await fetch(`${server.url}/api/info`)).json();
  const base = joinUrl.replace(/\/vote\/?$/, '');
  for (const name of ['lower-third', 'score-reveal', 'leaderboard']) {
    const button = page.locator(`#graphics-link-copy-${name}`);
    await page.waitForSelector(`#graphics-link-copy-${name}[data-link]:not([disabled])`, { timeout: LONG });
    assert.equal(await button.getAttribute('data-link'), `${base}/graphics/${name}.html#k=${encodeURIComponent(key)}`);
  }
  assert.equal(await page.locator('#graphics-link-copy-score-reveal').innerText(), '复制图形：成绩揭晓');
  await page.locator('#display-link-panel').scrollIntoViewIfNeeded();
  await settled(page);
  await page.locator('#display-link-panel').screenshot({ path: path.join(artifactsDir, 'graphics-host-links.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a graphic on air survives a server restart: offline, then live again, still showing the same', async () => {
  const { page, errors } = await openTemplate('lower-third');
  await page.evaluate(() => window.play());
  await shown(page);
  const title = await text(page, '.sv-lt-title');
  await server.restart();
  // Back by itself (the client reconnects with backoff), on air with what the file holds.
  await page.waitForFunction(() => window.stagevoteGraphic.status === 'live' && window.stagevoteGraphic.client.online, null, { timeout: LONG });
  await page.waitForSelector('.sv-graphic[data-shown="true"]', { timeout: LONG });
  assert.equal(await text(page, '.sv-lt-title'), title);
  // The page saw its socket drop and come back; nothing else went wrong.
  assert.deepEqual(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e)), []);
  await page.close();
});
