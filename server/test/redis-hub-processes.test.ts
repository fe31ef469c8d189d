// Two real rtc-hub processes and one real redis-server, as a deployment runs them: a hub killed with
// SIGKILL, and a Redis stopped and started while messages flow. (redis-scale-out.test.ts runs two hub
// servers inside the test process; a SIGKILL needs a process of its own.)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, afterEach, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { CLIENT_KINDS, connect, delay, type TestClient } from './helpers/clients.js';
import { busyLoops, health, kill, startHub, stopAllHubs, until, type HubProcess } from './helpers/hub-processes.js';
import { startRedis, type RedisProcess } from './helpers/redis.js';

const CLI = new URL('../src/cli.ts', import.meta.url).pathname;
const WS_JSON = CLIENT_KINDS.find((k) => k.transport === 'WebSockets' && k.protocol === 'json' && k.client === '@microsoft/signalr')!;
const LP_MSGPACK = CLIENT_KINDS.find((k) => k.transport === 'LongPolling' && k.protocol === 'messagepack')!;
/** Short, so a dead hub is noticed within a second: between 3 and 4 heartbeats after it last spoke. */
// Short, to keep the test quick, but long enough that a busy 2-core machine does not miss a beat.
const HEARTBEAT = 500;
/** Redis restarts in the stream test: one found the message-loss race in about one run in three. */
const RESTARTS = 20;
const UNAVAILABLE =
  "An unexpected error occurred invoking 'SignalWebRtc' on the server. HubException: The message could not reach the other servers: the backplane is unavailable.";

const clients: TestClient[] = [];

async function client(hub: HubProcess, kind = WS_JSON): Promise<TestClient & { id: string }> {
  const c = await connect(hub.url, kind);
  clients.push(c);
  return Object.assign(c, { id: c.connectionId! });
}

let redis: RedisProcess;
before(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.stop()));
  await stopAllHubs();
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

  it(`Redis stopped and started ${RESTARTS} times during a stream of messages, under CPU pressure: each time both hubs recover within 5 s, failures are reported, and every accepted message arrives, once, in order`, async () => {
    const own = await startRedis();
    // A busy loop per core: the race this guards against (a publication counted as delivered while only its
    // own server had resubscribed) needed a slow moment between a SUBSCRIBE and its reply.
    const pressure = busyLoops();
    try {
      // The stream is far faster than a person signals: no rate limit here.
      const args = ['--redis', own.url, '--redis-heartbeat', String(HEARTBEAT), '--max-invocations-per-second', '0'];
      const hub1 = await startHub(args);
      const hub2 = await startHub(args);
      const a = await client(hub1);
      const b = await client(hub2);
      await a.invoke('Join', 'stream');
      await b.invoke('Join', 'stream');
      assert.deepEqual(await a.next('Join'), [b.id]);

      // Each side sends numbered messages to the other, one every 10 ms, and notes what the hub said.
      const sent = { a: [] as Array<{ n: number; error?: string }>, b: [] as Array<{ n: number; error?: string }> };
      let running = true;
      const stream = async (from: TestClient, log: (typeof sent)['a']) => {
        for (let n = 1; running; n++) {
          const entry: (typeof sent)['a'][number] = { n };
          log.push(entry);
          await from.invoke('SignalWebRtc', 'stream', 'candidate', String(n)).catch((error: Error) => (entry.error = error.message));
          await delay(10);
        }
      };
      const streams = [stream(a, sent.a), stream(b, sent.b)];
      const numbers = (c: TestClient) => c.received('SignalWebRtc').map((args) => Number(args[2]));

      await until('messages flow both ways', () => numbers(a).length > 10 && numbers(b).length > 10, 10_000);
      for (let round = 1; round <= RESTARTS; round++) {
        await own.stop();
        await until(`both hubs report the outage (round ${round})`, async () => (await health(hub1)) === 503 && (await health(hub2)) === 503);
        await own.start();
        const back = Date.now();
        const lastBefore = { a: sent.a.length, b: sent.b.length };
        // Messages flow again, both ways, within 5 s of Redis's return.
        await until(
          `a message sent after Redis came back arrives on each side (round ${round})`,
          () => numbers(b).some((n) => n > lastBefore.a) && numbers(a).some((n) => n > lastBefore.b),
          5_000,
        );
        const recovered = Date.now() - back;
        assert.ok(recovered < 5_000, `recovered in ${recovered} ms in round ${round}`);
        await until(`both hubs are healthy (round ${round})`, async () => (await health(hub1)) === 200 && (await health(hub2)) === 200);
      }
      running = false;
      await Promise.all(streams);
      // Everything accepted has been delivered by now; a last message each way, invoked after the streams
      // ended, arrives after all of them (one sender, one receiver: in order).
      await a.invoke('SignalWebRtc', 'stream', 'candidate', 'end');
      await b.invoke('SignalWebRtc', 'stream', 'candidate', 'end');
      await until('the last message arrives on each side', () =>
        [a, b].every((c) => c.received('SignalWebRtc').some((args) => args[2] === 'end')),
      );

      for (const [receiver, log] of [[b, sent.a], [a, sent.b]] as const) {
        const got = numbers(receiver).filter((n) => !Number.isNaN(n));
        // In order and never twice: each number is larger than the one before.
        for (let i = 1; i < got.length; i++) assert.ok(got[i]! > got[i - 1]!, `out of order or twice: ${got[i - 1]} then ${got[i]}`);
        // Every send the hub accepted was delivered; the outages were reported to the sender, not hidden.
        const received = new Set(got);
        for (const entry of log) if (!entry.error) assert.ok(received.has(entry.n), `message ${entry.n} was accepted but never arrived`);
        const failed = log.filter((entry) => entry.error);
        assert.ok(failed.length > 0, 'some sends failed during the outages');
        for (const entry of failed) assert.equal(entry.error, UNAVAILABLE);
      }
    } finally {
      await pressure.stop();
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
