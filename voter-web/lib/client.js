// The one protocol client shared by every page: connect, hello, reconnect with backoff,
// resync from `state`, requests with ids resolved by their ack or error.
// Usage:
//   const client = new StageClient({ hello: () => ({ role: 'display' }) });
//   client.on('welcome', msg => ...); client.on('state', s => ...); client.on('tally', t => ...);
//   client.on('status', online => ...);   // connection indicator
//   client.on('cause', cause => ...);      // why it is not connected (see client.cause)
//   client.on('error', msg => ...);        // errors without a pending request: a refused hello
//   const ack = await client.request({ type: 'vote', poll, choice });  // rejects with {code, message}
//   client.start();

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8000;
// A hello refused for one of these is not retried by itself: the page says why and decides
// when to say hello again (retry()). Reconnecting on a timer would only hammer the server with
// hellos it must refuse (a wrong key, a cap on this address, a slowed-down guesser, a host
// console opened from an address the host role is not accepted from).
const REFUSALS = new Set(['unauthorized', 'too_many', 'rate_limited', 'forbidden']);
// A session the server ended on purpose: a judge's card revoked, or the judge signed in on
// another device. Reconnecting by itself would take the judge's seat back from the new device.
const ENDINGS = new Set(['revoked', 'replaced']);
// Close codes with which the server itself ends every connection when it stops (1001 going
// away), reloads a catalogue (1012 service restart) or fails to save (1011): the phone's
// network is fine, the server is restarting.
const SERVER_CLOSES = new Set([1001, 1011, 1012]);
const HEALTH_TIMEOUT_MS = 4000;
// A request unanswered this long on a silent socket: ping; no pong this much later either and
// the socket is taken for dead (a phone that left the Wi-Fi may keep a socket "open" for
// minutes), so the request goes out again on a new connection.
const STALL_MS = 5000;
const WELCOME_TIMEOUT_MS = 15000;

// An id for a request the page keeps across reloads (a vote, a score) and re-sends as it
// is: unique per device without a counter that would restart at 1.
export function newRequestId(prefix) {
  const random = Math.random().toString(36).slice(2, 10);
  return `${prefix}-${Date.now().toString(36)}-${random}`;
}

export class RequestError extends Error {
  // `reply`: the whole error message, for codes that carry more (tie_at_cut's "entries").
  constructor(code, message, reply = null) {
    super(message || code);
    this.code = code;
    this.reply = reply;
  }
}

export class StageClient {
  constructor({ hello, url } = {}) {
    this.helloFor = hello;  // called at every (re)connect: the hello may change (device token)
    this.url = url || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    this.handlers = new Map();
    this.pending = new Map();  // id -> {message, resolve, reject}: re-sent after a reconnect
    this.nextId = 1;
    this.idPrefix = Math.random().toString(36).slice(2, 8);
    this.backoff = MIN_BACKOFF_MS;
    this.online = false;
    this.welcomed = false;
    this.stopped = false;
    this.serverOffset = 0;  // server_time - local time, for countdowns
    // Why the page is not connected, for the user: null (connected, or the first connect),
    // 'offline' (this device has no network: navigator.onLine is false), 'restarting' (the
    // server closed the connection itself, or its /healthz says it is shutting down, and it
    // has not answered since) or 'unreachable' (the connection dropped without a word and
    // /healthz does not answer either: the venue network, or a crash).
    this.cause = null;
    this.probing = false;
    this.heard = 0;          // messages received: the watchdog's sign of life
    this.watchdog = null;
    if (typeof window !== 'undefined' && window.addEventListener) {
      window.addEventListener('offline', () => this.wentOffline());
      window.addEventListener('online', () => this.cameOnline());
    }
  }

  setCause(cause) {
    if (this.cause === cause) return;
    this.cause = cause;
    this.emit('cause', cause);
  }

  // The device lost its network: say so at once, and drop a socket that can carry nothing
  // (a phone's socket may otherwise hang for minutes); pending requests go out on reconnect.
  wentOffline() {
    this.setCause('offline');
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close();
  }

