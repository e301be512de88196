// Language choice shared by the phone pages: zh-CN by default, English on request,
// remembered in localStorage. Strings come from one table per page.
import { storage } from '../lib/dom.js';

const LANG_KEY = 'stagevote.lang';
export const DEFAULT_LANG = 'zh-CN';

export function createI18n(table) {
  let lang = storage.get(LANG_KEY, DEFAULT_LANG);
  if (!table[lang]) lang = DEFAULT_LANG;

  // t('votes', {n: 3}) replaces {n}; a missing key falls back to Chinese, then to the key.
  function t(key, vars) {
    let text = table[lang][key] ?? table[DEFAULT_LANG][key] ?? key;
    if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
    return text;
  }

  return {
    t,
    get lang() {
      return lang;
    },
    toggle() {
      lang = lang === DEFAULT_LANG ? 'en' : DEFAULT_LANG;
      storage.set(LANG_KEY, lang);
      document.documentElement.lang = lang;
      return lang;
    },
    apply() {
      document.documentElement.lang = lang;
      document.title = t('pageTitle');
    },
  };
}
