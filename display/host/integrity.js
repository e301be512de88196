// The integrity panel (GET /api/integrity, docs/protocol.md): is the audience vote one
// person, one vote right now? Audience identities and connections, new identities per minute
// over the last ten minutes (a bar chart in plain SVG), votes in the last minute of the open
// poll, the busiest source addresses, refusals by reason, and a banner when the server's
// alert thresholds are crossed. Polled every 2 s while the console is in sight (a hidden tab
// asks nothing), with the host key as for every host-only endpoint.
import { h, clear, setText } from '/v/lib/dom.js';
import { count } from '/v/lib/format.js';
import { storedKey } from './auth.js';

const POLL_MS = 2000;
const SVG = 'http://www.w3.org/2000/svg';
const CHART = { width: 400, height: 96, gap: 6, top: 16, bottom: 18 };

function svg(tag, attrs = {}, text = null) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== null) el.textContent = text;
  return el;
}

// Ten bars, oldest first; the newest (this minute) is the one an alert is about. Class names
// of their own: the console also loads display.css, whose poll bars are sized by CSS.
function barChart(values, t) {
  const n = values.length || 1;
  const { width, height, gap, top, bottom } = CHART;
  const barWidth = (width - gap * (n - 1)) / n;
  const max = Math.max(1, ...values);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'integrity-chart', id: 'integrity-chart', role: 'img',
    'aria-label': t('integrity.chartLabel', { values: values.join(', ') }) });
  values.forEach((value, i) => {
    const x = i * (barWidth + gap);
    const barHeight = value ? Math.max(2, ((height - top - bottom) * value) / max) : 0;
    const y = height - bottom - barHeight;
    chart.append(svg('rect', { x, y, width: barWidth, height: barHeight, rx: 2, class: i === n - 1 ? 'ichart-bar now' : 'ichart-bar' }));
    if (value) chart.append(svg('text', { x: x + barWidth / 2, y: y - 3, class: 'ichart-value' }, count(value)));
    chart.append(svg('text', { x: x + barWidth / 2, y: height - 4, class: 'ichart-label' },
      i === n - 1 ? t('integrity.now') : `-${n - 1 - i}`));
  });
  chart.append(svg('line', { x1: 0, x2: width, y1: height - bottom + 0.5, y2: height - bottom + 0.5, class: 'ichart-axis' }));
  return chart;
}

