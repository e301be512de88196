// How the audience gets in, as the venue screen shows it (docs/protocol.md, "Admission"):
//  - open:   the QR code of the join URL, and the short URL to type;
//  - code:   the QR code carries the join code (`/vote#c=482913`), so a phone that scans it
//            joins at once, and the code is printed large beside it for a phone that typed
//            the URL. The screens' state carries the code; when it turns over a new state
//            arrives and update() swaps the picture and the digits in place (no remount, no
//            animation replayed);
//  - ticket: the standby scene tells the hall to scan the seat ticket instead.
// The standby scene shows the large variant, the poll scene the small one beside its clock, and
// while a poll is open the other audience-facing scenes carry the corner one (app/join-corner.js).
import { h, setText } from '/v/lib/dom.js';

export function shortUrl(url) {
  return String(url || '').replace(/^https?:\/\//, '').replace(/\/$/, '');
}

export function qrSrc(url) {
  return `/qr.svg?text=${encodeURIComponent(url)}`;
}

export function qrImage(url, className = 'qr') {
  return h('img', { class: className, alt: shortUrl(url), src: qrSrc(url) });
}

// The URL a phone opens: in code mode with the code in its fragment (read once by /vote).
export function joinUrl(base, admission) {
  return admission?.mode === 'code' && admission.code ? `${base}#c=${admission.code}` : base;
}

export const admissionMode = (state) => state?.admission?.mode || 'open';

const LOOKS = {
  standby: { box: 'standby-qr', card: 'qr-card', caption: 'qr-caption', url: 'qr-url', or: 'qr-or', scan: 'standby.scan' },
  poll: { box: 'poll-qr', card: 'qr-card small', caption: 'poll-qr-caption', url: 'poll-qr-url', or: null, scan: 'poll.scan' },
  // The join corner over the other scenes while a poll is open (app/join-corner.js).
  corner: { box: 'corner-qr', card: 'qr-card corner', caption: 'corner-caption', url: 'corner-url', or: null, scan: 'poll.scan' },
};

// The join block: {el, update(state)}. `ticketHint`: in ticket mode, show the seat-ticket
// instruction instead of a QR code (the standby scene); otherwise the QR code stays as in open mode.
export function joinBlock(ctx, state, { variant = 'standby', ticketHint = false } = {}) {
  const { t } = ctx;
  const look = LOOKS[variant];
  const el = h('div', { class: look.box });
  let mode = null;
  let parts = {};
  // replaceChildren() would write a null as the text "null": leave out the parts a look lacks.
  const fill = (...children) => el.replaceChildren(...children.filter(Boolean));

  function build(nextMode) {
    mode = nextMode;
    el.classList.toggle('ticket', ticketHint && mode === 'ticket');
    el.dataset.mode = mode;
    if (ticketHint && mode === 'ticket') {
      parts = {};
      fill(
        h('div', { class: 'ticket-card' }, h('span', { class: 'ticket-glyph', 'aria-hidden': 'true' })),
        h('div', { class: look.caption, text: t('join.ticket') }),
        h('div', { class: 'ticket-hint', text: t('join.ticketHint') }),
        look.or ? h('div', { class: look.or, text: t('join.ticketOr') }) : null,
        h('div', { class: look.url, text: shortUrl(ctx.info.join_url) }));
      return;
    }
    const img = qrImage(ctx.info.join_url);
    const codeValue = h('span', { class: 'join-code-value' });
    const code = h('div', { class: 'join-code', hidden: true },
      h('span', { class: 'join-code-label', text: t('join.code') }), codeValue);
    parts = { img, code, codeValue };
    fill(
      h('div', { class: look.card }, img),
      h('div', { class: look.caption, text: t(look.scan) }),
      code,
      look.or ? h('div', { class: look.or, text: t('standby.or') }) : null,
      h('div', { class: look.url, text: shortUrl(ctx.info.join_url) }));
  }

  function update(next) {
    const nextMode = admissionMode(next);
    if (nextMode !== mode) build(nextMode);
    if (!parts.img) return;
    const url = joinUrl(ctx.info.join_url, next?.admission);
    const src = qrSrc(url);
    if (parts.img.getAttribute('src') !== src) parts.img.setAttribute('src', src);
    const digits = mode === 'code' ? next.admission.code || '' : '';
    parts.code.hidden = !digits;
    parts.code.dataset.code = digits;
    setText(parts.codeValue, digits);
  }

  update(state);
  return { el, update };
}
