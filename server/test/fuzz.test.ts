// Property-based fuzzing with fast-check (issue 13, item 9): the handshake and both hub protocols, fed random and
// mutated frames. Three levels:
// - the pure parsers, thousands of inputs: only InvalidDataError ever comes out of them;
// - the real connection handler with the real MessageHub and lifetime manager, on a recording transport (the
//   one fake here), thousands of connections: it never throws out of its message loop, answers only what
//   ASP.NET answers (exactly, for the handshake), logs no unexpected error, and holds no memory per bad frame;
// - real WebSockets and long polls against a real server, fewer runs: the same answers on the wire, while a
//   healthy pair of official clients in a channel keeps working.
import { encode } from '@msgpack/msgpack';
import * as signalr from '@microsoft/signalr';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HubConnectionHandler } from '../src/hub/hub-connection-handler.js';
import { createHubServer, type HubServer, type Logger } from '../src/index.js';
import { InvalidDataError, jsonHubProtocol, messagePackHubProtocol, parseHandshakeRequest } from '../src/protocol/index.js';
import type { HubProtocol } from '../src/protocol/messages.js';
import type { HttpConnection, TransportSink } from '../src/transport/http-connection.js';
import { RS, RawSocket, http, lengthPrefixed, msgpackFrame, negotiate, wsUrl } from './helpers/raw.js';
import { heldHeap, openConnection, testHandler } from './helpers/servers.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const MAX = 32 * 1024;
const CLOSED_WITH_ERROR = 'Connection closed with an error.';
const HANDSHAKE_UNEXPECTED = 'An unexpected error occurred during connection handshake.';

// ---------------------------------------------------------------------------------------------------
// What a fuzzer sends.

const METHODS = ['Join', 'Leave', 'SignalWebRtc', 'Offer', 'Answer', 'Candidate', 'join', 'SIGNALWEBRTC', 'Nope', ''];
const value = fc.oneof(
  { depthSize: 'small' },
  fc.string({ maxLength: 40 }),
  fc.constantFrom('room', 'offer', 'answer', 'candidate', ''),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const id = fc.oneof(fc.constant(undefined), fc.constantFrom('0', '1', '', 'x'), fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null));

/** Message-shaped objects: the nine types and unknown ones, with fields right, wrong or missing. */
const messageObject = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom(1, 4),
      invocationId: id,
      target: fc.oneof(fc.constantFrom(...METHODS), value),
      arguments: fc.oneof(fc.array(value, { maxLength: 4 }), value),
      streamIds: fc.oneof(fc.constant(undefined), fc.array(value, { maxLength: 2 })),
      headers: fc.oneof(fc.constant(undefined), fc.dictionary(fc.string({ maxLength: 4 }), value, { maxKeys: 2 })),
    },
    { requiredKeys: ['type'] },
  ),
  fc.record({ type: fc.integer({ min: -1, max: 12 }), invocationId: id, item: value, result: value, error: value, sequenceId: value, allowReconnect: value }, { requiredKeys: ['type'] }),
  fc.dictionary(fc.string({ maxLength: 10 }), value, { maxKeys: 4 }),
);

/** Mutations of a byte string: flip, cut, insert, duplicate. */
function mutated(base: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'insert', 'set')), { maxLength: 4 })).map(
    ([bytes, edits]) => {
      let out = Buffer.from(bytes);
      for (const [at, byte, kind] of edits) {
        if (out.length === 0) break;
        const i = at % out.length;
        if (kind === 'flip') out[i] = out[i]! ^ (1 << (byte % 8));
        else if (kind === 'set') out[i] = byte;
        else if (kind === 'cut') out = Buffer.concat([out.subarray(0, i), out.subarray(i + 1 + (byte % 8))]);
        else out = Buffer.concat([out.subarray(0, i), Buffer.of(byte), out.subarray(i)]);
      }
      return new Uint8Array(out);
    },
  );
}

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const stripRs = (bytes: Uint8Array) => new Uint8Array(Buffer.from(bytes).filter((b) => b !== 0x1e));

