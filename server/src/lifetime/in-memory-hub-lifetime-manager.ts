import { MessageType } from '../protocol/messages.js';
import { SerializedHubMessage } from '../protocol/serialized-message.js';
import type { HubLifetimeManager, LifetimeConnection } from './hub-lifetime-manager.js';

/** What joinGroup throws for a connection that is not on this server: a hub only ever joins its caller. */
export function notHere(connectionId: string): string {
  return `joinGroup takes a connection of this server; '${connectionId}' is not one.`;
}

export function invocation(method: string, args: readonly unknown[]): SerializedHubMessage {
  return new SerializedHubMessage({ type: MessageType.Invocation, target: method, arguments: args as unknown[] });
}

/**
 * One server's connections and groups, in memory (ASP.NET's DefaultHubLifetimeManager).
 *
 * The Redis manager keeps its own server's connections in one of these too, and uses the lookups and the
 * synchronous `join`/`leave`/`remove` below, which tell it when a group gains its first member here or
 * loses its last. A hub never needs them.
 */
export class InMemoryHubLifetimeManager implements HubLifetimeManager {
  private readonly connections = new Map<string, LifetimeConnection>();
  private readonly groups = new Map<string, Set<LifetimeConnection>>();
  /** Each user's connections on this server: most users have one, held as it is (a Set costs ~150 bytes). */
  private readonly users = new Map<string, LifetimeConnection | Set<LifetimeConnection>>();
  readonly healthy = true;

  async onConnected(connection: LifetimeConnection): Promise<void> {
    this.add(connection);
  }

  async onDisconnected(connection: LifetimeConnection): Promise<void> {
    if (!this.remove(connection)) return;
    for (const name of [...connection.groups]) this.leave(connection, name);
  }

  async sendAll(method: string, args: readonly unknown[]): Promise<void> {
    this.writeTo(this.connections.values(), method, args);
  }

  async sendAllExcept(method: string, args: readonly unknown[], excluded: readonly string[]): Promise<void> {
    this.writeTo(this.connections.values(), method, args, excluded);
  }

  async sendConnection(connectionId: string, method: string, args: readonly unknown[]): Promise<void> {
    const connection = this.connections.get(connectionId);
    if (connection) connection.write(invocation(method, args));
  }

  async sendConnections(connectionIds: readonly string[], method: string, args: readonly unknown[]): Promise<void> {
    const targets: LifetimeConnection[] = [];
    for (const id of new Set(connectionIds)) {
      const connection = this.connections.get(id);
      if (connection) targets.push(connection);
    }
    this.writeTo(targets, method, args);
  }

  async sendUser(userId: string, method: string, args: readonly unknown[], excluded: readonly string[] = []): Promise<boolean> {
    const connections = this.userConnections(userId, excluded);
    this.writeTo(connections, method, args);
    return connections.length > 0;
  }

  async sendGroup(groupName: string, method: string, args: readonly unknown[]): Promise<void> {
    const members = this.groups.get(groupName);
    if (members) this.writeTo(members, method, args);
  }

  async sendGroups(groupNames: readonly string[], method: string, args: readonly unknown[]): Promise<void> {
    this.writeTo(this.membersOf(groupNames), method, args);
  }

  async sendGroupExcept(
    groupName: string,
    method: string,
    args: readonly unknown[],
    excluded: readonly string[],
  ): Promise<void> {
    const members = this.groups.get(groupName);
    if (members) this.writeTo(members, method, args, excluded);
  }

  async addToGroup(connectionId: string, groupName: string): Promise<void> {
    const connection = this.connections.get(connectionId);
    if (connection) this.join(connection, groupName);
  }

  async removeFromGroup(connectionId: string, groupName: string): Promise<void> {
    const connection = this.connections.get(connectionId);
    if (connection) this.leave(connection, groupName);
  }

  async groupMembers(groupName: string): Promise<string[]> {
    return [...(this.groups.get(groupName) ?? [])].map((member) => member.connectionId);
  }

