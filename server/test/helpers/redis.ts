// A real redis-server for tests, on a free loopback port, with no persistence. It runs daemonized with a
// pidfile in its own temporary folder, and is stopped by the PID in that pidfile, never by name
// (toolchain.md, "Redis").
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisProcess {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** The folder that holds its pidfile and log. */
  readonly dir: string;
  /** Stops it (SIGTERM to the PID in its pidfile) and waits until the process is gone. Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port, after stop(). */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

/** Starts redis-server on a free port of 127.0.0.1 and resolves once it answers PING. */
export async function startRedis(): Promise<RedisProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'rtc-redis-'));
  const port = await freePort();
  const pidfile = join(dir, 'redis.pid');
  let pid: number | null = null;

  async function start(): Promise<void> {
    if (pid !== null) return;
    rmSync(pidfile, { force: true });
    const result = spawnSync(
      REDIS_SERVER,
      [
        '--bind', '127.0.0.1',
        '--port', String(port),
        '--daemonize', 'yes',
        '--pidfile', pidfile,
        '--dir', dir,
        '--logfile', join(dir, 'redis.log'),
        '--save', '',
        '--appendonly', 'no',
      ],
      { encoding: 'utf8' },
    );
    if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `${REDIS_SERVER} is not installed, and these tests need a real Redis. Install it with ` +
          '"apt-get install -y redis-server" (or set REDIS_SERVER to its path).',
      );
    }
    if (result.error) throw result.error;
    if (result.status !== 0) {
      throw new Error(`redis-server exited with code ${result.status}: ${result.stderr || result.stdout}`);
    }
    const deadline = Date.now() + 5_000;
    for (;;) {
      if (pid === null) pid = readPid(pidfile);
      if (pid !== null && (await answersPing(port))) return;
      if (Date.now() > deadline) {
        let log = '';
        try {
          log = readFileSync(join(dir, 'redis.log'), 'utf8').slice(-2_000);
        } catch {}
        throw new Error(`redis-server did not answer PING on port ${port} within 5 s.\n${log}`);
      }
      await delay(20);
    }
  }

  async function stop(): Promise<void> {
    const target = pid ?? readPid(pidfile);
    pid = null;
    if (target === null) return;
    try {
      process.kill(target, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + 10_000;
    while (isAlive(target)) {
      if (Date.now() > deadline) {
        process.kill(target, 'SIGKILL');
        break;
      }
      await delay(10);
    }
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readPid(pidfile: string): number | null {
  try {
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
