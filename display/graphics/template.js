// The HTML template of one broadcast graphic (<body data-graphic="lower-third">), for the
// hosts that load a page and call its global functions: CasparCG's HTML producer
// (CG ADD/PLAY/NEXT/STOP/UPDATE), SPX, and OBS's browser source (docs/graphics.md).
//   play()        on air (a reveal: its first step)
//   next()        the next step (the reveal's; the leaderboard's next page)
//   stop()        off air: the out transition, then an empty transparent page
//   update(data)  a JSON string (CasparCG's templateData, SPX), CasparCG's XML, or an object
// The display key comes from the URL fragment (`#k=KEY`: it never leaves the machine, not
// even in the server's request line) or from update({key}); other fields from the query
// (`?lang=en&entry=e03&limit=8`) or update(). `?play=1` follows the show by itself, for a
// browser source nobody calls play() on: on air whenever there is something to show, and a
// newly revealed result steps through on its own.
import { storage } from '/v/lib/dom.js';
import { Graphic } from './graphic.js';

const STEP_MS = 2500;
const kind = document.body.dataset.graphic;
const query = new URLSearchParams(location.search);
const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
// The key a venue screen of this browser kept, when the fragment has none.
const key = fragment.get('k') || storage.get('stagevote.display_key', '') || '';
const data = {};
for (const field of ['lang', 'entry', 'title', 'kicker', 'detail', 'limit']) {
  if (query.has(field)) data[field] = query.get(field);
}

document.body.classList.add('sv-template');
const graphic = new Graphic(kind, document.body, { base: location.href, key, data });

window.play = () => graphic.play();
window.next = () => graphic.next();
window.stop = () => graphic.stop();
window.update = (value) => graphic.update(value);
window.remove = () => graphic.dispose();  // CasparCG's CG REMOVE
window.stagevoteGraphic = graphic;

if (query.get('play') === '1') {
  let shown = null;
  const timers = [];
  graphic.onState(() => {
    if (kind !== 'score-reveal') {
      if (graphic.step === undefined) graphic.play();
      return;
    }
    if (graphic.revealEntry === shown) return;
    shown = graphic.revealEntry;
    for (const timer of timers.splice(0)) clearTimeout(timer);
    graphic.play();
    timers.push(setTimeout(() => graphic.next(), STEP_MS), setTimeout(() => graphic.next(), 2 * STEP_MS));
  });
}

// Framed by an SPX template (spx/*.html, served by SPX from its own folder): SPX calls the
// frame's play/next/stop/update, which pass them on as messages. Only the page framing this
// one is listened to; it is told when the graphic is ready for them.
if (window.parent !== window) {
  const calls = { play: () => graphic.play(), next: () => graphic.next(), stop: () => graphic.stop() };
  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (event.source !== window.parent || msg?.type !== 'stagevote-graphic') return;
    if (msg.call === 'update') graphic.update(msg.data);
    else calls[msg.call]?.();
  });
  window.parent.postMessage({ type: 'stagevote-graphic', ready: true, graphic: kind }, '*');
}

// A new key in the fragment (an SPX field edited, a link pasted again): the feed starts again.
window.addEventListener('hashchange', () => {
  const given = new URLSearchParams(location.hash.replace(/^#/, '')).get('k');
  if (given) graphic.update({ key: given });
});
