// The judges at a glance (docs/protocol.md, "Judges' presence"): who is connected, when each
// was last seen, how many entries each has scored, and a button per judge to revoke a lost or
// photographed card and issue a new one, whose card then prints from the judge-cards page.
import { h, clear, setText } from '/v/lib/dom.js';

// "14:05:09" in the console's local time.
function timeOfDay(ms) {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export function cardUrl(judge) {
  return `/d/judge-cards.html?judge=${encodeURIComponent(judge)}`;
}

export function createPresencePanel(app) {
  const { t } = app;
  const summary = h('span', { class: 'panel-summary', id: 'presence-summary' });
  const body = h('tbody');
  const el = h('section', { class: 'panel presence', id: 'presence-panel' },
    h('div', { class: 'panel-head' }, h('h2', { text: t('presence.title') }), summary),
    h('table', { class: 'judge-table presence-table' }, body),
    h('p', { class: 'panel-hint', text: t('presence.hint') }));
  const reissued = new Set();  // judges given a new card from this console: a print link each

  async function reissue(judge) {
    const name = judge.name || judge.judge;
    const ack = await app.command('reissue_judge_token', { judge: judge.judge },
      { confirm: t('presence.confirm', { name }) });
    if (!ack) return;
    reissued.add(judge.judge);
    app.dialogs.notice(t('presence.done', { name }), 'ok');
    // The card page reads the new token from the server (GET /api/contest), so the token in the
    // ack need not travel further than this console. Opened with an opener: the new window then
    // gets a copy of this session's storage, the host key with it (noopener would ask again).
    window.open(cardUrl(judge.judge), '_blank');
    render(app.state);
  }

  function render(state) {
    const judges = state?.host?.judges || [];
    clear(body);
    let online = 0;
    for (const judge of judges) {
      if (judge.connected) online += 1;
      const seen = judge.connected ? t('presence.now')
        : judge.last_seen ? timeOfDay(judge.last_seen) : t('presence.never');
      const button = h('button', { class: 'btn small', type: 'button', dataset: { reissue: judge.judge },
        text: t('presence.reissue') });
      button.addEventListener('click', () => reissue(judge));
      const print = reissued.has(judge.judge)
        ? h('a', { class: 'presence-print', href: cardUrl(judge.judge), target: '_blank', rel: 'opener',
          dataset: { print: judge.judge }, text: t('presence.print') })
        : null;
      body.append(h('tr', { class: judge.connected ? 'presence-on' : 'presence-off',
        dataset: { judge: judge.judge, connected: String(Boolean(judge.connected)) } },
        h('td', {}, h('span', { class: `presence-dot${judge.connected ? ' on' : ''}`,
          title: t(judge.connected ? 'presence.connected' : 'presence.away') })),
        h('td', { class: 'j-name', text: judge.name || judge.judge }),
        h('td', { class: 'presence-seen', text: seen }),
        h('td', { class: 'presence-scored', text: t('presence.scored', { n: judge.scored ?? 0 }) }),
        h('td', { class: 'presence-reissued', text: judge.reissued ? t('presence.reissued', { n: judge.reissued }) : '' }),
        h('td', { class: 'presence-actions' }, button, print)));
    }
    setText(summary, judges.length ? t('presence.summary', { online, total: judges.length }) : '');
  }

  return {
    el,
    render,
    // {"type":"presence"}: connected and last seen, merged into the state's judges.
    merge(state, presence) {
      const byId = new Map((presence || []).map((p) => [p.judge, p]));
      const judges = (state.host?.judges || []).map((j) => ({ ...j, ...(byId.get(j.judge) || {}) }));
      return { ...state, host: { ...(state.host || {}), judges } };
    },
  };
}
