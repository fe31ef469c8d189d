// The official SignalR clients, as a test drives them: a name for each client, transport and protocol
// combination, and small helpers to wait for what a hub sends.
import * as signalr from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// @aspnet/signalr 1.1.4, the legacy client, installed under an npm alias. It negotiates with version 0.
const legacy = require('@aspnet/signalr-legacy') as typeof import('@aspnet/signalr-legacy');

export type TransportName = 'WebSockets' | 'ServerSentEvents' | 'LongPolling';

export interface ClientKind {
  /** A readable name for test titles. */
  name: string;
  client: '@microsoft/signalr' | '@aspnet/signalr@1.1.4';
  transport: TransportName;
  protocol: 'json' | 'messagepack';
}

/** Every combination the issue names: the current client over each transport and protocol, and the legacy one. */
export const CLIENT_KINDS: ClientKind[] = [
  { name: '@microsoft/signalr WebSockets JSON', client: '@microsoft/signalr', transport: 'WebSockets', protocol: 'json' },
  { name: '@microsoft/signalr ServerSentEvents JSON', client: '@microsoft/signalr', transport: 'ServerSentEvents', protocol: 'json' },
  { name: '@microsoft/signalr LongPolling JSON', client: '@microsoft/signalr', transport: 'LongPolling', protocol: 'json' },
  { name: '@microsoft/signalr WebSockets MessagePack', client: '@microsoft/signalr', transport: 'WebSockets', protocol: 'messagepack' },
  { name: '@microsoft/signalr LongPolling MessagePack', client: '@microsoft/signalr', transport: 'LongPolling', protocol: 'messagepack' },
  { name: '@aspnet/signalr 1.1.4 WebSockets JSON', client: '@aspnet/signalr@1.1.4', transport: 'WebSockets', protocol: 'json' },
];

/** What the tests need of either client. */
export interface TestClient {
  readonly kind: ClientKind;
  /** The connection id, where the client exposes one (1.1.4 does not). */
  readonly connectionId: string | null;
  invoke(method: string, ...args: unknown[]): Promise<unknown>;
  send(method: string, ...args: unknown[]): Promise<void>;
  /** Everything received for `event`, in order, as argument lists. */
  received(event: string): unknown[][];
  /** Resolves with the next (or an already received, not yet taken) call of `event`. */
  next(event: string, timeoutMs?: number): Promise<unknown[]>;
  /** Resolves with the error the client closed with, or undefined for a clean close. */
  closed: Promise<Error | undefined>;
  stop(): Promise<void>;
}

const EVENTS = ['Join', 'Leave', 'SignalWebRtc', 'ReceiveOffer', 'ReceiveAnswer', 'ReceiveCandidate'];

export interface ConnectOptions {
  /** Where the client gets its access token, as an app passes it to `withUrl`. */
  accessTokenFactory?: () => string | Promise<string>;
}

export async function connect(
  hubUrl: string,
  kind: ClientKind,
  events: string[] = EVENTS,
  options: ConnectOptions = {},
): Promise<TestClient> {
  const url = `${hubUrl}/messagehub`;
  let connection: {
    on(name: string, fn: (...args: unknown[]) => void): void;
    onclose(fn: (error?: Error) => void): void;
    start(): Promise<void>;
    stop(): Promise<void>;
    invoke(method: string, ...args: unknown[]): Promise<unknown>;
    send(method: string, ...args: unknown[]): Promise<void>;
    connectionId?: string | null;
  };
  if (kind.client === '@microsoft/signalr') {
    let builder = new signalr.HubConnectionBuilder()
      .withUrl(url, { transport: signalr.HttpTransportType[kind.transport], accessTokenFactory: options.accessTokenFactory })
      .configureLogging(signalr.LogLevel.None);
    if (kind.protocol === 'messagepack') builder = builder.withHubProtocol(new MessagePackHubProtocol());
    connection = builder.build();
  } else {
    connection = new legacy.HubConnectionBuilder()
      .withUrl(url, { transport: legacy.HttpTransportType[kind.transport], accessTokenFactory: options.accessTokenFactory })
      .configureLogging(legacy.LogLevel.None)
      .build() as unknown as typeof connection;
  }

  const log = new Map<string, unknown[][]>();
  const taken = new Map<string, number>();
  const waiters = new Map<string, Array<() => void>>();
  for (const event of events) {
    log.set(event, []);
    connection.on(event, (...args: unknown[]) => {
      log.get(event)!.push(args);
      for (const wake of waiters.get(event)?.splice(0) ?? []) wake();
    });
  }
  const closed = new Promise<Error | undefined>((resolve) => connection.onclose((error) => resolve(error)));
  await connection.start();

  return {
    kind,
    connectionId: connection.connectionId ?? null,
    invoke: (method, ...args) => connection.invoke(method, ...args),
    send: (method, ...args) => connection.send(method, ...args),
    received: (event) => log.get(event) ?? [],
    next(event, timeoutMs = 5_000) {
      const calls = log.get(event);
      if (!calls) throw new Error(`The test client does not listen for '${event}'.`);
      return new Promise((resolve, reject) => {
        const take = () => {
          const index = taken.get(event) ?? 0;
          if (index < calls.length) {
            taken.set(event, index + 1);
            clearTimeout(timer);
            resolve(calls[index]!);
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => reject(new Error(`No '${event}' within ${timeoutMs} ms (${kind.name}).`)), timeoutMs);
        if (take()) return;
        const wait = () => {
          if (!take()) waiters.get(event)!.push(wait);
        };
        if (!waiters.has(event)) waiters.set(event, []);
        waiters.get(event)!.push(wait);
      });
    },
    closed,
    stop: () => connection.stop(),
  };
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
