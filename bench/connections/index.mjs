// bench/connections: what it costs a server to hold many idle calls.
//
// N WebSocket connections (10,000 by default), each joined to a channel of two, opened from separate
// generator processes (holder.mjs). Against the rtc-kit hub (SignalR JSON) and, in the same run, the
// bare `ws` relay (bench/servers/ws-relay.mjs), which is the floor. For each it reports:
//   - memory per connection: the server's RSS with N joined, minus its RSS when idle, divided by N;
//   - the connect-and-join rate: N divided by the time from the first connect to the last join;
//   - idle CPU: the server's CPU share while the N connections sit idle with keep-alives running (the
//     hub pings each connection every 15 s and each client pings every 15 s, as the real ones do; the ws
//     relay sends a WebSocket ping every 15 s);
//   - held: how many connections were still open and joined at the end.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cpuMs, median, round, root, rssBytes, sleep, startHub, startRelay } from '../lib/common.mjs';
import { BENCH_AUTH_SECRET } from '../lib/tokens.mjs';
import { request, startWorkers, stopWorkers } from '../lib/workers.mjs';

const holderScript = join(root, 'bench/connections/holder.mjs');

const FULL = { connections: 10_000, holders: 4, parallel: 100, settleMs: 3_000, idleMs: 20_000, liveHeapConnections: 4_000 };
const QUICK = { connections: 200, holders: 2, parallel: 50, settleMs: 300, idleMs: 1_000, liveHeapConnections: 200 };

const TARGET_BYTES_PER_CONNECTION = 8 * 1024;
/** What signed-in users may add to each connection (issue 13). */
const TARGET_AUTH_BYTES_PER_CONNECTION = 1024;
const KEEP_ALIVE_MS = 15_000;

/** The median of a few RSS readings over `ms`: one reading may catch a GC in the middle. */
async function steadyRss(pid, ms) {
  const readings = [];
  for (let i = 0; i < 5; i++) {
    readings.push(rssBytes(pid));
    await sleep(ms / 5);
  }
  return median(readings);
}

async function measure(server, protocol, config, authSecret = undefined) {
  await sleep(config.settleMs);
  const idleRss = await steadyRss(server.pid, 500);
  const holders = await startWorkers(holderScript, config.holders);
  try {
    const per = Math.ceil(config.connections / holders.length);
    const start = performance.now();
    const opened = await Promise.all(
      holders.map((h, i) =>
        request(h, {
          cmd: 'open',
          protocol,
          url: server.url,
          count: Math.min(per, config.connections - i * per),
          firstIndex: i * per,
          parallel: config.parallel,
          authSecret,
        }),
      ),
    );
    const elapsed = performance.now() - start;
    const total = opened.reduce((sum, r) => sum + r.opened, 0);

    await sleep(config.settleMs);
    const heldRss = await steadyRss(server.pid, 1_000);

    await Promise.all(holders.map((h) => request(h, { cmd: 'keepalive', intervalMs: KEEP_ALIVE_MS })));
    const cpuBefore = cpuMs(server.pid);
    await sleep(config.idleMs);
    const idleCpu = (cpuMs(server.pid) - cpuBefore) / config.idleMs;
    const counts = await Promise.all(holders.map((h) => request(h, { cmd: 'count' })));
    const held = counts.reduce((sum, r) => sum + r.open, 0);

    return {
      connections: total,
      held,
      idleRssMB: round(idleRss / 2 ** 20),
      heldRssMB: round(heldRss / 2 ** 20),
      bytesPerConnection: Math.round((heldRss - idleRss) / total),
      connectPerSecond: round(total / (elapsed / 1000)),
      connectSeconds: round(elapsed / 1000),
      idleCpuPercent: round(idleCpu * 100, 2),
    };
  } finally {
    await stopWorkers(holders);
  }
}

