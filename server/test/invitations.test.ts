// Invitations (product.md section 9), with the official client in JSON and MessagePack: every row of the contract
// and every ending with its exact arguments, two connections of one user, answered-elsewhere, the channel grant,
// and every misuse refused with its hub error while nothing is sent. Then across two hub servers on Redis.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { HubServer, HubServerOptions } from '../src/index.js';
import { CLIENT_KINDS, connect, delay, type ClientKind, type TestClient } from './helpers/clients.js';
import { RawSocket, record, wsUrl } from './helpers/raw.js';
import { startRedis, type RedisProcess } from './helpers/redis.js';
import { testServers } from './helpers/servers.js';
import { mint } from './helpers/tokens.js';

const SECRET = 'invitations-test-secret';
const EVENTS = ['Invitation', 'InvitationAnswered', 'InvitationClosed', 'Join', 'Leave'];
const hubError = (method: string, message: string) => `An unexpected error occurred invoking '${method}' on the server. HubException: ${message}`;
const ID = /^[\w-]{22}$/;
const WS_JSON = CLIENT_KINDS.find((k) => k.transport === 'WebSockets' && k.protocol === 'json' && k.client === '@microsoft/signalr')!;
const WS_MSGPACK = CLIENT_KINDS.find((k) => k.transport === 'WebSockets' && k.protocol === 'messagepack')!;
const LP_JSON = CLIENT_KINDS.find((k) => k.transport === 'LongPolling' && k.protocol === 'json')!;

const start = testServers({ authSecret: SECRET });
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.stop()));
});

type Client = TestClient & { id: string; user: string };

/** A signed-in client: `user` is the token's sub; no channels claim unless given, so joins need a grant. */
async function signIn(server: HubServer, user: string, kind: ClientKind = WS_JSON, claims: Record<string, unknown> = {}): Promise<Client> {
  const token = await mint(SECRET, { sub: user, name: `${user[0]!.toUpperCase()}${user.slice(1)}`, ...claims });
  const c = await connect(server.url, kind, EVENTS, { accessTokenFactory: () => token });
  clients.push(c);
  return Object.assign(c, { id: c.connectionId!, user });
}

/** Everything each client received, for "nothing else was sent". */
const snapshot = (...cs: TestClient[]) => cs.map((c) => EVENTS.map((e) => c.received(e).length).join(','));

/**
 * A round trip on every client: what the hub sent a client before the answer to its own call arrives before it,
 * so after this, anything a refused call had sent would be in the logs.
 */
async function roundTrip(...cs: TestClient[]): Promise<void> {
  await Promise.all(cs.map((c) => c.invoke('Leave', 'nothing')));
}

