// One rounding rule (docs/data.md, "Published figures"): two entries whose unrounded finals
// differ only beyond `scoring.result_decimals` are published with the same final, ranked by the
// published judge component, and the phone (/vote), the venue display (/display) and the host
// console (/host) all show exactly the server's `published` strings, in the server's rank order.
//
// The show is driven by WebSocket clients (host, judges, audience phones) on the demo contest;
// the three pages only watch. The marks and votes are worked out from the scheme below.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixed } from '../../voter-web/lib/format.js';
import {
  connectClient, displayUrl, HOST_KEY, hostHello, launchBrowser, screenshot as capture, startServer, watchConsole,
} from './harness.mjs';

const LONG = 30000;  // software rendering on a busy machine: patient, not flaky
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

let server;
let browser;
let contest;
let round;        // the first round of the demo contest
let host;         // host WebSocket client: drives the show
const judges = [];  // one WebSocket client per judge, with its judge record
const phones = [];  // audience WebSocket clients that vote
let plan;         // the constructed marks and votes, and what they must give
let results;      // GET /api/rounds/<round>/results, once both entries are revealed
const pages = {};
const errors = {};
const previews = {};  // entry -> what the host console's preview showed while it was on stage

// ---- the construction ------------------------------------------------------------------------

// A judge total (in hundredths of a point, an integer) split over the criteria in proportion to
// their max, every mark with at most the scheme's decimals (hundredths here): 80.20 is
// theme 24.06, innovation 24.06, art 20.05, live 12.03.
function marksFor(totalHundredths, criteria) {
  const sumMax = criteria.reduce((s, c) => s + c.max, 0);
  const marks = {};
  let left = totalHundredths;
  criteria.forEach((c, i) => {
    const part = i === criteria.length - 1 ? left : Math.floor((totalHundredths * c.max) / sumMax);
    assert.ok(part >= 0 && part <= c.max * 100, `mark ${part / 100} for ${c.id} within 0..${c.max}`);
    marks[c.id] = part / 100;
    left -= part;
  });
  return marks;
}

