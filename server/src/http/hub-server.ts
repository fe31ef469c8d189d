import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import sirv from 'sirv';
import { AccessTokens, type HubUser } from '../auth/access-tokens.js';
import { HubConnectionHandler } from '../hub/hub-connection-handler.js';
import type { HubClass } from '../hub/hub.js';
import { MessageHub } from '../hubs/message-hub.js';
import type { HubLifetimeManager } from '../lifetime/hub-lifetime-manager.js';
import { InMemoryHubLifetimeManager } from '../lifetime/in-memory-hub-lifetime-manager.js';
import { RedisHubLifetimeManager } from '../lifetime/redis-hub-lifetime-manager.js';
import { InMemoryInvitationStore } from '../invitations/invitation-store.js';
import { Invitations } from '../invitations/invitations.js';
import { RedisInvitationStore } from '../invitations/redis-invitation-store.js';
import { consoleLogger, type Logger } from '../logger.js';
import { authEnabled, resolveOptions, type HubServerOptions } from '../options.js';
import { hubProtocols } from '../protocol/index.js';
import { ConnectionManager } from '../transport/connection-manager.js';
import { HttpConnectionDispatcher } from '../transport/http-connection-dispatcher.js';
import { devToken } from './dev-tokens.js';
import { mintIceServers, RateLimiter } from './ice-servers.js';
import { OriginPolicy } from './origins.js';
import { rejectUpgrade, sendJson, sendText } from './responses.js';

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface HubServer {
  /** `http://HOST:PORT`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly httpServer: Server;
  readonly lifetime: HubLifetimeManager;
  /** Connected hub clients (past their handshake or in it). */
  readonly connectionCount: number;
  /** HTTP connections held: negotiated and not started yet, or running. A refused request adds none. */
  readonly httpConnectionCount: number;
  /** Sends every client a Close that allows reconnect, ends every transport, and stops listening. Idempotent. */
  close(): Promise<void>;
}

/** A connection with this many times `transportMaxBufferSize` unsent is dropped at once, without waiting. */
const TRANSPORT_HARD_LIMIT_FACTOR = 16;

/** How long shutdown waits for clients to finish their close handshakes before it cuts them off. */
const SHUTDOWN_GRACE_MS = 1_000;

/**
 * Starts the rtc-kit hub: the SignalR endpoint for `MessageHub`, `/healthz`, and the static files.
 * Resolves once it is listening.
 */
