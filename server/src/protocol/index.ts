// The hub protocol layer: pure parsing and writing, no I/O (style.md "Server shape").

import { jsonHubProtocol } from './json-hub-protocol.js';
import type { HubProtocol } from './messages.js';
import { messagePackHubProtocol } from './msgpack-hub-protocol.js';

export * from './messages.js';
export * from './text-message-format.js';
export * from './binary-message-format.js';
export * from './handshake.js';
export * from './json-hub-protocol.js';
export * from './msgpack-hub-protocol.js';

/** The hub protocols this server speaks, keyed by the name a client sends in its handshake. */
export const hubProtocols: ReadonlyMap<string, HubProtocol> = new Map([
  [jsonHubProtocol.name, jsonHubProtocol],
  [messagePackHubProtocol.name, messagePackHubProtocol],
]);
