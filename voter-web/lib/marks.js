// The rules a judge's mark must meet before it is sent: a number from 0 to the criterion's
// max with at most `decimals` decimals (the server checks the same and answers out_of_range).
import { fixed } from './format.js';

// Returns {value} for a good mark, or {error, vars} naming the strings-table message.
export function checkMark(raw, max, decimals) {
  const text = String(raw ?? '').trim().replace(/[,，。]/g, '.');
  if (text === '') return { error: 'errRequired' };
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(text)) return { error: 'errNumber' };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: 'errNumber' };
  if (value < 0 || value > max) return { error: 'errRange', vars: { max } };
  const fraction = text.includes('.') ? text.split('.')[1].replace(/0+$/, '') : '';
  if (fraction.length > decimals) {
    return decimals > 0 ? { error: 'errDecimals', vars: { decimals } } : { error: 'errDecimalsNone' };
  }
  return { value };
}

// 27.5 -> "27.5", 30 -> "30", 88.25 -> "88.25": no trailing zeros, at most `decimals` places.
export function formatMark(value, decimals) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  return String(Number(fixed(value, Math.max(0, decimals))));
}
