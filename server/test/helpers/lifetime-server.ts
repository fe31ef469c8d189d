// A hub "server" reduced to its lifetime manager, for tests that kill a server's process:
//   node --import tsx lifetime-server.ts REDIS_URL CHANNEL_PREFIX GROUPS HEARTBEAT_MS
// It holds one connection in GROUPS (a comma list), prints `ready <connectionId>` once that is announced, then prints
// `got <method> <json arguments>` for each message its connection receives.
import type { LifetimeConnection } from '../../src/lifetime/hub-lifetime-manager.js';
import { RedisHubLifetimeManager } from '../../src/lifetime/redis-hub-lifetime-manager.js';
import { jsonHubProtocol } from '../../src/protocol/json-hub-protocol.js';
import type { InvocationMessage } from '../../src/protocol/messages.js';

const [url, channelPrefix, groups, heartbeat] = process.argv.slice(2);
const manager = new RedisHubLifetimeManager({ url, channelPrefix, heartbeatInterval: Number(heartbeat) });
const connection: LifetimeConnection = {
  connectionId: `child-${process.pid}`,
  groups: new Set<string>(),
  write(message) {
    const parsed = jsonHubProtocol.parse(message.bytesFor(jsonHubProtocol)) as InvocationMessage;
    process.stdout.write(`got ${parsed.target} ${JSON.stringify(parsed.arguments)}\n`);
  },
};
await manager.whenReady();
await manager.onConnected(connection);
for (const name of groups!.split(',')) await manager.addToGroup(connection.connectionId, name);
await manager.flush();
process.stdout.write(`ready ${connection.connectionId}\n`);
