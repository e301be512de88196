// Admission on the phone (docs/protocol.md, "Admission"): what the audience hello carries
// besides the device token, why the server refused it, and the card that says so in words and
// asks for what is missing.
//  - code mode: a phone that scanned the venue screen's QR code has `#c=CODE` in its URL; one
//    that typed the address is asked for the code. Once welcomed, the device token stands for
//    the phone and the code is forgotten.
//  - ticket mode: a seat ticket's QR code is `/vote#ticket=CODE`; the ticket is kept in
//    localStorage so a reload (or the next poll) votes with it again.
//  - a cap (`too_many`) or a slowed-down address (`rate_limited`) is explained, and the page
//    says hello again only after a while, never in a tight loop.
// Both secrets leave the address bar at once (history.replaceState) so that a shared link or a
// screenshot does not pass them on.
import { h, setText, storage } from './lib/dom.js';

const TICKET_KEY = 'stagevote.ticket';
const TOO_MANY_RETRY_MS = 60000;   // a cap frees up as phones leave: ask again, but rarely
const DEFAULT_WAIT_S = 5;

// `#c=482913` or `#ticket=k7m2...` (both may be present); the fragment is then removed.
function takeFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const code = params.get('c');
  const ticket = params.get('ticket');
  if (code !== null || ticket !== null) history.replaceState(null, '', location.pathname + location.search);
  return { code: code ? digitsOf(code) : null, ticket: ticket ? normaliseTicket(ticket) : null };
}

const digitsOf = (text) => String(text).replace(/\D/g, '');

// What the server does too (case, spaces and dashes are ignored): keep one spelling of a ticket.
export function normaliseTicket(text) {
  return String(text).toLowerCase().replace(/[\s-]/g, '');
}

// The server's refusal in one word. The error code says which refusal; for `unauthorized` its
// message says whether the show wants a code or a ticket ("enter the join code shown on the
// screen", "this show takes seat tickets: scan yours", "ticket 12 is void"), and what the hello
// carried says whether this was a wrong one or none at all.
export function classifyRefusal(msg, sent) {
  if (msg.code === 'too_many') return { kind: 'tooMany' };
  if (msg.code === 'rate_limited') {
    const seconds = Number((/(\d+)\s*s\b/.exec(msg.message || '') || [])[1]);
    return { kind: 'wait', seconds: seconds > 0 ? seconds : DEFAULT_WAIT_S };
  }
  if (msg.code !== 'unauthorized') return null;
  const text = String(msg.message || '');
  if (/ticket/i.test(text)) {
    if (/\bvoid\b/i.test(text)) return { kind: 'ticket', error: 'ticketVoid' };
    return { kind: 'ticket', error: sent.ticket ? 'ticketWrong' : null };
  }
  return { kind: 'code', error: sent.code ? 'codeWrong' : null };
}

