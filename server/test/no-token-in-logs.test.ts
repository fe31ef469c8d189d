// The hub never writes a token into a log line (product.md section 8), including on errors: a real rtc-hub
// process with auth and dev tokens, driven through every place a token travels and through the paths that
// log (expiry, a bad handshake, an oversized message, refusals), and everything it printed, searched.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CLIENT_KINDS, connect, type TestClient } from './helpers/clients.js';
import { kill, startHub, until, type HubProcess } from './helpers/hub-processes.js';
import { HttpStream, RawSocket, http, record, wsUrl } from './helpers/raw.js';
import { mint } from './helpers/tokens.js';

const SECRET = 'log-test-secret-4f0c1d';

describe('tokens in the hub output', () => {
  let hub: HubProcess | null = null;
  const clients: TestClient[] = [];
  after(async () => {
    await Promise.allSettled(clients.map((c) => c.stop()));
    if (hub) await kill(hub, 'SIGTERM');
  });

  it('no line the hub prints holds a token, a part of one, the secret, or the access_token parameter', async () => {
    hub = await startHub(['--auth-secret', SECRET, '--dev-tokens', '--turn-url', 'turn:127.0.0.1:3478', '--turn-secret', 'turn-secret']);
    const base = `${hub.url}/messagehub`;
    const tokens: string[] = [];
    const remember = (token: string) => (tokens.push(token), token);

    // A dev token, and the official client with it over every transport (SSE puts it in the query).
    const dev = remember(((await (await fetch(`${hub.url}/dev/token?user=logan`)).json()) as { token: string }).token);
    for (const kind of CLIENT_KINDS.filter((k) => k.client === '@microsoft/signalr')) {
      const c = await connect(hub.url, kind, undefined, { accessTokenFactory: () => dev });
      clients.push(c);
      await c.invoke('Join', 'logs');
    }
    // Refusals: bad tokens in the query and in the header, on every path.
    const bad = remember(await mint('wrong-secret', { sub: 'mallory' }));
    const expired = remember(await mint(SECRET, { sub: 'late' }, { expiresIn: -60 }));
    for (const token of [bad, expired]) {
      assert.equal((await http(`${base}/negotiate?negotiateVersion=1&access_token=${token}`, { method: 'POST' })).status, 401);
      assert.equal((await http(`${base}/negotiate?negotiateVersion=1`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).status, 401);
      assert.equal((await RawSocket.refusal(`${wsUrl(base)}?access_token=${token}`)).status, 401);
      assert.equal((await http(`${base}?id=x&access_token=${token}`, { headers: { Accept: 'text/event-stream' } })).status, 401);
      assert.equal((await http(`${hub.url}/ice-servers?access_token=${token}`)).status, 401);
    }
    // Good tokens where the hub then has something to say: a 404, /ice-servers, a bad handshake, a message
    // over the size limit, and a token that expires on an open connection.
    assert.equal((await http(`${base}?id=unknown&access_token=${dev}`)).status, 404);
    assert.equal((await http(`${hub.url}/ice-servers?access_token=${dev}`)).status, 200);
    const badHandshake = await RawSocket.open(`${wsUrl(base)}?access_token=${dev}`);
    badHandshake.send(record('{"protocol":'));
    await badHandshake.expectClose();
    const oversized = await RawSocket.connect(`${wsUrl(base)}?access_token=${dev}`);
    oversized.send(record(`{"type":1,"target":"Join","arguments":["${'x'.repeat(40_000)}"]}`));
    await oversized.expectClose();
    const shortLived = remember(await mint(SECRET, { sub: 'brief', channels: ['*'] }, { expiresIn: 1 }));
    const expiring = await RawSocket.connect(`${wsUrl(base)}?access_token=${shortLived}`);
    await expiring.expectClose(5_000);
    const sse = new HttpStream(`${base}?id=nope&access_token=${dev}`, { headers: { Accept: 'text/event-stream' } });
    await sse.body();

    await until('the hub logged the expiry', () => hub!.output().includes('expired; closing it'));
    await Promise.allSettled(clients.splice(0).map((c) => c.stop()));
    await kill(hub, 'SIGTERM');
    const printed = hub.stdout() + hub.output();
    hub = null;

    // The paths that log did log, so the search below means something.
    assert.match(printed, /Dev tokens are on/);
    assert.match(printed, /Bad handshake from/);
    assert.match(printed, /The maximum message size of 32768B was exceeded/);
    assert.match(printed, /The access token of connection \S+ expired; closing it\./);
    for (const token of tokens) {
      for (const part of token.split('.')) assert.ok(!printed.includes(part), `a part of a token was printed: ${part.slice(0, 12)}...`);
    }
    assert.ok(!printed.includes(SECRET), 'the auth secret was printed');
    assert.ok(!printed.includes('turn-secret'), 'the TURN secret was printed');
    assert.doesNotMatch(printed, /access_token/i);
    assert.doesNotMatch(printed, /Bearer/i);
  });
});
