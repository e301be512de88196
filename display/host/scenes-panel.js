// Right column: what the display shows. One button per scene, with the few parameters
// some scenes need (round, award tier, commentary name/title/text, message text).
import { h, clear, setText } from '/v/lib/dom.js';

export function createScenesPanel(app) {
  const { t } = app;
  const current = h('span', { class: 'panel-summary', id: 'scene-current' });
  const round = h('select', { id: 'scene-round' });
  const tier = h('select', { id: 'scene-tier', title: t('scenes.tier'), 'aria-label': t('scenes.tier') });
  const judgePick = h('select', { id: 'commentary-judge' });
  const name = h('input', { id: 'commentary-name', type: 'text', placeholder: t('scenes.name') });
  const jobTitle = h('input', { id: 'commentary-title', type: 'text', placeholder: t('scenes.jobTitle') });
  const remark = h('input', { id: 'commentary-text', type: 'text', placeholder: t('scenes.text') });
  const message = h('textarea', { id: 'message-text', rows: 2, placeholder: t('scenes.text') });
  const buttons = {};
  // The join corner (QR code over the other scenes while a poll is open): shown unless hidden here.
  const cornerBox = h('input', { id: 'join-corner-visible', type: 'checkbox', checked: true });
  const cornerHint = h('span', { class: 'panel-hint join-corner-hint', id: 'join-corner-hint' });
  cornerBox.addEventListener('change', async () => {
    const visible = cornerBox.checked;
    const ack = await app.command('set_join_corner', { visible });
    // Refused or offline: the box goes back to what the screens show.
    if (!ack && app.state) cornerBox.checked = app.state.join_corner?.visible !== false;
  });

  const button = (scene, params = () => ({}), options = {}) => {
    const b = h('button', { class: `btn scene-btn${options.danger ? ' danger' : ''}`, id: `scene-${scene}`, type: 'button', dataset: { scene }, text: t(`scene.${scene}`) });
    b.addEventListener('click', () => {
      const fields = params();
      if (fields === null) return;
      app.command('show', { scene, ...fields }, options.confirm ? { confirm: t(options.confirm) } : {});
    });
    buttons[scene] = b;
    return b;
  };

  judgePick.addEventListener('change', () => {
    const judge = app.catalogue.judges.get(judgePick.value);
    if (judge) {
      name.value = judge.name;
      jobTitle.value = judge.title || '';
    }
  });

  const el = h('section', { class: 'panel scenes' },
    h('div', { class: 'panel-head' }, h('h2', { text: t('scenes.title') }), current),
    h('div', { class: 'scene-grid' },
      button('standby'),
      button('order', () => ({ round: round.value })),
      button('stage'),
      button('poll', () => {
        const poll = app.state?.poll || app.state?.last_poll;
        return poll ? { poll: poll.id } : {};
      }),
      button('reveal', () => {
        const stage = app.state?.stage;
        return stage ? { round: stage.round, entry: stage.entry } : {};
      }),
      button('leaderboard', () => ({ round: round.value })),
      button('blackout', () => ({}), { danger: true, confirm: 'confirm.blackout' })),
    h('div', { class: 'scene-params' },
      h('label', {}, t('scenes.round'), round),
      tier,
      button('awards', () => (tier.value ? { round: round.value, tier: tier.value } : { round: round.value }))),
    h('div', { class: 'scene-group' },
      judgePick, name, jobTitle, remark,
      button('commentary', () => (name.value.trim() ? { name: name.value.trim(), title: jobTitle.value.trim(), text: remark.value.trim() } : null))),
    h('div', { class: 'scene-group' },
      message,
      button('message', () => (message.value.trim() ? { text: message.value.trim() } : null))),
    h('div', { class: 'scene-group join-corner-group' },
      h('label', { for: 'join-corner-visible' }, cornerBox, t('scenes.joinCorner')),
      cornerHint));

  let filled = false;
  function fillOptions(state) {
    if (filled || !app.catalogue.contest.id) return;
    filled = true;
    for (const r of app.catalogue.contest.rounds || []) round.append(h('option', { value: r.id, text: r.name }));
    tier.append(h('option', { value: '', text: t('scenes.tierAll') }));
    for (const a of [...app.catalogue.awards].reverse()) tier.append(h('option', { value: a.id, text: a.name }));
    tier.append(h('option', { value: 'popularity', text: app.catalogue.contest.popularity_award || 'popularity' }));
    judgePick.append(h('option', { value: '', text: t('scenes.pickJudge') }));
    for (const j of app.catalogue.judges.values()) judgePick.append(h('option', { value: j.id, text: `${j.name}${j.title ? ` · ${j.title}` : ''}` }));
  }

  return {
    el,
    render(state) {
      fillOptions(state);
      if (document.activeElement !== round && state.stage?.round && round.dataset.synced !== state.stage.round) {
        round.value = state.stage.round;
        round.dataset.synced = state.stage.round;
      }
      const name = state.scene?.name || 'standby';
      setText(current, t('scenes.current', { name: t(`scene.${name}`) }));
      for (const [scene, b] of Object.entries(buttons)) b.classList.toggle('on', scene === name);
      const cornerVisible = state.join_corner?.visible !== false;
      cornerBox.checked = cornerVisible;
      setText(cornerHint, t(cornerVisible ? 'scenes.joinCornerHint' : 'scenes.joinCornerHidden'));
    },
    reset() { filled = false; clear(round); clear(tier); clear(judgePick); },
  };
}
