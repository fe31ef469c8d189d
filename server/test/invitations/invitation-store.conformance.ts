// What every InvitationStore must do, written once and run against each: every change of state is one step that
// exactly one caller wins, on any server. In memory there is one server, so a "cluster" hands back one store.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import type { InvitationRecord, InvitationStore } from '../../src/invitations/invitation-store.js';

export interface StoreCluster {
  /** One store per server. */
  readonly stores: readonly InvitationStore[];
  close(): Promise<void>;
}

function invitation(overrides: Partial<InvitationRecord> = {}): InvitationRecord {
  return {
    id: randomUUID(),
    fromUserId: 'alice',
    fromName: 'Alice',
    fromConnectionId: `a-${randomUUID()}`,
    toUserId: 'bob',
    channel: `call-${randomUUID()}`,
    info: '{}',
    deadline: Date.now() + 60_000,
    ...overrides,
  };
}

export function invitationStoreConformance(name: string, createCluster: (servers: number) => Promise<StoreCluster>): void {
  describe(`${name} (InvitationStore conformance)`, () => {
    const clusters: StoreCluster[] = [];
    const cluster = async (servers = 2) => {
      const c = await createCluster(servers);
      clusters.push(c);
      return c;
    };
    afterEach(async () => {
      await Promise.all(clusters.splice(0).map((c) => c.close()));
    });

    it('only the invited user answers, once; a second answer, or a cancel after it, finds it ended', async () => {
      const [one, two] = (await cluster()).stores as [InvitationStore, InvitationStore];
      const inv = invitation();
      await one.open(inv);
      assert.deepEqual(await two.answer(inv.id, 'carol', 'c-1', 'accept'), { ok: false, refusal: 'not-yours' });
      assert.deepEqual(await two.answer(inv.id, 'bob', 'b-1', 'decline'), { ok: true, invitation: inv });
      assert.deepEqual(await one.answer(inv.id, 'bob', 'b-2', 'accept'), { ok: false, refusal: 'ended' });
      assert.deepEqual(await one.cancel(inv.id, 'alice'), { ok: false, refusal: 'ended' });
      assert.deepEqual(await one.answer('no-such-id', 'bob', 'b-1', 'accept'), { ok: false, refusal: 'unknown' });
      assert.equal(await one.isGranted('b-1', inv.channel), false, 'a decline grants nothing');
    });

    it('accept grants the channel to the answering and the calling connection, until they are forgotten', async () => {
      const [one, two] = (await cluster()).stores as [InvitationStore, InvitationStore];
      const inv = invitation();
      await one.open(inv);
      await two.answer(inv.id, 'bob', 'b-1', 'accept');
      for (const store of [one, two]) {
        assert.equal(await store.isGranted('b-1', inv.channel), true);
        assert.equal(await store.isGranted(inv.fromConnectionId, inv.channel), true);
        assert.equal(await store.isGranted('b-2', inv.channel), false);
        assert.equal(await store.isGranted('b-1', 'another channel'), false);
      }
      await one.forgetConnection('b-1');
      assert.equal(await two.isGranted('b-1', inv.channel), false);
      assert.equal(await two.isGranted(inv.fromConnectionId, inv.channel), true);
    });

    it('only the caller cancels; unavailable ends it', async () => {
      const [one, two] = (await cluster()).stores as [InvitationStore, InvitationStore];
      const inv = invitation();
      await one.open(inv);
      assert.deepEqual(await two.cancel(inv.id, 'bob'), { ok: false, refusal: 'not-yours' });
      assert.deepEqual(await two.cancel(inv.id, 'alice'), { ok: true, invitation: inv });
      const lonely = invitation();
      await two.open(lonely);
      await one.unavailable(lonely.id);
      assert.deepEqual(await two.answer(lonely.id, 'bob', 'b-1', 'accept'), { ok: false, refusal: 'ended' });
    });

    it('cancelAllFrom ends what one connection has ringing, and nothing else', async () => {
      const [one, two] = (await cluster()).stores as [InvitationStore, InvitationStore];
      const from = `a-${randomUUID()}`;
      const [x, y, answered, other] = [invitation({ fromConnectionId: from }), invitation({ fromConnectionId: from }), invitation({ fromConnectionId: from }), invitation()];
      for (const inv of [x, y, answered, other]) await one.open(inv);
      await one.answer(answered.id, 'bob', 'b-1', 'busy');
      assert.equal(await two.ringingFrom(from), 2);
      const cancelled = await two.cancelAllFrom(from);
      assert.equal(await one.ringingFrom(from), 0);
      assert.deepEqual(cancelled.map((i) => i.id).sort(), [x.id, y.id].sort());
      assert.deepEqual(await two.cancelAllFrom(from), []);
      assert.deepEqual(await one.answer(other.id, 'bob', 'b-1', 'accept'), { ok: true, invitation: other });
    });

    it('takeExpired hands each expired invitation to one server, once, and no answer wins after it', async () => {
      const c = await cluster(3);
      const now = Date.now();
      const expired = Array.from({ length: 10 }, () => invitation({ deadline: now - 1 }));
      const ringing = invitation({ deadline: now + 60_000 });
      for (const inv of [...expired, ringing]) await c.stores[0]!.open(inv);
      // Every server takes at once, twice.
      const taken = (await Promise.all([...c.stores, ...c.stores].map((s) => s.takeExpired(now)))).flat();
      assert.deepEqual(taken.map((i) => i.id).sort(), expired.map((i) => i.id).sort(), 'each once, the ringing one not');
      assert.deepEqual(await c.stores[1]!.answer(expired[0]!.id, 'bob', 'b-1', 'accept'), { ok: false, refusal: 'ended' });
      assert.deepEqual((await c.stores[2]!.answer(ringing.id, 'bob', 'b-1', 'accept')).ok, true);
    });

    it('of an answer and a cancel racing on two servers, exactly one wins', async () => {
      const [one, two] = (await cluster()).stores as [InvitationStore, InvitationStore];
      for (let round = 0; round < 10; round++) {
        const inv = invitation();
        await one.open(inv);
        const results = await Promise.all([one.answer(inv.id, 'bob', 'b-1', 'accept'), two.cancel(inv.id, 'alice'), two.answer(inv.id, 'bob', 'b-2', 'busy')]);
        assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
      }
    });
  });
}
