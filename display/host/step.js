// Centre column, top: the entry on stage and the controls for the current step, with the
// live vote count. The button of the next step is highlighted and bound to the space key.
import { h, clear, setText } from '/v/lib/dom.js';
import { clock, count, orderNumber, percent, quoted, ratio } from '/v/lib/format.js';
import { canCloseAudience, currentRound, nextStep } from './flow.js';

const DURATIONS = [30, 60, 90, 120, 180, 300, 0];

export function createStepPanel(app) {
  const { t } = app;
  const card = h('div', { class: 'step-card' });
  const buttons = {};
  const row = h('div', { class: 'flow-buttons' });
  for (const action of ['start_entry', 'open_poll', 'close_poll', 'lock_scores', 'reveal']) {
    buttons[action] = h('button', { class: 'btn flow', id: `btn-${action.replace('_', '-')}`, type: 'button', dataset: { action } },
      h('span', { class: 'flow-label', text: t(`act.${action}`) }), h('kbd', { text: t('step.space') }));
    buttons[action].addEventListener('click', () => app.runStep(action));
    row.append(buttons[action]);
  }
  const unlock = h('button', { class: 'btn small ghost', id: 'btn-unlock', type: 'button', text: t('act.unlock_scores') });
  unlock.addEventListener('click', () => app.unlock());
  // Relative mode only: ends the round's audience vote (results then stop being 暂计).
  const closeAudience = h('button', { class: 'btn small', id: 'btn-close-audience', type: 'button', text: t('act.close_audience') });
  closeAudience.addEventListener('click', () => app.closeAudience(currentRound(app.state, app.ui)));
  const audienceNote = h('span', { class: 'audience-note', id: 'audience-note' });

  const duration = h('select', { id: 'poll-duration' },
    DURATIONS.map((s) => h('option', { value: String(s), text: s ? t('poll.seconds', { n: s }) : t('poll.untilClosed'), selected: s === app.ui.duration })));
  duration.addEventListener('change', () => { app.ui.duration = Number(duration.value); });
  const scopeStage = h('input', { type: 'radio', name: 'scope', value: 'stage', checked: true });
  const scopeChecked = h('input', { type: 'radio', name: 'scope', value: 'checked', id: 'scope-checked' });
  const scopeCheckedLabel = h('span');
  for (const radio of [scopeStage, scopeChecked]) radio.addEventListener('change', () => { app.ui.scope = radio.value; app.refresh(); });
  const settings = h('div', { class: 'poll-settings' },
    h('label', {}, t('poll.duration'), duration),
    h('span', { class: 'settings-label', text: t('poll.scope') }),
    h('label', { class: 'radio' }, scopeStage, t('poll.scopeStage')),
    h('label', { class: 'radio' }, scopeChecked, scopeCheckedLabel));

  const pollState = h('span', { class: 'live-state' });
  const pollTotal = h('span', { class: 'live-total', id: 'live-votes' });
  const pollClock = h('span', { class: 'live-clock' });
  const pollRows = h('div', { class: 'poll-rows-mini' });
  const pollBox = h('div', { class: 'poll-box' },
    h('div', { class: 'poll-box-head' }, h('span', { text: t('poll.title') }), pollState, pollClock,
      h('span', { class: 'live-total-label', text: t('poll.total') }), pollTotal),
    pollRows);

  const el = h('section', { class: 'panel step' },
    h('div', { class: 'panel-head' }, h('h2', { text: t('step.title') }), audienceNote, closeAudience, unlock),
    card, row, settings, pollBox);

  function renderCard(state) {
    clear(card);
    const stage = state.stage;
    if (!stage) {
      card.append(h('div', { class: 'step-empty', text: t('step.none') }));
      return;
    }
    const entry = app.catalogue.entry(stage.entry);
    card.append(
      h('div', { class: 'step-num', text: orderNumber(stage.order ?? app.catalogue.position(state, stage.round, stage.entry)) }),
      h('div', { class: 'step-text' },
        h('div', { class: 'step-title', id: 'stage-title', text: quoted(entry.title) }),
        h('div', { class: 'step-unit', text: [app.catalogue.roundName(stage.round), entry.unit, entry.form, entry.theme].filter(Boolean).join(' · ') })),
      h('span', { class: `chip phase ${state.phase}`, id: 'phase', dataset: { phase: state.phase }, text: t(`phase.${state.phase}`) || state.phase }));
  }

  function renderButtons(state) {
    const next = nextStep(state, app.ui);
    const phase = state.phase || 'idle';
    const stage = state.stage;
    const allowed = {
      start_entry: !stage || ['idle', 'revealed', 'on_stage'].includes(phase),
      open_poll: Boolean(stage) && phase === 'on_stage',
      close_poll: Boolean(state.poll),
      lock_scores: Boolean(stage) && ['on_stage', 'poll_closed'].includes(phase),
      reveal: Boolean(stage) && phase === 'locked',
    };
    for (const [action, button] of Object.entries(buttons)) {
      button.disabled = !allowed[action] && next?.action !== action;
      button.classList.toggle('next', next?.action === action);
    }
    const startLabel = buttons.start_entry.querySelector('.flow-label');
    if (next?.action === 'start_entry' || (!next && !stage)) {
      const target = next?.fields.entry;
      setText(startLabel, target ? `${t(stage ? 'act.next_entry' : 'act.start_entry')}：${quoted(app.catalogue.entry(target).title)}` : t('step.done'));
      buttons.start_entry.disabled = !target;
    } else {
      setText(startLabel, t('act.start_entry'));
    }
    unlock.hidden = phase !== 'locked';
    const rating = app.catalogue.audienceMode === 'rating';
    setText(buttons.open_poll.querySelector('.flow-label'), t(rating ? 'act.open_rating' : 'act.open_poll'));
    const round = currentRound(state, app.ui);
    const closed = (state.rounds || []).find((r) => r.id === round)?.audience_closed;
    closeAudience.hidden = rating || !round || closed;
    closeAudience.disabled = !canCloseAudience(state, round);
    setText(audienceNote, rating ? t('audience.rating', { n: app.catalogue.minRatings })
      : closed ? t('audience.closed') : t('audience.provisional'));
    audienceNote.dataset.closed = closed ? 'true' : 'false';
    setText(scopeCheckedLabel, t('poll.scopeChecked', { n: app.ui.checked.size }));
    scopeChecked.disabled = app.ui.checked.size === 0;
    if (scopeChecked.disabled && app.ui.scope === 'checked') { app.ui.scope = 'stage'; scopeStage.checked = true; }
  }

  function renderPoll(state) {
    const poll = state.poll || state.last_poll;
    if (!poll) {
      setText(pollState, t('poll.none'));
      setText(pollTotal, '0');
      setText(pollClock, '');
      clear(pollRows);
      return;
    }
    const tally = app.tallies.get(poll.id);
    const open = state.poll?.id === poll.id && tally?.open !== false;
    const counts = tally?.counts || poll.counts || {};
    const total = tally?.total ?? poll.total ?? 0;
    setText(pollState, open ? t('poll.open') : t('poll.closed'));
    pollState.className = `live-state ${open ? 'open' : 'closed'}`;
    setText(pollTotal, count(total));
    const closesAt = tally?.closes_at ?? poll.closes_at;
    setText(pollClock, open && closesAt ? t('poll.remaining', { t: clock(closesAt - app.client.now()) }) : '');
    clear(pollRows);
    const max = Math.max(1, ...poll.entries.map((e) => counts[e] || 0));
    for (const entryId of poll.entries) {
      const value = counts[entryId] || 0;
      pollRows.append(h('div', { class: 'mini-row', dataset: { entry: entryId } },
        h('span', { class: 'mini-title', text: quoted(app.catalogue.entry(entryId).title) }),
        h('span', { class: 'mini-bar' }, h('i', { style: { transform: `scaleX(${ratio(value, max)})` } })),
        h('span', { class: 'mini-count', text: count(value) }),
        h('span', { class: 'mini-pct', text: percent(value, total) })));
    }
  }

  return {
    el,
    render(state) {
      renderCard(state);
      renderButtons(state);
      renderPoll(state);
    },
    tick(state) { renderPoll(state); },
  };
}
