// What every HubLifetimeManager must do, written once and run against each implementation.
// A cluster is one or more servers that share a backplane. In memory there is only ever one server,
// so an in-memory cluster hands back the same manager for every server; the Redis cluster hands back
// one manager per server, and the same tests then check delivery across servers.
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import type { HubLifetimeManager, LifetimeConnection } from '../../src/lifetime/hub-lifetime-manager.js';
import { jsonHubProtocol } from '../../src/protocol/json-hub-protocol.js';
import type { HubProtocol, InvocationMessage } from '../../src/protocol/messages.js';
import type { SerializedHubMessage } from '../../src/protocol/serialized-message.js';

export interface LifetimeCluster {
  /** One manager per server. */
  readonly managers: readonly HubLifetimeManager[];
  /** Resolves once everything sent so far has reached every server (a no-op in memory). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** Counts how often a message is serialized, so a test can check it happens once per fan-out. */
class CountingProtocol implements HubProtocol {
  readonly name = 'json';
  readonly transferFormat = 'Text' as const;
  writes = 0;
  isVersionSupported = jsonHubProtocol.isVersionSupported.bind(jsonHubProtocol);
  frameLength = jsonHubProtocol.frameLength.bind(jsonHubProtocol);
  parse = jsonHubProtocol.parse.bind(jsonHubProtocol);
  write: HubProtocol['write'] = (message) => {
    this.writes++;
    return jsonHubProtocol.write(message);
  };
}

let nextId = 0;

class FakeConnection implements LifetimeConnection {
  readonly connectionId = `conn-${++nextId}-${Math.random().toString(36).slice(2, 8)}`;
  readonly groups = new Set<string>();
  readonly received: InvocationMessage[] = [];
  private waiters: Array<() => void> = [];

  constructor(
    private readonly protocol: HubProtocol,
    readonly userId: string | null = null,
  ) {}

