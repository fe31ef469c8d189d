// Two real rtc-hub processes and one real redis-server, as a deployment runs them: a hub killed with
// SIGKILL, and a Redis stopped and started while messages flow. (redis-scale-out.test.ts runs two hub
// servers inside the test process; a SIGKILL needs a process of its own.)
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, afterEach, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { CLIENT_KINDS, connect, delay, type TestClient } from './helpers/clients.js';
import { startRedis, type RedisProcess } from './helpers/redis.js';

const CLI = new URL('../src/cli.ts', import.meta.url).pathname;
const WS_JSON = CLIENT_KINDS.find((k) => k.transport === 'WebSockets' && k.protocol === 'json' && k.client === '@microsoft/signalr')!;
const LP_MSGPACK = CLIENT_KINDS.find((k) => k.transport === 'LongPolling' && k.protocol === 'messagepack')!;
/** Short, so a dead hub is noticed within a second: between 3 and 4 heartbeats after it last spoke. */
// Short, to keep the test quick, but long enough that a busy 2-core machine does not miss a beat.
const HEARTBEAT = 500;
const UNAVAILABLE =
  "An unexpected error occurred invoking 'SignalWebRtc' on the server. HubException: The message could not reach the other servers: the backplane is unavailable.";

interface HubProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly exited: Promise<void>;
  output(): string;
}

const started: HubProcess[] = [];
const clients: TestClient[] = [];

/** Starts `rtc-hub` from source and resolves once it prints the URL it listens on. */
async function startHub(args: string[]): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', ...args], {
    env: { ...process.env, PORT: '', HOST: '', REDIS_URL: '', REDIS_HEARTBEAT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const match = /^rtc-hub listening on (http:\/\/\S+)$/.exec(line);
      if (match) resolve(match[1]!);
      else reject(new Error(`Unexpected first line: ${line}`));
    });
    void exited.then(() => reject(new Error(`rtc-hub exited early: ${output}`)));
  });
  const hub = { child, url, port: Number(new URL(url).port), exited, output: () => output };
  started.push(hub);
  await until(`${url} is healthy`, async () => (await health(hub)) === 200, 10_000);
  return hub;
}

async function kill(hub: HubProcess, signal: NodeJS.Signals): Promise<void> {
  if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill(signal);
  await hub.exited;
}

async function health(hub: HubProcess): Promise<number> {
  try {
    return (await fetch(`${hub.url}/healthz`)).status;
  } catch {
    return 0;
  }
}

async function client(hub: HubProcess, kind = WS_JSON): Promise<TestClient & { id: string }> {
  const c = await connect(hub.url, kind);
  clients.push(c);
  return Object.assign(c, { id: c.connectionId! });
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await delay(20);
  }
}

let redis: RedisProcess;
before(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.stop()));
  await Promise.allSettled(started.splice(0).map((hub) => kill(hub, 'SIGTERM')));
});
after(async () => {
  await redis?.dispose();
});

