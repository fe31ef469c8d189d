// The MessagePack hub protocol (signalr-wire.md C.2-C.3), matching ASP.NET's MessagePackHubProtocolWorker:
// each message is a VarInt length prefix followed by one MessagePack array whose first item is the type.

import { Decoder, Encoder } from '@msgpack/msgpack';
import { prependLengthPrefix, readLengthPrefix } from './binary-message-format.js';
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

// Completion ResultKind (C.3).
const ERROR_RESULT = 1;
const VOID_RESULT = 2;
const NON_VOID_RESULT = 3;

// Reused for every message: both are safe to share (they clone themselves if re-entered) and keep their
// internal buffers between calls.
const encoder = new Encoder();
const decoder = new Decoder();

const EMPTY_HEADERS: MessageHeaders = Object.freeze({}) as MessageHeaders;
const EMPTY_STREAM_IDS: readonly string[] = Object.freeze([]);

// `[6]` is `91 06`, and its length prefix is 02 (C.3).
const FRAMED_PING = Uint8Array.of(0x02, 0x91, 0x06);

/** The MessagePack hub protocol: `messagepack`, Binary transfer format, handshake versions up to 2. */
export const messagePackHubProtocol: HubProtocol = {
  name: 'messagepack',
  transferFormat: 'Binary',

  isVersionSupported(version: number): boolean {
    // ASP.NET 8+ IsVersionSupported: `version <= 2` (C.1). Version 2 only adds Ack and Sequence.
    return version <= 2;
  },

  frameLength(buffer: Uint8Array, offset: number): number | null {
    const prefix = readLengthPrefix(buffer, offset);
    if (!prefix) return null;
    const framed = prefix.prefixBytes + prefix.length;
    return buffer.length - offset >= framed ? framed : null;
  },

  parse(frame: Uint8Array): HubMessage | null {
    const prefix = readLengthPrefix(frame, 0);
    if (!prefix || frame.length < prefix.prefixBytes + prefix.length) {
      throw new InvalidDataError('Message is shorter than its length prefix.');
    }
    // Copy the payload out: the decoder returns binary values as views of its input, and a Uint8Array
    // argument must not change under the hub when the transport reuses or Buffer-pools its memory.
    const payload = new Uint8Array(frame.subarray(prefix.prefixBytes, prefix.prefixBytes + prefix.length));
    let value: unknown;
    try {
      value = decoder.decode(payload);
    } catch (cause) {
      throw new InvalidDataError(`Error reading MessagePack: ${(cause as Error).message}`, { cause });
    }
    if (!Array.isArray(value)) throw new InvalidDataError('Expected the message to be a MessagePack array.');
    return bindMessage(value);
  },

  write(message: HubMessage): Uint8Array {
    if (message.type === MessageType.Ping) return FRAMED_PING.slice();
    // encodeSharedRef avoids one copy; prependLengthPrefix copies the bytes out before the next encode.
    return prependLengthPrefix(encoder.encodeSharedRef(toArray(message)));
  },
};

// Parsing -------------------------------------------------------------------------------------------
// The error texts are ASP.NET's (MessagePackHubProtocolWorker), so logs can be compared side by side.
// Extra trailing items are ignored, as ASP.NET does (C.3 "Extra content").

function bindMessage(items: unknown[]): HubMessage | null {
  const type = items[0];
  if (!isInt32(type)) throw new InvalidDataError("Reading 'messageType' as Int32 failed.");

  switch (type) {
    case MessageType.Invocation: {
      const headers = readHeaders(items[1]);
      // Non-blocking sends carry nil; an empty string means the same (ASP.NET normalizes it).
      const invocationId = readNullableString(items[2], 'invocationId');
      const target = readRequiredString(items[3], 'target', 'target for Invocation message');
      const message: InvocationMessage = { type, target, arguments: readArguments(items[4]) };
      if (invocationId) message.invocationId = invocationId;
      // Clients before 3.0 send 5 items, without StreamIds.
      const streamIds = items.length > 5 ? readStreamIds(items[5]) : undefined;
      if (streamIds) message.streamIds = streamIds;
      return withHeaders(message, headers);
    }

    case MessageType.StreamInvocation: {
      const headers = readHeaders(items[1]);
      const invocationId = readInvocationId(items[2], 'StreamInvocation');
      const target = readRequiredString(items[3], 'target', 'target for StreamInvocation message');
      const message: StreamInvocationMessage = { type, invocationId, target, arguments: readArguments(items[4]) };
      const streamIds = items.length > 5 ? readStreamIds(items[5]) : undefined;
      if (streamIds) message.streamIds = streamIds;
      return withHeaders(message, headers);
    }

    case MessageType.StreamItem: {
      const headers = readHeaders(items[1]);
      const invocationId = readInvocationId(items[2], 'StreamItem');
      if (items.length < 4) throw new InvalidDataError("Missing 'item' in StreamItem message.");
      return withHeaders<StreamItemMessage>({ type, invocationId, item: items[3] }, headers);
    }

    case MessageType.Completion: {
      const headers = readHeaders(items[1]);
      const invocationId = readInvocationId(items[2], 'Completion');
      const resultKind = items[3];
      if (!isInt32(resultKind)) throw new InvalidDataError("Reading 'resultKind' as Int32 failed.");
      const message: CompletionMessage = { type, invocationId };
      switch (resultKind) {
        case ERROR_RESULT:
          if (typeof items[4] !== 'string') throw new InvalidDataError("Reading 'error' as String failed.");
          message.error = items[4];
          break;
        case NON_VOID_RESULT:
          if (items.length < 5) throw new InvalidDataError("Missing 'result' in Completion message.");
          message.result = items[4];
          break;
        case VOID_RESULT:
          break;
        default:
          throw new InvalidDataError('Invalid invocation result kind.');
      }
      return withHeaders(message, headers);
    }

    case MessageType.CancelInvocation: {
      const headers = readHeaders(items[1]);
      const invocationId = readInvocationId(items[2], 'CancelInvocation');
      return withHeaders<CancelInvocationMessage>({ type, invocationId }, headers);
    }

    case MessageType.Ping:
      return { type };

    case MessageType.Close: {
      // The error item is required (clients send `[7, nil]`); AllowReconnect came later and is optional.
      const error = readNullableString(items[1], 'error');
      const message: CloseMessage = { type };
      if (error !== undefined) message.error = error;
      if (items.length > 2) {
        if (typeof items[2] !== 'boolean') throw new InvalidDataError("Reading 'allowReconnect' as Boolean failed.");
        if (items[2]) message.allowReconnect = true;
      }
      return message;
    }

    case MessageType.Ack:
    case MessageType.Sequence: {
      const sequenceId = items[1];
      if (typeof sequenceId !== 'number' || !Number.isInteger(sequenceId)) {
        throw new InvalidDataError("Reading 'sequenceId' as Int64 failed.");
      }
      return { type, sequenceId };
    }

    default:
      // Future protocol versions may add message types; receivers skip them (C.3 "Unknown message types").
      return null;
  }
}

