// The language of every page: Chinese (zh) by default, English (en) on request. One choice
// for the whole site, kept in localStorage, so a laptop running the display and the host
// console, or a phone opening /vote and /judge, speaks one language. `?lang=en` in the URL
// wins for this load without being kept (handy for a second screen).
// Strings come from one table per page, {zh: {...}, en: {...}}.
import { storage } from './dom.js';

const LANG_KEY = 'stagevote.lang';
const HTML_LANG = { zh: 'zh-CN', en: 'en' };

// 'zh', 'zh-CN', 'en-GB'... -> 'zh' | 'en'; null for anything else (earlier pages kept 'zh-CN').
function normalise(value) {
  const text = String(value ?? '').toLowerCase();
  if (text.startsWith('zh')) return 'zh';
  if (text.startsWith('en')) return 'en';
  return null;
}

export function createI18n(table) {
  const listeners = [];
  let lang = normalise(new URLSearchParams(location.search).get('lang')) || normalise(storage.get(LANG_KEY)) || 'zh';
  document.documentElement.lang = HTML_LANG[lang];

  // t('votes', {n: 3}) replaces {n}; a missing key falls back to Chinese, then to the key.
  function t(key, vars) {
    let text = table[lang]?.[key] ?? table.zh[key] ?? key;
    if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
    return text;
  }

  return {
    t,
    get lang() {
      return lang;
    },
    // Switches zh <-> en, keeps the choice, and tells every onChange listener.
    toggle() {
      lang = lang === 'zh' ? 'en' : 'zh';
      storage.set(LANG_KEY, lang);
      document.documentElement.lang = HTML_LANG[lang];
      for (const fn of listeners) fn(lang);
    },
    onChange(fn) {
      listeners.push(fn);
    },
  };
}
