import type { HubLifetimeManager } from '../lifetime/hub-lifetime-manager.js';
import {
  HANDSHAKE_CANCELED,
  HANDSHAKE_UNEXPECTED,
  parseHandshakeRequest,
  transferFormatError,
  unsupportedProtocolError,
  unsupportedVersionError,
  writeHandshakeResponse,
} from '../protocol/handshake.js';
import { InvalidDataError, MessageType, type HubMessage, type HubProtocol } from '../protocol/messages.js';
import { SerializedHubMessage } from '../protocol/serialized-message.js';
import type { HttpConnection } from '../transport/http-connection.js';
import type { Invitations } from '../invitations/invitations.js';
import type { Logger } from '../logger.js';
import { HubDispatcher } from './hub-dispatcher.js';
import type { HubClass, HubSettings } from './hub.js';
import { HubConnectionContext } from './hub-connection-context.js';
import { InvocationRateLimit, RATE_LIMIT_EXCEEDED } from './invocation-rate-limit.js';
import { MessageBuffer, PENDING_LIMIT_FACTOR } from './message-buffer.js';

export interface HubConnectionHandlerOptions {
  hub: HubClass;
  lifetime: HubLifetimeManager;
  protocols: ReadonlyMap<string, HubProtocol>;
  keepAliveInterval: number;
  clientTimeoutInterval: number;
  handshakeTimeout: number;
  /** null means no limit. */
  maximumReceiveMessageSize: number | null;
  /** Stateful reconnect: unacknowledged bytes kept for replay before writes queue (signalr-wire.md E.4). */
  statefulReconnectBufferSize: number;
  /** Stateful reconnect: how long queued writes may wait for an Ack before the connection is closed. */
  disconnectTimeout: number;
  /** Invocations per second per connection, with bursts of twice as many; 0 for no limit. */
  maxInvocationsPerSecond: number;
  /** How long, in ms, a connection may keep going past the rate limit before it is closed. */
  rateLimitCloseAfter: number;
  /** The limits hub code applies, such as the size of a channel. */
  settings: HubSettings;
  /** Invitations between users, for hub code. */
  invitations: Invitations;
  /** Unsent bytes above which a client counts as not reading (ASP.NET's TransportMaxBufferSize). */
  transportMaxBufferSize: number;
  /** How long a connection may stay above transportMaxBufferSize before it is closed, in ms. */
  transportSendTimeout: number;
  logger: Logger;
}

const PING = new SerializedHubMessage({ type: MessageType.Ping });
/** What the client sees when the server closes a connection because of an error (signalr-wire.md D.2). */
const CLOSED_WITH_ERROR = 'Connection closed with an error.';
/** The Close error at the access token's `exp` (product.md section 8); the client reconnects with a new token. */
export const TOKEN_EXPIRED = 'Unauthorized: the access token expired.';
/** The Close error for a connection that stayed past the rate limit; it does not allow reconnect. */
export const RATE_LIMIT_CLOSE = 'Connection closed: invocations stayed past the rate limit.';

/**
 * The hub side of every connection (ASP.NET's HubConnectionHandler): the handshake, the read loop
 * with its size limit, keep-alive and timeouts, dispatch, and the Close message at the end.
 * All timers are one heartbeat, `tick()`, that the server calls for every connection at once.
 */
export class HubConnectionHandler {
  private readonly contexts = new Set<HubConnectionContext>();
  private readonly dispatcher: HubDispatcher;
  /** A coarse clock, advanced by `tick()`: timeouts need seconds, not a system call per message. */
  readonly clock = { now: Date.now() };

  constructor(private readonly options: HubConnectionHandlerOptions) {
    this.dispatcher = new HubDispatcher(options.hub, options.lifetime, options.settings, options.invitations, options.logger);
    // Connections lost with another server that died (Redis scale-out): the hub's onDisconnected runs
    // here for them too, so their peers on this server hear of it.
    options.lifetime.onRemoteDisconnected?.((id, groups, local) => this.dispatcher.onRemoteDisconnected(id, groups, local));
  }

  get connectionCount(): number {
    return this.contexts.size;
  }

