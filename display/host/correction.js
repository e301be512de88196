// Corrections of a judge's marks after lock: judge, entry, a mark per criterion and a
// written reason (required); the result is then marked amended.
import { h, clear } from '/v/lib/dom.js';
import { quoted } from '/v/lib/format.js';
import { roundOrder } from './flow.js';

// Who makes corrections at this console: asked once per browser session and printed on the
// 公示 beside each correction (instead of "host").
const OPERATOR_KEY = 'stagevote.operator';

function storedOperator() {
  try { return sessionStorage.getItem(OPERATOR_KEY) || ''; } catch { return ''; }
}

async function operatorName(app) {
  const known = storedOperator();
  if (known) return known;
  const name = await app.dialogs.confirm(app.t('fix.operatorAsk'), { input: app.t('fix.operatorName') });
  if (!name) return null;
  try { sessionStorage.setItem(OPERATOR_KEY, name); } catch { /* private mode: asked again next time */ }
  return name;
}

export function createCorrection(app) {
  const { t } = app;
  const judge = h('select', { id: 'fix-judge' });
  const entry = h('select', { id: 'fix-entry' });
  const marks = h('div', { class: 'fix-marks' });
  const reason = h('input', { id: 'fix-reason', type: 'text', placeholder: t('fix.reason') });
  const submit = h('button', { class: 'btn warn', id: 'fix-submit', type: 'submit', text: t('fix.submit') });
  // novalidate: out-of-range marks go to the server, whose refusal is shown in words.
  const form = h('form', { class: 'fix-form', novalidate: true },
    h('label', {}, t('fix.judge'), judge),
    h('label', {}, t('fix.entry'), entry),
    marks,
    reason,
    submit);
  const el = h('details', { class: 'panel fix', id: 'correction' }, h('summary', { text: t('fix.title') }), form);
  const inputs = new Map();

  // The panel carries each judge's marks for the entry on stage: start from those.
  function prefill() {
    const [round, entryId] = entry.value.split('/');
    const stage = app.state?.stage;
    if (!stage || stage.round !== round || stage.entry !== entryId) return;
    const row = (app.state.host?.panel || []).find((p) => p.judge === judge.value);
    for (const [id, input] of inputs) input.value = row?.marks?.[id] ?? '';
  }
  judge.addEventListener('change', prefill);
  entry.addEventListener('change', prefill);

  let built = false;
  function build() {
    if (built || !app.catalogue.contest.id) return;
    built = true;
    for (const j of app.catalogue.judges.values()) judge.append(h('option', { value: j.id, text: j.name }));
    for (const c of app.catalogue.contest.criteria || []) {
      const input = h('input', { type: 'number', min: '0', max: String(c.max), step: 'any', dataset: { criterion: c.id }, id: `fix-mark-${c.id}` });
      inputs.set(c.id, input);
      marks.append(h('label', {}, `${c.name} (0–${c.max})`, input));
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const [round, entryId] = entry.value.split('/');
    if (!entryId) return app.dialogs.notice(t('fix.pickEntry'));
    const values = {};
    for (const [id, input] of inputs) {
      if (input.value === '') return app.dialogs.notice(t('fix.needMarks'));
      values[id] = Number(input.value);
    }
    if (!reason.value.trim()) return app.dialogs.notice(t('fix.needReason'));
    const operator = await operatorName(app);
    if (!operator) return;
    const judgeName = app.catalogue.judgeName(judge.value);
    const title = app.catalogue.entry(entryId).title;
    const ack = await app.command('correct_score', { judge: judge.value, round, entry: entryId, marks: values, reason: reason.value.trim(), operator },
      { confirm: t('confirm.correct_score', { judge: judgeName, title, reason: reason.value.trim() }) });
    if (ack) {
      app.dialogs.notice(t('fix.done', { judge: judgeName, title }), 'ok');
      reason.value = '';
      for (const input of inputs.values()) input.value = '';
    }
  });

  return {
    el,
    render(state) {
      build();
      const previous = entry.value;
      const options = [];
      for (const round of state.rounds || []) {
        for (const item of roundOrder(state, round.id)) {
          if (item.status === 'locked' || item.status === 'revealed') {
            options.push({ value: `${round.id}/${item.entry}`, text: `${app.catalogue.roundName(round.id)} · ${quoted(app.catalogue.entry(item.entry).title)}` });
          }
        }
      }
      const wanted = app.ui.entry && options.find((o) => o.value.endsWith(`/${app.ui.entry}`)) ? `${app.ui.round}/${app.ui.entry}` : previous;
      clear(entry);
      for (const o of options) entry.append(h('option', o));
      if (options.some((o) => o.value === wanted)) entry.value = wanted;
      if (entry.value !== previous) prefill();
    },
  };
}
