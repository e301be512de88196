// Drives one stage element from `state` snapshots: picks the scene module named by
// state.scene.name, keeps the mounted instance while its key is the same (so a resync after
// a reconnect updates in place instead of replaying an animation), and cross-fades to a
// new instance when the scene or its subject changes.
const LEAVE_MS = 700;

export class SceneRouter {
  constructor(root, scenes, ctx) {
    this.root = root;
    this.scenes = scenes;
    this.ctx = ctx;
    this.current = null;
    this.key = null;
    this.name = null;
    this.state = null;
    this.tallies = new Map();  // poll id -> latest tally message
    ctx.tallyFor = (pollId) => this.tallies.get(pollId) || null;
  }

  render(state, { instant = false } = {}) {
    const previous = this.state;
    this.state = state;
    const requested = state?.scene?.name;
    const name = this.scenes[requested] ? requested : 'standby';
    const scene = this.scenes[name];
    const key = `${name}|${scene.key ? scene.key(state, this.ctx) : ''}`;
    if (this.current && key === this.key) {
      this.current.update?.(state);
      return;
    }
    this.mount(name, key, scene, state, previous, instant);
  }

  tally(msg) {
    this.tallies.set(msg.poll, msg);
    this.current?.tally?.(msg);
  }

  // Re-renders the current scene without animation (language change, catalogue reload).
  refresh() {
    if (!this.state) return;
    this.key = null;
    this.render(this.state, { instant: true });
  }

  mount(name, key, scene, state, previous, instant) {
    const old = this.current;
    const ctx = { ...this.ctx, instant: instant || this.ctx.instant, previous };
    const instance = scene.mount(ctx, state);
    instance.el.classList.add('scene', `scene-${name}`);
    this.root.append(instance.el);
    this.root.dataset.scene = name;
    this.current = instance;
    this.key = key;
    this.name = name;
    if (ctx.instant) {
      instance.el.classList.add('shown', 'no-motion');
    } else {
      requestAnimationFrame(() => requestAnimationFrame(() => instance.el.classList.add('shown')));
    }
    if (old) {
      old.leave?.();
      old.el.classList.remove('shown');
      old.el.classList.add('leaving');
      if (ctx.instant) old.el.remove();
      else setTimeout(() => old.el.remove(), LEAVE_MS);
    }
  }
}