export async function run({ quick = false, log = () => {} } = {}) {
  const config = quick ? QUICK : FULL;
  const servers = {};

  const hub = await startHub();
  try {
    servers['rtc-kit'] = await measure(hub, 'signalr', config);
    log(`rtc-kit: ${JSON.stringify(servers['rtc-kit'])}`);
  } finally {
    await hub.stop();
  }
  // The same, with each connection signed in with its own access token.
  const authHub = await startHub([], { env: { AUTH_SECRET: BENCH_AUTH_SECRET } });
  try {
    servers['rtc-kit+auth'] = await measure(authHub, 'signalr', config, BENCH_AUTH_SECRET);
    log(`rtc-kit+auth: ${JSON.stringify(servers['rtc-kit+auth'])}`);
  } finally {
    await authHub.stop();
  }
  const relay = await startRelay('ws-relay', ['--ping-ms', String(KEEP_ALIVE_MS)]);
  try {
    servers.ws = await measure(relay, 'ws', config);
    log(`ws: ${JSON.stringify(servers.ws)}`);
  } finally {
    await relay.stop();
  }

  // The live heap per connection, auth off and on, measured in a process of its own (live-heap.mjs).
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', join(root, 'bench/connections/live-heap.mjs'), String(config.liveHeapConnections)],
    { maxBuffer: 1024 * 1024 },
  );
  const liveHeap = JSON.parse(stdout.trim().split('\n').at(-1));
  log(`live heap per connection: ${JSON.stringify(liveHeap)}`);

  const kit = servers['rtc-kit'];
  const auth = servers['rtc-kit+auth'];
  const ws = servers.ws;
  const authCost = auth.bytesPerConnection - kit.bytesPerConnection;
  const rows = [
    {
      metric: `live heap per connection with auth on (bytes), N=${config.liveHeapConnections}`,
      value: liveHeap.on,
      baseline: `auth off ${liveHeap.off}`,
      ratio: round(liveHeap.on / liveHeap.off),
      target: `<= +${TARGET_AUTH_BYTES_PER_CONNECTION}`,
      ok: liveHeap.on - liveHeap.off <= TARGET_AUTH_BYTES_PER_CONNECTION,
    },
    {
      metric: `memory per connection with auth on (bytes), N=${config.connections}`,
      value: auth.bytesPerConnection,
      baseline: `auth off ${kit.bytesPerConnection}`,
      ratio: round(auth.bytesPerConnection / kit.bytesPerConnection),
      target: `<= +${TARGET_AUTH_BYTES_PER_CONNECTION}`,
      ok: authCost <= TARGET_AUTH_BYTES_PER_CONNECTION,
    },
    {
      metric: 'connections held, joined, with auth on',
      value: auth.held,
      baseline: `auth off ${kit.held}`,
      ratio: round(auth.held / kit.held),
      target: `= ${config.connections}`,
      ok: auth.held === config.connections,
    },
    {
      metric: `memory per connection (bytes), N=${config.connections}`,
      value: kit.bytesPerConnection,
      baseline: `ws ${ws.bytesPerConnection}`,
      ratio: round(kit.bytesPerConnection / ws.bytesPerConnection),
      target: `<= ${TARGET_BYTES_PER_CONNECTION}`,
      ok: kit.bytesPerConnection <= TARGET_BYTES_PER_CONNECTION,
    },
    {
      metric: 'connections held, joined',
      value: kit.held,
      baseline: `ws ${ws.held}`,
      ratio: round(kit.held / ws.held),
      target: `= ${config.connections}`,
      ok: kit.held === config.connections,
    },
    {
      metric: 'connect + join rate (conn/s)',
      value: kit.connectPerSecond,
      baseline: `ws ${ws.connectPerSecond}`,
      ratio: round(kit.connectPerSecond / ws.connectPerSecond),
      target: '',
      ok: null,
    },
    {
      metric: 'idle CPU with keep-alives (% of a core)',
      value: kit.idleCpuPercent,
      baseline: `ws ${ws.idleCpuPercent}`,
      ratio: ws.idleCpuPercent > 0 ? round(kit.idleCpuPercent / ws.idleCpuPercent) : null,
      target: '',
      ok: null,
    },
  ];
  return { config, servers, liveHeap, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run({ quick: process.argv.includes('--quick'), log: (line) => console.error(line) });
  console.log(JSON.stringify(result, null, 2));
}
