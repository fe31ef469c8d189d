import type { HubLifetimeManager } from '../lifetime/hub-lifetime-manager.js';
import { invocation } from '../lifetime/in-memory-hub-lifetime-manager.js';
import { MessageType, type InvocationMessage, type StreamInvocationMessage } from '../protocol/messages.js';
import type { Invitations } from '../invitations/invitations.js';
import type { Logger } from '../logger.js';
import { GroupManager, HubCallerClients, HubError, type Hub, type HubClass, type HubSettings, type ParameterType } from './hub.js';
import type { HubConnectionContext } from './hub-connection-context.js';

interface MethodDescriptor {
  name: string;
  parameters: readonly ParameterType[];
}

/**
 * Finds and calls hub methods (ASP.NET's DefaultHubDispatcher). Names match whatever their case.
 * The error texts are ASP.NET's own (signalr-wire.md C.4), without detailed errors: a client
 * never sees an exception's details, only the message of a HubError.
 */
export class HubDispatcher {
  private readonly methods = new Map<string, MethodDescriptor>();
  private readonly groups: GroupManager;

  constructor(
    private readonly hubClass: HubClass,
    private readonly lifetime: HubLifetimeManager,
    private readonly settings: HubSettings,
    private readonly invitations: Invitations,
    private readonly logger: Logger,
  ) {
    for (const [name, parameters] of Object.entries(hubClass.methods)) {
      const key = name.toLowerCase();
      if (this.methods.has(key)) throw new TypeError(`Hub method names must be unique ignoring case: '${name}'.`);
      if (typeof (hubClass.prototype as unknown as Record<string, unknown>)[name] !== 'function') {
        throw new TypeError(`Hub method '${name}' is listed in 'methods' but not defined.`);
      }
      this.methods.set(key, { name, parameters });
    }
    this.groups = new GroupManager(lifetime);
  }

  async onConnected(context: HubConnectionContext): Promise<void> {
    await this.create(context).onConnected();
  }

  async onDisconnected(context: HubConnectionContext): Promise<void> {
    await this.create(context).onDisconnected(context.closeError);
  }

  /**
   * Runs the hub's onDisconnected for a connection that another server held when it died (see
   * RemoteDisconnectListener). The hub sees the connection's id and groups; `local` reaches only this
   * server's connections, so each surviving server tells its own. Errors are logged, never thrown.
   */
  async onRemoteDisconnected(connectionId: string, groups: ReadonlySet<string>, local: HubLifetimeManager): Promise<void> {
    const hub = new this.hubClass();
    hub.context = {
      connectionId,
      groups,
      items: new Map(),
      user: null,
      abort: () => {},
    };
    hub.clients = new HubCallerClients(local, connectionId, { send: async () => {} });
    hub.groups = new GroupManager(local);
    hub.settings = this.settings;
    // Its invitations are not cancelled: they ring on, and time out, as if the caller had just gone quiet.
    hub.invitations = null;
    try {
      await hub.onDisconnected(new Error('The server that held the connection stopped.'));
    } catch (error) {
      this.logger.error(`OnDisconnected failed for ${connectionId}, lost with its server`, error);
    }
  }

  /** Runs one invocation. Never rejects: every failure becomes a Completion error, or nothing for `send()`. */
  async invoke(context: HubConnectionContext, message: InvocationMessage | StreamInvocationMessage): Promise<void> {
    const { target, invocationId } = message;
    const method = this.methods.get(target.toLowerCase());
    const fail = (error: string) => {
      if (invocationId) context.writeMessage({ type: MessageType.Completion, invocationId, error });
    };
    if (!method) return fail(`Failed to invoke '${target}' due to an error on the server. HubException: Method does not exist.`);
    if (message.type === MessageType.StreamInvocation) {
      return fail(`The client attempted to invoke the non-streaming '${target}' method with a streaming invocation.`);
    }
    const streams = message.streamIds?.length ?? 0;
    if (streams > 0) {
      return fail(
        `An unexpected error occurred invoking '${target}' on the server. HubException: Client sent ${streams} stream(s), Hub method expects 0.`,
      );
    }
    if (!bind(method.parameters, message.arguments)) {
      return fail(`Failed to invoke '${target}' due to an error on the server.`);
    }
    let result: unknown;
    try {
      const hub = this.create(context) as unknown as Record<string, (...args: unknown[]) => unknown>;
      result = await hub[method.name]!(...message.arguments);
    } catch (error) {
      if (error instanceof HubError) {
        return fail(`An unexpected error occurred invoking '${target}' on the server. HubException: ${error.message}`);
      }
      this.logger.error(`Hub method '${method.name}' threw`, error);
      return fail(`An unexpected error occurred invoking '${target}' on the server.`);
    }
    if (!invocationId) return;
    context.writeMessage(
      result === undefined
        ? { type: MessageType.Completion, invocationId }
        : { type: MessageType.Completion, invocationId, result },
    );
  }

  private create(context: HubConnectionContext): Hub {
    const hub = new this.hubClass();
    hub.context = {
      connectionId: context.connectionId,
      groups: context.groups,
      get items() {
        return context.items;
      },
      user: context.user,
      abort: () => context.abort(),
    };
    const caller = { send: async (method: string, ...args: unknown[]) => context.write(invocation(method, args)) };
    hub.clients = new HubCallerClients(this.lifetime, context.connectionId, caller);
    hub.groups = this.groups;
    hub.settings = this.settings;
    hub.invitations = this.invitations;
    return hub;
  }
}

/** Checks the argument count and types, as ASP.NET's binder does before any call. */
function bind(parameters: readonly ParameterType[], args: readonly unknown[]): boolean {
  if (args.length !== parameters.length) return false;
  for (let i = 0; i < parameters.length; i++) {
    const value = args[i];
    switch (parameters[i]) {
      case 'string':
        if (typeof value !== 'string' && value !== null) return false;
        break;
      case 'number':
        if (typeof value !== 'number') return false;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') return false;
        break;
      case 'any':
        break;
    }
  }
  return true;
}
