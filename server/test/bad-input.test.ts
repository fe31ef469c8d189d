// Bad input at the raw protocol level (signalr-wire.md C.1, C.3, C.4, D): each case gets ASP.NET's exact answer,
// and a healthy official-client connection, in a channel with a third client, keeps working throughout
// (product.md section 3: bad input "never crashes the server or touches other connections").
import * as signalr from '@microsoft/signalr';
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createHubServer, silentLogger, type HubServer } from '../src/index.js';
import {
  HttpStream,
  RS,
  RawSocket,
  handshakeRequest,
  http,
  isPing,
  msgpackFrame,
  negotiate,
  pseudoRandomBytes,
  record,
  records,
  wsUrl,
} from './helpers/raw.js';

const CLOSED_WITH_ERROR = '{"type":7,"error":"Connection closed with an error.","allowReconnect":true}';
/** The same Close in MessagePack: [7, "Connection closed with an error.", true]. */
const CLOSED_WITH_ERROR_MSGPACK = [...msgpackFrame([7, 'Connection closed with an error.', true])];
const HANDSHAKE_UNEXPECTED = '{"error":"An unexpected error occurred during connection handshake."}';
const HANDSHAKE_CANCELED = '{"error":"Handshake was canceled."}';
const OFFER = JSON.stringify({ type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' });
const ANSWER = JSON.stringify({ type: 'answer', sdp: 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\n' });

// The healthy channel ------------------------------------------------------------------------------

interface Healthy {
  channel: string;
  /** A signals B and B answers A, through the hub; fails if either client closed. */
  roundTrip(): Promise<void>;
  /** Everything B received as SignalWebRtc, to check that nothing stray arrived. */
  receivedByB(): unknown[][];
  stop(): Promise<void>;
}

let healthyCount = 0;

/**
 * Two @microsoft/signalr clients over WebSockets, joined to one channel. `keepAliveMs` is the clients' own
 * ping interval: shorter than the server's client timeout where that is short.
 */
async function healthyChannel(url: string, keepAliveMs = 15_000): Promise<Healthy> {
  const channel = `healthy-${++healthyCount}`;
  const build = () => {
    const connection = new signalr.HubConnectionBuilder()
      .withUrl(`${url}/messagehub`, { transport: signalr.HttpTransportType.WebSockets })
      .configureLogging(signalr.LogLevel.None)
      .build();
    connection.keepAliveIntervalInMilliseconds = keepAliveMs;
    const received: unknown[][] = [];
    const waiters: Array<() => void> = [];
    let closed: Error | undefined | null = null;
    connection.on('SignalWebRtc', (...args: unknown[]) => {
      received.push(args);
      for (const wake of waiters.splice(0)) wake();
    });
    connection.on('Join', () => {});
    connection.on('Leave', () => {});
    connection.onclose((error) => {
      closed = error;
      for (const wake of waiters.splice(0)) wake();
    });
    let taken = 0;
    const next = (): Promise<unknown[]> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('The healthy client received no SignalWebRtc within 2 s.')), 2_000);
        const take = () => {
          if (closed !== null) {
            clearTimeout(timer);
            reject(new Error(`The healthy client closed: ${String(closed)}`));
          } else if (taken < received.length) {
            clearTimeout(timer);
            resolve(received[taken++]!);
          } else {
            waiters.push(take);
          }
        };
        take();
      });
    return { connection, received, next, isClosed: () => closed !== null };
  };
  const a = build();
  const b = build();
  await Promise.all([a.connection.start(), b.connection.start()]);
  await a.connection.invoke('Join', channel);
  await b.connection.invoke('Join', channel);
  return {
    channel,
    async roundTrip() {
      assert.equal(a.isClosed() || b.isClosed(), false, 'a healthy client closed');
      const gotOffer = b.next();
      await a.connection.invoke('SignalWebRtc', channel, 'offer', OFFER);
      assert.deepEqual(await gotOffer, [channel, 'offer', OFFER]);
      const gotAnswer = a.next();
      await b.connection.invoke('SignalWebRtc', channel, 'answer', ANSWER);
      assert.deepEqual(await gotAnswer, [channel, 'answer', ANSWER]);
      assert.equal(a.connection.state, signalr.HubConnectionState.Connected);
      assert.equal(b.connection.state, signalr.HubConnectionState.Connected);
    },
    receivedByB: () => b.received,
    async stop() {
      await Promise.all([a.connection.stop(), b.connection.stop()]);
    },
  };
}

// Small raw-socket steps ----------------------------------------------------------------------------

