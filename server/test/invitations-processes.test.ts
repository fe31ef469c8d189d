// An invitation outlives the hub server that made it (product.md section 9): three real rtc-hub processes on one
// real Redis; the caller's server is killed with SIGKILL while the invitation rings, and the invited user's
// connections, on the two other servers, each hear its time-out exactly once: not zero times, not twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLIENT_KINDS, connect, delay, type TestClient } from './helpers/clients.js';
import { kill, startHub, stopAllHubs } from './helpers/hub-processes.js';
import { startRedis, type RedisProcess } from './helpers/redis.js';
import { mint } from './helpers/tokens.js';

const SECRET = 'invitations-processes-secret';
const TIMEOUT_SECONDS = 2;
const EVENTS = ['Invitation', 'InvitationAnswered', 'InvitationClosed'];
const WS_JSON = CLIENT_KINDS.find((k) => k.transport === 'WebSockets' && k.protocol === 'json' && k.client === '@microsoft/signalr')!;
const LP_MSGPACK = CLIENT_KINDS.find((k) => k.transport === 'LongPolling' && k.protocol === 'messagepack')!;

let redis: RedisProcess;
const clients: TestClient[] = [];
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await Promise.allSettled(clients.map((c) => c.stop()));
  await stopAllHubs();
  await redis?.dispose();
});

describe('an invitation whose hub server dies', () => {
  it('times out once, on one of the servers left, for every connection of the invited user', async () => {
    const args = ['--redis', redis.url, '--redis-heartbeat', '500', '--invite-timeout', String(TIMEOUT_SECONDS)];
    const env = { AUTH_SECRET: SECRET };
    const [hub1, hub2, hub3] = [await startHub(args, env), await startHub(args, env), await startHub(args, env)];
    const signIn = async (url: string, user: string, kind = WS_JSON) => {
      const token = await mint(SECRET, { sub: user, name: user });
      const c = await connect(url, kind, EVENTS, { accessTokenFactory: () => token });
      clients.push(c);
      return c;
    };
    const alice = await signIn(hub1.url, 'alice');
    const bobs = [await signIn(hub2.url, 'bob'), await signIn(hub3.url, 'bob', LP_MSGPACK)];

    const invitedAt = Date.now();
    const id = await alice.invoke('Invite', 'bob', 'call-after-death', '{}');
    for (const bob of bobs) assert.deepEqual(await bob.next('Invitation'), [id, 'alice', 'alice', 'call-after-death', '{}']);
    await kill(hub1, 'SIGKILL');

    // Not cancelled (its caller's connection did not leave; its server died), and not lost: timed out.
    for (const bob of bobs) assert.deepEqual(await bob.next('InvitationClosed', 10_000), [id, 'timeout']);
    const elapsed = Date.now() - invitedAt;
    assert.ok(elapsed >= TIMEOUT_SECONDS * 1000 - 100, `timed out after ${elapsed} ms`);
    // Both survivors take expired invitations on every heartbeat; give them three more to do it twice.
    await delay(3_000);
    for (const bob of bobs) assert.deepEqual(bob.received('InvitationClosed'), [[id, 'timeout']], 'exactly once');
    // And it has ended: an answer now is too late.
    await assert.rejects(bobs[0]!.invoke('AnswerInvitation', id, 'accept'), {
      message: `An unexpected error occurred invoking 'AnswerInvitation' on the server. HubException: The invitation '${id}' has already ended.`,
    });
  });
});
