// One generator process for bench/connections, driven over IPC by index.mjs. It opens many WebSocket
// connections, joins each to a channel, and then holds them, sending the client's keep-alive.
//
// Commands (one reply each):
//   {cmd:'open', protocol, url, count, firstIndex, parallel, authSecret?}
//        opens `count` connections, at most `parallel` at a time; connection i joins channel
//        `c-<floor(i/2)>`, so channels have two members, as in a call. With authSecret, each signs in as
//        its own user (bench/lib/tokens.mjs). Replies {opened, elapsedMs}.
//   {cmd:'keepalive', intervalMs}
//        sends the protocol's client ping (SignalR `{"type":6}`) on every connection once per interval,
//        spread evenly over it, as real clients' timers are. Replies at once.
//   {cmd:'count'}   replies {open}: connections still open and joined
//   {cmd:'exit'}
import { Peer } from '../lib/wire.mjs';
import { serveCommands } from '../lib/serve-commands.mjs';
import { mintTokens } from '../lib/tokens.mjs';

let peers = [];
let keepAlive = null;

const commands = {
  async open({ protocol, url, count, firstIndex, parallel, authSecret }) {
    // Minted before the clock starts: an identity provider's work, not the hub's.
    const tokens = authSecret ? await mintTokens(authSecret, count, `holder-${firstIndex}`) : [];
    const start = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const peer = new Peer(protocol, url, `c-${Math.floor((firstIndex + i) / 2)}`, () => {}, tokens[i]);
        peers.push(peer);
        await peer.ready;
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
    return { opened: peers.length, elapsedMs: performance.now() - start };
  },

  async keepalive({ intervalMs }) {
    const ping = peers[0]?.protocol.ping;
    if (!ping) return {};
    // One timer for all: every 100 ms, the next slice of connections pings.
    const slices = Math.max(1, Math.round(intervalMs / 100));
    let slice = 0;
    keepAlive = setInterval(() => {
      for (let i = slice; i < peers.length; i += slices) if (peers[i].state === 'joined') peers[i].send(ping);
      slice = (slice + 1) % slices;
    }, 100);
    return {};
  },

  async count() {
    return { open: peers.filter((p) => p.state === 'joined' && p.ws.readyState === 1).length };
  },

  async exit() {
    if (keepAlive) clearInterval(keepAlive);
    for (const peer of peers) peer.close();
    setImmediate(() => process.exit(0));
    return {};
  },
};

serveCommands(commands);
