// One strings table per page ({zh: {...}, en: {...}}); zh-CN by default, the choice kept in
// localStorage. `?lang=en` in the URL wins for this load (handy for a second screen).
export function createI18n(table, storageKey) {
  const listeners = [];
  const fromUrl = new URLSearchParams(location.search).get('lang');
  let lang = normalise(fromUrl) || normalise(safeGet(storageKey)) || 'zh';

  function t(key, vars) {
    let text = table[lang]?.[key] ?? table.zh[key] ?? key;
    if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
    return text;
  }

  return {
    t,
    get lang() { return lang; },
    setLang(next) {
      next = normalise(next) || 'zh';
      if (next === lang) return;
      lang = next;
      safeSet(storageKey, lang);
      document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
      for (const fn of listeners) fn(lang);
    },
    toggle() { this.setLang(lang === 'zh' ? 'en' : 'zh'); },
    onChange(fn) { listeners.push(fn); },
    apply() { document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'; },
  };
}

function normalise(value) {
  if (!value) return null;
  value = String(value).toLowerCase();
  if (value.startsWith('zh')) return 'zh';
  if (value.startsWith('en')) return 'en';
  return null;
}

function safeGet(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

function safeSet(key, value) {
  try { localStorage.setItem(key, value); } catch { /* private mode: keep it for this load */ }
}
