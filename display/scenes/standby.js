// Before the show and between parts: the contest's name, its motto, and the way in for the
// audience's phones (join.js: the QR code, with the join code in code mode, or the seat-ticket
// instruction in ticket mode).
import { h } from '/v/lib/dom.js';
import { footer, lowerThird } from './chrome.js';
import { admissionMode, joinBlock, joinUrl, shortUrl } from './join.js';

// Breaks a contest name after its quoted brand (“椰树杯” / 党建…大赛) rather than wherever
// the line happens to end, which in Chinese can split a word.
export function titleLines(name) {
  const text = String(name || '');
  const at = Math.max(text.indexOf('”'), text.indexOf('」'), text.indexOf('》'));
  if (at > 0 && at < text.length - 4) return [text.slice(0, at + 1), text.slice(at + 1)];
  return [text];
}

export default {
  // A new mode is a new picture (cross-fade); a new join code only updates it in place. The
  // overlay's lower third is one line of text: it is simply rebuilt with the new code.
  key: (state, ctx) => (ctx.overlay ? `${admissionMode(state)}|${state.admission?.code || ''}` : admissionMode(state)),
  mount(ctx, state) {
    const { t } = ctx;
    const contest = ctx.catalogue.contest;
    if (ctx.overlay) {
      const mode = admissionMode(state);
      const code = mode === 'code' && state.admission?.code ? `  ${t('join.code')} ${state.admission.code}` : '';
      const detail = mode === 'ticket' ? t('join.ticketHint') : `${t('standby.scan')}  ${shortUrl(joinUrl(ctx.info.join_url))}${code}`;
      return { el: lowerThird({ tab: '◆', kicker: contest.subtitle, title: contest.name, detail }) };
    }
    const join = joinBlock(ctx, state, { variant: 'standby', ticketHint: true });
    const el = h('section', {},
      h('div', { class: 'standby-glow' }),
      h('div', { class: 'standby-text' },
        h('div', { class: 'standby-emblem' }, h('span', { class: 'brand-mark large' })),
        h('h1', { class: 'standby-title gold-text' }, titleLines(contest.name).map((line) => h('span', { class: 'title-line', text: line }))),
        h('div', { class: 'rule' }, h('span'), h('i'), h('span')),
        h('p', { class: 'standby-subtitle', text: contest.subtitle || '' }),
        h('p', { class: 'standby-soon', text: t('standby.soon') })),
      join.el,
      footer());
    return { el, update: (next) => join.update(next) };
  },
};
