import type { InvitationStore } from './invitations/invitation-store.js';
import type { HubLifetimeManager } from './lifetime/hub-lifetime-manager.js';
import type { Logger } from './logger.js';

export interface HubServerOptions {
  /** TCP port; 0 picks a free one. Default 5000. */
  port?: number;
  /** Address to bind. Default 127.0.0.1: the hub is reachable from elsewhere only when asked. */
  host?: string;
  /** Where the SignalR endpoint lives. Default `/messagehub`, the seed's path. */
  hubPath?: string;
  /** Serve the files in this folder at `/`. Default none. */
  staticDir?: string | null;
  /** Serve the files in this folder at `/dist/`. Default none. */
  distDir?: string | null;
  /** Browser origins allowed to use the hub (CORS and the WebSocket Origin check). Default: the server's own origin. */
  allowedOrigins?: readonly string[];
  /** Send a Ping after this long without sending anything, in ms. Default 15 000. */
  keepAliveInterval?: number;
  /** Close a client that has sent nothing for this long, in ms, once it has pinged. Default 30 000. */
  clientTimeoutInterval?: number;
  /** Close a connection that has not finished its handshake after this long, in ms. Default 15 000. */
  handshakeTimeout?: number;
  /** The largest message a client may send, in bytes; null for no limit. Default 32 768. */
  maximumReceiveMessageSize?: number | null;
  /**
   * Dispose a negotiated connection that never starts, a long poller that stops polling, or a stateful
   * reconnect connection whose WebSocket dropped and did not come back, after this long, in ms. Default 15 000.
   */
  disconnectTimeout?: number;
  /** Answer a long poll that has nothing to send after this long, in ms. Default 90 000. */
  longPollTimeout?: number;
  /**
   * Bytes written to a connection and not yet sent (or polled) above which its client counts as not reading,
   * ASP.NET's TransportMaxBufferSize. A connection that stays above it for `transportSendTimeout` is closed, and
   * one that goes past 16 times it (1 MiB by default) is closed at once: a client that does not read must not
   * make the server queue for it without end. Default 65 536.
   */
  transportMaxBufferSize?: number;
  /** How long, in ms, a connection may stay above `transportMaxBufferSize` (ASP.NET's TransportSendTimeout). Default 10 000. */
  transportSendTimeout?: number;
  /**
   * Stateful reconnect (SignalR 8+, WebSockets only; signalr-wire.md E): a client built with
   * `withStatefulReconnect()` that loses its WebSocket without a Close frame gets `disconnectTimeout` to
   * open a new one with the same connection token. It then resumes the same connection, with its id and
   * groups, and no message is lost or delivered twice either way. Offered only to clients that ask for it
   * (`useStatefulReconnect=true` on negotiate). Default true: rtc-kit's own client asks for it. ASP.NET's
   * `AllowStatefulReconnects` defaults to false; set false to match it.
   */
  allowStatefulReconnects?: boolean;
  /**
   * Stateful reconnect only: the bytes of sent messages the client has not acknowledged yet, kept to be
   * replayed after a resume. Beyond it, further messages wait (queued, not sent) for the client's Ack; a
   * client that acknowledges nothing for `disconnectTimeout` while messages wait is closed. Default 100 000,
   * ASP.NET's `StatefulReconnectBufferSize`.
   */
  statefulReconnectBufferSize?: number;
  /** TURN URLs that `/ice-servers` hands out with short-lived credentials. Needs `turnSecret`. */
  turnUrls?: readonly string[];
  /** coturn's `static-auth-secret`, used to mint the credentials. Never sent to a client. */
  turnSecret?: string | null;
  /** The lifetime of minted TURN credentials, in seconds. Default 3600. */
  turnTtl?: number;
  /** STUN URLs that `/ice-servers` hands out. */
  stunUrls?: readonly string[];
  /** How many `/ice-servers` requests one client address may make per window. Default 30 per 60 s. */
  iceServersRateLimit?: { max: number; windowMs: number };
  /** Who is connected, and groups. Default: in memory, for one server, or Redis when `redis` is set. */
  lifetimeManager?: HubLifetimeManager;
  /**
   * Scale out: a Redis URL (`redis://host:6379`, `rediss://` for TLS) that several hub servers share, so
   * that clients on different servers reach each other (docs/scaling.md). Default null: one server.
   */
  redis?: string | null;
  /**
   * With `redis`: how often this server tells the others it is alive, in ms. A server not heard from for
   * three heartbeats is taken for dead, and the others tell its connections' peers `Leave` (so between
   * three and four heartbeats after it died). Default 5 000: a dead server is noticed within 20 s, before
   * the clients' own 30 s server timeout.
   */
  redisHeartbeatInterval?: number;
  /**
   * Verify HS256 access tokens with this shared secret (product.md section 8). With it, or `authPublicKey`, or
   * `devTokens`, every connection and `/ice-servers` need a valid token. Default null: an open hub.
   */
  authSecret?: string | null;
  /** Verify RS256, ES256 or EdDSA access tokens with this PEM public key (its text, not a file name). Default null. */
  authPublicKey?: string | null;
  /** With auth: the `iss` every token must have. Default null: not checked. */
  authIssuer?: string | null;
  /** With auth: the `aud` every token must have. Default null: not checked. */
  authAudience?: string | null;
  /**
   * Serve `GET /dev/token?user=NAME[&channels=a,b]`: a one-hour HS256 token for anyone who asks, signed with
   * `authSecret`, or with a random secret made at start when there is none. For trying the kit on one
   * machine only: refused unless `host` is a loopback address. Default false.
   */
  devTokens?: boolean;
  /** A `Join` that would make a channel larger than this gets `Channel '<name>' is full.`; across servers too. Default 6. */
  maxChannelMembers?: number;
  /** A connection may be in at most this many channels at once. Default 4. */
  maxChannelsPerConnection?: number;
  /**
   * Invocations one connection may make per second, on average, with bursts of twice as many (a token
   * bucket). Past it, an invocation gets the hub error `Rate limit exceeded.` and is not run; a connection that
   * stays past it for `rateLimitCloseAfter` is closed. 0 turns the limit off. Default 50.
   */
  maxInvocationsPerSecond?: number;
  /** How long, in ms, a connection may keep going past the rate limit before it is closed. Default 10 000. */
  rateLimitCloseAfter?: number;
  /** How long an invitation rings before it times out, in ms (product.md section 9). Default 30 000. */
  inviteTimeout?: number;
  /**
   * Where invitations live while they ring. Default: in Redis when `redis` is set (so that they, and their
   * time-outs, outlive the server that made them), else in memory.
   */
  invitationStore?: InvitationStore;
  logger?: Logger;
}

