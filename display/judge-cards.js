// Printable judge cards: with the host key (kept in sessionStorage under the name the host
// console uses), fetch the contest and lay out one A4 card per judge whose QR code opens
// /judge#t=TOKEN on the judge's phone.
const HOST_KEY = 'stagevote.hostKey';

const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

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
  const node = el('section', 'card');
  node.dataset.judge = judge.id;
  node.append(el('p', 'contest', contest.contest.name));
  if (contest.contest.subtitle) node.append(el('p', 'subtitle', contest.contest.subtitle));
  node.append(el('p', 'role', '评 委 卡'));
  node.append(el('h2', 'name', judge.name));
  const title = [judge.title, judge.unit].filter(Boolean).join(' · ');
  if (title) node.append(el('p', 'title', title));
  const qr = el('img', 'qr');
  qr.src = `/qr.svg?text=${encodeURIComponent(url)}`;
  qr.alt = `${judge.name} 的评分二维码`;
  node.append(qr);
  node.append(el('p', 'url', url));
  // For a phone that cannot scan: the code to type on the sign-in page of /judge.
  const code = el('p', 'token', '评委口令：');
  code.append(el('b', null, judge.token));
  node.append(code);
  const steps = el('div', 'steps');
  steps.append(el('h3', null, '使用说明'));
  const list = el('ol');
  for (const line of [
    '手机连接会场 Wi-Fi，用相机或微信扫描上方二维码，打开评分页（无法扫码时，打开上面的网址并输入评委口令）。',
    '页面会显示您的姓名；节目上台后展开该节目，按各项标准打分并提交。',
    '看到“已提交，服务器确认总分”才算提交成功；主持人锁定前可修改。',
    '本单位作品自动回避，无需评分。',
  ]) list.append(el('li', null, line));
  steps.append(list);
  node.append(steps);
  node.append(el('p', 'keep', '本卡含个人评分口令，请妥善保管，勿转交他人。'));
  return node;
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
    $('keyform').hidden = false;
    $('hostkey').focus();
    return;
  }
  $('status').textContent = '正在载入评委名单…';
  const res = await fetch('/api/contest', { headers: { Authorization: `Bearer ${key}` } });
  if (res.status === 401) {
    sessionStorage.removeItem(HOST_KEY);
    $('keyform').hidden = false;
    $('key-error').hidden = false;
    $('key-error').textContent = '主持人密钥不正确，请重新输入。';
    $('status').textContent = '';
    return;
  }
  if (!res.ok) {
    $('status').textContent = `载入失败（HTTP ${res.status}），请刷新重试。`;
    return;
  }
  const contest = await res.json();
  const origin = await publicOrigin();
  const judges = contest.judges || [];
  $('sheets').replaceChildren(...judges.map((judge) => card(contest, judge, origin)));
  $('keyform').hidden = true;
  $('toolbar').hidden = false;
  $('toolbar-title').textContent = `评委卡 · ${contest.contest.name} · 共 ${judges.length} 张`;
  $('status').textContent = `已生成 ${judges.length} 张评委卡，每张 A4 一页。`;
  document.title = `评委卡 · ${contest.contest.name}`;
}

$('keyform').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('hostkey').value.trim();
  if (!key) return;
  sessionStorage.setItem(HOST_KEY, key);
  $('key-error').hidden = true;
  load();
});
$('print').addEventListener('click', () => window.print());

load();
