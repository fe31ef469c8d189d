import type { SerializedHubMessage } from '../protocol/serialized-message.js';

/** What a lifetime manager needs of a connection on its own server. */
export interface LifetimeConnection {
  /** The public connection id. */
  readonly connectionId: string;
  /** The groups this connection is in. The lifetime manager keeps it; hubs only read it. */
  readonly groups: Set<string>;
  /** The signed-in user the connection belongs to (the token's `sub`), for sendUser; null without auth. */
  readonly userId?: string | null;
  /** Writes a message, serialized in this connection's protocol (at most once per protocol per message). */
  write(message: SerializedHubMessage): void;
}

/**
 * Runs for a connection that another server held when that server died without closing it: the
 * connection is gone, but nobody saw it disconnect. `groups` are its groups that have members on this
 * server. `local` reaches this server's connections only, so that when each surviving server tells its
 * own connections, everyone hears it once.
 */
export type RemoteDisconnectListener = (
  connectionId: string,
  groups: ReadonlySet<string>,
  local: HubLifetimeManager,
) => Promise<void>;

/**
 * The only place that knows who is connected and who is in which group, and the only place that
 * fans messages out (ASP.NET's HubLifetimeManager). Group names are case-sensitive. Adding a
 * connection twice is harmless, and adding or removing an unknown connection id does nothing.
 *
 * Every implementation must pass `server/test/lifetime/hub-lifetime-manager.conformance.ts`.
 */
export interface HubLifetimeManager {
  onConnected(connection: LifetimeConnection): Promise<void>;
  /** Removes the connection and its group memberships. */
  onDisconnected(connection: LifetimeConnection): Promise<void>;

  sendAll(method: string, args: readonly unknown[]): Promise<void>;
  sendAllExcept(method: string, args: readonly unknown[], excludedConnectionIds: readonly string[]): Promise<void>;
  sendConnection(connectionId: string, method: string, args: readonly unknown[]): Promise<void>;
  sendConnections(connectionIds: readonly string[], method: string, args: readonly unknown[]): Promise<void>;
  sendGroup(groupName: string, method: string, args: readonly unknown[]): Promise<void>;
  sendGroups(groupNames: readonly string[], method: string, args: readonly unknown[]): Promise<void>;
  sendGroupExcept(
    groupName: string,
    method: string,
    args: readonly unknown[],
    excludedConnectionIds: readonly string[],
  ): Promise<void>;

  /**
   * Sends to every connection of the user, on every server, but the excluded ones (ASP.NET's SendUser, which
   * matches the user id with ordinal comparison). Resolves with whether any connection was there to receive it:
   * one on this server that is not excluded, or any on another server (excluded ones count there: this server
   * cannot see them).
   */
  sendUser(userId: string, method: string, args: readonly unknown[], excludedConnectionIds?: readonly string[]): Promise<boolean>;

  addToGroup(connectionId: string, groupName: string): Promise<void>;
  removeFromGroup(connectionId: string, groupName: string): Promise<void>;
  /** The ids of the group's members on every server, in no set order. */
  groupMembers(groupName: string): Promise<string[]>;

  /**
   * Adds a connection of this server to a group, as addToGroup does, but only while the group has fewer than
   * `maxMembers` members on all servers together (Infinity for no cap); and resolves with the ids of the group's
   * other members, on every server, in no set order. Resolves with null, having changed nothing, when the group
   * is full. A connection already in the group is never refused, and gets the others too. Of connections that
   * race for the last place, on any servers, one gets it. Throws for a connection that is not on this server.
   */
  joinGroup(connectionId: string, groupName: string, maxMembers: number): Promise<string[] | null>;

  /**
   * Only for managers that span several servers (Redis): sets who is told about connections lost with
   * a server that died (see RemoteDisconnectListener). The connection handler sets it, to run the hub's
   * `onDisconnected` for them. A second call replaces the listener.
   */
  onRemoteDisconnected?(listener: RemoteDisconnectListener): void;

  /** Whether the manager can currently reach every server it fans out to (for /healthz). */
  readonly healthy: boolean;
  /** Releases what the manager holds (timers, backplane links). Idempotent. */
  close(): Promise<void>;
}
