// The SignalR hub messages (HubProtocol.md, "Message Types"), as plain data.
// Field names follow the JSON protocol, so a JSON message parses straight into these shapes.

export const MessageType = {
  Invocation: 1,
  StreamItem: 2,
  Completion: 3,
  StreamInvocation: 4,
  CancelInvocation: 5,
  Ping: 6,
  Close: 7,
  Ack: 8,
  Sequence: 9,
} as const;

export type MessageHeaders = Record<string, string>;

export interface InvocationMessage {
  type: typeof MessageType.Invocation;
  headers?: MessageHeaders;
  /** Absent for a non-blocking `send()`: such a call gets no reply of any kind. */
  invocationId?: string;
  target: string;
  arguments: unknown[];
  streamIds?: string[];
}

export interface StreamItemMessage {
  type: typeof MessageType.StreamItem;
  headers?: MessageHeaders;
  invocationId: string;
  item: unknown;
}

export interface CompletionMessage {
  type: typeof MessageType.Completion;
  headers?: MessageHeaders;
  invocationId: string;
  /** Set for a failed call. Mutually exclusive with `result`. */
  error?: string;
  /** Set only when the method returned a value (`null` counts); absent for a void method. */
  result?: unknown;
}

export interface StreamInvocationMessage {
  type: typeof MessageType.StreamInvocation;
  headers?: MessageHeaders;
  invocationId: string;
  target: string;
  arguments: unknown[];
  streamIds?: string[];
}

export interface CancelInvocationMessage {
  type: typeof MessageType.CancelInvocation;
  headers?: MessageHeaders;
  invocationId: string;
}

export interface PingMessage {
  type: typeof MessageType.Ping;
}

export interface CloseMessage {
  type: typeof MessageType.Close;
  error?: string;
  /** Written only when true, as ASP.NET does. */
  allowReconnect?: boolean;
}

export interface AckMessage {
  type: typeof MessageType.Ack;
  sequenceId: number;
}

export interface SequenceMessage {
  type: typeof MessageType.Sequence;
  sequenceId: number;
}

export type HubMessage =
  | InvocationMessage
  | StreamItemMessage
  | CompletionMessage
  | StreamInvocationMessage
  | CancelInvocationMessage
  | PingMessage
  | CloseMessage
  | AckMessage
  | SequenceMessage;

/** The transfer format a protocol needs from its transport (TransportProtocols.md). */
export type TransferFormat = 'Text' | 'Binary';

/**
 * Thrown by a protocol parser for bytes that are not a valid message. The hub closes the connection
 * with "Connection closed with an error." and never shows this text to the client.
 */
export class InvalidDataError extends Error {
  override name = 'InvalidDataError';
}

/**
 * The result of parsing one complete framed message out of a buffer.
 * `message` is null for a well-formed message of a type this server does not know (it is skipped).
 */
export interface ParsedMessage {
  message: HubMessage | null;
  /** How many bytes of the input the framed message took, separator or length prefix included. */
  consumed: number;
}

export interface HubProtocol {
  /** `json` or `messagepack`, as the client names it in the handshake. */
  readonly name: string;
  readonly transferFormat: TransferFormat;
  /** Handshake versions this protocol accepts (ASP.NET's `IsVersionSupported`: version <= 2). */
  isVersionSupported(version: number): boolean;
  /**
   * Finds the first complete framed message at `offset` in `buffer`.
   * Returns `{ length }` with the framed length (prefix or separator included) when a whole message
   * is there, or `null` when more bytes are needed. Throws InvalidDataError on a bad length prefix.
   * The hub uses this to enforce the maximum message size before it parses anything.
   */
  frameLength(buffer: Uint8Array, offset: number): number | null;
  /** Parses exactly one framed message (as measured by `frameLength`). Throws InvalidDataError. */
  parse(frame: Uint8Array): HubMessage | null;
  /** Writes one message with its framing, ready for the transport. */
  write(message: HubMessage): Uint8Array;
}
