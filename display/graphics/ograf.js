// The OGraf v1 web component of a broadcast graphic (EBU OGraf, GraphicsAPI): a class the
// renderer registers and instantiates itself, that draws with the same engine as the HTML
// templates (graphic.js) inside its shadow root. The renderer calls:
//   load({data, renderType})       the stylesheet, then the live feed with data.key
//   updateAction({data})           the fields of the manifest's schema (key, lang, entry, ...)
//   playAction({delta, goto})      steps as OGraf counts them (0-based); past the last: stop
//   stopAction()                   off air
//   customAction({id})             none: 404
//   dispose()                      closes the feed
// Realtime only (supportsNonRealTime false in the manifests).
import { Graphic, STEP_COUNT } from './graphic.js';

const STYLESHEET = new URL('./graphics.css', import.meta.url).href;
// The stagevote server is where this module came from, whatever page the renderer is.
const SERVER = new URL('/', import.meta.url).href;

const OK = { statusCode: 200 };

export function ografGraphic(kind) {
  const stepCount = STEP_COUNT[kind];
  return class StagevoteGraphic extends HTMLElement {
    async load(params = {}) {
      if (params.renderType && params.renderType !== 'realtime') {
        return { statusCode: 400, statusMessage: 'realtime rendering only' };
      }
      const root = this.shadowRoot || this.attachShadow({ mode: 'open' });
      root.replaceChildren();
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = STYLESHEET;
      const loaded = new Promise((resolve) => {
        link.addEventListener('load', resolve, { once: true });
        link.addEventListener('error', resolve, { once: true });
      });
      root.append(link);
      await loaded;  // nothing is drawn unstyled
      this.graphic?.dispose();
      this.graphic = new Graphic(kind, root, { frame: this, base: SERVER, data: params.data || {} });
      return OK;
    }

    async dispose() {
      this.graphic?.dispose();
      this.graphic = null;
      this.shadowRoot?.replaceChildren();
      return OK;
    }

    async updateAction(params = {}) {
      if (!this.graphic) return { statusCode: 409, statusMessage: 'not loaded' };
      this.graphic.update(params.data || {});
      return OK;
    }

    // OGraf's step arithmetic: goto wins, else the current step (-1 before the first) plus
    // delta (default 1); at or past stepCount (or below 0): to the end, currentStep undefined.
    async playAction(params = {}) {
      if (!this.graphic) return { statusCode: 409, statusMessage: 'not loaded', currentStep: undefined };
      const skipAnimation = Boolean(params.skipAnimation);
      const current = this.graphic.step;
      const target = params.goto !== undefined && params.goto !== null
        ? Number(params.goto)
        : (current === undefined ? -1 : current) + (params.delta ?? 1);
      if (!Number.isInteger(target) || target < 0 || (stepCount >= 0 && target >= stepCount)) {
        this.graphic.stop({ skipAnimation });
        return { ...OK, currentStep: undefined };
      }
      return { ...OK, currentStep: this.graphic.goto(target, { skipAnimation }) };
    }

    async stopAction(params = {}) {
      this.graphic?.stop({ skipAnimation: Boolean(params.skipAnimation) });
      return OK;
    }

    async customAction(params = {}) {
      return { statusCode: 404, statusMessage: `no custom action ${params.id ?? ''}`.trim() };
    }

    async goToTime() {
      return { statusCode: 501, statusMessage: 'realtime rendering only' };
    }

    async setActionsSchedule() {
      return { statusCode: 501, statusMessage: 'realtime rendering only' };
    }
  };
}
