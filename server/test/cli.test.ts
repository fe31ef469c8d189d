// rtc-hub as users run it: the built bin, its flags and environment variables, and a clean SIGTERM.
import * as signalr from '@microsoft/signalr';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';

const BIN = new URL('../dist/cli.js', import.meta.url).pathname;

before(() => {
  assert.ok(existsSync(BIN), `${BIN} is missing: run "npm run build" first (npm test does).`);
});

interface RunningHub {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

const running = new Set<ChildProcess>();
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts the bin and resolves with the URL from its first line, which must be the listening line. */
function startHub(args: string[], env: Record<string, string> = {}): Promise<RunningHub> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, PORT: '', HOST: '', ALLOWED_ORIGINS: '', STATIC_DIR: '', TURN_URLS: '', TURN_SECRET: '', TURN_TTL: '', STUN_URLS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      const match = /^rtc-hub listening on (http:\/\/[^\s]+)$/.exec(line);
      if (match) resolve({ child, url: match[1]!, exited, stderr: () => stderr });
      else reject(new Error(`Unexpected first line: ${line}`));
    });
    exited.then(({ code }) => reject(new Error(`rtc-hub exited with ${code} before listening: ${stderr}`)));
  });
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const preflight = (url: string, origin: string) =>
  fetch(`${url}/messagehub/negotiate?negotiateVersion=1`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-requested-with' },
  });

describe('rtc-hub', () => {
  it('--help lists every option with its environment variable', async () => {
    const { code, stdout } = await run(['--help']);
    assert.equal(code, 0);
    for (const text of ['--port', 'PORT', '--host', 'HOST', '--static', 'STATIC_DIR', '--allowed-origin', 'ALLOWED_ORIGINS']) {
      assert.ok(stdout.includes(text), `help mentions ${text}`);
    }
  });

  it('refuses an unknown flag and a bad port with a clear message', async () => {
    const unknown = await run(['--prot', '1']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--prot'/);
    const badPort = await run(['--port', 'abc']);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--port must be a number/);
  });

  it('binds 127.0.0.1 by default, answers /healthz, and serves --static and /dist/', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtc-hub-static-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>static ok</title>');
    const hub = await startHub(['--port', '0', '--static', dir]);
    try {
      assert.match(hub.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${hub.url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(health.headers.get('content-type'), 'application/json');
      assert.deepEqual(await health.json(), { status: 'ok' });
      assert.match(await (await fetch(`${hub.url}/`)).text(), /static ok/);
      assert.equal((await fetch(`${hub.url}/../../etc/passwd`)).status, 404);
      assert.equal((await fetch(`${hub.url}/nope.html`)).status, 404);
    } finally {
      hub.child.kill('SIGTERM');
      await hub.exited;
    }
  });

  it('takes PORT, HOST and ALLOWED_ORIGINS from the environment', async () => {
    const hub = await startHub([], { PORT: '0', HOST: '127.0.0.1', ALLOWED_ORIGINS: 'https://a.example, https://b.example' });
    try {
      for (const origin of ['https://a.example', 'https://b.example']) {
        const res = await preflight(hub.url, origin);
        assert.equal(res.status, 204);
        assert.equal(res.headers.get('access-control-allow-origin'), origin);
      }
      assert.equal((await preflight(hub.url, 'https://evil.example')).status, 403);
      // Listing origins replaces the default: the server's own origin is then only allowed if listed.
      assert.equal((await preflight(hub.url, hub.url)).status, 403);
    } finally {
      hub.child.kill('SIGTERM');
      await hub.exited;
    }
  });

  it('--allowed-origin may repeat and wins over ALLOWED_ORIGINS', async () => {
    const hub = await startHub(
      ['--port', '0', '--allowed-origin', 'https://one.example', '--allowed-origin', 'https://two.example'],
      { ALLOWED_ORIGINS: 'https://env.example' },
    );
    try {
      assert.equal((await preflight(hub.url, 'https://one.example')).status, 204);
      assert.equal((await preflight(hub.url, 'https://two.example')).status, 204);
      assert.equal((await preflight(hub.url, 'https://env.example')).status, 403);
    } finally {
      hub.child.kill('SIGTERM');
      await hub.exited;
    }
  });

  it('takes TURN_URLS, TURN_SECRET, TURN_TTL and STUN_URLS for /ice-servers, and refuses TURN without a secret', async () => {
    const hub = await startHub(['--port', '0'], {
      TURN_URLS: 'turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp',
      TURN_SECRET: 'from-env',
      TURN_TTL: '90',
      STUN_URLS: 'stun:127.0.0.1:3478',
    });
    try {
      const body = (await (await fetch(`${hub.url}/ice-servers`)).json()) as {
        ttl: number;
        iceServers: Array<{ urls: string[]; username?: string; credential?: string }>;
      };
      assert.equal(body.ttl, 90);
      assert.deepEqual(body.iceServers[0], { urls: ['stun:127.0.0.1:3478'] });
      assert.deepEqual(body.iceServers[1]!.urls, ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp']);
      assert.ok(body.iceServers[1]!.username && body.iceServers[1]!.credential);
    } finally {
      hub.child.kill('SIGTERM');
      await hub.exited;
    }
    const refused = await run(['--port', '0', '--turn-url', 'turn:127.0.0.1:3478']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /never hands out a static password/);
  });

  it('on SIGTERM sends every client a Close and exits within 2 s', async () => {
    const hub = await startHub(['--port', '0']);
    // A raw WebSocket client sees the exact bytes.
    const negotiate = (await (await fetch(`${hub.url}/messagehub/negotiate?negotiateVersion=1`, { method: "POST" })).json()) as { connectionToken: string };
    const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/messagehub?id=${negotiate.connectionToken}`);
    const frames: string[] = [];
    const wsClosed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.on('open', resolve));
    ws.on('message', (data) => frames.push(data.toString()));
    ws.send('{"protocol":"json","version":1}\x1e');
    // And an official client over long polling.
    const official = new signalr.HubConnectionBuilder()
      .withUrl(`${hub.url}/messagehub`, { transport: signalr.HttpTransportType.LongPolling })
      .configureLogging(signalr.LogLevel.None)
      .build();
    const officialClosed = new Promise<Error | undefined>((resolve) => official.onclose(resolve));
    await official.start();
    await official.invoke('Join', 'shutdown');
    while (frames.length === 0) await new Promise((r) => setTimeout(r, 10));
    assert.equal(frames[0], '{}\x1e');

    const started = Date.now();
    hub.child.kill('SIGTERM');
    const { code } = await hub.exited;
    const took = Date.now() - started;
    assert.equal(code, 0);
    assert.ok(took < 2_000, `exited after ${took} ms`);
    assert.equal(await wsClosed, 1000);
    assert.ok(frames.includes('{"type":7,"allowReconnect":true}\x1e'), `frames: ${JSON.stringify(frames)}`);
    assert.equal(await officialClosed, undefined, 'the official client saw a clean close');
  });
});
