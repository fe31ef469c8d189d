import { HubConnection, HubConnectionState, JsonHubProtocol, NullLogger, type IRetryPolicy, type IHubProtocol, type ILogger } from '@microsoft/signalr';
import { RtcError, toRtcError } from '../rtc/rtc-error.js';
import { HubMethod } from './hub-contract.js';
import type { AccessTokenFactory } from './access-token.js';
import { retryDelay } from './retry-policy.js';
import { HubSocket, type HubTransport } from './hub-socket.js';

/**
 * HubConnection's factory, which HubConnectionBuilder.build() calls with its HttpConnection. It is left
 * out of the package's types; it has had this name and these first four parameters since @microsoft/signalr 3.
 */
type HubConnectionFactory = { create(connection: HubTransport, logger: ILogger, protocol: IHubProtocol, reconnectPolicy: IRetryPolicy): HubConnection };

/** How the signaling link is doing, as `rtc-signaling-state` reports it. */
export type SignalingState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

export interface HubClientOptions {
  /** The hub URL, absolute or relative to the page. */
  url: string;
  /** How long `connect()` may take before it gives up with `signaling-unavailable`. */
  connectTimeoutMs?: number;
  /** Gives the access token, when the hub asks for one: on connect and on every reconnect. */
  accessTokenFactory?: AccessTokenFactory | null;
}

/** `signalingstate`: the client's `state` changed. */
export type SignalingStateEvent = Event & { readonly state: SignalingState };

/** `rejoin`, after a reconnect: the client is in `channel` again, with these others already in it (null: the hub does not say). */
export type RejoinEvent = Event & { readonly channel: string; readonly members: string[] | null };

/** `unauthorized`: a reconnect found the access token refused, or none could be had. */
export type UnauthorizedEvent = Event & { readonly error: RtcError };

/** An event of the hub client, with what it says as its own fields. */
const hubClientEvent = <T extends object>(type: string, fields: T): Event & T => Object.assign(new Event(type), fields);

/**
 * The seed's MessageHub over `@microsoft/signalr`, with automatic reconnect (retryDelay) and
 * stateful reconnect. After a reconnect the connection id is new and the hub has forgotten us, so the
 * client joins its channels again by itself, then says `connected`.
 *
 * Fires `signalingstate` (SignalingStateEvent) on every change of `state`, `rejoin` (RejoinEvent) for
 * each channel joined again, and `unauthorized` (UnauthorizedEvent) when a reconnect finds the access
 * token refused or none can be had (it goes on trying: the next token may do).
 */
export class HubClient extends EventTarget {
  state: SignalingState = 'disconnected';
  readonly #connection: HubConnection;
  readonly #channels = new Set<string>();
  readonly #connectTimeoutMs: number;
  #connecting: Promise<void> | null = null;
  /** Why the last token could not be had, if it could not; SignalR keeps only the message. */
  #tokenError: RtcError | null = null;
  /** The last access token given to the hub, for its claims (the `name` peers see); null without one. */
  token: string | null = null;

