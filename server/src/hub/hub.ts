import type { HubUser } from '../auth/access-tokens.js';
import type { Invitations } from '../invitations/invitations.js';
import type { HubLifetimeManager } from '../lifetime/hub-lifetime-manager.js';

/**
 * An error whose message the client may see (ASP.NET's HubException). Any other error thrown by a
 * hub method reaches the client only as "An unexpected error occurred invoking '<method>' on the server."
 */
export class HubError extends Error {
  override name = 'HubError';
}

/** The argument types a hub method declares. `string` also binds null, as ASP.NET binds null to a string. */
export type ParameterType = 'string' | 'number' | 'boolean' | 'any';

export interface HubCallerContext {
  readonly connectionId: string;
  /** The groups the caller is in. */
  readonly groups: ReadonlySet<string>;
  /** Per-connection storage that lives as long as the connection. */
  readonly items: Map<string, unknown>;
  /** The signed-in user, from the connection's access token; null on a hub without auth. */
  readonly user: HubUser | null;
  /** Ends the caller's connection with a Close message that does not allow reconnect. */
  abort(): void;
}

/** A target for `send`, as ASP.NET's IClientProxy. */
export interface ClientProxy {
  send(method: string, ...args: unknown[]): Promise<void>;
}

export class HubCallerClients {
  constructor(
    private readonly lifetime: HubLifetimeManager,
    private readonly callerId: string,
    private readonly callerProxy: ClientProxy,
  ) {}

  get caller(): ClientProxy {
    return this.callerProxy;
  }
  get all(): ClientProxy {
    return { send: (method, ...args) => this.lifetime.sendAll(method, args) };
  }
  get others(): ClientProxy {
    return { send: (method, ...args) => this.lifetime.sendAllExcept(method, args, [this.callerId]) };
  }
  client(connectionId: string): ClientProxy {
    return { send: (method, ...args) => this.lifetime.sendConnection(connectionId, method, args) };
  }
  group(name: string): ClientProxy {
    return { send: (method, ...args) => this.lifetime.sendGroup(name, method, args) };
  }
  othersInGroup(name: string): ClientProxy {
    return { send: (method, ...args) => this.lifetime.sendGroupExcept(name, method, args, [this.callerId]) };
  }
}

export class GroupManager {
  constructor(private readonly lifetime: HubLifetimeManager) {}
  add(connectionId: string, groupName: string): Promise<void> {
    return this.lifetime.addToGroup(connectionId, groupName);
  }
  /**
   * Adds a connection of this server to a group unless the group already has `maxMembers` members, on every
   * server; resolves with the ids of the other members, or null when the group is full (see HubLifetimeManager).
   */
  join(connectionId: string, groupName: string, maxMembers: number): Promise<string[] | null> {
    return this.lifetime.joinGroup(connectionId, groupName, maxMembers);
  }
  remove(connectionId: string, groupName: string): Promise<void> {
    return this.lifetime.removeFromGroup(connectionId, groupName);
  }
}

/** The server's limits, as hub code needs them (HubServerOptions has the meaning of each). */
export interface HubSettings {
  readonly maxChannelMembers: number;
  readonly maxChannelsPerConnection: number;
}

/**
 * The base of every hub. As in ASP.NET, a hub instance is made for each call and thrown away after,
 * so state that must outlive a call belongs in `context.items` or in the lifetime manager.
 *
 * A hub class lists its callable methods in `static methods`: the name as declared (clients may use
 * any case) and the argument types, which the dispatcher checks before the call.
 */
export abstract class Hub {
  static readonly methods: Readonly<Record<string, readonly ParameterType[]>> = {};

  context!: HubCallerContext;
  clients!: HubCallerClients;
  groups!: GroupManager;
  settings!: HubSettings;
  /**
   * Invitations between users, on every server (product.md section 9). Null where there is no caller to
   * speak for: in onDisconnected for a connection lost with another server.
   */
  invitations!: Invitations | null;

  /** Runs once the handshake is done, before any invocation from this connection. */
  onConnected(): Promise<void> | void {}

  /** Runs once when the connection ends, for whatever reason. */
  onDisconnected(_error?: Error): Promise<void> | void {}
}

export type HubClass = (new () => Hub) & { readonly methods: Readonly<Record<string, readonly ParameterType[]>> };
