// The relay writes a long string argument as the text it arrived as (raw-json-strings.ts). These check
// that the scanner finds exactly the text JSON.parse read, and that what goes out decodes to the same
// arguments whatever the input's spacing, key order and escaping.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { jsonHubProtocol } from '../src/protocol/json-hub-protocol.js';
import { MessageType, type InvocationMessage } from '../src/protocol/messages.js';
import { RAW_MIN_LENGTH, argumentSpans, forgetRawStrings, rawJsonOf } from '../src/protocol/raw-json-strings.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const frame = (text: string) => encoder.encode(text + '\x1e');
const written = (message: InvocationMessage) => decoder.decode(jsonHubProtocol.write(message)).slice(0, -1);

/** A long SDP-like string with the characters that need escaping in JSON. */
function sdpLike(seed: number): string {
  const lines = [`v=0`, `o=- ${seed} 2 IN IP4 127.0.0.1`, `a=fingerprint:sha-256 "quoted" \\ back\\slash`, `a=é ü 漢 😀 \u2028`];
  let text = JSON.stringify({ type: 'offer', sdp: '' });
  while (text.length < RAW_MIN_LENGTH * 2) text += lines[text.length % lines.length] + '\r\n';
  return text;
}

/** A deterministic pseudo-random source, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('argumentSpans', () => {
  it('finds each string argument as JSON.parse read it, in any key order and spacing', () => {
    const next = random(7);
    for (let round = 0; round < 300; round++) {
      const args: unknown[] = [
        'channel-' + round,
        next() < 0.5 ? 'offer' : 'a "quoted" \\ value\\',
        sdpLike(round),
        ...(next() < 0.3 ? [{ nested: ['"]}', { x: '\\' }] }, 42, null, true] : []),
      ];
      const fields: Array<[string, unknown]> = [
        ['type', 1],
        ['target', 'SignalWebRtc'],
        ['arguments', args],
        ['streamIds', []],
        ['headers', { a: '"{[' }],
      ];
      fields.sort(() => next() - 0.5);
      const text = JSON.stringify(Object.fromEntries(fields), null, next() < 0.5 ? 0 : 2);
      const bytes = encoder.encode(text);
      const spans = argumentSpans(bytes);
      assert.ok(spans, text);
      assert.equal(spans.length, args.length);
      spans.forEach((span, i) => {
        if (typeof args[i] !== 'string') return assert.equal(span, null);
        assert.deepEqual(JSON.parse(decoder.decode(bytes.subarray(span![0], span![1]))), args[i]);
      });
    }
  });

  it('takes the last "arguments" when the key repeats, as JSON.parse does', () => {
    const bytes = encoder.encode('{"arguments":["first"],"type":1,"arguments":["second","x"]}');
    const spans = argumentSpans(bytes)!;
    assert.deepEqual(spans.map((s) => JSON.parse(decoder.decode(bytes.subarray(s![0], s![1])))), ['second', 'x']);
  });

  it('trusts nothing when a top-level key is escaped', () => {
    assert.equal(argumentSpans(encoder.encode('{"argu\\u006dents":["a"],"arguments":["b"]}')), null);
  });
});

describe('the JSON protocol relays long strings as they came', () => {
  it('copies the bytes of a relayed string with non-ASCII text unescaped, as a JS client sends it', () => {
    forgetRawStrings();
    const sdp = sdpLike(4);
    const incoming = jsonHubProtocol.parse(frame(JSON.stringify({ type: 1, target: 'SignalWebRtc', arguments: ['room', sdp] }))) as InvocationMessage;
    const bytes = jsonHubProtocol.write({ type: MessageType.Invocation, target: 'SignalWebRtc', arguments: incoming.arguments });
    assert.equal(bytes.at(-1), 0x1e);
    // Byte for byte what writing it from scratch gives, since a JS client escapes as JSON.stringify does.
    forgetRawStrings();
    assert.deepEqual(bytes, jsonHubProtocol.write({ type: MessageType.Invocation, target: 'SignalWebRtc', arguments: ['room', sdp] }));
  });

  beforeEach(forgetRawStrings);

  it('writes a relayed SDP with its source escaping, and it decodes to the same arguments', () => {
    const sdp = sdpLike(1);
    // How a .NET client writes it: every non-ASCII character escaped.
    const source = JSON.stringify(sdp).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
    const incoming = jsonHubProtocol.parse(frame(`{"type":1,"target":"SignalWebRtc","arguments":["room",  "offer" , ${source}]}`)) as InvocationMessage;
    assert.equal(incoming.arguments[2], sdp);
    const out = written({ type: MessageType.Invocation, target: 'SignalWebRtc', arguments: incoming.arguments });
    assert.ok(out.includes(source), 'the source text was reused');
    assert.deepEqual(JSON.parse(out), { type: 1, target: 'SignalWebRtc', arguments: ['room', 'offer', sdp] });
  });

  it('stringifies as before what it did not parse, and short strings always', () => {
    const sdp = sdpLike(2);
    assert.equal(rawJsonOf(sdp), undefined);
    const args = ['room', 'offer', sdp, undefined, { a: 1 }];
    const out = written({ type: MessageType.Invocation, target: 'SignalWebRtc', arguments: args });
    assert.equal(out, `{"type":1,"target":"SignalWebRtc","arguments":${JSON.stringify(args)}}`);
    jsonHubProtocol.parse(frame(JSON.stringify({ type: 1, target: 'x', arguments: ['short'] })));
    assert.equal(rawJsonOf('short'), undefined);
  });

  it('writes null for undefined arguments beside a relayed one, as JSON.stringify does', () => {
    const sdp = sdpLike(3);
    jsonHubProtocol.parse(frame(JSON.stringify({ type: 1, target: 'x', arguments: [sdp] })));
    const out = written({ type: MessageType.Invocation, target: 'x', arguments: [undefined, sdp, () => 1, 5] });
    assert.deepEqual(JSON.parse(out).arguments, [null, sdp, null, 5]);
  });
});
