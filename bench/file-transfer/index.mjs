// bench/file-transfer: file throughput over the rtc-kit data channel on loopback, beside a bare channel.
//
// Headless Chromium inside a loopback-only network namespace (`unshare -n`), two pages joined by two peer
// connections; see in-namespace.mjs and page/bench.js. The kit sends a Blob with FileTransfers (offer,
// 64 KiB frames with a 5-byte header, backpressure at 1 MiB, SHA-256 on both sides, the receiver keeps the
// file and verifies it). The baseline, in the same run and interleaved, sends the same bytes from the same
// Blob in frames of the same size with the same bound, with no checksum, and its receiver only counts.
// Both read the Blob 1 MiB at a time.
// Reports the median throughput of each, their ratio (target: at least 0.8), the sender's JS heap growth,
// and how long each page's main thread was busy (CPU cost, which a busy machine bends less).
import { join } from 'node:path';
import { runInNamespace } from '../lib/browser.mjs';
import { median, round, root } from '../lib/common.mjs';

const TARGET_RATIO = 0.8;

export async function run({ quick = false } = {}) {
  const megabytes = quick ? 4 : 100;
  const runs = quick ? 1 : 5;
  const result = await runInNamespace('file-transfer', join(root, 'bench/file-transfer/in-namespace.mjs'), [megabytes, runs]);
  const rate = (sample) => (megabytes * 1024 * 1024) / 1e6 / (sample.ms / 1000);
  const figures = {};
  for (const name of ['kit', 'bare']) {
    const list = result.samples[name];
    figures[name] = {
      mbPerSecond: round(median(list.map(rate))),
      heapGrowthMB: round(median(list.map((s) => s.heapGrowth)) / 1e6),
      senderBusyMs: round(median(list.map((s) => s.senderBusyMs))),
      receiverBusyMs: round(median(list.map((s) => s.receiverBusyMs))),
      runsMBps: list.map((s) => round(rate(s))),
    };
  }
  const ratio = round(figures.kit.mbPerSecond / figures.bare.mbPerSecond);
  const rows = [
    {
      metric: `throughput of a ${megabytes} MiB file, MB/s (median of ${runs})`,
      value: figures.kit.mbPerSecond,
      baseline: `bare ${figures.bare.mbPerSecond}`,
      ratio,
      target: `>= ${TARGET_RATIO}`,
      ok: ratio >= TARGET_RATIO,
    },
    {
      metric: `sender's JS heap peak over its start (ArrayBuffers and garbage included), MB (median${result.preciseMemory ? '' : ', coarse: no precise memory info'})`,
      value: figures.kit.heapGrowthMB,
      baseline: `bare ${figures.bare.heapGrowthMB}`,
    },
    {
      metric: `sender's main thread busy during the send, ms (median)`,
      value: figures.kit.senderBusyMs,
      baseline: `bare ${figures.bare.senderBusyMs}`,
    },
    {
      metric: `receiver's main thread busy during the send, ms (median)`,
      value: figures.kit.receiverBusyMs,
      baseline: `bare ${figures.bare.receiverBusyMs}`,
    },
  ];
  return { megabytes, runs, chunk: result.chunk, highWaterMark: result.highWaterMark, figures, ratio, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