export function createIntegrityPanel(app) {
  const { t } = app;
  const updated = h('span', { class: 'panel-summary', id: 'integrity-updated' });
  // In the header, so that an alert is seen whatever the console is scrolled to.
  const badge = h('button', { class: 'btn small alert-badge', id: 'integrity-badge', type: 'button', hidden: true, text: t('integrity.badge'),
    onclick: () => el.scrollIntoView({ behavior: 'smooth', block: 'start' }) });
  const banner = h('div', { class: 'integrity-alert', id: 'integrity-alert', role: 'alert', hidden: true });
  const figure = (id, label) => {
    const value = h('strong', { class: 'figure-value', id });
    return [h('div', { class: 'integrity-figure' }, h('span', { class: 'figure-label', text: label }), value), value];
  };
  const [connectionsBox, connections] = figure('integrity-connections', t('integrity.connections'));
  const [identitiesBox, identities] = figure('integrity-identities', t('integrity.identities'));
  const [votesBox, votes] = figure('integrity-votes', t('integrity.votesMinute'));
  // Addresses being slowed for wrong host keys, display keys or judge tokens (someone guessing).
  const [slowedBox, slowed] = figure('integrity-slowed-keys', t('integrity.slowedKeys'));
  slowedBox.title = t('integrity.slowedKeysHint');
  const chartBox = h('div', { class: 'integrity-chart-box' });
  const busiestBody = h('tbody');
  const busiest = h('table', { class: 'integrity-table', id: 'integrity-busiest' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', text: t('integrity.address') }),
      h('th', { scope: 'col', text: t('integrity.addrConnections') }),
      h('th', { scope: 'col', text: t('integrity.addrIdentities') }),
      h('th', { scope: 'col', text: t('integrity.addrRefusals') }))),
    busiestBody);
  const refusals = h('div', { class: 'integrity-refusals', id: 'integrity-refusals' });
  const limits = h('p', { class: 'panel-hint', id: 'integrity-limits' });
  const problem = h('p', { class: 'panel-hint integrity-problem', id: 'integrity-problem', hidden: true });
  const el = h('section', { class: 'panel integrity', id: 'integrity-panel' },
    h('div', { class: 'panel-head' }, h('h2', { text: t('integrity.title') }), updated),
    banner,
    problem,
    h('div', { class: 'integrity-figures' }, connectionsBox, identitiesBox, votesBox, slowedBox),
    h('h3', { text: t('integrity.newPerMinute') }), chartBox,
    h('h3', { text: t('integrity.busiest') }), busiest,
    h('h3', { text: t('integrity.refusals') }), refusals,
    limits);

  function render(panel) {
    problem.hidden = true;
    el.dataset.loaded = '1';
    setText(updated, t('integrity.updated', { time: new Date().toLocaleTimeString(app.i18n.lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false }) }));
    const alerts = panel.alerts || [];
    banner.hidden = alerts.length === 0;
    badge.hidden = alerts.length === 0;
    el.classList.toggle('alerting', alerts.length > 0);
    clear(banner).append(...alerts.map((alert) => h('p', { class: 'alert-line', dataset: { kind: alert.kind } },
      h('strong', { text: t(`integrity.alert.${alert.kind}`) === `integrity.alert.${alert.kind}` ? alert.kind : t(`integrity.alert.${alert.kind}`) }),
      ' ', t('integrity.alertFigures', { count: count(alert.count), threshold: count(alert.threshold) }))));
    setText(connections, count(panel.audience?.connections));
    setText(identities, count(panel.audience?.identities));
    setText(votes, panel.poll ? count(panel.poll.votes_last_minute) : '—');
    const slowedCount = panel.credentials?.slowed_addresses || 0;
    setText(slowed, count(slowedCount));
    slowedBox.classList.toggle('refused', slowedCount > 0);
    votesBox.title = panel.poll ? t('integrity.pollTotal', { poll: panel.poll.id, total: count(panel.poll.total) }) : t('integrity.noPoll');
    clear(chartBox).append(barChart(panel.new_identities_per_minute || [], t));
    clear(busiestBody);
    for (const row of panel.busiest || []) {
      busiestBody.append(h('tr', { dataset: { address: row.address } },
        h('td', { class: 'addr', text: row.address }),
        h('td', { text: count(row.connections) }),
        h('td', { text: count(row.identities) }),
        h('td', { class: row.refusals ? 'refused' : '', text: count(row.refusals) })));
    }
    if (!(panel.busiest || []).length) busiestBody.append(h('tr', {}, h('td', { colspan: 4, class: 'empty', text: t('integrity.none') })));
    const reasons = Object.entries(panel.refusals || {}).filter(([, n]) => n > 0);
    clear(refusals).append(...(reasons.length
      ? reasons.map(([reason, n]) => h('span', { class: 'chip refusal', dataset: { reason } },
        `${t(`integrity.reason.${reason}`) === `integrity.reason.${reason}` ? reason : t(`integrity.reason.${reason}`)} ${count(n)}`))
      : [h('span', { class: 'panel-hint', text: t('integrity.noRefusals') })]));
    const a = panel.admission || {};
    const cap = (n) => (n > 0 ? count(n) : t('integrity.noCap'));
    setText(limits, t('integrity.limits', {
      identities: cap(a.identities_per_address), minutes: Math.round((a.identity_window_s || 0) / 60),
      connections: cap(a.connections_per_address), max: cap(a.max_audience),
    }));
  }

  let timer = null;
  let inFlight = false;
  async function poll() {
    clearTimeout(timer);
    // A hidden console asks nothing (visibilitychange starts it again), nor does one whose
    // server is down (the next welcome does).
    if (document.visibilityState !== 'visible' || !app.client?.online) return;
    if (!inFlight) {
      inFlight = true;
      try {
        const response = await fetch('/api/integrity', { headers: { Authorization: `Bearer ${storedKey()}` }, cache: 'no-store' });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        render(await response.json());
      } catch (err) {
        problem.hidden = false;
        setText(problem, t('integrity.failed', { reason: err.message }));
      } finally {
        inFlight = false;
      }
    }
    timer = setTimeout(poll, POLL_MS);
  }
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') poll(); });

  return {
    el,
    badge,
    start: poll,   // at every welcome; it is fed by its own polling, not by the state
  };
}
