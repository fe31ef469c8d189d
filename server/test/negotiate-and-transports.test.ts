// Negotiate and the three transports at the HTTP, WebSocket-frame and SSE-byte level: the exact status codes,
// headers, bodies and framing of signalr-wire.md sections A, B and G.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHubServer, silentLogger, type HubServer } from '../src/index.js';
import { formatServerSentEvent } from '../src/transport/server-sent-events.js';
import {
  HttpStream,
  RS,
  RawSocket,
  handshakeRequest,
  http,
  msgpackFrame,
  negotiate,
  openUpload,
  record,
  records,
  requestHandled,
  splitRecords,
  withTimeout,
  wsUrl,
  type HttpResult,
} from './helpers/raw.js';

const AVAILABLE_TRANSPORTS = [
  { transport: 'WebSockets', transferFormats: ['Text', 'Binary'] },
  { transport: 'ServerSentEvents', transferFormats: ['Text'] },
  { transport: 'LongPolling', transferFormats: ['Text', 'Binary'] },
];
const AVAILABLE_TRANSPORTS_JSON = JSON.stringify(AVAILABLE_TRANSPORTS);
const ID = /^[A-Za-z0-9_-]{22}$/;
const JSON_HANDSHAKE = handshakeRequest('json');
const NO_CACHE = { 'cache-control': 'no-cache, no-store', pragma: 'no-cache', expires: 'Thu, 01 Jan 1970 00:00:00 GMT' };
const SSE_ACCEPT = { Accept: 'text/event-stream' };

let hub: HubServer;
let base: string;
before(async () => {
  hub = await createHubServer({ port: 0, logger: silentLogger });
  base = `${hub.url}/messagehub`;
});
after(() => hub.close());

const wsBase = () => `${wsUrl(hub.url)}/messagehub`;

/** Asserts a B.2 answer: the status, `text/plain`, and the exact body. */
function assertPlain(res: HttpResult, status: number, body: string) {
  assert.equal(res.status, status, `status (body ${JSON.stringify(res.text)})`);
  assert.equal(res.text, body);
  assert.equal(res.headers['content-type'], 'text/plain');
}

function assertNoCache(headers: Record<string, unknown>) {
  for (const [name, value] of Object.entries(NO_CACHE)) assert.equal(headers[name], value, name);
}

/** A long-polling connection past its first poll and its handshake. */
async function longPollingConnection(): Promise<{ token: string; url: string; poll: () => ReturnType<typeof http> }> {
  const { token } = await negotiate(hub.url);
  const url = `${base}?id=${token}`;
  let n = 0;
  const poll = () => http(`${url}&_=${Date.now()}${++n}`);
  const first = await poll();
  assert.equal(first.status, 200);
  assert.equal((await http(url, { method: 'POST', body: JSON_HANDSHAKE })).status, 200);
  const answer = await poll();
  assert.equal(answer.text, record('{}'));
  return { token, url, poll };
}

/** An SSE connection with its stream open and its handshake done. */
async function sseConnection(): Promise<{ token: string; url: string; stream: HttpStream }> {
  const { token } = await negotiate(hub.url);
  const url = `${base}?id=${token}`;
  const stream = new HttpStream(url, { headers: SSE_ACCEPT });
  await stream.opened;
  assert.equal(stream.status, 200);
  assert.equal((await http(url, { method: 'POST', body: JSON_HANDSHAKE })).status, 200);
  await stream.waitFor((text) => text === `:\r\ndata: {}${RS}\r\n\r\n`, 2_000, 'the handshake answer');
  return { token, url, stream };
}

