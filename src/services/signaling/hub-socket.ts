import { HttpTransportType, NullLogger, type TransferFormat } from '@microsoft/signalr';
import { chunk } from '../rtc/rtc-error.js';
import type { AccessTokenFactory } from './access-token.js';

/**
 * What @microsoft/signalr's HubConnection runs on (its IConnection, which the package does not export):
 * HubConnection speaks the hub protocol (handshake, invocations, pings, stateful reconnect's buffer);
 * the connection only negotiates and carries text.
 */
export interface HubTransport {
  readonly features: Record<string, any>;
  readonly connectionId?: string;
  baseUrl: string;
  start(transferFormat: TransferFormat): Promise<void>;
  send(data: string | ArrayBuffer): Promise<void>;
  stop(error?: unknown): Promise<void>;
  onreceive: ((data: string | ArrayBuffer) => void) | null;
  onclose: ((error?: Error) => void) | null;
}

/** A negotiate answer (signalr-wire.md, section A). */
interface Negotiation {
  negotiateVersion?: number;
  connectionId: string;
  connectionToken?: string;
  url?: string;
  error?: string;
  useStatefulReconnect?: boolean;
  availableTransports?: { transport: string; transferFormats: string[] }[];
}

/**
 * The hub link's connection: a WebSocket, negotiated as SignalR's own clients do it (negotiate version 1,
 * stateful reconnect asked for, the access token as a bearer header on negotiate and as `access_token` on
 * the socket's URL).
 *
 * Why not SignalR's HttpConnection for this too: it carries three transports, an HTTP client and a send
 * queue, 3.5 KB gzip that every page would download for the WebSocket that almost every network lets
 * through. Where it is not let through (the hub offers no WebSocket, or the socket does not open), or the
 * hub redirects negotiate elsewhere, this loads SignalR's HttpConnection as a chunk and hands the start
 * over to it, with Server-Sent Events and Long Polling: the official client's own fallback, on first use.
 *
 * As HttpConnection does: `onclose` is called once per successful start, also when `stop()` ends it (then
 * at once, not when the browser gets round to the socket's close event); a start that `stop()` cut short
 * rejects instead; and with stateful reconnect, a socket that drops is opened again on the same
 * connection (`features.disconnected`, then `features.resend`) before the link is given up.
 */
export class HubSocket implements HubTransport {
  readonly features: Record<string, any> = {};
  onreceive: ((data: string | ArrayBuffer) => void) | null = null;
  onclose: ((error?: Error) => void) | null = null;
  /** The fallback (SignalR's HttpConnection) this start was handed to, if it was. */
  #fallback: HubTransport | null = null;
  #socket: WebSocket | null = null;
  /** A socket still opening, which stop() closes. */
  #opening: WebSocket | null = null;
  #connectionId?: string;
  /** The URL the socket opens, for a stateful reconnect: the hub URL with the connection token. */
  #socketUrl = '';
  #starting: Promise<void> | null = null;
  /** Whether a start completed and its `onclose` is still owed. */
  #started = false;
  #stopped = false;
  /** Counts starts: a stateful reconnect that outlives its start (stopped, then started again) is dropped. */
  #run = 0;
  #stopError: unknown;
  /** Aborts this start's negotiate request: on stop(), or when the hub does not answer in time. */
  #abort = new AbortController();

  constructor(
    public baseUrl: string,
    readonly accessTokenFactory: AccessTokenFactory | undefined,
  ) {}

  get connectionId(): string | undefined {
    return this.#fallback ? this.#fallback.connectionId : this.#connectionId;
  }