/** A whole JSON record: a message-shaped object, a mutated one, or random text, ended by one 0x1E. */
const jsonRecord: fc.Arbitrary<Uint8Array> = fc
  .oneof(
    messageObject.map((m) => utf8(JSON.stringify(m))),
    mutated(messageObject.map((m) => utf8(JSON.stringify(m)))),
    fc.jsonValue({ maxDepth: 3 }).map((v) => utf8(JSON.stringify(v))),
    fc.uint8Array({ maxLength: 60 }),
    fc.string({ maxLength: 60 }).map(utf8),
  )
  .map((bytes) => new Uint8Array([...stripRs(bytes), 0x1e]));

/** A whole MessagePack frame: a right length prefix before a message-shaped array, a mutated one, or random bytes. */
const msgpackArray = fc.oneof(
  fc.tuple(fc.constantFrom(1, 4), fc.dictionary(fc.string({ maxLength: 3 }), value, { maxKeys: 2 }), id, fc.oneof(fc.constantFrom(...METHODS), value), fc.array(value, { maxLength: 3 }), fc.array(value, { maxLength: 2 })).map((t) => [...t]),
  fc.array(value, { maxLength: 6 }).chain((rest) => fc.integer({ min: -1, max: 12 }).map((type) => [type, ...rest])),
  value,
);
const msgpackFrameArb: fc.Arbitrary<Uint8Array> = fc
  .oneof(
    msgpackArray.map((items) => encode(items)),
    mutated(msgpackArray.map((items) => encode(items))),
    fc.uint8Array({ maxLength: 60 }),
  )
  .map((body) => new Uint8Array(lengthPrefixed(body)));

/** Bytes that may end mid-message: anything at all, a bad length prefix included. */
const trailing = fc.oneof(fc.constant(new Uint8Array()), fc.uint8Array({ minLength: 1, maxLength: 40 }));

/** How the byte stream is cut into transport frames: the hub must not care. */
const cuts = fc.array(fc.nat({ max: 2000 }), { maxLength: 4 });

function chunked(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map((n) => n % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    if (p > from) out.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  if (from < bytes.length) out.push(bytes.subarray(from));
  return out;
}

// ---------------------------------------------------------------------------------------------------
// What ASP.NET answers: the handshake exactly (signalr-wire.md C.1), and every later message by its kind.

/** The exact handshake answer for `bytes`, or null while the hub must wait for more. */
function expectedHandshake(bytes: Uint8Array): string | null {
  const window = bytes.length > MAX ? bytes.subarray(0, MAX) : bytes;
  const end = window.indexOf(0x1e);
  if (end === -1) return bytes.length > MAX ? 'Handshake was canceled.' : null;
  let request: unknown;
  try {
    request = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(window.subarray(0, end)));
  } catch {
    return HANDSHAKE_UNEXPECTED;
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return HANDSHAKE_UNEXPECTED;
  const { protocol, version } = request as Record<string, unknown>;
  if (typeof protocol !== 'string') return HANDSHAKE_UNEXPECTED;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < -(2 ** 31) || version >= 2 ** 31) return HANDSHAKE_UNEXPECTED;
  if (protocol !== 'json' && protocol !== 'messagepack') return `The protocol '${protocol}' is not supported.`;
  if (version > 2) return `The server does not support version ${version} of the '${protocol}' protocol.`;
  return '';
}

/** The Completion errors a client may get for a bad invocation; never the bare "unexpected error" of a bug. */
const LEGAL_ERRORS = [
  /^Failed to invoke '[^]*' due to an error on the server\. HubException: Method does not exist\.$/,
  /^Failed to invoke '[^]*' due to an error on the server\.$/,
  /^An unexpected error occurred invoking '[^]*' on the server\. HubException: [^]+$/,
  /^An unexpected error occurred invoking '[^]*' on the server\. HubException: Client sent \d+ stream\(s\), Hub method expects 0\.$/,
  /^The client attempted to invoke the non-streaming '[^]*' method with a streaming invocation\.$/,
];

interface Outcome {
  /** The handshake answer's error ('' for success), or null when none came. */
  handshake: string | null;
  messages: Array<Record<string, unknown>>;
  ended: boolean;
}

