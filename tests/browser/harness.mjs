// Shared by every browser test: a real server on a free port with a temporary database,
// Debian's chromium via playwright-core, WebSocket test clients, and screenshots.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const artifactsDir = process.env.STAGEVOTE_ARTIFACTS || path.join(repoRoot, 'build', 'test-artifacts');
mkdirSync(artifactsDir, { recursive: true });

const serverBinary = process.env.STAGEVOTE_BIN || path.join(repoRoot, 'build', 'asan', 'server', 'app', 'stagevote');

export const HOST_KEY = 'test-host-key-0123456789';

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

// The audience caps per source address are lifted unless a test sets them: every page and
// test client of a browser test comes from 127.0.0.1, where the defaults (4 new identities
// per 10 minutes) would refuse the fifth phone.
const LIFTED_CAPS = { '--audience-per-address': '0', '--audience-connections-per-address': '0' };

// Starts `stagevote serve --demo` on a free port. restart() keeps the same database file.
// `publicUrl`: the join URL (QR codes, /api/info) is this server's loopback address rather than
// the machine's LAN address, so that a test can open what a QR code says.
export async function startServer({ demo = true, args = [], publicUrl = false } = {}) {
  const caps = Object.entries(LIFTED_CAPS).filter(([flag]) => !args.includes(flag)).flat();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stagevote-browser-'));
  const db = path.join(dir, 'show.db');
  const port = await freePort();
  if (publicUrl) caps.push('--public-url', `http://127.0.0.1:${port}`);
  const server = {
    port,
    db,
    dir,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    proc: null,
    output: '',
    async start() {
      const argv = ['serve', '--port', String(port), '--bind', '127.0.0.1', '--db', db,
                    '--host-key', HOST_KEY, ...(demo ? ['--demo'] : []), ...caps, ...args];
      // The pages of this checkout, whichever binary serves them (STAGEVOTE_BIN may be built
      // from another worktree).
      if (!args.includes('--web-root')) argv.push('--web-root', repoRoot);
      this.proc = spawn(serverBinary, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.proc.stdout.on('data', (d) => { this.output += d; });
      this.proc.stderr.on('data', (d) => { this.output += d; });
      const deadline = Date.now() + 20000;
      while (Date.now() < deadline) {
        try {
          const res = await fetch(`${this.url}/healthz`);
          if (res.ok) return;
        } catch { /* not up yet */ }
        if (this.proc.exitCode !== null) throw new Error(`server exited: ${this.output}`);
        await sleep(100);
      }
      throw new Error(`server did not start: ${this.output}`);
    },
    async stop(signal = 'SIGTERM') {
      if (!this.proc || this.proc.exitCode !== null) return;
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill(signal);
      await exited;
    },
    async restart() {
      await this.stop();
      await this.start();
    },
    async close() {
      await this.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async api(pathname, { method = 'GET', body } = {}) {
      const headers = { Authorization: `Bearer ${HOST_KEY}` };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(`${this.url}${pathname}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${pathname}: HTTP ${res.status}`);
      return res.json();
    },
  };
  await server.start();
  return server;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Collects console errors and page errors so a test can assert there were none.
export function watchConsole(page) {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`) });
}

// The venue screen's link: /display with the display key in its fragment, as the server
// prints it at start-up and the host console shows it. `query`: e.g. '?overlay=1'.
export async function displayUrl(server, query = '') {
  const { display_key: key } = await server.api('/api/contest');
  return `${server.url}/display${query}#k=${encodeURIComponent(key)}`;
}

// The hello of a WebSocket client that stands for a venue screen.
export async function displayHello(server) {
  const { display_key: key } = await server.api('/api/contest');
  return { role: 'display', key };
}

// A WebSocket client speaking the protocol: hello, then request() resolves with the ack
// (rejects with the error), and waitFor() awaits a message matching a predicate. A refused
// hello rejects with an Error carrying the refusal's `code` and `message`.
// `localAddress`: the source address (e.g. 127.0.2.7), for tests of the per-address caps.
export async function connectClient(wsUrl, hello, { localAddress } = {}) {
  const ws = new WebSocket(wsUrl, localAddress ? { localAddress } : undefined);
  const messages = [];
  const waiters = [];
  // Ids unique per client, as the pages' are: a request id is an idempotency key per actor,
  // and tests open several connections as the same host or judge.
  const idPrefix = Math.random().toString(36).slice(2, 10);
  let nextId = 1;
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    messages.push(msg);
    for (const w of [...waiters]) {
      if (w.match(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
  });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const client = {
    ws,
    messages,
    waitFor(match, timeoutMs = 10000) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return client.next(match, timeoutMs);
    },
    // The next message to arrive that matches (none of those already received).
    next(match, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const w = { match, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) { waiters.splice(i, 1); reject(new Error('timed out waiting for a message')); }
        }, timeoutMs);
      });
    },
    async request(msg) {
      const id = `${idPrefix}-${nextId++}`;
      ws.send(JSON.stringify({ ...msg, id }));
      const reply = await client.waitFor((m) => m.id === id && (m.type === 'ack' || m.type === 'error'));
      if (reply.type === 'error') throw Object.assign(new Error(reply.message), { code: reply.code });
      return reply;
    },
    // The latest state snapshot received.
    state() {
      for (let i = messages.length - 1; i >= 0; i--) if (messages[i].type === 'state') return messages[i];
      return null;
    },
    // The latest state if it matches, else the first later one that does (awaited, not polled).
    untilState(match, timeoutMs = 10000) {
      const latest = client.state();
      if (latest && match(latest)) return Promise.resolve(latest);
      return client.next((m) => m.type === 'state' && match(m), timeoutMs);
    },
    close() { ws.close(); },
  };
  ws.send(JSON.stringify({ type: 'hello', ...hello }));
  client.welcome = await client.waitFor((m) => m.type === 'welcome' || m.type === 'error');
  if (client.welcome.type === 'error') {
    ws.close();
    throw Object.assign(new Error(`hello refused: ${client.welcome.code}`), { code: client.welcome.code, refusal: client.welcome });
  }
  return client;
}

export const hostHello = { role: 'host', key: HOST_KEY };

// Opens the host console on `page` and signs in with the host key; waits until it is online.
export async function signInHost(page, server, { key = HOST_KEY, timeout = 30000 } = {}) {
  await page.goto(`${server.url}/host`);
  await page.fill('#host-key', key);
  await page.click('#host-key-submit');
  await page.waitForSelector('#conn[data-online="1"]', { timeout });
}