  start(transferFormat: TransferFormat): Promise<void> {
    this.#fallback = null;
    this.#stopped = false;
    this.#stopError = undefined;
    this.#run++;
    this.#abort = new AbortController();
    // What an earlier start's transport said of itself is not this start's: Long Polling's keep-alive
    // (HubConnection sends no pings over it) would otherwise outlive it on a WebSocket.
    delete this.features.inherentKeepAlive;
    delete this.features.reconnect;
    return (this.#starting = this.#start(transferFormat));
  }

  async #start(transferFormat: TransferFormat): Promise<void> {
    const negotiation = await this.#negotiate();
    const offered = negotiation.availableTransports?.some((t) => t.transport === 'WebSockets' && t.transferFormats.includes('Text'));
    if (offered && !negotiation.url) {
      this.#socketUrl = `${this.baseUrl}${this.baseUrl.includes('?') ? '&' : '?'}id=${negotiation.negotiateVersion! >= 1 ? negotiation.connectionToken : negotiation.connectionId}`;
      try {
        this.#socket = await this.#open(this.#socketUrl, this.#run);
      } catch (cause) {
        if (this.#stopped) throw cause;
      }
      if (this.#socket) {
        if (this.#stopped) {
          this.#quiet()?.close();
          throw stoppedEarly();
        }
        this.#connectionId = negotiation.connectionId;
        this.features.reconnect = negotiation.useStatefulReconnect === true;
        this.#started = true;
        return;
      }
    }
    await this.#startFallback(transferFormat, negotiation.url ? undefined : HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling);
  }

  /** Hands this start to SignalR's HttpConnection, loaded on first use; it negotiates again (as it does per transport). */
  async #startFallback(transferFormat: TransferFormat, transport: HttpTransportType | undefined): Promise<void> {
    const { HttpConnection } = await chunk('the fallback transports', import('@microsoft/signalr/dist/esm/HttpConnection.js'));
    if (this.#stopped) throw stoppedEarly();
    // Stateful reconnect asked for as here (a WebSocket after a redirect may have it), as SignalR's
    // withStatefulReconnect() sets it.
    const options = { transport, accessTokenFactory: this.accessTokenFactory, logger: NullLogger.instance, _useStatefulReconnect: true };
    const fallback = new HttpConnection(this.baseUrl, options) as unknown as HubTransport;
    // One features object: HubConnection reads and sets it on this connection.
    (fallback as { features: object }).features = this.features;
    fallback.onreceive = (data) => this.onreceive?.(data);
    fallback.onclose = (error) => this.onclose?.(error);
    this.#fallback = fallback;
    await fallback.start(transferFormat);
  }

  async #negotiate(): Promise<Negotiation> {
    const url = new URL(this.baseUrl);
    url.pathname += url.pathname.endsWith('/') ? 'negotiate' : '/negotiate';
    // As SignalR does: what the hub URL already says is kept.
    if (!url.searchParams.has('negotiateVersion')) url.searchParams.set('negotiateVersion', '1');
    if (!url.searchParams.has('useStatefulReconnect')) url.searchParams.set('useStatefulReconnect', 'true');
    let negotiation: Negotiation;
    const abort = this.#abort;
    // A hub that takes the request and never answers must not hold the start (and the stop() that
    // waits for it) for good: SignalR's own HTTP client gives up after the same time.
    const timer = setTimeout(() => abort.abort(new Error('A timeout occurred.')), NEGOTIATE_TIMEOUT_MS);
    try {
      const token = await this.accessTokenFactory?.();
      const response = await fetch(url, {
        method: 'POST',
        headers: token ? { Authorization: `Bearer ${token}`, 'X-Requested-With': 'XMLHttpRequest' } : { 'X-Requested-With': 'XMLHttpRequest' },
        credentials: 'include',
        signal: abort.signal,
      });
      // SignalR's own words (HttpError: the hub's short answer, else the status text), which callers
      // read for the status code. A long answer (a proxy's error page) is left out.
      if (response.status !== 200) {
        const text = await response.text().catch(() => '');
        throw new Error(`Error: ${(text.length <= 200 && text.trim()) || response.statusText}: Status code '${response.status}'`);
      }
      negotiation = await response.json();
    } catch (cause) {
      if (this.#stopped) throw stoppedEarly();
      const message = cause instanceof Error ? (cause.message.startsWith('Error: ') ? cause.message : String(cause)) : String(cause);
      throw new Error(`Failed to complete negotiation with the server: ${message}`, { cause });
    } finally {
      clearTimeout(timer);
    }
    if (negotiation.error) throw new Error(negotiation.error);
    return negotiation;
  }

  /**
   * Opens a socket on the connection at `url`, with a fresh access token, for start number `run`;
   * rejects if it closes before it opens, or if that start is over by the time the token comes.
   */
  async #open(url: string, run: number): Promise<WebSocket> {
    const token = await this.accessTokenFactory?.();
    if (this.#stopped || run !== this.#run) throw stoppedEarly();
    const socket = (this.#opening = new WebSocket(url.replace(/^http/, 'ws') + (token ? `&access_token=${encodeURIComponent(token)}` : '')));
    return new Promise<WebSocket>((resolve, reject) => {
      socket.onmessage = (event) => {
        // A message HubConnection cannot take (a malformed frame, a failed handshake) ends the connection
        // with that error, as SignalR's own WebSocket transport does; the link then reconnects.
        try {
          this.onreceive?.(event.data);
        } catch (error) {
          if (this.#socket === socket) this.#closed(error as Error);
        }
      };
      socket.onopen = () => {
        socket.onclose = (event) => void this.#dropped(socket, event);
        resolve(socket);
      };
      socket.onclose = (event) => reject(new Error(`WebSocket failed to connect (status code ${event.code}).`));
    }).finally(() => {
      if (this.#opening === socket) this.#opening = null;
    });
  }

  /** The socket closed by itself: open it again if the hub keeps our place (stateful reconnect), else the link is lost. */
  async #dropped(socket: WebSocket, event: CloseEvent): Promise<void> {
    if (this.#socket !== socket) return;
    this.#socket = null;
    const error = event.wasClean && event.code === 1000 ? undefined : new Error(`WebSocket closed with status code: ${event.code} (${event.reason || 'no reason given'}).`);
    const run = this.#run;
    if (this.features.reconnect) {
      try {
        this.features.disconnected();
        const again = await this.#open(this.#socketUrl, run);
        if (!this.#stopped && run === this.#run) {
          this.#socket = again;
          await this.features.resend();
          return;
        }
        again.close();
      } catch {
        // Not back: the link is lost, as below.
      }
    }
    // Unless the connection was stopped and started again meanwhile: that start is not ours to end.
    if (run === this.#run) this.#closed(error);
  }

  send(data: string | ArrayBuffer): Promise<void> {
    if (this.#fallback) return this.#fallback.send(data);
    if (this.#socket?.readyState !== WebSocket.OPEN) return Promise.reject(new Error('WebSocket is not in the OPEN state'));
    this.#socket.send(data);
    return Promise.resolve();
  }

  async stop(error?: unknown): Promise<void> {
    if (this.#fallback) return this.#fallback.stop(error);
    this.#stopped = true;
    this.#stopError ??= error;
    this.#abort.abort();
    this.#opening?.close();
    await this.#starting?.catch(() => {});
    this.#quiet()?.close();
    this.#closed();
  }

  /** The socket, with its handlers off: what it says from now on is not ours to hear. */
  #quiet(): WebSocket | null {
    const socket = this.#socket;
    this.#socket = null;
    if (socket) socket.onclose = socket.onmessage = null;
    return socket;
  }

  /** Ends a started connection once: HubConnection hears `onclose`, with stop()'s error before the socket's. */
  #closed(error?: Error): void {
    if (!this.#started) return;
    this.#started = false;
    this.#connectionId = undefined;
    this.#quiet()?.close();
    this.onclose?.((this.#stopError as Error | undefined) ?? error);
  }
}

/** How long a negotiate request may take: SignalR's HttpConnection's default request timeout. */
const NEGOTIATE_TIMEOUT_MS = 100_000;

/** A start that stop() cut short rejects with this, as HttpConnection's does. */
const stoppedEarly = () => new Error('The connection was stopped before it started.');
