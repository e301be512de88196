// The venue display: one WebSocket (role display) through the shared client, a fixed
// 1920x1080 stage (3840x1080 on an LED wall) scaled to the screen, and the scene router. It never needs a reload: the
// client reconnects with backoff and the next `state` resyncs the scene in place.
// The server shows the live counts only to a screen with the display key: the display link
// (`/display#k=KEY`, printed at start-up and shown in the host console) carries it once, and
// the page keeps it, so the venue PC can reload or reopen /display without the link.
import { StageClient } from '/v/lib/client.js';
import { h, storage } from '/v/lib/dom.js';
import { createI18n } from '/v/lib/i18n.js';
import { displayStrings } from '../i18n/display.js';
import { Catalogue } from '../lib/catalogue.js';
import { fitStage } from '../lib/stage-scale.js';
import { scenes } from '../scenes/index.js';
import { createJoinCorner } from './join-corner.js';
import { SceneRouter } from './scene-router.js';

const KEY_STORAGE = 'stagevote.display_key';

// The key from the fragment (then removed from the address bar, so that it is not in sight on
// the venue screen nor in a screenshot of it), else the one kept from an earlier visit.
function displayKey() {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const given = fragment.get('k');
  if (given !== null) {
    history.replaceState(null, '', location.pathname + location.search);
    if (given) storage.set(KEY_STORAGE, given);
  }
  return given || storage.get(KEY_STORAGE, '') || '';
}

// Refused: a full-screen message in both languages (nobody stands at the venue PC to toggle
// one), and no retry: without the key every hello would be refused again.
function showKeyNeeded() {
  if (document.querySelector('.key-needed')) return;
  const lang = (code) => h('div', { class: 'key-needed-lang', lang: code === 'zh' ? 'zh-CN' : 'en' },
    h('h1', { text: displayStrings[code]['key.title'] }),
    h('p', { text: displayStrings[code]['key.hint'] }));
  document.body.append(h('div', { class: 'key-needed', id: 'key-needed', role: 'alert' },
    h('span', { class: 'brand-mark large' }), lang('zh'), h('div', { class: 'key-needed-rule' }), lang('en')));
}

const params = new URLSearchParams(location.search);
const overlay = params.get('overlay') === '1';
const embedded = params.get('embed') === '1';  // the host console's miniature: it has its own indicator
const i18n = createI18n(displayStrings);

document.body.classList.toggle('overlay', overlay);
document.body.classList.toggle('embedded', embedded);
const stage = document.getElementById('stage');

const indicator = h('div', { class: 'conn-indicator', role: 'status', dataset: { online: '0' } },
  h('span', { class: 'conn-dot' }), h('span', { class: 'conn-text', text: i18n.t('conn.offline') }));
document.body.append(indicator);

const ctx = {
  t: i18n.t,
  overlay,
  instant: false,
  catalogue: new Catalogue(),
  info: { join_url: `${location.origin}/vote` },
  now: () => client.now(),
  stageEl: stage,  // scenes read the stage's width and the join corner from it (layoutOf)
};
const router = new SceneRouter(stage, scenes, ctx);
// The scenes lay out for the stage's width and for the join corner: when either changes
// (the window moved to the LED wall; the corner shown or hidden) they lay out again, at once.
fitStage(stage, document.documentElement, { onResize: () => router.refresh() });
new MutationObserver((records) => {
  const had = records[0].oldValue?.split(/\s+/).includes('with-join-corner') || false;
  if (had !== stage.classList.contains('with-join-corner')) router.refresh();
}).observe(stage, { attributes: true, attributeFilter: ['class'], attributeOldValue: true });
const corner = createJoinCorner(stage, ctx);
let lastState = null;

const key = displayKey();
const client = new StageClient({ hello: () => ({ role: 'display', key, lang: i18n.lang }) });
client.on('error', (msg) => {
  if (msg.code === 'unauthorized') showKeyNeeded();
  // This address sent too many wrong keys (another screen or a guesser behind it): an
  // unattended screen tries its key again once the wait is over.
  if (msg.code === 'rate_limited' && !client.welcomed) {
    setTimeout(() => client.retry(), (msg.retry_after || 1) * 1000);
  }
});
let catalogueJson = '';
let versionSeen = -1;  // per connection: a state older than one we have is stale
client.on('welcome', (msg) => {
  versionSeen = -1;
  // A reconnect brings the same catalogue: keep the scene as it is (no blink, no replay).
  const json = JSON.stringify(msg.contest || {});
  if (json === catalogueJson) return;
  const first = !catalogueJson;
  catalogueJson = json;
  ctx.catalogue = new Catalogue(msg.contest || {});
  if (!first && lastState) router.refresh();
});
client.on('state', (state) => {
  if (typeof state.version === 'number') {
    if (state.version < versionSeen) return;
    versionSeen = state.version;
  }
  lastState = state;
  router.render(state);
  corner.update(state, router.name);
});
client.on('tally', (msg) => router.tally(msg));
client.on('status', (online) => {
  indicator.dataset.online = online ? '1' : '0';
  indicator.querySelector('.conn-text').textContent = i18n.t(online ? 'conn.online' : 'conn.offline');
});

i18n.onChange(() => {
  indicator.querySelector('.conn-text').textContent = i18n.t(client.online ? 'conn.online' : 'conn.offline');
  router.refresh();
  corner.refresh();
});

// L toggles the language, F asks for full screen (operators use a keyboard on the display PC).
window.addEventListener('keydown', (event) => {
  if (event.key === 'l' || event.key === 'L') i18n.toggle();
  if ((event.key === 'f' || event.key === 'F') && document.fullscreenEnabled) {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  }
});

// The join URL for the QR code is the server's LAN address, which only it knows.
fetch('/api/info')
  .then((res) => (res.ok ? res.json() : null))
  .then((info) => {
    if (info?.join_url) {
      ctx.info.join_url = info.join_url;
      if (lastState && ['standby', 'poll'].includes(router.name)) router.refresh();
      corner.refresh();
    }
  })
  .catch(() => {})
  .finally(() => client.start());

// For tests and operators: what the display is showing.
window.stagevoteDisplay = { router, client, corner, get state() { return lastState; } };
