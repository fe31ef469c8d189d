// Two hub servers and one real redis-server: the official clients on different servers share channels,
// local traffic stays off Redis, and a Redis outage is survived and reported, never hidden.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createHubServer, InMemoryHubLifetimeManager, silentLogger, type HubServer, type Logger } from '../src/index.js';
import { CLIENT_KINDS, connect, delay, type ClientKind, type TestClient } from './helpers/clients.js';
import { startRedis, type RedisProcess } from './helpers/redis.js';

const WS_JSON = CLIENT_KINDS.find((k) => k.transport === 'WebSockets' && k.protocol === 'json' && k.client === '@microsoft/signalr')!;
const LP_MSGPACK = CLIENT_KINDS.find((k) => k.transport === 'LongPolling' && k.protocol === 'messagepack')!;
const WS_MSGPACK = CLIENT_KINDS.find((k) => k.transport === 'WebSockets' && k.protocol === 'messagepack')!;
const UNAVAILABLE = 'The message could not reach the other servers: the backplane is unavailable.';

/** A logger that keeps what it is told, to check what the hub says about Redis. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => void lines.push(`info: ${message}`),
    warn: (message) => void lines.push(`warn: ${message}`),
    error: (message) => void lines.push(`error: ${message}`),
  };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await delay(20);
  }
}

const health = async (server: HubServer) => (await fetch(`${server.url}/healthz`)).status;

let redis: RedisProcess;
let serverA: HubServer;
let serverB: HubServer;
const logA = recordingLogger();
const logB = recordingLogger();
const clients: TestClient[] = [];

before(async () => {
  redis = await startRedis();
  serverA = await createHubServer({ port: 0, redis: redis.url, logger: logA });
  serverB = await createHubServer({ port: 0, redis: redis.url, logger: logB });
  await until('both servers are healthy', async () => (await health(serverA)) === 200 && (await health(serverB)) === 200);
});
after(async () => {
  await Promise.allSettled(clients.map((c) => c.stop()));
  await Promise.allSettled([serverA?.close(), serverB?.close()]);
  await redis?.dispose();
});

async function client(server: HubServer, kind: ClientKind = WS_JSON): Promise<TestClient & { id: string }> {
  const c = await connect(server.url, kind);
  clients.push(c);
  return Object.assign(c, { id: c.connectionId! });
}

let channels = 0;
const newChannel = () => `scale-${++channels}`;

/** Watches every command Redis runs (MONITOR), to count publications per channel. */
class PublishCounter {
  private readonly counts = new Map<string, number>();
  private markers = new Set<string>();
  private constructor(private readonly links: { monitor: Redis; client: Redis }) {}

  private get client(): Redis {
    return this.links.client;
  }

  static async start(url: string): Promise<PublishCounter> {
    // The test stops Redis later; these must not try to reconnect, nor complain, after stop().
    const client = new Redis(url, { retryStrategy: () => null });
    client.on('error', () => {});
    const monitor = await client.monitor(); // a second connection, in monitor mode
    monitor.on('error', () => {});
    const counter = new PublishCounter({ monitor, client });
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (String(args[0]).toLowerCase() !== 'publish') return;
      const channel = String(args[1]);
      if (channel.startsWith('marker:')) counter.markers.add(channel);
      else counter.counts.set(channel, (counter.counts.get(channel) ?? 0) + 1);
    });
    return counter;
  }

  count(channel: string): number {
    return this.counts.get(channel) ?? 0;
  }

  /** Resolves once MONITOR has shown everything Redis ran before this call. */
  async sync(): Promise<void> {
    const marker = `marker:${Math.random()}`;
    await this.client.publish(marker, '');
    await until('MONITOR shows the marker', () => this.markers.has(marker));
  }

  async stop(): Promise<void> {
    this.links.monitor.disconnect();
    this.links.client.disconnect();
  }
}