for (const kind of [WS_JSON, WS_MSGPACK]) {
  describe(`invitations, ${kind.name}`, () => {
    let server: HubServer;
    before(async () => {
      server = await start({ inviteTimeout: 1_500 });
    });

    it('Invite rings every connection of the user, and only them: Invitation(id, fromUserId, fromName, channel, info)', async () => {
      const alice = await signIn(server, 'alice', kind);
      const [bob1, bob2] = [await signIn(server, 'bob', kind), await signIn(server, 'bob', LP_JSON)];
      const carol = await signIn(server, 'carol', kind);
      const id = await alice.invoke('Invite', 'bob', 'call-1', '{"video":true}');
      assert.match(id as string, ID);
      for (const bob of [bob1, bob2]) assert.deepEqual(await bob.next('Invitation'), [id, 'alice', 'Alice', 'call-1', '{"video":true}']);
      await roundTrip(alice, carol);
      assert.deepEqual(alice.received('Invitation'), []);
      assert.deepEqual(carol.received('Invitation'), []);
    });

    it('accept: the caller hears InvitationAnswered(id, "accept"), the other connections InvitationClosed(id, "answered-elsewhere"), and both sides may join the channel', async () => {
      const alice = await signIn(server, 'alice', kind);
      const [bob1, bob2] = [await signIn(server, 'bob', kind), await signIn(server, 'bob', kind)];
      const carol = await signIn(server, 'carol', kind);
      const id = await alice.invoke('Invite', 'bob', 'call-accept', '');
      await bob1.next('Invitation');
      await bob2.next('Invitation');
      // Before the answer, the channel is closed to them: their tokens have no channels claim.
      await assert.rejects(bob1.invoke('Join', 'call-accept'), { message: hubError('Join', "Not allowed to join 'call-accept'.") });
      assert.equal(await bob1.invoke('AnswerInvitation', id, 'accept'), undefined, 'a void Completion');
      assert.deepEqual(await alice.next('InvitationAnswered'), [id, 'accept']);
      assert.deepEqual(await bob2.next('InvitationClosed'), [id, 'answered-elsewhere']);
      assert.deepEqual(await alice.invoke('Join', 'call-accept'), []);
      assert.deepEqual(await bob1.invoke('Join', 'call-accept'), [alice.id]);
      assert.deepEqual(await alice.next('Join'), [bob1.id]);
      // The grant is for those two connections: not bob's other one, not a stranger.
      for (const other of [bob2, carol]) {
        await assert.rejects(other.invoke('Join', 'call-accept'), { message: hubError('Join', "Not allowed to join 'call-accept'.") });
      }
      await roundTrip(alice, bob1, bob2, carol);
      assert.deepEqual(bob1.received('InvitationClosed'), [], 'the answering connection hears nothing more');
      assert.deepEqual(alice.received('InvitationClosed'), []);
    });

    for (const answer of ['decline', 'busy'] as const) {
      it(`${answer}: the caller hears InvitationAnswered(id, "${answer}"), the others answered-elsewhere, and nobody may join`, async () => {
        const alice = await signIn(server, 'alice', kind);
        const [bob1, bob2] = [await signIn(server, 'bob', kind), await signIn(server, 'bob', kind)];
        const id = await alice.invoke('Invite', 'bob', `call-${answer}`, 'x');
        await bob1.next('Invitation');
        await bob2.invoke('AnswerInvitation', id, answer);
        assert.deepEqual(await alice.next('InvitationAnswered'), [id, answer]);
        assert.deepEqual(await bob1.next('InvitationClosed'), [id, 'answered-elsewhere']);
        for (const c of [alice, bob2]) {
          await assert.rejects(c.invoke('Join', `call-${answer}`), { message: hubError('Join', `Not allowed to join 'call-${answer}'.`) });
        }
      });
    }

    it('cancel: the invited connections hear InvitationClosed(id, "cancelled"); the caller hears nothing', async () => {
      const alice = await signIn(server, 'alice', kind);
      const [bob1, bob2] = [await signIn(server, 'bob', kind), await signIn(server, 'bob', kind)];
      const id = await alice.invoke('Invite', 'bob', 'call-cancel', '');
      await bob1.next('Invitation');
      assert.equal(await alice.invoke('CancelInvitation', id), undefined, 'a void Completion');
      for (const bob of [bob1, bob2]) assert.deepEqual(await bob.next('InvitationClosed'), [id, 'cancelled']);
      await roundTrip(alice);
      assert.deepEqual(alice.received('InvitationAnswered'), []);
      await assert.rejects(bob1.invoke('AnswerInvitation', id, 'accept'), { message: hubError('AnswerInvitation', `The invitation '${id}' has already ended.`) });
    });

    it('time-out: after --invite-timeout the caller hears InvitationAnswered(id, "timeout") and the invited InvitationClosed(id, "timeout"), once', async () => {
      const alice = await signIn(server, 'alice', kind);
      const [bob1, bob2] = [await signIn(server, 'bob', kind), await signIn(server, 'bob', kind)];
      const invitedAt = Date.now();
      const id = await alice.invoke('Invite', 'bob', 'call-timeout', '');
      assert.deepEqual(await alice.next('InvitationAnswered', 5_000), [id, 'timeout']);
      const rang = Date.now() - invitedAt;
      assert.ok(rang >= 1_400 && rang < 3_500, `timed out after ${rang} ms (1,500 ms, checked each second)`);
      for (const bob of [bob1, bob2]) assert.deepEqual(await bob.next('InvitationClosed', 2_000), [id, 'timeout']);
      await assert.rejects(bob1.invoke('AnswerInvitation', id, 'accept'), { message: hubError('AnswerInvitation', `The invitation '${id}' has already ended.`) });
      // Two more heartbeats: nothing more.
      await delay(2_000);
      assert.equal(alice.received('InvitationAnswered').length, 1);
      for (const bob of [bob1, bob2]) assert.equal(bob.received('InvitationClosed').length, 1);
    });

    it('a caller that disconnects cancels its open invitations', async () => {
      const alice = await signIn(server, 'alice', kind);
      const bob = await signIn(server, 'bob', kind);
      const first = await alice.invoke('Invite', 'bob', 'call-gone-1', '');
      const second = await alice.invoke('Invite', 'bob', 'call-gone-2', '');
      await bob.next('Invitation');
      await bob.next('Invitation');
      await alice.stop();
      const closed = [await bob.next('InvitationClosed'), await bob.next('InvitationClosed')];
      assert.deepEqual(
        closed.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        [[first, 'cancelled'], [second, 'cancelled']].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );
    });

    it('a user with no connection: the caller gets the id, and at once InvitationAnswered(id, "unavailable")', async () => {
      const alice = await signIn(server, 'alice', kind);
      const id = await alice.invoke('Invite', 'dave', 'call-dave', '');
      assert.match(id as string, ID);
      assert.deepEqual(await alice.next('InvitationAnswered'), [id, 'unavailable']);
      // Inviting oneself rings one's other connections only: with none, unavailable too.
      const own = await alice.invoke('Invite', 'alice', 'call-self', '');
      assert.deepEqual(await alice.next('InvitationAnswered'), [own, 'unavailable']);
      await roundTrip(alice);
      assert.deepEqual(alice.received('Invitation'), []);
    });

    it('every misuse gets its hub error, and nothing is sent to anyone', async () => {
      const alice = await signIn(server, 'alice', kind);
      const [bob1, bob2] = [await signIn(server, 'bob', kind), await signIn(server, 'bob', kind)];
      const carol = await signIn(server, 'carol', kind, { channels: ['room-*'] });
      const everyone = [alice, bob1, bob2, carol];
      const id = (await alice.invoke('Invite', 'bob', 'call-misuse', '')) as string;
      await bob1.next('Invitation');
      await bob2.next('Invitation');
      await carol.invoke('Join', 'room-1');
      const refusals: Array<[TestClient, string, unknown[], string]> = [
        [carol, 'AnswerInvitation', [id, 'accept'], `Only the invited user may answer the invitation '${id}'.`],
        [alice, 'AnswerInvitation', [id, 'accept'], `Only the invited user may answer the invitation '${id}'.`],
        [carol, 'CancelInvitation', [id], `Only the caller may cancel the invitation '${id}'.`],
        [bob1, 'CancelInvitation', [id], `Only the caller may cancel the invitation '${id}'.`],
        [bob1, 'AnswerInvitation', ['no-such-id', 'accept'], "There is no invitation 'no-such-id'."],
        [alice, 'CancelInvitation', ['no-such-id'], "There is no invitation 'no-such-id'."],
        [bob1, 'AnswerInvitation', [id, 'maybe'], "The answer must be 'accept', 'decline' or 'busy'."],
        [bob1, 'AnswerInvitation', ['', 'accept'], 'The invitation id must be a non-empty string.'],
        [alice, 'Invite', ['bob', 'call-big', 'x'.repeat(1025)], "The invitation's info must be at most 1024 bytes."],
        // 342 three-byte characters are 1,026 bytes, though 342 characters.
        [alice, 'Invite', ['bob', 'call-big', '€'.repeat(342)], "The invitation's info must be at most 1024 bytes."],
        [alice, 'Invite', ['', 'call-x', ''], 'The user id must be a non-empty string.'],
        [alice, 'Invite', ['bob', '', ''], 'The channel must be a non-empty string.'],
        // Into someone else's call: an accepted invitation must not be a way in.
        [alice, 'Invite', ['bob', 'room-1', ''], "Cannot invite into 'room-1': others are in it."],
      ];
      // Nine more ringing (ten with the first), and the eleventh is refused.
      const ringing: unknown[] = [];
      for (let i = 0; i < 9; i++) {
        ringing.push(await alice.invoke('Invite', 'bob', `call-many-${i}`, ''));
        await bob1.next('Invitation');
        await bob2.next('Invitation');
      }
      refusals.push([alice, 'Invite', ['bob', 'call-11', ''], 'Cannot invite: 10 invitations of this connection are ringing already.']);
      for (const [client, method, args, message] of refusals) {
        const before = snapshot(...everyone);
        await assert.rejects(client.invoke(method, ...args), { message: hubError(method, message) }, `${method} ${JSON.stringify(args).slice(0, 60)}`);
        await roundTrip(...everyone);
        assert.deepEqual(snapshot(...everyone), before, `${method}: nothing was sent`);
      }
      for (const other of ringing) {
        await alice.invoke('CancelInvitation', other);
        assert.deepEqual(await bob1.next('InvitationClosed'), [other, 'cancelled']);
      }
      // Exactly 1 KB is allowed; and the second answer, after a first one, is refused.
      const big = (await alice.invoke('Invite', 'bob', 'call-big', 'x'.repeat(1024))) as string;
      assert.deepEqual((await bob1.next('Invitation'))[4], 'x'.repeat(1024));
      await bob1.invoke('AnswerInvitation', id, 'decline');
      const before = snapshot(...everyone);
      await assert.rejects(bob2.invoke('AnswerInvitation', id, 'accept'), { message: hubError('AnswerInvitation', `The invitation '${id}' has already ended.`) });
      await assert.rejects(alice.invoke('CancelInvitation', id), { message: hubError('CancelInvitation', `The invitation '${id}' has already ended.`) });
      await roundTrip(...everyone);
      // The decline's own events arrived in between: alice's InvitationAnswered and bob2's answered-elsewhere.
      assert.deepEqual(alice.received('InvitationAnswered').at(-1), [id, 'decline']);
      assert.deepEqual(bob2.received('InvitationClosed').at(-1), [id, 'answered-elsewhere']);
      assert.deepEqual(snapshot(...everyone), before);
      await alice.invoke('CancelInvitation', big);
    });
  });
}

