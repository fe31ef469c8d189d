// The JSON hub protocol (signalr-wire.md C.2-C.4), matching ASP.NET's JsonHubProtocol: what it accepts,
// the errors it raises, and the exact bytes it writes.

import {
  InvalidDataError,
  MessageType,
  type CancelInvocationMessage,
  type CloseMessage,
  type CompletionMessage,
  type HubMessage,
  type HubProtocol,
  type InvocationMessage,
  type MessageHeaders,
  type StreamInvocationMessage,
  type StreamItemMessage,
} from './messages.js';
import {
  RECORD_SEPARATOR,
  decodeTextRecord,
  encodeTextRecord,
  findRecordSeparator,
} from './text-message-format.js';
import { rawJsonOf, rememberRawArguments } from './raw-json-strings.js';

type JsonObject = Record<string, unknown>;

/** The JSON hub protocol: `json`, Text transfer format, handshake versions up to 2. */
export const jsonHubProtocol: HubProtocol = {
  name: 'json',
  transferFormat: 'Text',

  isVersionSupported(version: number): boolean {
    // ASP.NET 8+ IsVersionSupported: `version <= 2` (C.1). Version 2 only adds Ack and Sequence.
    return version <= 2;
  },

  frameLength(buffer: Uint8Array, offset: number): number | null {
    const end = findRecordSeparator(buffer, offset);
    return end === -1 ? null : end - offset + 1;
  },

  parse(frame: Uint8Array): HubMessage | null {
    const end = frame.length - 1;
    if (end < 0 || frame[end] !== RECORD_SEPARATOR) {
      throw new InvalidDataError('Message is missing the 0x1E record separator.');
    }
    let value: unknown;
    try {
      value = JSON.parse(decodeTextRecord(frame, 0, end));
    } catch (cause) {
      if (cause instanceof InvalidDataError) throw cause;
      throw new InvalidDataError('Error reading JSON.', { cause });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidDataError('Expected the message to be a JSON object.');
    }
    const message = bindMessage(value as JsonObject);
    if (message && (message.type === MessageType.Invocation || message.type === MessageType.StreamInvocation)) {
      rememberRawArguments(frame.subarray(0, end), message.arguments);
    }
    return message;
  },

  write(message: HubMessage): Uint8Array {
    if (message.type === MessageType.Invocation || message.type === MessageType.StreamInvocation) {
      // A long string relayed as it came is copied as it came (raw-json-strings.ts).
      let raws: Array<Uint8Array | undefined> | null = null;
      message.arguments.forEach((arg, i) => {
        const raw = typeof arg === 'string' ? rawJsonOf(arg) : undefined;
        if (raw) (raws ??= [])[i] = raw;
      });
      if (raws) return writeInvocationWithRaw(message, raws);
    }
    return encodeTextRecord(writeMessageCore(message));
  },
};

// Parsing -------------------------------------------------------------------------------------------

/**
 * Builds a typed message from a parsed JSON object.
 * ASP.NET type-checks every known property while reading, whatever the message type, and only then checks
 * what the type requires (JsonHubProtocol.ParseMessage, then Bind*Message). Doing the same keeps the
 * accepted set and the errors identical. Unknown properties are never looked at (C.3 "Extra content").
 */
