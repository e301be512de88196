// 晋级 (advance): once a round is played, its top entries by the published ranks join a later
// round that has not started; the host then draws that round's order as usual. A tie at the
// cut comes back as `tie_at_cut` with the tied entries: the host ticks which go through (the
// places left, or all of them) and writes a reason, and the same request goes again with
// `include` and `reason` (docs/protocol.md, "Advancement").
import { h, clear, setText } from '/v/lib/dom.js';
import { published, quoted } from '/v/lib/format.js';
import { roundOrder } from './flow.js';

// A round can send entries on when something is revealed and nothing is between start and
// reveal (entries never performed stay behind).
export function canAdvanceFrom(state, roundId) {
  const order = roundOrder(state, roundId);
  return order.some((o) => o.status === 'revealed') &&
    order.every((o) => o.status === 'revealed' || o.status === 'pending') &&
    state?.poll?.round !== roundId;
}

// Rounds that can take entries: not this one, and nothing of them performed yet.
function targets(state, from) {
  return (state?.rounds || []).filter((r) => r.id !== from && r.order.every((o) => o.status === 'pending'));
}

export function createAdvance(app) {
  const { t, dialogs } = app;
  const button = h('button', { class: 'btn small', id: 'btn-advance', type: 'button', text: t('adv.button'), title: t('adv.hint') });
  let backdrop = null;

  button.addEventListener('click', () => open(app.ui.round));

  async function roundResults(round) {
    try {
      const ack = await app.client.request({ type: 'cmd', action: 'results', round });
      return ack.results?.entries || [];
    } catch {
      return [];
    }
  }

  function open(from) {
    const state = app.state;
    if (backdrop || !state || !canAdvanceFrom(state, from)) return;
    const order = roundOrder(state, from);
    const revealed = order.filter((o) => o.status === 'revealed').length;
    const unplayed = order.length - revealed;
    const choices = targets(state, from);

    const to = h('select', { id: 'adv-to' },
      choices.map((r) => h('option', { value: r.id, text: app.catalogue.roundName(r.id) })));
    const count = h('input', { id: 'adv-count', type: 'number', min: '1', max: String(revealed), step: '1', value: String(Math.min(6, revealed)) });
    const replaceNote = h('p', { class: 'panel-hint', id: 'adv-replace' });
    const tieBox = h('fieldset', { class: 'adv-tie', id: 'adv-tie', hidden: true });
    const reason = h('input', { id: 'adv-reason', type: 'text', placeholder: t('adv.reason') });
    const problem = h('p', { class: 'adv-problem', id: 'adv-problem', role: 'alert', hidden: true });
    const submit = h('button', { class: 'btn primary', id: 'adv-submit', type: 'submit', text: t('adv.submit') });
    const cancel = h('button', { class: 'btn', id: 'adv-cancel', type: 'button', text: t('confirm.cancel') });
    let tied = null;  // the tied entries the server named, while the host resolves the tie

    const form = h('form', { class: 'dialog adv-dialog', role: 'dialog', 'aria-modal': 'true', id: 'advance-dialog', novalidate: true },
      h('h2', { text: t('adv.title', { round: app.catalogue.roundName(from) }) }),
      h('p', { class: 'dialog-text', text: t('adv.text', { round: app.catalogue.roundName(from), revealed }) }),
      unplayed ? h('p', { class: 'panel-hint', id: 'adv-unplayed', text: t('adv.unplayed', { n: unplayed }) }) : null,
      choices.length ? null : h('p', { class: 'adv-problem', text: t('adv.noTarget') }),
      h('div', { class: 'adv-row' },
        h('label', {}, t('adv.to'), to),
        h('label', {}, t('adv.count'), count)),
      replaceNote,
      tieBox,
      problem,
      h('div', { class: 'dialog-buttons' }, cancel, submit));

    function describeTarget() {
      const target = choices.find((r) => r.id === to.value);
      const n = target?.order.length || 0;
      setText(replaceNote, n ? t('adv.replaces', { round: app.catalogue.roundName(to.value), n }) : '');
      replaceNote.hidden = !n;
    }
    function resetTie() {
      tied = null;
      tieBox.hidden = true;
      clear(tieBox);
      submit.textContent = t('adv.submit');
    }
    function say(text) {
      problem.hidden = !text;
      setText(problem, text || '');
    }
    to.addEventListener('change', () => { describeTarget(); resetTie(); say(''); });
    count.addEventListener('input', () => { resetTie(); say(''); });
    describeTarget();

    // The tied entries as checkboxes, with their published finals, and the places left.
    async function showTie(entries) {
      const results = await roundResults(from);
      const byEntry = new Map(results.map((r) => [r.entry, r]));
      const rank = byEntry.get(entries[0])?.rank;
      const above = results.filter((r) => r.status === 'revealed' && rank != null && r.rank < rank).length;
      const places = Number(count.value) - above;
      tied = entries;
      clear(tieBox).append(
        h('legend', { text: t('adv.tieTitle') }),
        h('p', { class: 'dialog-text', id: 'adv-tie-text', text: rank != null ? t('adv.tieText', { rank, n: entries.length, places }) : t('adv.tieTextPlain') }),
        h('ul', { class: 'adv-tied' }, entries.map((id) => {
          const result = byEntry.get(id);
          return h('li', {},
            h('label', {},
              h('input', { type: 'checkbox', class: 'adv-include', value: id, dataset: { entry: id } }),
              h('span', { class: 'adv-title', text: quoted(app.catalogue.entry(id).title) }),
              h('span', { class: 'adv-unit', text: app.catalogue.entry(id).unit }),
              result ? h('span', { class: 'adv-final', text: published(result, 'final') }) : null));
        })),
        h('label', { class: 'adv-reason' }, t('adv.reasonLabel'), reason));
      tieBox.hidden = false;
      submit.textContent = t('adv.submitTie');
      tieBox.querySelector('input')?.focus();
    }

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      say('');
      const n = Number(count.value);
      if (!to.value) return say(t('adv.noTarget'));
      if (!Number.isInteger(n) || n < 1 || n > revealed) return say(t('adv.badCount', { max: revealed }));
      const fields = { from, to: to.value, count: n };
      if (tied) {
        const include = [...tieBox.querySelectorAll('input.adv-include:checked')].map((c) => c.value);
        if (!include.length) return say(t('adv.pickTied'));
        if (!reason.value.trim()) { reason.focus(); return say(t('adv.needReason')); }
        fields.include = include;
        fields.reason = reason.value.trim();
      }
      submit.disabled = true;
      try {
        const ack = await app.client.request({ type: 'cmd', action: 'advance', ...fields });
        const advanced = ack.advanced || [];
        dialogs.notice(t('adv.done', { n: advanced.length, round: app.catalogue.roundName(fields.to) }), 'ok');
        app.ui.round = fields.to;
        app.ui.entry = null;
        hide();
        app.refresh();
      } catch (err) {
        if (err.code === 'tie_at_cut' && Array.isArray(err.reply?.entries) && err.reply.entries.length) {
          await showTie(err.reply.entries);
        } else {
          const known = t(`error.${err.code}`);
          say(`${known === `error.${err.code}` ? '' : `${known} — `}${err.message || err.code}`);
        }
      } finally {
        submit.disabled = false;
      }
    });

    backdrop = h('div', { class: 'backdrop' }, form);
    const onKey = (event) => {
      if (event.key === 'Escape') { event.preventDefault(); hide(); }
      event.stopPropagation();  // no space or B for the show while this is open
    };
    function hide() {
      backdrop?.remove();
      backdrop = null;
      document.removeEventListener('keydown', onKey, true);
    }
    cancel.addEventListener('click', hide);
    document.addEventListener('keydown', onKey, true);
    document.body.append(backdrop);
    count.focus();
    count.select();
  }

  return {
    button,
    open,
    render(state) {
      button.disabled = !canAdvanceFrom(state, app.ui.round);
    },
  };
}
