// Real rtc-hub processes, started from source, for tests that kill a hub (SIGKILL needs a process of its
// own), stop its Redis, or read everything it prints. Each is stopped by its PID, never by name.
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { delay } from './clients.js';

const CLI = new URL('../../src/cli.ts', import.meta.url).pathname;

export interface HubProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly exited: Promise<void>;
  /** Everything it wrote to stderr so far. */
  output(): string;
  /** Everything it wrote to stdout so far. */
  stdout(): string;
}

const started = new Set<HubProcess>();

/**
 * Starts `rtc-hub` from source with `args` (and `--port 0` unless given), and resolves once it prints the URL it
 * listens on and its /healthz answers 200. The environment's hub variables are cleared, so only `args` and `env` count.
 */
export async function startHub(args: string[], env: Record<string, string> = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', ...args], {
    env: {
      ...process.env,
      PORT: '',
      HOST: '',
      REDIS_URL: '',
      REDIS_HEARTBEAT: '',
      AUTH_SECRET: '',
      AUTH_PUBLIC_KEY: '',
      DEV_TOKENS: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stderr!.on('data', (d) => (output += d));
  child.stdout!.on('data', (d) => (stdout += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const match = /^rtc-hub listening on (http:\/\/\S+)$/.exec(line);
      if (match) resolve(match[1]!);
      else reject(new Error(`Unexpected first line: ${line}`));
    });
    void exited.then(() => reject(new Error(`rtc-hub exited early: ${output}`)));
  });
  const hub: HubProcess = { child, url, port: Number(new URL(url).port), exited, output: () => output, stdout: () => stdout };
  started.add(hub);
  void exited.then(() => started.delete(hub));
  await until(`${url} is healthy`, async () => (await health(hub)) === 200, 10_000);
  return hub;
}

/** Sends `signal` to the hub (if it still runs) and waits until it has exited. */
export async function kill(hub: HubProcess, signal: NodeJS.Signals): Promise<void> {
  if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill(signal);
  await hub.exited;
}

/** Stops every hub this module started and that still runs. */
export async function stopAllHubs(): Promise<void> {
  await Promise.allSettled([...started].map((hub) => kill(hub, 'SIGTERM')));
}

/** The status of GET /healthz, or 0 when the hub does not answer. */
export async function health(hub: HubProcess): Promise<number> {
  try {
    return (await fetch(`${hub.url}/healthz`)).status;
  } catch {
    return 0;
  }
}

/** Polls `check` until it holds; the deadline is only a bound for a failure. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await delay(20);
  }
}

/**
 * CPU pressure: one busy-loop process per core, as `sh -c 'while :; do :; done'`, until `stop()` ends each by its
 * PID. Races that need a slow moment show up under it.
 */
export function busyLoops(count = availableParallelism()): { stop(): Promise<void> } {
  const loops = Array.from({ length: count }, () => spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
  return {
    async stop() {
      await Promise.all(
        loops.map((loop) => {
          if (loop.exitCode !== null || loop.signalCode !== null) return undefined;
          const gone = new Promise<void>((resolve) => loop.once('exit', () => resolve()));
          loop.kill('SIGKILL');
          return gone;
        }),
      );
    },
  };
}
