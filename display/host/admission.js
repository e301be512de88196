// Who may vote (docs/protocol.md, "Admission"): the mode in force, a switch between open,
// code and ticket (the server takes it only while no poll is open, so the switch says so
// instead of offering a command that would be refused), and in code mode the join code the
// venue screen shows now and when it turns over.
import { h, setText } from '/v/lib/dom.js';
import { clock } from '/v/lib/format.js';

const MODES = ['open', 'code', 'ticket'];

export function createAdmissionPanel(app) {
  const { t } = app;
  const current = h('span', { class: 'chip admission-mode', id: 'admission-mode' });
  const buttons = new Map(MODES.map((mode) => {
    const button = h('button', { class: 'btn seg', id: `admission-${mode}`, type: 'button', 'aria-pressed': 'false', dataset: { mode },
      title: t(`admission.${mode}.hint`) }, t(`admission.${mode}`));
    button.addEventListener('click', () => choose(mode));
    return [mode, button];
  }));
  const reason = h('p', { class: 'panel-hint admission-reason', id: 'admission-reason' });
  const codeValue = h('strong', { class: 'admission-code-value', id: 'admission-code-value' });
  const codeTurns = h('span', { class: 'admission-code-turns' });
  const code = h('div', { class: 'admission-code', id: 'admission-code', hidden: true },
    h('span', { text: t('admission.codeNow') }), codeValue, codeTurns);
  const hint = h('p', { class: 'panel-hint', id: 'admission-hint' });
  const el = h('section', { class: 'panel admission', id: 'admission-panel' },
    h('div', { class: 'panel-head' }, h('h2', { text: t('admission.title') }), current),
    h('div', { class: 'seg-row', role: 'group', 'aria-label': t('admission.title') }, [...buttons.values()]),
    reason, code, hint);

  async function choose(mode) {
    const state = app.state;
    if (!state || state.admission?.mode === mode || state.poll) return;
    await app.command('set_admission', { mode }, { confirm: t(`admission.confirm.${mode}`) });
  }

  function tick() {
    const admission = app.state?.admission;
    if (admission?.mode !== 'code' || !admission.code_changes_at) {
      setText(codeTurns, '');
      return;
    }
    setText(codeTurns, t('admission.codeTurns', { t: clock(admission.code_changes_at - app.client.now()) }));
  }
  setInterval(tick, 1000);

  return {
    el,
    render(state) {
      const admission = state.admission || { mode: 'open' };
      const mode = admission.mode;
      current.dataset.mode = mode;
      setText(current, t(`admission.${mode}`));
      // The server refuses a switch while a poll is open: say why the buttons are off.
      const locked = Boolean(state.poll);
      for (const [m, button] of buttons) {
        button.setAttribute('aria-pressed', String(m === mode));
        button.classList.toggle('on', m === mode);
        button.disabled = locked && m !== mode;
      }
      setText(reason, locked ? t('admission.locked') : '');
      reason.hidden = !locked;
      code.hidden = !(mode === 'code' && admission.code);
      setText(codeValue, admission.code || '');
      setText(hint, t(`admission.${mode}.hint`));
      tick();
    },
  };
}