function isInt32(value: unknown): value is number {
  return typeof value === 'number' && (value | 0) === value;
}

/** Returns the headers, or undefined for an empty map (ASP.NET applies only non-empty headers). */
function readHeaders(value: unknown): MessageHeaders | undefined {
  if (!isMap(value)) throw new InvalidDataError("Reading map length for 'headers' failed.");
  let empty = true;
  for (const name in value) {
    // Unlike the JSON protocol, ASP.NET's MessagePack reader rejects empty header names and values.
    if (name === '') throw new InvalidDataError('Null or empty key in header.');
    const headerValue = value[name];
    if (typeof headerValue !== 'string') throw new InvalidDataError(`Reading 'headers[${name}].Value' as String failed.`);
    if (headerValue === '') throw new InvalidDataError('Null or empty value in header.');
    empty = false;
  }
  return empty ? undefined : (value as MessageHeaders);
}

/** A MessagePack map decodes to a plain object; arrays, binaries, dates and ext data do not qualify. */
function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Reads a string or nil; nil comes back as undefined. */
function readNullableString(value: unknown, field: string): string | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidDataError(`Reading '${field}' as String failed.`);
  return value;
}

function readRequiredString(value: unknown, field: string, description: string): string {
  const text = readNullableString(value, field);
  if (!text) throw new InvalidDataError(`Null or empty ${description}.`);
  return text;
}

function readInvocationId(value: unknown, messageName: string): string {
  return readRequiredString(value, 'invocationId', `invocation ID for ${messageName} message`);
}

function readArguments(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new InvalidDataError("Reading array length for 'arguments' failed.");
  return value;
}

/** Returns the stream ids, or undefined for an empty list (the server writes `[]` to mean none). */
function readStreamIds(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) throw new InvalidDataError("Reading array length for 'streamIds' failed.");
  for (const id of value) {
    if (typeof id !== 'string' || id === '') throw new InvalidDataError('Null or empty value in streamIds received.');
  }
  return value.length > 0 ? (value as string[]) : undefined;
}

function withHeaders<T extends { headers?: MessageHeaders }>(message: T, headers: MessageHeaders | undefined): T {
  if (headers) message.headers = headers;
  return message;
}

// Writing -------------------------------------------------------------------------------------------

/** Lays a message out as ASP.NET's WriteMessageCore does (C.3 "msgpack server writes"). */
function toArray(message: HubMessage): unknown[] {
  switch (message.type) {
    case MessageType.Invocation:
    case MessageType.StreamInvocation:
      // Always 6 items: nil for a missing id and an empty StreamIds array when there are none.
      return [
        message.type,
        message.headers ?? EMPTY_HEADERS,
        message.invocationId || null,
        message.target,
        message.arguments,
        message.streamIds ?? EMPTY_STREAM_IDS,
      ];

    case MessageType.StreamItem:
      return [MessageType.StreamItem, message.headers ?? EMPTY_HEADERS, message.invocationId, message.item ?? null];

    case MessageType.Completion: {
      const headers = message.headers ?? EMPTY_HEADERS;
      // ASP.NET picks the error kind whenever Error is non-null, even when empty.
      if (message.error != null) {
        return [MessageType.Completion, headers, message.invocationId, ERROR_RESULT, message.error];
      }
      if ('result' in message) {
        return [MessageType.Completion, headers, message.invocationId, NON_VOID_RESULT, message.result ?? null];
      }
      return [MessageType.Completion, headers, message.invocationId, VOID_RESULT];
    }

    case MessageType.CancelInvocation:
      return [MessageType.CancelInvocation, message.headers ?? EMPTY_HEADERS, message.invocationId];

    case MessageType.Ping:
      return [MessageType.Ping];

    case MessageType.Close:
      // Always 3 items; an empty error is written as nil.
      return [MessageType.Close, message.error || null, message.allowReconnect === true];

    case MessageType.Ack:
    case MessageType.Sequence:
      return [message.type, message.sequenceId];

    default:
      throw new TypeError(`Unsupported message type: ${(message as { type: unknown }).type}`);
  }
}
