// Left column: the rounds with their running order and each entry's status; selecting an
// entry targets it for "start"; ticking entries builds a poll over several; 抽签 per round.
import { h, clear } from '/v/lib/dom.js';
import { orderNumber, quoted } from '/v/lib/format.js';
import { canDraw, currentRound, roundOrder } from './flow.js';

export function createRunOfShow(app) {
  const { t } = app;
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const drawButton = h('button', { class: 'btn small', id: 'btn-draw', type: 'button', text: t('ros.draw'), title: t('ros.drawHint') });
  const list = h('ol', { class: 'ros-list' });
  const el = h('section', { class: 'panel ros' },
    h('div', { class: 'panel-head' }, h('h2', { text: t('ros.title') }), drawButton),
    tabs,
    h('p', { class: 'panel-hint', text: t('ros.pollSet') }),
    list);

  drawButton.addEventListener('click', () => {
    const round = app.ui.round;
    app.command('draw_order', { round }, { confirm: t('confirm.draw_order', { round: app.catalogue.roundName(round) }) });
  });

  let followed = null;  // the on-stage entry we last scrolled to: follow the show, not fight the host

  function render(state) {
    if (!app.ui.round) app.ui.round = currentRound(state, app.ui);
    const rounds = state.rounds || [];
    clear(tabs);
    for (const round of rounds) {
      const on = round.id === app.ui.round;
      const done = round.order.filter((o) => o.status === 'revealed').length;
      tabs.append(h('button', {
        class: `tab${on ? ' on' : ''}${state.stage?.round === round.id ? ' live' : ''}`, type: 'button', role: 'tab', 'aria-selected': String(on),
        dataset: { round: round.id },
        onclick: () => { app.ui.round = round.id; app.ui.entry = null; app.refresh(); },
      }, app.catalogue.roundName(round.id), h('span', { class: 'tab-count', text: `${done}/${round.order.length}` })));
    }
    drawButton.disabled = !canDraw(state, app.ui.round);
    clear(list);
    roundOrder(state, app.ui.round).forEach((item, index) => {
      const entry = app.catalogue.entry(item.entry);
      const checkbox = h('input', {
        type: 'checkbox', class: 'ros-check', title: t('ros.pollSet'), checked: app.ui.checked.has(item.entry),
        onclick: (event) => event.stopPropagation(),
        onchange: (event) => {
          if (event.target.checked) app.ui.checked.add(item.entry);
          else app.ui.checked.delete(item.entry);
          app.refresh();
        },
      });
      const selected = app.ui.entry === item.entry;
      list.append(h('li', {
        class: `ros-item status-${item.status}${selected ? ' selected' : ''}`,
        dataset: { entry: item.entry, status: item.status },
        tabindex: '0',
        onclick: () => { app.ui.entry = selected ? null : item.entry; app.refresh(); },
      },
      checkbox,
      h('span', { class: 'ros-num', text: orderNumber(index + 1) }),
      h('span', { class: 'ros-text' },
        h('span', { class: 'ros-title', text: quoted(entry.title) }),
        h('span', { class: 'ros-unit', text: [entry.unit, entry.form].filter(Boolean).join(' · ') })),
      h('span', { class: 'ros-chips' },
        h('span', { class: `chip ${item.status}`, text: t(`status.${item.status}`) }),
        item.amended ? h('span', { class: 'chip amended', text: t('status.amended') }) : null)));
    });
    const live = state.stage && state.stage.round === app.ui.round ? state.stage.entry : null;
    if (live && live !== followed) {
      followed = live;
      list.querySelector(`[data-entry="${live}"]`)?.scrollIntoView({ block: 'center' });
    }
  }

  return { el, render };
}