  constructor(options: HubClientOptions) {
    super();
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const factory = options.accessTokenFactory;
    // SignalR's HubConnection (protocol, automatic and stateful reconnect) over rtc-kit's HubSocket
    // (WebSockets first, SignalR's own fallback transports as a chunk): see hub-socket.ts for why.
    this.#connection = (HubConnection as unknown as HubConnectionFactory).create(
      new HubSocket(resolveUrl(options.url), factory ? () => this.#token(factory) : undefined),
      NullLogger.instance,
      new JsonHubProtocol(),
      {
        nextRetryDelayInMilliseconds: (context) => {
          const refused = this.#refusal(context.retryReason);
          if (refused) this.dispatchEvent(hubClientEvent('unauthorized', { error: refused }));
          return retryDelay(context);
        },
      },
    );
    this.#connection.onreconnecting(() => this.#setState('reconnecting'));
    this.#connection.onreconnected(async () => {
      for (const channel of this.#channels) {
        const members = await this.#connection.invoke(HubMethod.Join, channel).then(memberList, () => null);
        this.dispatchEvent(hubClientEvent('rejoin', { channel, members }));
      }
      this.#setState('connected');
    });
    this.#connection.onclose(() => this.#setState('disconnected'));
  }

  /** Our id on the hub, as other peers see it in `Join` and `Leave`. Null while not connected. */
  get connectionId(): string | null {
    return this.#connection.connectionId;
  }

  /** Connects, or waits for the connect already under way: a caller right after another may not send before it is done. */
  connect(): Promise<void> {
    if (this.#connection.state !== HubConnectionState.Disconnected) return this.#connecting ?? Promise.resolve();
    this.#connecting = this.#connect().finally(() => (this.#connecting = null));
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    this.#setState('connecting');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.#connectTimeoutMs / 1000} s`)), this.#connectTimeoutMs);
    });
    try {
      await Promise.race([this.#connection.start(), timeout]);
      this.#setState('connected');
    } catch (cause) {
      await this.#connection.stop().catch(() => {});
      this.#setState('disconnected');
      throw this.#refusal(cause) ?? new RtcError('signaling-unavailable', `The signaling hub could not be reached (${(cause as Error).message}).`, { cause });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Joins `channel`. Resolves with the connection ids of the others already in it, as rtc-kit's hub says;
   * or null from a hub that says nothing (the seed's ASP.NET hub), where only `Join` announcements tell.
   */
  async join(channel: string): Promise<string[] | null> {
    const members = memberList(
      await this.invoke(HubMethod.Join, channel).catch((error: RtcError) => {
        // The hub's own words (contract sections 7 and 8), as codes a page can act on.
        const message = (error.cause as Error)?.message ?? '';
        if (message.includes(`Channel '${channel}' is full.`)) throw new RtcError('channel-full', `The channel '${channel}' is full.`, { cause: error });
        if (message.includes(`Not allowed to join '${channel}'.`)) throw new RtcError('unauthorized', `Not allowed to join '${channel}'.`, { cause: error });
        throw error;
      }),
    );
    this.#channels.add(channel);
    return members;
  }

  async leave(channel: string): Promise<void> {
    this.#channels.delete(channel);
    if (this.#connection.state === HubConnectionState.Connected) await this.invoke(HubMethod.Leave, channel);
  }

  /** Calls a hub method; a hub error becomes `signaling-rejected`, a lost link `signaling-unavailable`. */
  async invoke(method: string, ...args: unknown[]): Promise<unknown> {
    try {
      // A signal sent while the link is being rebuilt waits for it, instead of failing the call.
      if (this.state === 'reconnecting') {
        // The next change of state ends the reconnect: connected, or given up.
        await new Promise<void>((resolve, reject) =>
          this.addEventListener('signalingstate', () => (this.state === 'connected' ? resolve() : reject(new Error('the link to the hub was lost'))), { once: true }),
        );
      }
      return await this.#connection.invoke(method, ...args);
    } catch (cause) {
      const message = (cause as Error).message ?? String(cause);
      const code = this.#connection.state === HubConnectionState.Connected ? 'signaling-rejected' : 'signaling-unavailable';
      throw new RtcError(code, `The hub refused '${method}': ${message}`, { cause });
    }
  }

  /** Listens for a hub event; returns the function that stops listening. */
  on(event: string, handler: (...args: any[]) => void): () => void {
    this.#connection.on(event, handler);
    return () => this.#connection.off(event, handler);
  }

  async stop(): Promise<void> {
    this.#channels.clear();
    await this.#connection.stop();
  }

  /** A token from the page's factory, remembering why there is none if there is none. */
  async #token(factory: AccessTokenFactory): Promise<string> {
    this.#tokenError = null;
    try {
      return (this.token = await factory());
    } catch (cause) {
      throw (this.#tokenError = toRtcError(cause, 'unauthorized', 'No access token could be had'));
    }
  }

  /** The `unauthorized` error behind a failed connect: no token could be had, or the hub refused it (401). */
  #refusal(cause: unknown): RtcError | null {
    if (this.#tokenError) return this.#tokenError;
    return /Status code '401'/.test((cause as Error)?.message) ? new RtcError('unauthorized', 'The hub refused the access token.', { cause }) : null;
  }

  #setState(state: SignalingState): void {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(hubClientEvent('signalingstate', { state }));
  }
}

/** A `Join` result: the others in the channel, or null when the hub returned no list. */
function memberList(result: unknown): string[] | null {
  return Array.isArray(result) ? result.filter((id): id is string => typeof id === 'string') : null;
}

function resolveUrl(url: string): string {
  return typeof location === 'undefined' ? url : new URL(url, location.href).href;
}
