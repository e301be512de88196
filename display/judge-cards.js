// Printable judge cards: with the host key (kept in sessionStorage under the name the host
// console uses), fetch the contest and lay out one A4 card per judge whose QR code opens
// /judge#t=TOKEN on the judge's phone. `?judge=ID` lays out that judge's card only: the host
// console opens it after reissuing the judge's token, and the server has the new token by then.
import { byId, h } from '/v/lib/dom.js';

const HOST_KEY = 'stagevote.hostKey';

// The address phones can reach: the server's join URL (its LAN address or --public-url),
// falling back to the address this page was opened with.
async function publicOrigin() {
  try {
    const res = await fetch('/api/info');
    if (res.ok) {
      const info = await res.json();
      if (info.join_url) return new URL(info.join_url).origin;
    }
  } catch { /* fall back */ }
  return location.origin;
}

function card(contest, judge, origin) {
  const url = `${origin}/judge#t=${encodeURIComponent(judge.token)}`;
  const title = [judge.title, judge.unit].filter(Boolean).join(' · ');
  return h('section', { class: 'card', dataset: { judge: judge.id } },
    h('p', { class: 'contest', text: contest.contest.name }),
    contest.contest.subtitle ? h('p', { class: 'subtitle', text: contest.contest.subtitle }) : null,
    h('p', { class: 'role', text: '评 委 卡' }),
    h('h2', { class: 'name', text: judge.name }),
    title ? h('p', { class: 'title', text: title }) : null,
    h('img', { class: 'qr', src: `/qr.svg?text=${encodeURIComponent(url)}`, alt: `${judge.name} 的评分二维码` }),
    h('p', { class: 'url', text: url }),
    // For a phone that cannot scan: the code to type on the sign-in page of /judge.
    h('p', { class: 'token' }, '评委口令：', h('b', { text: judge.token })),
    h('div', { class: 'steps' },
      h('h3', { text: '使用说明' }),
      h('ol', null, [
        '手机连接会场 Wi-Fi，用相机或微信扫描上方二维码，打开评分页（无法扫码时，打开上面的网址并输入评委口令）。',
        '页面会显示您的姓名；节目上台后展开该节目，按各项标准打分并提交。',
        '看到“已提交，服务器确认总分”才算提交成功；主持人锁定前可修改。',
        '本单位作品自动回避，无需评分。',
      ].map((line) => h('li', { text: line })))),
    h('p', { class: 'keep', text: '本卡含个人评分口令，请妥善保管，勿转交他人。' }));
}

// The host console may store the key as a plain string or JSON-encoded: accept both.
function storedKey() {
  const raw = sessionStorage.getItem(HOST_KEY);
  if (raw && raw.startsWith('"')) {
    try { return JSON.parse(raw); } catch { /* plain */ }
  }
  return raw;
}

async function load() {
  const key = storedKey();
  if (!key) {
    byId('keyform').hidden = false;
    byId('hostkey').focus();
    return;
  }
  byId('status').textContent = '正在载入评委名单…';
  const res = await fetch('/api/contest', { headers: { Authorization: `Bearer ${key}` } });
  if (res.status === 401) {
    sessionStorage.removeItem(HOST_KEY);
    byId('keyform').hidden = false;
    byId('key-error').hidden = false;
    byId('key-error').textContent = '主持人密钥不正确，请重新输入。';
    byId('status').textContent = '';
    return;
  }
  if (!res.ok) {
    byId('status').textContent = `载入失败（HTTP ${res.status}），请刷新重试。`;
    return;
  }
  const contest = await res.json();
  const origin = await publicOrigin();
  const only = new URLSearchParams(location.search).get('judge');
  const judges = (contest.judges || []).filter((judge) => !only || judge.id === only);
  byId('sheets').replaceChildren(...judges.map((judge) => card(contest, judge, origin)));
  byId('keyform').hidden = true;
  byId('toolbar').hidden = false;
  byId('toolbar-title').textContent = `评委卡 · ${contest.contest.name} · 共 ${judges.length} 张`;
  byId('status').textContent = `已生成 ${judges.length} 张评委卡，每张 A4 一页。`;
  document.title = `评委卡 · ${contest.contest.name}`;
}

byId('keyform').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = byId('hostkey').value.trim();
  if (!key) return;
  sessionStorage.setItem(HOST_KEY, key);
  byId('key-error').hidden = true;
  load();
});
byId('print').addEventListener('click', () => window.print());

load();