describe('two rtc-hub processes on one Redis', () => {
  it('a hub killed with SIGKILL: peers on the other hubs get Leave within the timeout, once, its record expires, and it comes back on its port', async () => {
    const observer = new Redis(redis.url);
    const records = () => observer.keys('MessageHub:internal:members:*');
    try {
      const args = ['--redis', redis.url, '--redis-heartbeat', String(HEARTBEAT)];
      const hub1 = await startHub(args);
      const hub2 = await startHub(args);
      // A third hub: each survivor tells only its own connections, so nobody hears Leave twice.
      const hub3 = await startHub(args);
      const a = await client(hub1);
      const aLp = await client(hub1, LP_MSGPACK);
      const b = await client(hub2);
      const c = await client(hub3);
      const bystander = await client(hub2);
      await b.invoke('Join', 'room');
      await c.invoke('Join', 'room');
      await bystander.invoke('Join', 'quiet');
      await a.invoke('Join', 'room');
      await a.invoke('Join', 'only-on-1'); // a group that has no member on hub 2
      await aLp.invoke('Join', 'room');
      assert.deepEqual(await b.next('Join'), [c.id]);
      assert.deepEqual(await b.next('Join'), [a.id]);
      assert.deepEqual(await b.next('Join'), [aLp.id]);
      await a.invoke('SignalWebRtc', 'room', 'offer', 'before');
      assert.deepEqual(await b.next('SignalWebRtc'), ['room', 'offer', 'before']);
      assert.deepEqual(await c.next('SignalWebRtc'), ['room', 'offer', 'before']);
      assert.equal((await records()).length, 3, 'one membership record per hub');

      await kill(hub1, 'SIGKILL');
      const killedAt = Date.now();
      const first = await b.next('Leave', 4 * HEARTBEAT + 1_000);
      const second = await b.next('Leave', 500);
      const elapsed = Date.now() - killedAt;
      assert.ok(elapsed <= 4 * HEARTBEAT + 500, `Leave came ${elapsed} ms after the kill`);
      assert.deepEqual(new Set([first[0], second[0]]), new Set([a.id, aLp.id]));
      const onHub3 = [(await c.next('Leave', 1_000))[0], (await c.next('Leave', 1_000))[0]];
      assert.deepEqual(new Set(onHub3), new Set([a.id, aLp.id]));
      await delay(4 * HEARTBEAT);
      assert.equal(b.received('Leave').length, 2, 'each connection leaves once, on hub 2');
      assert.equal(c.received('Leave').length, 2, 'each connection leaves once, on hub 3');
      assert.deepEqual(bystander.received('Leave'), [], 'nobody outside the room hears of it');
      // The dead hub's record expires (six heartbeats after its last refresh); hub 2's stays.
      await until('the dead hub\'s record expired', async () => (await records()).length === 2, 6 * HEARTBEAT + 1_000);
      for (const key of await records()) assert.ok((await observer.pttl(key)) > 0, 'the live records have an expiry too');

      // Restarted on the same port, hub 1 serves again, across servers both ways.
      const again = await startHub(['--port', String(hub1.port), ...args]);
      assert.equal(again.port, hub1.port);
      const a2 = await client(again);
      await a2.invoke('Join', 'room');
      assert.deepEqual(await b.next('Join'), [a2.id]);
      await b.invoke('Join', 'room'); // as rtc-kit's client does, so the newcomer learns b's id
      assert.deepEqual(await a2.next('Join'), [b.id]);
      await a2.invoke('SignalWebRtc', 'room', 'offer', 'after');
      assert.deepEqual(await b.next('SignalWebRtc'), ['room', 'offer', 'after']);
      await b.invoke('SignalWebRtc', 'room', 'answer', 'back');
      assert.deepEqual(await a2.next('SignalWebRtc'), ['room', 'answer', 'back']);
      // Only members may signal, across servers too.
      const outsider = await client(again);
      await assert.rejects(outsider.invoke('SignalWebRtc', 'room', 'offer', 'x'), /Join the channel 'room' before signaling to it\./);
    } finally {
      observer.disconnect();
    }
  });

  it('Redis stopped and started during a stream of messages: both hubs recover within 5 s, failures are reported, nothing arrives twice', async () => {
    const own = await startRedis();
    try {
      const args = ['--redis', own.url, '--redis-heartbeat', String(HEARTBEAT)];
      const hub1 = await startHub(args);
      const hub2 = await startHub(args);
      const a = await client(hub1);
      const b = await client(hub2);
      await a.invoke('Join', 'stream');
      await b.invoke('Join', 'stream');
      assert.deepEqual(await a.next('Join'), [b.id]);

      // Each side sends numbered messages to the other, one every 10 ms, and notes what the hub said.
      const sent = { a: [] as Array<{ n: number; at: number; error?: string }>, b: [] as Array<{ n: number; at: number; error?: string }> };
      let running = true;
      const stream = async (from: TestClient, log: (typeof sent)['a']) => {
        for (let n = 1; running; n++) {
          const entry: (typeof sent)['a'][number] = { n, at: Date.now() };
          log.push(entry);
          await from.invoke('SignalWebRtc', 'stream', 'candidate', String(n)).catch((error: Error) => (entry.error = error.message));
          await delay(10);
        }
      };
      const streams = [stream(a, sent.a), stream(b, sent.b)];
      const numbers = (c: TestClient) => c.received('SignalWebRtc').map((args) => Number(args[2]));

      await until('messages flow both ways', () => numbers(a).length > 10 && numbers(b).length > 10);
      await own.stop();
      await until('both hubs report the outage', async () => (await health(hub1)) === 503 && (await health(hub2)) === 503);
      await delay(500);
      await own.start();
      const back = Date.now();
      const lastBefore = { a: sent.a.length, b: sent.b.length };
      // Messages flow again, both ways, within 5 s of Redis's return.
      await until(
        'a message sent after Redis came back arrives on each side',
        () => numbers(b).some((n) => n > lastBefore.a) && numbers(a).some((n) => n > lastBefore.b),
        5_000,
      );
      const recovered = Date.now() - back;
      assert.ok(recovered < 5_000, `recovered in ${recovered} ms`);
      await until('both hubs are healthy', async () => (await health(hub1)) === 200 && (await health(hub2)) === 200);
      await delay(300);
      running = false;
      await Promise.all(streams);
      await delay(300);

      for (const [receiver, log] of [[b, sent.a], [a, sent.b]] as const) {
        const got = numbers(receiver);
        // In order and never twice: each number is larger than the one before.
        for (let i = 1; i < got.length; i++) assert.ok(got[i]! > got[i - 1]!, `out of order or twice: ${got[i - 1]} then ${got[i]}`);
        // Every send the hub accepted was delivered; the outage was reported to the sender, not hidden.
        const received = new Set(got);
        for (const entry of log) if (!entry.error) assert.ok(received.has(entry.n), `message ${entry.n} was accepted but never arrived`);
        const failed = log.filter((entry) => entry.error);
        assert.ok(failed.length > 0, 'some sends failed during the outage');
        for (const entry of failed) assert.equal(entry.error, UNAVAILABLE);
      }
    } finally {
      await own.dispose();
    }
  });
});

describe('rtc-hub flags for scale-out and stateful reconnect', () => {
  async function negotiate(hub: HubProcess): Promise<{ useStatefulReconnect?: boolean }> {
    const response = await fetch(`${hub.url}/messagehub/negotiate?negotiateVersion=1&useStatefulReconnect=true`, { method: 'POST' });
    return (await response.json()) as { useStatefulReconnect?: boolean };
  }

  it('--stateful-reconnect off (or STATEFUL_RECONNECT=off) stops offering it; on by default', async () => {
    assert.equal((await negotiate(await startHub([]))).useStatefulReconnect, true);
    assert.equal((await negotiate(await startHub(['--stateful-reconnect', 'off']))).useStatefulReconnect, undefined);
  });

  it('refuses bad values with a clear message', async () => {
    for (const [flag, value, message] of [
      ['--redis-heartbeat', '0', /--redis-heartbeat must be a positive number of milliseconds, not "0"\./],
      ['--stateful-reconnect', 'maybe', /--stateful-reconnect must be on or off, not "maybe"\./],
      ['--stateful-reconnect-buffer', 'lots', /--stateful-reconnect-buffer must be a positive number of bytes, not "lots"\./],
    ] as const) {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', flag, value], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      assert.equal(code, 2, flag);
      assert.match(stderr, message);
    }
  });
});