describe('two hub servers on one Redis', () => {
  it('relays Join, SignalWebRtc, Offer, Answer, Candidate and Leave between servers, in JSON and MessagePack', async () => {
    const channel = newChannel();
    const a = await client(serverA, WS_JSON);
    const b = await client(serverB, LP_MSGPACK);
    await a.invoke('Join', channel);
    await b.invoke('Join', channel);
    assert.deepEqual(await a.next('Join'), [b.id]);
    await a.invoke('Join', channel);
    assert.deepEqual(await b.next('Join'), [a.id]);

    await a.invoke('SignalWebRtc', channel, 'offer', 'o-sdp');
    assert.deepEqual(await b.next('SignalWebRtc'), [channel, 'offer', 'o-sdp']);
    await b.invoke('SignalWebRtc', channel, 'answer', 'a-sdp');
    assert.deepEqual(await a.next('SignalWebRtc'), [channel, 'answer', 'a-sdp']);
    await a.invoke('SignalWebRtc', channel, 'candidate', 'c-1');
    assert.deepEqual(await b.next('SignalWebRtc'), [channel, 'candidate', 'c-1']);
    await a.invoke('Offer', channel, 'offer-2');
    assert.deepEqual(await b.next('ReceiveOffer'), ['offer-2']);
    await b.invoke('Answer', channel, 'answer-2');
    assert.deepEqual(await a.next('ReceiveAnswer'), ['answer-2']);
    await b.invoke('Candidate', channel, 'candidate-2');
    assert.deepEqual(await a.next('ReceiveCandidate'), ['candidate-2']);

    await b.invoke('Leave', channel);
    assert.deepEqual(await a.next('Leave'), [b.id]);
    // b is no longer a member, on its own server: it may not signal, and a hears nothing more from it.
    await assert.rejects(b.invoke('Offer', channel, 'late'), /Join the channel 'scale-\d+' before signaling to it\./);

    await delay(100);
    // Each message exactly once, and nothing back to its sender.
    assert.deepEqual(a.received('Join'), [[b.id]]);
    assert.deepEqual(b.received('Join'), [[a.id]]);
    assert.deepEqual(a.received('SignalWebRtc'), [[channel, 'answer', 'a-sdp']]);
    assert.deepEqual(b.received('SignalWebRtc'), [[channel, 'offer', 'o-sdp'], [channel, 'candidate', 'c-1']]);
    assert.deepEqual(b.received('ReceiveOffer'), [['offer-2']]);
    assert.deepEqual(a.received('ReceiveAnswer'), [['answer-2']]);
    assert.deepEqual(a.received('ReceiveCandidate'), [['candidate-2']]);
    assert.deepEqual(a.received('ReceiveOffer'), []);
    assert.deepEqual(a.received('Leave'), [[b.id]]);
    assert.deepEqual(b.received('Leave'), []);
  });

  it('refuses signals from a non-member on the other server, and delivers none', async () => {
    const channel = newChannel();
    const a = await client(serverA);
    const outsider = await client(serverB, WS_MSGPACK);
    await a.invoke('Join', channel);
    await outsider.invoke('Join', 'elsewhere');
    for (const [method, args] of [
      ['SignalWebRtc', [channel, 'offer', 'x']],
      ['Offer', [channel, 'x']],
      ['Answer', [channel, 'x']],
      ['Candidate', [channel, 'x']],
    ] as const) {
      await assert.rejects(outsider.invoke(method, ...args), {
        message: `An unexpected error occurred invoking '${method}' on the server. HubException: Join the channel '${channel}' before signaling to it.`,
      });
    }
    await delay(100);
    for (const event of ['SignalWebRtc', 'ReceiveOffer', 'ReceiveAnswer', 'ReceiveCandidate', 'Join']) {
      assert.deepEqual(a.received(event), [], `a received no ${event}`);
    }
  });

  it('tells members on the other server Leave when a connection drops', async () => {
    const channel = newChannel();
    const a = await client(serverA);
    const b = await client(serverB);
    const b2 = await client(serverB, LP_MSGPACK);
    for (const c of [a, b, b2]) await c.invoke('Join', channel);
    await a.stop();
    assert.deepEqual(await b.next('Leave'), [a.id]);
    assert.deepEqual(await b2.next('Leave'), [a.id]);
    // And the other way round: a member on B drops, and the one left on B is told too (locally).
    const a2 = await client(serverA);
    await a2.invoke('Join', channel);
    await b.stop();
    assert.deepEqual(await a2.next('Leave'), [b.id]);
    assert.deepEqual(await b2.next('Leave'), [b.id]);
    await delay(100);
    assert.equal(b2.received('Leave').length, 2, 'each Leave once');
    assert.equal(a2.received('Leave').length, 1);
  });

  it('delivers on one server without publishing, and publishes a mixed group message once, received once each', async () => {
    const counter = await PublishCounter.start(redis.url);
    try {
      // Local only: both members on A.
      const local = newChannel();
      const a1 = await client(serverA);
      const a2 = await client(serverA, LP_MSGPACK);
      await a1.invoke('Join', local);
      await a2.invoke('Join', local);
      assert.deepEqual(await a1.next('Join'), [a2.id]);
      await a1.invoke('Offer', local, 'local-offer');
      assert.deepEqual(await a2.next('ReceiveOffer'), ['local-offer']);
      await a2.invoke('Candidate', local, 'local-candidate');
      assert.deepEqual(await a1.next('ReceiveCandidate'), ['local-candidate']);
      await counter.sync();
      assert.equal(counter.count(`MessageHub:group:${local}`), 0, 'nothing published for a group with members on one server');
      assert.equal(counter.count(`MessageHub:connection:${a1.id}`), 0);
      assert.equal(counter.count(`MessageHub:connection:${a2.id}`), 0);
      assert.equal(counter.count('MessageHub:all'), 0);

      // Mixed: two members on A, one on B.
      const mixed = newChannel();
      const b1 = await client(serverB);
      for (const c of [a1, a2, b1]) await c.invoke('Join', mixed);
      await counter.sync();
      const before = counter.count(`MessageHub:group:${mixed}`);
      await a1.invoke('Offer', mixed, 'mixed-offer');
      assert.deepEqual(await b1.next('ReceiveOffer'), ['mixed-offer']);
      assert.deepEqual(await a2.next('ReceiveOffer'), ['mixed-offer']);
      await counter.sync();
      await delay(100);
      assert.equal(counter.count(`MessageHub:group:${mixed}`) - before, 1, 'one publication for the other server');
      // a2 got it from memory; A ignored its own publication, so a2 did not get it a second time.
      assert.deepEqual(a2.received('ReceiveOffer'), [['local-offer'], ['mixed-offer']]);
      assert.deepEqual(b1.received('ReceiveOffer'), [['mixed-offer']]);
      assert.deepEqual(a1.received('ReceiveOffer'), []);
    } finally {
      await counter.stop();
    }
  });

  // Last: it stops Redis.
  it('survives a Redis outage: local delivery goes on, /healthz says 503, cross-server sends fail loudly, and all flows again after', async () => {
    const remote = newChannel();
    const local = newChannel();
    const a = await client(serverA);
    const b = await client(serverB, LP_MSGPACK);
    const aLocal = await client(serverA, WS_MSGPACK);
    await a.invoke('Join', remote);
    await b.invoke('Join', remote);
    await a.invoke('Join', local);
    await aLocal.invoke('Join', local);

    // b sends numbered candidates to a all along, and notes which the hub accepted and which it refused.
    const accepted: string[] = [];
    const refused: string[] = [];
    let sending = true;
    const sender = (async () => {
      for (let n = 0; sending; n++) {
        try {
          await b.invoke('Candidate', remote, String(n));
          accepted.push(String(n));
        } catch (error) {
          assert.match((error as Error).message, /HubException: The message could not reach the other servers: the backplane is unavailable\.$/);
          refused.push(String(n));
        }
        await delay(25);
      }
    })();
    await until('some candidates got through', () => accepted.length >= 3);

    await redis.stop();
    await until('both servers report 503', async () => (await health(serverA)) === 503 && (await health(serverB)) === 503);
    const body = await (await fetch(`${serverA.url}/healthz`)).json();
    assert.deepEqual(body, { status: 'unhealthy', reason: 'The backplane is unreachable.' });
    assert.ok(logA.lines.some((line) => /^warn: Redis backplane at redis:\/\/127\.0\.0\.1:\d+ is unreachable/.test(line)), logA.lines.join('\n'));
    assert.ok(logB.lines.some((line) => line.startsWith('warn: Redis backplane') && line.includes('unreachable')));

    // A send that needs the other server gets the hub error...
    await assert.rejects(a.invoke('Offer', remote, 'during'), {
      message: `An unexpected error occurred invoking 'Offer' on the server. HubException: ${UNAVAILABLE}`,
    });
    // ...while both servers go on serving their own connections.
    await aLocal.invoke('Offer', local, 'local-during');
    assert.deepEqual(await a.next('ReceiveOffer'), ['local-during']);
    await a.invoke('Join', local);
    assert.deepEqual(await aLocal.next('Join'), [a.id]);
    await until('some candidates were refused during the outage', () => refused.length >= 3);

    await redis.start();
    const back = Date.now();
    await until('both servers report 200', async () => (await health(serverA)) === 200 && (await health(serverB)) === 200);
    // Messages flow again both ways, within 5 s of Redis's return.
    const acceptedBefore = accepted.length;
    await until('candidates flow again', () => accepted.length >= acceptedBefore + 3, 5_000 - (Date.now() - back));
    for (;;) {
      try {
        await a.invoke('Answer', remote, 'after');
        break;
      } catch (error) {
        assert.match((error as Error).message, /backplane is unavailable/);
        await delay(50);
      }
    }
    assert.deepEqual(await b.next('ReceiveAnswer', 5_000 - (Date.now() - back)), ['after']);
    assert.ok(Date.now() - back < 5_000, `flowing again after ${Date.now() - back} ms`);
    sending = false;
    await sender;

    // Every accepted candidate arrived exactly once and in order; no refused one arrived; nothing twice.
    await until('a has every accepted candidate', () => a.received('ReceiveCandidate').length >= accepted.length);
    await delay(200);
    assert.deepEqual(a.received('ReceiveCandidate').map(([n]) => n), accepted);
    assert.deepEqual(b.received('ReceiveAnswer'), [['after']]);
    assert.deepEqual(b.received('ReceiveOffer'), [], 'the Offer refused during the outage never arrived');
    assert.ok(logA.lines.some((line) => /^info: Redis backplane at .* is reachable again/.test(line)), logA.lines.join('\n'));
  });
});

