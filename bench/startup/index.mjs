// bench/startup: how long the hub takes to be ready, beside a bare Node start.
//
// The time from spawn() to the line `rtc-hub listening on ...` on the hub's stdout, for
// `node server/dist/cli.js --port 0 --host 127.0.0.1`. The baseline, in the same run and measured the
// same way, is `node -e "console.log('ready')"`: the part of the figure that is Node itself. The runs
// alternate between the two, and the report gives medians.
import { spawn } from 'node:child_process';
import { hubCli, median, round } from '../lib/common.mjs';

const TARGET_MS = 300;

/** Spawns the command and resolves with the ms until a stdout line matches `ready`; then kills it by PID. */
function timeToLine(command, args, ready) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let buffered = '';
    let elapsed = null;
    child.stdout.on('data', (chunk) => {
      if (elapsed !== null) return;
      buffered += chunk.toString('utf8');
      if (buffered.split('\n').some((line) => ready.test(line))) {
        elapsed = performance.now() - start;
        if (child.exitCode === null) child.kill('SIGTERM');
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => (elapsed === null ? reject(new Error(`${args.join(' ')} exited (${code}) before it was ready`)) : resolve(elapsed)));
  });
}

export async function run({ quick = false } = {}) {
  const runs = quick ? 1 : 15;
  const hub = [];
  const bare = [];
  for (let i = 0; i < runs; i++) {
    bare.push(await timeToLine(process.execPath, ['-e', "console.log('ready')"], /^ready$/));
    hub.push(await timeToLine(process.execPath, [hubCli, '--port', '0', '--host', '127.0.0.1'], /^rtc-hub listening on http:\/\//));
  }
  const hubMs = round(median(hub));
  const bareMs = round(median(bare));
  return {
    runs,
    hubMs,
    bareNodeMs: bareMs,
    hubRunsMs: hub.map((v) => round(v)),
    bareRunsMs: bare.map((v) => round(v)),
    rows: [
      { metric: 'start to "listening" (ms, median)', value: hubMs, baseline: `node -e ${bareMs}`, ratio: round(hubMs / bareMs), target: `< ${TARGET_MS}`, ok: hubMs < TARGET_MS },
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
