import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HubUser } from '../auth/access-tokens.js';
import { isWebSocketUpgrade, queryValue, rejectUpgrade, sendJson, sendText } from '../http/responses.js';
import type { ConnectionManager } from './connection-manager.js';
import type { HttpConnection, TransportType } from './http-connection.js';
import { LongPollingTransport } from './long-polling.js';
import { ServerSentEventsTransport } from './server-sent-events.js';
import { WebSocketTransport } from './websockets.js';

export interface DispatcherOptions {
  connections: ConnectionManager;
  /** Called once per connection, when its first transport request activates it. */
  onConnect: (connection: HttpConnection) => void;
  longPollTimeout: number;
  /** Grant stateful reconnect to clients that ask for it on negotiate (signalr-wire.md A.3). */
  allowStatefulReconnects: boolean;
  /**
   * The largest WebSocket frame accepted. A frame may batch many hub messages, so this is well above
   * the hub's per-message limit; the hub enforces that limit with a proper Close message.
   */
  maxFramePayload: number;
  /** Unsent bytes past which a connection whose client does not read is dropped at once. */
  maxBufferedBytes: number;
}

/** The negotiate answer's transport list, in the order clients try them (signalr-wire.md A.4). */
const AVAILABLE_TRANSPORTS =
  '[{"transport":"WebSockets","transferFormats":["Text","Binary"]},' +
  '{"transport":"ServerSentEvents","transferFormats":["Text"]},' +
  '{"transport":"LongPolling","transferFormats":["Text","Binary"]}]';

const CONNECTION_ID_REQUIRED = 'Connection ID required';
const NO_CONNECTION = 'No Connection with that ID';
const CHANGE_TRANSPORT = 'Cannot change transports mid-connection';

/**
 * ASP.NET's HttpConnectionDispatcher: negotiate, and the routing of `{base}` requests to the
 * WebSockets, Server-Sent Events and Long Polling transports, with its status codes and bodies
 * (signalr-wire.md sections A and B).
 */
export class HttpConnectionDispatcher {
  private readonly wss: WebSocketServer;

