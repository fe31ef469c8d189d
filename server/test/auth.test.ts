// Signed-in users (product.md section 8): access tokens on negotiate and on every transport, the claims hub
// code sees, channel rights, expiry, /ice-servers behind the token, and dev tokens. With the official client
// over WebSockets, Server-Sent Events and Long Polling, and at the raw HTTP level for exact answers.
import * as signalr from '@microsoft/signalr';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, before, describe, it } from 'node:test';
import { MessageHub, createHubServer, silentLogger, type HubClass, type HubServer, type HubServerOptions } from '../src/index.js';
import { testServers } from './helpers/servers.js';
import { connect, type ClientKind, type TestClient } from './helpers/clients.js';
import { HttpStream, RawSocket, handshakeRequest, http, negotiate, record, wsUrl } from './helpers/raw.js';
import { claimsOf, mint } from './helpers/tokens.js';

const SECRET = 'a-shared-secret-for-tests-only';
const NOT_ALLOWED = (channel: string) => `An unexpected error occurred invoking 'Join' on the server. HubException: Not allowed to join '${channel}'.`;
const UNAUTHORIZED = "Failed to complete negotiation with the server: Error: Unauthorized: Status code '401'";

/** The current client over each transport it supports, with JSON; and MessagePack over WebSockets. */
const KINDS: ClientKind[] = [
  { name: 'WebSockets JSON', client: '@microsoft/signalr', transport: 'WebSockets', protocol: 'json' },
  { name: 'ServerSentEvents JSON', client: '@microsoft/signalr', transport: 'ServerSentEvents', protocol: 'json' },
  { name: 'LongPolling JSON', client: '@microsoft/signalr', transport: 'LongPolling', protocol: 'json' },
  { name: 'WebSockets MessagePack', client: '@microsoft/signalr', transport: 'WebSockets', protocol: 'messagepack' },
];

/** MessageHub with one more method, to show what hub code learns of the caller. */
class WhoAmIHub extends MessageHub {
  static override readonly methods = { ...MessageHub.methods, WhoAmI: [] } as const;
  WhoAmI(): unknown {
    const user = this.context.user;
    return user && { id: user.id, name: user.name, expiresAt: user.expiresAt, channels: user.channels };
  }
}

const startServer = testServers({ authSecret: SECRET });
const start = (options: HubServerOptions = {}, hub: HubClass = WhoAmIHub) => startServer(options, hub);
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.stop()));
});

