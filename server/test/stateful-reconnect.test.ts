// Stateful reconnect (signalr-wire.md A.3, C.1, C.3, E): the official @microsoft/signalr 10 client over real
// sockets, with the server side of its WebSocket cut in the middle of traffic, and the exact wire behaviour
// with raw sockets: negotiate, the version 2 handshake, Ack, Sequence, replay, duplicates, the disconnect
// timeout and the replay buffer's size limit.
import * as signalr from '@microsoft/signalr';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { after, describe, it } from 'node:test';
import { createHubServer, MessageHub, silentLogger, type HubServer, type HubServerOptions, type Logger } from '../src/index.js';
import { RecordingHub as BaseRecordingHub } from './helpers/recording-hub.js';
import { RawSocket, handshakeRequest, http, isPing, negotiate, record, wsUrl, type Negotiated } from './helpers/raw.js';

const STATEFUL_QUERY = '?negotiateVersion=1&useStatefulReconnect=true';
const CLOSED_WITH_ERROR = '{"type":7,"error":"Connection closed with an error.","allowReconnect":true}';

/** Every connection the test hub saw start and end, by connection id. */
const connected: string[] = [];
const disconnected: string[] = [];

/** The recording hub (Record, Received), which also notes every connection that starts and ends. */
class RecordingHub extends BaseRecordingHub {
  override onConnected(): void {
    connected.push(this.context.connectionId);
  }

  override onDisconnected(): void {
    disconnected.push(this.context.connectionId);
  }
}

const servers: HubServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

interface Upgrade {
  id: string | null;
  socket: Duplex;
}

/** A hub server, and the server side of every WebSocket upgrade it receives, to cut them. */
async function start(options: HubServerOptions = {}, hub: typeof RecordingHub | typeof MessageHub = RecordingHub) {
  const server = await createHubServer({ port: 0, logger: silentLogger, ...options }, hub);
  servers.push(server);
  const upgrades: Upgrade[] = [];
  server.httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    upgrades.push({ id: new URL(req.url ?? '/', 'http://localhost').searchParams.get('id'), socket });
  });
  return { server, upgrades };
}