// Entry A (first in the running order) and entry B (second), with the demo's numbers
// (weights 0.9/0.1, result_decimals 2, trim 1 from 5 judges, 9 judges of whom one is recused
// from B):
//   votes: A gets 2, B gets 1, so A's audience component is 100 and B's 50 (A has the round's
//   most votes);
//   A: every counted judge total 80.20 (plus one 85.20 and one 75.20 per `trim`, dropped), so
//   A's judge component is 80.20 and its final 0.9 × 80.20 + 0.1 × 100 = 82.18;
//   B: counted totals whose mean puts B's final within half a unit of the last published
//   decimal below A's: 0.9 × jcB + 0.1 × 50 in (82.18 − 0.005, 82.18), i.e. jcB in
//   (85.75, 85.7555…). Its 6 counted totals (8 judges, 2 dropped) have means on a grid of
//   0.01/6; the one chosen is on a half: 85.755 (three 85.75 and three 85.76), which
//   publishes as 85.76 — while the binary number nearest 85.755 lies below it, so a page
//   printing `toFixed(2)` of the number would show 85.75. B's final is 0.9 × 85.755 + 5 =
//   82.1795: lower than A's 82.18 by 0.0005, and published the same, 82.18.
// Equal published finals, so the published judge components decide: B's 85.76 is above A's
// 80.20, and B ranks first although its unrounded final is lower and it ran second.
// The numbers are derived from the scheme (weights, result_decimals, trim, who is recused), and
// checked here with the shared library's decimal rounding, `fixed` (what `published` must be).
function construct(scheme, entryA, entryB) {
  const { judge_weight: wj, audience_weight: wa, result_decimals: decimals = 2, trim, trim_min: trimMin } = scheme;
  assert.ok(scheme.decimals >= 2, 'marks in hundredths are allowed');
  const unit = 10 ** -decimals;
  const scorers = (entry) => judges.filter(({ judge }) => !(judge.unit && judge.unit === entry.unit));
  // Totals in hundredths per judge of the entry's panel: `trim` dropped highest (5 points above
  // the counted ones), `trim` dropped lowest (5 below), then the counted ones.
  const totals = (entry, counted) => {
    const panel = scorers(entry);
    assert.ok(panel.length >= trimMin, `${entry.id}: ${panel.length} judges score, at least trim_min ${trimMin}, so ${trim} highest and lowest are dropped`);
    assert.equal(counted.length, panel.length - 2 * trim);
    const highs = Array(trim).fill(Math.max(...counted) + 500);
    const lows = Array(trim).fill(Math.min(...counted) - 500);
    const all = [...highs, ...lows, ...counted];
    return new Map(panel.map(({ judge }, i) => [judge.id, all[i]]));
  };

  const votes = { a: 2, b: 1 };
  const acA = 100;
  const acB = (100 * votes.b) / votes.a;  // 50
  const jcA = 80.2;
  const finalA = wj * jcA + wa * acA;     // 82.18
  const countedA = scorers(entryA).length - 2 * trim;

  // B's m counted totals sum to S hundredths, so jcB = S / (100 m). Every S that keeps B's final
  // in (finalA − unit/2, finalA), away from both ends; the first whose mean is exactly on a half
  // of the last published decimal, else the first.
  const m = scorers(entryB).length - 2 * trim;
  const lowest = (finalA - unit / 2 - wa * acB) / wj;  // 85.75
  const highest = (finalA - wa * acB) / wj;            // 85.7555…
  const sums = [];
  for (let s = Math.floor(lowest * 100 * m); s <= Math.ceil(highest * 100 * m); s++) {
    const jc = s / (100 * m);
    if (jc > lowest + 1e-7 && jc < highest - 1e-7) sums.push(s);
  }
  const onHalf = (s) => (s * 10 ** (decimals + 1)) % (100 * m) === 0 && ((s * 10 ** (decimals + 1)) / (100 * m)) % 10 === 5;
  const sum = sums.find(onHalf) ?? sums[0];
  assert.ok(sum !== undefined, `a judge component in (${lowest}, ${highest}) from ${m} totals`);
  const jcB = sum / (100 * m);
  const base = Math.floor(sum / m);
  const countedB = Array.from({ length: m }, (_, i) => base + (i < sum - base * m ? 1 : 0));
  const finalB = wj * jcB + wa * acB;

  // What this must give.
  assert.ok(finalA - finalB > 0 && finalA - finalB < unit / 2, `finals ${finalA} and ${finalB} differ by less than half a unit`);
  assert.equal(fixed(finalA, decimals), fixed(finalB, decimals), 'both finals publish the same');
  assert.ok(Number(fixed(jcB, decimals)) > Number(fixed(jcA, decimals)), 'B\'s published judge component is higher');

  return {
    votes,
    a: { entry: entryA, totals: totals(entryA, Array(countedA).fill(Math.round(jcA * 100))), jc: jcA, ac: acA, final: finalA },
    b: { entry: entryB, totals: totals(entryB, countedB), jc: jcB, ac: acB, final: finalB },
  };
}

// ---- driving the show ------------------------------------------------------------------------

const cmd = (action, fields = {}) => host.request({ type: 'cmd', action, ...fields });

// Start, poll (the given phones vote for it), every judge scores (a recused judge is refused),
// close the poll, lock, reveal.
async function perform(side, voters) {
  const { entry, totals } = side;
  await cmd('start_entry', { round: round.id, entry: entry.id });
  const { poll } = await cmd('open_poll', { round: round.id, entries: [entry.id] });
  for (const phone of voters) {
    const ack = await phone.request({ type: 'vote', poll, choice: entry.id });
    assert.equal(ack.counted, true);
  }
  for (const { judge, client } of judges) {
    const total = totals.get(judge.id);
    const marks = marksFor(total ?? 8000, contest.scoring.criteria);
    if (total === undefined) {
      assert.equal(judge.unit, entry.unit);
      await assert.rejects(client.request({ type: 'score', round: round.id, entry: entry.id, marks }), { code: 'recused' });
    } else {
      const ack = await client.request({ type: 'score', round: round.id, entry: entry.id, marks });
      assert.equal(ack.total, total / 100);
    }
  }
  await cmd('close_poll', { poll });
  await cmd('lock_scores', { round: round.id, entry: entry.id, override_reason: 'not every judge scored in this test' });
  await cmd('reveal', { round: round.id, entry: entry.id });
  return host.waitFor((m) => m.type === 'state' && m.phase === 'revealed' && m.reveal?.entry === entry.id);
}

