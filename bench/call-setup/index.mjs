// bench/call-setup: how long a call takes to show video, through rtc-kit, beside the floor.
//
// Headless Chromium (fake camera) inside a loopback-only network namespace (`unshare -n`), with the hub
// and coturn beside it; see in-namespace.mjs and page/bench.js. For each variant (`async`, `then`) and
// each path (host candidates; relay-only through TURN), the time from `call()` to the first remote video
// frame on both sides. The floor, in the same run and interleaved with the kit's calls, is two
// RTCPeerConnections in one page with no signaling at all, from createOffer() to the first remote frame
// on both sides. Reports medians and kit/floor ratios.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median, round, root } from '../lib/common.mjs';

const TARGET_HOST_RATIO = 1.15;

function namespaceProblem() {
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
  if (probe.error) return `unshare could not run: ${probe.error.message}`;
  if (probe.status !== 0) return `unshare -n is not permitted here: ${probe.stderr.trim()}`;
  return null;
}

function runInNamespace(runs) {
  return new Promise((resolve, reject) => {
    const script = join(root, 'bench/call-setup/in-namespace.mjs');
    const child = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, script, String(runs)], {
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
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`call-setup failed (exit ${code}): ${stderr.trim() || stdout.trim()}`));
      resolve(JSON.parse(line));
    });
  });
}

export async function run({ quick = false } = {}) {
  const problem = namespaceProblem();
  if (problem) throw new Error(`${problem}. call-setup needs a loopback-only network namespace (see shared/reference/toolchain.md).`);
  const runs = quick ? 1 : 15;
  const { samples } = await runInNamespace(runs);
  const medians = {};
  for (const [name, list] of Object.entries(samples)) {
    medians[name] = {
      ms: round(median(list.map((s) => s.ms))),
      callerMs: round(median(list.map((s) => s.callerMs))),
      calleeMs: round(median(list.map((s) => s.calleeMs))),
      runsMs: list.map((s) => round(s.ms)),
    };
  }
  const rows = [];
  const ratios = {};
  for (const path of ['host', 'relay']) {
    const floor = medians[`floor ${path}`].ms;
    for (const variant of ['async', 'then']) {
      const kit = medians[`${variant} ${path}`].ms;
      const ratio = round(kit / floor);
      ratios[`${variant} ${path}`] = ratio;
      rows.push({
        metric: `${variant}, ${path}: call() to first frame, both sides (ms, median of ${runs})`,
        value: kit,
        baseline: `floor ${floor}`,
        ratio,
        target: path === 'host' ? `<= ${TARGET_HOST_RATIO}` : '',
        ok: path === 'host' ? ratio <= TARGET_HOST_RATIO : null,
      });
    }
  }
  return { runs, medians, ratios, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
