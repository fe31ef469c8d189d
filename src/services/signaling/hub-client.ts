import {
  HttpTransportType,
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
  type HubConnection,
} from '@microsoft/signalr';
import { RtcError } from '../rtc/rtc-error.js';
import { HubMethod } from './hub-contract.js';

/** How the signaling link is doing, as `rtc-signaling-state` reports it. */
export type SignalingState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

export interface HubClientOptions {
  /** The hub URL, absolute or relative to the page. */
  url: string;
  /** How long `connect()` may take before it gives up with `signaling-unavailable`. */
  connectTimeoutMs?: number;
}

export class SignalingStateEvent extends Event {
  constructor(readonly state: SignalingState) {
    super('signalingstate');
  }
}

/**
 * The seed's MessageHub over `@microsoft/signalr`, with automatic reconnect. After a reconnect the
 * connection id is new, so the client joins its channels again by itself.
 *
 * Fires `signalingstate` (SignalingStateEvent) on every change of `state`.
 */
export class HubClient extends EventTarget {
  state: SignalingState = 'disconnected';
  private readonly connection: HubConnection;
  private readonly channels = new Set<string>();
  private readonly connectTimeoutMs: number;

  constructor(options: HubClientOptions) {
    super();
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.connection = new HubConnectionBuilder()
      .withUrl(resolveUrl(options.url), { transport: HttpTransportType.WebSockets | HttpTransportType.LongPolling | HttpTransportType.ServerSentEvents })
      .withAutomaticReconnect([0, 1_000, 2_000, 5_000, 10_000, 10_000, 30_000])
      .withStatefulReconnect()
      .configureLogging(LogLevel.None)
      .build();
    this.connection.onreconnecting(() => this.setState('reconnecting'));
    this.connection.onreconnected(async () => {
      // The hub forgot us with our old connection id: join again so the others see us.
      for (const channel of this.channels) await this.connection.invoke(HubMethod.Join, channel).catch(() => {});
      this.setState('connected');
    });
    this.connection.onclose(() => this.setState('disconnected'));
  }

  /** Our id on the hub, as other peers see it in `Join` and `Leave`. Null while not connected. */
  get connectionId(): string | null {
    return this.connection.connectionId;
  }

  async connect(): Promise<void> {
    if (this.connection.state !== HubConnectionState.Disconnected) return;
    this.setState('connecting');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.connectTimeoutMs / 1000} s`)),
        this.connectTimeoutMs,
      );
    });
    try {
      await Promise.race([this.connection.start(), timeout]);
      this.setState('connected');
    } catch (cause) {
      await this.connection.stop().catch(() => {});
      this.setState('disconnected');
      throw new RtcError('signaling-unavailable', `The signaling hub could not be reached (${(cause as Error).message}).`, { cause });
    } finally {
      clearTimeout(timer);
    }
  }

  async join(channel: string): Promise<void> {
    await this.invoke(HubMethod.Join, channel);
    this.channels.add(channel);
  }

  async leave(channel: string): Promise<void> {
    this.channels.delete(channel);
    if (this.connection.state === HubConnectionState.Connected) await this.invoke(HubMethod.Leave, channel);
  }

  /** Calls a hub method; a hub error becomes `signaling-rejected`, a lost link `signaling-unavailable`. */
  async invoke(method: string, ...args: unknown[]): Promise<void> {
    try {
      // A signal sent while the link is being rebuilt waits for it, instead of failing the call.
      if (this.state === 'reconnecting') {
        // The next change of state ends the reconnect: connected, or given up.
        await new Promise<void>((resolve, reject) =>
          this.addEventListener('signalingstate', () => (this.state === 'connected' ? resolve() : reject(new Error('the link to the hub was lost'))), { once: true }),
        );
      }
      await this.connection.invoke(method, ...args);
    } catch (cause) {
      const message = (cause as Error).message ?? String(cause);
      const code = this.connection.state === HubConnectionState.Connected ? 'signaling-rejected' : 'signaling-unavailable';
      throw new RtcError(code, `The hub refused '${method}': ${message}`, { cause });
    }
  }

  /** Listens for a hub event; returns the function that stops listening. */
  on(event: string, handler: (...args: any[]) => void): () => void {
    this.connection.on(event, handler);
    return () => this.connection.off(event, handler);
  }

  async stop(): Promise<void> {
    this.channels.clear();
    await this.connection.stop();
  }

  private setState(state: SignalingState): void {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new SignalingStateEvent(state));
  }
}

function resolveUrl(url: string): string {
  return typeof location === 'undefined' ? url : new URL(url, location.href).href;
}