// ---- reading the pages -----------------------------------------------------------------------

// Waits until every finite CSS transition and animation has finished (the pulsing live dots
// run for ever and are ignored), so that what is read and photographed is the settled picture.
async function settled(page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'
    || a.effect?.getTiming().iterations === Infinity), null, { timeout: LONG, polling: 100 });
}

async function screenshot(page, name) {
  await settled(page);
  await capture(page, name);
}

// The leaderboard rows of a display (the page, or the console's live miniature frame), top to
// bottom: rows are placed by transform, so their order is read from their vertical position.
async function boardRows(frame) {
  return frame.locator('.board-row').evaluateAll((rows) => rows
    .map((r) => {
      const nums = r.querySelectorAll('.c-num');
      return {
        entry: r.dataset.entry,
        y: new DOMMatrix(getComputedStyle(r).transform).f,
        rank: r.querySelector('.c-rank').textContent,
        judge: nums[0]?.textContent,
        audience: nums[1]?.textContent,
        final: r.querySelector('.c-final').textContent,
      };
    })
    .sort((a, b) => a.y - b.y)
    .map(({ y, ...row }) => row));
}

// What every leaderboard must show: the API's entries in rank order with their published strings.
function expectedBoard(entries) {
  return entries.map((e) => ({
    entry: e.entry,
    rank: String(e.rank),
    judge: e.published.judge_component,
    audience: e.published.audience_component,
    final: e.published.final,
  }));
}

async function previewFigures(page) {
  const stage = page.locator('#preview-stage');
  const values = stage.locator('.figure .figure-value');
  return {
    title: await stage.locator('.reveal-title').innerText(),
    judge: await values.nth(0).innerText(),
    audience: await values.nth(1).innerText(),
    final: await stage.locator('.final-value').innerText(),
  };
}

before(async () => {
  server = await startServer();
  contest = await server.api('/api/contest');
  round = contest.rounds[0];
  host = await connectClient(server.wsUrl, hostHello);
  for (const judge of contest.judges) {
    judges.push({ judge, client: await connectClient(server.wsUrl, { role: 'judge', token: judge.token }) });
  }
  const entry = (id) => contest.entries.find((e) => e.id === id);
  plan = construct({ result_decimals: 2, ...contest.scoring }, entry(round.entries[0]), entry(round.entries[1]));
  for (let i = 0; i < plan.votes.a; i++) phones.push(await connectClient(server.wsUrl, { role: 'audience' }));

  browser = await launchBrowser();
  pages.display = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  errors.display = watchConsole(pages.display);
  await pages.display.goto(await displayUrl(server));
  await pages.display.waitForSelector('.conn-indicator[data-online="1"]', { timeout: LONG });

  pages.host = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  errors.host = watchConsole(pages.host);
  await pages.host.goto(`${server.url}/host`);
  await pages.host.fill('#host-key', HOST_KEY);
  await pages.host.click('#host-key-submit');
  await pages.host.waitForSelector('#conn[data-online="1"]', { timeout: LONG });

  const phoneContext = await browser.newContext({ ...PHONE, locale: 'zh-CN' });
  pages.phone = await phoneContext.newPage();
  errors.phone = watchConsole(pages.phone);
  await pages.phone.goto(`${server.url}/vote`);
  await pages.phone.locator('#conn[data-online="true"]').waitFor({ timeout: LONG });
});

after(async () => {
  for (const c of [host, ...judges.map((j) => j.client), ...phones]) c?.close();
  await browser?.close();
  await server?.close();
});