describe('negotiate (A)', () => {
  it('version 0: no query gives negotiateVersion 0, no connectionToken, and the id is what id= takes', async () => {
    const res = await http(`${base}/negotiate`, { method: 'POST', headers: { 'X-Requested-With': 'XMLHttpRequest' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['content-length'], String(res.body.length));
    const match = /^\{"negotiateVersion":0,"connectionId":"([^"]+)","availableTransports":(.*)\}$/.exec(res.text);
    assert.ok(match, res.text);
    const [, connectionId, transports] = match;
    assert.match(connectionId!, ID);
    assert.equal(transports, AVAILABLE_TRANSPORTS_JSON);
    assert.ok(!('connectionToken' in JSON.parse(res.text)));
    // An explicit version 0 is the same.
    const explicit = await negotiate(hub.url, '?negotiateVersion=0');
    assert.equal(explicit.raw.negotiateVersion, 0);
    assert.ok(!('connectionToken' in explicit.raw));

    const socket = await RawSocket.connect(`${wsBase()}?id=${connectionId}`);
    socket.send(record('{"type":1,"invocationId":"0","target":"Join","arguments":["v0"]}'));
    assert.equal(await socket.nextRecord(), '{"type":3,"invocationId":"0","result":[]}');
    socket.close();
    await socket.expectClose();
  });

  it('version 1: exact field order, 22-char URL-safe ids, and id= takes the token, never the id', async () => {
    const res = await http(`${base}/negotiate?negotiateVersion=1`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['content-length'], String(res.body.length));
    const match = /^\{"negotiateVersion":1,"connectionId":"([^"]+)","connectionToken":"([^"]+)","availableTransports":(.*)\}$/.exec(
      res.text,
    );
    assert.ok(match, res.text);
    const [, connectionId, token, transports] = match;
    assert.match(connectionId!, ID);
    assert.match(token!, ID);
    assert.notEqual(token, connectionId);
    assert.equal(transports, AVAILABLE_TRANSPORTS_JSON);

    // The public id is not a key: it authorises nothing.
    assertPlain(await http(`${base}?id=${connectionId}`), 404, 'No Connection with that ID');
    const refused = await RawSocket.refusal(`${wsBase()}?id=${connectionId}`);
    assert.equal(refused.status, 404);
    assert.equal(refused.body, 'No Connection with that ID');

    const socket = await RawSocket.connect(`${wsBase()}?id=${token}`);
    socket.close();
    await socket.expectClose();
  });

  it('ids differ on every negotiate', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { connectionId, token } = await negotiate(hub.url);
      seen.add(connectionId);
      seen.add(token);
    }
    assert.equal(seen.size, 40);
  });

  it('answers a non-integer version with the error, as HTTP 200 JSON', async () => {
    for (const value of ['abc', '1.5', '', '1e3', '0x1', '99999999999']) {
      const res = await http(`${base}/negotiate?negotiateVersion=${encodeURIComponent(value)}`, { method: 'POST' });
      assert.equal(res.status, 200, value);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(res.text, '{"error":"The client requested a non-integer protocol version."}', value);
    }
  });

  it('answers a negative version with the unsupported-version error', async () => {
    const res = await http(`${base}/negotiate?negotiateVersion=-1`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.text, `{"error":"The client requested version '-1', but the server does not support this version."}`);
  });

  it('clamps a version above 1 to 1, and reads the parameter whatever its case', async () => {
    for (const query of ['?negotiateVersion=5', '?NegotiateVersion=1', '?negotiateversion=2147483647']) {
      const { raw } = await negotiate(hub.url, query);
      assert.equal(raw.negotiateVersion, 1, query);
      assert.match(raw.connectionToken as string, ID);
    }
  });

  it('refuses any method but POST with 405 text/plain', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await http(`${base}/negotiate?negotiateVersion=1`, { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers['content-type'], 'text/plain', method);
      assert.equal(res.text, '');
    }
  });

  it('never sends ProtocolVersion, sends useStatefulReconnect only when asked, and ignores the body', async () => {
    for (const query of ['', '?negotiateVersion=1', '?negotiateVersion=1&useStatefulReconnect=true']) {
      const res = await http(`${base}/negotiate${query}`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
        body: 'whatever the client sends',
      });
      assert.equal(res.status, 200);
      assert.doesNotMatch(res.text, /protocolversion/i, query);
      // Stateful reconnect is allowed by default; an unasked-for answer would fail the client (A.3).
      if (query.includes('useStatefulReconnect')) assert.match(res.text, /^\{"useStatefulReconnect":true,"negotiateVersion":1,/, query);
      else assert.doesNotMatch(res.text, /useStatefulReconnect/i, query);
      assert.match(JSON.parse(res.text).connectionId, ID);
    }
  });

  it('disposes a negotiated connection that never starts after the disconnect timeout', async () => {
    const disconnectTimeout = 150;
    const short = await createHubServer({ port: 0, logger: silentLogger, disconnectTimeout });
    try {
      const started = Date.now();
      const { token } = await negotiate(short.url);
      const url = `${short.url}/messagehub?id=${token}`;
      // DELETE on a connection without a transport answers 400 and leaves it as it is: a safe probe.
      assertPlain(await http(url, { method: 'DELETE' }), 400, 'Cannot terminate this connection using the DELETE endpoint.');
      let res = await http(url, { method: 'DELETE' });
      while (res.status === 400) {
        assert.ok(Date.now() - started < 3_000, 'the connection never expired');
        await new Promise((resolve) => setTimeout(resolve, 20));
        res = await http(url, { method: 'DELETE' });
      }
      assert.ok(Date.now() - started >= disconnectTimeout, `expired after ${Date.now() - started} ms`);
      assertPlain(res, 404, 'No Connection with that ID');
      assertPlain(await http(url), 404, 'No Connection with that ID');
      assertPlain(await http(url, { method: 'POST', body: JSON_HANDSHAKE }), 404, 'No Connection with that ID');
      assertPlain(await http(url, { headers: SSE_ACCEPT }), 404, 'No Connection with that ID');
      const refused = await RawSocket.refusal(`${wsUrl(short.url)}/messagehub?id=${token}`);
      assert.equal(refused.status, 404);
      assert.equal(refused.body, 'No Connection with that ID');
    } finally {
      await short.close();
    }
  });
});