export type ResolvedHubServerOptions = Required<Omit<HubServerOptions, 'lifetimeManager' | 'logger' | 'invitationStore'>> &
  Pick<HubServerOptions, 'lifetimeManager' | 'logger' | 'invitationStore'>;

/** ASP.NET's defaults (signalr-wire.md D.1), plus the product's own (product.md section 3). */
export const DEFAULT_OPTIONS = {
  port: 5000,
  host: '127.0.0.1',
  hubPath: '/messagehub',
  staticDir: null,
  distDir: null,
  allowedOrigins: [],
  keepAliveInterval: 15_000,
  clientTimeoutInterval: 30_000,
  handshakeTimeout: 15_000,
  maximumReceiveMessageSize: 32 * 1024,
  disconnectTimeout: 15_000,
  longPollTimeout: 90_000,
  transportMaxBufferSize: 65_536,
  transportSendTimeout: 10_000,
  allowStatefulReconnects: true,
  statefulReconnectBufferSize: 100_000,
  turnUrls: [],
  turnSecret: null,
  turnTtl: 3600,
  stunUrls: [],
  iceServersRateLimit: { max: 30, windowMs: 60_000 },
  redis: null,
  redisHeartbeatInterval: 5_000,
  authSecret: null,
  authPublicKey: null,
  authIssuer: null,
  authAudience: null,
  devTokens: false,
  maxChannelMembers: 6,
  maxChannelsPerConnection: 4,
  maxInvocationsPerSecond: 50,
  rateLimitCloseAfter: 10_000,
  inviteTimeout: 30_000,
} as const satisfies ResolvedHubServerOptions;