export async function createHubServer(options: HubServerOptions = {}, hub: HubClass = MessageHub): Promise<HubServer> {
  const config = resolveOptions(options);
  const logger: Logger = config.logger ?? consoleLogger();
  // Keys are imported once, here, before anything else is made: a bad key stops the start.
  const tokens = authEnabled(config)
    ? await AccessTokens.create({
        // Dev tokens need an HS256 secret; without one, a random one for this run.
        secret: config.authSecret ?? (config.devTokens ? AccessTokens.randomSecret() : null),
        publicKey: config.authPublicKey,
        issuer: config.authIssuer,
        audience: config.authAudience,
      })
    : null;
  const lifetime =
    config.lifetimeManager ??
    (config.redis
      ? // Channels are named after the hub, as ASP.NET names them after the hub's type.
        new RedisHubLifetimeManager({
          url: config.redis,
          channelPrefix: hub.name,
          heartbeatInterval: config.redisHeartbeatInterval,
          logger,
        })
      : new InMemoryHubLifetimeManager());
  // Invitations outlive the server that made them only where several servers share Redis. An ended one is
  // remembered for a minute at least, so that an answer a little late is told so.
  const linger = Math.max(config.inviteTimeout, 60_000);
  const invitationStore =
    config.invitationStore ??
    (config.redis ? new RedisInvitationStore({ url: config.redis, prefix: hub.name, linger }) : new InMemoryInvitationStore(linger));
  const invitations = new Invitations({ store: invitationStore, lifetime, timeout: config.inviteTimeout, logger });
  const max = config.maximumReceiveMessageSize;

  const connections = new ConnectionManager(config.disconnectTimeout);
  const handler = new HubConnectionHandler({
    hub,
    lifetime,
    protocols: hubProtocols,
    keepAliveInterval: config.keepAliveInterval,
    clientTimeoutInterval: config.clientTimeoutInterval,
    handshakeTimeout: config.handshakeTimeout,
    maximumReceiveMessageSize: max,
    statefulReconnectBufferSize: config.statefulReconnectBufferSize,
    disconnectTimeout: config.disconnectTimeout,
    maxInvocationsPerSecond: config.maxInvocationsPerSecond,
    rateLimitCloseAfter: config.rateLimitCloseAfter,
    transportMaxBufferSize: config.transportMaxBufferSize,
    transportSendTimeout: config.transportSendTimeout,
    settings: { maxChannelMembers: config.maxChannelMembers, maxChannelsPerConnection: config.maxChannelsPerConnection },
    invitations,
    logger,
  });
  const dispatcher = new HttpConnectionDispatcher({
    connections,
    onConnect: (connection) => handler.onConnect(connection),
    longPollTimeout: config.longPollTimeout,
    allowStatefulReconnects: config.allowStatefulReconnects,
    maxFramePayload: max === null ? 100 * 1024 * 1024 : Math.max(8 * 1024 * 1024, 4 * max),
    maxBufferedBytes: TRANSPORT_HARD_LIMIT_FACTOR * config.transportMaxBufferSize,
  });

  const serveStatic: Handler | null = config.staticDir ? sirv(config.staticDir, { dev: false, etag: true }) : null;
  const serveDist: Handler | null = config.distDir ? sirv(config.distDir, { dev: false, etag: true }) : null;
  const iceLimiter = new RateLimiter(config.iceServersRateLimit.max, config.iceServersRateLimit.windowMs);
  const hubPath = config.hubPath;
  const negotiatePath = `${hubPath}/negotiate`;
  let origins: OriginPolicy;
  /** Set once close() starts: new connections are refused while the old ones take their Close. */
  let shuttingDown = false;

  const httpServer = createServer((req, res) => {
    let url: URL;
    try {
      url = requestUrl(req);
    } catch {
      return sendText(res, 400, 'Bad request URL.');
    }
    try {
      route(req, res, url);
    } catch (error) {
      logger.error(`Request ${req.method} ${url.pathname} failed`, error);
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
      else res.destroy();
    }
  });

  function route(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const path = url.pathname;
    if (path === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405);
      res.setHeader('Cache-Control', 'no-store');
      return lifetime.healthy
        ? sendJson(res, 200, '{"status":"ok"}')
        : sendJson(res, 503, '{"status":"unhealthy","reason":"The backplane is unreachable."}');
    }
    if (path === hubPath || path === negotiatePath) {
      if (!origins.isAllowed(req)) {
        req.resume();
        return sendText(res, 403, 'Origin not allowed.');
      }
      if (req.method === 'OPTIONS') return origins.answerPreflight(req, res, 'GET, POST, DELETE, OPTIONS');
      origins.applyCors(req, res);
      if (shuttingDown && path === negotiatePath) {
        req.resume();
        return sendText(res, 503, 'The server is shutting down.');
      }
      const dispatch = (user: HubUser | null) =>
        path === negotiatePath ? dispatcher.negotiate(req, res, url, user) : dispatcher.handle(req, res, url, user);
      if (!tokens) return dispatch(null);
      // Every request is checked, as ASP.NET's [Authorize] does: negotiate, each poll, each POST, DELETE.
      return signedIn(req, res, url, dispatch);
    }
    if (path === '/ice-servers') {
      if (!tokens) return iceServers(req, res, null);
      // The preflight carries no token; it is answered before the check.
      if (req.method === 'OPTIONS') return iceServers(req, res, null);
      return signedIn(req, res, url, (user) => iceServers(req, res, user));
    }
    if (path === '/dev/token' && config.devTokens && tokens) return devTokens(req, res, url, tokens);
    const notFound = () => sendText(res, 404, 'Not Found');
    if (serveDist && (path === '/dist' || path.startsWith('/dist/'))) {
      req.url = path.slice('/dist'.length) + url.search || '/';
      return serveDist(req, res, notFound);
    }
    if (serveStatic) return serveStatic(req, res, notFound);
    notFound();
  }

  /**
   * Runs `then` with the request's user when its access token is valid. Otherwise answers 401 with no
   * detail and no body (signalr-wire.md G.1: the clients then say "Unauthorized: Status code '401'"),
   * having made no connection and no state.
   */
  function signedIn(req: IncomingMessage, res: ServerResponse, url: URL, then: (user: HubUser) => void): void {
    tokens!.verifyRequest(req, url).then(
      (user) => {
        if (res.destroyed) return void req.resume();
        if (!user) {
          req.resume();
          res.setHeader('WWW-Authenticate', 'Bearer');
          return sendText(res, 401);
        }
        try {
          then(user);
        } catch (error) {
          failed(req, res, url, error);
        }
      },
      (error: unknown) => failed(req, res, url, error),
    );
  }

  function failed(req: IncomingMessage, res: ServerResponse, url: URL, error: unknown): void {
    // The path only: its query may hold an access token.
    logger.error(`Request ${req.method} ${url.pathname} failed`, error);
    if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
    else res.destroy();
  }

  /** `GET /dev/token?user=NAME[&channels=a,b]`, with `devTokens` only (product.md section 8). */
  function devTokens(req: IncomingMessage, res: ServerResponse, url: URL, tokens: AccessTokens): void {
    req.resume();
    if (!origins.isAllowed(req)) return sendText(res, 403, 'Origin not allowed.');
    if (req.method === 'OPTIONS') return origins.answerPreflight(req, res, 'GET, OPTIONS');
    origins.applyCors(req, res);
    if (req.method !== 'GET') return sendText(res, 405);
    res.setHeader('Cache-Control', 'no-store');
    devToken(tokens, url).then(
      (answer) =>
        answer.status === 200
          ? sendJson(res, 200, JSON.stringify({ token: answer.token }))
          : sendJson(res, 400, JSON.stringify({ error: answer.error })),
      (error: unknown) => failed(req, res, url, error),
    );
  }

  /**
   * `GET /ice-servers`: fresh STUN/TURN settings, with credentials minted for this request only. With auth,
   * `user` is the signed-in user, and the TURN username carries their id.
   */
  function iceServers(req: IncomingMessage, res: ServerResponse, user: HubUser | null): void {
    req.resume();
    if (!origins.isAllowed(req)) return sendText(res, 403, 'Origin not allowed.');
    if (req.method === 'OPTIONS') return origins.answerPreflight(req, res, 'GET, OPTIONS');
    origins.applyCors(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405);
    // A credential is a key to the relay: never cache it anywhere.
    res.setHeader('Cache-Control', 'no-store');
    const wait = iceLimiter.take(req.socket.remoteAddress ?? 'unknown');
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return sendText(res, 429, 'Too many requests for ICE servers; try again later.');
    }
    sendJson(res, 200, JSON.stringify(mintIceServers(config, Date.now(), user?.id ?? null)));
  }

  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A plain function, not a closure: a closure here would share this scope, and keep the request, its URL
    // (and the access token in it) alive as long as the socket lives.
    socket.on('error', destroySocket);
    let url: URL;
    try {
      url = requestUrl(req);
    } catch {
      return rejectUpgrade(socket, 400);
    }
    if (url.pathname !== hubPath) return rejectUpgrade(socket, 404);
    // Browsers apply no CORS to WebSockets, so the Origin check is ours (signalr-wire.md G.2).
    if (!origins.isAllowed(req)) return rejectUpgrade(socket, 403, 'Origin not allowed.');
    if (shuttingDown) return rejectUpgrade(socket, 503, 'The server is shutting down.');
    if (!tokens) return dispatcher.upgrade(req, socket, head, url);
    upgradeSignedIn(tokens, req, socket, head, url);
  });

  /** The upgrade once its token is checked: 401 for a bad one, before any upgrade. */
  function upgradeSignedIn(tokens: AccessTokens, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    tokens.verifyRequest(req, url).then(
      (user) => {
        if (!user) return rejectUpgrade(socket, 401);
        if (shuttingDown) return rejectUpgrade(socket, 503, 'The server is shutting down.');
        dispatcher.upgrade(req, socket, head, url, user);
      },
      (error: unknown) => {
        logger.error(`WebSocket upgrade to ${url.pathname} failed`, error);
        rejectUpgrade(socket, 500);
      },
    );
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    // A manager or store made here (Redis) holds connections that would keep the process alive.
    if (!config.lifetimeManager) await lifetime.close();
    if (!config.invitationStore) await invitations.close();
    throw error;
  });
  const port = (httpServer.address() as AddressInfo).port;
  origins = new OriginPolicy(config.allowedOrigins, config.host, port);
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (config.devTokens) {
    logger.warn(
      `Dev tokens are on: anyone who can reach ${url}/dev/token gets a token for any user name. For trying rtc-kit on this machine only; never in production.`,
    );
  }

  // One heartbeat for every timer of every connection, as ASP.NET has; never a timer per connection.
  const shortest = Math.min(
    config.keepAliveInterval,
    config.clientTimeoutInterval,
    config.handshakeTimeout,
    config.disconnectTimeout,
  );
  const heartbeat = setInterval(
    () => {
      const now = Date.now();
      handler.tick(now);
      connections.tick(now);
      iceLimiter.prune(now);
      void invitations.tick(now);
    },
    Math.min(1_000, Math.max(10, Math.floor(shortest / 4))),
  );
  heartbeat.unref();

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    httpServer,
    lifetime,
    get connectionCount() {
      return handler.connectionCount;
    },
    get httpConnectionCount() {
      return connections.size;
    },
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        shuttingDown = true;
        handler.closeAll();
        // Keep listening while clients take their Close: closing the listener now would also drop idle
        // keep-alive sockets that a long poller is about to reuse, and it would see a reset, not a close.
        const deadline = Date.now() + SHUTDOWN_GRACE_MS;
        while (connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        for (const connection of connections.all()) connection.dispose();
        dispatcher.close();
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeAllConnections();
        await stopped;
        await lifetime.close();
        if (!config.invitationStore) await invitations.close();
      })();
      return closing;
    },
  };
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  // Only origin-form targets ("/path?query"); "//host/x" must not be read as another host.
  if (!target.startsWith('/') || target.startsWith('//')) throw new Error('Unsupported request target.');
  return new URL(`http://localhost${target}`);
}
