// Text framing: every JSON record (handshake or hub message) ends with the ASCII record separator 0x1E,
// and one transport message may carry several records (signalr-wire.md C.1, C.2).

import { InvalidDataError } from './messages.js';

/** The record separator byte that ends every text message. */
export const RECORD_SEPARATOR = 0x1e;

/** The record separator as a one-character string, for building text messages. */
export const RECORD_SEPARATOR_CHAR = '\x1e';

// One shared instance each: both are stateless for whole-buffer calls and cost an allocation to create.
const utf8Encoder = new TextEncoder();
// `fatal`: invalid UTF-8 is a protocol error (ASP.NET's Utf8JsonReader rejects it), not text to patch up
// with U+FFFD.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Returns the index of the next record separator at or after `offset`, or -1 when the buffer holds no
 * complete record yet.
 */
export function findRecordSeparator(buffer: Uint8Array, offset = 0): number {
  // A raw 0x1E cannot occur inside a JSON record (JSON escapes control characters in strings), so the
  // first one always ends the record.
  return buffer.indexOf(RECORD_SEPARATOR, offset);
}

/** Returns a copy of `payload` with a record separator appended. */
export function appendRecordSeparator(payload: Uint8Array): Uint8Array {
  const framed = new Uint8Array(payload.length + 1);
  framed.set(payload);
  framed[payload.length] = RECORD_SEPARATOR;
  return framed;
}

/** Encodes `text` as UTF-8 with the record separator appended, in one pass. */
export function encodeTextRecord(text: string): Uint8Array {
  return utf8Encoder.encode(text + RECORD_SEPARATOR_CHAR);
}

/**
 * Decodes the UTF-8 bytes `buffer[start, end)` (a record without its separator).
 * Throws InvalidDataError for bytes that are not valid UTF-8.
 */
export function decodeTextRecord(buffer: Uint8Array, start: number, end: number): string {
  try {
    return utf8Decoder.decode(buffer.subarray(start, end));
  } catch (cause) {
    throw new InvalidDataError('Error reading JSON.', { cause });
  }
}
