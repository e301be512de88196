// The join corner: while a poll is open, the audience-facing scenes carry the way in at the
// bottom right of the stage (QR code, short URL, and the join code in code mode), so a phone
// that arrives mid-poll has something to scan whatever the screen shows. It lives on the
// stage, not in a scene: a scene change cross-fades under it instead of replaying it, and a
// new join code swaps the picture and digits in place (join.js update()).
// Not on: standby (it has the large one), poll (its own beside the clock), blackout; nor in
// the broadcast overlay (docs/protocol.md, "Join corner"). The host hides it with
// set_join_corner {visible: false}; the state's join_corner.visible says so.
import { h } from '/v/lib/dom.js';
import { joinBlock } from '../scenes/join.js';

export const CORNER_SCENES = new Set(['order', 'stage', 'reveal', 'leaderboard', 'awards', 'commentary', 'message']);

export function cornerWanted(state, sceneName, { overlay = false } = {}) {
  if (overlay || !state?.poll || state.poll.open === false) return false;
  if (state.join_corner?.visible === false) return false;
  return CORNER_SCENES.has(sceneName);
}

// `stage`: the .stage element; it gets the class with-join-corner while the corner is shown,
// by which the scenes keep that area clear.
export function createJoinCorner(stage, ctx) {
  const el = h('aside', { class: 'join-corner', 'aria-hidden': 'true' });
  stage.append(el);
  let block = null;
  let state = null;
  let scene = null;

  function update(next, sceneName) {
    state = next;
    scene = sceneName;
    const shown = cornerWanted(state, scene, ctx);
    if (shown) {
      if (!block) {
        block = joinBlock(ctx, state, { variant: 'corner' });
        el.replaceChildren(block.el);
      } else {
        block.update(state);
      }
    }
    el.classList.toggle('shown', shown);
    el.setAttribute('aria-hidden', String(!shown));
    el.dataset.shown = shown ? '1' : '0';
    stage.classList.toggle('with-join-corner', shown);
  }

  return {
    el,
    update,
    // Language or join URL changed: build the block again (in place, no fade).
    refresh() {
      block = null;
      el.replaceChildren();
      if (state) update(state, scene);
    },
  };
}
