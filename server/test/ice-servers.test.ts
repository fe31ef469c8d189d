// GET /ice-servers: TURN REST credentials, freshness, the rate limit and the origin allow-list.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { mintIceServers, RateLimiter, turnCredential } from '../src/http/ice-servers.js';
import { createHubServer, silentLogger, type HubServer } from '../src/index.js';

const SECRET = 'north-wind';

describe('TURN REST credentials', () => {
  it('match a known vector (computed with openssl dgst -sha1 -hmac)', () => {
    assert.equal(turnCredential(SECRET, '1700000000:rtc-kit-test'), '/if9naBKpvm3PfWwOEDCb5QzFBE=');
  });

  it('use "<unix expiry>:<random id>" as the username, expiring ttl seconds from now', () => {
    const now = 1_800_000_000_000;
    const { iceServers, ttl } = mintIceServers(
      { turnUrls: ['turn:127.0.0.1:3478'], turnSecret: SECRET, turnTtl: 600, stunUrls: ['stun:127.0.0.1:3478'] },
      now,
    );
    assert.equal(ttl, 600);
    assert.deepEqual(iceServers[0], { urls: ['stun:127.0.0.1:3478'] });
    const turn = iceServers[1]!;
    assert.deepEqual(turn.urls, ['turn:127.0.0.1:3478']);
    const [expiry, id] = turn.username!.split(':');
    assert.equal(Number(expiry), now / 1000 + 600);
    assert.match(id!, /^[A-Za-z0-9_-]{12}$/);
    assert.equal(turn.credential, createHmac('sha1', SECRET).update(turn.username!).digest('base64'));
  });

  it('are fresh for every answer', () => {
    const options = { turnUrls: ['turn:a'], turnSecret: SECRET, turnTtl: 60, stunUrls: [] };
    const first = mintIceServers(options).iceServers[0]!;
    const second = mintIceServers(options).iceServers[0]!;
    assert.notEqual(first.username, second.username);
    assert.notEqual(first.credential, second.credential);
  });

  it('without TURN configured, give STUN only or an empty list', () => {
    assert.deepEqual(mintIceServers({ turnUrls: [], turnSecret: null, turnTtl: 60, stunUrls: [] }).iceServers, []);
    assert.deepEqual(mintIceServers({ turnUrls: [], turnSecret: null, turnTtl: 60, stunUrls: ['stun:s'] }).iceServers, [
      { urls: ['stun:s'] },
    ]);
  });
});

describe('RateLimiter', () => {
  it('allows max requests per window per key, then says how long to wait', () => {
    const limiter = new RateLimiter(3, 10_000);
    for (let i = 0; i < 3; i++) assert.equal(limiter.take('a', 1_000), 0);
    assert.equal(limiter.take('a', 1_000), 10);
    assert.equal(limiter.take('b', 1_000), 0, 'another client is not affected');
    assert.equal(limiter.take('a', 11_000), 0, 'a new window starts afresh');
  });
});

describe('GET /ice-servers', () => {
  const hubs: HubServer[] = [];
  after(() => Promise.all(hubs.map((h) => h.close())));
  const start = async (options: Parameters<typeof createHubServer>[0]) => {
    const hub = await createHubServer({ port: 0, logger: silentLogger, ...options });
    hubs.push(hub);
    return hub;
  };

  it('answers fresh credentials with Cache-Control: no-store, and never the secret', async () => {
    const hub = await start({ turnUrls: ['turn:127.0.0.1:3478?transport=udp'], turnSecret: SECRET, turnTtl: 120 });
    const first = await fetch(`${hub.url}/ice-servers`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    assert.equal(first.headers.get('content-type'), 'application/json');
    const text = await first.text();
    assert.ok(!text.includes(SECRET), 'the secret never leaves the server');
    const body = JSON.parse(text);
    assert.equal(body.ttl, 120);
    const [turn] = body.iceServers;
    assert.deepEqual(turn.urls, ['turn:127.0.0.1:3478?transport=udp']);
    assert.equal(turn.credential, turnCredential(SECRET, turn.username));
    const second = (await (await fetch(`${hub.url}/ice-servers`)).json()) as { iceServers: Array<{ username: string }> };
    assert.notEqual(second.iceServers[0].username, turn.username);
  });

  it('answers [] with no TURN or STUN configured', async () => {
    const hub = await start({});
    assert.deepEqual(await (await fetch(`${hub.url}/ice-servers`)).json(), { iceServers: [], ttl: 3600 });
  });

  it('gives 429 with Retry-After to a client that asks too often', async () => {
    const hub = await start({ stunUrls: ['stun:127.0.0.1:3478'], iceServersRateLimit: { max: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${hub.url}/ice-servers`)).status, 200);
    const refused = await fetch(`${hub.url}/ice-servers`);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
  });

  it('honours the origin allow-list', async () => {
    const hub = await start({ stunUrls: ['stun:s'], allowedOrigins: ['https://app.example'] });
    const allowed = await fetch(`${hub.url}/ice-servers`, { headers: { Origin: 'https://app.example' } });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
    const refused = await fetch(`${hub.url}/ice-servers`, { headers: { Origin: 'https://evil.example' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
  });

  it('refuses TURN URLs without a secret: a static password is never handed out', async () => {
    await assert.rejects(createHubServer({ port: 0, logger: silentLogger, turnUrls: ['turn:t'] }), {
      name: 'TypeError',
      message: /TURN URLs need "turnSecret"/,
    });
    await assert.rejects(createHubServer({ port: 0, logger: silentLogger, turnUrls: ['http://t'], turnSecret: 's' }), {
      name: 'TypeError',
      message: 'The turnUrls entry "http://t" must start with turn: or turns:.',
    });
  });
});
