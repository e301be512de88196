// Right column, top: the result preview (the display's own reveal scene module, rendered
// instantly on a scaled 1920x1080 stage) and a live miniature of the venue display (the
// real /display page in a small frame, so it shows exactly what the hall sees; it is a screen
// like any other and needs the display key, so it is loaded once the console knows it).
import { h } from '/v/lib/dom.js';
import { fitStage } from '../lib/stage-scale.js';
import reveal from '../scenes/reveal.js';

export function createScreens(app) {
  const { t } = app;
  const previewStage = h('div', { class: 'stage mini-stage', id: 'preview-stage' });
  const previewFrame = h('div', { class: 'mini-frame preview' }, previewStage);
  const previewEmpty = h('div', { class: 'mini-empty', text: t('preview.none') });
  const revealButton = h('button', { class: 'btn primary', id: 'btn-reveal-preview', type: 'button', text: t('act.reveal') });
  revealButton.addEventListener('click', () => app.runStep('reveal'));
  const live = h('iframe', { class: 'live-frame', id: 'live-display', title: t('live.title'), tabindex: '-1' });
  const el = h('section', { class: 'panel screens' },
    h('div', { class: 'panel-head' }, h('h2', { text: t('preview.title') }), revealButton),
    h('div', { class: 'mini-wrap' }, previewFrame, previewEmpty),
    h('div', { class: 'panel-head' }, h('h2', { text: t('live.title') })),
    h('div', { class: 'mini-wrap' }, h('div', { class: 'mini-frame' }, live)));
  fitStage(previewStage, previewFrame);

  let instance = null;
  let key = '';

  return {
    el,
    setDisplayKey(displayKey) {
      live.src = `/display?embed=1#k=${encodeURIComponent(displayKey)}`;
    },
    render(state) {
      const preview = state.host?.preview || null;
      const stage = state.stage;
      revealButton.disabled = !(stage && state.phase === 'locked');
      previewEmpty.hidden = Boolean(preview);
      previewFrame.hidden = !preview;
      if (!preview) {
        instance?.el.remove();
        instance = null;
        key = '';
        return;
      }
      // The display's reveal scene reads `state.reveal`; give it the preview in that place.
      const shaped = { ...state, reveal: preview, scene: { name: 'reveal', params: { round: stage?.round || '', entry: preview.entry } } };
      const nextKey = `${stage?.round}/${preview.entry}/${app.i18n.lang}`;
      if (instance && nextKey === key) {
        instance.update(shaped);
        return;
      }
      instance?.el.remove();
      instance = reveal.mount({ ...app.sceneContext(), instant: true }, shaped);
      instance.el.classList.add('scene', 'scene-reveal', 'shown', 'no-motion');
      previewStage.append(instance.el);
      key = nextKey;
    },
  };
}