function bindMessage(json: JsonObject): HubMessage | null {
  const type = readInt32(json, 'type');
  const invocationId = readString(json, 'invocationId');
  const target = readString(json, 'target');
  const error = readString(json, 'error');
  const allowReconnect = readBoolean(json, 'allowReconnect');
  const args = readArguments(json);
  const streamIds = readStreamIds(json);
  const headers = readHeaders(json);
  const sequenceId = readSequenceId(json);

  switch (type) {
    case undefined:
      throw new InvalidDataError("Missing required property 'type'.");

    case MessageType.Invocation: {
      if (!target) throw missing('target');
      if (!args) throw missing('arguments');
      const message: InvocationMessage = { type, target, arguments: args };
      // An empty id means a non-blocking send, like an absent one (ASP.NET: string.IsNullOrEmpty).
      if (invocationId) message.invocationId = invocationId;
      if (streamIds) message.streamIds = streamIds;
      return withHeaders(message, headers);
    }

    case MessageType.StreamInvocation: {
      if (!invocationId) throw missing('invocationId');
      if (!args) throw missing('arguments');
      if (!target) throw missing('target');
      const message: StreamInvocationMessage = { type, invocationId, target, arguments: args };
      if (streamIds) message.streamIds = streamIds;
      return withHeaders(message, headers);
    }

    case MessageType.StreamItem:
      if (!invocationId) throw missing('invocationId');
      // `item` may be null, but must be there: the JS client makes the same distinction (C.3).
      if (!Object.hasOwn(json, 'item')) throw missing('item');
      return withHeaders<StreamItemMessage>({ type, invocationId, item: json['item'] }, headers);

    case MessageType.Completion: {
      if (!invocationId) throw missing('invocationId');
      const hasResult = Object.hasOwn(json, 'result');
      // An empty error still counts as an error here; only a JSON null reads as absent (ASP.NET: error != null).
      if (error !== undefined && hasResult) {
        throw new InvalidDataError("The 'error' and 'result' properties are mutually exclusive.");
      }
      const message: CompletionMessage = { type, invocationId };
      if (error !== undefined) message.error = error;
      // A present `result` (null included) marks a value-returning method; its absence marks a void one.
      if (hasResult) message.result = json['result'];
      return withHeaders(message, headers);
    }

    case MessageType.CancelInvocation:
      if (!invocationId) throw missing('invocationId');
      return withHeaders<CancelInvocationMessage>({ type, invocationId }, headers);

    case MessageType.Ping:
      return { type };

    case MessageType.Close: {
      const message: CloseMessage = { type };
      if (error !== undefined) message.error = error;
      if (allowReconnect) message.allowReconnect = true;
      return message;
    }

    case MessageType.Ack:
    case MessageType.Sequence:
      if (sequenceId === undefined) throw missing('sequenceId');
      return { type, sequenceId };

    default:
      // Future protocol versions may add message types; receivers skip them (C.3 "Unknown message types").
      return null;
  }
}

function withHeaders<T extends { headers?: MessageHeaders }>(message: T, headers: MessageHeaders | undefined): T {
  if (headers) message.headers = headers;
  return message;
}

function missing(property: string): InvalidDataError {
  return new InvalidDataError(`Missing required property '${property}'.`);
}

// The readers below follow ASP.NET's SystemTextJsonExtensions.ReadAs*: a JSON null reads as absent, and any
// other token of the wrong kind is an error.

function readInt32(json: JsonObject, property: string): number | undefined {
  const value = json[property];
  // ASP.NET reads `type` with ReadAsInt32 and reports a null the same way as a wrong token.
  if (typeof value !== 'number' || (value | 0) !== value) {
    if (value === undefined) return undefined;
    throw new InvalidDataError(`Expected '${property}' to be of type Number.`);
  }
  return value;
}

function readString(json: JsonObject, property: string): string | undefined {
  const value = json[property];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidDataError(`Expected '${property}' to be of type String.`);
  return value;
}

function readBoolean(json: JsonObject, property: string): boolean {
  const value = json[property];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InvalidDataError(`Expected '${property}' to be of type Boolean.`);
  return value;
}

function readArguments(json: JsonObject): unknown[] | undefined {
  const value = json['arguments'];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new InvalidDataError("Expected 'arguments' to be of type Array.");
  return value;
}

/** Reads `streamIds`. An empty list comes back as undefined: "no upload streams" has one shape. */
function readStreamIds(json: JsonObject): string[] | undefined {
  const value = json['streamIds'];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new InvalidDataError("Expected 'streamIds' to be of type Array.");
  for (const id of value) {
    if (typeof id !== 'string') throw new InvalidDataError("Expected 'streamIds' to contain only strings.");
  }
  // 3.1.x clients send `"streamIds":[]` on every invocation (C.3).
  return value.length > 0 ? (value as string[]) : undefined;
}

/** Reads `headers`. An empty object comes back as undefined, as ASP.NET applies only non-empty headers. */
function readHeaders(json: JsonObject): MessageHeaders | undefined {
  const value = json['headers'];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidDataError("Expected 'headers' to be of type Object.");
  }
  let empty = true;
  for (const [name, headerValue] of Object.entries(value)) {
    if (typeof headerValue !== 'string') {
      throw new InvalidDataError(`Expected header '${name}' to be of type String.`);
    }
    empty = false;
  }
  return empty ? undefined : (value as MessageHeaders);
}

function readSequenceId(json: JsonObject): number | undefined {
  const value = json['sequenceId'];
  if (value === undefined || value === null) return undefined;
  // ASP.NET reads it as an Int64; JavaScript numbers are exact up to 2^53, far beyond any real sequence.
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidDataError("Expected 'sequenceId' to be of type Number.");
  }
  return value;
}