/** Reads what the hub wrote: the handshake answer (JSON), then messages in the chosen protocol. Throws if malformed. */
function readOutput(bytes: Uint8Array, protocol: HubProtocol | null): Outcome {
  const end = bytes.indexOf(0x1e);
  if (end === -1) {
    assert.equal(bytes.length, 0, 'the hub wrote something that is not a handshake answer');
    return { handshake: null, messages: [], ended: false };
  }
  const answer = JSON.parse(Buffer.from(bytes.subarray(0, end)).toString('utf8')) as { error?: string };
  const messages: Array<Record<string, unknown>> = [];
  let offset = end + 1;
  while (protocol && offset < bytes.length) {
    const length = protocol.frameLength(bytes, offset);
    assert.ok(length !== null, 'the hub split a message');
    messages.push(protocol.parse(bytes.subarray(offset, offset + length)) as unknown as Record<string, unknown>);
    offset += length;
  }
  return { handshake: answer.error ?? '', messages, ended: false };
}

/** Checks every message the hub sent after a good handshake against what ASP.NET may send. */
function assertLegal(messages: Array<Record<string, unknown>>, sentIds: Set<string>): void {
  for (const [i, message] of messages.entries()) {
    if (message.type === 6) continue;
    if (message.type === 7) {
      assert.equal(i, messages.length - 1, 'nothing after a Close');
      const close = message as { error?: string; allowReconnect?: boolean };
      if (close.error !== undefined) {
        assert.equal(close.error, CLOSED_WITH_ERROR);
        assert.equal(close.allowReconnect, true);
      }
      continue;
    }
    assert.equal(message.type, 3, `an unexpected message: ${JSON.stringify(message)}`);
    const { invocationId, error } = message as { invocationId: string; error?: string };
    assert.ok(sentIds.has(invocationId), `a Completion for an id never sent: ${invocationId}`);
    if (error !== undefined) assert.ok(LEGAL_ERRORS.some((re) => re.test(error)), `an answer ASP.NET never gives: ${error}`);
  }
}

/** Invocation ids the client sent in whatever of its bytes parse, in either protocol. */
function sentIdsOf(records: Uint8Array[], protocol: HubProtocol): Set<string> {
  const ids = new Set<string>(['probe']);
  for (const bytes of records) {
    try {
      const message = protocol.parse(bytes) as { invocationId?: unknown } | null;
      if (typeof message?.invocationId === 'string') ids.add(message.invocationId);
    } catch {
      // not a message
    }
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------------
// The handler, on a recording transport.

class Recorder implements TransportSink {
  chunks: Uint8Array[] = [];
  ended = false;
  /** Whether the hub had ended the connection before the harness disposed of it. */
  endedByHub = false;
  constructor(private readonly connection: HttpConnection) {}
  send(data: Uint8Array): void {
    this.chunks.push(data);
  }
  end(): void {
    this.ended = true;
    queueMicrotask(() => this.connection.dispose());
  }
  destroy(): void {
    this.ended = true;
  }
  bufferedBytes(): number {
    return 0;
  }
  output(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.chunks));
  }
}

const errors: string[] = [];
const logger: Logger = { info() {}, warn() {}, error: (message) => void errors.push(message) };

/** The handler with the server's defaults (32 KB messages, 50 invocations a second...), and a logger that keeps errors. */
const handler = () => testHandler({ logger });

let nextConnection = 0;

/**
 * A connection on the handler, fed `chunks` one after another; resolves once everything queued has run, and the
 * connection is gone (the client left, if the hub had not ended it), so nothing of it should stay behind.
 */
async function feed(h: HubConnectionHandler, chunks: Uint8Array[]): Promise<Recorder> {
  let recorder!: Recorder;
  const connection = openConnection(h, (c) => (recorder = new Recorder(c)), `fuzz-${++nextConnection}`);
  for (const chunk of chunks) connection.receive(chunk);
  // Invocations run one after another on promises: let them all settle.
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  await settle();
  recorder.endedByHub = recorder.ended;
  connection.dispose();
  await settle();
  return recorder;
}