/** Spreads the defaults in and checks every option up front, with an exact message. */
export function resolveOptions(options: HubServerOptions = {}): ResolvedHubServerOptions {
  const resolved: ResolvedHubServerOptions = { ...DEFAULT_OPTIONS, ...stripUndefined(options) };
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new TypeError(`The "port" option must be an integer from 0 to 65535, not ${String(resolved.port)}.`);
  }
  if (typeof resolved.host !== 'string' || resolved.host === '') {
    throw new TypeError('The "host" option must be a non-empty string.');
  }
  if (typeof resolved.hubPath !== 'string' || !resolved.hubPath.startsWith('/') || resolved.hubPath.endsWith('/')) {
    throw new TypeError('The "hubPath" option must start with "/" and not end with "/".');
  }
  for (const name of [
    'keepAliveInterval',
    'clientTimeoutInterval',
    'handshakeTimeout',
    'disconnectTimeout',
    'longPollTimeout',
    'redisHeartbeatInterval',
    'rateLimitCloseAfter',
    'transportSendTimeout',
    'inviteTimeout',
  ] as const) {
    const value = resolved[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new TypeError(`The "${name}" option must be a positive number of milliseconds.`);
    }
  }
  if (resolved.keepAliveInterval >= resolved.clientTimeoutInterval) {
    // The clients' own server timeout is 30 s by default; a slower keep-alive makes them drop the server.
    throw new TypeError('The "keepAliveInterval" option must be less than "clientTimeoutInterval".');
  }
  if (typeof resolved.allowStatefulReconnects !== 'boolean') {
    throw new TypeError('The "allowStatefulReconnects" option must be true or false.');
  }
  if (!Number.isInteger(resolved.transportMaxBufferSize) || resolved.transportMaxBufferSize <= 0) {
    throw new TypeError('The "transportMaxBufferSize" option must be a positive whole number of bytes.');
  }
  if (!Number.isInteger(resolved.statefulReconnectBufferSize) || resolved.statefulReconnectBufferSize <= 0) {
    throw new TypeError('The "statefulReconnectBufferSize" option must be a positive whole number of bytes.');
  }
  const max = resolved.maximumReceiveMessageSize;
  if (max !== null && (!Number.isInteger(max) || max <= 0)) {
    throw new TypeError('The "maximumReceiveMessageSize" option must be a positive integer or null.');
  }
  checkUrls('turnUrls', resolved.turnUrls, /^turns?:/i, 'turn: or turns:');
  checkUrls('stunUrls', resolved.stunUrls, /^stuns?:/i, 'stun: or stuns:');
  if (resolved.turnSecret !== null && (typeof resolved.turnSecret !== 'string' || resolved.turnSecret === '')) {
    throw new TypeError('The "turnSecret" option must be a non-empty string.');
  }
  if (resolved.turnUrls.length > 0 && !resolved.turnSecret) {
    throw new TypeError(
      'TURN URLs need "turnSecret" (coturn\'s static-auth-secret) to mint short-lived credentials; rtc-kit never hands out a static password.',
    );
  }
  if (!Number.isInteger(resolved.turnTtl) || resolved.turnTtl <= 0) {
    throw new TypeError('The "turnTtl" option must be a positive whole number of seconds.');
  }
  const limit = resolved.iceServersRateLimit;
  if (!limit || !Number.isInteger(limit.max) || limit.max <= 0 || !(limit.windowMs > 0)) {
    throw new TypeError('The "iceServersRateLimit" option must be { max: positive integer, windowMs: positive number }.');
  }
  if (resolved.redis !== null && !isRedisUrl(resolved.redis)) {
    throw new TypeError('The "redis" option must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379.');
  }
  if (resolved.redis !== null && resolved.lifetimeManager) {
    throw new TypeError('The "redis" and "lifetimeManager" options exclude each other: give one or the other.');
  }
  checkAuth(resolved);
  for (const name of ['maxChannelMembers', 'maxChannelsPerConnection'] as const) {
    if (!Number.isInteger(resolved[name]) || resolved[name] <= 0) {
      throw new TypeError(`The "${name}" option must be a positive whole number.`);
    }
  }
  const rate = resolved.maxInvocationsPerSecond;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
    throw new TypeError('The "maxInvocationsPerSecond" option must be a number of 0 (no limit) or more.');
  }
  const origins = resolved.allowedOrigins;
  if (!Array.isArray(origins)) throw new TypeError('The "allowedOrigins" option must be an array of origins.');
  resolved.allowedOrigins = origins.map(normalizeOrigin);
  return resolved;
}

/** Whether `host` is a loopback address, reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** Whether the hub asks for access tokens: any auth key, or dev tokens. */
export function authEnabled(options: ResolvedHubServerOptions): boolean {
  return options.authSecret !== null || options.authPublicKey !== null || options.devTokens;
}

function checkAuth(resolved: ResolvedHubServerOptions): void {
  for (const name of ['authSecret', 'authPublicKey', 'authIssuer', 'authAudience'] as const) {
    const value = resolved[name];
    if (value !== null && (typeof value !== 'string' || value === '')) {
      throw new TypeError(`The "${name}" option must be a non-empty string.`);
    }
  }
  if (typeof resolved.devTokens !== 'boolean') throw new TypeError('The "devTokens" option must be true or false.');
  if ((resolved.authIssuer !== null || resolved.authAudience !== null) && !authEnabled(resolved)) {
    throw new TypeError('The "authIssuer" and "authAudience" options need "authSecret", "authPublicKey" or "devTokens".');
  }
  if (resolved.devTokens && !isLoopbackHost(resolved.host)) {
    throw new TypeError(
      `Dev tokens are refused on host ${resolved.host}: anyone who reaches /dev/token could sign in as anyone. ` +
        'Bind a loopback address (127.0.0.1, ::1 or localhost), or mint real tokens.',
    );
  }
}

/** `https://Example.com:443/` becomes `https://example.com`, the form browsers send in `Origin`. */
export function normalizeOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new TypeError(`The allowed origin "${origin}" is not a URL such as https://app.example.com.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`The allowed origin "${origin}" must start with http:// or https://.`);
  }
  return url.origin;
}

function checkUrls(name: string, urls: unknown, scheme: RegExp, expected: string): void {
  if (!Array.isArray(urls) || !urls.every((url) => typeof url === 'string')) {
    throw new TypeError(`The "${name}" option must be an array of URL strings.`);
  }
  for (const url of urls as string[]) {
    if (!scheme.test(url)) throw new TypeError(`The ${name} entry "${url}" must start with ${expected}.`);
  }
}

function isRedisUrl(url: unknown): boolean {
  try {
    const parsed = new URL(url as string);
    return typeof url === 'string' && (parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
