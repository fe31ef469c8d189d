import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { JsonHubProtocol as ClientJsonHubProtocol, NullLogger } from '@microsoft/signalr';
import { MessagePackHubProtocol as ClientMessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';
import {
  HANDSHAKE_CANCELED,
  HANDSHAKE_UNEXPECTED,
  InvalidDataError,
  MessageType,
  RECORD_SEPARATOR,
  appendRecordSeparator,
  decodeTextRecord,
  encodeTextRecord,
  findRecordSeparator,
  hubProtocols,
  jsonHubProtocol,
  lengthPrefixSize,
  messagePackHubProtocol,
  parseHandshakeRequest,
  prependLengthPrefix,
  readLengthPrefix,
  transferFormatError,
  unsupportedProtocolError,
  unsupportedVersionError,
  writeHandshakeResponse,
  writeLengthPrefix,
  type HubMessage,
  type HubProtocol,
} from '../src/protocol/index.js';

// Helpers -------------------------------------------------------------------------------------------

/** `hex('0f 96 01')` → bytes. Spaces are for reading only. */
function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

const utf8 = new TextEncoder();

/** A JSON record as a client sends it: UTF-8 text + 0x1E. */
function jsonFrame(text: string): Uint8Array {
  return utf8.encode(text + '\x1e');
}

/** A MessagePack message as a client sends it: length prefix + msgpack array. */
function msgpackFrame(items: unknown[]): Uint8Array {
  return prependLengthPrefix(encode(items));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Splits a buffer the way the hub's read loop will: frameLength, then parse, until a frame is incomplete. */
function parseAll(protocol: HubProtocol, buffer: Uint8Array): { messages: (HubMessage | null)[]; rest: number } {
  const messages: (HubMessage | null)[] = [];
  let offset = 0;
  for (;;) {
    const length = protocol.frameLength(buffer, offset);
    if (length === null) return { messages, rest: buffer.length - offset };
    messages.push(protocol.parse(buffer.subarray(offset, offset + length)));
    offset += length;
  }
}

function assertInvalid(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidDataError, `expected InvalidDataError, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

function writtenText(protocol: HubProtocol, message: HubMessage): string {
  return Buffer.from(protocol.write(message)).toString('utf8');
}

// Text framing --------------------------------------------------------------------------------------

describe('text message format', () => {
  it('finds the next 0x1E from an offset, or -1', () => {
    const buffer = hex('41 1e 42 43 1e 44');
    assert.equal(RECORD_SEPARATOR, 0x1e);
    assert.equal(findRecordSeparator(buffer), 1);
    assert.equal(findRecordSeparator(buffer, 1), 1);
    assert.equal(findRecordSeparator(buffer, 2), 4);
    assert.equal(findRecordSeparator(buffer, 5), -1);
    assert.equal(findRecordSeparator(new Uint8Array(0)), -1);
  });

  it('appends a separator into a new buffer', () => {
    const payload = hex('7b 7d');
    const framed = appendRecordSeparator(payload);
    assert.equal(toHex(framed), '7b7d1e');
    assert.equal(toHex(payload), '7b7d', 'input untouched');
  });

  it('encodes text as UTF-8 plus separator, and decodes it back', () => {
    const framed = encodeTextRecord('é€😀');
    assert.equal(toHex(framed), 'c3a9e282acf09f98801e');
    assert.equal(decodeTextRecord(framed, 0, framed.length - 1), 'é€😀');
  });

  it('rejects invalid UTF-8 instead of patching it with U+FFFD', () => {
    assertInvalid(() => decodeTextRecord(hex('22 c3 28 22'), 0, 4), 'Error reading JSON.');
  });
});

// Binary framing ------------------------------------------------------------------------------------

describe('binary message format (VarInt length prefix)', () => {
  const boundaries: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [2097151, 'ffff7f'],
    [2097152, '80808001'],
    [268435455, 'ffffff7f'],
    [268435456, '8080808001'],
    [0x7fffffff, 'ffffffff07'],
  ];

  for (const [length, bytes] of boundaries) {
    it(`writes and reads ${length} as ${bytes}`, () => {
      assert.equal(toHex(writeLengthPrefix(length)), bytes);
      assert.equal(lengthPrefixSize(length), bytes.length / 2);
      assert.deepEqual(readLengthPrefix(hex(bytes)), { length, prefixBytes: bytes.length / 2 });
    });
  }

  it('reads at an offset and ignores the bytes after the prefix', () => {
    assert.deepEqual(readLengthPrefix(hex('aa bb 80 01 ff ff'), 2), { length: 128, prefixBytes: 2 });
  });

  it('accepts a non-minimal prefix, as ASP.NET does', () => {
    assert.deepEqual(readLengthPrefix(hex('80 00')), { length: 0, prefixBytes: 2 });
  });

  it('returns null for an incomplete prefix', () => {
    assert.equal(readLengthPrefix(new Uint8Array(0)), null);
    assert.equal(readLengthPrefix(hex('80')), null);
    assert.equal(readLengthPrefix(hex('ff ff ff ff')), null);
    assert.equal(readLengthPrefix(hex('01 80'), 1), null);
  });

  it('throws for a prefix over 5 bytes or a length over 0x7fffffff', () => {
    const tooLarge = 'Messages bigger than 2GB are not supported.';
    assertInvalid(() => readLengthPrefix(hex('ff ff ff ff ff 01')), tooLarge);
    assertInvalid(() => readLengthPrefix(hex('80 80 80 80 80')), tooLarge);
    assertInvalid(() => readLengthPrefix(hex('ff ff ff ff 08')), tooLarge);
    assertInvalid(() => readLengthPrefix(hex('80 80 80 80 10')), tooLarge);
  });

  it('refuses to write a length it cannot encode', () => {
    assert.throws(() => writeLengthPrefix(0x80000000), RangeError);
    assert.throws(() => writeLengthPrefix(-1), RangeError);
    assert.throws(() => writeLengthPrefix(1.5), RangeError);
  });

  it('prepends the prefix in one buffer', () => {
    assert.equal(toHex(prependLengthPrefix(hex('91 06'))), '029106');
    const big = new Uint8Array(200).fill(7);
    const framed = prependLengthPrefix(big);
    assert.equal(toHex(framed.subarray(0, 3)), 'c80107');
    assert.equal(framed.length, 202);
  });
});

// Handshake -----------------------------------------------------------------------------------------

describe('handshake', () => {
  it('parses a request and reports the bytes it took', () => {
    const buffer = jsonFrame('{"protocol":"json","version":1}');
    assert.deepEqual(parseHandshakeRequest(buffer), { request: { protocol: 'json', version: 1 }, consumed: 32 });
  });

  it('parses at an offset and leaves following messages alone', () => {
    const buffer = concat(hex('ff ff'), jsonFrame('{"version":2,"protocol":"messagepack"}'), hex('02 91 06'));
    const parsed = parseHandshakeRequest(buffer, 2);
    assert.deepEqual(parsed, { request: { protocol: 'messagepack', version: 2 }, consumed: 39 });
    assert.equal(toHex(buffer.subarray(2 + parsed.consumed)), '029106');
  });

  it('returns null until the 0x1E arrives', () => {
    assert.equal(parseHandshakeRequest(utf8.encode('{"protocol":"json","version":1}')), null);
    assert.equal(parseHandshakeRequest(new Uint8Array(0)), null);
  });

  it('ignores unknown properties', () => {
    const parsed = parseHandshakeRequest(jsonFrame('{"x":{"y":[1]},"protocol":"json","version":1,"z":null}'));
    assert.deepEqual(parsed?.request, { protocol: 'json', version: 1 });
  });

  const invalid: [string, string, string][] = [
    ['bad JSON', '{"protocol":', 'Error reading JSON.'],
    ['empty record', '', 'Error reading JSON.'],
    ['an array', '["json",1]', 'Expected the handshake request to be a JSON object.'],
    ['a string', '"json"', 'Expected the handshake request to be a JSON object.'],
    ['null', 'null', 'Expected the handshake request to be a JSON object.'],
    ['no protocol', '{"version":1}', "Missing required property 'protocol'."],
    ['null protocol', '{"protocol":null,"version":1}', "Missing required property 'protocol'."],
    ['numeric protocol', '{"protocol":1,"version":1}', "Expected 'protocol' to be of type String."],
    ['no version', '{"protocol":"json"}', "Missing required property 'version'."],
    ['string version', '{"protocol":"json","version":"1"}', "Expected 'version' to be of type Number."],
    ['fractional version', '{"protocol":"json","version":1.5}', "Expected 'version' to be of type Number."],
  ];
  for (const [name, text, message] of invalid) {
    it(`rejects ${name}`, () => assertInvalid(() => parseHandshakeRequest(jsonFrame(text)), message));
  }

  it('rejects invalid UTF-8', () => {
    assertInvalid(() => parseHandshakeRequest(hex('7b 22 c3 28 22 3a 31 7d 1e')), 'Error reading JSON.');
  });

  it('writes exactly {} + 0x1E on success', () => {
    assert.equal(toHex(writeHandshakeResponse()), '7b7d1e');
    assert.equal(toHex(writeHandshakeResponse('')), '7b7d1e', 'an empty error is success, as in ASP.NET');
  });

  it('writes {"error":...} + 0x1E on failure, JSON-escaped', () => {
    const bytes = writeHandshakeResponse(unsupportedProtocolError('a"b'));
    assert.equal(Buffer.from(bytes).toString(), '{"error":"The protocol \'a\\"b\' is not supported."}\x1e');
  });

  it('builds the exact ASP.NET error strings', () => {
    assert.equal(unsupportedProtocolError('foo'), "The protocol 'foo' is not supported.");
    assert.equal(unsupportedVersionError('json', 3), "The server does not support version 3 of the 'json' protocol.");
    assert.equal(
      transferFormatError('messagepack'),
      "Cannot use the 'messagepack' protocol on the current transport. The transport does not support 'Binary' transfer format.",
    );
    assert.equal(HANDSHAKE_CANCELED, 'Handshake was canceled.');
    assert.equal(HANDSHAKE_UNEXPECTED, 'An unexpected error occurred during connection handshake.');
  });
});

// Registry ------------------------------------------------------------------------------------------

describe('hubProtocols', () => {
  it('maps the handshake names to the protocols', () => {
    assert.deepEqual([...hubProtocols.keys()], ['json', 'messagepack']);
    assert.equal(hubProtocols.get('json'), jsonHubProtocol);
    assert.equal(hubProtocols.get('messagepack'), messagePackHubProtocol);
    assert.equal(jsonHubProtocol.transferFormat, 'Text');
    assert.equal(messagePackHubProtocol.transferFormat, 'Binary');
  });

  it('accepts handshake versions up to 2', () => {
    for (const protocol of hubProtocols.values()) {
      assert.deepEqual([0, 1, 2, 3].map((v) => protocol.isVersionSupported(v)), [true, true, true, false]);
    }
  });
});

// JSON hub protocol ---------------------------------------------------------------------------------

describe('JSON hub protocol: framing', () => {
  it('splits several messages in one buffer and keeps a partial one for later', () => {
    const buffer = concat(
      jsonFrame('{"type":6}'),
      jsonFrame('{"type":1,"target":"Echo","arguments":["a"]}'),
      utf8.encode('{"type":6'),
    );
    assert.equal(jsonHubProtocol.frameLength(buffer, 0), 11);
    assert.equal(jsonHubProtocol.frameLength(buffer, 11), 45);
    assert.equal(jsonHubProtocol.frameLength(buffer, 56), null);
    const { messages, rest } = parseAll(jsonHubProtocol, buffer);
    assert.deepEqual(messages, [
      { type: 6 },
      { type: 1, target: 'Echo', arguments: ['a'] },
    ]);
    assert.equal(rest, 9);
  });

  it('waits when a multi-byte character is split across reads', () => {
    const whole = jsonFrame('{"type":1,"target":"Say","arguments":["héllo"]}');
    const splitAt = whole.indexOf(0xc3) + 1; // between the two bytes of "é"
    assert.equal(jsonHubProtocol.frameLength(whole.subarray(0, splitAt), 0), null);
    assert.deepEqual(jsonHubProtocol.parse(whole), { type: 1, target: 'Say', arguments: ['héllo'] });
  });

  it('writes non-ASCII text as raw UTF-8 and reads it back', () => {
    const text = 'héllo — 日本語 😀 \u0000 "q" \\';
    const bytes = jsonHubProtocol.write({ type: MessageType.Invocation, target: 'Say', arguments: [text] });
    const expected = `{"type":1,"target":"Say","arguments":[${JSON.stringify(text)}]}\x1e`;
    assert.deepEqual(bytes, utf8.encode(expected));
    assert.ok(Buffer.from(bytes).includes(Buffer.from('日本語')), 'not \\u-escaped');
    assert.deepEqual(jsonHubProtocol.parse(bytes), { type: 1, target: 'Say', arguments: [text] });
  });

  it('escapes a 0x1E inside a string, so it never ends the record early', () => {
    const bytes = jsonHubProtocol.write({ type: MessageType.StreamItem, invocationId: '1', item: 'a\x1eb' });
    assert.equal(bytes.indexOf(RECORD_SEPARATOR), bytes.length - 1);
    assert.deepEqual(jsonHubProtocol.parse(bytes), { type: 2, invocationId: '1', item: 'a\x1eb' });
  });

  it('requires the frame to end with 0x1E', () => {
    assertInvalid(() => jsonHubProtocol.parse(utf8.encode('{"type":6}')), 'Message is missing the 0x1E record separator.');
    assertInvalid(() => jsonHubProtocol.parse(new Uint8Array(0)), 'Message is missing the 0x1E record separator.');
  });
});

describe('JSON hub protocol: parsing', () => {
  const cases: [string, string, HubMessage][] = [
    [
      'Invocation (blocking, with headers and stream ids)',
      '{"type":1,"headers":{"a":"b"},"invocationId":"0","target":"Up","arguments":[1,null],"streamIds":["1"]}',
      { type: 1, headers: { a: 'b' }, invocationId: '0', target: 'Up', arguments: [1, null], streamIds: ['1'] },
    ],
    [
      'Invocation (non-blocking, no id)',
      '{"type":1,"target":"Send","arguments":[]}',
      { type: 1, target: 'Send', arguments: [] },
    ],
    [
      'Invocation with "streamIds":[] from 3.1.x clients',
      '{"arguments":["x"],"invocationId":"0","streamIds":[],"target":"Echo","type":1}',
      { type: 1, invocationId: '0', target: 'Echo', arguments: ['x'] },
    ],
    [
      'Invocation with an empty id (non-blocking)',
      '{"type":1,"invocationId":"","target":"Send","arguments":[]}',
      { type: 1, target: 'Send', arguments: [] },
    ],
    [
      'StreamItem',
      '{"type":2,"invocationId":"1","item":{"x":[1,2]}}',
      { type: 2, invocationId: '1', item: { x: [1, 2] } },
    ],
    ['StreamItem with a null item', '{"type":2,"invocationId":"1","item":null}', { type: 2, invocationId: '1', item: null }],
    ['Completion (void)', '{"type":3,"invocationId":"1"}', { type: 3, invocationId: '1' }],
    ['Completion (null result)', '{"type":3,"invocationId":"1","result":null}', { type: 3, invocationId: '1', result: null }],
    ['Completion (result)', '{"type":3,"invocationId":"1","result":[1,"a"]}', { type: 3, invocationId: '1', result: [1, 'a'] }],
    ['Completion (error)', '{"type":3,"invocationId":"1","error":"no"}', { type: 3, invocationId: '1', error: 'no' }],
    ['Completion (null error, result)', '{"type":3,"invocationId":"1","error":null,"result":2}', { type: 3, invocationId: '1', result: 2 }],
    [
      'StreamInvocation',
      '{"type":4,"invocationId":"2","target":"Counter","arguments":[10],"streamIds":["3"]}',
      { type: 4, invocationId: '2', target: 'Counter', arguments: [10], streamIds: ['3'] },
    ],
    ['CancelInvocation', '{"type":5,"invocationId":"2"}', { type: 5, invocationId: '2' }],
    ['Ping', '{"type":6}', { type: 6 }],
    ['Close (empty, as clients send on stop())', '{"type":7}', { type: 7 }],
    ['Close (error, allowReconnect)', '{"type":7,"error":"bye","allowReconnect":true}', { type: 7, error: 'bye', allowReconnect: true }],
    ['Close (allowReconnect false)', '{"type":7,"allowReconnect":false}', { type: 7 }],
    ['Ack', '{"type":8,"sequenceId":1394}', { type: 8, sequenceId: 1394 }],
    ['Sequence', '{"type":9,"sequenceId":1}', { type: 9, sequenceId: 1 }],
    [
      'a message with unknown properties',
      '{"future":{"a":[1]},"type":5,"invocationId":"2","extra":null}',
      { type: 5, invocationId: '2' },
    ],
    ['a message with empty headers', '{"type":5,"headers":{},"invocationId":"2"}', { type: 5, invocationId: '2' }],
  ];
  for (const [name, text, expected] of cases) {
    it(`parses ${name}`, () => assert.deepEqual(jsonHubProtocol.parse(jsonFrame(text)), expected));
  }

  it('parses a null invocationId as a non-blocking call', () => {
    assert.deepEqual(jsonHubProtocol.parse(jsonFrame('{"type":1,"invocationId":null,"target":"S","arguments":[]}')), {
      type: 1,
      target: 'S',
      arguments: [],
    });
  });

  it('returns null for an unknown message type, and the frame is still consumed', () => {
    const buffer = concat(jsonFrame('{"type":99,"whatever":[1,2]}'), jsonFrame('{"type":10}'), jsonFrame('{"type":6}'));
    assert.deepEqual(parseAll(jsonHubProtocol, buffer), { messages: [null, null, { type: 6 }], rest: 0 });
  });
});

describe('JSON hub protocol: validation', () => {
  // Each must throw InvalidDataError, which closes the connection (C.4).
  const invalid: [string, string, string][] = [
    ['not JSON', '{"type":', 'Error reading JSON.'],
    ['an empty record', '', 'Error reading JSON.'],
    ['trailing garbage', '{"type":6}x', 'Error reading JSON.'],
    ['an array', '[1]', 'Expected the message to be a JSON object.'],
    ['a number', '6', 'Expected the message to be a JSON object.'],
    ['null', 'null', 'Expected the message to be a JSON object.'],
    ['no type', '{"invocationId":"1"}', "Missing required property 'type'."],
    ['a string type', '{"type":"6"}', "Expected 'type' to be of type Number."],
    ['a null type', '{"type":null}', "Expected 'type' to be of type Number."],
    ['a fractional type', '{"type":1.5}', "Expected 'type' to be of type Number."],
    ['an Invocation without target', '{"type":1,"arguments":[]}', "Missing required property 'target'."],
    ['an Invocation with an empty target', '{"type":1,"target":"","arguments":[]}', "Missing required property 'target'."],
    ['an Invocation with a numeric target', '{"type":1,"target":1,"arguments":[]}', "Expected 'target' to be of type String."],
    ['an Invocation without arguments', '{"type":1,"target":"T"}', "Missing required property 'arguments'."],
    ['an Invocation with object arguments', '{"type":1,"target":"T","arguments":{}}', "Expected 'arguments' to be of type Array."],
    ['a numeric invocationId', '{"type":1,"invocationId":1,"target":"T","arguments":[]}', "Expected 'invocationId' to be of type String."],
    ['streamIds that are not an array', '{"type":1,"target":"T","arguments":[],"streamIds":"1"}', "Expected 'streamIds' to be of type Array."],
    ['a numeric stream id', '{"type":1,"target":"T","arguments":[],"streamIds":[1]}', "Expected 'streamIds' to contain only strings."],
    ['headers that are an array', '{"type":1,"target":"T","arguments":[],"headers":[]}', "Expected 'headers' to be of type Object."],
    ['null headers', '{"type":1,"target":"T","arguments":[],"headers":null}', "Expected 'headers' to be of type Object."],
    ['a numeric header value', '{"type":1,"target":"T","arguments":[],"headers":{"a":1}}', "Expected header 'a' to be of type String."],
    ['a StreamItem without invocationId', '{"type":2,"item":1}', "Missing required property 'invocationId'."],
    ['a StreamItem without item', '{"type":2,"invocationId":"1"}', "Missing required property 'item'."],
    ['a Completion without invocationId', '{"type":3,"result":1}', "Missing required property 'invocationId'."],
    [
      'a Completion with error and result',
      '{"type":3,"invocationId":"1","error":"e","result":null}',
      "The 'error' and 'result' properties are mutually exclusive.",
    ],
    [
      'a Completion with an empty error and a result',
      '{"type":3,"invocationId":"1","error":"","result":1}',
      "The 'error' and 'result' properties are mutually exclusive.",
    ],
    ['a Completion with a numeric error', '{"type":3,"invocationId":"1","error":1}', "Expected 'error' to be of type String."],
    ['a StreamInvocation without invocationId', '{"type":4,"target":"T","arguments":[]}', "Missing required property 'invocationId'."],
    ['a StreamInvocation without arguments', '{"type":4,"invocationId":"1","target":"T"}', "Missing required property 'arguments'."],
    ['a StreamInvocation without target', '{"type":4,"invocationId":"1","arguments":[]}', "Missing required property 'target'."],
    ['a CancelInvocation without invocationId', '{"type":5}', "Missing required property 'invocationId'."],
    ['a Close with a string allowReconnect', '{"type":7,"allowReconnect":"true"}', "Expected 'allowReconnect' to be of type Boolean."],
    ['a Close with a numeric error', '{"type":7,"error":5}', "Expected 'error' to be of type String."],
    ['an Ack without sequenceId', '{"type":8}', "Missing required property 'sequenceId'."],
    ['a Sequence without sequenceId', '{"type":9}', "Missing required property 'sequenceId'."],
    ['a string sequenceId', '{"type":8,"sequenceId":"1"}', "Expected 'sequenceId' to be of type Number."],
    ['a fractional sequenceId', '{"type":9,"sequenceId":1.5}', "Expected 'sequenceId' to be of type Number."],
    // ASP.NET type-checks every known property while reading, before it looks at the type.
    ['a Ping with an ill-typed known property', '{"type":6,"target":1}', "Expected 'target' to be of type String."],
    ['an unknown type with an ill-typed known property', '{"type":99,"invocationId":1}', "Expected 'invocationId' to be of type String."],
  ];
  for (const [name, text, message] of invalid) {
    it(`rejects ${name}`, () => assertInvalid(() => jsonHubProtocol.parse(jsonFrame(text)), message));
  }

  it('rejects invalid UTF-8', () => {
    assertInvalid(() => jsonHubProtocol.parse(hex('7b 22 74 79 70 65 22 3a ff 7d 1e')), 'Error reading JSON.');
  });
});

describe('JSON hub protocol: writing', () => {
  const cases: [string, HubMessage, string][] = [
    [
      'Invocation in ASP.NET property order',
      { streamIds: ['9'], arguments: [1, 'a'], target: 'T', invocationId: 's1', headers: { k: 'v', 'x"y': 'z' }, type: 1 },
      '{"type":1,"headers":{"k":"v","x\\"y":"z"},"invocationId":"s1","target":"T","arguments":[1,"a"],"streamIds":["9"]}',
    ],
    ['Invocation without id', { type: 1, target: 'ReceiveMessage', arguments: ['hi'] }, '{"type":1,"target":"ReceiveMessage","arguments":["hi"]}'],
    [
      'Invocation without empty parts',
      { type: 1, headers: {}, invocationId: '', target: 'T', arguments: [], streamIds: [] },
      '{"type":1,"target":"T","arguments":[]}',
    ],
    ['Invocation with undefined and null arguments', { type: 1, target: 'T', arguments: [undefined, null] }, '{"type":1,"target":"T","arguments":[null,null]}'],
    ['StreamInvocation', { type: 4, invocationId: '1', target: 'S', arguments: [2] }, '{"type":4,"invocationId":"1","target":"S","arguments":[2]}'],
    ['StreamItem', { type: 2, invocationId: '1', item: { a: 1 } }, '{"type":2,"invocationId":"1","item":{"a":1}}'],
    ['StreamItem with null item', { type: 2, invocationId: '1', item: null }, '{"type":2,"invocationId":"1","item":null}'],
    ['StreamItem with undefined item', { type: 2, invocationId: '1', item: undefined }, '{"type":2,"invocationId":"1","item":null}'],
    ['Completion (void)', { type: 3, invocationId: '1' }, '{"type":3,"invocationId":"1"}'],
    ['Completion (result)', { type: 3, invocationId: '1', result: 'ok' }, '{"type":3,"invocationId":"1","result":"ok"}'],
    ['Completion (null result)', { type: 3, invocationId: '1', result: null }, '{"type":3,"invocationId":"1","result":null}'],
    ['Completion (undefined result, present)', { type: 3, invocationId: '1', result: undefined }, '{"type":3,"invocationId":"1","result":null}'],
    ['Completion (error)', { type: 3, invocationId: '1', error: 'Boom.' }, '{"type":3,"invocationId":"1","error":"Boom."}'],
    ['Completion (error wins over result)', { type: 3, invocationId: '1', error: 'e', result: 1 }, '{"type":3,"invocationId":"1","error":"e"}'],
    ['Completion (empty error, result)', { type: 3, invocationId: '1', error: '', result: 1 }, '{"type":3,"invocationId":"1","result":1}'],
    ['Completion with headers', { type: 3, headers: { a: 'b' }, invocationId: '1' }, '{"type":3,"headers":{"a":"b"},"invocationId":"1"}'],
    ['CancelInvocation', { type: 5, invocationId: '7' }, '{"type":5,"invocationId":"7"}'],
    ['Ping', { type: 6 }, '{"type":6}'],
    ['Close (empty)', { type: 7 }, '{"type":7}'],
    ['Close (allowReconnect false)', { type: 7, allowReconnect: false }, '{"type":7}'],
    ['Close (allowReconnect only)', { type: 7, allowReconnect: true }, '{"type":7,"allowReconnect":true}'],
    [
      'Close (error and allowReconnect)',
      { type: 7, error: 'Connection closed with an error.', allowReconnect: true },
      '{"type":7,"error":"Connection closed with an error.","allowReconnect":true}',
    ],
    ['Close (empty error is still written)', { type: 7, error: '' }, '{"type":7,"error":""}'],
    ['Ack', { type: 8, sequenceId: 12 }, '{"type":8,"sequenceId":12}'],
    ['Sequence', { type: 9, sequenceId: 1 }, '{"type":9,"sequenceId":1}'],
  ];
  for (const [name, message, text] of cases) {
    it(`writes ${name}`, () => assert.equal(writtenText(jsonHubProtocol, message), text + '\x1e'));
  }

  it('writes a void Completion as exactly these bytes', () => {
    assert.equal(
      toHex(jsonHubProtocol.write({ type: 3, invocationId: '1' })),
      Buffer.from('{"type":3,"invocationId":"1"}\x1e').toString('hex'),
    );
  });

  it('rejects an unknown message type', () => {
    assert.throws(() => jsonHubProtocol.write({ type: 42 } as unknown as HubMessage), TypeError);
  });
});

// MessagePack hub protocol --------------------------------------------------------------------------

describe('MessagePack hub protocol: framing', () => {
  it('splits several messages in one buffer and keeps a partial one for later', () => {
    const buffer = concat(hex('02 91 06'), hex('05 93 05 80 a1 31'), hex('05 93 05 80'));
    assert.equal(messagePackHubProtocol.frameLength(buffer, 0), 3);
    assert.equal(messagePackHubProtocol.frameLength(buffer, 3), 6);
    assert.equal(messagePackHubProtocol.frameLength(buffer, 9), null, 'body incomplete');
    assert.equal(messagePackHubProtocol.frameLength(hex('80'), 0), null, 'prefix incomplete');
    assert.deepEqual(parseAll(messagePackHubProtocol, buffer), {
      messages: [{ type: 6 }, { type: 5, invocationId: '1' }],
      rest: 4,
    });
  });

  it('measures a frame with a multi-byte prefix', () => {
    const frame = msgpackFrame([2, {}, '1', 'x'.repeat(200)]);
    assert.equal(toHex(frame.subarray(0, 2)), 'cf01'); // 207 bytes
    assert.equal(messagePackHubProtocol.frameLength(frame, 0), frame.length);
    assert.equal(messagePackHubProtocol.frameLength(frame.subarray(0, frame.length - 1), 0), null);
  });

  it('throws on an over-long length prefix', () => {
    assertInvalid(() => messagePackHubProtocol.frameLength(hex('ff ff ff ff ff 01'), 0), 'Messages bigger than 2GB are not supported.');
  });

  it('rejects a frame shorter than its prefix says', () => {
    assertInvalid(() => messagePackHubProtocol.parse(hex('05 93 05 80')), 'Message is shorter than its length prefix.');
    assertInvalid(() => messagePackHubProtocol.parse(hex('80')), 'Message is shorter than its length prefix.');
  });
});

describe('MessagePack hub protocol: writing', () => {
  const cases: [string, HubMessage, string][] = [
    [
      'Invocation: 6 items, empty headers map, empty StreamIds',
      { type: 1, invocationId: '0', target: 'Echo', arguments: [1, 'x'] },
      '0f 96 01 80 a1 30 a4 4563686f 92 01 a1 78 90',
    ],
    ['Invocation without id: nil', { type: 1, target: 'T', arguments: [] }, '08 96 01 80 c0 a1 54 90 90'],
    ['Invocation with an empty id: nil', { type: 1, invocationId: '', target: 'T', arguments: [] }, '08 96 01 80 c0 a1 54 90 90'],
    [
      'Invocation with headers and stream ids',
      { type: 1, headers: { a: 'b' }, invocationId: '0', target: 'T', arguments: [], streamIds: ['1'] },
      '0f 96 01 81 a1 61 a1 62 a1 30 a1 54 90 91 a1 31',
    ],
    ['StreamInvocation', { type: 4, invocationId: '2', target: 'T', arguments: [3] }, '0a 96 04 80 a1 32 a1 54 91 03 90'],
    ['StreamItem', { type: 2, invocationId: '1', item: 5 }, '06 94 02 80 a1 31 05'],
    ['StreamItem with null item', { type: 2, invocationId: '1', item: null }, '06 94 02 80 a1 31 c0'],
    ['Completion (void): 4 items, kind 2', { type: 3, invocationId: '1' }, '06 94 03 80 a1 31 02'],
    ['Completion (error): 5 items, kind 1', { type: 3, invocationId: '1', error: 'boom' }, '0b 95 03 80 a1 31 01 a4 626f6f6d'],
    ['Completion (result): 5 items, kind 3', { type: 3, invocationId: '1', result: 42 }, '07 95 03 80 a1 31 03 2a'],
    ['Completion (null result)', { type: 3, invocationId: '1', result: null }, '07 95 03 80 a1 31 03 c0'],
    ['Completion (empty error is still an error)', { type: 3, invocationId: '1', error: '' }, '07 95 03 80 a1 31 01 a0'],
    ['CancelInvocation', { type: 5, invocationId: '1' }, '05 93 05 80 a1 31'],
    ['Ping', { type: 6 }, '02 91 06'],
    ['Close (empty): [7, nil, false]', { type: 7 }, '04 93 07 c0 c2'],
    ['Close (empty error written as nil)', { type: 7, error: '' }, '04 93 07 c0 c2'],
    ['Close (error, allowReconnect)', { type: 7, error: 'x', allowReconnect: true }, '05 93 07 a1 78 c3'],
    ['Ack', { type: 8, sequenceId: 3 }, '03 92 08 03'],
    ['Sequence with a uint16 id', { type: 9, sequenceId: 300 }, '05 92 09 cd 01 2c'],
  ];
  for (const [name, message, bytes] of cases) {
    it(`writes ${name}`, () => assert.equal(toHex(messagePackHubProtocol.write(message)), toHex(hex(bytes))));
  }

  it('writes a Completion error starting with 0x95 after the prefix', () => {
    const bytes = messagePackHubProtocol.write({ type: 3, invocationId: '1', error: 'Connection closed.' });
    assert.equal(bytes[1], 0x95);
  });

  it('encodes integers in their smallest form', () => {
    const bytes = messagePackHubProtocol.write({ type: 2, invocationId: '1', item: [0, 127, 128, 65535, 65536, -1, -33, 1.5] });
    assert.equal(
      toHex(bytes.subarray(6)),
      '98' + '00' + '7f' + 'cc80' + 'cdffff' + 'ce00010000' + 'ff' + 'd0df' + 'cb3ff8000000000000',
    );
  });

  it('writes a Uint8Array argument as bin', () => {
    const bytes = messagePackHubProtocol.write({ type: 1, target: 'T', arguments: [Uint8Array.of(1, 2)] });
    assert.equal(toHex(bytes), toHex(hex('0c 96 01 80 c0 a1 54 91 c4 02 01 02 90')));
  });

  it('returns a fresh ping each time', () => {
    const first = messagePackHubProtocol.write({ type: 6 });
    first[0] = 0xff;
    assert.equal(toHex(messagePackHubProtocol.write({ type: 6 })), '029106');
  });

  it('returns buffers that later writes do not overwrite', () => {
    const first = messagePackHubProtocol.write({ type: 2, invocationId: '1', item: 'first' });
    messagePackHubProtocol.write({ type: 2, invocationId: '2', item: 'second' });
    assert.deepEqual(messagePackHubProtocol.parse(first), { type: 2, invocationId: '1', item: 'first' });
  });

  it('gives a 2-byte prefix to a message over 127 bytes', () => {
    const bytes = messagePackHubProtocol.write({ type: 2, invocationId: '1', item: 'x'.repeat(200) });
    assert.deepEqual(readLengthPrefix(bytes), { length: bytes.length - 2, prefixBytes: 2 });
  });

  it('rejects an unknown message type', () => {
    assert.throws(() => messagePackHubProtocol.write({ type: 42 } as unknown as HubMessage), TypeError);
  });
});

describe('MessagePack hub protocol: parsing', () => {
  const cases: [string, unknown[], HubMessage][] = [
    [
      'Invocation with headers and stream ids',
      [1, { a: 'b' }, '0', 'Up', [1, null], ['1']],
      { type: 1, headers: { a: 'b' }, invocationId: '0', target: 'Up', arguments: [1, null], streamIds: ['1'] },
    ],
    ['Invocation from an old client (5 items)', [1, {}, '0', 'Echo', ['x']], { type: 1, invocationId: '0', target: 'Echo', arguments: ['x'] }],
    ['Invocation with nil id (non-blocking)', [1, {}, null, 'Send', [], []], { type: 1, target: 'Send', arguments: [] }],
    ['Invocation with an empty id (non-blocking)', [1, {}, '', 'Send', [], []], { type: 1, target: 'Send', arguments: [] }],
    ['Invocation with extra trailing items', [1, {}, '0', 'T', [], [], 'future', 1], { type: 1, invocationId: '0', target: 'T', arguments: [] }],
    ['StreamItem', [2, {}, '1', { a: [1] }], { type: 2, invocationId: '1', item: { a: [1] } }],
    ['StreamItem with a nil item', [2, {}, '1', null], { type: 2, invocationId: '1', item: null }],
    ['Completion (error)', [3, {}, '1', 1, 'no'], { type: 3, invocationId: '1', error: 'no' }],
    ['Completion (void)', [3, {}, '1', 2], { type: 3, invocationId: '1' }],
    ['Completion (result)', [3, {}, '1', 3, 'ok'], { type: 3, invocationId: '1', result: 'ok' }],
    ['Completion (nil result)', [3, {}, '1', 3, null], { type: 3, invocationId: '1', result: null }],
    ['StreamInvocation (5 items)', [4, {}, '2', 'Counter', [10]], { type: 4, invocationId: '2', target: 'Counter', arguments: [10] }],
    [
      'StreamInvocation with stream ids',
      [4, {}, '2', 'Counter', [], ['3']],
      { type: 4, invocationId: '2', target: 'Counter', arguments: [], streamIds: ['3'] },
    ],
    ['CancelInvocation', [5, {}, '2'], { type: 5, invocationId: '2' }],
    ['Ping', [6], { type: 6 }],
    ['Close as clients send it ([7, nil])', [7, null], { type: 7 }],
    ['Close (error, allowReconnect)', [7, 'bye', true], { type: 7, error: 'bye', allowReconnect: true }],
    ['Close (allowReconnect false)', [7, null, false], { type: 7 }],
    ['Ack', [8, 1394], { type: 8, sequenceId: 1394 }],
    ['Sequence', [9, 1], { type: 9, sequenceId: 1 }],
  ];
  for (const [name, items, expected] of cases) {
    it(`parses ${name}`, () => assert.deepEqual(messagePackHubProtocol.parse(msgpackFrame(items)), expected));
  }

  it('keeps binary arguments as plain Uint8Arrays that do not alias the input', () => {
    const frame = Buffer.from(msgpackFrame([1, {}, '0', 'Send', [Uint8Array.of(1, 2, 3)]]));
    const message = messagePackHubProtocol.parse(frame);
    assert.equal(message?.type, MessageType.Invocation);
    const [arg] = (message as { arguments: unknown[] }).arguments;
    assert.ok(arg instanceof Uint8Array);
    assert.equal(Object.getPrototypeOf(arg), Uint8Array.prototype, 'not a Buffer view of the input');
    frame.fill(0);
    assert.deepEqual(arg, Uint8Array.of(1, 2, 3));
  });

  it('returns null for an unknown message type, and the frame is still consumed', () => {
    const buffer = concat(msgpackFrame([99, 'future']), msgpackFrame([10]), hex('02 91 06'));
    assert.deepEqual(parseAll(messagePackHubProtocol, buffer), { messages: [null, null, { type: 6 }], rest: 0 });
  });
});

describe('MessagePack hub protocol: validation', () => {
  const invalid: [string, unknown, string][] = [
    ['a map instead of an array', { type: 1 }, 'Expected the message to be a MessagePack array.'],
    ['an empty array', [], "Reading 'messageType' as Int32 failed."],
    ['a string type', ['1'], "Reading 'messageType' as Int32 failed."],
    ['nil headers', [1, null, '0', 'T', []], "Reading map length for 'headers' failed."],
    ['array headers', [5, [], '1'], "Reading map length for 'headers' failed."],
    ['a numeric header value', [5, { a: 1 }, '1'], "Reading 'headers[a].Value' as String failed."],
    ['an empty header value', [5, { a: '' }, '1'], 'Null or empty value in header.'],
    ['an empty header name', [5, { '': 'v' }, '1'], 'Null or empty key in header.'],
    ['a numeric invocation id', [1, {}, 1, 'T', []], "Reading 'invocationId' as String failed."],
    ['an Invocation without target', [1, {}, '0', null, []], 'Null or empty target for Invocation message.'],
    ['an Invocation with an empty target', [1, {}, '0', '', []], 'Null or empty target for Invocation message.'],
    ['an Invocation with a numeric target', [1, {}, '0', 5, []], "Reading 'target' as String failed."],
    ['an Invocation cut short', [1, {}, '0'], "Reading 'target' as String failed."],
    ['an Invocation with map arguments', [1, {}, '0', 'T', {}], "Reading array length for 'arguments' failed."],
    ['an Invocation without arguments', [1, {}, '0', 'T'], "Reading array length for 'arguments' failed."],
    ['streamIds that are not an array', [1, {}, '0', 'T', [], 'x'], "Reading array length for 'streamIds' failed."],
    ['a numeric stream id', [1, {}, '0', 'T', [], [1]], 'Null or empty value in streamIds received.'],
    ['a StreamInvocation with nil id', [4, {}, null, 'T', []], 'Null or empty invocation ID for StreamInvocation message.'],
    ['a StreamInvocation without target', [4, {}, '1', '', []], 'Null or empty target for StreamInvocation message.'],
    ['a StreamItem with nil id', [2, {}, null, 1], 'Null or empty invocation ID for StreamItem message.'],
    ['a StreamItem without item', [2, {}, '1'], "Missing 'item' in StreamItem message."],
    ['a Completion with nil id', [3, {}, null, 2], 'Null or empty invocation ID for Completion message.'],
    ['a Completion without result kind', [3, {}, '1'], "Reading 'resultKind' as Int32 failed."],
    ['a Completion with result kind 4', [3, {}, '1', 4, 1], 'Invalid invocation result kind.'],
    ['a Completion error that is nil', [3, {}, '1', 1, null], "Reading 'error' as String failed."],
    ['a Completion result kind without result', [3, {}, '1', 3], "Missing 'result' in Completion message."],
    ['a CancelInvocation with nil id', [5, {}, null], 'Null or empty invocation ID for CancelInvocation message.'],
    ['a CancelInvocation without id', [5, {}], "Reading 'invocationId' as String failed."],
    ['a Close without its error item', [7], "Reading 'error' as String failed."],
    ['a Close with a numeric error', [7, 1], "Reading 'error' as String failed."],
    ['a Close with nil allowReconnect', [7, null, null], "Reading 'allowReconnect' as Boolean failed."],
    ['an Ack without sequence id', [8], "Reading 'sequenceId' as Int64 failed."],
    ['a fractional sequence id', [9, 1.5], "Reading 'sequenceId' as Int64 failed."],
  ];
  for (const [name, value, message] of invalid) {
    it(`rejects ${name}`, () => assertInvalid(() => messagePackHubProtocol.parse(prependLengthPrefix(encode(value))), message));
  }

  it('rejects bytes that are not MessagePack', () => {
    // 0xc1 is the one byte MessagePack never uses.
    assert.throws(() => messagePackHubProtocol.parse(hex('01 c1')), InvalidDataError);
    // An array header promising two items, with one present.
    assert.throws(() => messagePackHubProtocol.parse(hex('02 92 06')), InvalidDataError);
    // Bytes left over after the array.
    assert.throws(() => messagePackHubProtocol.parse(hex('03 91 06 00')), InvalidDataError);
  });
});

// Round trips and interop ---------------------------------------------------------------------------

const everyMessage: HubMessage[] = [
  { type: 1, headers: { a: 'b' }, invocationId: '0', target: 'Up', arguments: [1, 'x', null, { k: [true] }], streamIds: ['1'] },
  { type: 1, target: 'Send', arguments: [] },
  { type: 2, invocationId: '1', item: { n: 1.25 } },
  { type: 2, invocationId: '1', item: null },
  { type: 3, invocationId: '1' },
  { type: 3, invocationId: '1', result: null },
  { type: 3, invocationId: '1', result: 'ok' },
  { type: 3, invocationId: '1', error: 'boom' },
  { type: 4, invocationId: '2', target: 'Counter', arguments: [10] },
  { type: 5, invocationId: '2' },
  { type: 6 },
  { type: 7 },
  { type: 7, error: 'bye', allowReconnect: true },
  { type: 8, sequenceId: 5 },
  { type: 9, sequenceId: 70000 },
];

describe('round trips', () => {
  for (const protocol of [jsonHubProtocol, messagePackHubProtocol]) {
    it(`${protocol.name}: parse(write(message)) gives the message back, for every type`, () => {
      for (const message of everyMessage) {
        const bytes = protocol.write(message);
        assert.equal(protocol.frameLength(bytes, 0), bytes.length);
        assert.deepEqual(protocol.parse(bytes), message, JSON.stringify(message));
      }
    });
  }
});

describe('interop with the official @microsoft/signalr protocols', () => {
  const logger = NullLogger.instance;

  // What the server sends and clients read. Clients skip StreamInvocation and CancelInvocation, which only
  // travel client to server, and ignore StreamIds on a server Invocation.
  const serverSends: HubMessage[] = [
    { type: 1, headers: { a: 'b' }, invocationId: 's0', target: 'Notify', arguments: [1, 'x', null, { k: [true] }] },
    { type: 1, target: 'ReceiveMessage', arguments: ['héllo'] },
    { type: 2, invocationId: '1', item: { n: 1.25 } },
    { type: 2, invocationId: '1', item: null },
    { type: 3, invocationId: '1' },
    { type: 3, invocationId: '1', result: null },
    { type: 3, invocationId: '1', result: 'ok' },
    { type: 3, invocationId: '1', error: 'boom' },
    { type: 6 },
    { type: 7 },
    { type: 7, error: 'Connection closed with an error.', allowReconnect: true },
    { type: 8, sequenceId: 5 },
    { type: 9, sequenceId: 70000 },
  ];

  // What clients send and the server reads. Clients always send Close without error.
  const clientSends: HubMessage[] = [
    { type: 1, invocationId: '0', target: 'Upload', arguments: ['a'], streamIds: ['1'] },
    { type: 1, target: 'Send', arguments: [1, null] },
    { type: 4, invocationId: '2', target: 'Counter', arguments: [10] },
    { type: 2, invocationId: '1', item: 'chunk' },
    { type: 3, invocationId: '1' },
    { type: 3, invocationId: 's0', result: { ok: true } },
    { type: 3, invocationId: 's0', error: "Client didn't provide a result." },
    { type: 5, invocationId: '2' },
    { type: 6 },
    { type: 7 },
    { type: 8, sequenceId: 3 },
    { type: 9, sequenceId: 1 },
  ];

  it('json: the client reads what the server writes', () => {
    const client = new ClientJsonHubProtocol();
    for (const message of serverSends) {
      const parsed = client.parseMessages(Buffer.from(jsonHubProtocol.write(message)).toString(), logger);
      assert.deepEqual(parsed, [message]);
    }
  });

  it('json: the server reads what the client writes', () => {
    const client = new ClientJsonHubProtocol();
    for (const message of clientSends) {
      const written = client.writeMessage(message as never) as string;
      assert.deepEqual(jsonHubProtocol.parse(utf8.encode(written)), message, written);
    }
  });

  it('messagepack: the client reads what the server writes', () => {
    const client = new ClientMessagePackHubProtocol();
    for (const message of serverSends) {
      const [parsed] = client.parseMessages(messagePackHubProtocol.write(message).slice().buffer, logger);
      // The client fills in empty headers and StreamIds; compare those separately.
      const { headers, streamIds, ...rest } = parsed as unknown as Record<string, unknown>;
      const { headers: expectedHeaders, ...expected } = message as unknown as Record<string, unknown>;
      assert.deepEqual(headers ?? {}, expectedHeaders ?? {}, JSON.stringify(message));
      assert.deepEqual(streamIds ?? [], [], JSON.stringify(message));
      // The client sets every field its type has: undefined in a Completion, nil error and false
      // allowReconnect in a Close. The server's message leaves them out.
      for (const key of Object.keys(rest)) if (rest[key] === undefined) delete rest[key];
      if (message.type === MessageType.Close) {
        if (rest['error'] === null) delete rest['error'];
        if (rest['allowReconnect'] === false) delete rest['allowReconnect'];
      }
      assert.deepEqual(rest, expected, JSON.stringify(message));
    }
  });

  it('messagepack: the server reads what the client writes', () => {
    const client = new ClientMessagePackHubProtocol();
    for (const message of clientSends) {
      const written = new Uint8Array(client.writeMessage(message as never));
      assert.deepEqual(messagePackHubProtocol.parse(written), message, toHex(written));
    }
  });
});