describe('the redis option', () => {
  it('is checked up front, with exact messages', async () => {
    await assert.rejects(createHubServer({ port: 0, redis: 'http://127.0.0.1:6379' }), {
      name: 'TypeError',
      message: 'The "redis" option must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379.',
    });
    await assert.rejects(createHubServer({ port: 0, redis: redis.url, lifetimeManager: new InMemoryHubLifetimeManager() }), {
      name: 'TypeError',
      message: 'The "redis" and "lifetimeManager" options exclude each other: give one or the other.',
    });
  });

  it('makes close() close the Redis connections', async () => {
    const observer = new Redis(redis.url);
    try {
      const clientNames = async () => String(await observer.client('LIST')).match(/name=MessageHub:\S+/g) ?? [];
      const before = (await clientNames()).length;
      const hub = await createHubServer({ port: 0, redis: redis.url, logger: silentLogger });
      try {
        await until('the new hub is healthy', async () => (await health(hub)) === 200);
        await until('the invitation store is connected', async () => (await clientNames()).length === before + 3);
        const names = (await clientNames()).slice(before);
        assert.equal(names.filter((name) => /^name=MessageHub:\S+:(pub|sub)$/.test(name)).length, 2, 'a publisher and a subscriber');
        assert.ok(names.includes('name=MessageHub:invitations'), 'and the invitation store');
      } finally {
        await hub.close();
      }
      await until('its connections are gone', async () => (await clientNames()).length === before);
    } finally {
      observer.disconnect();
    }
  });
});

