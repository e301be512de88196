// Number, time and title formatting for every page and the tests.
// Pure functions: no DOM, so node can import this file too.

// Rounds half away from zero on the decimal representation (91.225 -> "91.23"), which is
// what a scorer with a calculator expects; toFixed alone would give "91.22". The point is
// moved in the number's shortest decimal text, never by a binary multiplication.
export function fixed(value, decimals = 2) {
  if (value == null || !Number.isFinite(Number(value))) return '—';
  const x = Number(value);
  const [digits, exponent = '0'] = String(Math.abs(x)).split('e');
  const shifted = Math.round(Number(`${digits}e${Number(exponent) + decimals}`));
  const rounded = Math.sign(x) * (shifted / 10 ** decimals);
  return rounded.toFixed(decimals);
}

// A result's judge_component, audience_component, final or plain_mean exactly as the server
// published it (rounded to the scheme's result_decimals), so that the display, the host
// console, the phones and the exports all show the same digits. "—" for none (nobody scored).
export function published(result, field) {
  const text = result?.published?.[field];
  return typeof text === 'string' ? text : '—';
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

// 《title》: titles are quoted the Chinese way in both languages.
export function quoted(title) {
  return `《${title ?? ''}》`;
}