/** Expects the server's error Close and then a clean WebSocket close (D.2). */
async function expectClosedWithError(socket: RawSocket): Promise<void> {
  assert.equal(await socket.nextRecord(), CLOSED_WITH_ERROR);
  assert.equal((await socket.expectClose()).code, 1000);
  assert.deepEqual(socket.untaken, [], 'nothing after the Close');
}

/** Expects a handshake error answer in a Text frame, then a clean WebSocket close (C.1). */
async function expectHandshakeError(socket: RawSocket, answer: string): Promise<void> {
  const frame = await socket.nextFrame();
  assert.equal(frame.binary, false, 'handshake answers before a protocol is chosen are Text');
  assert.equal(frame.data.toString('utf8'), record(answer));
  assert.equal((await socket.expectClose()).code, 1000);
  assert.deepEqual(socket.untaken, []);
}

/** An invocation whose answer proves the connection is alive and that nothing came before it. */
async function expectAlive(socket: RawSocket, id = 'alive'): Promise<void> {
  socket.send(record(`{"type":1,"invocationId":"${id}","target":"Join","arguments":["raw-${id}"]}`));
  assert.equal(await socket.nextRecord(), `{"type":3,"invocationId":"${id}","result":[]}`);
}

// The tests -----------------------------------------------------------------------------------------

