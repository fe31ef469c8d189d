// The limits on every connection (product.md sections 7 and 8), each with its exact message and a second,
// healthy connection that the limit does not touch: the size of a channel (on one server, and across servers on
// Redis), the channels of one connection, and the invocation rate. And Join's answer: the members already there.
import * as signalr from '@microsoft/signalr';
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { HubServer } from '../src/index.js';
import { CLIENT_KINDS, connect, type ClientKind, type TestClient } from './helpers/clients.js';
import { RawSocket, records, wsUrl } from './helpers/raw.js';
import { startRedis, type RedisProcess } from './helpers/redis.js';
import { testServers } from './helpers/servers.js';

const hubError = (method: string, message: string) => `An unexpected error occurred invoking '${method}' on the server. HubException: ${message}`;
const FULL = (channel: string) => hubError('Join', `Channel '${channel}' is full.`);
const TOO_MANY = (channel: string, max = 4) => hubError('Join', `Cannot join '${channel}': one connection may be in at most ${max} channels.`);
const RATE = (method: string) => hubError(method, 'Rate limit exceeded.');

const WS = CLIENT_KINDS[0]!;
/** The current client over each transport, with JSON. */
const TRANSPORTS = CLIENT_KINDS.filter((k) => k.client === '@microsoft/signalr' && k.protocol === 'json');

const start = testServers();
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.stop()));
});

async function client(server: HubServer, kind: ClientKind = WS): Promise<TestClient & { id: string }> {
  const c = await connect(server.url, kind);
  clients.push(c);
  return Object.assign(c, { id: c.connectionId! });
}

/** A second connection, in a channel of its own with a peer, that must keep working whatever the test does. */
async function healthyPair(server: HubServer, channel: string) {
  const [x, y] = [await client(server), await client(server)];
  await x.invoke('Join', channel);
  await y.invoke('Join', channel);
  return {
    async check(n: number) {
      await x.invoke('SignalWebRtc', channel, 'candidate', `healthy ${n}`);
      assert.deepEqual(await y.next('SignalWebRtc'), [channel, 'candidate', `healthy ${n}`]);
    },
  };
}

const sorted = (ids: unknown) => [...(ids as string[])].sort();

describe('--max-channel-members (default 6)', () => {
  for (const kind of TRANSPORTS) {
    it(`${kind.name}: the 7th Join gets "Channel '<name>' is full.", joins nothing, and tells nobody; a member's Join still works; a seat freed is taken`, async () => {
      const server = await start();
      const healthy = await healthyPair(server, 'healthy');
      const members: Array<TestClient & { id: string }> = [];
      for (let i = 0; i < 6; i++) {
        const member = await client(server, kind);
        // Join answers with the members already there, in any order.
        assert.deepEqual(sorted(await member.invoke('Join', 'room')), sorted(members.map((m) => m.id)));
        members.push(member);
      }
      const seventh = await client(server, kind);
      await assert.rejects(seventh.invoke('Join', 'room'), { message: FULL('room') });
      await assert.rejects(seventh.invoke('SignalWebRtc', 'room', 'offer', 'x'), /Join the channel 'room' before signaling to it\./);
      await healthy.check(1);
      // A member's repeated Join is harmless, and answers with the five others.
      assert.deepEqual(sorted(await members[0]!.invoke('Join', 'room')), sorted(members.slice(1).map((m) => m.id)));
      await members[5]!.invoke('Leave', 'room');
      assert.deepEqual(sorted(await seventh.invoke('Join', 'room')), sorted(members.slice(0, 5).map((m) => m.id)));
      // Nobody heard of the refused Join: members[0] heard the five who came after it, members[0]'s own
      // second Join went to the others only, and then the seventh once.
      assert.deepEqual(members[0]!.received('Join').map(([id]) => id), [...members.slice(1).map((m) => m.id), seventh.id]);
      await healthy.check(2);
    });
  }
});

