// The handshake (signalr-wire.md C.1, ASP.NET's HandshakeProtocol): always a JSON record ended by 0x1E,
// whatever hub protocol the client then speaks.

import { InvalidDataError } from './messages.js';
import { decodeTextRecord, encodeTextRecord, findRecordSeparator } from './text-message-format.js';

/** What the client asks for in its handshake. */
export interface HandshakeRequest {
  /** The hub protocol name: `json` or `messagepack` for the official clients. */
  protocol: string;
  /** The hub protocol version: 1, or 2 from 8.x+ clients using stateful reconnect. */
  version: number;
}

/** A parsed handshake request and how many bytes it took, separator included. */
export interface ParsedHandshakeRequest {
  request: HandshakeRequest;
  consumed: number;
}

/** The handshake error for a timed-out or cancelled handshake, or one too large to fit the size limit. */
export const HANDSHAKE_CANCELED = 'Handshake was canceled.';

/** The handshake error for a request that does not parse. ASP.NET never shows the parser's detail. */
export const HANDSHAKE_UNEXPECTED = 'An unexpected error occurred during connection handshake.';

/** The handshake error for a protocol name the server does not know. */
export function unsupportedProtocolError(name: string): string {
  return `The protocol '${name}' is not supported.`;
}

/** The handshake error for a protocol version the server does not accept. */
export function unsupportedVersionError(name: string, version: number): string {
  return `The server does not support version ${version} of the '${name}' protocol.`;
}

/** The handshake error for a binary protocol on a text-only transport (MessagePack over Server-Sent Events). */
export function transferFormatError(name: string): string {
  return `Cannot use the '${name}' protocol on the current transport. The transport does not support 'Binary' transfer format.`;
}

/**
 * Parses the handshake request at `offset`. Returns null while no 0x1E has arrived.
 * Throws InvalidDataError for a record that is not a JSON object with a string `protocol` and an
 * integer `version`. Other properties are ignored, as ASP.NET skips them.
 */
export function parseHandshakeRequest(buffer: Uint8Array, offset = 0): ParsedHandshakeRequest | null {
  const end = findRecordSeparator(buffer, offset);
  if (end === -1) return null;

  let value: unknown;
  try {
    value = JSON.parse(decodeTextRecord(buffer, offset, end));
  } catch (cause) {
    if (cause instanceof InvalidDataError) throw cause;
    throw new InvalidDataError('Error reading JSON.', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidDataError('Expected the handshake request to be a JSON object.');
  }

  const { protocol, version } = value as Record<string, unknown>;
  // ASP.NET reads a JSON null like an absent property, so both report the property as missing.
  if (protocol === undefined || protocol === null) {
    throw new InvalidDataError("Missing required property 'protocol'.");
  }
  if (typeof protocol !== 'string') throw new InvalidDataError("Expected 'protocol' to be of type String.");
  if (version === undefined || version === null) {
    throw new InvalidDataError("Missing required property 'version'.");
  }
  // ASP.NET reads the version as an Int32.
  if (typeof version !== 'number' || (version | 0) !== version) {
    throw new InvalidDataError("Expected 'version' to be of type Number.");
  }

  return { request: { protocol, version }, consumed: end - offset + 1 };
}

/**
 * Writes the handshake response: `{}` + 0x1E on success, or `{"error":"..."}` + 0x1E.
 * An empty error counts as success, as in ASP.NET.
 */
export function writeHandshakeResponse(error?: string): Uint8Array {
  return encodeTextRecord(error ? `{"error":${JSON.stringify(error)}}` : '{}');
}
