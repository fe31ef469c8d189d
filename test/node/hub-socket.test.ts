// The hub link's own connection (src/services/signaling/hub-socket.ts) under SignalR's HubConnection, as
// the kit's HubClient runs it, against a real rtc-hub over real sockets. Node 20 has no WebSocket of its
// own: the `ws` package's stands in for the browser's (the same onopen/onmessage/onclose interface). The
// browser side, the bundles with WebSockets and with each fallback, is in test/bundle-module.test.ts.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { after, describe, it } from 'node:test';
import { WebSocket as NodeWebSocket } from 'ws';
import { createHubServer, MessageHub, silentLogger, type HubServer, type HubServerOptions } from '../../server/src/index.js';
import { RecordingHub } from '../../server/test/helpers/recording-hub.js';
import { HubClient } from '../../src/services/signaling/hub-client.js';
import { HubSocket } from '../../src/services/signaling/hub-socket.js';
import type { RtcError } from '../../src/services/rtc/rtc-error.js';

/** `ws`'s WebSocket as a browser's behaves: a failed socket fires `close`, and never throws its `error` at the process. */
class BrowserWebSocket extends NodeWebSocket {
  constructor(address: string) {
    super(address);
    this.on('error', () => {});
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket = BrowserWebSocket;

const servers: HubServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** A hub, with every negotiate request and the server side of every WebSocket upgrade it receives. */
async function start(options: HubServerOptions = {}, hub: typeof RecordingHub | typeof MessageHub = RecordingHub) {
  const server = await createHubServer({ port: 0, logger: silentLogger, maxInvocationsPerSecond: 0, ...options }, hub);
  servers.push(server);
  const negotiates: IncomingMessage[] = [];
  const upgrades: { url: URL; socket: Duplex }[] = [];
  server.httpServer.prependListener('request', (req: IncomingMessage) => {
    if (req.url?.includes('/negotiate')) negotiates.push(req);
  });
  server.httpServer.prependListener('upgrade', (req: IncomingMessage, socket: Duplex) => {
    upgrades.push({ url: new URL(req.url ?? '/', 'http://localhost'), socket });
  });
  return { server, negotiates, upgrades, url: `${server.url}/messagehub` };
}

/** A HubClient and every signaling state it went through. */
function client(url: string, token?: string) {
  const hub = new HubClient({ url, accessTokenFactory: token ? () => token : null });
  const states: string[] = [];
  hub.addEventListener('signalingstate', () => states.push(hub.state));
  return { hub, states };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('HubSocket: the hub link over a WebSocket of its own', () => {
  it('negotiates once as SignalR does (version 1, stateful reconnect, the token as a bearer), then opens one socket with the connection token and the token', async () => {
    const { negotiates, upgrades, url } = await start();
    const { hub } = client(url, 'a token');
    await hub.connect();
    assert.equal(negotiates.length, 1);
    const query = new URL(negotiates[0]!.url!, 'http://localhost').searchParams;
    assert.equal(query.get('negotiateVersion'), '1');
    assert.equal(query.get('useStatefulReconnect'), 'true');
    assert.equal(negotiates[0]!.method, 'POST');
    assert.equal(negotiates[0]!.headers.authorization, 'Bearer a token');
    assert.equal(upgrades.length, 1);
    assert.ok(upgrades[0]!.url.searchParams.get('id'), 'the connection token as id');
    assert.equal(upgrades[0]!.url.searchParams.get('access_token'), 'a token');
    assert.ok(hub.connectionId);
    assert.deepEqual(await hub.invoke('Received'), []);
    await hub.stop();
  });

  it('keeps what the hub URL already says of negotiate (a version, no stateful reconnect), as SignalR does', async () => {
    const { negotiates, url } = await start();
    const socket = new HubSocket(`${url}?negotiateVersion=0&useStatefulReconnect=false`, undefined);
    await socket.start(1);
    const query = new URL(negotiates[0]!.url!, 'http://localhost').searchParams;
    assert.deepEqual([query.getAll('negotiateVersion'), query.getAll('useStatefulReconnect')], [['0'], ['false']]);
    assert.ok(socket.connectionId);
    assert.equal(socket.features.reconnect, false);
    await socket.stop();
  });

  it('a socket cut in the middle of traffic comes back on the same connection (stateful reconnect): every message each way arrives once, in order, and the link never says reconnecting', async () => {
    const { server, upgrades, url } = await start();
    const { hub, states } = client(url);
    const items: number[] = [];
    hub.on('Item', (n: number) => items.push(n));
    await hub.connect();
    const id = hub.connectionId!;
    const sent: Promise<unknown>[] = [];
    for (const n of range(200)) {
      if (n === 100) {
        // The way a network cuts it: the TCP socket goes, with no Close frame.
        upgrades[0]!.socket.destroy();
      }
      sent.push(hub.invoke('Record', n));
      void server.lifetime.sendConnection(id, 'Item', [n]);
    }
    await Promise.all(sent);
    await waitFor(() => items.length >= 200, '200 items');
    assert.equal(upgrades.length, 2, 'one socket more, on the same connection');
    assert.equal(upgrades[1]!.url.searchParams.get('id'), upgrades[0]!.url.searchParams.get('id'));
    assert.deepEqual(items, range(200));
    assert.deepEqual(await hub.invoke('Received'), range(200));
    assert.equal(hub.connectionId, id);
    assert.deepEqual(states, ['connecting', 'connected']);
    await hub.stop();
  });

  it('a cut socket on a hub without stateful reconnect: the link says reconnecting, comes back on a new connection, and joins its channel again', async () => {
    const { upgrades, url } = await start({ allowStatefulReconnects: false }, MessageHub);
    const { hub, states } = client(url);
    await hub.connect();
    await hub.join('room');
    const id = hub.connectionId;
    const rejoined = new Promise((resolve) => hub.addEventListener('rejoin', (event) => resolve((event as Event & { channel: string }).channel), { once: true }));
    upgrades[0]!.socket.destroy();
    assert.equal(await rejoined, 'room');
    await waitFor(() => hub.state === 'connected', 'connected again');
    assert.notEqual(hub.connectionId, id);
    assert.deepEqual(states, ['connecting', 'connected', 'reconnecting', 'connected']);
    await hub.stop();
    assert.equal(hub.state, 'disconnected');
  });

  it('where no WebSocket opens, the start goes to SignalR fallback transports (loaded then), and the link works', async () => {
    const { negotiates, upgrades, url } = await start();
    const saved = globalThis.WebSocket;
    // SignalR's ESM build reaches Node's own fetch helpers through a bare `require` (a browser never
    // takes that branch): give it one for this test.
    (globalThis as { require?: unknown }).require = createRequire(import.meta.url);
    // A WebSocket that never opens, as behind a proxy that refuses the upgrade.
    (globalThis as { WebSocket?: unknown }).WebSocket = class extends BrowserWebSocket {
      constructor(address: string) {
        super(address.replace(/\/messagehub/, '/no-such-path'));
      }
    };
    try {
      const { hub } = client(url);
      await hub.connect();
      assert.ok(hub.connectionId);
      assert.equal(negotiates.length, 2, 'ours, then the fallback negotiates again, as SignalR does per transport');
      assert.equal(new URL(negotiates[1]!.url!, 'http://localhost').searchParams.get('useStatefulReconnect'), 'true', 'the fallback asks for stateful reconnect too');
      assert.equal(upgrades.length, 1, 'the one failed WebSocket try, none more');
      await hub.invoke('Record', 7);
      assert.deepEqual(await hub.invoke('Received'), [7]);
      await hub.stop();
    } finally {
      (globalThis as { WebSocket?: unknown }).WebSocket = saved;
      delete (globalThis as { require?: unknown }).require;
    }
  });

  it('stop() while starting: the start rejects, and no onclose is owed for a start that never completed', async () => {
    const { url } = await start();
    const socket = new HubSocket(url, undefined);
    let closed = 0;
    socket.onclose = () => closed++;
    const started = socket.start(1);
    await socket.stop();
    await assert.rejects(started);
    assert.equal(closed, 0);
    assert.equal(socket.connectionId, undefined);
  });

  it('stop() of a started connection calls onclose once, with stop()’s error, without waiting for the socket', async () => {
    const { url } = await start();
    const socket = new HubSocket(url, undefined);
    const closes: (Error | undefined)[] = [];
    socket.onclose = (error) => closes.push(error);
    await socket.start(1);
    assert.ok(socket.connectionId);
    const why = new Error('done here');
    await socket.stop(why);
    assert.deepEqual(closes, [why]);
    await socket.stop();
    assert.equal(closes.length, 1);
    await assert.rejects(socket.send('x'), /not in the OPEN state/);
  });

  it('a hub that takes negotiate and never answers: stop() ends the start at once, and connect() gives up at its timeout', async () => {
    // A server that reads each request and never answers it, as behind a stalled proxy.
    const stalled = createServer(() => {});
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}/messagehub`;
    try {
      const socket = new HubSocket(url, undefined);
      const started = socket.start(1);
      // The request is out, and waits.
      await new Promise((resolve) => stalled.once('request', resolve));
      await socket.stop();
      await assert.rejects(started, /stopped before it started/);

      const hub = new HubClient({ url, connectTimeoutMs: 300 });
      const error = (await hub.connect().then(() => null, (e: RtcError) => e)) as RtcError | null;
      assert.equal(error?.code, 'signaling-unavailable');
      assert.equal(hub.state, 'disconnected');
    } finally {
      stalled.closeAllConnections();
      stalled.close();
    }
  });

  it('what Long Polling said of itself (inherent keep-alive) does not outlive its start: a later start on a WebSocket has HubConnection ping again', async () => {
    const { url } = await start();
    const saved = globalThis.WebSocket;
    // No EventSource either (SignalR's Node branch would load the `eventsource` package): Long Polling.
    const nodeRequire = createRequire(import.meta.url);
    (globalThis as { require?: unknown }).require = (id: string) => (id === 'eventsource' ? null : nodeRequire(id));
    (globalThis as { WebSocket?: unknown }).WebSocket = class extends BrowserWebSocket {
      constructor(address: string) {
        super(address.replace(/\/messagehub/, '/no-such-path'));
      }
    };
    const socket = new HubSocket(url, undefined);
    try {
      await socket.start(1);
      assert.equal(socket.features.inherentKeepAlive, true, 'Long Polling carries its own keep-alive');
      await socket.stop();
    } finally {
      (globalThis as { WebSocket?: unknown }).WebSocket = saved;
      delete (globalThis as { require?: unknown }).require;
    }
    await socket.start(1);
    assert.equal(socket.features.inherentKeepAlive, undefined);
    await socket.stop();
  });

  it('a message HubConnection cannot take ends the connection with that error (onclose), as SignalR’s WebSocket transport does', async () => {
    const { url } = await start();
    const socket = new HubSocket(url, undefined);
    const bad = new Error('a frame it cannot read');
    socket.onreceive = () => {
      throw bad;
    };
    const closes: (Error | undefined)[] = [];
    socket.onclose = (error) => closes.push(error);
    await socket.start(1);
    // The hub answers the handshake: the first message in, which the receiver throws on.
    await socket.send('{"protocol":"json","version":1}\x1e');
    await waitFor(() => closes.length > 0, 'onclose');
    assert.deepEqual(closes, [bad]);
    assert.equal(socket.connectionId, undefined);
    await socket.stop();
    assert.equal(closes.length, 1);
  });

  it('a hub that refuses the token (401 on negotiate): connect() fails with unauthorized', async () => {
    const { url } = await start({ authSecret: 'a secret of at least thirty-two bytes, for HS256' });
    const { hub } = client(url, 'not a token');
    const error = (await hub.connect().then(
      () => null,
      (e: RtcError) => e,
    )) as RtcError | null;
    assert.equal(error?.code, 'unauthorized');
    assert.equal(hub.state, 'disconnected');
  });
});
