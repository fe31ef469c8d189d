// The hub server's public API, for embedding it in another Node program or a test.
export { createHubServer, type HubServer } from './http/hub-server.js';
export { DEFAULT_OPTIONS, type HubServerOptions } from './options.js';
export { Hub, HubError, type HubClass, type HubCallerContext, type ParameterType } from './hub/hub.js';
export { MessageHub } from './hubs/message-hub.js';
export type { HubLifetimeManager, LifetimeConnection, RemoteDisconnectListener } from './lifetime/hub-lifetime-manager.js';
export { InMemoryHubLifetimeManager } from './lifetime/in-memory-hub-lifetime-manager.js';
export {
  RedisHubLifetimeManager,
  type RedisHubLifetimeManagerOptions,
} from './lifetime/redis-hub-lifetime-manager.js';
export { consoleLogger, silentLogger, type Logger } from './logger.js';
export type { HubUser } from './auth/access-tokens.js';
export { Invitations, InvitationEvent, MAX_INFO_BYTES } from './invitations/invitations.js';
export {
  InMemoryInvitationStore,
  type InvitationStore,
  type InvitationRecord,
  type InvitationAnswer,
  type InvitationEnd,
} from './invitations/invitation-store.js';
export { RedisInvitationStore, type RedisInvitationStoreOptions } from './invitations/redis-invitation-store.js';
export { mintIceServers, turnCredential, type IceServersAnswer } from './http/ice-servers.js';
