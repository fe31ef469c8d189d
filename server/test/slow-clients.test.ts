// Clients that cost the hub memory without doing anything wrong on the wire (issue 13, item 9): negotiate floods
// that never connect, a long poller that stops polling, an SSE stream nobody reads, and a WebSocket reader too
// slow for a busy channel. Each is bounded: by the disconnect timeout, or by the transport's buffer limit
// (transportMaxBufferSize, and 16 times it at once), and the other members of the channel lose nothing.
import * as signalr from '@microsoft/signalr';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createConnection } from 'node:net';
import { describe, it } from 'node:test';
import type { HubServer } from '../src/index.js';
import type { TransportSink } from '../src/transport/http-connection.js';
import { RawSocket, handshakeRequest, http, negotiate, record, wsUrl } from './helpers/raw.js';
import { heldHeap as heap, openConnection, testHandler, testServers } from './helpers/servers.js';

const start = testServers();

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** An official WebSocket client with everything it receives as SignalWebRtc, and the ids it hears Leave. */
async function member(server: HubServer, channel: string) {
  const connection = new signalr.HubConnectionBuilder()
    .withUrl(`${server.url}/messagehub`, { transport: signalr.HttpTransportType.WebSockets })
    .configureLogging(signalr.LogLevel.None)
    .build();
  const payloads: string[] = [];
  const left: string[] = [];
  const joined: string[] = [];
  connection.on('SignalWebRtc', (_c: string, _t: string, payload: string) => payloads.push(payload));
  connection.on('Leave', (id: string) => left.push(id));
  connection.on('Join', (id: string) => joined.push(id));
  await connection.start();
  await connection.invoke('Join', channel);
  return { connection, payloads, left, joined, id: connection.connectionId! };
}

/** An SDP-sized payload, numbered. */
const sdp = (n: number) => `${n}:${'v=0 a=candidate 192.0.2.1 '.repeat(160)}`;

/**
 * Sends SDP-sized signals, 20 at a time, until the slow client was dropped (the peers heard Leave) and 50 more,
 * or `max` in all. Returns how many were sent.
 */
async function flood(sender: Awaited<ReturnType<typeof member>>, channel: string, dropped: () => boolean, max: number): Promise<number> {
  let sent = 0;
  let extra = 0;
  while (sent < max && extra < 50) {
    await Promise.all(Array.from({ length: 20 }, () => sender.connection.invoke('SignalWebRtc', channel, 'offer', sdp(sent++))));
    if (dropped()) extra += 20;
  }
  return sent;
}

describe('a negotiate flood that never connects', () => {
  it('holds a bounded amount per negotiated connection, and all of it goes after the disconnect timeout', async () => {
    const disconnectTimeout = 5_000;
    const server = await start({ disconnectTimeout });
    const COUNT = 2_000;
    // A raw request on its own TCP connection: a client that keeps nothing on this process's heap, so that what
    // is measured is the server's.
    const REQUEST = 'POST /messagehub/negotiate?negotiateVersion=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';
    const negotiateOnce = () =>
      new Promise<void>((resolve, reject) => {
        let answer = '';
        const socket = createConnection(server.port, '127.0.0.1', () => socket.end(REQUEST));
        socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
        socket.on('close', () => (answer.startsWith('HTTP/1.1 200') ? resolve() : reject(new Error(answer.slice(0, 80)))));
        socket.on('error', reject);
      });
    // Warm up, so that compiled code and pools are not counted.
    for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: 100 }, negotiateOnce));
    await until('the warm-up connections are disposed', () => server.httpConnectionCount === 0, disconnectTimeout + 3_000);
    const baseline = heap();
    for (let i = 0; i < COUNT; i += 100) {
      await Promise.all(Array.from({ length: 100 }, negotiateOnce));
    }
    // All of them, unless the machine was so slow that the first ones expired already.
    const held = server.httpConnectionCount;
    assert.ok(held > COUNT / 2 && held <= COUNT, `${held} held`);
    const perConnection = (heap() - baseline) / held;
    // The ceiling for an attacker: negotiates per second x the disconnect timeout (15 s) x this.
    // About 350 bytes on this machine: a flood of 1,000 negotiates a second holds about 5 MB (docs/security.md).
    assert.ok(perConnection < 1_024, `${Math.round(perConnection)} bytes per negotiated connection`);
    await until('every negotiated connection is disposed', () => server.httpConnectionCount === 0, disconnectTimeout + 3_000);
    const afterFirst = heap();
    assert.ok(afterFirst - baseline < 1024 * 1024, `${afterFirst - baseline} bytes left after the flood expired`);
    // A second flood leaves nothing more behind: what stayed was the tables' room, not the connections.
    for (let i = 0; i < COUNT; i += 100) await Promise.all(Array.from({ length: 100 }, negotiateOnce));
    await until('the second flood is disposed', () => server.httpConnectionCount === 0, disconnectTimeout + 3_000);
    const more = heap() - afterFirst;
    assert.ok(more < 256 * 1024, `${more} bytes more after a second flood`);
    // Still serving.
    assert.equal((await http(`${server.url}/messagehub/negotiate?negotiateVersion=1`, { method: 'POST' })).status, 200);
  });
});