describe('bad input, with default limits', () => {
  let hub: HubServer;
  let healthy: Healthy;
  let ws: string;
  const sockets: RawSocket[] = [];
  /** Opens a raw socket that the test's cleanup terminates if the test leaves it open. */
  const open = async (query = '') => {
    const socket = await RawSocket.open(`${ws}${query}`);
    sockets.push(socket);
    return socket;
  };
  const connect = async (protocol: 'json' | 'messagepack' = 'json') => {
    const socket = await RawSocket.connect(ws, protocol);
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    hub = await createHubServer({ port: 0, logger: silentLogger });
    ws = `${wsUrl(hub.url)}/messagehub`;
    healthy = await healthyChannel(hub.url);
  });
  afterEach(async () => {
    // Every case ends with the healthy channel still working.
    await healthy.roundTrip();
    for (const socket of sockets.splice(0)) socket.terminate();
  });
  after(async () => {
    await healthy.stop();
    await hub.close();
  });

  describe('handshake (C.1)', () => {
    it('a malformed handshake gets the unexpected-error answer, then close 1000', async () => {
      const socket = await open();
      socket.send('{"protocol":' + RS);
      await expectHandshakeError(socket, HANDSHAKE_UNEXPECTED);
    });

    it('a handshake missing version, or protocol, or not an object, gets the same answer', async () => {
      for (const request of ['{"protocol":"json"}', '{"version":1}', '[]', '"json"', '{"protocol":1,"version":1}', '{"protocol":"json","version":"1"}']) {
        const socket = await open();
        socket.send(record(request));
        await expectHandshakeError(socket, HANDSHAKE_UNEXPECTED);
        await healthy.roundTrip();
      }
    });

    it("an unknown protocol gets `The protocol 'foo' is not supported.`", async () => {
      const socket = await open();
      socket.send(handshakeRequest('foo'));
      await expectHandshakeError(socket, `{"error":"The protocol 'foo' is not supported."}`);
    });

    it('an unsupported version gets `The server does not support version 3 of the ... protocol.`', async () => {
      const json = await open();
      json.send(handshakeRequest('json', 3));
      await expectHandshakeError(json, `{"error":"The server does not support version 3 of the 'json' protocol."}`);
      const msgpack = await open();
      msgpack.send(handshakeRequest('messagepack', 3));
      await expectHandshakeError(msgpack, `{"error":"The server does not support version 3 of the 'messagepack' protocol."}`);
    });

    it('MessagePack over Server-Sent Events gets the transfer-format error, and the stream ends', async () => {
      const { token } = await negotiate(hub.url);
      const url = `${hub.url}/messagehub?id=${token}`;
      const stream = new HttpStream(url, { headers: { Accept: 'text/event-stream' } });
      try {
        await stream.opened;
        assert.equal(stream.status, 200);
        assert.equal((await http(url, { method: 'POST', body: handshakeRequest('messagepack') })).status, 200);
        const error =
          "Cannot use the 'messagepack' protocol on the current transport. The transport does not support 'Binary' transfer format.";
        assert.equal(await stream.body(), `:\r\ndata: {"error":"${error}"}${RS}\r\n\r\n`);
      } finally {
        stream.abort();
      }
      const after = await http(url, { method: 'POST', body: handshakeRequest('json') });
      assert.equal(after.status, 404);
      assert.equal(after.text, 'No Connection with that ID');
    });

    it('a handshake of more than 32 KB with no 0x1E gets `Handshake was canceled.`', async () => {
      const socket = await open();
      socket.send('{"protocol":"json","version":1,"padding":"' + 'x'.repeat(33 * 1024));
      await expectHandshakeError(socket, HANDSHAKE_CANCELED);
    });

    it('a handshake whose 0x1E comes after the first 32 KB is cut off the same way, valid JSON or not', async () => {
      // ASP.NET parses only the first MaximumReceiveMessageSize bytes, so it never sees the separator (D.2).
      const valid = await open();
      valid.send(record('{"protocol":"json","version":1,"padding":"' + 'x'.repeat(33 * 1024) + '"}'));
      await expectHandshakeError(valid, HANDSHAKE_CANCELED);
      const broken = await open();
      broken.send(record('{"protocol":"json","version":1,"padding":' + 'x'.repeat(33 * 1024)));
      await expectHandshakeError(broken, HANDSHAKE_CANCELED);
    });

    it('a handshake sent in pieces, bytes at a time, still works', async () => {
      const socket = await open();
      for (const char of handshakeRequest('json')) socket.send(char);
      assert.equal(await socket.nextRecord(), '{}');
      await expectAlive(socket);
      socket.close();
    });
  });

  describe('messages (C.3, C.4, D.2)', () => {
    it('a 40 KB message gets Close with an error, then close 1000', async () => {
      const socket = await connect();
      const payload = 'x'.repeat(40 * 1024);
      socket.send(record(`{"type":1,"invocationId":"0","target":"SignalWebRtc","arguments":["${healthy.channel}","offer","${payload}"]}`));
      await expectClosedWithError(socket);
      // Nothing of it reached the channel.
      assert.ok(healthy.receivedByB().every(([, , got]) => got !== payload));
    });

    it('a message of exactly 32 768 bytes with its 0x1E is accepted; one byte more is not', async () => {
      const build = (size: number) => {
        const head = '{"type":1,"invocationId":"0","target":"Join","arguments":["limit"],"pad":"';
        const tail = '"}' + RS;
        return head + 'x'.repeat(size - head.length - tail.length) + tail;
      };
      assert.equal(Buffer.byteLength(build(32 * 1024)), 32 * 1024);
      const fits = await connect();
      fits.send(build(32 * 1024));
      assert.equal(await fits.nextRecord(), '{"type":3,"invocationId":"0","result":[]}');
      const over = await connect();
      over.send(build(32 * 1024 + 1));
      await expectClosedWithError(over);
    });

    it('a 40 KB MessagePack message gets the MessagePack Close with an error', async () => {
      const socket = await connect('messagepack');
      socket.send(msgpackFrame([1, {}, '0', 'SignalWebRtc', [healthy.channel, 'offer', 'x'.repeat(40 * 1024)], []]));
      const close = await socket.nextFrame();
      assert.equal(close.binary, true);
      assert.deepEqual([...close.data], CLOSED_WITH_ERROR_MSGPACK);
      assert.equal((await socket.expectClose()).code, 1000);
    });

    it('random bytes after a good JSON handshake get Close with an error', async () => {
      const socket = await connect();
      // In a Binary frame: a Text frame must hold valid UTF-8, and the hub reads both kinds alike (B.3).
      socket.send(Buffer.concat([pseudoRandomBytes(256), Buffer.of(0x1e)]));
      await expectClosedWithError(socket);
    });

    it('random bytes after a good MessagePack handshake get Close with an error', async () => {
      const socket = await connect('messagepack');
      const garbage = pseudoRandomBytes(100, 7);
      socket.send(Buffer.concat([Buffer.of(garbage.length), garbage]));
      const close = await socket.nextFrame();
      assert.equal(close.binary, true);
      assert.deepEqual([...close.data], CLOSED_WITH_ERROR_MSGPACK);
      assert.equal((await socket.expectClose()).code, 1000);
    });

    it('a length prefix longer than 5 bytes gets Close with an error', async () => {
      const socket = await connect('messagepack');
      socket.send(Buffer.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
      const close = await socket.nextFrame();
      assert.deepEqual([...close.data], CLOSED_WITH_ERROR_MSGPACK);
      assert.equal((await socket.expectClose()).code, 1000);
    });

    it('invalid JSON gets Close with an error', async () => {
      const socket = await connect();
      socket.send(record('{"type":1,"invocationId":"0",'));
      await expectClosedWithError(socket);
    });

    it('an Invocation without arguments gets Close with an error', async () => {
      const socket = await connect();
      socket.send(record('{"type":1,"invocationId":"0","target":"Join"}'));
      await expectClosedWithError(socket);
    });

    it('a Completion with both result and error gets Close with an error', async () => {
      const socket = await connect();
      socket.send(record('{"type":3,"invocationId":"0","result":1,"error":"no"}'));
      await expectClosedWithError(socket);
    });

    it('each other protocol error of C.4 gets Close with an error', async () => {
      for (const message of [
        '{}',
        '[1]',
        '{"type":"1","target":"Join","arguments":["a"]}',
        '{"type":1,"arguments":["a"]}',
        '{"type":1,"target":"Join","arguments":"a"}',
        '{"type":2,"item":1}',
        '{"type":2,"invocationId":"0"}',
        '{"type":3}',
        '{"type":4,"target":"Join","arguments":["a"]}',
        '{"type":5}',
        '{"type":8}',
        '{"type":1,"target":"Join","arguments":["a"],"headers":{"a":1}}',
      ]) {
        const socket = await connect();
        socket.send(record(message));
        await expectClosedWithError(socket).catch((error: Error) => {
          throw new Error(`${message}: ${error.message}`);
        });
        await healthy.roundTrip();
      }
    });

    it("an unknown method gets `Failed to invoke 'X' ... HubException: Method does not exist.`", async () => {
      const socket = await connect();
      socket.send(record('{"type":1,"invocationId":"0","target":"X","arguments":[]}'));
      assert.equal(
        await socket.nextRecord(),
        `{"type":3,"invocationId":"0","error":"Failed to invoke 'X' due to an error on the server. HubException: Method does not exist."}`,
      );
      await expectAlive(socket);
    });

    it("a wrong argument count or type gets `Failed to invoke 'Join' due to an error on the server.`", async () => {
      const socket = await connect();
      const error = `"error":"Failed to invoke 'Join' due to an error on the server."`;
      socket.send(
        records(
          '{"type":1,"invocationId":"0","target":"Join","arguments":[]}',
          '{"type":1,"invocationId":"1","target":"Join","arguments":["a","b"]}',
          '{"type":1,"invocationId":"2","target":"Join","arguments":[42]}',
          '{"type":1,"invocationId":"3","target":"Join","arguments":[{"a":1}]}',
        ),
      );
      for (const id of ['0', '1', '2', '3']) assert.equal(await socket.nextRecord(), `{"type":3,"invocationId":"${id}",${error}}`);
      await expectAlive(socket);
    });

    it('send() (no invocationId) of an unknown method, or a failing one, gets no reply at all', async () => {
      const socket = await connect();
      socket.send(
        records(
          '{"type":1,"target":"X","arguments":[]}',
          '{"type":1,"target":"Join","arguments":[42]}',
          `{"type":1,"target":"SignalWebRtc","arguments":["not-joined","offer","x"]}`,
          '{"type":1,"invocationId":"","target":"X","arguments":[]}',
        ),
      );
      // The next thing the server writes is the answer to this, so nothing came before it.
      await expectAlive(socket);
      assert.deepEqual(socket.untaken, []);
    });

    it('a signal from a non-member gets the HubException text, and nothing reaches the channel', async () => {
      const socket = await connect();
      const before = healthy.receivedByB().length;
      socket.send(records(`{"type":1,"invocationId":"0","target":"SignalWebRtc","arguments":["${healthy.channel}","offer","intruder"]}`));
      assert.equal(
        await socket.nextRecord(),
        `{"type":3,"invocationId":"0","error":"An unexpected error occurred invoking 'SignalWebRtc' on the server. HubException: Join the channel '${healthy.channel}' before signaling to it."}`,
      );
      for (const [method, args] of [
        ['Offer', [healthy.channel, 'intruder']],
        ['Answer', [healthy.channel, 'intruder']],
        ['Candidate', [healthy.channel, 'intruder']],
      ] as const) {
        socket.send(record(JSON.stringify({ type: 1, invocationId: method, target: method, arguments: args })));
        assert.equal(
          await socket.nextRecord(),
          `{"type":3,"invocationId":"${method}","error":"An unexpected error occurred invoking '${method}' on the server. HubException: Join the channel '${healthy.channel}' before signaling to it."}`,
        );
      }
      await healthy.roundTrip();
      assert.ok(
        healthy.receivedByB().slice(before).every(([, , payload]) => payload !== 'intruder'),
        'the intruder reached the channel',
      );
    });

    it('an unknown connection id gets 404 on POST, poll, SSE and WebSocket', async () => {
      const url = `${hub.url}/messagehub?id=unknown-connection-token`;
      for (const res of [
        await http(url, { method: 'POST', body: handshakeRequest('json') }),
        await http(url),
        await http(url, { headers: { Accept: 'text/event-stream' } }),
      ]) {
        assert.equal(res.status, 404);
        assert.equal(res.text, 'No Connection with that ID');
      }
      const refused = await RawSocket.refusal(`${ws}?id=unknown-connection-token`);
      assert.equal(refused.status, 404);
      assert.equal(refused.body, 'No Connection with that ID');
    });

    it('an unknown message type is skipped and the connection continues', async () => {
      const socket = await connect();
      socket.send(records('{"type":99}', '{"type":99,"anything":[1,{"b":null}]}', '{"type":0}'));
      await expectAlive(socket);
      const msgpack = await connect('messagepack');
      msgpack.send(Buffer.concat([msgpackFrame([99]), msgpackFrame([99, {}, 'x']), msgpackFrame([1, {}, '0', 'Join', ['mp'], []])]));
      const completion = await msgpack.nextFrame();
      assert.deepEqual([...completion.data], [...msgpackFrame([3, {}, '0', 3, []])]);
    });

    it('a StreamInvocation of a MessageHub method gets the non-streaming error, and the connection continues', async () => {
      const socket = await connect();
      socket.send(record('{"type":4,"invocationId":"0","target":"Join","arguments":["a"]}'));
      assert.equal(
        await socket.nextRecord(),
        `{"type":3,"invocationId":"0","error":"The client attempted to invoke the non-streaming 'Join' method with a streaming invocation."}`,
      );
      await expectAlive(socket);
    });

    it('messages that parse but mean nothing here (StreamItem, Completion, Cancel, Ack, Sequence) are ignored', async () => {
      const socket = await connect();
      socket.send(
        records(
          '{"type":2,"invocationId":"9","item":null}',
          '{"type":3,"invocationId":"9","result":1}',
          '{"type":5,"invocationId":"9"}',
          '{"type":8,"sequenceId":1}',
          '{"type":9,"sequenceId":1}',
        ),
      );
      await expectAlive(socket);
      assert.deepEqual(socket.untaken, []);
    });

    it('a client Close `{"type":7}` gets `{"type":7}` back and the connection closes', async () => {
      const socket = await connect();
      socket.send(record('{"type":7}'));
      assert.equal(await socket.nextRecord(), '{"type":7}');
      assert.equal((await socket.expectClose()).code, 1000);
      // Also with an error and allowReconnect in it, and followed by more messages in the same frame.
      const other = await connect();
      other.send(records('{"type":7,"error":"client side","allowReconnect":true}', '{"type":1,"invocationId":"0","target":"Join","arguments":["x"]}'));
      assert.equal(await other.nextRecord(), '{"type":7}');
      assert.equal((await other.expectClose()).code, 1000);
      assert.deepEqual(other.untaken, []);
    });

    it('a WebSocket dropped without a Close frame does not disturb anyone', async () => {
      const socket = await connect();
      socket.send(record(`{"type":1,"invocationId":"0","target":"Join","arguments":["${healthy.channel}"]}`));
      // Join answers with the two members already there.
      assert.match(await socket.nextRecord(), /^\{"type":3,"invocationId":"0","result":\["[\w-]{22}","[\w-]{22}"\]\}$/);
      socket.send('{"type":1,"target":"Jo');
      socket.terminate();
      await socket.closed;
    });
  });
});

