// Hub servers started inside the test process, on port 0, and closed by the suite's `after`.
import { after } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { HubConnectionHandler, type HubConnectionHandlerOptions } from '../../src/hub/hub-connection-handler.js';
import { createHubServer, DEFAULT_OPTIONS, MessageHub, silentLogger, type HubClass, type HubServer, type HubServerOptions } from '../../src/index.js';
import { InMemoryHubLifetimeManager } from '../../src/lifetime/in-memory-hub-lifetime-manager.js';
import { hubProtocols } from '../../src/protocol/index.js';
import { HttpConnection, type TransportSink } from '../../src/transport/http-connection.js';
import { InMemoryInvitationStore } from '../../src/invitations/invitation-store.js';
import { Invitations } from '../../src/invitations/invitations.js';

/**
 * `start(options, hub)` makes a hub server with `defaults` under `options`, silent unless told otherwise; every
 * server it made is closed after the file's tests.
 */
export function testServers(defaults: HubServerOptions = {}) {
  const servers: HubServer[] = [];
  after(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return async function start(options: HubServerOptions = {}, hub: HubClass = MessageHub): Promise<HubServer> {
    const server = await createHubServer({ port: 0, logger: silentLogger, ...defaults, ...options }, hub);
    servers.push(server);
    return server;
  };
}

/** The connection handler alone, with the server's defaults and an in-memory lifetime manager, for unit tests. */
export function testHandler(overrides: Partial<HubConnectionHandlerOptions> = {}) {
  const lifetime = new InMemoryHubLifetimeManager();
  const d = DEFAULT_OPTIONS;
  const handler = new HubConnectionHandler({
    hub: MessageHub,
    lifetime,
    protocols: hubProtocols,
    keepAliveInterval: d.keepAliveInterval,
    clientTimeoutInterval: d.clientTimeoutInterval,
    handshakeTimeout: d.handshakeTimeout,
    maximumReceiveMessageSize: d.maximumReceiveMessageSize,
    statefulReconnectBufferSize: d.statefulReconnectBufferSize,
    disconnectTimeout: d.disconnectTimeout,
    maxInvocationsPerSecond: d.maxInvocationsPerSecond,
    rateLimitCloseAfter: d.rateLimitCloseAfter,
    settings: { maxChannelMembers: d.maxChannelMembers, maxChannelsPerConnection: d.maxChannelsPerConnection },
    invitations: new Invitations({ store: new InMemoryInvitationStore(d.inviteTimeout), lifetime, timeout: d.inviteTimeout, logger: silentLogger }),
    transportMaxBufferSize: d.transportMaxBufferSize,
    transportSendTimeout: d.transportSendTimeout,
    logger: silentLogger,
    ...overrides,
  });
  return { handler, lifetime };
}

/** An active WebSocket-like connection on `handler`, whose bytes go to `transport`. */
export function openConnection(handler: HubConnectionHandler, transport: (connection: HttpConnection) => TransportSink, id: string): HttpConnection {
  const connection = new HttpConnection(id, id, () => {});
  connection.transportType = 'WebSockets';
  connection.status = 'active';
  connection.transport = transport(connection);
  handler.onConnect(connection);
  return connection;
}

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** The heap in use after a full garbage collection: what is really held. */
export function heldHeap(): number {
  collect();
  return process.memoryUsage().heapUsed;
}
