import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { InMemoryInvitationStore } from '../../src/invitations/invitation-store.js';
import { RedisInvitationStore } from '../../src/invitations/redis-invitation-store.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';
import { invitationStoreConformance } from './invitation-store.conformance.js';

invitationStoreConformance('InMemoryInvitationStore', async (servers) => {
  const store = new InMemoryInvitationStore(60_000);
  return { stores: Array.from({ length: servers }, () => store), close: () => store.close() };
});

let redis: RedisProcess;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis?.dispose();
});

// Each cluster has its own key prefix, so that no test sees another's invitations.
invitationStoreConformance('RedisInvitationStore', async (servers) => {
  const prefix = `invitations-${randomUUID()}`;
  const stores = Array.from({ length: servers }, () => new RedisInvitationStore({ url: redis.url, prefix, linger: 60_000 }));
  // The links connect on their own; the first command waits for nothing (no offline queue), so wait for them.
  await Promise.all(stores.map((s) => s.ready()));
  return { stores, close: async () => void (await Promise.all(stores.map((s) => s.close()))) };
});
