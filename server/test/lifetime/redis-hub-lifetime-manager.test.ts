import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { decode } from '@msgpack/msgpack';
import { Redis } from 'ioredis';
import { HubError } from '../../src/hub/hub.js';
import type { LifetimeConnection } from '../../src/lifetime/hub-lifetime-manager.js';
import { BACKPLANE_UNAVAILABLE, RedisHubLifetimeManager } from '../../src/lifetime/redis-hub-lifetime-manager.js';
import { jsonHubProtocol } from '../../src/protocol/json-hub-protocol.js';
import type { InvocationMessage } from '../../src/protocol/messages.js';
import type { SerializedHubMessage } from '../../src/protocol/serialized-message.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';
import { hubLifetimeManagerConformance } from './hub-lifetime-manager.conformance.js';

// A cluster is N managers, one per "server", on one real redis-server. Each cluster gets its own channel
// prefix, so a test never hears another's servers.
let redis: RedisProcess;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis?.dispose();
});

/** Resolves once everything sent so far has reached every manager, and what they sent in answer too. */
async function settle(managers: readonly RedisHubLifetimeManager[]): Promise<void> {
  for (let round = 0; round < 2; round++) await Promise.all(managers.map((m) => m.flush()));
}

hubLifetimeManagerConformance('RedisHubLifetimeManager', async (servers) => {
  const channelPrefix = `conformance-${randomUUID()}`;
  const managers = Array.from({ length: servers }, () => new RedisHubLifetimeManager({ url: redis.url, channelPrefix }));
  await Promise.all(managers.map((m) => m.whenReady()));
  await settle(managers);
  return {
    managers,
    settle: () => settle(managers),
    close: async () => void (await Promise.all(managers.map((m) => m.close()))),
  };
});