describe('--max-channel-members across hub servers on one Redis', () => {
  let redis: RedisProcess;
  let hubs: HubServer[];
  before(async () => {
    redis = await startRedis();
    hubs = [await start({ redis: redis.url, maxChannelMembers: 2 }), await start({ redis: redis.url, maxChannelMembers: 2 })];
  });
  after(async () => {
    await Promise.all(hubs.map((h) => h.close()));
    await redis.dispose();
  });

  it('a channel with one member on each server is full on both; Join answers with the members on every server', async () => {
    const [a, b] = [await client(hubs[0]!), await client(hubs[1]!)];
    assert.deepEqual(await a.invoke('Join', 'shared'), []);
    assert.deepEqual(await b.invoke('Join', 'shared'), [a.id]);
    assert.deepEqual(await a.next('Join'), [b.id]);
    const [c, d] = [await client(hubs[0]!), await client(hubs[1]!)];
    await assert.rejects(c.invoke('Join', 'shared'), { message: FULL('shared') });
    await assert.rejects(d.invoke('Join', 'shared'), { message: FULL('shared') });
    assert.deepEqual(await a.invoke('Join', 'shared'), [b.id], 'a member joins again, and hears of the member elsewhere');
    // A member on the other server leaves: its seat is free here.
    await b.invoke('Leave', 'shared');
    assert.deepEqual(await c.invoke('Join', 'shared'), [a.id]);
    // A connection that drops frees its seat too, once its server has seen it go (the client's stop() does not
    // wait for that): until then, d is refused as the channel is full.
    await c.stop();
    const deadline = Date.now() + 5_000;
    for (;;) {
      const answer = await d.invoke('Join', 'shared').catch((error: Error) => error.message);
      if (answer !== FULL('shared')) {
        assert.deepEqual(answer, [a.id]);
        break;
      }
      assert.ok(Date.now() < deadline, "c's seat was never freed");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it('two servers racing for the last seat: exactly one wins, every time', async () => {
    for (let round = 0; round < 10; round++) {
      const channel = `race-${round}`;
      const first = await client(hubs[round % 2]!);
      await first.invoke('Join', channel);
      const [x, y] = [await client(hubs[0]!), await client(hubs[1]!)];
      const results = await Promise.allSettled([x.invoke('Join', channel), y.invoke('Join', channel)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1, `round ${round}: ${JSON.stringify(results)}`);
      assert.equal(lost[0]!.reason.message, FULL(channel));
      assert.deepEqual((won[0] as PromiseFulfilledResult<unknown>).value, [first.id]);
    }
  });
});

describe('--max-channels-per-connection (default 4)', () => {
  for (const kind of TRANSPORTS) {
    it(`${kind.name}: a 5th channel is refused with its exact message; joining one again, or after a Leave, works`, async () => {
      const server = await start();
      const healthy = await healthyPair(server, 'healthy');
      const c = await client(server, kind);
      for (const channel of ['c1', 'c2', 'c3', 'c4']) assert.deepEqual(await c.invoke('Join', channel), []);
      await assert.rejects(c.invoke('Join', 'c5'), { message: TOO_MANY('c5') });
      await assert.rejects(c.invoke('SignalWebRtc', 'c5', 'offer', 'x'), /Join the channel 'c5' before signaling to it\./);
      assert.deepEqual(await c.invoke('Join', 'c4'), [], 'a channel it is in is no new channel');
      await healthy.check(1);
      await c.invoke('Leave', 'c1');
      assert.deepEqual(await c.invoke('Join', 'c5'), []);
      await healthy.check(2);
    });
  }
});

describe('--max-invocations-per-second (default 50, bursts of 100)', () => {
  for (const kind of TRANSPORTS) {
    it(`${kind.name}: a burst past 100 gets "Rate limit exceeded." for the rest, unknown methods counted too; the budget refills; others are not touched`, async () => {
      const server = await start();
      const healthy = await healthyPair(server, 'healthy');
      const c = await client(server, kind);
      // 60 unknown methods and 60 Joins at once: the bucket holds 100 (and refills at 50/s while they arrive).
      const calls = [
        ...Array.from({ length: 60 }, () => c.invoke('NoSuchMethod')),
        ...Array.from({ length: 60 }, (_, i) => c.invoke('Join', `r${i % 4}`)),
      ];
      const results = await Promise.allSettled(calls);
      const messages = results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'));
      const refused = messages.filter((m) => m === RATE('NoSuchMethod') || m === RATE('Join'));
      // Unknown methods took their share: every one of the first 60 ran (and failed as unknown).
      assert.deepEqual(
        messages.slice(0, 60),
        Array(60).fill("Failed to invoke 'NoSuchMethod' due to an error on the server. HubException: Method does not exist."),
      );
      assert.ok(refused.length >= 10 && refused.length <= 20, `${refused.length} refused: ${JSON.stringify(messages.slice(60))}`);
      await healthy.check(1);
      // The budget refills at 50/s: a Join goes through again soon.
      const deadline = Date.now() + 5_000;
      let answer: unknown;
      for (;;) {
        try {
          answer = await c.invoke('Join', 'r0');
          break;
        } catch (error) {
          assert.equal((error as Error).message, RATE('Join'));
          if (Date.now() > deadline) throw new Error('The rate limit never let a Join through again.');
        }
      }
      assert.deepEqual(answer, []);
      await healthy.check(2);
    });
  }

  it('a raw burst in one frame: exactly the first 100 run, in order, and send() past the limit gets no answer', async () => {
    const server = await start();
    const socket = await RawSocket.connect(`${wsUrl(server.url)}/messagehub`);
    try {
      // 100 + 20 invocations with ids, and 5 send()s, in one frame: no time passes to refill more than one or two.
      const messages = Array.from({ length: 120 }, (_, i) => `{"type":1,"invocationId":"${i}","target":"Nope","arguments":[]}`);
      messages.push(...Array.from({ length: 5 }, () => '{"type":1,"target":"Nope","arguments":[]}'));
      socket.send(records(...messages));
      const answers: Array<{ invocationId: string; error: string }> = [];
      while (answers.length < 120) answers.push(JSON.parse(await socket.nextRecord(5_000, (t) => t === '{"type":6}')));
      assert.deepEqual(answers.map((a) => a.invocationId), Array.from({ length: 120 }, (_, i) => String(i)), 'one answer each, in order');
      const ran = answers.filter((a) => a.error.endsWith('Method does not exist.')).length;
      assert.ok(ran >= 100 && ran <= 102, `${ran} ran`);
      assert.ok(answers.slice(0, 100).every((a) => a.error.endsWith('Method does not exist.')));
      assert.ok(answers.slice(ran).every((a) => a.error === RATE('Nope')));
      // The send()s got nothing, as a failed send() never does: the next answer is the Join's.
      socket.send(records('{"type":1,"invocationId":"last","target":"Join","arguments":["x"]}'));
      const next = JSON.parse(await socket.nextRecord(5_000, (t) => t === '{"type":6}')) as { invocationId: string };
      assert.equal(next.invocationId, 'last');
    } finally {
      socket.terminate();
    }
  });

  it('a connection that stays past the limit for 10 s is closed with an error, not before; the others are not touched', async () => {
    const server = await start();
    const healthy = await healthyPair(server, 'healthy');
    const connection = new signalr.HubConnectionBuilder()
      .withUrl(`${server.url}/messagehub`, { transport: signalr.HttpTransportType.WebSockets })
      .configureLogging(signalr.LogLevel.None)
      .build();
    const closed = new Promise<Error | undefined>((resolve) => connection.onclose(resolve));
    await connection.start();
    let firstRefusal = 0;
    let running = true;
    // About 200 a second, four times the limit, until the hub closes the connection.
    const flood = (async () => {
      while (running && connection.state === signalr.HubConnectionState.Connected) {
        for (let i = 0; i < 2; i++) {
          connection.invoke('Join', 'flood').catch((error: Error) => {
            if (error.message === RATE('Join') && firstRefusal === 0) firstRefusal = Date.now();
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    let n = 0;
    const checks = (async () => {
      while (running) {
        await healthy.check(++n);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    try {
      const error = await Promise.race([
        closed,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Not closed within 20 s.')), 20_000)),
      ]);
      const after = Date.now() - firstRefusal;
      assert.equal(error?.message, 'Server returned an error on close: Connection closed: invocations stayed past the rate limit.');
      assert.ok(firstRefusal > 0, 'invocations were refused first');
      // The server counts from its first refusal, a moment before the client hears of it.
      assert.ok(after >= 9_500 && after <= 13_000, `closed ${after} ms after the first refusal`);
    } finally {
      running = false;
      await Promise.all([flood, checks]);
      await connection.stop();
    }
    assert.ok(n >= 10, 'the healthy pair kept working throughout');
    await healthy.check(n + 1);
  });
});
