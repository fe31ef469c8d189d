import { randomBytes } from 'node:crypto';
import type { HubUser } from '../auth/access-tokens.js';

export type TransportType = 'WebSockets' | 'ServerSentEvents' | 'LongPolling';

/** What a transport does with bytes the application writes. The transport only moves bytes. */
export interface TransportSink {
  /** Writes whole hub messages. A transport never splits one write across frames or events. */
  send(data: Uint8Array, binary: boolean): void;
  /** The application is done: flush what is queued, then end the transport gracefully. */
  end(): void;
  /** Drops the transport at once. */
  destroy(): void;
  /** Bytes written and not yet handed to the network (or, for long polling, not yet taken by a poll). */
  bufferedBytes(): number;
}

/** The side of a connection that consumes its bytes: the hub connection handler. */
export interface ConnectionApplication {
  onData(data: Uint8Array): void;
  /** The transport went away, or the connection was disposed. Called once. */
  onClose(): void;
  /**
   * Stateful reconnect: a new WebSocket has taken over the connection after the old one was lost. Its
   * byte stream starts afresh; the application resends what the client may have missed (signalr-wire.md E.6).
   */
  onReconnected?(): void;
}

/**
 * The life of an HTTP connection, as in ASP.NET's HttpConnectionContext:
 * - `negotiated`: negotiate answered, no transport yet. Disposed after the disconnect timeout.
 * - `active`: a transport is attached (a WebSocket, an SSE stream, or a pending long poll).
 * - `inactive`: long polling between two polls, or a stateful reconnect WebSocket connection whose socket
 *   dropped without a Close frame, waiting for the client to resume it. Disposed after the disconnect timeout.
 * - `disposed`: gone; any later request with its token gets 404.
 */
export type ConnectionStatus = 'negotiated' | 'active' | 'inactive' | 'disposed';

/** Shared by every connection until its first POST: most connections never POST (WebSockets). */
const SETTLED: Promise<void> = Promise.resolve();

/** 16 random bytes, Base64Url encoded (22 characters), as ASP.NET's MakeNewConnectionId. Clients append it to URLs unencoded. */
export function newConnectionId(): string {
  return randomBytes(16).toString('base64url');
}

export class HttpConnection {
  /** The public name, used by `Clients.Client(id)` and seen by other clients in `Join`/`Leave`. */
  readonly connectionId: string;
  /** The secret that authorises sends and polls. Equal to the id for negotiate version 0. */
  readonly token: string;
  transportType: TransportType | null = null;
  status: ConnectionStatus = 'negotiated';
  /** When the connection last became negotiated or inactive; drives the disconnect timeout. */
  inactiveSince: number;
  /** Set by the hub once the handshake picks a protocol: WebSockets then sends Binary frames. */
  binary = false;
  transport: TransportSink | null = null;
  app: ConnectionApplication | null = null;
  /** Serialises POST bodies, as ASP.NET does with its write lock: one body is fed in at a time. */
  postQueue: Promise<void> = SETTLED;
  /**
   * Negotiate granted stateful reconnect (signalr-wire.md A.3, E.1), and nothing has withdrawn it since:
   * a handshake below version 2, a transport other than WebSockets, or the end of the connection.
   * ASP.NET's `UseStatefulReconnect` and `DisableReconnect()`.
   */
  useStatefulReconnect: boolean;
  /**
   * The signed-in user, from the access token of the request that made the connection, and then of the one
   * that started its transport; null on a hub without auth. Every later request must carry a token of the same user.
   */
  user: HubUser | null;
  private readonly onDispose: (connection: HttpConnection) => void;

  constructor(
    connectionId: string,
    token: string,
    onDispose: (connection: HttpConnection) => void,
    useStatefulReconnect = false,
    user: HubUser | null = null,
  ) {
    this.connectionId = connectionId;
    this.token = token;
    this.onDispose = onDispose;
    this.useStatefulReconnect = useStatefulReconnect;
    this.user = user;
    this.inactiveSince = Date.now();
  }

  /** Whether a new WebSocket may take this connection over (ASP.NET's ClientReconnectExpected, for WebSockets). */
  clientReconnectExpected(): boolean {
    return this.useStatefulReconnect && this.transportType === 'WebSockets' && this.status !== 'disposed';
  }

  /** No resume from now on: a lost socket ends the connection. Idempotent. */
  disableReconnect(): void {
    this.useStatefulReconnect = false;
  }

  /**
   * `transport` has gone. `graceful` means the client closed it on purpose (a Close frame), which ends the
   * connection. An ungraceful loss of a stateful reconnect WebSocket leaves the connection inactive but
   * alive, groups and all, for the disconnect timeout (signalr-wire.md E.5). A transport that has already
   * been replaced, or a disposed connection, is ignored.
   */
  transportClosed(transport: TransportSink, graceful: boolean): void {
    if (this.transport !== transport || this.status === 'disposed') return;
    if (graceful || !this.clientReconnectExpected()) {
      this.dispose();
      return;
    }
    this.transport = null;
    this.status = 'inactive';
    this.inactiveSince = Date.now();
  }

  /**
   * A new WebSocket for a stateful reconnect connection: it replaces the old one, lost or not (a client
   * may see its socket die before the server does), and the application resends (signalr-wire.md E.6).
   * Returns false, having dropped `transport`, if the connection can no longer be resumed.
   */
  resume(transport: TransportSink): boolean {
    if (!this.clientReconnectExpected()) {
      transport.destroy();
      return false;
    }
    const previous = this.transport;
    this.transport = transport;
    this.status = 'active';
    previous?.destroy();
    this.app?.onReconnected?.();
    return true;
  }

  /** Bytes from the client, in order. */
  receive(data: Uint8Array): void {
    if (this.status === 'disposed') return;
    this.app?.onData(data);
  }

  /** Bytes for the client: whole hub messages. */
  send(data: Uint8Array): void {
    if (this.status === 'disposed') return;
    this.transport?.send(data, this.binary);
  }

  /** The application is done with the connection: let the transport flush and end, then dispose. */
  end(): void {
    if (this.status === 'disposed') return;
    // An ending connection is never resumed, however its socket goes.
    this.disableReconnect();
    if (this.transport) this.transport.end();
    else this.dispose();
  }

  /** The connection is gone, whatever the cause. Idempotent. */
  dispose(): void {
    if (this.status === 'disposed') return;
    this.status = 'disposed';
    const transport = this.transport;
    this.transport = null;
    transport?.destroy();
    this.onDispose(this);
    const app = this.app;
    this.app = null;
    app?.onClose();
  }
}
