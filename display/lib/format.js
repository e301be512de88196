// Number and time formatting shared by the display, the host console and the tests.
// Pure functions: no DOM, so node can import this file too.

// Rounds half away from zero on the decimal representation (91.225 -> "91.23"), which is
// what a scorer with a calculator expects; toFixed alone would give "91.22".
export function fixed(value, decimals = 2) {
  if (value == null || !Number.isFinite(Number(value))) return '—';
  const x = Number(value);
  const sign = x < 0 ? -1 : 1;
  const rounded = sign * Number(`${Math.round(Number(`${Math.abs(x)}e${decimals}`))}e-${decimals}`);
  return rounded.toFixed(decimals);
}

// Share of a total as a percentage with one decimal ("37.5%"); 0 when nothing was counted.
export function percent(count, total) {
  if (!total) return '0.0%';
  return `${fixed((100 * count) / total, 1)}%`;
}

export function ratio(count, total) {
  if (!total) return 0;
  return Math.max(0, Math.min(1, count / total));
}

// Remaining milliseconds as m:ss ("1:05"); never negative.
export function clock(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}

// Two-digit running-order number ("07").
export function orderNumber(order) {
  return order == null ? '' : String(order).padStart(2, '0');
}

// Thousands separators for vote counts ("1,893").
export function count(value) {
  return Number(value || 0).toLocaleString('en-US');
}