export function createAdmission({ t, client, section, onChange }) {
  const fragment = takeFragment();
  let ticket = fragment.ticket || storage.get(TICKET_KEY, null);
  if (fragment.ticket) storage.set(TICKET_KEY, ticket);
  let code = fragment.code || null;
  let sent = { code: null, ticket: null };   // what the last hello carried
  let card = null;        // {kind, error, blocking, seconds}: what the card shows; null: nothing
  let busy = false;       // a hello with what was typed is on its way
  let timer = null;
  let waitUntil = 0;
  let modeAtWelcome = null;   // the mode this connection was admitted under (first state after welcome)
  let welcomed = false;

  function show(next) {
    card = next;
    busy = false;
    onChange();
  }

  function later(ms, fn) {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  }

  function forgetTicket() {
    ticket = null;
    storage.set(TICKET_KEY, null);
  }

  // Called at every (re)connect: a refusal that follows is about this hello.
  function hello() {
    welcomed = false;
    sent = { code, ticket };
    const fields = {};
    if (code) fields.code = code;
    if (ticket) fields.ticket = ticket;
    return fields;
  }

  // A refused hello (an error before the welcome): true if it was one of ours to explain.
  function refused(msg) {
    if (welcomed) return false;
    const refusal = classifyRefusal(msg, sent);
    if (!refusal) return false;
    if (refusal.kind === 'code') code = null;
    if (refusal.kind === 'ticket' && refusal.error) forgetTicket();
    if (refusal.kind === 'tooMany') later(TOO_MANY_RETRY_MS * (0.9 + Math.random() * 0.2), () => client.retry());
    if (refusal.kind === 'wait') {
      waitUntil = Date.now() + refusal.seconds * 1000;
      later(refusal.seconds * 1000, () => client.retry());
    }
    show({ ...refusal, blocking: true });
    return true;
  }

  function onWelcome() {
    welcomed = true;
    modeAtWelcome = null;
    code = null;   // the device token from this welcome is the phone's pass from now on
    clearTimeout(timer);
    if (card) show(null);
  }

  // Every state: the host may switch to tickets while this phone is here.
  function onState(state) {
    const mode = state.admission?.mode || 'open';
    if (modeAtWelcome === null) modeAtWelcome = mode;
    if (mode !== 'ticket') {
      if (card && !card.blocking) show(null);
      return;
    }
    if (modeAtWelcome !== 'ticket' && ticket) {
      // Admitted as a phone before tickets were asked for: say hello again with the ticket,
      // so that the server knows this connection is the ticket's voter.
      modeAtWelcome = 'ticket';
      client.reconnect();
      return;
    }
    if (!ticket && !card) show({ kind: 'ticket', error: null, blocking: false });
  }

  // A vote refused as `unauthorized`: the poll takes tickets only, or this ticket is void.
  function voteRefused(err) {
    const isVoid = /\bvoid\b/i.test(err.message || '');
    if (isVoid) forgetTicket();
    show({ kind: 'ticket', error: isVoid ? 'ticketVoid' : null, blocking: false });
  }

  function submit(value) {
    if (card.kind === 'code') {
      const typed = digitsOf(value);
      if (!typed) return show({ ...card, error: 'codeEmpty' });
      code = typed;
    } else {
      const typed = normaliseTicket(value);
      if (!typed) return show({ ...card, error: 'ticketEmpty' });
      ticket = typed;
      storage.set(TICKET_KEY, ticket);
      modeAtWelcome = 'ticket';
    }
    busy = true;
    onChange();
    if (card.blocking) client.retry();
    else client.reconnect();
  }

  // ---- the card ----------------------------------------------------------------------

  let built = '';   // kind|lang of the form on screen: rebuilt only when that changes
  const parts = {};

  function build(lang) {
    const { kind } = card;
    const typed = parts.input?.value || '';   // a language switch keeps what was typed
    const heading = h('h2', { id: 'admit-heading', class: 'admit-title' });
    const hint = h('p', { class: 'muted admit-hint', id: 'admit-hint' });
    const status = h('p', { class: 'notice', id: 'admit-status', role: 'status', 'aria-live': 'polite' });
    for (const key of Object.keys(parts)) delete parts[key];
    parts.heading = heading;
    parts.hint = hint;
    parts.status = status;
    const children = [heading, hint];
    if (kind === 'code' || kind === 'ticket') {
      const isCode = kind === 'code';
      const input = h('input', isCode
        ? { id: 'admit-input', name: 'code', type: 'text', inputmode: 'numeric', pattern: '[0-9]*', maxlength: '12',
          autocomplete: 'one-time-code', 'aria-describedby': 'admit-hint admit-status', required: true }
        : { id: 'admit-input', name: 'ticket', type: 'text', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
          maxlength: '64', 'aria-describedby': 'admit-hint admit-status', required: true });
      const label = h('label', { for: 'admit-input', id: 'admit-label' });
      const button = h('button', { id: 'admit-submit', class: 'btn', type: 'submit' });
      const form = h('form', { class: 'admit-form', novalidate: true }, label, input, status, button);
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        if (!busy) submit(input.value);
      });
      if (kind === built.split('|')[0]) input.value = typed;
      Object.assign(parts, { input, label, button });
      children.push(form);
    } else if (kind === 'tooMany') {
      const button = h('button', { id: 'admit-retry', class: 'btn', type: 'button',
        onclick: () => { busy = true; onChange(); client.retry(); } });
      parts.button = button;
      children.push(status, button);
    } else {
      children.push(status);
    }
    section.replaceChildren(...children);
    built = `${kind}|${lang}`;
  }

  function render(lang) {
    section.hidden = !card;
    if (!card) {
      built = '';
      section.replaceChildren();
      return;
    }
    if (built !== `${card.kind}|${lang}`) build(lang);
    const { kind, error } = card;
    section.dataset.kind = kind;
    section.dataset.error = error || '';
    const texts = {
      code: ['admitCodeTitle', 'admitCodeHint'],
      ticket: ['admitTicketTitle', 'admitTicketHint'],
      tooMany: ['admitTooManyTitle', 'admitTooManyHint'],
      wait: ['admitWaitTitle', 'admitWaitHint'],
    }[kind];
    setText(parts.heading, t(texts[0]));
    setText(parts.hint, t(texts[1]));
    let status = '';
    let tone = 'err';
    if (busy) {
      status = t('admitChecking');
      tone = 'warn';
    } else if (error) {
      status = t(`admit_${error}`);
    } else if (kind === 'tooMany') {
      status = t('admitTooManyAuto');
      tone = 'warn';
    } else if (kind === 'wait') {
      status = t('admitWait', { n: Math.max(0, Math.ceil((waitUntil - Date.now()) / 1000)) });
      tone = 'warn';
    }
    setText(parts.status, status);
    parts.status.className = `notice ${tone}`;
    parts.status.hidden = !status;
    if (parts.label && parts.input) {
      setText(parts.label, t(kind === 'code' ? 'admitCodeLabel' : 'admitTicketLabel'));
      parts.input.setAttribute('aria-invalid', error && error !== 'ticketVoid' ? 'true' : 'false');
    }
    if (parts.button) {
      setText(parts.button, busy ? t('admitChecking') : t(kind === 'code' ? 'admitSubmitCode' : kind === 'ticket' ? 'admitSubmitTicket' : 'admitTryAgain'));
      parts.button.disabled = busy;
    }
  }

  // The wait's countdown ticks on the page's own clock.
  setInterval(() => {
    if (card?.kind === 'wait') setText(parts.status, t('admitWait', { n: Math.max(0, Math.ceil((waitUntil - Date.now()) / 1000)) }));
  }, 1000);

  return {
    hello,
    refused,
    onWelcome,
    onState,
    voteRefused,
    render,
    get blocking() { return Boolean(card?.blocking); },
    get ticket() { return ticket; },
  };
}
