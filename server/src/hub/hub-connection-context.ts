import type { LifetimeConnection } from '../lifetime/hub-lifetime-manager.js';
import type { HubMessage, HubProtocol } from '../protocol/messages.js';
import type { SerializedHubMessage } from '../protocol/serialized-message.js';
import type { HttpConnection } from '../transport/http-connection.js';

/**
 * - `handshake`: waiting for the handshake request; nothing else is read or written.
 * - `connected`: messages flow both ways.
 * - `closing`: the server has written its last message and is ending the transport.
 * - `closed`: the transport is gone.
 */
export type HubConnectionState = 'handshake' | 'connected' | 'closing' | 'closed';

/** One client's hub connection: its protocol, its groups, its timers' clocks and its unread bytes. */
export class HubConnectionContext implements LifetimeConnection {
  readonly groups = new Set<string>();
  readonly items = new Map<string, unknown>();
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
  queue: Promise<void> = Promise.resolve();
  /** Ends the connection with a Close that does not allow reconnect; set by the connection handler. */
  abort: () => void = () => {};
  /** Why the connection ended, passed to the hub's onDisconnected. */
  closeError: Error | undefined;

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

  /** Writes a message shared with other connections; its bytes are made once per protocol. */
  write(message: SerializedHubMessage): void {
    if (this.state !== 'connected') return;
    this.lastSent = this.clock.now;
    this.connection.send(message.bytesFor(this.protocol!));
  }

  /** Writes a message meant for this connection alone, such as a Completion. */
  writeMessage(message: HubMessage): void {
    if (this.state !== 'connected') return;
    this.lastSent = this.clock.now;
    this.connection.send(this.protocol!.write(message));
  }
}
