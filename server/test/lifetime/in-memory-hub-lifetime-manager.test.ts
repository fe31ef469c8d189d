import { InMemoryHubLifetimeManager } from '../../src/lifetime/in-memory-hub-lifetime-manager.js';
import { hubLifetimeManagerConformance } from './hub-lifetime-manager.conformance.js';

// In memory there is one server, so every "server" of the cluster is the same manager.
hubLifetimeManagerConformance('InMemoryHubLifetimeManager', async (servers) => {
  const manager = new InMemoryHubLifetimeManager();
  return {
    managers: Array.from({ length: servers }, () => manager),
    settle: async () => {},
    close: () => manager.close(),
  };
});
