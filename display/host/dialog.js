// Modal confirmation (Enter confirms, Esc cancels) and the notice area where every
// outcome of a command is written in words.
import { h } from '/v/lib/dom.js';

export function createDialogs(t) {
  const notices = h('div', { class: 'notices', role: 'alert', 'aria-live': 'assertive' });
  document.body.append(notices);
  let open = null;

  function confirm(text, { input = null } = {}) {
    if (open) open.cancel();
    return new Promise((resolve) => {
      const field = input ? h('input', { class: 'dialog-input', id: 'dialog-input', placeholder: input, type: 'text' }) : null;
      const ok = h('button', { class: 'btn primary', id: 'dialog-confirm', type: 'submit', text: t('confirm.ok') });
      const cancelButton = h('button', { class: 'btn', id: 'dialog-cancel', type: 'button', text: t('confirm.cancel') });
      const form = h('form', { class: 'dialog', role: 'dialog', 'aria-modal': 'true' },
        h('h2', { text: t('confirm.title') }),
        h('p', { class: 'dialog-text', text }),
        field,
        h('div', { class: 'dialog-buttons' }, cancelButton, ok));
      const backdrop = h('div', { class: 'backdrop' }, form);
      const done = (value) => {
        backdrop.remove();
        document.removeEventListener('keydown', onKey, true);
        open = null;
        resolve(value);
      };
      const onKey = (event) => {
        if (event.key === 'Escape') { event.preventDefault(); done(null); }
        event.stopPropagation();
      };
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        if (field && !field.value.trim()) { field.focus(); return; }
        done(field ? field.value.trim() : true);
      });
      cancelButton.addEventListener('click', () => done(null));
      document.addEventListener('keydown', onKey, true);
      document.body.append(backdrop);
      open = { cancel: () => done(null) };
      (field || ok).focus();
    });
  }

  function notice(text, kind = 'error') {
    const item = h('div', { class: `notice ${kind}`, text, title: text });
    item.addEventListener('click', () => item.remove());
    notices.prepend(item);
    while (notices.children.length > 4) notices.lastChild.remove();
    setTimeout(() => item.remove(), kind === 'error' ? 12000 : 4000);
  }

  return { confirm, notice, get isOpen() { return Boolean(open); } };
}