const JSON_HANDSHAKE = utf8('{"protocol":"json","version":1}\x1e');
const MSGPACK_HANDSHAKE = utf8('{"protocol":"messagepack","version":1}\x1e');
const JSON_PROBE = utf8('{"type":1,"invocationId":"probe","target":"Leave","arguments":["probe"]}\x1e');
const MSGPACK_PROBE = msgpackFrame([1, {}, 'probe', 'Leave', ['probe'], []]);

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
before(() => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});
after(() => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

describe('fuzzing the parsers', () => {
  it('JSON and MessagePack: frameLength and parse throw nothing but InvalidDataError, on any bytes', () => {
    for (const [protocol, frames] of [
      [jsonHubProtocol, fc.oneof(jsonRecord, fc.uint8Array({ maxLength: 80 }))],
      [messagePackHubProtocol, fc.oneof(msgpackFrameArb, fc.uint8Array({ maxLength: 80 }))],
    ] as const) {
      fc.assert(
        fc.property(frames, (bytes) => {
          try {
            const length = protocol.frameLength(bytes, 0);
            if (length !== null) protocol.parse(bytes.subarray(0, length));
          } catch (error) {
            if (!(error instanceof InvalidDataError)) throw error;
          }
        }),
        { numRuns: 5_000, seed: SEED },
      );
    }
  });

  it('the handshake parser throws nothing but InvalidDataError, and agrees with ASP.NET on what is a handshake', () => {
    fc.assert(
      fc.property(fc.oneof(handshakeBytes(), fc.uint8Array({ maxLength: 80 })), (bytes) => {
        let parsed: ReturnType<typeof parseHandshakeRequest> = null;
        let threw = false;
        try {
          parsed = parseHandshakeRequest(bytes, 0);
        } catch (error) {
          if (!(error instanceof InvalidDataError)) throw error;
          threw = true;
        }
        // The 32 KB window is the handler's (below); the parser reads whatever it is given.
        if (bytes.length > MAX) return;
        const expected = expectedHandshake(bytes);
        if (expected === null) assert.equal(parsed, null);
        else if (expected === HANDSHAKE_UNEXPECTED) assert.ok(threw);
        else assert.ok(parsed !== null);
      }),
      { numRuns: 5_000, seed: SEED },
    );
  });
});

/** Handshake requests: right, with wrong or missing fields, mutated, cut, or padded past 32 KB. */
function handshakeBytes(): fc.Arbitrary<Uint8Array> {
  const request = fc.record(
    {
      protocol: fc.oneof(fc.constantFrom('json', 'messagepack', 'JSON', 'foo', ''), value),
      version: fc.oneof(fc.constantFrom(0, 1, 2, 3, -1, 2 ** 31, 1.5), value),
      extra: value,
    },
    { requiredKeys: [] },
  );
  const text = request.map((r) => utf8(JSON.stringify(r)));
  return fc.oneof(
    text.map((t) => new Uint8Array([...t, 0x1e])),
    mutated(text.map((t) => new Uint8Array([...t, 0x1e]))),
    text,
    fc.constant(utf8(`{"protocol":"json","version":1,"pad":"${'x'.repeat(MAX)}"}\x1e`)),
    fc.constant(utf8(`{"protocol":"json","pad":"${'x'.repeat(MAX + 10)}`)),
  );
}

describe('fuzzing the connection handler (real MessageHub, recording transport)', () => {
  it('the handshake: exactly the answer ASP.NET gives, then the connection ends or goes on as it should', async () => {
    const { handler: h } = handler();
    await fc.assert(
      fc.asyncProperty(handshakeBytes(), cuts, async (bytes, at) => {
        const recorder = await feed(h, chunked(bytes, at));
        const expected = expectedHandshake(bytes);
        const { handshake } = readOutput(recorder.output().subarray(0, (recorder.output().indexOf(0x1e) + 1) || 0), null);
        assert.equal(handshake, expected);
        assert.equal(recorder.endedByHub, expected !== null && expected !== '', 'an error answer, and only that, ends the connection');
      }),
      { numRuns: 2_000, seed: SEED },
    );
    assert.deepEqual(unhandled, []);
    assert.deepEqual(errors, []);
  });

  for (const [name, handshake, record, probe, protocol] of [
    ['JSON', JSON_HANDSHAKE, jsonRecord, JSON_PROBE, jsonHubProtocol],
    ['MessagePack', MSGPACK_HANDSHAKE, msgpackFrameArb, MSGPACK_PROBE, messagePackHubProtocol],
  ] as const) {
    it(`${name}: random and mutated messages never throw out of the loop, get only ASP.NET's answers, and never stall the connection`, async () => {
      const { handler: h, lifetime } = handler();
      await fc.assert(
        fc.asyncProperty(fc.array(record, { maxLength: 8 }), trailing, cuts, async (records, tail, at) => {
          const stream = Buffer.concat([handshake, ...records, ...(tail.length ? [tail] : [probe])]);
          const recorder = await feed(h, chunked(new Uint8Array(stream), at));
          const out = readOutput(recorder.output(), protocol);
          assert.equal(out.handshake, '');
          assertLegal(out.messages, sentIdsOf(records, protocol));
          const closed = out.messages.at(-1)?.type === 7;
          assert.equal(recorder.endedByHub, closed, 'the connection ends exactly when the hub sent a Close');
          // Whole messages only, then the probe: it is answered unless the hub closed the connection.
          if (tail.length === 0 && !closed) {
            assert.ok(out.messages.some((m) => m.type === 3 && m.invocationId === 'probe'), 'the probe got no answer: the connection stalled');
          }
        }),
        { numRuns: 1_500, seed: SEED },
      );
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
      assert.deepEqual(errors, [], 'no hub method failed unexpectedly');
      // Every connection left, and took its channels with it.
      assert.equal(h.connectionCount, 0);
      assert.deepEqual([...lifetime.allConnections()], []);
      assert.deepEqual([...lifetime.groupNames()], []);
    });
  }

  it('holds no memory per bad frame: 20,000 bad connections, and 20,000 bad frames on one that lives', async () => {
    const { handler: h } = handler();
    const badFrames = fc.sample(fc.oneof(jsonRecord, fc.uint8Array({ minLength: 1, maxLength: 60 })), { numRuns: 2_000, seed: SEED });
    const run = async (from: number, count: number) => {
      for (let i = from; i < from + count; i++) await feed(h, [JSON_HANDSHAKE, badFrames[i % badFrames.length]!]);
    };
    await run(0, 2_000); // warm up: code compiled, pools filled
    const before = heldHeap();
    await run(2_000, 20_000);
    const grown = heldHeap() - before;
    assert.ok(grown < 2 * 1024 * 1024, `the heap grew by ${grown} bytes over 20,000 bad connections`);
    assert.equal(h.connectionCount, 0, 'every bad connection is gone');

    // One connection that stays up through frames that each get an answer or nothing: unknown types, send() of
    // unknown methods (past the rate limit, too), Completions and StreamItems for ids never issued.
    let recorder!: Recorder;
    const connection = openConnection(h, (c) => (recorder = new Recorder(c)), 'long-lived');
    connection.receive(JSON_HANDSHAKE);
    const skippable = utf8(
      ['{"type":99,"x":[1,2,3]}', '{"type":1,"target":"Nope","arguments":[1]}', '{"type":3,"invocationId":"9","result":1}', '{"type":2,"invocationId":"9","item":null}']
        .map((m) => m + RS)
        .join(''),
    );
    const feedMany = async (count: number) => {
      for (let i = 0; i < count; i++) {
        connection.receive(skippable);
        recorder.chunks = [];
        if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    await feedMany(1_000);
    const start = heldHeap();
    await feedMany(5_000); // 20,000 frames
    const growth = heldHeap() - start;
    assert.ok(growth < 1024 * 1024, `the heap grew by ${growth} bytes over 20,000 frames on one connection`);
    assert.equal(recorder.ended, false, 'the connection is still up');
    connection.dispose();
  });
});

describe('fuzzing a real server over the wire', () => {
  let hub: HubServer;
  let healthy: { check(): Promise<void>; stop(): Promise<void> };
  before(async () => {
    hub = await createHubServer({ port: 0, logger });
    healthy = await healthyPair(hub.url);
  });
  after(async () => {
    await healthy.stop();
    await hub.close();
  });

  for (const [name, protocolName, record, protocol] of [
    ['JSON', 'json', jsonRecord, jsonHubProtocol],
    ['MessagePack', 'messagepack', msgpackFrameArb, messagePackHubProtocol],
  ] as const) {
    it(`WebSockets, ${name}: only ASP.NET's answers, a close 1000 after a Close, and the healthy pair unharmed`, async () => {
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 6 }), cuts, async (records, at) => {
          const socket = await RawSocket.connect(`${wsUrl(hub.url)}/messagehub`, protocolName);
          try {
            const bytes = new Uint8Array(Buffer.concat([...records, protocolName === 'json' ? JSON_PROBE : MSGPACK_PROBE]));
            for (const chunk of chunked(bytes, at)) socket.send(chunk, true);
            const messages: Array<Record<string, unknown>> = [];
            // Until the probe's answer or a Close; each frame holds whole messages.
            while (!messages.some((m) => (m.type === 3 && m.invocationId === 'probe') || m.type === 7)) {
              const frame = await socket.nextFrame(5_000);
              let offset = 0;
              while (offset < frame.data.length) {
                const length = protocol.frameLength(frame.data, offset);
                assert.ok(length !== null, 'a frame ended mid-message');
                messages.push(protocol.parse(frame.data.subarray(offset, offset + length)) as unknown as Record<string, unknown>);
                offset += length;
              }
            }
            assertLegal(messages, sentIdsOf(records, protocol));
            if (messages.at(-1)!.type === 7) assert.equal((await socket.expectClose(5_000)).code, 1000);
          } finally {
            socket.terminate();
          }
          if (++runs % 25 === 0) await healthy.check();
        }),
        { numRuns: 100, seed: SEED },
      );
      await healthy.check();
      assert.deepEqual(unhandled, []);
      assert.deepEqual(errors, []);
    });
  }

  it('long polling: bad POST bodies get the same answers, and the connection ends cleanly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(jsonRecord, { minLength: 1, maxLength: 4 }), async (records) => {
        const { token } = await negotiate(hub.url);
        const url = `${hub.url}/messagehub?id=${token}`;
        assert.equal((await http(url)).status, 200);
        const body = Buffer.concat([JSON_HANDSHAKE, ...records, JSON_PROBE]);
        assert.equal((await http(url, { method: 'POST', body })).status, 200);
        const text: string[] = [];
        for (let i = 1; !text.join('').includes('"probe"') && !text.join('').includes('"type":7'); i++) {
          const poll = await http(`${url}&_=${i}`);
          if (poll.status === 204) break;
          text.push(poll.text);
        }
        const all = text.join('');
        assert.ok(all.startsWith(`{}${RS}`), all.slice(0, 80));
        const messages = all.slice(3).split(RS).filter(Boolean).map((m) => JSON.parse(m) as Record<string, unknown>);
        assertLegal(messages, sentIdsOf(records, jsonHubProtocol));
        await http(url, { method: 'DELETE' });
      }),
      { numRuns: 40, seed: SEED },
    );
    await healthy.check();
  });
});

async function healthyPair(url: string) {
  const build = () =>
    new signalr.HubConnectionBuilder()
      .withUrl(`${url}/messagehub`, { transport: signalr.HttpTransportType.WebSockets })
      .configureLogging(signalr.LogLevel.None)
      .build();
  const [a, b] = [build(), build()];
  const got: string[] = [];
  let wake: (() => void) | null = null;
  b.on('SignalWebRtc', (_c: string, _t: string, payload: string) => {
    got.push(payload);
    wake?.();
  });
  for (const c of [a, b]) c.on('Join', () => {});
  await Promise.all([a.start(), b.start()]);
  await a.invoke('Join', 'fuzz-healthy');
  await b.invoke('Join', 'fuzz-healthy');
  let n = 0;
  return {
    async check() {
      const payload = `ping ${++n}`;
      const arrived = new Promise<void>((resolve) => (wake = () => got.includes(payload) && resolve()));
      await a.invoke('SignalWebRtc', 'fuzz-healthy', 'candidate', payload);
      await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error('the healthy pair stopped working')), 5_000))]);
      assert.equal(a.state, signalr.HubConnectionState.Connected);
    },
    async stop() {
      await Promise.all([a.stop(), b.stop()]);
    },
  };
}