  /** A transport has activated `connection`; the client's handshake comes next. */
  onConnect(connection: HttpConnection): void {
    const context = new HubConnectionContext(connection, this.clock);
    this.contexts.add(context);
    context.abort = () => {
      context.writeMessage({ type: MessageType.Close });
      this.end(context);
    };
    connection.app = {
      onData: (data) => this.onData(context, data),
      onClose: () => this.onTransportClosed(context),
      onReconnected: () => this.onReconnected(context),
    };
  }

  tick(now: number): void {
    this.clock.now = now;
    const { keepAliveInterval, clientTimeoutInterval, handshakeTimeout } = this.options;
    for (const context of this.contexts) {
      // At the token's `exp`, on every transport. The connection may come back at once with a fresh token.
      const user = context.user;
      if (user !== null && now >= user.expiresAt && (context.state === 'handshake' || context.state === 'connected')) {
        this.options.logger.info(`The access token of connection ${context.connectionId} expired; closing it.`);
        context.writeMessage({ type: MessageType.Close, error: TOKEN_EXPIRED, allowReconnect: true });
        this.end(context);
        continue;
      }
      if (this.stalled(context, now)) continue;
      if (context.state === 'handshake') {
        if (now - context.createdAt >= handshakeTimeout) this.failHandshake(context, HANDSHAKE_CANCELED);
        continue;
      }
      if (context.state !== 'connected') continue;
      // Long polling has its own keep-alive: the polls themselves (signalr-wire.md B.5).
      if (context.connection.transportType === 'LongPolling') continue;
      // A stateful reconnect WebSocket that dropped: nothing to ping, nothing to time out until it is
      // resumed, or disposed after the disconnect timeout.
      if (context.connection.status !== 'active') continue;
      if (context.clientTimeoutActive && now - context.lastReceived >= clientTimeoutInterval) {
        this.options.logger.info(`Connection ${context.connectionId} sent nothing for ${clientTimeoutInterval} ms; closing it.`);
        this.closeWithError(context);
        continue;
      }
      const buffer = context.messageBuffer;
      if (buffer) {
        if (buffer.stalled(now, this.options.disconnectTimeout)) {
          this.options.logger.info(
            `Connection ${context.connectionId} acknowledged nothing for ${this.options.disconnectTimeout} ms while messages waited; closing it.`,
          );
          this.closeWithError(context);
          continue;
        }
        buffer.sendAck();
      }
      if (now - context.lastSent >= keepAliveInterval) context.write(PING);
    }
  }

  /**
   * A client that does not read what it is sent (ASP.NET's TransportSendTimeout): its unsent bytes have stayed
   * above transportMaxBufferSize for transportSendTimeout. Its connection is dropped; a Close could not reach it.
   */
  private stalled(context: HubConnectionContext, now: number): boolean {
    const buffered = context.connection.transport?.bufferedBytes() ?? 0;
    if (buffered <= this.options.transportMaxBufferSize) {
      context.congestedSince = 0;
      return false;
    }
    if (context.congestedSince === 0) context.congestedSince = now;
    if (now - context.congestedSince < this.options.transportSendTimeout) return false;
    this.options.logger.info(
      `Connection ${context.connectionId} read nothing of ${buffered} bytes for ${this.options.transportSendTimeout} ms; dropping it.`,
    );
    context.connection.dispose();
    return true;
  }

  /** Server shutdown: every client gets a Close that allows it to reconnect (elsewhere, or later). */
  closeAll(): void {
    for (const context of this.contexts) {
      if (context.state === 'connected') context.writeMessage({ type: MessageType.Close, allowReconnect: true });
      this.end(context);
    }
  }

