// bench/file-transfer: file throughput over the rtc-kit data channel on loopback, beside a bare channel.
//
// Headless Chromium inside a loopback-only network namespace (`unshare -n`), two pages joined by two peer
// connections; see in-namespace.mjs and page/bench.js. The kit sends a Blob with FileTransfers (offer,
// 64 KiB frames with a 5-byte header, backpressure at 1 MiB, SHA-256 on both sides, the receiver keeps the
// file and verifies it). The baseline, in the same run and interleaved, sends the same bytes from the same
// Blob in frames of the same size with the same bound, with no checksum, and its receiver only counts.
// Both read the Blob 1 MiB at a time.
// Reports the median throughput of each, their ratio (target: at least 0.8), and the sender's JS heap growth.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median, round, root } from '../lib/common.mjs';

const TARGET_RATIO = 0.8;

function namespaceProblem() {
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
  if (probe.error) return `unshare could not run: ${probe.error.message}`;
  if (probe.status !== 0) return `unshare -n is not permitted here: ${probe.stderr.trim()}`;
  return null;
}

function runInNamespace(megabytes, runs) {
  return new Promise((resolve, reject) => {
    const script = join(root, 'bench/file-transfer/in-namespace.mjs');
    const child = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, script, String(megabytes), String(runs)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4096)));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`file-transfer failed (exit ${code}): ${stderr.trim() || stdout.trim()}`));
      resolve(JSON.parse(line));
    });
  });
}

export async function run({ quick = false } = {}) {
  const problem = namespaceProblem();
  if (problem) throw new Error(`${problem}. file-transfer needs a loopback-only network namespace (see shared/reference/toolchain.md).`);
  const megabytes = quick ? 4 : 100;
  const runs = quick ? 1 : 5;
  const result = await runInNamespace(megabytes, runs);
  const rate = (sample) => (megabytes * 1024 * 1024) / 1e6 / (sample.ms / 1000);
  const figures = {};
  for (const name of ['kit', 'bare']) {
    const list = result.samples[name];
    figures[name] = {
      mbPerSecond: round(median(list.map(rate))),
      heapGrowthMB: round(median(list.map((s) => s.heapGrowth)) / 1e6),
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
  ];
  return { megabytes, runs, chunk: result.chunk, highWaterMark: result.highWaterMark, figures, ratio, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