describe('transport status codes (B.2)', () => {
  it('400 Connection ID required on POST, DELETE, SSE GET and LP GET without an id', async () => {
    for (const url of [base, `${base}?id=`]) {
      assertPlain(await http(url, { method: 'POST', body: JSON_HANDSHAKE }), 400, 'Connection ID required');
      assertPlain(await http(url, { method: 'DELETE' }), 400, 'Connection ID required');
      assertPlain(await http(url, { headers: SSE_ACCEPT }), 400, 'Connection ID required');
      const poll = await http(url);
      assertPlain(poll, 400, 'Connection ID required');
      // Every long-polling GET carries the no-cache headers, refusals too (B.5).
      assertNoCache(poll.headers);
    }
  });

  it('404 No Connection with that ID for an unknown id, the WebSocket upgrade refused before it happens', async () => {
    const url = `${base}?id=AAAAAAAAAAAAAAAAAAAAAA`;
    assertPlain(await http(url, { method: 'POST', body: JSON_HANDSHAKE }), 404, 'No Connection with that ID');
    assertPlain(await http(url, { method: 'DELETE' }), 404, 'No Connection with that ID');
    assertPlain(await http(url, { headers: SSE_ACCEPT }), 404, 'No Connection with that ID');
    const poll = await http(url);
    assertPlain(poll, 404, 'No Connection with that ID');
    assertNoCache(poll.headers);
    const refused = await RawSocket.refusal(`${wsBase()}?id=AAAAAAAAAAAAAAAAAAAAAA`);
    assert.equal(refused.status, 404);
    assert.equal(refused.body, 'No Connection with that ID');
  });

  it('409 for a second WebSocket while one is active; the first keeps working', async () => {
    const { token } = await negotiate(hub.url);
    const first = await RawSocket.open(`${wsBase()}?id=${token}`);
    const refused = await RawSocket.refusal(`${wsBase()}?id=${token}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body, '');
    first.send(JSON_HANDSHAKE);
    assert.equal(await first.nextRecord(), '{}');
    first.close();
    await first.expectClose();
  });

  it('409 for a second SSE stream while one is active; the first keeps working', async () => {
    const { url, stream } = await sseConnection();
    const second = await http(url, { headers: SSE_ACCEPT });
    assert.equal(second.status, 409);
    assert.equal(second.text, '');
    assert.equal(second.headers['content-type'], 'text/plain');
    assert.equal((await http(url, { method: 'POST', body: record('{"type":7}') })).status, 200);
    assert.equal(await stream.body(), `:\r\ndata: {}${RS}\r\n\r\ndata: {"type":7}${RS}\r\n\r\n`);
  });

  it('400 Cannot change transports mid-connection, whichever transport came first', async () => {
    const change = 'Cannot change transports mid-connection';

    const { token: wsToken } = await negotiate(hub.url);
    const socket = await RawSocket.open(`${wsBase()}?id=${wsToken}`);
    assertPlain(await http(`${base}?id=${wsToken}`), 400, change);
    assertPlain(await http(`${base}?id=${wsToken}`, { headers: SSE_ACCEPT }), 400, change);

    const { url: sseUrl, token: sseToken, stream } = await sseConnection();
    assertPlain(await http(sseUrl), 400, change);
    const fromSse = await RawSocket.refusal(`${wsBase()}?id=${sseToken}`);
    assert.equal(fromSse.status, 400);
    assert.equal(fromSse.body, change);

    const { url: lpUrl, token: lpToken } = await longPollingConnection();
    assertPlain(await http(lpUrl, { headers: SSE_ACCEPT }), 400, change);
    const fromLp = await RawSocket.refusal(`${wsBase()}?id=${lpToken}`);
    assert.equal(fromLp.status, 400);
    assert.equal(fromLp.body, change);

    // Each connection is still usable on its own transport.
    socket.send(JSON_HANDSHAKE);
    assert.equal(await socket.nextRecord(), '{}');
    socket.close();
    stream.abort();
    assert.equal((await http(lpUrl, { method: 'DELETE' })).status, 202);
    await socket.expectClose();
  });

  it('405 with its exact text for a POST to a WebSocket connection', async () => {
    const { token } = await negotiate(hub.url);
    const socket = await RawSocket.connect(`${wsBase()}?id=${token}`);
    assertPlain(
      await http(`${base}?id=${token}`, { method: 'POST', body: record('{"type":6}') }),
      405,
      'POST requests are not allowed for WebSocket connections.',
    );
    socket.close();
    await socket.expectClose();
  });

  it('400 with its exact text for a DELETE on a WebSocket or SSE connection', async () => {
    const text = 'Cannot terminate this connection using the DELETE endpoint.';
    const { token } = await negotiate(hub.url);
    const socket = await RawSocket.connect(`${wsBase()}?id=${token}`);
    assertPlain(await http(`${base}?id=${token}`, { method: 'DELETE' }), 400, text);
    const { url, stream } = await sseConnection();
    assertPlain(await http(url, { method: 'DELETE' }), 400, text);
    // Neither connection was ended by it.
    socket.send(record('{"type":1,"invocationId":"0","target":"Join","arguments":["del"]}'));
    assert.equal(await socket.nextRecord(), '{"type":3,"invocationId":"0","result":[]}');
    socket.close();
    stream.abort();
    await socket.expectClose();
  });

  it('202 for a DELETE on a long-polling connection; the pending poll ends with 204', async () => {
    const { url } = await longPollingConnection();
    const handled = requestHandled(hub.httpServer);
    const pending = new HttpStream(`${url}&_=pending`);
    await handled;
    assert.equal(pending.complete, false, 'the poll waits');
    const res = await http(url, { method: 'DELETE' });
    assert.equal(res.status, 202);
    assert.equal(res.text, '');
    await pending.body();
    assert.equal(pending.status, 204);
    assert.equal(pending.text, '');
    assertPlain(await http(`${url}&_=after`), 404, 'No Connection with that ID');
  });

  it('200 with an empty body for a successful POST', async () => {
    const { token } = await negotiate(hub.url);
    const url = `${base}?id=${token}`;
    assert.equal((await http(url)).status, 200);
    const res = await http(url, { method: 'POST', body: JSON_HANDSHAKE });
    assertPlain(res, 200, '');
    assert.equal(res.headers['content-length'], '0');
    // 1.x and 3.x send no Content-Type; octet-stream is what binary long polling sends. Neither matters.
    const noType = await http(url, { method: 'POST', body: record('{"type":6}') });
    assert.equal(noType.status, 200);
    const binary = await http(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: record('{"type":6}'),
    });
    assert.equal(binary.status, 200);
    assert.equal((await http(url, { method: 'DELETE' })).status, 202);
  });

  it('404 with an empty body for a POST queued behind another when the connection is disposed', async () => {
    const { token } = await negotiate(hub.url);
    const url = `${base}?id=${token}`;
    assert.equal((await http(url)).status, 200);
    // The first POST is still sending its body; the second waits for it, as ASP.NET's write lock makes it.
    let handled = requestHandled(hub.httpServer);
    const first = openUpload(url);
    first.write(JSON_HANDSHAKE);
    await handled;
    handled = requestHandled(hub.httpServer);
    const second = http(url, { method: 'POST', body: record('{"type":6}') });
    await handled;
    assert.equal((await http(url, { method: 'DELETE' })).status, 202);
    // More of the first body races the dispose: it is not taken.
    first.write(record('{"type":6}'));
    first.end();
    assert.notEqual((await first.response).status, 200);
    assertPlain(await second, 404, '');
  });

  it('405 text/plain for other methods on the hub path', async () => {
    for (const method of ['PUT', 'PATCH']) {
      const res = await http(base, { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers['content-type'], 'text/plain');
    }
  });
});

describe('Server-Sent Events (B.4)', () => {
  it('sends the headers and `:\\r\\n` at once, before any handshake', async () => {
    const { token } = await negotiate(hub.url);
    const stream = new HttpStream(`${base}?id=${token}`, { headers: { ...SSE_ACCEPT, 'Cache-Control': 'no-cache' } });
    await stream.opened;
    assert.equal(stream.status, 200);
    assert.equal(stream.headers['content-type'], 'text/event-stream');
    assert.equal(stream.headers['cache-control'], 'no-cache,no-store');
    assert.equal(stream.headers['pragma'], 'no-cache');
    assert.equal(stream.headers['long-running'], 'true');
    assert.equal(stream.headers['content-encoding'], 'identity');
    assert.equal(await stream.waitFor((text) => text.length >= 3), ':\r\n');
    stream.abort();
  });

  it('frames each write as one event: `data: <payload>\\r\\n\\r\\n`, records whole', async () => {
    const { url, stream } = await sseConnection();
    const before = stream.text.length;
    // Two invocations in one POST; each answer is its own event.
    const body = records(
      '{"type":1,"invocationId":"0","target":"Join","arguments":["sse"]}',
      '{"type":1,"invocationId":"1","target":"NoSuchMethod","arguments":[]}',
    );
    assert.equal((await http(url, { method: 'POST', body })).status, 200);
    const expected =
      `data: {"type":3,"invocationId":"0","result":[]}${RS}\r\n\r\n` +
      `data: {"type":3,"invocationId":"1","error":"Failed to invoke 'NoSuchMethod' due to an error on the server. HubException: Method does not exist."}${RS}\r\n\r\n`;
    await stream.waitFor((text) => text.length - before >= expected.length);
    assert.equal(stream.text.slice(before), expected);
    // A Close from the client: the server answers with an empty Close and ends the stream.
    assert.equal((await http(url, { method: 'POST', body: record('{"type":7}') })).status, 200);
    assert.equal((await stream.body()).slice(before + expected.length), `data: {"type":7}${RS}\r\n\r\n`);
    assertPlain(await http(url, { method: 'POST', body: record('{"type":6}') }), 404, 'No Connection with that ID');
  });

  it('splits a payload with line feeds into data lines, dropping the \\r of \\r\\n (ASP.NET formatter)', () => {
    assert.equal(formatServerSentEvent(`{"type":6}${RS}`), `data: {"type":6}${RS}\r\n\r\n`);
    assert.equal(formatServerSentEvent('ab\r\ncd\nef'), 'data: ab\r\ndata: cd\r\ndata: ef\r\n\r\n');
    assert.equal(formatServerSentEvent('ab\n'), 'data: ab\r\ndata: \r\n\r\n');
  });

  it('disposes the connection when the client drops the stream', async () => {
    const { url, stream } = await sseConnection();
    stream.abort();
    const started = Date.now();
    let res = await http(url, { method: 'POST', body: record('{"type":6}') });
    while (res.status === 200 && Date.now() - started < 2_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      res = await http(url, { method: 'POST', body: record('{"type":6}') });
    }
    assertPlain(res, 404, 'No Connection with that ID');
  });
});

describe('long polling (B.5)', () => {
  it('answers the first poll at once with an empty 200 octet-stream, then carries data, all with no-cache headers', async () => {
    const { token } = await negotiate(hub.url);
    const url = `${base}?id=${token}`;
    const first = await http(`${url}&_=1`);
    assert.equal(first.status, 200);
    assert.equal(first.headers['content-type'], 'application/octet-stream');
    assert.equal(first.headers['content-length'], '0');
    assert.equal(first.text, '');
    assertNoCache(first.headers);

    assert.equal((await http(url, { method: 'POST', body: JSON_HANDSHAKE })).status, 200);
    const handshake = await http(`${url}&_=2`);
    assert.equal(handshake.status, 200);
    assert.equal(handshake.headers['content-type'], 'application/octet-stream');
    assert.equal(handshake.headers['content-length'], '3');
    assert.equal(handshake.text, record('{}'));
    assert.equal(handshake.headers['long-running'], 'true');
    assertNoCache(handshake.headers);

    // Several messages in one POST; the polls carry every answer, each body ending on a record boundary.
    const body = records(
      '{"type":1,"invocationId":"0","target":"Join","arguments":["lp"]}',
      '{"type":1,"target":"Join","arguments":["lp"]}',
      '{"type":1,"invocationId":"1","target":"Join","arguments":[]}',
    );
    assert.equal((await http(url, { method: 'POST', body })).status, 200);
    const answers: string[] = [];
    for (let i = 3; answers.length < 2; i++) {
      const poll = await http(`${url}&_=${i}`);
      assert.equal(poll.status, 200);
      assertNoCache(poll.headers);
      if (poll.text === '') continue;
      assert.equal(poll.headers['content-type'], 'application/octet-stream');
      assert.equal(poll.headers['content-length'], String(poll.body.length));
      answers.push(...splitRecords(poll.text));
    }
    assert.deepEqual(answers, [
      '{"type":3,"invocationId":"0","result":[]}',
      `{"type":3,"invocationId":"1","error":"Failed to invoke 'Join' due to an error on the server."}`,
    ]);
    assert.equal((await http(url, { method: 'DELETE' })).status, 202);
  });

  it('carries MessagePack bytes unchanged', async () => {
    const { token } = await negotiate(hub.url);
    const url = `${base}?id=${token}`;
    assert.equal((await http(url)).status, 200);
    assert.equal((await http(url, { method: 'POST', body: handshakeRequest('messagepack') })).status, 200);
    assert.equal((await http(`${url}&_=2`)).text, record('{}'));
    const invocation = msgpackFrame([1, {}, '0', 'Join', ['lp-msgpack'], []]);
    assert.equal(
      (await http(url, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: invocation })).status,
      200,
    );
    const poll = await http(`${url}&_=3`);
    assert.equal(poll.headers['content-type'], 'application/octet-stream');
    // [3, {}, "0", 3, []]: a Completion with a result, Join's empty list of members.
    assert.deepEqual([...poll.body], [0x07, 0x95, 0x03, 0x80, 0xa1, 0x30, 0x03, 0x90]);
    assert.equal((await http(url, { method: 'DELETE' })).status, 202);
  });

  it('ends a poll with nothing to send after the poll timeout: 200, empty, text/plain', async () => {
    const short = await createHubServer({ port: 0, logger: silentLogger, longPollTimeout: 100 });
    try {
      const { token } = await negotiate(short.url);
      const url = `${short.url}/messagehub?id=${token}`;
      assert.equal((await http(url)).status, 200);
      const started = Date.now();
      const res = await http(`${url}&_=2`);
      assert.ok(Date.now() - started >= 90, `answered after ${Date.now() - started} ms`);
      assert.equal(res.status, 200);
      assert.equal(res.text, '');
      assert.equal(res.headers['content-length'], '0');
      assert.equal(res.headers['content-type'], 'text/plain');
      assertNoCache(res.headers);
      // The connection lives on: the next poll still gets the handshake answer.
      assert.equal((await http(url, { method: 'POST', body: JSON_HANDSHAKE })).status, 200);
      assert.equal((await http(`${url}&_=3`)).text, record('{}'));
      assert.equal((await http(url, { method: 'DELETE' })).status, 202);
    } finally {
      await short.close();
    }
  });

  it('ends the old poll with 204 when a new one arrives, and the new one takes over', async () => {
    const { url } = await longPollingConnection();
    let handled = requestHandled(hub.httpServer);
    const old = new HttpStream(`${url}&_=old`);
    await handled;
    handled = requestHandled(hub.httpServer);
    const current = new HttpStream(`${url}&_=new`);
    await handled;
    await old.body();
    assert.equal(old.status, 204);
    assert.equal(old.text, '');
    assert.equal(current.complete, false, 'the new poll waits');
    assert.equal(
      (await http(url, { method: 'POST', body: record('{"type":1,"invocationId":"0","target":"Join","arguments":["lp2"]}') })).status,
      200,
    );
    assert.equal(await current.body(), record('{"type":3,"invocationId":"0","result":[]}'));
    assert.equal(current.status, 200);
    assertNoCache(current.headers);
    assert.equal((await http(url, { method: 'DELETE' })).status, 202);
  });

  it('carries a failed handshake answer, then ends with 204', async () => {
    const { token } = await negotiate(hub.url);
    const url = `${base}?id=${token}`;
    assert.equal((await http(url)).status, 200);
    assert.equal((await http(url, { method: 'POST', body: handshakeRequest('json', 3) })).status, 200);
    const answer = await http(`${url}&_=2`);
    assert.equal(answer.status, 200);
    assert.equal(answer.text, record(`{"error":"The server does not support version 3 of the 'json' protocol."}`));
    const done = await http(`${url}&_=3`);
    assert.equal(done.status, 204);
    assertPlain(await http(`${url}&_=4`), 404, 'No Connection with that ID');
  });

  it('ends the poll with 204 once the application ends (a client Close)', async () => {
    const { url } = await longPollingConnection();
    assert.equal((await http(url, { method: 'POST', body: record('{"type":7}') })).status, 200);
    const last = await http(`${url}&_=close`);
    assert.equal(last.status, 200);
    assert.equal(last.text, record('{"type":7}'));
    const done = await http(`${url}&_=done`);
    assert.equal(done.status, 204);
    assert.equal(done.text, '');
  });
});

describe('WebSockets (B.3, A.7)', () => {
  it('skipNegotiation: an upgrade without an id gets a fresh connection', async () => {
    const socket = await RawSocket.connect(wsBase());
    socket.send(record('{"type":1,"invocationId":"0","target":"Join","arguments":["skip"]}'));
    assert.equal(await socket.nextRecord(), '{"type":3,"invocationId":"0","result":[]}');
    socket.close();
    await socket.expectClose();
  });

  it('adds Long-Running: true to the upgrade and selects no subprotocol', async () => {
    const { default: WebSocket } = await import('ws');
    const socket = new WebSocket(wsBase());
    const upgraded = new Promise<{ headers: Record<string, unknown> }>((resolve) => socket.once('upgrade', resolve));
    const opened = new Promise((resolve) => socket.once('open', resolve));
    const response = await withTimeout(upgraded, 2_000, 'the upgrade');
    assert.equal(response.headers['long-running'], 'true');
    assert.equal(response.headers['sec-websocket-protocol'], undefined);
    await withTimeout(opened, 2_000, 'open');
    socket.close();
    await withTimeout(new Promise((resolve) => socket.once('close', resolve)), 2_000, 'close');
  });

  it('answers a JSON handshake in a Text frame, a MessagePack one in a Binary frame', async () => {
    const json = await RawSocket.open(wsBase());
    json.send(JSON_HANDSHAKE);
    const jsonAnswer = await json.nextFrame();
    assert.equal(jsonAnswer.binary, false);
    assert.equal(jsonAnswer.data.toString(), record('{}'));

    const msgpack = await RawSocket.open(wsBase());
    // The clients send the MessagePack handshake as Text (captured); the answer comes back as Binary.
    msgpack.send(handshakeRequest('messagepack'), false);
    const msgpackAnswer = await msgpack.nextFrame();
    assert.equal(msgpackAnswer.binary, true);
    assert.deepEqual([...msgpackAnswer.data], [0x7b, 0x7d, 0x1e]);

    // Later MessagePack messages come and go as Binary frames. (A Text frame must hold valid UTF-8, which
    // MessagePack bytes seldom are; JSON in Binary frames is tested below.)
    msgpack.send(msgpackFrame([1, {}, '0', 'Join', ['mp'], []]));
    const completion = await msgpack.nextFrame();
    assert.equal(completion.binary, true);
    // [3, {}, "0", 3, []]: Join's Completion with its result (no other members), with its length prefix.
    assert.deepEqual([...completion.data], [0x07, 0x95, 0x03, 0x80, 0xa1, 0x30, 0x03, 0x90]);
    // A client Close ([7, nil]) gets an empty Close back: [7, nil, false].
    msgpack.send(msgpackFrame([7, null]));
    const close = await msgpack.nextFrame();
    assert.equal(close.binary, true);
    assert.deepEqual([...close.data], [0x04, 0x93, 0x07, 0xc0, 0xc2]);

    json.close();
    await Promise.all([json.expectClose(), msgpack.expectClose()]);
  });

  it('reads several messages from one frame, the handshake included', async () => {
    const socket = await RawSocket.open(wsBase());
    socket.send(
      JSON_HANDSHAKE +
        records(
          '{"type":1,"invocationId":"0","target":"Join","arguments":["batch"]}',
          '{"type":6}',
          '{"type":1,"invocationId":"1","target":"Leave","arguments":["batch"]}',
        ),
    );
    assert.equal(await socket.nextRecord(), '{}');
    assert.equal(await socket.nextRecord(), '{"type":3,"invocationId":"0","result":[]}');
    assert.equal(await socket.nextRecord(), '{"type":3,"invocationId":"1"}');
    socket.close();
    await socket.expectClose();
  });

  it('reads one message split over two frames, and a handshake split over two frames', async () => {
    const socket = await RawSocket.open(wsBase());
    socket.send('{"protocol":"js');
    socket.send('on","version":1}' + RS);
    assert.equal(await socket.nextRecord(), '{}');
    const message = record('{"type":1,"invocationId":"0","target":"Join","arguments":["split"]}');
    socket.send(message.slice(0, 20));
    // A Binary frame continues the same byte stream (B.3).
    socket.send(Buffer.from(message.slice(20)));
    assert.equal(await socket.nextRecord(), '{"type":3,"invocationId":"0","result":[]}');
    // Split inside a multi-byte UTF-8 character.
    const bytes = Buffer.from(record('{"type":1,"invocationId":"1","target":"Join","arguments":["grüße"]}'));
    const cut = bytes.indexOf(0xc3) + 1;
    socket.send(bytes.subarray(0, cut));
    socket.send(bytes.subarray(cut));
    assert.equal(await socket.nextRecord(), '{"type":3,"invocationId":"1","result":[]}');
    socket.close();
    await socket.expectClose();
  });
});

describe('hub messages on the wire (B.3, C.3)', () => {
  it('relays each message as one whole Invocation in one frame, with the exact bytes, even at 30 KB', async () => {
    const a = await negotiate(hub.url);
    const b = await negotiate(hub.url);
    const sa = await RawSocket.connect(`${wsBase()}?id=${a.token}`);
    const sb = await RawSocket.connect(`${wsBase()}?id=${b.token}`);
    const channel = 'wire';
    sa.send(record(`{"type":1,"invocationId":"0","target":"Join","arguments":["${channel}"]}`));
    assert.equal(await sa.nextRecord(), '{"type":3,"invocationId":"0","result":[]}');
    sb.send(record(`{"type":1,"invocationId":"0","target":"Join","arguments":["${channel}"]}`));
    // Join answers with the members already there (product.md section 7).
    assert.equal(await sb.nextRecord(), `{"type":3,"invocationId":"0","result":["${a.connectionId}"]}`);
    // The others hear of a join by the public connection id, never the token.
    const join = await sa.nextFrame();
    assert.equal(join.data.toString('utf8'), record(`{"type":1,"target":"Join","arguments":["${b.connectionId}"]}`));

    const big = 'y'.repeat(30 * 1024);
    sa.send(record(JSON.stringify({ type: 1, target: 'SignalWebRtc', arguments: [channel, 'offer', big] })));
    const relayed = await sb.nextFrame();
    assert.equal(relayed.binary, false);
    assert.equal(relayed.data.toString('utf8'), record(`{"type":1,"target":"SignalWebRtc","arguments":["${channel}","offer","${big}"]}`));

    // A dropped member: the others get Leave with its id.
    sa.terminate();
    const leave = await sb.nextFrame();
    assert.equal(leave.data.toString('utf8'), record(`{"type":1,"target":"Leave","arguments":["${a.connectionId}"]}`));
    sb.close();
    await sb.expectClose();
  });

  it('on shutdown, sends {"type":7,"allowReconnect":true} and closes with 1000', async () => {
    const server = await createHubServer({ port: 0, logger: silentLogger });
    const socket = await RawSocket.connect(`${wsUrl(server.url)}/messagehub`);
    const closing = server.close();
    assert.equal(await socket.nextRecord(), '{"type":7,"allowReconnect":true}');
    assert.equal((await socket.expectClose()).code, 1000);
    await closing;
  });
});

describe('CORS and origins (G)', () => {
  const ORIGIN = 'https://app.example.com';
  let cors: HubServer;
  before(async () => {
    cors = await createHubServer({ port: 0, logger: silentLogger, allowedOrigins: [ORIGIN] });
  });
  after(() => cors.close());

  it('answers a preflight from an allowed origin with 204, echoing the origin and the requested headers', async () => {
    const requested = 'x-requested-with,x-signalr-user-agent,authorization,content-type,x-custom';
    for (const path of ['/messagehub/negotiate', '/messagehub']) {
      for (const method of ['POST', 'GET', 'DELETE']) {
        const res = await http(`${cors.url}${path}?negotiateVersion=1`, {
          method: 'OPTIONS',
          headers: { Origin: ORIGIN, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': requested },
        });
        assert.equal(res.status, 204, `${path} ${method}`);
        assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
        assert.equal(res.headers['access-control-allow-credentials'], 'true');
        assert.equal(res.headers['access-control-allow-headers'], requested);
        const methods = String(res.headers['access-control-allow-methods']).split(/,\s*/);
        for (const needed of ['GET', 'POST', 'DELETE']) assert.ok(methods.includes(needed), `${needed} in ${methods}`);
        assert.ok(!Object.values(res.headers).includes('*'), 'never *');
      }
    }
  });

  it('echoes the origin, with credentials, on negotiate, SSE, POST, the poll and DELETE', async () => {
    const headers = { Origin: ORIGIN };
    const check = (res: { headers: Record<string, unknown> }, what: string) => {
      assert.equal(res.headers['access-control-allow-origin'], ORIGIN, what);
      assert.equal(res.headers['access-control-allow-credentials'], 'true', what);
    };
    const negotiated = await http(`${cors.url}/messagehub/negotiate?negotiateVersion=1`, { method: 'POST', headers });
    assert.equal(negotiated.status, 200);
    check(negotiated, 'negotiate');
    const { connectionToken: sseToken } = JSON.parse(negotiated.text) as { connectionToken: string };
    const stream = new HttpStream(`${cors.url}/messagehub?id=${sseToken}`, { headers: { ...headers, ...SSE_ACCEPT } });
    await stream.opened;
    check(stream, 'SSE');
    const post = await http(`${cors.url}/messagehub?id=${sseToken}`, { method: 'POST', headers, body: JSON_HANDSHAKE });
    assert.equal(post.status, 200);
    check(post, 'POST');
    stream.abort();

    const { token } = await negotiate(cors.url, '?negotiateVersion=1', headers);
    const poll = await http(`${cors.url}/messagehub?id=${token}`, { headers });
    assert.equal(poll.status, 200);
    check(poll, 'poll');
    const del = await http(`${cors.url}/messagehub?id=${token}`, { method: 'DELETE', headers });
    assert.equal(del.status, 202);
    check(del, 'DELETE');
  });

  it('refuses a disallowed origin with 403 on negotiate, the preflight, and the WebSocket upgrade', async () => {
    const headers = { Origin: 'https://evil.example.com' };
    const res = await http(`${cors.url}/messagehub/negotiate?negotiateVersion=1`, { method: 'POST', headers });
    assert.equal(res.status, 403);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    const preflight = await http(`${cors.url}/messagehub/negotiate`, {
      method: 'OPTIONS',
      headers: { ...headers, 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    const refused = await RawSocket.refusal(`${wsUrl(cors.url)}/messagehub`, headers);
    assert.equal(refused.status, 403);
    // The server's own origin is not on the list either, once a list is given.
    const own = await RawSocket.refusal(`${wsUrl(cors.url)}/messagehub`, { Origin: cors.url });
    assert.equal(own.status, 403);
    const { token } = await negotiate(cors.url);
    const refusedWithId = await RawSocket.refusal(`${wsUrl(cors.url)}/messagehub?id=${token}`, headers);
    assert.equal(refusedWithId.status, 403);
    const socket = await RawSocket.connect(`${wsUrl(cors.url)}/messagehub?id=${token}`, 'json', { Origin: ORIGIN });
    socket.close();
    await socket.expectClose();
  });

  it("allows the server's own origin by default, on 127.0.0.1 and localhost, and requests with no Origin", async () => {
    const port = hub.port;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const res = await http(`${base}/negotiate?negotiateVersion=1`, { method: 'POST', headers: { Origin: origin } });
      assert.equal(res.status, 200, origin);
      assert.equal(res.headers['access-control-allow-origin'], origin);
      assert.equal(res.headers['access-control-allow-credentials'], 'true');
      const socket = await RawSocket.connect(wsBase(), 'json', { Origin: origin });
      socket.close();
      await socket.expectClose();
    }
    for (const origin of [`http://127.0.0.1:${port + 1 > 65535 ? port - 1 : port + 1}`, `https://127.0.0.1:${port}`, 'null']) {
      const res = await http(`${base}/negotiate?negotiateVersion=1`, { method: 'POST', headers: { Origin: origin } });
      assert.equal(res.status, 403, origin);
      assert.equal((await RawSocket.refusal(wsBase(), { Origin: origin })).status, 403, origin);
    }
    const plain = await http(`${base}/negotiate?negotiateVersion=1`, { method: 'POST' });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['access-control-allow-origin'], undefined);
    const socket = await RawSocket.connect(wsBase());
    socket.close();
    await socket.expectClose();
  });
});