  private onData(context: HubConnectionContext, data: Uint8Array): void {
    if (context.state !== 'handshake' && context.state !== 'connected') return;
    context.lastReceived = this.clock.now;
    let buffer = data;
    if (context.unread) {
      buffer = Buffer.concat([context.unread, data]);
      context.unread = null;
    }
    let offset = 0;
    const max = this.options.maximumReceiveMessageSize;

    if (context.state === 'handshake') {
      // ASP.NET parses the handshake inside a window of the first `max` bytes: a separator beyond it is
      // never seen, so an oversized handshake is "canceled" whether or not it would parse (C.1).
      const overLength = max !== null && buffer.length > max;
      let parsed: ReturnType<typeof parseHandshakeRequest>;
      try {
        parsed = parseHandshakeRequest(overLength ? buffer.subarray(0, max) : buffer, 0);
      } catch (error) {
        this.options.logger.info(`Bad handshake from ${context.connectionId}: ${(error as Error).message}`);
        return this.failHandshake(context, HANDSHAKE_UNEXPECTED);
      }
      if (parsed === null) {
        if (overLength) return this.failHandshake(context, HANDSHAKE_CANCELED);
        context.unread = Buffer.from(buffer);
        return;
      }
      if (!this.completeHandshake(context, parsed.request)) return;
      offset = parsed.consumed;
    }

    const protocol = context.protocol!;
    while (offset < buffer.length) {
      let length: number | null;
      let message: HubMessage | null;
      try {
        length = protocol.frameLength(buffer, offset);
        if (length === null) {
          // An incomplete message that can no longer fit in the limit is already too large.
          if (max !== null && buffer.length - offset >= max) throw new InvalidDataError(maxSizeExceeded(max));
          break;
        }
        if (max !== null && length > max) throw new InvalidDataError(maxSizeExceeded(max));
        message = protocol.parse(buffer.subarray(offset, offset + length));
      } catch (error) {
        this.options.logger.info(`Closing ${context.connectionId}: ${(error as Error).message}`);
        return this.closeWithError(context);
      }
      offset += length;
      // Unknown message types parse as null and are skipped, as the clients do (signalr-wire.md C.3).
      if (message) this.onMessage(context, message);
      if (context.state !== 'connected') return;
    }
    // Copy the remainder, so one small partial message does not pin a large receive buffer.
    if (offset < buffer.length) context.unread = Buffer.from(buffer.subarray(offset));
  }

  private completeHandshake(context: HubConnectionContext, request: { protocol: string; version: number }): boolean {
    const protocol = this.options.protocols.get(request.protocol);
    if (!protocol) {
      this.failHandshake(context, unsupportedProtocolError(request.protocol));
      return false;
    }
    if (!protocol.isVersionSupported(request.version)) {
      this.failHandshake(context, unsupportedVersionError(request.protocol, request.version));
      return false;
    }
    if (protocol.transferFormat === 'Binary' && context.connection.transportType === 'ServerSentEvents') {
      this.failHandshake(context, transferFormatError(request.protocol));
      return false;
    }
    context.protocol = protocol;
    if (this.options.maxInvocationsPerSecond > 0) {
      context.rateLimit = new InvocationRateLimit(this.options.maxInvocationsPerSecond, Date.now());
    }
    const connection = context.connection;
    if (connection.useStatefulReconnect) {
      // Negotiate granted stateful reconnect. The clients ask for version 2 when they use it, and only on
      // WebSockets; anything less turns it off for good (signalr-wire.md C.1, E.1).
      if (request.version < 2 || connection.transportType !== 'WebSockets') {
        connection.disableReconnect();
      } else {
        context.messageBuffer = new MessageBuffer(
          protocol,
          (bytes) => connection.send(bytes),
          this.options.statefulReconnectBufferSize,
          () => {
            this.options.logger.info(
              `Connection ${context.connectionId} has more than ${PENDING_LIMIT_FACTOR * this.options.statefulReconnectBufferSize} bytes waiting for an Ack; closing it.`,
            );
            this.closeWithError(context);
          },
        );
      }
    }
    // From here on a WebSocket carries this protocol's frame type; the handshake answer included.
    context.connection.binary = protocol.transferFormat === 'Binary';
    context.connection.send(writeHandshakeResponse());
    context.state = 'connected';
    context.lastSent = this.clock.now;
    context.queue = context.queue.then(() => this.connected(context));
    return true;
  }

  private async connected(context: HubConnectionContext): Promise<void> {
    try {
      await this.options.lifetime.onConnected(context);
      await this.dispatcher.onConnected(context);
    } catch (error) {
      this.options.logger.error(`OnConnected failed for ${context.connectionId}`, error);
      // Without allowReconnect: trying again would fail the same way.
      context.writeMessage({ type: MessageType.Close, error: CLOSED_WITH_ERROR });
      context.closeError = error as Error;
      this.end(context);
    }
  }