  constructor(private readonly options: DispatcherOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFramePayload,
      perMessageDeflate: false,
      // ASP.NET selects no subprotocol, and the clients request none.
      handleProtocols: () => false,
    });
    this.wss.on('headers', (headers) => headers.push('Long-Running: true'));
  }

  /**
   * `POST {base}/negotiate` (signalr-wire.md A.1–A.4). Errors go out as 200 with `{"error": ...}`, as ASP.NET does.
   * Here and below, `user` is the signed-in user of the request (null on a hub without auth): the server has
   * already refused requests without a valid token.
   */
  negotiate(req: IncomingMessage, res: ServerResponse, url: URL, user: HubUser | null = null): void {
    if (req.method !== 'POST') return sendText(res, 405);
    // The body is empty, or text the clients send by habit; it is ignored.
    req.resume();
    const raw = queryValue(url, 'negotiateVersion');
    let version = 0;
    if (raw !== null) {
      version = Number.parseInt(raw, 10);
      // ASP.NET's int.TryParse: an optional sign and digits, within Int32; anything else is "non-integer" (A.2).
      if (!/^[+-]?\d+$/.test(raw.trim()) || version !== (version | 0)) {
        return sendJson(res, 200, JSON.stringify({ error: 'The client requested a non-integer protocol version.' }));
      }
      if (version < 0) {
        return sendJson(
          res,
          200,
          JSON.stringify({ error: `The client requested version '${version}', but the server does not support this version.` }),
        );
      }
      version = Math.min(version, 1);
    }
    // Only when both the server allows it and the client asks: a client that did not ask fails on it (A.3).
    // ASP.NET reads the value with bool.TryParse: "true" in any case, surrounding spaces allowed.
    const useStatefulReconnect =
      this.options.allowStatefulReconnects && queryValue(url, 'useStatefulReconnect')?.trim().toLowerCase() === 'true';
    const connection = this.options.connections.create(version, useStatefulReconnect, user);
    // ASP.NET's field order, with useStatefulReconnect first and only when true (A.4).
    let body = useStatefulReconnect ? '{"useStatefulReconnect":true,' : '{';
    body += `"negotiateVersion":${version},"connectionId":"${connection.connectionId}"`;
    if (version > 0) body += `,"connectionToken":"${connection.token}"`;
    body += `,"availableTransports":${AVAILABLE_TRANSPORTS}}`;
    sendJson(res, 200, body);
  }

  /** Any non-upgrade request to `{base}` (signalr-wire.md B.1). */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, user: HubUser | null = null): void {
    switch (req.method) {
      case 'GET':
        if ((req.headers.accept ?? '').includes('text/event-stream')) return this.serverSentEvents(req, res, url, user);
        return this.longPoll(req, res, url, user);
      case 'POST':
        return this.post(req, res, url, user);
      case 'DELETE':
        return this.delete(res, url, user);
      default:
        return sendText(res, 405);
    }
  }

  /** `GET {base}` as a WebSocket upgrade (signalr-wire.md B.3, A.7). Refusals happen before the upgrade. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, user: HubUser | null = null): void {
    if (!isWebSocketUpgrade(req)) return rejectUpgrade(socket, 400);
    // The client may have gone while its token was checked.
    if (socket.destroyed || !socket.writable) return;
    const token = queryValue(url, 'id');
    let connection: HttpConnection | undefined;
    if (token === null || token === '') {
      // skipNegotiation: a fresh connection whose token is its id (negotiate version 0 semantics).
      connection = this.options.connections.create(0, false, user);
    } else {
      connection = this.options.connections.get(token);
      if (!connection) return rejectUpgrade(socket, 404, NO_CONNECTION);
      if (!sameUser(connection, user)) return rejectUpgrade(socket, 403);
      const refusal = this.refuseTransport(connection, 'WebSockets');
      if (refusal) return rejectUpgrade(socket, refusal.status, refusal.body);
    }
    const accepted = connection;
    if (accepted.transportType === 'WebSockets') {
      // Stateful reconnect: the same connection on a new socket (signalr-wire.md E.6). The connection stays
      // as it is until the socket is up, so a failed upgrade leaves it to the disconnect timeout.
      this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        accepted.resume(new WebSocketTransport(ws, accepted, this.options.maxBufferedBytes));
      });
      return;
    }
    // Claim the transport now, so a second upgrade racing this one gets 409.
    accepted.transportType = 'WebSockets';
    accepted.status = 'active';
    accepted.user = user;
    // `ws` refuses a bad upgrade (a wrong key or version) by destroying the socket, without calling back:
    // the connection, claimed above, must not stay behind as an active connection with no transport.
    let upgraded = false;
    const refused = () => {
      if (!upgraded) accepted.dispose();
    };
    socket.once('close', refused);
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      upgraded = true;
      socket.off('close', refused);
      if (accepted.status === 'disposed') return ws.terminate();
      // A stateful connection may have been resumed by a racing second upgrade: this socket wins, that one goes.
      const raced = accepted.transport;
      accepted.transport = new WebSocketTransport(ws, accepted, this.options.maxBufferedBytes);
      raced?.destroy();
      this.options.onConnect(accepted);
    });
  }

  private serverSentEvents(req: IncomingMessage, res: ServerResponse, url: URL, user: HubUser | null): void {
    const connection = this.lookup(res, url, user);
    if (!connection) return;
    const refusal = this.refuseTransport(connection, 'ServerSentEvents');
    if (refusal) return sendText(res, refusal.status, refusal.body);
    const transport = new ServerSentEventsTransport(res, this.options.maxBufferedBytes);
    connection.transportType = 'ServerSentEvents';
    connection.status = 'active';
    connection.user = user;
    connection.transport = transport;
    // On Node, req 'close' fires once the (empty) request body is read; the response tells when the client left.
    res.on('close', () => connection.dispose());
    req.resume();
    transport.start();
    this.options.onConnect(connection);
  }

  private longPoll(req: IncomingMessage, res: ServerResponse, url: URL, user: HubUser | null): void {
    // On every long-polling GET, refusals included: ASP.NET adds them before it looks the id up (B.5).
    res.setHeader('Cache-Control', 'no-cache, no-store');
    res.setHeader('Pragma', 'no-cache');
    res.setHeader('Expires', 'Thu, 01 Jan 1970 00:00:00 GMT');
    const connection = this.lookup(res, url, user);
    if (!connection) return;
    if (connection.transportType !== null && connection.transportType !== 'LongPolling') {
      return sendText(res, 400, CHANGE_TRANSPORT);
    }
    req.resume();
    if (connection.transportType === null) {
      // The first poll activates the connection and answers at once with an empty 200; the client
      // then starts its poll loop and POSTs the handshake.
      const transport = new LongPollingTransport(connection, this.options.longPollTimeout, this.options.maxBufferedBytes);
      connection.transportType = 'LongPolling';
      connection.transport = transport;
      connection.user = user;
      connection.status = 'inactive';
      connection.inactiveSince = Date.now();
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 0 });
      res.end();
      this.options.onConnect(connection);
      return;
    }
    (connection.transport as LongPollingTransport).handlePoll(res);
  }

  private post(req: IncomingMessage, res: ServerResponse, url: URL, user: HubUser | null): void {
    const connection = this.lookup(res, url, user);
    if (!connection) return void req.resume();
    if (connection.transportType === 'WebSockets') {
      req.resume();
      return sendText(res, 405, 'POST requests are not allowed for WebSocket connections.');
    }
    // Bodies are fed to the connection one POST at a time, each in full, as ASP.NET's write lock does.
    connection.postQueue = connection.postQueue.then(
      () =>
        new Promise<void>((resolve) => {
          const done = (status: number) => {
            if (!res.writableEnded) sendText(res, status);
            resolve();
          };
          // 404 only when the connection was gone before the body was taken (B.2). A body taken in full
          // gets 200, even if what it said ended the connection, such as a client's Close message.
          if (connection.status === 'disposed') {
            req.resume();
            return done(404);
          }
          req.on('data', (chunk: Buffer) => {
            if (connection.status === 'disposed') {
              done(404);
              req.destroy();
              return;
            }
            connection.receive(chunk);
          });
          req.on('end', () => done(200));
          req.on('error', () => done(400));
          req.on('close', () => done(400));
        }),
    );
  }

  private delete(res: ServerResponse, url: URL, user: HubUser | null): void {
    const connection = this.lookup(res, url, user);
    if (!connection) return;
    if (connection.transportType !== 'LongPolling') {
      return sendText(res, 400, 'Cannot terminate this connection using the DELETE endpoint.');
    }
    // The code answers 202 here; the pending poll ends with 204 as the connection is disposed.
    sendText(res, 202);
    connection.dispose();
  }

  /**
   * The id check shared by SSE, long polling, POST and DELETE (signalr-wire.md B.2), and the user check: a
   * request signed in as another user than the connection's gets 403, as from ASP.NET.
   */
  private lookup(res: ServerResponse, url: URL, user: HubUser | null): HttpConnection | undefined {
    const token = queryValue(url, 'id');
    if (token === null || token === '') {
      sendText(res, 400, CONNECTION_ID_REQUIRED);
      return undefined;
    }
    const connection = this.options.connections.get(token);
    if (!connection) {
      sendText(res, 404, NO_CONNECTION);
      return undefined;
    }
    if (!sameUser(connection, user)) {
      sendText(res, 403);
      return undefined;
    }
    return connection;
  }

  private refuseTransport(connection: HttpConnection, type: TransportType): { status: number; body: string } | null {
    if (connection.transportType === null) return null;
    if (connection.transportType !== type) return { status: 400, body: CHANGE_TRANSPORT };
    // A stateful reconnect WebSocket expects the client to come back with a new socket (B.2, E.6), even
    // while the old one still looks alive here: the client may see a dead socket before the server does.
    if (connection.clientReconnectExpected()) return null;
    // A second SSE stream or WebSocket for a connection that already has one.
    return { status: 409, body: '' };
  }

  close(): void {
    this.wss.close();
  }
}

/** Whether a request's user may use the connection: the same `sub`, or no auth at all. */
function sameUser(connection: HttpConnection, user: HubUser | null): boolean {
  return (connection.user?.id ?? null) === (user?.id ?? null);
}