  write(message: SerializedHubMessage): void {
    // Go through real bytes, as a transport would: what arrives is what was serialized.
    const bytes = message.bytesFor(this.protocol);
    this.received.push(jsonHubProtocol.parse(bytes) as InvocationMessage);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits until `count` messages have arrived. */
  async waitFor(count: number, timeoutMs = 3_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.connectionId} got ${this.received.length} of ${count} messages.`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  calls(): Array<[string, unknown[]]> {
    return this.received.map((m) => [m.target, m.arguments]);
  }
}

export function hubLifetimeManagerConformance(
  name: string,
  createCluster: (servers: number) => Promise<LifetimeCluster>,
): void {
  describe(`${name} (HubLifetimeManager conformance)`, () => {
    const clusters: LifetimeCluster[] = [];
    const protocol = new CountingProtocol();

    async function cluster(servers = 2) {
      const created = await createCluster(servers);
      clusters.push(created);
      return created;
    }

    /** A connection on server `index` of `c`, of `userId` if given. */
    async function connection(c: LifetimeCluster, index: number, userId: string | null = null): Promise<FakeConnection> {
      const conn = new FakeConnection(protocol, userId);
      await c.managers[index]!.onConnected(conn);
      return conn;
    }

    afterEach(async () => {
      await Promise.all(clusters.splice(0).map((c) => c.close()));
    });
    after(async () => {
      await Promise.all(clusters.splice(0).map((c) => c.close()));
    });

    it('sendAll reaches every connection on every server, once', async () => {
      const c = await cluster();
      const [a, b, d] = [await connection(c, 0), await connection(c, 1), await connection(c, 1)];
      await c.settle();
      await c.managers[0]!.sendAll('Hello', ['world', 1]);
      await Promise.all([a, b, d].map((x) => x.waitFor(1)));
      await c.settle();
      for (const x of [a, b, d]) assert.deepEqual(x.calls(), [['Hello', ['world', 1]]]);
    });

    it('sendAllExcept skips the excluded connections', async () => {
      const c = await cluster();
      const [a, b, d] = [await connection(c, 0), await connection(c, 1), await connection(c, 0)];
      await c.settle();
      await c.managers[1]!.sendAllExcept('Hi', [], [a.connectionId, b.connectionId]);
      await d.waitFor(1);
      await c.settle();
      assert.equal(a.received.length, 0);
      assert.equal(b.received.length, 0);
      assert.deepEqual(d.calls(), [['Hi', []]]);
    });

    it('sendConnection and sendConnections reach only the named connections, wherever they are', async () => {
      const c = await cluster();
      const [a, b, d] = [await connection(c, 0), await connection(c, 1), await connection(c, 1)];
      await c.settle();
      await c.managers[0]!.sendConnection(b.connectionId, 'One', ['b']);
      await c.managers[1]!.sendConnection(a.connectionId, 'One', ['a']);
      await c.managers[0]!.sendConnections([a.connectionId, d.connectionId, d.connectionId], 'Many', []);
      await a.waitFor(2);
      await b.waitFor(1);
      await d.waitFor(1);
      await c.settle();
      assert.deepEqual(a.calls(), [['One', ['a']], ['Many', []]]);
      assert.deepEqual(b.calls(), [['One', ['b']]]);
      assert.deepEqual(d.calls(), [['Many', []]], 'a repeated id still delivers once');
    });

    it('sendGroup reaches the members on every server and nobody else', async () => {
      const c = await cluster();
      const [a, b, outsider] = [await connection(c, 0), await connection(c, 1), await connection(c, 1)];
      await c.managers[0]!.addToGroup(a.connectionId, 'room');
      await c.managers[1]!.addToGroup(b.connectionId, 'room');
      await c.settle();
      assert.ok(a.groups.has('room'), 'membership shows in the connection');
      assert.ok(b.groups.has('room'));
      await c.managers[0]!.sendGroup('room', 'Signal', ['x']);
      await a.waitFor(1);
      await b.waitFor(1);
      await c.settle();
      assert.equal(outsider.received.length, 0);
    });

    it('adding a connection twice is harmless: it is one member and receives once', async () => {
      const c = await cluster();
      const a = await connection(c, 0);
      await c.managers[0]!.addToGroup(a.connectionId, 'room');
      await c.managers[0]!.addToGroup(a.connectionId, 'room');
      await c.settle();
      await c.managers[1]!.sendGroup('room', 'Once', []);
      await a.waitFor(1);
      await c.settle();
      assert.equal(a.received.length, 1);
    });

    it('group names are case-sensitive', async () => {
      const c = await cluster();
      const [a, b] = [await connection(c, 0), await connection(c, 1)];
      await c.managers[0]!.addToGroup(a.connectionId, 'Room');
      await c.managers[1]!.addToGroup(b.connectionId, 'room');
      await c.settle();
      await c.managers[0]!.sendGroup('room', 'Lower', []);
      await b.waitFor(1);
      await c.settle();
      assert.equal(a.received.length, 0);
    });

    it('removeFromGroup stops delivery, and unknown connection ids are ignored', async () => {
      const c = await cluster();
      const [a, b] = [await connection(c, 0), await connection(c, 1)];
      await c.managers[0]!.addToGroup(a.connectionId, 'room');
      await c.managers[1]!.addToGroup(b.connectionId, 'room');
      await c.managers[0]!.removeFromGroup(a.connectionId, 'room');
      await c.managers[0]!.addToGroup('no-such-connection', 'room');
      await c.managers[0]!.removeFromGroup('no-such-connection', 'room');
      await c.settle();
      assert.equal(a.groups.has('room'), false);
      await c.managers[0]!.sendGroup('room', 'AfterLeave', []);
      await b.waitFor(1);
      await c.settle();
      assert.equal(a.received.length, 0);
    });

    it('a disconnected connection leaves its groups and receives nothing more', async () => {
      const c = await cluster();
      const [a, b] = [await connection(c, 0), await connection(c, 1)];
      await c.managers[0]!.addToGroup(a.connectionId, 'room');
      await c.managers[1]!.addToGroup(b.connectionId, 'room');
      await c.managers[0]!.onDisconnected(a);
      await c.settle();
      assert.equal(a.groups.size, 0);
      await c.managers[1]!.sendGroup('room', 'AfterDrop', []);
      await c.managers[1]!.sendAll('AllAfterDrop', []);
      await c.managers[1]!.sendConnection(a.connectionId, 'DirectAfterDrop', []);
      await b.waitFor(2);
      await c.settle();
      assert.equal(a.received.length, 0);
    });

    it('sendGroupExcept and sendGroups deliver to the right members, once each', async () => {
      const c = await cluster();
      const [a, b, d] = [await connection(c, 0), await connection(c, 1), await connection(c, 0)];
      for (const x of [a, b, d]) await c.managers[0]!.addToGroup(x.connectionId, 'one');
      await c.managers[1]!.addToGroup(b.connectionId, 'two');
      await c.settle();
      await c.managers[1]!.sendGroupExcept('one', 'Others', [1], [a.connectionId]);
      await b.waitFor(1);
      await d.waitFor(1);
      await c.managers[0]!.sendGroups(['one', 'two'], 'Both', []);
      await Promise.all([a.waitFor(1), b.waitFor(2), d.waitFor(2)]);
      await c.settle();
      assert.deepEqual(a.calls(), [['Both', []]]);
      assert.deepEqual(b.calls(), [['Others', [1]], ['Both', []]], 'a member of both groups receives once');
      assert.deepEqual(d.calls(), [['Others', [1]], ['Both', []]]);
    });

    it('serializes a message once per protocol per server, however many receive it', async () => {
      const c = await cluster(1);
      const members = await Promise.all(Array.from({ length: 5 }, () => connection(c, 0)));
      for (const m of members) await c.managers[0]!.addToGroup(m.connectionId, 'crowd');
      await c.settle();
      protocol.writes = 0;
      await c.managers[0]!.sendGroup('crowd', 'Fan', ['out']);
      await Promise.all(members.map((m) => m.waitFor(1)));
      assert.equal(protocol.writes, 1);
    });

    it('keeps the order of messages from one sender to one receiver', async () => {
      const c = await cluster();
      const [a, b] = [await connection(c, 0), await connection(c, 1)];
      await c.managers[1]!.addToGroup(b.connectionId, 'ordered');
      await c.settle();
      for (let i = 0; i < 50; i++) await c.managers[0]!.sendGroup('ordered', 'N', [i]);
      await b.waitFor(50);
      assert.deepEqual(
        b.received.map((m) => m.arguments[0]),
        Array.from({ length: 50 }, (_, i) => i),
      );
      assert.equal(a.received.length, 0);
    });

    it('joinGroup answers with the other members on every server; a member joining again gets them too', async () => {
      const c = await cluster();
      const [a, b, d] = [await connection(c, 0), await connection(c, 1), await connection(c, 0)];
      assert.deepEqual(await c.managers[0]!.joinGroup(a.connectionId, 'room', 6), []);
      assert.deepEqual(await c.managers[1]!.joinGroup(b.connectionId, 'room', 6), [a.connectionId]);
      assert.deepEqual((await c.managers[0]!.joinGroup(d.connectionId, 'room', 6))!.sort(), [a.connectionId, b.connectionId].sort());
      assert.deepEqual((await c.managers[1]!.joinGroup(b.connectionId, 'room', 6))!.sort(), [a.connectionId, d.connectionId].sort());
      assert.ok(b.groups.has('room'));
      // Members added by addToGroup count as members too, and one that left does not.
      const e = await connection(c, 1);
      await c.managers[1]!.addToGroup(e.connectionId, 'room');
      await c.managers[0]!.removeFromGroup(d.connectionId, 'room');
      await c.settle();
      const f = await connection(c, 0);
      assert.deepEqual((await c.managers[0]!.joinGroup(f.connectionId, 'room', 6))!.sort(), [a.connectionId, b.connectionId, e.connectionId].sort());
      await c.settle();
      await c.managers[1]!.sendGroup('room', 'Joined', []);
      await f.waitFor(1);
      assert.deepEqual(f.calls(), [['Joined', []]], 'a joined connection receives what the group receives');
    });

    it('joinGroup refuses a full group with null and changes nothing; a seat freed by a leave or a disconnect is taken', async () => {
      const c = await cluster();
      const [a, b, x] = [await connection(c, 0), await connection(c, 1), await connection(c, 1)];
      await c.managers[0]!.joinGroup(a.connectionId, 'pair', 2);
      await c.managers[1]!.joinGroup(b.connectionId, 'pair', 2);
      assert.equal(await c.managers[1]!.joinGroup(x.connectionId, 'pair', 2), null);
      assert.equal(x.groups.has('pair'), false);
      await c.settle();
      await c.managers[0]!.sendGroup('pair', 'Members', []);
      await b.waitFor(1);
      await c.settle();
      assert.equal(x.received.length, 0, 'a refused connection receives nothing of the group');
      await c.managers[1]!.removeFromGroup(b.connectionId, 'pair');
      assert.deepEqual(await c.managers[1]!.joinGroup(x.connectionId, 'pair', 2), [a.connectionId]);
      const y = await connection(c, 0);
      assert.equal(await c.managers[0]!.joinGroup(y.connectionId, 'pair', 2), null);
      await c.managers[1]!.onDisconnected(x);
      assert.deepEqual(await c.managers[0]!.joinGroup(y.connectionId, 'pair', 2), [a.connectionId]);
      // No cap at all.
      const many = await Promise.all(Array.from({ length: 5 }, (_, i) => connection(c, i % 2)));
      for (const [i, m] of many.entries()) assert.notEqual(await c.managers[i % 2]!.joinGroup(m.connectionId, 'open', Infinity), null);
    });

    it('joinGroup: of connections racing for the last seat from every server, exactly one gets it', async () => {
      const c = await cluster();
      for (let round = 0; round < 5; round++) {
        const group = `race-${round}`;
        const first = await connection(c, 0);
        await c.managers[0]!.joinGroup(first.connectionId, group, 2);
        const racers = await Promise.all([connection(c, 0), connection(c, 1), connection(c, 0), connection(c, 1)]);
        const results = await Promise.all(racers.map((r, i) => c.managers[i % 2]!.joinGroup(r.connectionId, group, 2)));
        const winners = results.filter((result) => result !== null);
        assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results)}`);
        assert.deepEqual(winners[0], [first.connectionId]);
        assert.equal(racers.filter((r) => r.groups.has(group)).length, 1);
      }
    });

    it('groupMembers names the members on every server, and no one who left', async () => {
      const c = await cluster();
      const [a, b, d] = [await connection(c, 0), await connection(c, 1), await connection(c, 1)];
      assert.deepEqual(await c.managers[1]!.groupMembers('room'), []);
      await c.managers[0]!.joinGroup(a.connectionId, 'room', 6);
      await c.managers[1]!.addToGroup(b.connectionId, 'room');
      await c.managers[1]!.addToGroup(d.connectionId, 'room');
      await c.managers[1]!.onDisconnected(d);
      await c.settle();
      for (const m of c.managers) assert.deepEqual((await m.groupMembers('room')).sort(), [a.connectionId, b.connectionId].sort());
    });

    it('sendUser reaches every connection of the user on every server, but the excluded, and says whether it reached any', async () => {
      const c = await cluster();
      const [ann1, ann2, ann3, bob] = [
        await connection(c, 0, 'ann'),
        await connection(c, 1, 'ann'),
        await connection(c, 1, 'ann'),
        await connection(c, 0, 'bob'),
      ];
      const anonymous = await connection(c, 1);
      await c.settle();
      assert.equal(await c.managers[0]!.sendUser('ann', 'Ring', ['1']), true);
      await Promise.all([ann1, ann2, ann3].map((x) => x.waitFor(1)));
      assert.equal(await c.managers[1]!.sendUser('ann', 'Ring', ['2'], [ann2.connectionId]), true);
      await ann1.waitFor(2);
      await ann3.waitFor(2);
      // Only excluded connections here: it still reached the one on the other server.
      assert.equal(await c.managers[1]!.sendUser('ann', 'Ring', ['3'], [ann2.connectionId, ann3.connectionId]), true);
      await ann1.waitFor(3);
      await c.settle();
      assert.deepEqual(ann1.calls(), [['Ring', ['1']], ['Ring', ['2']], ['Ring', ['3']]]);
      assert.deepEqual(ann2.calls(), [['Ring', ['1']]]);
      assert.deepEqual(ann3.calls(), [['Ring', ['1']], ['Ring', ['2']]]);
      assert.deepEqual(bob.received, []);
      assert.deepEqual(anonymous.received, []);
      // User ids are case-sensitive, and a user with no connection anywhere is reached by nothing.
      assert.equal(await c.managers[0]!.sendUser('Ann', 'Ring', []), false);
      assert.equal(await c.managers[0]!.sendUser('nobody', 'Ring', []), false);
      // Its only connections left are excluded ones of this server: nobody to reach.
      await c.managers[0]!.onDisconnected(ann1);
      await c.settle();
      assert.equal(await c.managers[1]!.sendUser('ann', 'Ring', [], [ann2.connectionId, ann3.connectionId]), false);
      // Once all of them are gone, the user is not there any more, from either server.
      for (const x of [ann2, ann3]) await c.managers[1]!.onDisconnected(x);
      await c.settle();
      assert.equal(await c.managers[0]!.sendUser('ann', 'Ring', []), false);
      assert.equal(await c.managers[1]!.sendUser('ann', 'Ring', []), false);
      assert.equal(await c.managers[1]!.sendUser('bob', 'Ring', ['bob']), true);
      await bob.waitFor(1);
    });

    it('joinGroup throws for a connection that is not on this server', async () => {
      const c = await cluster();
      await assert.rejects(c.managers[0]!.joinGroup('no-such-connection', 'room', 6), {
        message: "joinGroup takes a connection of this server; 'no-such-connection' is not one.",
      });
    });

    it('reports itself healthy while it works, and close() is idempotent', async () => {
      const c = await cluster();
      for (const m of c.managers) assert.equal(m.healthy, true);
      await c.close();
      await c.close();
    });
  });
}
