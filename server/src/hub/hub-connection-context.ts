import type { HubUser } from '../auth/access-tokens.js';
import type { LifetimeConnection } from '../lifetime/hub-lifetime-manager.js';
import type { HubMessage, HubProtocol } from '../protocol/messages.js';
import type { SerializedHubMessage } from '../protocol/serialized-message.js';
import type { HttpConnection } from '../transport/http-connection.js';
import type { InvocationRateLimit } from './invocation-rate-limit.js';
import { isTrackable, type MessageBuffer } from './message-buffer.js';

/**
 * - `handshake`: waiting for the handshake request; nothing else is read or written.
 * - `connected`: messages flow both ways.
 * - `closing`: the server has written its last message and is ending the transport.
 * - `closed`: the transport is gone.
 */
export type HubConnectionState = 'handshake' | 'connected' | 'closing' | 'closed';

// Shared by every connection until it needs its own: a held connection costs memory (docs/benchmarks.md).
const SETTLED: Promise<void> = Promise.resolve();
const noop = () => {};

/** One client's hub connection: its protocol, its groups, its timers' clocks and its unread bytes. */
export class HubConnectionContext implements LifetimeConnection {
  readonly groups = new Set<string>();
  #items: Map<string, unknown> | null = null;
  state: HubConnectionState = 'handshake';
  protocol: HubProtocol | null = null;
  /** Times on the handler's coarse clock, so a write costs no system call. */
  readonly createdAt: number;
  lastSent: number;
  lastReceived: number;
  /** ASP.NET starts the client timeout only after the client's first Ping (signalr-wire.md C.3). */
  clientTimeoutActive = false;
  /** Bytes of an incomplete message, kept until the rest arrives. */
  unread: Uint8Array | null = null;
  /** Invocations run one at a time, in order (MaximumParallelInvocationsPerClient = 1). */
  queue: Promise<void> = SETTLED;
  /** Ends the connection with a Close that does not allow reconnect; set by the connection handler. */
  abort: () => void = noop;
  /** Why the connection ended, passed to the hub's onDisconnected. */
  closeError: Error | undefined;
  /** Set by a version 2 handshake on a stateful reconnect connection: numbering, Acks and the replay buffer. */
  messageBuffer: MessageBuffer | null = null;
  /** The invocation budget, when the server limits invocations; set at the handshake. */
  rateLimit: InvocationRateLimit | null = null;
  /** Since when (handler clock) the transport has held more unsent bytes than it should; 0 when it has not. */
  congestedSince = 0;

  /** Per-connection storage for hub code, made on first use: most connections never need it. */
  get items(): Map<string, unknown> {
    return (this.#items ??= new Map());
  }

  constructor(
    readonly connection: HttpConnection,
    private readonly clock: { readonly now: number },
  ) {
    this.createdAt = clock.now;
    this.lastSent = clock.now;
    this.lastReceived = clock.now;
  }

  get connectionId(): string {
    return this.connection.connectionId;
  }

  /** The signed-in user of the connection, from the token it started with; null on a hub without auth. */
  get user(): HubUser | null {
    return this.connection.user;
  }

  /** The user's id, for the lifetime manager's sendUser. */
  get userId(): string | null {
    return this.connection.user?.id ?? null;
  }

  /** Writes a message shared with other connections; its bytes are made once per protocol. */
  write(message: SerializedHubMessage): void {
    if (this.state !== 'connected') return;
    this.send(message.bytesFor(this.protocol!), message.message.type);
  }

  /** Writes a message meant for this connection alone, such as a Completion. */
  writeMessage(message: HubMessage): void {
    if (this.state !== 'connected') return;
    this.send(this.protocol!.write(message), message.type);
  }

  private send(bytes: Uint8Array, type: number): void {
    this.lastSent = this.clock.now;
    if (this.messageBuffer) this.messageBuffer.write(bytes, isTrackable(type));
    else this.connection.send(bytes);
  }
}