describe('invitations without auth', () => {
  it('Invite, AnswerInvitation and CancelInvitation get "Invitations need signed-in users."', async () => {
    const server = await start({ authSecret: null });
    const c = await connect(server.url, WS_JSON, EVENTS);
    clients.push(c);
    for (const [method, args] of [
      ['Invite', ['bob', 'call', '']],
      ['AnswerInvitation', ['x', 'accept']],
      ['CancelInvitation', ['x']],
    ] as const) {
      await assert.rejects(c.invoke(method, ...args), { message: hubError(method, 'Invitations need signed-in users.') });
    }
  });
});

describe('the order on the wire', () => {
  it('"unavailable" comes after the Completion that carries the id', async () => {
    const server = await start();
    const token = await mint(SECRET, { sub: 'raw-alice' });
    const socket = await RawSocket.connect(`${wsUrl(server.url)}/messagehub?access_token=${token}`);
    try {
      socket.send(record('{"type":1,"invocationId":"1","target":"Invite","arguments":["nobody","call","{}"]}'));
      const completion = JSON.parse(await socket.nextRecord()) as { type: number; result: string };
      assert.equal(completion.type, 3);
      assert.match(completion.result, ID);
      assert.equal(await socket.nextRecord(), `{"type":1,"target":"InvitationAnswered","arguments":["${completion.result}","unavailable"]}`);
    } finally {
      socket.terminate();
    }
  });
});

