import {
  HttpTransportType,
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
  type HubConnection,
} from '@microsoft/signalr';
import { RtcError } from '../rtc/rtc-error.js';
import { HubMethod } from './hub-contract.js';
import { retryDelay } from './retry-policy.js';

/** How the signaling link is doing, as `rtc-signaling-state` reports it. */
export type SignalingState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

export interface HubClientOptions {
  /** The hub URL, absolute or relative to the page. */
  url: string;
  /** How long `connect()` may take before it gives up with `signaling-unavailable`. */
  connectTimeoutMs?: number;
  /** Gives the access token, when the hub asks for one: on connect and on every reconnect. */
  accessTokenFactory?: () => string | Promise<string>;
}

export class SignalingStateEvent extends Event {
  constructor(readonly state: SignalingState) {
    super('signalingstate');
  }
}

/** After a reconnect: the client is in `channel` again, with these others already in it (null: the hub does not say). */
export class RejoinEvent extends Event {
  constructor(
    readonly channel: string,
    readonly members: string[] | null,
  ) {
    super('rejoin');
  }
}

/**
 * The seed's MessageHub over `@microsoft/signalr`, with automatic reconnect (retryDelay) and
 * stateful reconnect. After a reconnect the connection id is new and the hub has forgotten us, so the
 * client joins its channels again by itself, then says `connected`.
 *
 * Fires `signalingstate` (SignalingStateEvent) on every change of `state`, and `rejoin` (RejoinEvent)
 * for each channel joined again.
 */
export class HubClient extends EventTarget {
  state: SignalingState = 'disconnected';
  readonly #connection: HubConnection;
  readonly #channels = new Set<string>();
  readonly #connectTimeoutMs: number;

  constructor(options: HubClientOptions) {
    super();
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#connection = new HubConnectionBuilder()
      .withUrl(resolveUrl(options.url), {
        transport: HttpTransportType.WebSockets | HttpTransportType.LongPolling | HttpTransportType.ServerSentEvents,
        accessTokenFactory: options.accessTokenFactory,
      })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => retryDelay(context) })
      .withStatefulReconnect()
      .configureLogging(LogLevel.None)
      .build();
    this.#connection.onreconnecting(() => this.#setState('reconnecting'));
    this.#connection.onreconnected(async () => {
      for (const channel of this.#channels) {
        const members = await this.#connection.invoke(HubMethod.Join, channel).then(memberList, () => null);
        this.dispatchEvent(new RejoinEvent(channel, members));
      }
      this.#setState('connected');
    });
    this.#connection.onclose(() => this.#setState('disconnected'));
  }

  /** Our id on the hub, as other peers see it in `Join` and `Leave`. Null while not connected. */
  get connectionId(): string | null {
    return this.#connection.connectionId;
  }

  async connect(): Promise<void> {
    if (this.#connection.state !== HubConnectionState.Disconnected) return;
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
      throw new RtcError('signaling-unavailable', `The signaling hub could not be reached (${(cause as Error).message}).`, { cause });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Joins `channel`. Resolves with the connection ids of the others already in it, as rtc-kit's hub says;
   * or null from a hub that says nothing (the seed's ASP.NET hub), where only `Join` announcements tell.
   */
  async join(channel: string): Promise<string[] | null> {
    const members = memberList(await this.invoke(HubMethod.Join, channel));
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

  #setState(state: SignalingState): void {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new SignalingStateEvent(state));
  }
}

/** A `Join` result: the others in the channel, or null when the hub returned no list. */
function memberList(result: unknown): string[] | null {
  return Array.isArray(result) ? result.filter((id): id is string => typeof id === 'string') : null;
}

function resolveUrl(url: string): string {
  return typeof location === 'undefined' ? url : new URL(url, location.href).href;
}
