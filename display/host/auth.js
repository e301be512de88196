// The host key: asked once per browser session (sessionStorage), asked again with the
// reason in words when the server refuses it.
import { h } from '/v/lib/dom.js';

const STORAGE_KEY = 'stagevote.hostKey';

export function storedKey() {
  try { return sessionStorage.getItem(STORAGE_KEY) || ''; } catch { return ''; }
}

function storeKey(key) {
  try {
    if (key) sessionStorage.setItem(STORAGE_KEY, key);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch { /* private mode: the key lives in memory for this page only */ }
}

// Shows the key form; resolves with the key the host typed (and stores it).
export function askForKey(t, error = '') {
  storeKey('');
  return new Promise((resolve) => {
    const input = h('input', { id: 'host-key', type: 'password', autocomplete: 'current-password', placeholder: t('auth.placeholder') });
    const message = h('p', { class: 'auth-error', id: 'auth-error', role: 'alert', text: error });
    const form = h('form', { class: 'dialog auth' },
      h('h2', { text: t('auth.title') }),
      h('p', { class: 'dialog-text', text: t('auth.hint') }),
      input,
      message,
      h('div', { class: 'dialog-buttons' }, h('button', { class: 'btn primary', id: 'host-key-submit', type: 'submit', text: t('auth.submit') })));
    const backdrop = h('div', { class: 'backdrop auth-backdrop' }, form);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const key = input.value.trim();
      if (!key) {
        message.textContent = t('auth.empty');
        return;
      }
      storeKey(key);
      backdrop.remove();
      resolve(key);
    });
    document.body.append(backdrop);
    input.focus();
  });
}