class Connection implements LifetimeConnection {
  readonly connectionId = `c-${randomUUID()}`;
  readonly groups = new Set<string>();
  readonly received: Array<[string, unknown[]]> = [];
  write(message: SerializedHubMessage): void {
    const parsed = jsonHubProtocol.parse(message.bytesFor(jsonHubProtocol)) as InvocationMessage;
    this.received.push([parsed.target, parsed.arguments]);
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const unavailable = (error: unknown) => error instanceof HubError && error.message === BACKPLANE_UNAVAILABLE;

describe('RedisHubLifetimeManager when Redis or a server goes away', () => {
  it('checks its options with exact messages', () => {
    assert.throws(() => new RedisHubLifetimeManager({ url: 'http://127.0.0.1:6379' }), {
      name: 'TypeError',
      message: 'The "url" option must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379.',
    });
    assert.throws(() => new RedisHubLifetimeManager({ url: redis.url, channelPrefix: '' }), {
      message: 'The "channelPrefix" option must be a non-empty string.',
    });
    assert.throws(() => new RedisHubLifetimeManager({ url: redis.url, heartbeatInterval: 0 }), {
      message: 'The "heartbeatInterval" option must be a positive number of milliseconds.',
    });
  });

  it('keeps local delivery through an outage, fails cross-server sends, and resubscribes everything after, groups joined meanwhile included', async () => {
    const own = await startRedis();
    const channelPrefix = `outage-${randomUUID()}`;
    const [m0, m1] = [0, 1].map(() => new RedisHubLifetimeManager({ url: own.url, channelPrefix })) as [
      RedisHubLifetimeManager,
      RedisHubLifetimeManager,
    ];
    try {
      await Promise.all([m0.whenReady(), m1.whenReady()]);
      const [a, aLocal, aLate] = [new Connection(), new Connection(), new Connection()];
      const [b, bLate] = [new Connection(), new Connection()];
      for (const c of [a, aLocal, aLate]) await m0.onConnected(c);
      for (const c of [b, bLate]) await m1.onConnected(c);
      await m0.addToGroup(a.connectionId, 'shared');
      await m1.addToGroup(b.connectionId, 'shared');
      await m0.addToGroup(aLocal.connectionId, 'local');
      await settle([m0, m1]);
      await m0.sendGroup('shared', 'Before', []);
      await until('b has Before', () => b.received.length === 1);

      await own.stop();
      await until('both managers report the outage', () => !m0.healthy && !m1.healthy);
      // Groups joined during the outage, by a first member on each server.
      await m0.addToGroup(aLate.connectionId, 'late');
      await m1.addToGroup(bLate.connectionId, 'late');
      // A send with members on the other server is refused after local delivery...
      await assert.rejects(m0.sendGroup('shared', 'During', []), unavailable);
      await assert.rejects(m0.sendAll('AllDuring', []), unavailable);
      await assert.rejects(m0.sendConnection(b.connectionId, 'DirectDuring', []), unavailable);
      assert.deepEqual(a.received, [['Before', []], ['During', []], ['AllDuring', []]]);
      // ...and one with members here only goes through.
      await m0.sendGroup('local', 'LocalDuring', []);
      await m0.sendConnection(aLocal.connectionId, 'DirectLocal', []);
      assert.deepEqual(aLocal.received, [['AllDuring', []], ['LocalDuring', []], ['DirectLocal', []]]);

      await own.start();
      const back = Date.now();
      await until('both managers are healthy again', () => m0.healthy && m1.healthy);
      assert.ok(Date.now() - back < 5_000);
      await settle([m0, m1]);
      await m1.sendGroup('late', 'Late', [1]);
      await m0.sendGroup('late', 'Late', [0]);
      await m0.sendGroup('shared', 'After', []);
      await until('the messages after the outage arrived', () => aLate.received.length === 3 && bLate.received.length === 2 && b.received.length === 2);
      await settle([m0, m1]);
      assert.deepEqual(aLate.received, [['AllDuring', []], ['Late', [1]], ['Late', [0]]]);
      assert.deepEqual(bLate.received, [['Late', [1]], ['Late', [0]]]);
      assert.deepEqual(b.received, [['Before', []], ['After', []]], 'nothing from the outage, nothing twice');
    } finally {
      await Promise.all([m0.close(), m1.close()]);
      await own.dispose();
    }
  });

  it('takes a server that dies without a word for dead: its peers here are told, and its record in Redis expires', async () => {
    const channelPrefix = `death-${randomUUID()}`;
    const heartbeatInterval = 100;
    const survivor = new RedisHubLifetimeManager({ url: redis.url, channelPrefix, heartbeatInterval });
    const lost: Array<{ id: string; groups: string[]; at: number }> = [];
    survivor.onRemoteDisconnected(async (id, groups, local) => {
      lost.push({ id, groups: [...groups], at: Date.now() });
      // What the hub does with it: tell the members here, through `local`, which reaches nobody elsewhere.
      for (const group of groups) await local.sendGroup(group, 'Leave', [id]);
    });
    const observer = new Redis(redis.url);
    const records = async () => (await observer.keys(`${channelPrefix}:internal:members:*`)).sort();
    const fixture = new URL('../helpers/lifetime-server.ts', import.meta.url).pathname;
    // The other server's connection is in 'room', shared with the survivor, and in 'elsewhere', which is not.
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, redis.url, channelPrefix, 'room,elsewhere', String(heartbeatInterval)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const lines: string[] = [];
      createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
      await until('the other server is ready', () => lines.some((l) => l.startsWith('ready ')), 10_000);
      const childConnection = lines.find((l) => l.startsWith('ready '))!.slice('ready '.length);
      await survivor.whenReady();
      const here = new Connection();
      await survivor.onConnected(here);
      await survivor.addToGroup(here.connectionId, 'room');
      await settle([survivor]);

      await survivor.sendGroup('room', 'Hello', ['there']);
      await until('the other server received it', () => lines.includes('got Hello ["there"]'));
      // One record per server, each with an expiry: nothing in Redis lives forever.
      const both = await records();
      assert.equal(both.length, 2);
      for (const key of both) {
        const ttl = await observer.pttl(key);
        assert.ok(ttl > 0 && ttl <= 6 * heartbeatInterval, `${key} expires (pttl ${ttl})`);
      }

      child.kill('SIGKILL');
      const killedAt = Date.now();
      await exited;
      // Redis drops a dead server's subscriptions with its connections.
      const numsub = async (channel: string) => Number(((await observer.pubsub('NUMSUB', channel)) as unknown[])[1]);
      await until('Redis dropped its subscriptions', async () => (await numsub(`${channelPrefix}:connection:${childConnection}`)) === 0);
      assert.equal(await numsub(`${channelPrefix}:group:room`), 1, 'only the survivor is left in the room');
      // Within three to four missed heartbeats the survivor takes it for dead and tells its own members,
      // for the groups they share with the dead server's connection, and no others.
      await until('the survivor was told the connection is gone', () => lost.length > 0, 2_000);
      assert.ok(lost[0]!.at - killedAt <= 4 * heartbeatInterval + 200, `told after ${lost[0]!.at - killedAt} ms`);
      assert.deepEqual(lost, [{ id: childConnection, groups: ['room'], at: lost[0]!.at }]);
      assert.deepEqual(here.received.at(-1), ['Leave', [childConnection]]);
      // Its connection left the room's member set too: it no longer takes a seat.
      const roomSet = `${channelPrefix}:internal:group:room`;
      assert.deepEqual(await observer.smembers(roomSet), [`${survivor.serverId} ${here.connectionId}`]);
      // An entry whose connection no server's record holds (a server that died with no survivor to clean up
      // after it) is no member either, and joinGroup removes it on the way.
      await observer.sadd(roomSet, 'gone-server_0 ghost-connection');
      const newcomer = new Connection();
      await survivor.onConnected(newcomer);
      assert.deepEqual(await survivor.joinGroup(newcomer.connectionId, 'room', 2), [here.connectionId]);
      assert.deepEqual((await observer.smembers(roomSet)).sort(), [here, newcomer].map((c) => `${survivor.serverId} ${c.connectionId}`).sort());
      await survivor.removeFromGroup(newcomer.connectionId, 'room');
      // The room is local again: a send there needs no other server and succeeds.
      await survivor.sendGroup('room', 'Probe', []);
      assert.deepEqual(here.received.at(-1), ['Probe', []]);
      // The dead server's record expires on its own; the survivor's stays.
      await until('the dead server\'s record expired', async () => (await records()).length === 1, 2_000);
      assert.deepEqual(await records(), [`${channelPrefix}:internal:members:${survivor.serverId}`]);
      await delay(4 * heartbeatInterval);
      assert.equal(lost.length, 1, 'told once');
    } finally {
      child.kill('SIGKILL');
      observer.disconnect();
      await survivor.close();
    }
  });

  it('does not take the others for dead after this process stalled, and rewrites a record that vanished', async () => {
    const channelPrefix = `stall-${randomUUID()}`;
    const heartbeatInterval = 100;
    const one = new RedisHubLifetimeManager({ url: redis.url, channelPrefix, heartbeatInterval });
    const two = new RedisHubLifetimeManager({ url: redis.url, channelPrefix, heartbeatInterval });
    const observer = new Redis(redis.url);
    const lost: string[] = [];
    for (const manager of [one, two]) manager.onRemoteDisconnected(async (id) => void lost.push(id));
    try {
      await Promise.all([one.whenReady(), two.whenReady()]);
      const [a, b] = [new Connection(), new Connection()];
      await one.onConnected(a);
      await two.onConnected(b);
      await one.addToGroup(a.connectionId, 'room');
      await two.addToGroup(b.connectionId, 'room');
      await delay(3 * heartbeatInterval);

      // Five heartbeats of a blocked event loop (a long GC pause, say). Both servers' heartbeats wait
      // unread behind the timers that run first when it ends; no one may be judged on that.
      const until = Date.now() + 5 * heartbeatInterval;
      while (Date.now() < until) {
        // busy
      }
      await delay(4 * heartbeatInterval);
      assert.deepEqual(lost, [], 'no server was taken for dead');

      // The record expires or is evicted behind this server's back: the next heartbeat writes it whole.
      const key = `${channelPrefix}:internal:members:${one.serverId}`;
      await observer.del(key);
      await delay(3 * heartbeatInterval);
      assert.deepEqual(
        Object.fromEntries(Object.entries(await observer.hgetallBuffer(key)).map(([id, groups]) => [id, decode(groups)])),
        { [a.connectionId]: ['room'] },
      );
    } finally {
      observer.disconnect();
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('deletes its record when it closes, and writes it anew after Redis restarts empty', async () => {
    const own = await startRedis();
    const channelPrefix = `record-${randomUUID()}`;
    const manager = new RedisHubLifetimeManager({ url: own.url, channelPrefix, heartbeatInterval: 100 });
    const observer = new Redis(own.url, { retryStrategy: () => 50 });
    observer.on('error', () => {});
    const record = async () => {
      const raw = await observer.hgetallBuffer(`${channelPrefix}:internal:members:${manager.serverId}`);
      return Object.fromEntries(Object.entries(raw).map(([id, groups]) => [id, decode(groups)]));
    };
    try {
      await manager.whenReady();
      const [a, b] = [new Connection(), new Connection()];
      await manager.onConnected(a);
      await manager.onConnected(b);
      await manager.addToGroup(a.connectionId, 'x');
      await manager.addToGroup(a.connectionId, 'y');
      await manager.addToGroup(b.connectionId, 'x');
      assert.deepEqual(await record(), { [a.connectionId]: ['x', 'y'], [b.connectionId]: ['x'] });
      await manager.removeFromGroup(a.connectionId, 'x');
      await manager.onDisconnected(b);
      assert.deepEqual(await record(), { [a.connectionId]: ['y'] });

      await own.stop();
      await until('the outage is seen', () => !manager.healthy);
      await manager.addToGroup(a.connectionId, 'z'); // while Redis is away: written when it returns
      await own.start();
      await until('healthy again', () => manager.healthy);
      assert.deepEqual(await record(), { [a.connectionId]: ['y', 'z'] });

      await manager.close();
      assert.equal(await observer.dbsize(), 0, 'nothing left after a clean close');
    } finally {
      observer.disconnect();
      await manager.close();
      await own.dispose();
    }
  });
});
