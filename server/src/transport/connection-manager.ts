import type { HubUser } from '../auth/access-tokens.js';
import { HttpConnection, newConnectionId } from './http-connection.js';

/**
 * Owns every HTTP connection by its secret token (ASP.NET's HttpConnectionManager).
 * Connections that sit unused, negotiated but never started, long polling between polls, or a stateful
 * reconnect WebSocket waiting to be resumed, are disposed after `disconnectTimeout` ms by `tick()`, which
 * the server calls on its one heartbeat.
 */
export class ConnectionManager {
  private readonly connections = new Map<string, HttpConnection>();
  private readonly disconnectTimeout: number;

  constructor(disconnectTimeout: number) {
    this.disconnectTimeout = disconnectTimeout;
  }

  /** One function for every connection, not a closure each: a negotiate flood costs less. */
  private readonly forget = (connection: HttpConnection): void => void this.connections.delete(connection.token);

  get size(): number {
    return this.connections.size;
  }

  /**
   * A new connection for negotiate. Version 0 clients use the id as the token (signalr-wire.md A.4).
   * `useStatefulReconnect` when negotiate granted it (A.3). `user` is the signed-in user, with auth.
   */
  create(negotiateVersion: number, useStatefulReconnect = false, user: HubUser | null = null): HttpConnection {
    const connectionId = newConnectionId();
    const token = negotiateVersion > 0 ? newConnectionId() : connectionId;
    const connection = new HttpConnection(connectionId, token, this.forget, useStatefulReconnect, user);
    this.connections.set(token, connection);
    return connection;
  }

  get(token: string): HttpConnection | undefined {
    return this.connections.get(token);
  }

  tick(now: number): void {
    for (const connection of this.connections.values()) {
      if (
        (connection.status === 'negotiated' || connection.status === 'inactive') &&
        now - connection.inactiveSince >= this.disconnectTimeout
      ) {
        connection.dispose();
      }
    }
  }

  /** Every live connection, for shutdown. */
  all(): HttpConnection[] {
    return [...this.connections.values()];
  }
}
