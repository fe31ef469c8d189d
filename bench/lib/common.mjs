// Shared helpers for the benchmarks: starting and stopping the processes we measure, reading their CPU and
// memory from /proc, and small statistics. Only Node built-ins here.
//
// Every process a benchmark starts is remembered by its PID and stopped by that PID, never by name:
// other people run hubs, Redis and Chromium on this machine at the same time.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const hubCli = join(root, 'server/dist/cli.js');

/** Every child started through `startProcess` and not yet stopped, by PID. */
const children = new Map();

// Backstop: if a benchmark throws or is interrupted, still stop what it started.
process.once('exit', () => {
  for (const pid of children.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => process.exit(130));
}

/**
 * The command line to run `command args` with the open-file limit raised to the hard limit: 10,000
 * WebSockets need 10,000 descriptors in the server and in the generators. `exec` keeps the PID.
 */
export function withFileLimit(command, args) {
  return ['sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', command, ...args]];
}

/**
 * Starts a long-running process and resolves once a line of its stdout matches `ready`.
 * Its stderr is kept (the last 4 KB) for the error message if it dies.
 * @returns {Promise<{ pid: number, match: RegExpMatchArray, child: import('node:child_process').ChildProcess, stop: () => Promise<void> }>}
 */
export function startProcess({ name, command, args = [], ready, env, timeoutMs = 15_000, cwd = root }) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(child.pid, child);
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4096);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => children.delete(child.pid));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
      }, 3_000);
      await exited;
      clearTimeout(timer);
    }
  };

  return new Promise((resolve, reject) => {
    let buffered = '';
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      stop();
      reject(new Error(`${name} did not print ${ready} within ${timeoutMs} ms. stderr: ${stderr.trim()}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      if (done) return;
      buffered += chunk.toString('utf8');
      let newline;
      while (!done && (newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).replace(/\r$/, '');
        buffered = buffered.slice(newline + 1);
        const match = line.match(ready);
        if (match) {
          done = true;
          clearTimeout(timer);
          resolve({ pid: child.pid, match, child, stop });
        }
      }
    });
    child.once('error', (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`${name} could not start: ${error.message}`));
    });
    exited.then(({ code, signal }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal}). stderr: ${stderr.trim()}`));
    });
  });
}

/**
 * Starts the rtc-kit hub from server/dist on a free loopback port. Resolves with its URL and PID. Auth is off
 * unless `env` turns it on: the caller's own AUTH_SECRET, say, must not change what is measured.
 */
export async function startHub(extraArgs = [], { env } = {}) {
  const [command, args] = withFileLimit(process.execPath, [hubCli, '--port', '0', '--host', '127.0.0.1', ...extraArgs]);
  const started = await startProcess({
    name: 'rtc-hub',
    command,
    args,
    env: { AUTH_SECRET: '', AUTH_PUBLIC_KEY: '', DEV_TOKENS: '', ...env },
    ready: /^rtc-hub listening on (http:\/\/\S+)$/,
  });
  return { ...started, url: started.match[1].replace(/\/$/, '') };
}

/** Starts one of the baseline relays in bench/servers (`ws-relay` or `socketio-relay`). */
export async function startRelay(kind, extraArgs = []) {
  const script = join(root, 'bench/servers', `${kind}.mjs`);
  const [command, args] = withFileLimit(process.execPath, [script, '--port', '0', ...extraArgs]);
  const started = await startProcess({ name: kind, command, args, ready: /listening on (http:\/\/\S+)$/ });
  return { ...started, url: started.match[1].replace(/\/$/, '') };
}

// ---------------------------------------------------------------------------------------------------
// /proc: CPU time and resident memory of a process we started.

const CLOCK_TICKS = 100; // USER_HZ on Linux; `getconf CLK_TCK` says 100 on every common build.

/** User + system CPU time of `pid`, in ms. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields we want come after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Resident set size of `pid`, in bytes. */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = status.match(/^VmRSS:\s+(\d+) kB$/m);
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Measures the CPU share (1.0 = one full core) of each PID over the time `fn` takes. */
export async function cpuShareDuring(pids, fn) {
  const before = pids.map((pid) => cpuMs(pid));
  const start = performance.now();
  const result = await fn();
  const elapsed = performance.now() - start;
  const shares = pids.map((pid, i) => (cpuMs(pid) - before[i]) / elapsed);
  return { result, shares };
}

// ---------------------------------------------------------------------------------------------------
// Statistics.

/** The q-quantile (0..1) of `values`, by the nearest-rank method. */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => quantile(values, 0.5);

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rounds for display and JSON: 3 significant digits is all a noisy shared machine supports. */
export function round(value, digits = 3) {
  if (!Number.isFinite(value)) return value;
  if (value === 0) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const factor = 10 ** (digits - 1 - magnitude);
  return Math.round(value * factor) / factor;
}