describe('bad input against short timers (D.1)', () => {
  const keepAliveInterval = 50;
  const clientTimeoutInterval = 300;
  const handshakeTimeout = 200;
  const longPollTimeout = 250;
  let hub: HubServer;
  let healthy: Healthy;
  let ws: string;
  const sockets: RawSocket[] = [];

  before(async () => {
    hub = await createHubServer({
      port: 0,
      logger: silentLogger,
      keepAliveInterval,
      clientTimeoutInterval,
      handshakeTimeout,
      longPollTimeout,
    });
    ws = `${wsUrl(hub.url)}/messagehub`;
    // The healthy clients ping often enough for the short client timeout.
    healthy = await healthyChannel(hub.url, keepAliveInterval);
  });
  afterEach(async () => {
    await healthy.roundTrip();
    for (const socket of sockets.splice(0)) socket.terminate();
  });
  after(async () => {
    await healthy.stop();
    await hub.close();
  });

  it('a handshake never sent gets `Handshake was canceled.` after the handshake timeout', async () => {
    const started = Date.now();
    const socket = await RawSocket.open(ws);
    sockets.push(socket);
    const frame = await socket.nextFrame(handshakeTimeout * 5);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= handshakeTimeout - 60, `answered after ${elapsed} ms`);
    assert.equal(frame.binary, false);
    assert.equal(frame.data.toString('utf8'), record(HANDSHAKE_CANCELED));
    assert.equal((await socket.expectClose()).code, 1000);
  });

  it('an incomplete handshake gets `Handshake was canceled.` after the handshake timeout', async () => {
    const socket = await RawSocket.open(ws);
    sockets.push(socket);
    socket.send('{"protocol":"json",');
    const frame = await socket.nextFrame(handshakeTimeout * 5);
    assert.equal(frame.data.toString('utf8'), record(HANDSHAKE_CANCELED));
    assert.equal((await socket.expectClose()).code, 1000);
  });

  it('sends {"type":6} pings on an idle connection, every keep-alive interval', async () => {
    const socket = await RawSocket.connect(ws);
    sockets.push(socket);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      assert.equal(await socket.nextRecord(keepAliveInterval * 20), '{"type":6}');
      times.push(Date.now());
    }
    for (let i = 1; i < times.length; i++) {
      assert.ok(times[i]! - times[i - 1]! >= keepAliveInterval - 20, `pings ${times[i]! - times[i - 1]!} ms apart`);
    }
    // In MessagePack a Ping is exactly 02 91 06, in a Binary frame.
    const msgpack = await RawSocket.connect(ws, 'messagepack');
    sockets.push(msgpack);
    const ping = await msgpack.nextFrame(keepAliveInterval * 20);
    assert.equal(ping.binary, true);
    assert.deepEqual([...ping.data], [0x02, 0x91, 0x06]);
  });

  it('sends no pings over long polling, whose polls are the keep-alive (B.5)', async () => {
    const { token } = await negotiate(hub.url);
    const url = `${hub.url}/messagehub?id=${token}`;
    assert.equal((await http(url)).status, 200);
    assert.equal((await http(url, { method: 'POST', body: handshakeRequest('json') })).status, 200);
    assert.equal((await http(`${url}&_=1`)).text, record('{}'));
    // Many keep-alive intervals pass, and the poll ends only at the poll timeout, empty.
    const started = Date.now();
    const poll = await http(`${url}&_=2`);
    assert.ok(Date.now() - started >= longPollTimeout - 20, `answered after ${Date.now() - started} ms`);
    assert.equal(poll.status, 200);
    assert.equal(poll.text, '');
    assert.equal((await http(url, { method: 'DELETE' })).status, 202);
  });

  it('closes with an error when a client that pinged goes silent for the client timeout', async () => {
    const socket = await RawSocket.connect(ws);
    sockets.push(socket);
    socket.send(record('{"type":6}'));
    const pinged = Date.now();
    // Server pings may come first; the Close must follow them.
    assert.equal(await socket.nextRecord(clientTimeoutInterval * 5, isPing), CLOSED_WITH_ERROR);
    const elapsed = Date.now() - pinged;
    assert.ok(elapsed >= clientTimeoutInterval - 30, `closed after ${elapsed} ms`);
    assert.equal((await socket.expectClose()).code, 1000);
  });

  it('keeps a client that keeps sending, and never times out a client that never pinged', async () => {
    const pinging = await RawSocket.connect(ws);
    const silent = await RawSocket.connect(ws);
    sockets.push(pinging, silent);
    pinging.send(record('{"type":6}'));
    const until = Date.now() + clientTimeoutInterval * 3;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, clientTimeoutInterval / 4));
      pinging.send(record('{"type":6}'));
    }
    for (const socket of [pinging, silent]) {
      assert.equal(socket.isOpen, true);
      // Only pings arrived, and the connection still answers.
      for (const frame of socket.untaken) assert.equal(frame.data.toString('utf8'), record('{"type":6}'));
      socket.send(record('{"type":1,"invocationId":"0","target":"Join","arguments":["timers"]}'));
      assert.match(await socket.nextRecord(2_000, isPing), /^\{"type":3,"invocationId":"0","result":\[("[\w-]{22}")?\]\}$/);
    }
  });
});
