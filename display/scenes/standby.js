// Before the show and between parts: the contest's name, its motto, and the QR code that
// brings the audience's phones to the voting page.
import { h } from '/v/lib/dom.js';
import { footer, lowerThird } from './chrome.js';

export function shortUrl(url) {
  return String(url || '').replace(/^https?:\/\//, '').replace(/\/$/, '');
}

export function qrImage(url, className = 'qr') {
  return h('img', { class: className, alt: shortUrl(url), src: `/qr.svg?text=${encodeURIComponent(url)}` });
}

// Breaks a contest name after its quoted brand (“椰树杯” / 党建…大赛) rather than wherever
// the line happens to end, which in Chinese can split a word.
export function titleLines(name) {
  const text = String(name || '');
  const at = Math.max(text.indexOf('”'), text.indexOf('」'), text.indexOf('》'));
  if (at > 0 && at < text.length - 4) return [text.slice(0, at + 1), text.slice(at + 1)];
  return [text];
}

export default {
  key: () => '',
  mount(ctx) {
    const { t } = ctx;
    const contest = ctx.catalogue.contest;
    const joinUrl = ctx.info.join_url;
    if (ctx.overlay) {
      return { el: lowerThird({ tab: '◆', kicker: contest.subtitle, title: contest.name, detail: `${t('standby.scan')}  ${shortUrl(joinUrl)}` }) };
    }
    const el = h('section', {},
      h('div', { class: 'standby-glow' }),
      h('div', { class: 'standby-text' },
        h('div', { class: 'standby-emblem' }, h('span', { class: 'brand-mark large' })),
        h('h1', { class: 'standby-title gold-text' }, titleLines(contest.name).map((line) => h('span', { class: 'title-line', text: line }))),
        h('div', { class: 'rule' }, h('span'), h('i'), h('span')),
        h('p', { class: 'standby-subtitle', text: contest.subtitle || '' }),
        h('p', { class: 'standby-soon', text: t('standby.soon') })),
      h('div', { class: 'standby-qr' },
        h('div', { class: 'qr-card' }, qrImage(joinUrl)),
        h('div', { class: 'qr-caption', text: t('standby.scan') }),
        h('div', { class: 'qr-or', text: t('standby.or') }),
        h('div', { class: 'qr-url', text: shortUrl(joinUrl) })),
      footer());
    return { el };
  },
};
