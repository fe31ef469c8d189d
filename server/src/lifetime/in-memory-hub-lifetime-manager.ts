import { MessageType } from '../protocol/messages.js';
import { SerializedHubMessage } from '../protocol/serialized-message.js';
import type { HubLifetimeManager, LifetimeConnection } from './hub-lifetime-manager.js';

export function invocation(method: string, args: readonly unknown[]): SerializedHubMessage {
  return new SerializedHubMessage({ type: MessageType.Invocation, target: method, arguments: args as unknown[] });
}

/** One server's connections and groups, in memory (ASP.NET's DefaultHubLifetimeManager). */
export class InMemoryHubLifetimeManager implements HubLifetimeManager {
  private readonly connections = new Map<string, LifetimeConnection>();
  private readonly groups = new Map<string, Set<LifetimeConnection>>();
  readonly healthy = true;

  async onConnected(connection: LifetimeConnection): Promise<void> {
    this.connections.set(connection.connectionId, connection);
  }

  async onDisconnected(connection: LifetimeConnection): Promise<void> {
    this.connections.delete(connection.connectionId);
    for (const name of connection.groups) this.leave(connection, name);
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

  async sendGroup(groupName: string, method: string, args: readonly unknown[]): Promise<void> {
    const members = this.groups.get(groupName);
    if (members) this.writeTo(members, method, args);
  }

  async sendGroups(groupNames: readonly string[], method: string, args: readonly unknown[]): Promise<void> {
    // A connection in two of the groups receives the message once.
    const targets = new Set<LifetimeConnection>();
    for (const name of groupNames) for (const member of this.groups.get(name) ?? []) targets.add(member);
    this.writeTo(targets, method, args);
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
    if (!connection) return;
    let members = this.groups.get(groupName);
    if (!members) this.groups.set(groupName, (members = new Set()));
    members.add(connection);
    connection.groups.add(groupName);
  }

  async removeFromGroup(connectionId: string, groupName: string): Promise<void> {
    const connection = this.connections.get(connectionId);
    if (connection) this.leave(connection, groupName);
  }

  async close(): Promise<void> {}

  private leave(connection: LifetimeConnection, groupName: string): void {
    connection.groups.delete(groupName);
    const members = this.groups.get(groupName);
    if (!members) return;
    members.delete(connection);
    if (members.size === 0) this.groups.delete(groupName);
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
