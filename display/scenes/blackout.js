// Black (transparent in the overlay): nothing on screen.
import { h } from '/v/lib/dom.js';

export default {
  key: () => '',
  mount() {
    return { el: h('section', {}) };
  },
};