  private onMessage(context: HubConnectionContext, message: HubMessage): void {
    const buffer = context.messageBuffer;
    if (buffer) {
      if (message.type === MessageType.Ack) return buffer.ack(message.sequenceId);
      if (message.type === MessageType.Sequence) {
        try {
          buffer.resetSequence(message.sequenceId);
        } catch (error) {
          this.options.logger.info(`Closing ${context.connectionId}: ${(error as Error).message}`);
          this.closeWithError(context);
        }
        return;
      }
      // A message the client replays after a resume, which we processed before the socket dropped (E.7).
      if (!buffer.shouldProcess(message)) return;
    }
    switch (message.type) {
      case MessageType.Invocation:
      case MessageType.StreamInvocation: {
        // Counted on arrival, whatever the method, before anything is queued: a flood costs no memory.
        const decision = context.rateLimit?.take(Date.now(), this.options.rateLimitCloseAfter) ?? 'run';
        if (decision === 'run') {
          context.queue = context.queue.then(() => this.dispatcher.invoke(context, message));
        } else if (decision === 'refuse') {
          // In order with the invocations queued before it, as its answer would have been.
          if (message.invocationId) {
            const { invocationId, target } = message;
            context.queue = context.queue.then(() =>
              context.writeMessage({
                type: MessageType.Completion,
                invocationId,
                error: `An unexpected error occurred invoking '${target}' on the server. HubException: ${RATE_LIMIT_EXCEEDED}`,
              }),
            );
          }
        } else {
          this.options.logger.info(
            `Connection ${context.connectionId} stayed past the rate limit for ${this.options.rateLimitCloseAfter} ms; closing it.`,
          );
          context.writeMessage({ type: MessageType.Close, error: RATE_LIMIT_CLOSE });
          this.end(context);
        }
        return;
      }
      case MessageType.Ping:
        context.clientTimeoutActive = true;
        return;
      case MessageType.Close:
        // The client is leaving. It gets an empty Close back, and cannot reconnect to this connection.
        if (message.error) context.closeError = new Error(message.error);
        context.writeMessage({ type: MessageType.Close });
        this.end(context);
        return;
      default:
        // StreamItem, Completion and CancelInvocation for ids we never issued, and Ack or Sequence
        // without stateful reconnect, are ignored, as ASP.NET ignores them.
        return;
    }
  }

  /**
   * A new WebSocket has resumed a stateful reconnect connection (signalr-wire.md E.6). Its bytes start on a
   * message boundary, so a message cut short on the old socket is forgotten: the client replays it. The
   * server writes Sequence and its unacknowledged messages first; no new handshake happens.
   */
  private onReconnected(context: HubConnectionContext): void {
    context.unread = null;
    context.lastReceived = this.clock.now;
    if (context.state === 'connected') context.messageBuffer?.resend();
  }

  private failHandshake(context: HubConnectionContext, error: string): void {
    context.connection.send(writeHandshakeResponse(error));
    this.end(context);
  }

  /** Close with an error that allows the client to reconnect: a protocol error, an oversized message, a timeout. */
  private closeWithError(context: HubConnectionContext): void {
    context.writeMessage({ type: MessageType.Close, error: CLOSED_WITH_ERROR, allowReconnect: true });
    this.end(context);
  }

  private end(context: HubConnectionContext): void {
    if (context.state === 'closing' || context.state === 'closed') return;
    context.state = context.state === 'connected' ? 'closing' : 'closed';
    context.unread = null;
    context.connection.end();
  }

  /** The transport is gone. Runs the hub's onDisconnected once, after the invocations already queued. */
  private onTransportClosed(context: HubConnectionContext): void {
    this.contexts.delete(context);
    const wasConnected = context.protocol !== null && context.state !== 'closed';
    context.state = 'closed';
    context.unread = null;
    if (!wasConnected) return;
    context.queue = context.queue.then(async () => {
      try {
        await this.dispatcher.onDisconnected(context);
      } catch (error) {
        this.options.logger.error(`OnDisconnected failed for ${context.connectionId}`, error);
      }
      await this.options.lifetime.onDisconnected(context).catch((error: unknown) => {
        this.options.logger.error(`Lifetime manager failed to remove ${context.connectionId}`, error);
      });
    });
  }
}

function maxSizeExceeded(max: number): string {
  return `The maximum message size of ${max}B was exceeded. The message size can be configured in AddHubOptions.`;
}