/** Cuts a WebSocket the way a network does: the TCP socket goes, with no Close frame. */
function cut(upgrade: Upgrade | undefined): void {
  assert.ok(upgrade, 'no WebSocket to cut');
  upgrade.socket.destroy();
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

/** An official client over WebSockets, with the events a test watches. */
function officialClient(server: HubServer, configure: (b: signalr.HubConnectionBuilder) => signalr.HubConnectionBuilder) {
  const connection = configure(
    new signalr.HubConnectionBuilder()
      .withUrl(`${server.url}/messagehub`, { transport: signalr.HttpTransportType.WebSockets })
      .configureLogging(signalr.LogLevel.None),
  ).build();
  const events = { reconnecting: 0, reconnected: [] as (string | undefined)[], closed: [] as (Error | undefined)[] };
  connection.onreconnecting(() => events.reconnecting++);
  connection.onreconnected((id) => events.reconnected.push(id));
  connection.onclose((error) => events.closed.push(error));
  return { connection, events };
}

/** A raw client past negotiate (stateful unless told otherwise) and its handshake. */
async function rawClient(server: HubServer, version = 2, query = STATEFUL_QUERY) {
  const negotiated = await negotiate(server.url, query);
  const url = `${wsUrl(server.url)}/messagehub?id=${negotiated.token}`;
  const socket = await RawSocket.open(url);
  socket.send(handshakeRequest('json', version));
  assert.equal(await socket.nextRecord(), '{}');
  return { negotiated, url, socket };
}

/** The next record that is not a Ping. */
const nextRecord = (socket: RawSocket, timeoutMs = 2_000) => socket.nextRecord(timeoutMs, isPing);

/** Records until `count` have arrived, skipping pings and, unless asked, the server's Acks. */
async function records(socket: RawSocket, count: number, keepAcks = false): Promise<string[]> {
  const out: string[] = [];
  while (out.length < count) {
    const next = await nextRecord(socket);
    if (!keepAcks && next.startsWith('{"type":8,')) continue;
    out.push(next);
  }
  return out;
}

const item = (n: number) => `{"type":1,"target":"Item","arguments":[${n}]}`;
const recordCall = (n: number) => record(`{"type":1,"target":"Record","arguments":[${n}]}`);
const sendItem = (server: HubServer, negotiated: Negotiated, n: number) =>
  server.lifetime.sendConnection(negotiated.connectionId, 'Item', [n]);

/** What the test hub recorded for this connection: a blocking `Received` call, and its Completion's result. */
async function receivedOver(socket: RawSocket, invocationId: string): Promise<unknown> {
  socket.send(record(`{"type":1,"invocationId":"${invocationId}","target":"Received","arguments":[]}`));
  for (;;) {
    const next = JSON.parse(await nextRecord(socket)) as { type: number; invocationId?: string; result?: unknown };
    if (next.type === 3 && next.invocationId === invocationId) return next.result;
  }
}

describe('stateful reconnect with the official client (@microsoft/signalr 10)', () => {
  it('a cut in the middle of 1,000 messages each way is invisible: each arrives once, in order, on the same connection', async () => {
    // A thousand invocations in about a second: far past the default rate limit, which is not what this tests.
    const { server, upgrades } = await start({ maxInvocationsPerSecond: 0 });
    const { connection, events } = officialClient(server, (b) => b.withStatefulReconnect().withAutomaticReconnect());
    const items: number[] = [];
    connection.on('Item', (n: number) => items.push(n));
    await connection.start();
    const id = connection.connectionId!;
    assert.equal(upgrades.length, 1);

    const COUNT = 1_000;
    // Server to client through the lifetime manager, 10 every 10 ms, while the client sends the same way.
    let serverSent = 0;
    const serverStream = (async () => {
      while (serverSent < COUNT) {
        for (let i = 0; i < 10; i++) await server.lifetime.sendConnection(id, 'Item', [serverSent++]);
        await delay(10);
      }
    })();
    let cutAt: { sent: number; received: number; serverSent: number } | null = null;
    for (let n = 0; n < COUNT; n++) {
      await connection.send('Record', n);
      if (n % 10 === 9) await delay(10);
      if (n === 499) {
        await waitFor(() => items.length >= 400, 5_000, 'the first 400 items');
        cutAt = { sent: n + 1, received: items.length, serverSent };
        cut(upgrades[0]);
      }
    }
    await serverStream;
    await waitFor(() => items.length >= COUNT, 10_000, `${COUNT} items (got ${items.length})`);
    const received = (await connection.invoke('Received')) as number[];

    // The cut came in the middle of both streams.
    assert.ok(cutAt && cutAt.received < COUNT && cutAt.serverSent < COUNT, JSON.stringify(cutAt));
    assert.deepEqual(items, range(COUNT), 'server to client: each once, in order');
    assert.deepEqual(received, range(COUNT), 'client to server: each once, in order');
    // The client resumed on a second socket with the same token; nothing else saw a reconnect.
    assert.equal(upgrades.length, 2);
    assert.equal(upgrades[1]!.id, upgrades[0]!.id);
    assert.equal(events.reconnecting, 0, 'onreconnecting must not fire');
    assert.deepEqual(events.reconnected, []);
    assert.deepEqual(events.closed, []);
    assert.equal(connection.connectionId, id);
    assert.equal(connection.state, signalr.HubConnectionState.Connected);
    assert.equal(connected.filter((c) => c === id).length, 1, 'OnConnected ran once');
    assert.ok(!disconnected.includes(id), 'OnDisconnected did not run');

    await connection.stop();
    await waitFor(() => disconnected.includes(id), 2_000, 'OnDisconnected after stop()');
    // stop() is a graceful end: the token is gone for good.
    const refused = await RawSocket.refusal(`${wsUrl(server.url)}/messagehub?id=${upgrades[0]!.id}`);
    assert.equal(refused.status, 404);
  });

  it('the same cut without stateful reconnect is a reconnect with a new connection id, not hidden', async () => {
    const { server, upgrades } = await start();
    const { connection, events } = officialClient(server, (b) => b.withAutomaticReconnect());
    const items: number[] = [];
    connection.on('Item', (n: number) => items.push(n));
    await connection.start();
    const id = connection.connectionId!;
    await server.lifetime.sendConnection(id, 'Item', [1]);
    await waitFor(() => items.length === 1, 2_000, 'the first item');

    cut(upgrades[0]);
    await waitFor(() => events.reconnected.length === 1, 5_000, 'onreconnected');
    assert.equal(events.reconnecting, 1, 'onreconnecting fired');
    assert.notEqual(connection.connectionId, id, 'a new connection');
    assert.equal(events.reconnected[0], connection.connectionId);
    await waitFor(() => disconnected.includes(id), 2_000, 'OnDisconnected for the old connection');
    // The old connection is gone: what is sent to it reaches nobody, and the new one starts from nothing.
    await server.lifetime.sendConnection(id, 'Item', [2]);
    assert.deepEqual(await connection.invoke('Received'), []);
    assert.deepEqual(items, [1]);
    await connection.stop();
  });

  it('the same cut without stateful or automatic reconnect closes the client with an error', async () => {
    const { server, upgrades } = await start();
    const { connection, events } = officialClient(server, (b) => b);
    await connection.start();
    cut(upgrades[0]);
    await waitFor(() => events.closed.length === 1, 5_000, 'onclose');
    assert.match(String(events.closed[0]), /WebSocket closed with status code: 1006/);
    assert.equal(events.reconnecting, 0);
  });

  it('a server that does not allow it: the client connects without it, and a cut is a reconnect', async () => {
    const { server, upgrades } = await start({ allowStatefulReconnects: false });
    const { connection, events } = officialClient(server, (b) => b.withStatefulReconnect().withAutomaticReconnect());
    await connection.start();
    const id = connection.connectionId;
    cut(upgrades[0]);
    await waitFor(() => events.reconnected.length === 1, 5_000, 'onreconnected');
    assert.equal(events.reconnecting, 1);
    assert.notEqual(connection.connectionId, id);
    await connection.stop();
  });

  it('a small replay buffer only slows the server down: a cut during a burst still loses and repeats nothing', async () => {
    const { server, upgrades } = await start({ statefulReconnectBufferSize: 1_000 });
    const { connection, events } = officialClient(server, (b) => b.withStatefulReconnect());
    const items: number[] = [];
    connection.on('Item', (n: number) => items.push(n));
    await connection.start();
    const id = connection.connectionId!;
    // About 4,000 bytes at once: most of it waits for the client's Acks (one a second).
    for (const n of range(100)) await server.lifetime.sendConnection(id, 'Item', [n]);
    await waitFor(() => items.length >= 30, 5_000, '30 items');
    assert.ok(items.length < 100, 'the buffer limit held the burst back');
    cut(upgrades[0]);
    await waitFor(() => items.length >= 100, 15_000, `100 items (got ${items.length})`);
    await delay(100);
    assert.deepEqual(items, range(100));
    assert.equal(upgrades.length, 2);
    assert.equal(events.reconnecting, 0);
    assert.deepEqual(events.closed, []);
    await connection.stop();
  });
});

describe('negotiate and handshake (A.3, C.1, E.1)', () => {
  it('answers useStatefulReconnect only when the client asks and the server allows, first in the field order', async () => {
    const { server } = await start();
    const asked = await http(`${server.url}/messagehub/negotiate${STATEFUL_QUERY}`, { method: 'POST' });
    assert.match(asked.text, /^\{"useStatefulReconnect":true,"negotiateVersion":1,"connectionId":"[^"]+","connectionToken":"[^"]+","availableTransports":\[/);
    // ASP.NET's bool.TryParse: any case, spaces around; any other value is false.
    for (const value of ['TRUE', '%20True%20']) {
      const res = await http(`${server.url}/messagehub/negotiate?negotiateVersion=1&UseStatefulReconnect=${value}`, { method: 'POST' });
      assert.match(res.text, /^\{"useStatefulReconnect":true,/, value);
    }
    for (const query of ['?negotiateVersion=1', '?negotiateVersion=1&useStatefulReconnect=false', '?negotiateVersion=1&useStatefulReconnect=1', '']) {
      const res = await http(`${server.url}/messagehub/negotiate${query}`, { method: 'POST' });
      assert.doesNotMatch(res.text, /useStatefulReconnect/i, query);
    }
    const { server: strict } = await start({ allowStatefulReconnects: false });
    const refused = await http(`${strict.url}/messagehub/negotiate${STATEFUL_QUERY}`, { method: 'POST' });
    assert.doesNotMatch(refused.text, /useStatefulReconnect/i);
  });

  it('checks the options', async () => {
    await assert.rejects(createHubServer({ port: 0, logger: silentLogger, statefulReconnectBufferSize: 0 }), /statefulReconnectBufferSize/);
    await assert.rejects(
      createHubServer({ port: 0, logger: silentLogger, allowStatefulReconnects: 'yes' as unknown as boolean }),
      /allowStatefulReconnects/,
    );
  });

  it('a version 1 handshake on a stateful connection turns it off: no Acks, and a cut ends the connection', async () => {
    const { server, upgrades } = await start({ disconnectTimeout: 5_000 });
    const { negotiated, url, socket } = await rawClient(server, 1);
    socket.send(recordCall(1));
    await sendItem(server, negotiated, 7);
    assert.equal(await nextRecord(socket), item(7));
    await delay(1_300);
    assert.deepEqual(socket.untaken.map((f) => f.data.toString()).filter((t) => t.includes('"type":8')), [], 'no Ack');
    cut(upgrades.find((u) => u.id === negotiated.token));
    await waitFor(() => disconnected.includes(negotiated.connectionId), 2_000, 'OnDisconnected at once');
    const refused = await RawSocket.refusal(url);
    assert.equal(refused.status, 404);
    assert.equal(refused.body, 'No Connection with that ID');
  });

  it('without stateful reconnect, a cut ends the connection at once', async () => {
    const { server, upgrades } = await start();
    const { negotiated, url } = await rawClient(server, 2, '?negotiateVersion=1');
    cut(upgrades.find((u) => u.id === negotiated.token));
    await waitFor(() => disconnected.includes(negotiated.connectionId), 2_000, 'OnDisconnected');
    assert.equal((await RawSocket.refusal(url)).status, 404);
  });
});

describe('Ack, Sequence and resume on the wire (E.2-E.7)', () => {
  it('acks what it received once a heartbeat, and only when there is something new', async () => {
    const { server } = await start();
    const { socket } = await rawClient(server);
    socket.send(recordCall(1) + recordCall(2));
    assert.equal(await nextRecord(socket, 2_500), '{"type":8,"sequenceId":2}');
    // Pings, Acks and Sequence are not numbered; nothing new, so no second Ack.
    socket.send(record('{"type":6}') + record('{"type":8,"sequenceId":0}'));
    await delay(1_300);
    assert.deepEqual(
      socket.untaken.map((f) => f.data.toString()).filter((t) => t.includes('"type":8')),
      [],
      'no Ack without news',
    );
    socket.send(recordCall(3));
    assert.equal(await nextRecord(socket, 2_500), '{"type":8,"sequenceId":3}');
    assert.deepEqual(await receivedOver(socket, 'r'), [1, 2, 3]);
  });

  it('resumes on a new socket with the same token: Sequence, then every unacked message in order, no handshake', async () => {
    const { server, upgrades } = await start();
    const { negotiated, url, socket } = await rawClient(server);
    for (const n of [1, 2, 3]) await sendItem(server, negotiated, n);
    assert.deepEqual(await records(socket, 3), [item(1), item(2), item(3)]);
    socket.send(recordCall(10) + recordCall(11));
    // The client has seen messages 1..3 but acknowledges only 1.
    socket.send(record('{"type":8,"sequenceId":1}'));
    await delay(50);
    cut(upgrades.find((u) => u.id === negotiated.token));
    await socket.expectClose();
    // Written while no socket is there: kept for the resume.
    await sendItem(server, negotiated, 4);

    const resumed = await RawSocket.open(url);
    // No handshake: Sequence first, then 2, 3 and 4.
    assert.deepEqual(await records(resumed, 4), ['{"type":9,"sequenceId":2}', item(2), item(3), item(4)]);
    // The client's own resend: it saw no Ack, so it replays from 1. 10 and 11 are duplicates, 12 is new.
    resumed.send(record('{"type":9,"sequenceId":1}') + recordCall(10) + recordCall(11) + recordCall(12));
    assert.deepEqual(await receivedOver(resumed, 'r'), [10, 11, 12]);
    assert.equal(connected.filter((c) => c === negotiated.connectionId).length, 1, 'OnConnected ran once');
    assert.ok(!disconnected.includes(negotiated.connectionId));

    // Everything acknowledged: the next resume's Sequence says where the numbering goes on, with nothing replayed.
    // (Server messages so far: 1-4 and the Completion of Received, 5.)
    resumed.send(record('{"type":8,"sequenceId":5}'));
    await delay(50);
    cut(upgrades.at(-1));
    const again = await RawSocket.open(url);
    assert.equal(await nextRecord(again), '{"type":9,"sequenceId":6}');
    await delay(200);
    assert.deepEqual(
      again.untaken.map((f) => f.data.toString()).filter((t) => !t.includes('"type":8') && !t.includes('"type":6')),
      [],
      'nothing replayed',
    );
    // The client has sent 4 messages (10, 11, 12 and the Received call), all acknowledged: it goes on at 5.
    again.send(record('{"type":9,"sequenceId":5}') + recordCall(13));
    assert.deepEqual(await receivedOver(again, 's'), [10, 11, 12, 13]);
  });

  it('a second socket may take over from one that still looks alive; the old one is dropped', async () => {
    const { server } = await start();
    const { negotiated, url, socket } = await rawClient(server);
    await sendItem(server, negotiated, 1);
    assert.equal(await nextRecord(socket), item(1));
    const second = await RawSocket.open(url);
    assert.deepEqual(await records(second, 2), ['{"type":9,"sequenceId":1}', item(1)]);
    assert.equal((await socket.expectClose()).code, 1006);
    await sendItem(server, negotiated, 2);
    assert.equal(await nextRecord(second), item(2));
  });

  it('a Sequence ahead of what was received is a protocol error with the exact text', async () => {
    const lines: string[] = [];
    const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const { server } = await start({ logger });
    const { negotiated, url, socket } = await rawClient(server);
    socket.send(recordCall(1));
    // One message received, so the next expected is 2; 2 is fine, 3 is not.
    socket.send(record('{"type":9,"sequenceId":2}'));
    socket.send(record('{"type":9,"sequenceId":3}'));
    assert.deepEqual(await records(socket, 1), [CLOSED_WITH_ERROR]);
    assert.equal((await socket.expectClose()).code, 1000);
    assert.ok(
      lines.some((line) => line.endsWith("Sequence ID greater than amount of messages we've received.")),
      lines.join('\n'),
    );
    await waitFor(() => disconnected.includes(negotiated.connectionId), 2_000, 'OnDisconnected');
    assert.equal((await RawSocket.refusal(url)).status, 404);
  });

  it('a graceful end is for good: a Close frame from the client, or a Close message', async () => {
    const { server } = await start();
    const byFrame = await rawClient(server);
    byFrame.socket.close(1000);
    await byFrame.socket.expectClose();
    await waitFor(() => disconnected.includes(byFrame.negotiated.connectionId), 2_000, 'OnDisconnected');
    assert.equal((await RawSocket.refusal(byFrame.url)).status, 404);

    const byMessage = await rawClient(server);
    byMessage.socket.send(record('{"type":7}'));
    assert.equal(await nextRecord(byMessage.socket), '{"type":7}');
    await byMessage.socket.expectClose();
    await waitFor(() => disconnected.includes(byMessage.negotiated.connectionId), 2_000, 'OnDisconnected');
    assert.equal((await RawSocket.refusal(byMessage.url)).status, 404);
  });
});

describe('the disconnect timeout (E.5, E.8)', () => {
  it('keeps a dropped connection and its groups for the timeout, then disposes it: Leave to the others, 404 to a resume', async () => {
    const disconnectTimeout = 600;
    const { server, upgrades } = await start({ disconnectTimeout }, MessageHub);
    const other = officialClient(server, (b) => b);
    const seen: string[] = [];
    other.connection.on('Join', (id: string) => seen.push(`Join ${id}`));
    other.connection.on('Leave', (id: string) => seen.push(`Leave ${id}`));
    other.connection.on('ReceiveOffer', (offer: string) => seen.push(`ReceiveOffer ${offer}`));
    await other.connection.start();
    await other.connection.invoke('Join', 'room');

    const { negotiated, url, socket } = await rawClient(server);
    socket.send(record('{"type":1,"invocationId":"0","target":"Join","arguments":["room"]}'));
    const joined = `{"type":3,"invocationId":"0","result":["${other.connection.connectionId}"]}`;
    assert.equal(await nextRecord(socket), joined);
    await waitFor(() => seen.length === 1, 2_000, 'Join');

    // Dropped, then resumed within the timeout: still in the room, and nobody heard of it.
    cut(upgrades.find((u) => u.id === negotiated.token));
    await socket.expectClose();
    await delay(disconnectTimeout / 2);
    const resumed = await RawSocket.open(url);
    // The Completion of Join was never acknowledged: it comes again.
    assert.deepEqual(await records(resumed, 2), ['{"type":9,"sequenceId":1}', joined]);
    resumed.send(record('{"type":9,"sequenceId":2}'));
    await other.connection.invoke('Offer', 'room', 'sdp');
    assert.deepEqual(
      await records(resumed, 1),
      ['{"type":1,"target":"ReceiveOffer","arguments":["sdp"]}'],
      'the resumed connection is still in the room',
    );

    // Dropped again and not resumed: Leave only once the timeout has passed.
    const droppedAt = Date.now();
    cut(upgrades.at(-1));
    await delay(disconnectTimeout / 2);
    assert.deepEqual(seen, [`Join ${negotiated.connectionId}`], 'no Leave within the timeout');
    await waitFor(() => seen.length === 2, disconnectTimeout + 2_000, 'Leave');
    assert.ok(Date.now() - droppedAt >= disconnectTimeout, `Leave after ${Date.now() - droppedAt} ms`);
    assert.equal(seen[1], `Leave ${negotiated.connectionId}`);
    const refused = await RawSocket.refusal(url);
    assert.equal(refused.status, 404);
    assert.equal(refused.body, 'No Connection with that ID');
    await other.connection.stop();
  });
});

describe('the replay buffer limit (E.4)', () => {
  /** How many messages of these sizes go out before one finds more than `limit` bytes unacknowledged. */
  function sentBeforeLimit(sizes: number[], limit: number): number {
    let buffered = 0;
    let count = 0;
    for (const size of sizes) {
      if (buffered > limit) break;
      buffered += size;
      count++;
    }
    return count;
  }

  it('holds back writes past the limit until an Ack makes room, then sends them in order', async () => {
    const limit = 300;
    const { server } = await start({ statefulReconnectBufferSize: limit });
    const { negotiated, socket } = await rawClient(server);
    const sizes = range(20, 1).map((n) => Buffer.byteLength(record(item(n))));
    for (const n of range(20, 1)) await sendItem(server, negotiated, n);
    const first = sentBeforeLimit(sizes, limit);
    assert.ok(first > 1 && first < 20);
    assert.deepEqual(await records(socket, first), range(first, 1).map(item));
    await delay(300);
    assert.deepEqual(socket.untaken, [], 'nothing past the limit before an Ack');

    // Ack the first three: room for as many as fit again.
    socket.send(record('{"type":8,"sequenceId":3}'));
    const second = 3 + sentBeforeLimit(sizes.slice(3), limit) - first;
    assert.ok(second > 0);
    assert.deepEqual(await records(socket, second), range(second, first + 1).map(item));
    await delay(200);
    assert.deepEqual(socket.untaken, []);

    // Ack whatever has arrived, again and again: the rest goes out, still in order.
    const got = [...range(first + second, 1).map(item)];
    while (got.length < 20) {
      socket.send(record(`{"type":8,"sequenceId":${got.length}}`));
      got.push(...(await records(socket, 1)));
      while (socket.untaken.length > 0 && got.length < 20) got.push(...(await records(socket, 1)));
    }
    assert.deepEqual(got, range(20, 1).map(item));
  });

  it('closes a client that acknowledges nothing for the disconnect timeout while writes wait', async () => {
    const disconnectTimeout = 800;
    const { server } = await start({ statefulReconnectBufferSize: 100, disconnectTimeout });
    const { negotiated, url, socket } = await rawClient(server);
    const startedAt = Date.now();
    for (const n of range(10, 1)) await sendItem(server, negotiated, n);
    const close = await (async () => {
      for (;;) {
        const next = await nextRecord(socket, disconnectTimeout + 2_000);
        if (next.startsWith('{"type":7')) return next;
      }
    })();
    assert.equal(close, CLOSED_WITH_ERROR);
    assert.ok(Date.now() - startedAt >= disconnectTimeout, `closed after ${Date.now() - startedAt} ms`);
    await socket.expectClose();
    assert.equal((await RawSocket.refusal(url)).status, 404);
  });

  it('a client that keeps acknowledging is never closed, however long the queue waits', async () => {
    const disconnectTimeout = 500;
    const { server } = await start({ statefulReconnectBufferSize: 100, disconnectTimeout });
    const { negotiated, socket } = await rawClient(server);
    for (const n of range(20, 1)) await sendItem(server, negotiated, n);
    // Acks slowly, one message at a time: the whole queue takes much longer than the timeout, but moves.
    const got: string[] = [];
    for (let acked = 0; got.length < 20; ) {
      const next = await nextRecord(socket, 2_000);
      if (next.startsWith('{"type":8,')) continue;
      assert.notEqual(next, CLOSED_WITH_ERROR);
      got.push(next);
      await delay(50);
      socket.send(record(`{"type":8,"sequenceId":${++acked}}`));
    }
    assert.deepEqual(got, range(20, 1).map(item));
  });

  it('closes the connection when the queue outgrows ten times the limit', async () => {
    const { server } = await start({ statefulReconnectBufferSize: 100 });
    const { negotiated, url, socket } = await rawClient(server);
    for (const n of range(40, 1)) await sendItem(server, negotiated, n);
    for (;;) {
      const next = await nextRecord(socket);
      if (next.startsWith('{"type":7')) {
        assert.equal(next, CLOSED_WITH_ERROR);
        break;
      }
    }
    await socket.expectClose();
    assert.equal((await RawSocket.refusal(url)).status, 404);
  });
});
