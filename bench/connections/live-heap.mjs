// The live heap each held connection costs the hub, with auth off and on: the hub runs in this process, started
// with --expose-gc by index.mjs, and the connections come from holder processes. RSS (index.mjs's main figure)
// also counts what the garbage collector has not given back yet, which moves by a kilobyte per connection from
// run to run on a busy machine; the heap after a full collection is what the connections really hold.
//
//   node --expose-gc bench/connections/live-heap.mjs COUNT   prints {"off": bytes, "on": bytes} per connection
import { join } from 'node:path';
import { createHubServer, silentLogger } from '../../server/dist/index.js';
import { root, sleep } from '../lib/common.mjs';
import { BENCH_AUTH_SECRET } from '../lib/tokens.mjs';
import { request, startWorkers, stopWorkers } from '../lib/workers.mjs';

const count = Number(process.argv[2] ?? 4000);
const holderScript = join(root, 'bench/connections/holder.mjs');

function liveHeap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

async function perConnection(authSecret) {
  const hub = await createHubServer({ port: 0, host: '127.0.0.1', logger: silentLogger, authSecret: authSecret ?? null });
  const holders = await startWorkers(holderScript, 2);
  try {
    const open = (h, n, firstIndex) =>
      request(h, { cmd: 'open', protocol: 'signalr', url: hub.url, count: n, firstIndex, parallel: 50, authSecret });
    // Warm up: compiled code, pools and tables are not the connections' cost.
    await open(holders[0], Math.min(200, count), 10 * count);
    await sleep(300);
    const before = liveHeap();
    await Promise.all(holders.map((h, i) => open(h, count / 2, i * count)));
    await sleep(500);
    return Math.round((liveHeap() - before) / count);
  } finally {
    await stopWorkers(holders);
    await hub.close();
  }
}

// Alternate, and keep the lower of two of each: interference only adds.
const off = Math.min(await perConnection(undefined), await perConnection(undefined));
const on = Math.min(await perConnection(BENCH_AUTH_SECRET), await perConnection(BENCH_AUTH_SECRET));
console.log(JSON.stringify({ off, on }));
process.exit(0);
