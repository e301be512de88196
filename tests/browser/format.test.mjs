// The shared formatting module every page shows numbers and titles with. Pure module, no
// browser needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMark } from '../../voter-web/lib/marks.js';
import { clock, count, fixed, orderNumber, percent, published, quoted, ratio } from '../../voter-web/lib/format.js';

test('numbers are rounded half away from zero on their decimal digits, the way a scorer does', () => {
  const cases = [
    [91.225, 2, '91.23'], [90.037, 2, '90.04'], [88, 2, '88.00'], [0.005, 2, '0.01'], [1.005, 2, '1.01'],
    [2.675, 2, '2.68'], [-0.005, 2, '-0.01'], [-2.5, 0, '-3'], [0.1 + 0.2, 2, '0.30'], [1e-7, 2, '0.00'],
    ['90.25', 1, '90.3'], [null, 2, '—'], [undefined, 2, '—'], [Number.NaN, 2, '—'],
  ];
  for (const [value, decimals, expected] of cases) assert.equal(fixed(value, decimals), expected, `${value} to ${decimals}`);
  assert.equal(formatMark(27.5, 2), '27.5');
  assert.equal(formatMark(0.1 + 0.2, 2), '0.3');
});

test('a result figure is the server\'s published text, never rounded here', () => {
  const result = { judge_component: 90.245, audience_component: 100, final: 91.2205, plain_mean: 90.1,
    published: { judge_component: '90.25', audience_component: '100.00', final: '91.22', plain_mean: '90.10' } };
  assert.equal(published(result, 'final'), '91.22');
  assert.equal(published(result, 'judge_component'), '90.25');
  assert.equal(published(result, 'audience_component'), '100.00');
  const unscored = { judge_component: null, published: { judge_component: null, final: '0.00' } };
  assert.equal(published(unscored, 'judge_component'), '—');
  assert.equal(published(null, 'final'), '—');
});

test('shares, clocks, order numbers, counts and titles', () => {
  assert.equal(percent(1, 3), '33.3%');
  assert.equal(percent(0, 0), '0.0%');
  assert.equal(ratio(3, 2), 1);
  assert.equal(ratio(1, 0), 0);
  assert.equal(clock(61000), '1:01');
  assert.equal(clock(-5), '0:00');
  assert.equal(orderNumber(7), '07');
  assert.equal(orderNumber(null), '');
  assert.equal(count(1893), '1,893');
  assert.equal(quoted('红色家书'), '《红色家书》');
  assert.equal(quoted(undefined), '《》');
});
