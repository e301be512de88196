// The host console's flow key (space) as a table: for each state of the show, the command
// it sends next. Pure module, no browser needed.
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';
import { canDraw, nextPending, nextStep } from '../../display/host/flow.js';

// The reveal scene imports the shared library by its URL (/v/lib/...).
register('./web-paths.mjs', import.meta.url);
const { droppedRoles } = await import('../../display/scenes/reveal.js');

const order = (statuses) => statuses.map((status, i) => ({ entry: `e${i + 1}`, status }));
const show = (phase, stage, statuses, extra = {}) => ({
  phase,
  stage: stage ? { round: 'r1', entry: stage, order: 1 } : null,
  rounds: [{ id: 'r1', order: order(statuses) }, { id: 'r2', order: order(['pending', 'pending']) }],
  poll: null,
  ...extra,
});
const ui = (extra = {}) => ({ round: 'r1', entry: null, checked: new Set(), scope: 'stage', duration: 60, ...extra });

test('space walks start, open poll, close poll, lock, reveal, next entry', () => {
  const cases = [
    [show('idle', null, ['pending', 'pending']), ui(), { action: 'start_entry', fields: { round: 'r1', entry: 'e1' } }],
    [show('on_stage', 'e1', ['on_stage', 'pending']), ui(), { action: 'open_poll', fields: { round: 'r1', entries: ['e1'], duration_ms: 60000 } }],
    [show('poll_open', 'e1', ['on_stage', 'pending'], { poll: { id: 'p1' } }), ui(), { action: 'close_poll', fields: { poll: 'p1' } }],
    [show('poll_closed', 'e1', ['on_stage', 'pending']), ui(), { action: 'lock_scores', fields: { round: 'r1', entry: 'e1' } }],
    [show('locked', 'e1', ['locked', 'pending']), ui(), { action: 'reveal', fields: { round: 'r1', entry: 'e1' } }],
    [show('revealed', 'e1', ['revealed', 'pending']), ui(), { action: 'start_entry', fields: { round: 'r1', entry: 'e2' } }],
    [show('revealed', 'e2', ['revealed', 'revealed']), ui(), null],
  ];
  for (const [state, selection, expected] of cases) assert.deepEqual(nextStep(state, selection), expected, state.phase);
});

test('a selected pending entry is started before the running order says so', () => {
  const state = show('revealed', 'e1', ['revealed', 'pending', 'pending']);
  assert.deepEqual(nextStep(state, ui({ entry: 'e3' })).fields.entry, 'e3');
  assert.deepEqual(nextStep(state, ui({ entry: 'e1' })).fields.entry, 'e2', 'a revealed selection is skipped');
});

test('a poll over ticked entries, with the chosen duration', () => {
  const state = show('on_stage', 'e1', ['on_stage', 'pending', 'pending']);
  const step = nextStep(state, ui({ scope: 'checked', checked: new Set(['e1', 'e3']), duration: 0 }));
  assert.deepEqual(step.fields, { round: 'r1', entries: ['e1', 'e3'], duration_ms: 0 });
});

test('next pending wraps to an earlier skipped entry, and a draw needs an untouched round', () => {
  const state = show('revealed', 'e3', ['pending', 'revealed', 'revealed']);
  assert.equal(nextPending(state, 'r1', 'e3'), 'e1');
  assert.equal(canDraw(state, 'r1'), false);
  assert.equal(canDraw(state, 'r2'), true);
});

test('the upper half of the dropped totals are the highest', () => {
  const roles = droppedRoles([
    { judge: 'a', total: 90, dropped: false }, { judge: 'b', total: 95.5, dropped: true },
    { judge: 'c', total: 80, dropped: true }, { judge: 'd', total: 88, dropped: false },
  ]);
  assert.equal(roles.get('b'), 'highest');
  assert.equal(roles.get('c'), 'lowest');
  assert.equal(roles.has('a'), false);
});