test('each entry revealed shows its published figures on the phone and in the console preview', async () => {
  for (const [side, voters] of [[plan.a, phones.slice(0, plan.votes.a)], [plan.b, phones.slice(0, plan.votes.b)]]) {
    const { reveal } = await perform(side, voters);
    const figures = reveal.published;
    // The phone's result card: the final and the judges' component, as published. Both
    // entries publish the same final, so wait for this entry's title with it.
    const title = `《${side.entry.title}》`;
    await pages.phone.waitForFunction(({ title, final }) => document.querySelector('#reveal:not([hidden]) .title')?.textContent === title
      && document.querySelector('#reveal-final')?.textContent.endsWith(final), { title, final: figures.final }, { timeout: LONG });
    assert.equal(await pages.phone.locator('#reveal-final').textContent(), `最终得分${figures.final}`);
    assert.equal(await pages.phone.locator('#reveal .facts dd').first().textContent(), figures.judge_component);
    // The console's preview of the entry on stage: the display's reveal scene, instantly.
    await pages.host.waitForFunction(({ title, judge }) => document.querySelector('#preview-stage .reveal-title')?.textContent === title
      && document.querySelector('#preview-stage .scene-reveal')?.dataset.phase === 'done'
      && document.querySelector('#preview-stage .figure .figure-value')?.textContent === judge,
    { title, judge: figures.judge_component }, { timeout: LONG });
    previews[side.entry.id] = await previewFigures(pages.host);
    assert.deepEqual(previews[side.entry.id], {
      title,
      judge: figures.judge_component,
      audience: figures.audience_component,
      final: figures.final,
    });
    if (side === plan.b) {
      await screenshot(pages.host, 'digits-host-preview');
      await pages.phone.locator('#reveal').scrollIntoViewIfNeeded();
      await screenshot(pages.phone, 'digits-phone-reveal');
    }
  }
});

test('the results API publishes equal finals and ranks the two entries by the published judge component', async (t) => {
  results = await server.api(`/api/rounds/${round.id}/results`);
  const a = results.entries.find((e) => e.entry === plan.a.entry.id);
  const b = results.entries.find((e) => e.entry === plan.b.entry.id);
  for (const [name, e] of [['A', a], ['B', b]]) {
    t.diagnostic(`${name} ${e.entry}: totals ${e.judge_scores.map((s) => `${s.total}${s.dropped ? '(dropped)' : ''}`).join(' ')}; `
      + `judge ${e.judge_component} -> ${e.published.judge_component}, votes ${e.votes}, audience ${e.audience_component} -> `
      + `${e.published.audience_component}, final ${e.final} -> ${e.published.final}, rank ${e.rank}`);
  }
  // The unrounded figures are the constructed ones ...
  assert.equal(a.votes, plan.votes.a);
  assert.equal(b.votes, plan.votes.b);
  assert.equal(a.audience_component, plan.a.ac);
  assert.equal(b.audience_component, plan.b.ac);
  assert.ok(Math.abs(a.judge_component - plan.a.jc) < 1e-9, `A's judge component ${a.judge_component}`);
  assert.ok(Math.abs(b.judge_component - plan.b.jc) < 1e-9, `B's judge component ${b.judge_component}`);
  assert.ok(Math.abs(a.final - plan.a.final) < 1e-9, `A's final ${a.final}`);
  assert.ok(Math.abs(b.final - plan.b.final) < 1e-9, `B's final ${b.final}`);
  for (const [row, side] of [[a, plan.a], [b, plan.b]]) {
    const byJudge = (pairs) => pairs.sort(([x], [y]) => x.localeCompare(y));
    assert.deepEqual(byJudge(row.judge_scores.map((s) => [s.judge, s.total])), byJudge([...side.totals].map(([j, t]) => [j, t / 100])));
    const dropped = row.judge_scores.filter((s) => s.dropped).map((s) => s.total).sort((x, y) => x - y);
    const counted = row.judge_scores.filter((s) => !s.dropped).map((s) => s.total);
    assert.equal(dropped.length, 2 * contest.scoring.trim);
    assert.ok(dropped[0] <= Math.min(...counted) && dropped.at(-1) >= Math.max(...counted));
  }
  // ... the unrounded finals differ, A's the higher, by less than half a unit of the last
  // published decimal ...
  const unit = 10 ** -(contest.scoring.result_decimals ?? 2);
  assert.notEqual(a.final, b.final);
  assert.ok(a.final > b.final && a.final - b.final < unit / 2, `${a.final} - ${b.final}`);
  // ... the published finals are the same string, the published judge components are not
  // (the figures the demo's weights 0.9/0.1 and 2 decimals give) ...
  assert.equal(a.published.final, b.published.final);
  assert.equal(a.published.final, '82.18');
  assert.equal(a.published.judge_component, '80.20');
  assert.equal(b.published.judge_component, '85.76');
  assert.equal(a.published.audience_component, '100.00');
  assert.equal(b.published.audience_component, '50.00');
  // B's judge component is exactly on a half: the rule publishes it rounded up, where the
  // binary number's own toFixed() rounds it down. A page that rounds by itself shows the wrong
  // digits here.
  assert.equal(b.judge_component, 85.755);
  assert.equal(b.judge_component.toFixed(2), '85.75');
  // ... and the tie-break on the published judge component puts B first, although its
  // unrounded final is lower and it ran second.
  assert.equal(b.rank, 1);
  assert.equal(a.rank, 2);
  assert.deepEqual(results.entries.slice(0, 2).map((e) => e.entry), [plan.b.entry.id, plan.a.entry.id]);
});