  // The network is back: reconnect now rather than at the end of a long backoff.
  cameOnline() {
    if (this.cause === 'offline') this.setCause(null);
    if (this.stopped || this.fatal || this.welcomed) return;
    // A connection under way (or saying hello) goes on: a second one would be left open.
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) return;
    this.backoff = MIN_BACKOFF_MS;
    this.connect();
  }

  // After a connection dropped without the server saying why: asks /healthz whether the
  // server is there (503: shutting down), so that the page can tell a restart from a network
  // that does not reach it.
  async probe() {
    if (this.probing || typeof fetch !== 'function') return;
    this.probing = true;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), HEALTH_TIMEOUT_MS);
    let status = 0;
    try {
      const base = this.url.replace(/^ws/, 'http').replace(/\/ws$/, '');
      status = (await fetch(`${base}/healthz`, { cache: 'no-store', signal: abort.signal })).status;
    } catch {
      status = 0;   // no answer at all
    } finally {
      clearTimeout(timer);
      this.probing = false;
    }
    // Settled meanwhile: connected again, or told by the device or the server itself.
    if (this.welcomed || this.cause === 'offline' || this.cause === 'restarting') return;
    if (typeof navigator !== 'undefined' && navigator.onLine === false) this.setCause('offline');
    else if (status === 503) this.setCause('restarting');
    else if (status === 0) this.setCause('unreachable');
    else if (status === 200 && this.cause === 'unreachable') this.setCause(null);
  }

  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, []);
    this.handlers.get(type).push(handler);
    return this;
  }

  emit(type, payload) {
    for (const handler of this.handlers.get(type) || []) {
      try {
        handler(payload);
      } catch (err) {
        console.error(err);
      }
    }
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.ws) this.ws.close();
  }

  now() {
    return Date.now() + this.serverOffset;
  }

  connect() {
    clearTimeout(this.timer);
    clearTimeout(this.watchdog);
    this.watchdog = null;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    this.welcomed = false;
    // A connection that is not welcomed in time (a network that swallows it) is given up, and
    // the backoff tries again.
    setTimeout(() => { if (this.ws === ws && !this.welcomed && ws.readyState <= WebSocket.OPEN) ws.close(); }, WELCOME_TIMEOUT_MS);
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'hello', ...this.helloFor() }));
    };
    // A socket replaced by reconnect() may still deliver a message or two: only the current one speaks.
    ws.onmessage = (event) => { if (this.ws === ws) this.receive(event.data); };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      const retrying = !this.stopped && !this.fatal;
      if (!retrying) {
        // Closed on purpose (stop(), a refused hello): nothing to find out.
      } else if (typeof navigator !== 'undefined' && navigator.onLine === false) {
        this.setCause('offline');
      } else if (SERVER_CLOSES.has(event.code)) {
        this.setCause('restarting');
      } else if (this.cause !== 'offline' && this.cause !== 'restarting') {
        // A server known to be restarting refuses connections until it is back: nothing to ask.
        this.probe();
      }
      this.setOnline(false);
      this.emit('close', event);
      if (!retrying) return;
      // Jittered exponential backoff so a hall of phones does not reconnect in lockstep.
      const delay = this.backoff * (0.5 + Math.random());
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
      this.timer = setTimeout(() => this.connect(), delay);
    };
    ws.onerror = () => {};  // onclose follows and handles it
  }

  receive(text) {
    this.heard += 1;
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof msg.server_time === 'number') this.serverOffset = msg.server_time - Date.now();
    if (msg.type === 'welcome') {
      this.welcomed = true;
      this.backoff = MIN_BACKOFF_MS;
      this.setCause(null);
      this.setOnline(true);
      this.emit('welcome', msg);
      // Requests that were in flight when the connection dropped are sent again with the same
      // id: the server counts them once.
      for (const { message } of this.pending.values()) this.ws.send(JSON.stringify(message));
      if (this.pending.size > 0) this.watch();
      return;
    }
    if ((msg.type === 'ack' || msg.type === 'error' || msg.type === 'pong') && msg.id &&
        this.pending.has(msg.id)) {
      const { resolve, reject } = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.type === 'error') reject(new RequestError(msg.code, msg.message, msg));
      else resolve(msg);
      return;
    }
    if (msg.type === 'error' && (msg.code === 'unauthorized' || ENDINGS.has(msg.code) ||
        (!this.welcomed && REFUSALS.has(msg.code)))) {
      this.fatal = true;  // a refused hello: do not hammer the server (see REFUSALS)
    }
    this.emit(msg.type, msg);
  }

  setOnline(online) {
    if (this.online === online) return;
    this.online = online;
    this.emit('status', online);
  }

  // Sends a request with a fresh id (or the caller's) and resolves with its ack.
  request(message) {
    const id = message.id || `${this.idPrefix}-${this.nextId++}`;
    const full = { ...message, id };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { message: full, resolve, reject });
      if (this.welcomed && this.ws && this.ws.readyState === WebSocket.OPEN) {
        this.ws.send(JSON.stringify(full));
        this.watch();
      }
    });
  }

  // While requests wait for their replies, checks that the socket still carries anything.
  watch() {
    if (this.watchdog) return;
    const ws = this.ws;
    const before = this.heard;
    const alive = () => this.ws === ws && ws.readyState === WebSocket.OPEN && this.pending.size > 0;
    this.watchdog = setTimeout(() => {
      this.watchdog = null;
      if (!alive()) return;
      if (this.heard !== before) {
        this.watch();   // the server speaks: the reply is just slow
        return;
      }
      const asked = this.heard;
      ws.send(JSON.stringify({ type: 'ping', id: `${this.idPrefix}-ping-${this.nextId++}` }));
      this.watchdog = setTimeout(() => {
        this.watchdog = null;
        if (!alive()) return;
        if (this.heard !== asked) {
          this.watch();
          return;
        }
        // Dead: give up on this socket now (its close could take as long), find out why, and
        // connect again; the pending requests go out after the new welcome.
        this.setOnline(false);
        this.probe();
        this.connect();
        ws.close();
      }, STALL_MS);
    }, STALL_MS);
  }

  // Allows a new hello (e.g. after the user typed a correct key) after a refused one. The
  // server closes a refused connection, but its close may not have arrived yet: a socket that
  // was never welcomed is replaced at once.
  retry() {
    this.fatal = false;
    this.backoff = MIN_BACKOFF_MS;
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.welcomed) return;
    this.reconnect();
  }

  // Says hello again on a new connection now, e.g. with a seat ticket the phone did not have
  // when it joined. Requests still pending go out again after the new welcome.
  reconnect() {
    this.fatal = false;
    this.stopped = false;
    const old = this.ws;
    this.connect();  // this.ws is the new socket now: the old one's close is ignored
    if (old && old.readyState <= WebSocket.OPEN) old.close();
  }
}