describe('rtc-hub --redis', () => {
  const CLI = new URL('../src/cli.ts', import.meta.url).pathname;

  function start(args: string[], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { ...process.env, PORT: '', HOST: '', REDIS_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const listening = new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (line) => {
        const match = /^rtc-hub listening on (http:\/\/\S+)$/.exec(line);
        if (match) resolve(match[1]!);
        else reject(new Error(`Unexpected first line: ${line}`));
      });
      exited.then((code) => reject(new Error(`rtc-hub exited with ${code}: ${stderr}`)));
    });
    return { child, exited, listening, stderr: () => stderr };
  }

  it('joins a Redis given by --redis or REDIS_URL, and its /healthz follows Redis', async () => {
    for (const [args, env] of [
      [['--port', '0', '--redis', redis.url], {}],
      [['--port', '0'], { REDIS_URL: redis.url }],
    ] as const) {
      const hub = start([...args], env);
      try {
        const url = await hub.listening;
        await until('the CLI hub is healthy', async () => (await fetch(`${url}/healthz`)).status === 200);
        // It is on the backplane: a client there reaches a client on serverA.
        const channel = newChannel();
        const here = await client(serverA);
        const there = await connect(url, WS_JSON);
        await here.invoke('Join', channel);
        await there.invoke('Join', channel);
        assert.deepEqual(await here.next('Join'), [there.connectionId]);
        await there.stop();
      } finally {
        hub.child.kill('SIGTERM');
        assert.equal(await hub.exited, 0);
      }
    }
  });

  it('refuses a URL that is not redis:// with the option\'s message', async () => {
    const hub = start(['--port', '0', '--redis', 'http://127.0.0.1:6379']);
    hub.listening.catch(() => {});
    assert.equal(await hub.exited, 2);
    assert.match(hub.stderr(), /The "redis" option must be a redis:\/\/ or rediss:\/\/ URL, such as redis:\/\/127\.0\.0\.1:6379\./);
  });
});
