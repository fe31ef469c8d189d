// rtc-hub as users run it: the built bin, its flags and environment variables, and a clean SIGTERM.
import * as signalr from '@microsoft/signalr';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { mint } from './helpers/tokens.js';

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
    env: {
      ...process.env,
      PORT: '',
      HOST: '',
      ALLOWED_ORIGINS: '',
      STATIC_DIR: '',
      TURN_URLS: '',
      TURN_SECRET: '',
      TURN_TTL: '',
      STUN_URLS: '',
      AUTH_SECRET: '',
      AUTH_PUBLIC_KEY: '',
      AUTH_ISSUER: '',
      AUTH_AUDIENCE: '',
      DEV_TOKENS: '',
      MAX_CHANNEL_MEMBERS: '',
      MAX_CHANNELS_PER_CONNECTION: '',
      MAX_INVOCATIONS_PER_SECOND: '',
      ...env,
    },
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
    for (const text of [
      ...['--port', 'PORT', '--host', 'HOST', '--static', 'STATIC_DIR', '--allowed-origin', 'ALLOWED_ORIGINS'],
      ...['--auth-secret', 'AUTH_SECRET', '--auth-public-key', 'AUTH_PUBLIC_KEY', '--auth-issuer', 'AUTH_ISSUER'],
      ...['--auth-audience', 'AUTH_AUDIENCE', '--dev-tokens', 'DEV_TOKENS=1'],
      ...['--max-channel-members', 'MAX_CHANNEL_MEMBERS (default 6)', '--max-channels-per-connection', 'MAX_CHANNELS_PER_CONNECTION'],
      ...['--max-invocations-per-second', 'MAX_INVOCATIONS_PER_SECOND', '(default 50; 0: no limit)'],
      ...['--invite-timeout', 'INVITE_TIMEOUT (default 30)'],
    ]) {
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

  it('AUTH_SECRET (or --auth-secret) turns auth on: negotiate needs a token; --auth-issuer and --auth-audience are checked', async () => {
    const hub = await startHub(['--port', '0', '--auth-issuer', 'https://id.example', '--auth-audience', 'rtc'], { AUTH_SECRET: 'env-secret' });
    try {
      const negotiate = (token?: string) =>
        fetch(`${hub.url}/messagehub/negotiate?negotiateVersion=1`, { method: 'POST', headers: token ? { Authorization: `Bearer ${token}` } : {} });
      assert.equal((await negotiate()).status, 401);
      assert.equal((await negotiate(await mint('env-secret', { sub: 'a' }))).status, 401, 'no iss and aud');
      assert.equal((await negotiate(await mint('env-secret', { sub: 'a', iss: 'https://id.example', aud: 'rtc' }))).status, 200);
    } finally {
      hub.child.kill('SIGTERM');
      await hub.exited;
    }
  });

  it('--auth-public-key FILE (or AUTH_PUBLIC_KEY) verifies tokens with a PEM public key; a missing file stops the start', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const file = join(mkdtempSync(join(tmpdir(), 'rtc-hub-key-')), 'public.pem');
    writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }));
    for (const [args, env] of [[['--auth-public-key', file], {}], [[], { AUTH_PUBLIC_KEY: file }]] as const) {
      const hub = await startHub(['--port', '0', ...args], env);
      try {
        const token = await mint(privateKey, { sub: 'k' }, { alg: 'ES256' });
        const res = await fetch(`${hub.url}/messagehub/negotiate?negotiateVersion=1`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
        assert.equal(res.status, 200);
      } finally {
        hub.child.kill('SIGTERM');
        await hub.exited;
      }
    }
    const missing = await run(['--port', '0', '--auth-public-key', '/no/such/key.pem']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--auth-public-key: cannot read the file "\/no\/such\/key\.pem"\./);
  });

  it('--dev-tokens (or DEV_TOKENS=1) serves /dev/token and prints a warning; it refuses to start on a host that is not loopback', async () => {
    for (const [args, env] of [[['--dev-tokens'], {}], [[], { DEV_TOKENS: '1' }]] as const) {
      const hub = await startHub(['--port', '0', ...args], env);
      try {
        const { token } = (await (await fetch(`${hub.url}/dev/token?user=dana`)).json()) as { token: string };
        const res = await fetch(`${hub.url}/messagehub/negotiate?negotiateVersion=1`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
        assert.equal(res.status, 200);
        assert.equal((await fetch(`${hub.url}/messagehub/negotiate?negotiateVersion=1`, { method: 'POST' })).status, 401);
        await until(() => hub.stderr().includes('Dev tokens are on'));
        assert.match(hub.stderr(), /^warn: Dev tokens are on: anyone who can reach http:\/\/127\.0\.0\.1:\d+\/dev\/token gets a token for any user name\. For trying rtc-kit on this machine only; never in production\.$/m);
      } finally {
        hub.child.kill('SIGTERM');
        await hub.exited;
      }
    }
    const refused = await run(['--port', '0', '--dev-tokens', '--host', '0.0.0.0']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^rtc-hub: Dev tokens are refused on host 0\.0\.0\.0: anyone who reaches \/dev\/token could sign in as anyone\./m);
  });

  it('INVITE_TIMEOUT (or --invite-timeout) is how long an invitation rings, in seconds', async () => {
    const hub = await startHub(['--port', '0'], { AUTH_SECRET: 'invite-secret', INVITE_TIMEOUT: '1' });
    const clients: signalr.HubConnection[] = [];
    try {
      const signIn = async (sub: string) => {
        const token = await mint('invite-secret', { sub });
        const c = new signalr.HubConnectionBuilder()
          .withUrl(`${hub.url}/messagehub`, { accessTokenFactory: () => token })
          .configureLogging(signalr.LogLevel.None)
          .build();
        clients.push(c);
        await c.start();
        return c;
      };
      const [alice, bob] = [await signIn('alice'), await signIn('bob')];
      const answered = new Promise<unknown[]>((resolve) => alice.on('InvitationAnswered', (...args: unknown[]) => resolve(args)));
      bob.on('Invitation', () => {});
      bob.on('InvitationClosed', () => {});
      const started = Date.now();
      const id = await alice.invoke('Invite', 'bob', 'call', '');
      assert.deepEqual(await answered, [id, 'timeout']);
      const took = Date.now() - started;
      assert.ok(took >= 900 && took < 5_000, `rang for ${took} ms`);
    } finally {
      await Promise.all(clients.map((c) => c.stop()));
      hub.child.kill('SIGTERM');
      await hub.exited;
    }
  });

  it('takes each limit from its flag or its environment variable, and refuses bad values', async () => {
    const hub = await startHub(['--port', '0', '--max-channels-per-connection', '1', '--max-invocations-per-second', '1'], { MAX_CHANNEL_MEMBERS: '1' });
    const clients: signalr.HubConnection[] = [];
    try {
      const connect = async () => {
        const c = new signalr.HubConnectionBuilder().withUrl(`${hub.url}/messagehub`).configureLogging(signalr.LogLevel.None).build();
        clients.push(c);
        await c.start();
        return c;
      };
      const [a, b, c] = [await connect(), await connect(), await connect()];
      const error = (message: string) => ({ message: `An unexpected error occurred invoking 'Join' on the server. HubException: ${message}` });
      await a.invoke('Join', 'one');
      await a.invoke('Join', 'one');
      // a has spent its burst of 2 (1 a second): its next call is refused.
      await assert.rejects(a.invoke('Join', 'one'), error('Rate limit exceeded.'));
      await assert.rejects(b.invoke('Join', 'one'), error("Channel 'one' is full."));
      await c.invoke('Join', 'three');
      await assert.rejects(c.invoke('Join', 'two'), error("Cannot join 'two': one connection may be in at most 1 channels."));
    } finally {
      await Promise.all(clients.map((c) => c.stop()));
      hub.child.kill('SIGTERM');
      await hub.exited;
    }
    for (const [args, message] of [
      [['--max-channel-members', '0'], /--max-channel-members must be a positive whole number, not "0"\./],
      [['--max-channels-per-connection', 'x'], /--max-channels-per-connection must be a positive whole number, not "x"\./],
      [['--max-invocations-per-second=1.5'], /--max-invocations-per-second must be a whole number, 0 or more, not "1.5"\./],
      [['--invite-timeout', '0'], /--invite-timeout must be a positive whole number, not "0"\./],
    ] as const) {
      const refused = await run(['--port', '0', ...args]);
      assert.equal(refused.code, 2, args.join(' '));
      assert.match(refused.stderr, message);
    }
  });
});

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('Timed out.');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