describe('a client that does not read', () => {
  it('a WebSocket too slow for a busy channel is dropped, the hub holds no more than its limit for it, and the others lose nothing', async () => {
    const server = await start({ maxInvocationsPerSecond: 0 });
    const [sender, reader1, reader2] = [await member(server, 'busy'), await member(server, 'busy'), await member(server, 'busy')];
    // The slow one joins, then stops reading: its TCP socket is paused, so the kernel buffers fill and then
    // the hub's own.
    const slow = await RawSocket.connect(`${wsUrl(server.url)}/messagehub`);
    const heard = sender.joined.length;
    slow.send(record('{"type":1,"invocationId":"0","target":"Join","arguments":["busy"]}'));
    await until('the slow client joined', () => sender.joined.length > heard, 5_000);
    const slowId = sender.joined.at(-1)!;
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const before = heap();
    const dropped = () => reader1.left.includes(slowId) && reader2.left.includes(slowId);
    const sent = await flood(sender, 'busy', dropped, 20_000);
    await until('the slow reader is dropped and its peers told', dropped, 10_000);
    const grown = heap() - before;
    // 1 MiB for the slow socket's queue at most, and what the flood itself costs in flight.
    assert.ok(grown < 16 * 1024 * 1024, `the heap grew by ${grown} bytes`);
    await until('both readers got every signal', () => reader1.payloads.length === sent && reader2.payloads.length === sent, 10_000);
    for (const reader of [reader1, reader2]) {
      assert.deepEqual(reader.payloads.map((p) => Number(p.slice(0, p.indexOf(':')))), Array.from({ length: sent }, (_, i) => i), 'in order, none lost');
    }
    slow.terminate();
    await Promise.all([sender, reader1, reader2].map((m) => m.connection.stop()));
  });

  it('an SSE stream nobody reads is dropped past the limit; the channel goes on', async () => {
    const server = await start({ maxInvocationsPerSecond: 0 });
    const [sender, reader] = [await member(server, 'sse-busy'), await member(server, 'sse-busy')];
    const { token, connectionId } = await negotiate(server.url);
    const url = `${server.url}/messagehub?id=${token}`;
    // The stream's response is never read after its first bytes: its socket is paused.
    const opened = new Promise<void>((resolve) => {
      const req = request(url, { headers: { Accept: 'text/event-stream' }, agent: false }, (res) => {
        res.once('data', () => {
          res.pause();
          res.socket.pause();
          resolve();
        });
      });
      req.on('error', () => {});
      req.end();
    });
    await opened;
    assert.equal((await http(url, { method: 'POST', body: handshakeRequest() })).status, 200);
    assert.equal((await http(url, { method: 'POST', body: record('{"type":1,"target":"Join","arguments":["sse-busy"]}') })).status, 200);
    await until('the SSE client joined', () => reader.joined.includes(connectionId), 5_000);
    const dropped = () => reader.left.includes(connectionId);
    const sent = await flood(sender, 'sse-busy', dropped, 20_000);
    await until('the SSE client is dropped', dropped, 10_000);
    await until('the reader got every signal', () => reader.payloads.length === sent, 10_000);
    await Promise.all([sender, reader].map((m) => m.connection.stop()));
  });

  it('a long poller that stops polling is dropped past the limit, before its disconnect timeout', async () => {
    const server = await start({ maxInvocationsPerSecond: 0, disconnectTimeout: 60_000 });
    const [sender, reader] = [await member(server, 'lp-busy'), await member(server, 'lp-busy')];
    const { token, connectionId } = await negotiate(server.url);
    const url = `${server.url}/messagehub?id=${token}`;
    assert.equal((await http(url)).status, 200);
    assert.equal((await http(url, { method: 'POST', body: handshakeRequest() })).status, 200);
    assert.equal((await http(url, { method: 'POST', body: record('{"type":1,"target":"Join","arguments":["lp-busy"]}') })).status, 200);
    // It never polls again.
    const dropped = () => reader.left.includes(connectionId);
    const sent = await flood(sender, 'lp-busy', dropped, 5_000);
    await until('the long poller is dropped', dropped, 10_000);
    assert.ok(sent < 5_000, 'dropped by the limit, not after everything was sent');
    assert.equal((await http(`${url}&_=1`)).status, 404, 'the connection is gone');
    await until('the reader got every signal', () => reader.payloads.length === sent, 10_000);
    await Promise.all([sender, reader].map((m) => m.connection.stop()));
  });
});

describe('the send timeout (ASP.NET TransportSendTimeout), on the connection handler', () => {
  /** A transport whose client reads nothing: its unsent bytes are whatever the test says. */
  class Stuck implements TransportSink {
    buffered = 0;
    destroyed = false;
    send(): void {}
    end(): void {}
    destroy(): void {
      this.destroyed = true;
    }
    bufferedBytes(): number {
      return this.buffered;
    }
  }

  it('a connection above transportMaxBufferSize for transportSendTimeout is dropped; one that drains in time is not', () => {
    // The defaults: 64 KB for 10 s.
    const { handler } = testHandler();
    const open = (id: string) => {
      const transport = new Stuck();
      const connection = openConnection(handler, () => transport, id);
      connection.receive(new TextEncoder().encode(handshakeRequest()));
      return { connection, transport };
    };
    const stuck = open('stuck');
    const draining = open('draining');
    const t0 = Date.now();
    stuck.transport.buffered = 70_000;
    draining.transport.buffered = 70_000;
    handler.tick(t0);
    handler.tick(t0 + 9_000);
    draining.transport.buffered = 1_000; // it read
    handler.tick(t0 + 9_500);
    assert.equal(stuck.connection.status, 'active', 'not before the timeout');
    draining.transport.buffered = 70_000; // behind again: the clock starts afresh
    handler.tick(t0 + 10_000);
    assert.equal(stuck.connection.status, 'disposed', 'dropped at the timeout');
    assert.equal(stuck.transport.destroyed, true);
    assert.equal(draining.connection.status, 'active');
    handler.tick(t0 + 19_000);
    assert.equal(draining.connection.status, 'active');
    handler.tick(t0 + 20_000);
    assert.equal(draining.connection.status, 'disposed');
  });
});