// Writing -------------------------------------------------------------------------------------------

/**
 * Writes the JSON text of a message without its separator, in ASP.NET's property order
 * (JsonHubProtocol.WriteMessageCore, C.3 "What the server writes").
 * Built by concatenation: the envelope is fixed, so only payload values go through JSON.stringify.
 */
function writeMessageCore(message: HubMessage): string {
  switch (message.type) {
    case MessageType.Invocation:
    case MessageType.StreamInvocation: {
      const [head, tail] = invocationEnvelope(message);
      return head + writeArguments(message.arguments) + tail;
    }

    case MessageType.StreamItem:
      // `item` is always written, even null: the JS client rejects a StreamItem without it (C.3).
      return (
        '{"type":2' +
        writeHeaders(message.headers) +
        writeInvocationId(message.invocationId) +
        `,"item":${writeValue(message.item)}}`
      );

    case MessageType.Completion: {
      let json = '{"type":3' + writeHeaders(message.headers) + writeInvocationId(message.invocationId);
      // `error` wins when non-empty; otherwise `result` only if the method returned something, null
      // included; a void method writes neither.
      if (message.error) json += `,"error":${JSON.stringify(message.error)}`;
      else if ('result' in message) json += `,"result":${writeValue(message.result)}`;
      return json + '}';
    }

    case MessageType.CancelInvocation:
      return '{"type":5' + writeHeaders(message.headers) + writeInvocationId(message.invocationId) + '}';

    case MessageType.Ping:
      return '{"type":6}';

    case MessageType.Close: {
      let json = '{"type":7';
      // Unlike Completion, ASP.NET writes a Close error whenever it is non-null, even when empty.
      if (message.error != null) json += `,"error":${JSON.stringify(message.error)}`;
      if (message.allowReconnect === true) json += ',"allowReconnect":true';
      return json + '}';
    }

    case MessageType.Ack:
    case MessageType.Sequence:
      return `{"type":${message.type},"sequenceId":${message.sequenceId}}`;

    default:
      throw new TypeError(`Unsupported message type: ${(message as { type: unknown }).type}`);
  }
}

function writeHeaders(headers: MessageHeaders | undefined): string {
  if (!headers) return '';
  let json = '';
  for (const name in headers) {
    json += `${json ? ',' : ',"headers":{'}${JSON.stringify(name)}:${JSON.stringify(headers[name])}`;
  }
  return json && json + '}';
}

function writeInvocationId(invocationId: string | undefined): string {
  return invocationId ? `,"invocationId":${JSON.stringify(invocationId)}` : '';
}

/** An invocation's JSON before and after its arguments array, in ASP.NET's property order. */
function invocationEnvelope(message: InvocationMessage | StreamInvocationMessage): [string, string] {
  const head =
    `{"type":${message.type}` +
    writeHeaders(message.headers) +
    writeInvocationId(message.invocationId) +
    `,"target":${JSON.stringify(message.target)},"arguments":`;
  const streams = message.streamIds && message.streamIds.length > 0 ? `,"streamIds":${JSON.stringify(message.streamIds)}` : '';
  return [head, streams + '}'];
}

function writeArguments(args: unknown[]): string {
  // JSON.stringify already writes undefined and functions inside an array as null, as ASP.NET writes nulls.
  return JSON.stringify(args);
}

const utf8 = new TextEncoder();

/**
 * Writes an invocation whose arguments include relayed strings (`raws[i]` set): the bytes they came as
 * are copied in; everything else is written as usual. The record separator ends it.
 */
function writeInvocationWithRaw(message: InvocationMessage | StreamInvocationMessage, raws: Array<Uint8Array | undefined>): Uint8Array {
  const [head, tail] = invocationEnvelope(message);
  const parts: Uint8Array[] = [];
  let text = head + '[';
  message.arguments.forEach((arg, i) => {
    if (i > 0) text += ',';
    const raw = raws[i];
    if (!raw) {
      text += JSON.stringify([arg]).slice(1, -1);
      return;
    }
    parts.push(utf8.encode(text), raw);
    text = '';
  });
  parts.push(utf8.encode(text + ']' + tail + '\x1e'));
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Stringifies a payload value; `undefined` (and anything else JSON cannot hold) is written as null. */
function writeValue(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}
