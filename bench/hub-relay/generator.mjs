// One load-generator process for bench/hub-relay, started by index.mjs (bench/lib/workers.mjs) and
// driven over IPC. It runs in its own process so that the server we measure never shares its event loop
// with the load.
//
// Commands (one reply each):
//   {cmd:'connect', protocol, urls, channels, authSecret?}
//                                               two peers per channel: the first on urls[0], the second on
//                                               urls[1] (or urls[0]); with authSecret, each signs in as its
//                                               own user (bench/lib/tokens.mjs); replies once all have joined
//   {cmd:'closed', payload, window, warmupMs, durationMs}
//        closed loop, to find saturation: every peer starts `window` messages; each message received is
//        answered at once by the peer that received it, so 2 x window messages per channel are always in
//        flight. Replies {received, elapsedMs}: messages delivered during the measured window.
//   {cmd:'open', payload, rate, warmupMs, durationMs}
//        open loop at `rate` messages/s from this process, spread over every peer in turn. Replies
//        {latencies, sent, received}: one latency (ms) per message sent after the warm-up.
//   {cmd:'exit'}
import { Peer, payloads, forEachStamp } from '../lib/wire.mjs';
import { serveCommands } from '../lib/serve-commands.mjs';
import { mintTokens } from '../lib/tokens.mjs';

let peers = []; // [a0, b0, a1, b1, ...]: peers[i ^ 1] is the other peer of peers[i]
let templates = new Map(); // payload name -> per peer [before, after]
/** What a peer does with a frame that carries timestamps; each phase sets its own. */
let onFrame = () => {};

/** The signal frame of each peer for this payload, split around its timestamp. */
function templatesFor(payloadName) {
  let list = templates.get(payloadName);
  if (!list) {
    const { type, text } = payloads[payloadName];
    list = peers.map((peer) => peer.protocol.template(peer.channel, type, text));
    templates.set(payloadName, list);
  }
  return list;
}

function sendFrom(index, list) {
  const [before, after] = list[index];
  peers[index].send(before + performance.now().toFixed(3) + after);
}

const commands = {
  async connect({ protocol, urls, channels, authSecret }) {
    peers = [];
    templates = new Map();
    const tokens = authSecret ? await mintTokens(authSecret, 2 * channels.length, `relay-${process.pid}`) : [];
    for (const [i, channel] of channels.entries()) {
      peers.push(new Peer(protocol, urls[0], channel, (peer, data) => onFrame(peer, data), tokens[2 * i]));
      peers.push(new Peer(protocol, urls[1] ?? urls[0], channel, (peer, data) => onFrame(peer, data), tokens[2 * i + 1]));
    }
    for (let i = 0; i < peers.length; i++) peers[i].index = i;
    await Promise.all(peers.map((peer) => peer.ready));
    return { peers: peers.length };
  },

  async closed({ payload, window, warmupMs, durationMs }) {
    const list = templatesFor(payload);
    let running = true;
    let inFlight = 0;
    let received = 0;
    let counting = false;
    onFrame = (peer, data) =>
      forEachStamp(data, () => {
        inFlight--;
        if (counting) received++;
        if (running) {
          inFlight++;
          sendFrom(peer.index, list);
        }
      });
    for (let i = 0; i < peers.length; i++) {
      for (let w = 0; w < window; w++) {
        inFlight++;
        sendFrom(i, list);
      }
    }
    await sleep(warmupMs);
    counting = true;
    const start = performance.now();
    await sleep(durationMs);
    counting = false;
    const elapsedMs = performance.now() - start;
    running = false;
    await drain(() => inFlight);
    return { received, elapsedMs, lost: inFlight };
  },

  async open({ payload, rate, warmupMs, durationMs }) {
    const list = templatesFor(payload);
    const expected = Math.ceil((rate * durationMs) / 1000) + 1024;
    let latencies = new Float64Array(expected);
    let count = 0;
    let inFlight = 0;
    let measureFrom = Infinity;
    onFrame = (peer, data) =>
      forEachStamp(data, (sentAt) => {
        inFlight--;
        if (sentAt >= measureFrom) {
          if (count === latencies.length) {
            const bigger = new Float64Array(latencies.length * 2);
            bigger.set(latencies);
            latencies = bigger;
          }
          latencies[count++] = performance.now() - sentAt;
        }
      });
    // A 1 ms tick (the shortest timer Node has) sends what the schedule says is due, round robin over the
    // peers. Each message is stamped when it is actually written, so latency is the relay's, not this loop's.
    const start = performance.now();
    const end = start + warmupMs + durationMs;
    measureFrom = start + warmupMs;
    let sent = 0;
    let sentMeasured = 0;
    let next = 0;
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        const due = Math.floor(((Math.min(now, end) - start) * rate) / 1000) - sent;
        for (let k = 0; k < due; k++) {
          inFlight++;
          sendFrom(next, list);
          if (now >= measureFrom) sentMeasured++;
          next = (next + 1) % peers.length;
        }
        sent += Math.max(0, due);
        if (now >= end) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    await drain(() => inFlight);
    return { latencies: Array.from(latencies.subarray(0, count)), sent: sentMeasured, received: count, lost: inFlight };
  },

  async exit() {
    for (const peer of peers) peer.close();
    setImmediate(() => process.exit(0));
    return {};
  },
};

/** Waits until nothing is in flight, or 5 s: the next phase starts from a quiet server. */
async function drain(inFlight) {
  const deadline = performance.now() + 5_000;
  while (inFlight() > 0 && performance.now() < deadline) await sleep(10);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

serveCommands(commands);
