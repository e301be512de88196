// The venue screens: how many displays are connected now, and the display link that carries
// the display key (`/display#k=KEY`), to copy or to scan on the venue PC. Without the key a
// screen is refused (the server shows the live counts to no one else), so this is how the
// organisers open it. The link uses the server's LAN address (the one phones use, from
// /api/info), not the console's own, which is usually 127.0.0.1.
import { h, setText } from '/v/lib/dom.js';
import { qrSrc } from '../scenes/join.js';

// `http://192.168.1.20:8080/vote` -> `http://192.168.1.20:8080/display?overlay=1#k=KEY`
export function displayLink(joinUrl, key, { overlay = false } = {}) {
  const base = String(joinUrl || `${location.origin}/vote`).replace(/\/vote\/?$/, '/display');
  return `${base}${overlay ? '?overlay=1' : ''}#k=${encodeURIComponent(key)}`;
}

// The broadcast graphics (docs/graphics.md) with the same key:
// `http://192.168.1.20:8080/vote` -> `http://192.168.1.20:8080/graphics/lower-third.html#k=KEY`
export const GRAPHICS = ['lower-third', 'score-reveal', 'leaderboard'];
export function graphicsLink(joinUrl, key, name) {
  const base = String(joinUrl || `${location.origin}/vote`).replace(/\/vote\/?$/, '');
  return `${base}/graphics/${name}.html#k=${encodeURIComponent(key)}`;
}

// Clipboard where the browser allows it (a secure context: localhost), else the old way.
async function copyText(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field.focus();
    field.select();
    try { return document.execCommand('copy'); } catch { return false; }
  }
}

export function createDisplayLink(app) {
  const { t } = app;
  const displays = h('span', { class: 'panel-summary', id: 'displays-connected' });
  const field = h('input', { id: 'display-link', type: 'text', readonly: true, 'aria-label': t('screens.link'), value: t('screens.loading') });
  const copied = h('span', { class: 'copy-note', id: 'display-link-copied', role: 'status', 'aria-live': 'polite' });
  const copy = h('button', { class: 'btn small', id: 'display-link-copy', type: 'button', text: t('screens.copy'), disabled: true });
  const copyOverlay = h('button', { class: 'btn small ghost', id: 'overlay-link-copy', type: 'button', text: t('screens.copyOverlay'), disabled: true });
  const qr = h('img', { class: 'display-qr', id: 'display-link-qr', alt: t('screens.qr'), hidden: true });
  // One copy button per broadcast graphic, for a crew's CasparCG, SPX or OBS.
  const graphicButtons = GRAPHICS.map((name) => h('button', {
    class: 'btn small ghost', id: `graphics-link-copy-${name}`, type: 'button', disabled: true,
    text: t('screens.copyGraphic', { name: t(`screens.graphic.${name}`) }),
  }));
  const el = h('section', { class: 'panel display-link', id: 'display-link-panel' },
    h('div', { class: 'panel-head' }, h('h2', { text: t('screens.title') }), displays),
    h('div', { class: 'display-link-body' },
      qr,
      h('div', { class: 'display-link-text' },
        h('label', { for: 'display-link', text: t('screens.link') }),
        field,
        h('div', { class: 'display-link-buttons' }, copy, copyOverlay, ...graphicButtons, copied),
        h('p', { class: 'panel-hint', text: t('screens.hint') }))));

  let link = '';
  let overlayLink = '';
  async function onCopy(text, what) {
    const ok = await copyText(text, field);
    setText(copied, ok ? t('screens.copied', { what }) : t('screens.copyFailed'));
    setTimeout(() => setText(copied, ''), 4000);
  }
  copy.addEventListener('click', () => onCopy(link, t('screens.link')));
  copyOverlay.addEventListener('click', () => onCopy(overlayLink, t('screens.overlay')));
  for (const [i, button] of graphicButtons.entries()) {
    button.addEventListener('click', () => onCopy(button.dataset.link, t(`screens.graphic.${GRAPHICS[i]}`)));
  }

  return {
    el,
    // Once the key and the LAN address are known (GET /api/contest and /api/info).
    setLink(joinUrl, key) {
      link = displayLink(joinUrl, key);
      overlayLink = displayLink(joinUrl, key, { overlay: true });
      field.value = link;
      qr.src = qrSrc(link);
      qr.hidden = false;
      copy.disabled = false;
      copyOverlay.disabled = false;
      for (const [i, button] of graphicButtons.entries()) {
        button.dataset.link = graphicsLink(joinUrl, key, GRAPHICS[i]);
        button.disabled = false;
      }
    },
    render(state) {
      const n = state.host?.connections?.display || 0;
      el.dataset.displays = String(n);
      setText(displays, t('screens.connected', { n }));
      displays.classList.toggle('none', n === 0);
    },
  };
}
