// Binary framing: every MessagePack message is `[VarInt length][payload]` (signalr-wire.md C.2,
// ASP.NET's BinaryMessageParser / BinaryMessageFormatter).
// The VarInt holds 7 bits per byte, least significant group first, with the high bit set on every byte but
// the last. It is at most 5 bytes long, and the largest length is 0x7fffffff (`FF FF FF FF 07`).

import { InvalidDataError } from './messages.js';

/** The largest payload length a length prefix can carry. */
export const MAX_MESSAGE_LENGTH = 0x7fffffff;

/** The longest length prefix, in bytes. */
export const MAX_LENGTH_PREFIX_BYTES = 5;

/** The same text the official clients use, so logs read alike on both ends. */
const TOO_LARGE = 'Messages bigger than 2GB are not supported.';

/** A decoded length prefix. */
export interface LengthPrefix {
  /** The payload length the prefix announces. */
  length: number;
  /** How many bytes the prefix itself took. */
  prefixBytes: number;
}

/**
 * Reads the length prefix at `offset`. Returns null when the buffer ends inside the prefix.
 * Throws InvalidDataError for a prefix longer than 5 bytes or a length above 0x7fffffff.
 */
export function readLengthPrefix(buffer: Uint8Array, offset = 0): LengthPrefix | null {
  let length = 0;
  for (let i = 0; i < MAX_LENGTH_PREFIX_BYTES; i++) {
    if (offset + i >= buffer.length) return null;
    const byte = buffer[offset + i]!;
    if (i === MAX_LENGTH_PREFIX_BYTES - 1) {
      // The fifth byte holds bits 28..30 only: anything above 7, or a continue bit, means more than 31 bits.
      if (byte > 0x07) throw new InvalidDataError(TOO_LARGE);
      return { length: length + byte * 2 ** 28, prefixBytes: MAX_LENGTH_PREFIX_BYTES };
    }
    length |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) return { length, prefixBytes: i + 1 };
  }
  // Unreachable: the fifth byte always returns or throws above.
  throw new InvalidDataError(TOO_LARGE);
}

/** How many bytes the length prefix for `length` takes. */
export function lengthPrefixSize(length: number): number {
  checkLength(length);
  let size = 1;
  while (length > 0x7f) {
    length = Math.floor(length / 128);
    size++;
  }
  return size;
}

/** Encodes `length` as a VarInt length prefix. Throws RangeError for a length outside 0..0x7fffffff. */
export function writeLengthPrefix(length: number): Uint8Array {
  const prefix = new Uint8Array(lengthPrefixSize(length));
  writeLengthPrefixInto(length, prefix, 0);
  return prefix;
}

/** Returns `[length prefix][payload]` in one new buffer. */
export function prependLengthPrefix(payload: Uint8Array): Uint8Array {
  const prefixBytes = lengthPrefixSize(payload.length);
  const framed = new Uint8Array(prefixBytes + payload.length);
  writeLengthPrefixInto(payload.length, framed, 0);
  framed.set(payload, prefixBytes);
  return framed;
}

function writeLengthPrefixInto(length: number, target: Uint8Array, offset: number): void {
  // `length` is at most 31 bits, so the unsigned shift is exact.
  while (length > 0x7f) {
    target[offset++] = (length & 0x7f) | 0x80;
    length >>>= 7;
  }
  target[offset] = length;
}

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`Invalid message length: ${length}.`);
  if (length > MAX_MESSAGE_LENGTH) throw new RangeError(TOO_LARGE);
}