async function client(server: HubServer, kind: ClientKind, token: string | (() => Promise<string>)): Promise<TestClient> {
  const c = await connect(server.url, kind, undefined, { accessTokenFactory: typeof token === 'string' ? () => token : token });
  clients.push(c);
  return c;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('access tokens on negotiate and every transport', () => {
  let server: HubServer;
  let good: string;
  const refused: Array<[string, () => Promise<string>]> = [];

  before(async () => {
    server = await start({ authIssuer: 'https://id.example', authAudience: 'rtc-kit' });
    const claims = { sub: 'alice', iss: 'https://id.example', aud: 'rtc-kit' };
    good = await mint(SECRET, claims);
    refused.push(
      ['no token', async () => ''],
      ['a malformed token', async () => 'not.a.jwt'],
      ['a token signed with another secret', () => mint('another secret', claims)],
      ['an expired token', () => mint(SECRET, claims, { expiresIn: -10 })],
      ['a token without exp', () => mint(SECRET, claims, { noExp: true })],
      ['a token without sub', () => mint(SECRET, { iss: 'https://id.example', aud: 'rtc-kit' })],
      ['a token from another issuer', () => mint(SECRET, { ...claims, iss: 'https://evil.example' })],
      ['a token for another audience', () => mint(SECRET, { ...claims, aud: 'someone-else' })],
      ['a token whose channels claim is not a list of strings', () => mint(SECRET, { ...claims, channels: 'room' })],
      ['an unsigned token (alg none)', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${good.split('.')[1]}.`],
    );
  });

  it('negotiate answers 401 with no body and no detail, and makes no connection, for every bad token', async () => {
    const held = server.httpConnectionCount;
    for (const [what, token] of refused) {
      const value = await token();
      const res = await http(`${server.url}/messagehub/negotiate?negotiateVersion=1`, { method: 'POST', headers: value ? bearer(value) : {} });
      assert.equal(res.status, 401, what);
      assert.equal(res.text, '', what);
      assert.equal(res.headers['www-authenticate'], 'Bearer', what);
      assert.equal(server.httpConnectionCount, held, `${what}: no connection was made`);
    }
    const ok = await http(`${server.url}/messagehub/negotiate?negotiateVersion=1`, { method: 'POST', headers: bearer(good) });
    assert.equal(ok.status, 200);
    assert.equal(server.httpConnectionCount, held + 1);
  });

  for (const kind of KINDS) {
    it(`${kind.name}: the official client connects with a good token, and start() fails with 401 for each bad one`, async () => {
      const c = await client(server, kind, good);
      assert.deepEqual(await c.invoke('WhoAmI'), {
        id: 'alice',
        name: null,
        expiresAt: claimsOf(good).exp! as number * 1000,
        channels: null,
      });
      for (const [what, token] of refused) {
        const value = await token();
        await assert.rejects(client(server, kind, value), (error: Error) => {
          assert.equal(error.message, UNAUTHORIZED, what);
          return true;
        });
      }
      assert.equal(server.connectionCount, 1, 'only the good client holds a hub connection');
    });
  }

  it('a WebSocket upgrade, an SSE stream, a poll, a POST and a DELETE each need the token too: 401, and the connection is untouched', async () => {
    const base = `${server.url}/messagehub`;
    const bad = await mint('another secret', { sub: 'alice' });
    // A WebSocket without negotiate makes a connection only with a token; in the query, as browsers send it.
    const fresh = await start();
    const freshBase = `${wsUrl(fresh.url)}/messagehub`;
    assert.equal((await RawSocket.refusal(freshBase)).status, 401);
    assert.equal((await RawSocket.refusal(`${freshBase}?access_token=${bad}`)).status, 401);
    assert.equal(fresh.httpConnectionCount, 0);
    const skip = await RawSocket.connect(`${wsUrl(base)}?access_token=${good}`);
    skip.close();
    await skip.expectClose();

    // Negotiated with a good token; then each request with a bad one, or none.
    const { token } = await negotiate(server.url, '?negotiateVersion=1', bearer(good));
    const url = `${base}?id=${token}`;
    for (const headers of [{}, bearer(bad)]) {
      assert.equal((await RawSocket.refusal(wsUrl(url), headers)).status, 401);
      assert.equal((await http(url, { headers: { ...headers, Accept: 'text/event-stream' } })).status, 401);
      assert.equal((await http(url, { headers })).status, 401);
      assert.equal((await http(url, { method: 'POST', headers, body: handshakeRequest() })).status, 401);
      assert.equal((await http(url, { method: 'DELETE', headers })).status, 401);
    }
    // Long polling with the token in the header, as the clients send it there: the connection still works.
    assert.equal((await http(url, { headers: bearer(good) })).status, 200);
    assert.equal((await http(url, { method: 'POST', headers: bearer(good), body: handshakeRequest() })).status, 200);
    assert.equal((await http(`${url}&_=1`, { headers: bearer(good) })).text, record('{}'));
    assert.equal((await http(url, { method: 'DELETE', headers: bearer(good) })).status, 202);
  });

  it('Server-Sent Events take the token from the access_token query parameter', async () => {
    const { token } = await negotiate(server.url, '?negotiateVersion=1', bearer(good));
    const url = `${server.url}/messagehub?id=${token}`;
    const stream = new HttpStream(`${url}&access_token=${encodeURIComponent(good)}`, { headers: { Accept: 'text/event-stream' } });
    try {
      await stream.opened;
      assert.equal(stream.status, 200);
      assert.equal((await http(url, { method: 'POST', headers: bearer(good), body: handshakeRequest() })).status, 200);
      await stream.waitFor((text) => text.includes(record('{}')));
    } finally {
      stream.abort();
    }
  });

  it("another user's valid token on a connection gets 403", async () => {
    const bob = await mint(SECRET, { sub: 'bob', iss: 'https://id.example', aud: 'rtc-kit' });
    const { token } = await negotiate(server.url, '?negotiateVersion=1', bearer(good));
    const url = `${server.url}/messagehub?id=${token}`;
    assert.equal((await RawSocket.refusal(wsUrl(url), bearer(bob))).status, 403);
    assert.equal((await http(url, { headers: bearer(bob) })).status, 403);
    assert.equal((await http(url, { method: 'POST', headers: bearer(bob), body: handshakeRequest() })).status, 403);
  });
});

describe('claims on the connection', () => {
  it('sub, name, exp and channels reach hub code, on every transport', async () => {
    const server = await start();
    const token = await mint(SECRET, { sub: 'u-42', name: 'Ada Lovelace', channels: ['room-1', 'team-*'] });
    for (const kind of KINDS) {
      const c = await client(server, kind, token);
      assert.deepEqual(await c.invoke('WhoAmI'), {
        id: 'u-42',
        name: 'Ada Lovelace',
        expiresAt: (claimsOf(token).exp as number) * 1000,
        channels: ['room-1', 'team-*'],
      });
    }
  });

  it('without auth the hub is open, and hub code sees no user', async () => {
    const server = await start({ authSecret: null });
    const c = await connect(server.url, KINDS[0]!);
    clients.push(c);
    assert.equal(await c.invoke('WhoAmI'), null);
    assert.deepEqual(await c.invoke('Join', 'anything'), []);
  });
});

describe('channel rights: the channels claim', () => {
  for (const kind of KINDS.slice(0, 3)) {
    it(`${kind.name}: exact, prefix and * entries; no claim allows nothing; Leave and signals keep their member checks`, async () => {
      const server = await start();
      const exact = await client(server, kind, await mint(SECRET, { sub: 'exact', channels: ['room-1'] }));
      assert.deepEqual(await exact.invoke('Join', 'room-1'), []);
      for (const channel of ['room-2', 'room-10', 'room-', 'ROOM-1']) {
        await assert.rejects(exact.invoke('Join', channel), { message: NOT_ALLOWED(channel) });
      }

      const prefix = await client(server, kind, await mint(SECRET, { sub: 'prefix', channels: ['team-*', 'lobby'] }));
      assert.deepEqual(await prefix.invoke('Join', 'team-'), []);
      assert.deepEqual(await prefix.invoke('Join', 'team-blue'), []);
      assert.deepEqual(await prefix.invoke('Join', 'lobby'), []);
      for (const channel of ['team', 'lobby-2', 'room-1', 'xteam-blue']) {
        await assert.rejects(prefix.invoke('Join', channel), { message: NOT_ALLOWED(channel) });
      }

      const any = await client(server, kind, await mint(SECRET, { sub: 'any', channels: ['*'] }));
      assert.deepEqual(await any.invoke('Join', 'room-1'), [exact.connectionId]);
      assert.deepEqual(await any.invoke('Join', 'whatever it is'), []);

      const none = await client(server, kind, await mint(SECRET, { sub: 'none' }));
      const empty = await client(server, kind, await mint(SECRET, { sub: 'empty', channels: [] }));
      for (const c of [none, empty]) {
        await assert.rejects(c.invoke('Join', 'room-1'), { message: NOT_ALLOWED('room-1') });
        // A refused Join joins nothing: signaling to the channel is still refused, and nobody heard a Join.
        await assert.rejects(c.invoke('SignalWebRtc', 'room-1', 'offer', 'x'), /Join the channel 'room-1' before signaling to it\./);
      }
      assert.deepEqual(exact.received('Join'), [[any.connectionId]], 'only the allowed Join was announced');
    });
  }
});

describe('expiry', () => {
  for (const kind of KINDS) {
    it(`${kind.name}: at exp the hub closes with "Unauthorized: the access token expired." and allowReconnect; the client reconnects with a fresh token`, async () => {
      const server = await start();
      // Until the hub closes the connection, tokens expire in a second or two (exp has whole seconds); the ones
      // the client gets to reconnect last an hour. (The client asks once for negotiate and, on WebSockets, again.)
      let expired = false;
      let issued = 0;
      let issuedAfter = 0;
      const factory = () => {
        issued++;
        if (expired) issuedAfter++;
        return mint(SECRET, { sub: 'expiring', channels: ['*'] }, { expiresIn: expired ? 3600 : 2 });
      };
      let builder = new signalr.HubConnectionBuilder()
        .withUrl(`${server.url}/messagehub`, { transport: signalr.HttpTransportType[kind.transport], accessTokenFactory: factory })
        .withAutomaticReconnect([0, 100, 500, 1000])
        .configureLogging(signalr.LogLevel.None);
      if (kind.protocol === 'messagepack') {
        const { MessagePackHubProtocol } = await import('@microsoft/signalr-protocol-msgpack');
        builder = builder.withHubProtocol(new MessagePackHubProtocol());
      }
      const connection = builder.build();
      const reconnecting = new Promise<Error | undefined>((resolve) =>
        connection.onreconnecting((error) => {
          expired = true;
          resolve(error);
        }),
      );
      const reconnected = new Promise<string | undefined>((resolve) => connection.onreconnected(resolve));
      await connection.start();
      try {
        const first = connection.connectionId;
        await connection.invoke('Join', 'call');
        const error = await withDeadline(reconnecting, 10_000, 'the Close at expiry');
        assert.equal(error?.message, 'Server returned an error on close: Unauthorized: the access token expired.');
        const id = await withDeadline(reconnected, 10_000, 'the reconnect');
        assert.notEqual(id, first, 'a new connection');
        assert.ok(issuedAfter >= 1, `the client asked for a fresh token (${issued} in all)`);
        // The new connection works with the new token; the app joins again, as rtc-kit's client does. (Over long
        // polling the old connection may still be in the channel: it ends with the client's DELETE.)
        const others = (await connection.invoke('Join', 'call')) as string[];
        assert.ok(others.every((other) => other === first), `only the old connection may still be there: ${others}`);
      } finally {
        await connection.stop();
      }
    });
  }

  it('the Close message is exactly {"type":7,"error":"Unauthorized: the access token expired.","allowReconnect":true}', async () => {
    const server = await start();
    const token = await mint(SECRET, { sub: 'raw' }, { expiresIn: 1 });
    const socket = await RawSocket.connect(`${wsUrl(server.url)}/messagehub?access_token=${token}`);
    const close = await socket.nextRecord(5_000, (text) => text === '{"type":6}');
    assert.equal(close, '{"type":7,"error":"Unauthorized: the access token expired.","allowReconnect":true}');
    assert.equal((await socket.expectClose(5_000)).code, 1000);
    assert.ok(Date.now() >= (claimsOf(token).exp as number) * 1000, 'not before exp');
  });
});

describe('/ice-servers behind the token', () => {
  const turn = { turnUrls: ['turn:127.0.0.1:3478'], turnSecret: 'turn-secret', stunUrls: ['stun:127.0.0.1:3478'] };

  it('answers 401 with no token or a bad one, and mints a TURN username of <expiry>:<sub> for a good one, in the header or the query', async () => {
    const server = await start(turn);
    const token = await mint(SECRET, { sub: 'carol' });
    for (const headers of [{}, bearer(await mint('wrong', { sub: 'carol' })), bearer(await mint(SECRET, { sub: 'carol' }, { expiresIn: -5 }))]) {
      const res = await http(`${server.url}/ice-servers`, { headers });
      assert.equal(res.status, 401);
      assert.equal(res.text, '');
    }
    for (const res of [await http(`${server.url}/ice-servers`, { headers: bearer(token) }), await http(`${server.url}/ice-servers?access_token=${token}`)]) {
      assert.equal(res.status, 200);
      const body = JSON.parse(res.text) as { iceServers: Array<{ username?: string }> };
      const [expiry, sub] = body.iceServers[1]!.username!.split(':');
      assert.equal(sub, 'carol');
      assert.ok(Math.abs(Number(expiry) - (Date.now() / 1000 + 3600)) < 5);
    }
    // A browser's preflight carries no token, and is answered.
    const preflight = await http(`${server.url}/ice-servers`, {
      method: 'OPTIONS',
      headers: { Origin: server.url, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    assert.equal(preflight.status, 204);
  });

  it('without auth, answers anyone, with a random id in the username', async () => {
    const server = await start({ ...turn, authSecret: null });
    const res = await http(`${server.url}/ice-servers`);
    assert.equal(res.status, 200);
    assert.match((JSON.parse(res.text) as { iceServers: Array<{ username: string }> }).iceServers[1]!.username, /^\d+:[\w-]{12}$/);
  });
});

describe('RS256, ES256 and EdDSA public keys', () => {
  const pairs = {
    RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    EdDSA: generateKeyPairSync('ed25519'),
  };
  for (const [alg, pair] of Object.entries(pairs)) {
    it(`${alg}: a token signed with the private key is accepted; another key's, or HS256 with the PEM as secret, is refused`, async () => {
      const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const server = await start({ authSecret: null, authPublicKey: pem });
      const c = await client(server, KINDS[0]!, await mint(pair.privateKey, { sub: `${alg}-user` }, { alg }));
      assert.equal(((await c.invoke('WhoAmI')) as { id: string }).id, `${alg}-user`);
      const other = Object.values(pairs).find((p) => p !== pair)!;
      const otherAlg = Object.keys(pairs).find((a) => pairs[a as keyof typeof pairs] === other)!;
      for (const bad of [
        await mint(other.privateKey, { sub: 'x' }, { alg: otherAlg }),
        await mint(pem, { sub: 'x' }), // the classic algorithm confusion: the public key as an HMAC secret
      ]) {
        await assert.rejects(client(server, KINDS[0]!, bad), { message: UNAUTHORIZED });
      }
    });
  }

  it('a key it cannot use stops the start with a clear message', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    await assert.rejects(createHubServer({ port: 0, logger: silentLogger, authPublicKey: p384 }), {
      name: 'TypeError',
      message: 'The auth public key is an EC key on secp384r1; rtc-hub verifies RS256 (RSA), ES256 (EC P-256) and EdDSA (Ed25519).',
    });
    await assert.rejects(createHubServer({ port: 0, logger: silentLogger, authPublicKey: 'not a key' }), {
      name: 'TypeError',
      message: 'The auth public key is not a PEM public key ("-----BEGIN PUBLIC KEY-----").',
    });
  });
});

describe('dev tokens', () => {
  it('GET /dev/token?user=NAME gives a one-hour HS256 token for NAME with channels ["*"], that the hub accepts', async () => {
    const server = await start({ authSecret: null, devTokens: true });
    const res = await http(`${server.url}/dev/token?user=alice`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    const { token } = JSON.parse(res.text) as { token: string };
    const claims = claimsOf(token);
    assert.deepEqual(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
    assert.equal(claims.sub, 'alice');
    assert.equal(claims.name, 'alice');
    assert.deepEqual(claims.channels, ['*']);
    assert.equal((claims.exp as number) - (claims.iat as number), 3600);
    const c = await client(server, KINDS[0]!, token);
    assert.deepEqual(await c.invoke('Join', 'any-room'), []);
    // Signed with a random secret of this run: a token minted elsewhere is refused.
    await assert.rejects(client(server, KINDS[0]!, await mint(SECRET, { sub: 'alice' })), { message: UNAUTHORIZED });
  });

  it('takes channels=a,b, and the configured secret, issuer and audience', async () => {
    const server = await start({ devTokens: true, authIssuer: 'iss-1', authAudience: 'aud-1' });
    const { token } = JSON.parse((await http(`${server.url}/dev/token?user=bob&channels=room-1,%20team-*`)).text) as { token: string };
    const claims = claimsOf(token);
    assert.deepEqual(claims.channels, ['room-1', 'team-*']);
    assert.equal(claims.iss, 'iss-1');
    assert.equal(claims.aud, 'aud-1');
    const c = await client(server, KINDS[2]!, token);
    assert.deepEqual(await c.invoke('Join', 'team-red'), []);
    await assert.rejects(c.invoke('Join', 'room-2'), { message: NOT_ALLOWED('room-2') });
  });

  it('asks for a user name, and exists only when turned on', async () => {
    const server = await start({ devTokens: true });
    const missing = await http(`${server.url}/dev/token`);
    assert.equal(missing.status, 400);
    assert.deepEqual(JSON.parse(missing.text), { error: 'Give the user name: /dev/token?user=NAME.' });
    assert.equal((await http(`${server.url}/dev/token?user=x`, { method: 'POST' })).status, 405);
    const off = await start();
    assert.equal((await http(`${off.url}/dev/token?user=alice`)).status, 404);
  });

  it('are refused unless the host is a loopback address', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.1']) {
      await assert.rejects(createHubServer({ port: 0, logger: silentLogger, devTokens: true, host }), {
        name: 'TypeError',
        message: `Dev tokens are refused on host ${host}: anyone who reaches /dev/token could sign in as anyone. Bind a loopback address (127.0.0.1, ::1 or localhost), or mint real tokens.`,
      });
    }
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      const server = await createHubServer({ port: 0, logger: silentLogger, devTokens: true, host }).catch((error: NodeJS.ErrnoException) => {
        // A machine without IPv6 on loopback cannot bind ::1; that is not what this checks.
        if (error.code === 'EADDRNOTAVAIL') return null;
        throw error;
      });
      await server?.close();
    }
  });
});

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`No ${what} within ${ms} ms.`)), ms))),
  ]).finally(() => clearTimeout(timer));
}