describe('invitations across two hub servers on one Redis', () => {
  let redis: RedisProcess;
  let hubs: HubServer[];
  before(async () => {
    redis = await startRedis();
    const options: HubServerOptions = { redis: redis.url, inviteTimeout: 1_500 };
    hubs = [await start(options), await start(options)];
  });
  after(async () => {
    await Promise.all(hubs.map((h) => h.close()));
    await redis.dispose();
  });

  for (const kind of [WS_JSON, WS_MSGPACK]) {
    it(`${kind.name}: one user on both servers rings on both; the one on the other server accepts; grants hold on both servers`, async () => {
      const alice = await signIn(hubs[0]!, 'alice', kind);
      const bobHere = await signIn(hubs[0]!, 'bob', kind);
      const bobThere = await signIn(hubs[1]!, 'bob', kind);
      const id = await alice.invoke('Invite', 'bob', `x-call-${kind.protocol}`, '{}');
      for (const bob of [bobHere, bobThere]) assert.deepEqual(await bob.next('Invitation'), [id, 'alice', 'Alice', `x-call-${kind.protocol}`, '{}']);
      await bobThere.invoke('AnswerInvitation', id, 'accept');
      assert.deepEqual(await alice.next('InvitationAnswered'), [id, 'accept']);
      assert.deepEqual(await bobHere.next('InvitationClosed'), [id, 'answered-elsewhere']);
      assert.deepEqual(await bobThere.invoke('Join', `x-call-${kind.protocol}`), []);
      assert.deepEqual(await alice.invoke('Join', `x-call-${kind.protocol}`), [bobThere.id]);
      await assert.rejects(bobHere.invoke('Join', `x-call-${kind.protocol}`), /Not allowed to join/);
    });
  }

  it('unavailable, cancel and time-out across servers, each once', async () => {
    const alice = await signIn(hubs[1]!, 'alice');
    const bob = await signIn(hubs[0]!, 'bob');
    const none = await alice.invoke('Invite', 'zed', 'x-none', '');
    assert.deepEqual(await alice.next('InvitationAnswered'), [none, 'unavailable']);
    const cancelled = await alice.invoke('Invite', 'bob', 'x-cancel', '');
    await bob.next('Invitation');
    await alice.invoke('CancelInvitation', cancelled);
    assert.deepEqual(await bob.next('InvitationClosed'), [cancelled, 'cancelled']);
    const timed = await alice.invoke('Invite', 'bob', 'x-timeout', '');
    await bob.next('Invitation');
    assert.deepEqual(await alice.next('InvitationAnswered', 5_000), [timed, 'timeout']);
    assert.deepEqual(await bob.next('InvitationClosed', 2_000), [timed, 'timeout']);
    // Both servers take expired invitations on their heartbeats; each time-out is sent once.
    await delay(2_000);
    assert.equal(bob.received('InvitationClosed').filter(([i]) => i === timed).length, 1);
    assert.equal(alice.received('InvitationAnswered').filter(([i]) => i === timed).length, 1);
  });
});
