// The data dialog (数据): before the show, upload the contest's files (scheme, entries,
// judges) and read back what was imported or every problem with file, line and reason;
// at any time, download the exports, make seat tickets (a PDF to print and cut) and void a
// lost one. Downloads carry the host key, so they are fetched (Authorization header) and
// saved from a Blob URL rather than opened as plain links.
import { h, clear, setText } from '/v/lib/dom.js';
import { storedKey } from './auth.js';

const FORMATS = ['csv', 'xlsx', 'html', 'pdf'];

// The file name of a Content-Disposition header (filename* first), or `fallback`.
function fileNameOf(disposition, fallback) {
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition || '');
  if (extended) {
    try { return decodeURIComponent(extended[1].trim()); } catch { /* fall through */ }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(disposition || '');
  return plain ? plain[1] : fallback;
}

// The JSON error body's words, or the HTTP status.
async function errorWords(response) {
  try {
    const body = await response.json();
    return body.message || body.error || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

// Saves a Blob under `name` through a temporary link.
function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// The codes of a batch as CSV (number, code, the URL its QR code would carry), for when the
// server could not make the PDF: the codes exist nowhere else, so they must not be lost.
function ticketsCsv(body, joinUrl) {
  const rows = body.tickets.map((code, i) => [body.numbers?.[i] ?? String(i + 1), code, `${joinUrl}#ticket=${code}`]);
  return `\uFEFF编号 number,票码 code,链接 url\r\n${rows.map((row) => row.join(',')).join('\r\n')}\r\n`;
}

// The printable judge cards (/d/judge-cards.html), in a window of their own. Opened with an
// opener, the new window gets a copy of this session's storage and so the host key (noopener
// would ask for it again).
export function openJudgeCards() {
  return window.open('/d/judge-cards.html', '_blank');
}

export function createDataPanel(app) {
  const { t, dialogs } = app;
  let backdrop = null;
  let started = false;

  const button = h('button', { class: 'btn small ghost', id: 'data-open', type: 'button', text: t('data.open') });
  button.addEventListener('click', () => open());
  // 评委卡 in the header: the README and the import dialog point here.
  const cardsButton = h('button', { class: 'btn small ghost', id: 'judge-cards-open', type: 'button', text: t('cards.open'), title: t('cards.hint') });
  cardsButton.addEventListener('click', () => openJudgeCards());

  // ---- import ----
  const files = h('input', { id: 'data-files', type: 'file', multiple: true, accept: '.toml,.json,.csv,.xlsx,.xlsm' });
  const upload = h('button', { class: 'btn primary', id: 'data-upload', type: 'button', text: t('data.upload') });
  const lockedNote = h('p', { class: 'data-locked', id: 'data-locked', text: t('data.locked'), hidden: true });
  const result = h('div', { class: 'data-result', id: 'data-result', 'aria-live': 'polite' });
  upload.addEventListener('click', () => send());

  // How the server read the files (encoding, title rows, judge ids made, outside judges): with
  // the problems too, since a file read as GBK explains a garbled one.
  function renderNotes(notes) {
    if (!Array.isArray(notes) || !notes.length) return;
    result.append(
      h('p', { class: 'data-notes-title', text: t('data.notes') }),
      h('ul', { class: 'data-notes', id: 'data-notes' }, notes.map((note) => h('li', { text: note }))));
  }

  function renderProblems(problems, note, notes) {
    clear(result);
    result.dataset.ok = '0';
    result.append(h('p', { class: 'data-bad', text: note }));
    const list = h('ul', { class: 'data-problems', id: 'data-problems' });
    for (const problem of problems) {
      const where = problem.line > 0 ? t('data.line', { file: problem.file, line: problem.line }) : t('data.wholeFile', { file: problem.file });
      list.append(h('li', {}, h('span', { class: 'data-where', text: where }), ' ', h('span', { text: problem.reason })));
    }
    result.append(list);
    renderNotes(notes);
  }

  function renderSummary(body) {
    clear(result);
    result.dataset.ok = '1';
    const made = body.judges.filter((judge) => judge.generated).length;
    const print = h('button', { class: 'btn small', id: 'data-print-cards', type: 'button', text: t('data.printCards') });
    print.addEventListener('click', () => openJudgeCards());
    result.append(
      h('p', { class: 'data-good', id: 'data-summary', text: t('data.imported', { name: body.contest.name, id: body.contest.id }) }),
      h('ul', { class: 'data-facts' },
        body.rounds.map((round) => h('li', { text: t('data.round', { name: round.name, n: round.entries }) })),
        h('li', { text: t('data.counts', { entries: body.entries, judges: body.judges.length }) }),
        made ? h('li', { class: 'data-warn', text: t('data.tokens', { n: made }) }) : null),
      h('div', { class: 'data-ledger' }, print, h('span', { class: 'panel-hint', text: t('cards.hint') })));
    renderNotes(body.notes);
  }

  async function send() {
    if (!files.files.length) {
      renderProblems([], t('data.pick'));
      return;
    }
    const form = new FormData();
    for (const file of files.files) form.append('files', file, file.name);
    upload.disabled = true;
    setText(upload, t('data.uploading'));
    clear(result);
    try {
      const response = await fetch('/api/import', { method: 'POST', headers: { Authorization: `Bearer ${storedKey()}` }, body: form });
      const body = await response.json().catch(() => ({}));
      if (response.ok && body.ok) {
        renderSummary(body);
        app.ui.round = null;
        app.ui.entry = null;
        app.ui.checked.clear();
        dialogs.notice(t('data.importedShort', { name: body.contest.name }), 'ok');
      } else if (Array.isArray(body.problems)) {
        renderProblems(body.problems, t(response.status === 409 ? 'data.refused' : 'data.problems', { n: body.problems.length }), body.notes);
      } else {
        renderProblems([], `${t('data.failed')}：${body.message || body.error || `HTTP ${response.status}`}`);
      }
    } catch (err) {
      renderProblems([], `${t('data.failed')}：${err.message}`);
    } finally {
      setText(upload, t('data.upload'));
      upload.disabled = started;
    }
  }

  // ---- export ----
  async function download(query, control) {
    control.disabled = true;
    control.classList.add('busy');
    try {
      const response = await fetch(`/api/export?${query}`, { headers: { Authorization: `Bearer ${storedKey()}` } });
      if (!response.ok) {
        dialogs.notice(`${t('data.exportFailed')}：${await errorWords(response)}`);
        return;
      }
      saveBlob(await response.blob(), fileNameOf(response.headers.get('Content-Disposition'), 'export'));
    } catch (err) {
      dialogs.notice(`${t('data.exportFailed')}：${err.message}`);
    } finally {
      control.disabled = false;
      control.classList.remove('busy');
    }
  }

  // ---- seat tickets ----
  const ticketCount = h('input', { id: 'tickets-count', type: 'number', min: '1', max: '5000', step: '1', value: '100', 'aria-describedby': 'tickets-hint' });
  const makeTickets = h('button', { class: 'btn primary', id: 'tickets-make', type: 'button', text: t('tickets.make') });
  const ticketResult = h('div', { class: 'data-result', id: 'tickets-result', 'aria-live': 'polite' });
  makeTickets.addEventListener('click', () => issueTickets());

  async function issueTickets() {
    const n = Number(ticketCount.value);
    clear(ticketResult);
    if (!Number.isInteger(n) || n < 1 || n > 5000) {
      ticketResult.append(h('p', { class: 'data-bad', text: t('tickets.badCount') }));
      return;
    }
    makeTickets.disabled = true;
    setText(makeTickets, t('tickets.making'));
    try {
      const response = await fetch('/api/tickets', {
        method: 'POST',
        headers: { Authorization: `Bearer ${storedKey()}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ count: n, format: 'pdf' }),
      });
      if (!response.ok) {
        ticketResult.append(h('p', { class: 'data-bad', text: `${t('tickets.failed')}：${await errorWords(response)}` }));
        return;
      }
      if ((response.headers.get('Content-Type') || '').startsWith('application/pdf')) {
        const name = fileNameOf(response.headers.get('Content-Disposition'), 'tickets.pdf');
        saveBlob(await response.blob(), name);
        ticketResult.append(h('p', { class: 'data-good', id: 'tickets-done', text: t('tickets.done', { n, file: name }) }));
        return;
      }
      // A server without the PDF answers the codes as JSON: say so, and keep them savable.
      const body = await response.json();
      const made = body.tickets?.length || 0;
      const csv = h('button', { class: 'btn small', id: 'tickets-csv', type: 'button', text: t('tickets.csv') });
      csv.addEventListener('click', () => saveBlob(new Blob([ticketsCsv(body, app.joinUrl || `${location.origin}/vote`)], { type: 'text/csv' }), 'tickets.csv'));
      ticketResult.append(
        h('p', { class: 'data-warn', id: 'tickets-nopdf', text: t('tickets.noPdf', { n: made }) }),
        h('div', { class: 'data-ledger' }, csv, h('span', { class: 'panel-hint', text: t('tickets.csvHint') })));
    } catch (err) {
      ticketResult.append(h('p', { class: 'data-bad', text: `${t('tickets.failed')}：${err.message}` }));
    } finally {
      makeTickets.disabled = false;
      setText(makeTickets, t('tickets.make'));
    }
  }

  const voidTicket = h('input', { id: 'void-ticket', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: t('tickets.voidWhich') });
  const voidReason = h('input', { id: 'void-reason', type: 'text', placeholder: t('tickets.voidReason') });
  const voidSubmit = h('button', { class: 'btn warn', id: 'void-submit', type: 'submit', text: t('tickets.void') });
  const voidResult = h('p', { class: 'panel-hint', id: 'void-result', role: 'status', 'aria-live': 'polite' });
  const voidForm = h('form', { class: 'data-void', novalidate: true },
    h('label', {}, t('tickets.voidWhichLabel'), voidTicket),
    h('label', {}, t('tickets.voidReasonLabel'), voidReason),
    voidSubmit);
  voidForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ticket = voidTicket.value.trim();
    const reason = voidReason.value.trim();
    if (!ticket || !reason) {
      setText(voidResult, t(ticket ? 'tickets.needReason' : 'tickets.needTicket'));
      (ticket ? voidReason : voidTicket).focus();
      return;
    }
    setText(voidResult, '');
    const ack = await app.command('void_ticket', { ticket, reason }, { confirm: t('tickets.voidConfirm', { ticket, reason }) });
    if (!ack) return;
    setText(voidResult, t('tickets.voided', { ticket }));
    dialogs.notice(t('tickets.voided', { ticket }), 'ok');
    voidTicket.value = '';
    voidReason.value = '';
  });

  const exportBody = h('tbody');
  let exportKey = '';

  function exportRows() {
    const rounds = [...app.catalogue.rounds.values()];
    const scopes = [...rounds.map((round) => ({ id: round.id, name: round.name })), { id: 'all', name: t('data.whole') }];
    return scopes.map((scope) => h('tr', {},
      h('th', { scope: 'row', text: scope.name }),
      FORMATS.map((format) => {
        const control = h('button', { class: 'btn small', id: `export-${scope.id}-${format}`, type: 'button', text: t(`data.format.${format}`) });
        control.addEventListener('click', () => download(`format=${format}&round=${encodeURIComponent(scope.id)}`, control));
        return h('td', {}, control);
      })));
  }

  function open() {
    if (backdrop) return;
    const close = h('button', { class: 'btn', id: 'data-close', type: 'button', text: t('data.close') });
    const ledger = h('button', { class: 'btn small', id: 'export-ledger', type: 'button', text: t('data.ledger') });
    ledger.addEventListener('click', () => download('format=ledger', ledger));
    const dialog = h('div', { class: 'dialog data-dialog', role: 'dialog', 'aria-modal': 'true', id: 'data-dialog' },
      h('div', { class: 'panel-head' }, h('h2', { text: t('data.title') }), close),
      h('section', { class: 'data-section' },
        h('h3', { text: t('data.importTitle') }),
        h('p', { class: 'panel-hint', text: t('data.importHint') }),
        lockedNote,
        h('div', { class: 'data-upload-row' }, files, upload),
        result),
      h('section', { class: 'data-section' },
        h('h3', { text: t('data.exportTitle') }),
        h('p', { class: 'panel-hint', text: t('data.exportHint') }),
        h('table', { class: 'data-exports' }, exportBody),
        h('div', { class: 'data-ledger' }, ledger, h('span', { class: 'panel-hint', text: t('data.ledgerHint') }))),
      h('section', { class: 'data-section', id: 'tickets-section' },
        h('h3', { text: t('tickets.title') }),
        h('p', { class: 'panel-hint', id: 'tickets-hint', text: t('tickets.hint') }),
        h('div', { class: 'data-upload-row' }, h('label', { for: 'tickets-count', text: t('tickets.count') }), ticketCount, makeTickets),
        ticketResult,
        h('h3', { text: t('tickets.voidTitle') }),
        voidForm,
        voidResult));
    backdrop = h('div', { class: 'backdrop' }, dialog);
    const onKey = (event) => {
      if (event.key === 'Escape') { event.preventDefault(); hide(); }
      event.stopPropagation();  // no space or B for the show while this is open
    };
    const hide = () => {
      backdrop.remove();
      backdrop = null;
      exportKey = '';
      document.removeEventListener('keydown', onKey, true);
    };
    close.addEventListener('click', hide);
    document.addEventListener('keydown', onKey, true);
    document.body.append(backdrop);
    render(app.state);
    close.focus();
  }

  function render(state) {
    // The rounds change when an import replaces the contest.
    const key = [...app.catalogue.rounds.values()].map((round) => `${round.id}:${round.name}`).join('|');
    if (backdrop && key !== exportKey) {
      exportKey = key;
      clear(exportBody).append(...exportRows());
    }
    started = Boolean(state?.host?.started);
    upload.disabled = started;
    files.disabled = started;
    lockedNote.hidden = !started;
  }

  return { button, cardsButton, render };
}