test('the display, the phone and the console show the same digits in the same rank order', async () => {
  await cmd('show', { scene: 'leaderboard', round: round.id });
  const ranked = results.entries.filter((e) => e.status === 'revealed').sort((x, y) => x.rank - y.rank);
  assert.deepEqual(ranked.map((e) => e.entry), [plan.b.entry.id, plan.a.entry.id]);
  const expected = expectedBoard(ranked);

  // The venue display's leaderboard: rank, judges' and audience components, final.
  const display = pages.display;
  await display.waitForSelector('#stage[data-scene="leaderboard"] .scene-leaderboard.shown', { timeout: LONG });
  await display.waitForFunction((n) => document.querySelectorAll('.board-row').length === n, expected.length, { timeout: LONG });
  await settled(display);
  assert.deepEqual(await boardRows(display), expected);
  await screenshot(display, 'digits-display-leaderboard');

  // The phone's leaderboard: rank and final, in list order.
  const phone = pages.phone;
  await phone.locator('#reveal').waitFor({ state: 'hidden', timeout: LONG });
  await phone.waitForFunction((ids) => [...document.querySelectorAll('#leaderboard li')].map((li) => li.dataset.entry).join() === ids.join(),
    expected.map((e) => e.entry), { timeout: LONG });
  const phoneRows = await phone.locator('#leaderboard li').evaluateAll((items) => items.map((li) => ({
    entry: li.dataset.entry, rank: li.querySelector('.pos').textContent, final: li.querySelector('.pts').textContent,
  })));
  assert.deepEqual(phoneRows, expected.map((e) => ({ entry: e.entry, rank: e.rank, final: `${e.final} 分` })));
  await phone.locator('#leaderboard').scrollIntoViewIfNeeded();
  await screenshot(phone, 'digits-phone-leaderboard');

  // The host console: it has no results table of its own; it shows each entry's figures in
  // its preview while the entry is on stage (read in the first test), and the ranking in its
  // live miniature of the venue display.
  const host = pages.host;
  const live = host.frameLocator('#live-display');
  await live.locator('#stage[data-scene="leaderboard"] .scene-leaderboard.shown').waitFor({ timeout: LONG });
  await host.frame({ url: /\/display\?embed=1/ }).waitForFunction((n) => document.querySelectorAll('.board-row').length === n
    && document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  expected.length, { timeout: LONG, polling: 100 });
  assert.deepEqual(await boardRows(live), expected);
  for (const e of ranked) {
    assert.deepEqual(previews[e.entry], {
      title: previews[e.entry].title,
      judge: e.published.judge_component,
      audience: e.published.audience_component,
      final: e.published.final,
    });
  }
  await screenshot(host, 'digits-host-leaderboard');

  // One final string for both, on every page.
  const finals = new Set([...(await boardRows(display)).map((r) => r.final), ...phoneRows.map((r) => r.final.replace(/ 分$/, '')),
    ...(await boardRows(live)).map((r) => r.final), ...Object.values(previews).map((p) => p.final)]);
  assert.deepEqual([...finals], [results.entries[0].published.final]);
});

test('no console errors on the display, the console or the phone', () => {
  assert.deepEqual(errors.display, []);
  assert.deepEqual(errors.host, []);
  assert.deepEqual(errors.phone, []);
});