  async joinGroup(connectionId: string, groupName: string, maxMembers: number): Promise<string[] | null> {
    const connection = this.connections.get(connectionId);
    if (!connection) throw new Error(notHere(connectionId));
    const members = this.groups.get(groupName);
    if (!connection.groups.has(groupName) && (members?.size ?? 0) >= maxMembers) return null;
    const others: string[] = [];
    for (const member of members ?? []) if (member !== connection) others.push(member.connectionId);
    this.join(connection, groupName);
    return others;
  }

  async close(): Promise<void> {}

  // -------------------------------------------------------------------------------------------------
  // For managers built on this one (the Redis manager): synchronous, and no delivery.

  /** The connection with this id on this server, if any. */
  connection(connectionId: string): LifetimeConnection | undefined {
    return this.connections.get(connectionId);
  }

  /** Every connection on this server. */
  allConnections(): IterableIterator<LifetimeConnection> {
    return this.connections.values();
  }

  /** The names of the groups that have members on this server. */
  groupNames(): IterableIterator<string> {
    return this.groups.keys();
  }

  /** Whether the group has members on this server. */
  hasGroup(groupName: string): boolean {
    return this.groups.has(groupName);
  }

  /** The members on this server of any of the groups, each once. */
  membersOf(groupNames: readonly string[]): Set<LifetimeConnection> {
    const targets = new Set<LifetimeConnection>();
    for (const name of groupNames) for (const member of this.groups.get(name) ?? []) targets.add(member);
    return targets;
  }

  /** Adds the connection. True if it is the first connection of its user on this server. */
  add(connection: LifetimeConnection): boolean {
    this.connections.set(connection.connectionId, connection);
    const userId = connection.userId;
    if (userId === undefined || userId === null) return false;
    const held = this.users.get(userId);
    if (held === undefined) {
      this.users.set(userId, connection);
      return true;
    }
    if (held instanceof Set) held.add(connection);
    else if (held !== connection) this.users.set(userId, new Set([held, connection]));
    return false;
  }

  /** Forgets the connection, but not its groups (see leave). False if it was not this very connection. */
  remove(connection: LifetimeConnection): boolean {
    if (this.connections.get(connection.connectionId) !== connection) return false;
    this.connections.delete(connection.connectionId);
    const userId = connection.userId;
    if (userId !== undefined && userId !== null) {
      const held = this.users.get(userId);
      if (held === connection) this.users.delete(userId);
      else if (held instanceof Set) {
        held.delete(connection);
        if (held.size === 1) this.users.set(userId, held.values().next().value!);
      }
    }
    return true;
  }

  /** The user's connections on this server, but the excluded ones. */
  userConnections(userId: string, excluded: readonly string[] = []): LifetimeConnection[] {
    const held = this.users.get(userId);
    const out: LifetimeConnection[] = [];
    for (const connection of held instanceof Set ? held : held ? [held] : []) {
      if (!excluded.includes(connection.connectionId)) out.push(connection);
    }
    return out;
  }

  /** Adds the connection to the group. True if it is the group's first member on this server. */
  join(connection: LifetimeConnection, groupName: string): boolean {
    let members = this.groups.get(groupName);
    if (!members) this.groups.set(groupName, (members = new Set()));
    members.add(connection);
    connection.groups.add(groupName);
    return members.size === 1;
  }

  /** Takes the connection out of the group. True if it was the group's last member on this server. */
  leave(connection: LifetimeConnection, groupName: string): boolean {
    connection.groups.delete(groupName);
    const members = this.groups.get(groupName);
    if (!members || !members.delete(connection) || members.size > 0) return false;
    this.groups.delete(groupName);
    return true;
  }

  /** Serializes lazily, once per protocol, and only if someone receives the message. */
  private writeTo(
    targets: Iterable<LifetimeConnection>,
    method: string,
    args: readonly unknown[],
    excluded?: readonly string[],
  ): void {
    let message: SerializedHubMessage | null = null;
    for (const connection of targets) {
      if (excluded && excluded.includes(connection.connectionId)) continue;
      connection.write((message ??= invocation(method, args)));
    }
  }
}
