// @web/test-runner config: browser tests in headless Chromium, with the real hub beside them.
//
// Run through `npm test` (or `node scripts/test.mjs --browser-only`): it puts wtr, the hub and Chromium in
// a loopback-only network namespace, so binding 127.0.0.1 here is safe and WebRTC stays on loopback.
//
// What browser tests get:
//   import { hubUrl } from '/__rtc-test-env.js';            // a hub started once for the whole run
//   import { executeServerCommand } from '@web/test-runner-commands';
//   const { url, id } = await executeServerCommand('start-hub', { args: ['--allowed-origin', 'http://x'] });
//   await executeServerCommand('stop-hub', { id });          // or it is stopped when the run ends
//   await executeServerCommand('pause-service', { id, signal: 'SIGKILL' }); // stop a hub, coturn or Redis
//   await executeServerCommand('resume-service', { id });    // start it again: same port, same config
//   const { url: redisUrl } = await executeServerCommand('start-redis'); // then start-hub with --redis
//   await executeServerCommand('start-hub', { args: [], auth: true });  // a hub that needs access tokens:
//   fetch('/__rtc-token?sub=alice&until=1796000000')                   // HS256 tokens it accepts: those asked for
//                                                                        // before `until` expire then, later ones in an hour
//   const { path } = await executeServerCommand('copy-dist', { without: ['then-engine'] }); // dist/ minus some chunks
//   const peer = await RemotePage.open();                   // a second person, in a browser context of its own
//                                                           // (test/helpers/remote-page.ts, test/wtr/remote-pages.mjs)
//   import storyFiles from '/__rtc-stories.js';             // every stories/**/*.stories.ts, to import
//                                                           // (test/wtr/storybook.mjs, for test/stories.test.ts)
//
// Environment:
//   RTC_TEST_RESULTS     file to write {"passed":N,"failed":N} to when the run ends (scripts/test.mjs sets it)
//   RTC_HUB_FROM_SOURCE  1 = run the hub from server/src/cli.ts through tsx instead of server/dist/cli.js
//   RTC_WTR_PORT         the dev server's port (default 8765)
//
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { defaultReporter } from '@web/test-runner';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromiumArgs } from './scripts/chromium-args.mjs';
import { coturnConfig } from './scripts/coturn-config.mjs';
import { remotePagesPlugin } from './test/wtr/remote-pages.mjs';
import { storybookPlugin } from './test/wtr/storybook.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const logDir = join(root, '.test-tmp', 'logs');
const bundleDir = join(root, '.test-tmp', 'bundles');
const HOST = '127.0.0.1';
/** The secret of the hubs started with `auth: true`, and of the tokens /__rtc-token mints. */
const AUTH_SECRET = randomBytes(32).toString('hex');
const TOKEN_ROUTE = '/__rtc-token';
const PORT = Number(process.env.RTC_WTR_PORT || 8765);
const ENV_MODULE = '/__rtc-test-env.js';
rmSync(logDir, { recursive: true, force: true });
rmSync(bundleDir, { recursive: true, force: true });

export { chromiumArgs };

// ---------------------------------------------------------------------------------------------------
// Child processes: started by this process, stopped by their PID, never by name.

/** @type {Map<number, import('node:child_process').ChildProcess>} */
const children = new Map();
let logCounter = 0;

/**
 * Spawns a long-running helper and resolves once a stdout line matches `ready`.
 * Its output goes to .test-tmp/logs/<name>-<n>.log.
 * @returns {Promise<{ pid: number, match: RegExpMatchArray, logFile: string, stop: () => Promise<void> }>}
 */
function startProcess({ name, command, args, ready, timeoutMs = 15_000, env }) {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}-${++logCounter}.log`);
  const log = createWriteStream(logFile);
  log.write(`$ ${[command, ...args].join(' ')}\n`);
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(child.pid, child);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  exited.then(({ code, signal }) => {
    children.delete(child.pid);
    log.end(`[exited: code ${code}, signal ${signal}]\n`);
  });
  child.stderr.pipe(log, { end: false });

  let stopping = false;
  const stop = async (signal = 'SIGTERM') => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, signal);
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
  };

  return new Promise((resolve, reject) => {
    let buffered = '';
    let readyMatch = null;
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${name} did not become ready within ${timeoutMs} ms; see ${logFile}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      log.write(chunk);
      if (readyMatch) return;
      buffered += chunk.toString('utf8');
      let newline;
      while (!readyMatch && (newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).replace(/\r$/, '');
        buffered = buffered.slice(newline + 1);
        const match = line.match(ready);
        if (match) {
          readyMatch = match;
          clearTimeout(timer);
          resolve({ pid: child.pid, match, logFile, stop });
        }
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${name} could not start: ${error.message}`));
    });
    exited.then(({ code, signal }) => {
      if (readyMatch) {
        if (stopping) return;
        console.error(`[rtc-test] ${name} (pid ${child.pid}) exited early: code ${code}, signal ${signal}; see ${logFile}`);
        return;
      }
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal}); see ${logFile}`));
    });
  });
}

// Backstop: if wtr exits without calling serverStop, still stop what we started.
process.once('exit', () => {
  for (const pid of children.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

// ---------------------------------------------------------------------------------------------------
// Services.

const hubCli = join(root, 'server/dist/cli.js');

/**
 * Starts a hub on a free loopback port. `origin` is the page origin allowed by default.
 * The result can be paused (stopped, with any signal) and resumed on the same port with the same
 * arguments, which is what a restarted server looks like to its clients.
 */
async function startHub(extraArgs, origin) {
  const args = ['--host', HOST];
  if (!extraArgs.includes('--allowed-origin')) args.push('--allowed-origin', origin);
  args.push(...extraArgs);
  let command;
  if (process.env.RTC_HUB_FROM_SOURCE === '1') {
    command = [process.execPath, '--import', 'tsx', join(root, 'server/src/cli.ts')];
  } else {
    if (!existsSync(hubCli)) throw new Error(`${hubCli} does not exist; run "npm run build" first`);
    command = [process.execPath, hubCli];
  }
  const launch = async (port) => {
    const started = await startProcess({
      name: 'hub',
      command: command[0],
      args: [...command.slice(1), '--port', String(port), ...args],
      ready: /^rtc-hub listening on (http:\/\/\S+)$/,
    });
    return { ...started, url: started.match[1].replace(/\/$/, '') };
  };
  return restartable(await launch(0), (first) => launch(new URL(first.url).port));
}

/**
 * Wraps a started process so a test can stop it and start it again with the same settings.
 * `relaunch(first)` starts a new process like the first one.
 */
function restartable(first, relaunch) {
  let current = first;
  return {
    ...first,
    get pid() {
      return current?.pid;
    },
    pause: async (signal) => {
      const running = current;
      current = null;
      await running?.stop(signal);
    },
    resume: async () => {
      if (!current) current = await relaunch(first);
    },
    stop: async () => {
      const running = current;
      current = null;
      await running?.stop();
      await first.cleanup?.();
    },
  };
}

/** A free TCP port on loopback, for services that cannot pick their own (coturn, Redis). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real coturn on loopback with `use-auth-secret` and a fresh random secret (toolchain.md;
 * the configuration is in scripts/coturn-config.mjs). coturn is stopped by the PID in its pidfile.
 * Paused and resumed, it comes back on the same port with the same secret, like a TURN server that
 * restarted.
 */
async function startCoturn() {
  const dir = mkdtempSync(join(tmpdir(), 'rtc-coturn-'));
  const port = await freePort();
  // Hex, not base64url: a secret that starts with '-' reads as an option on the hub's command line.
  const secret = randomBytes(24).toString('hex');
  const pidfile = join(dir, 'turn.pid');
  const config = join(dir, 'turnserver.conf');
  writeFileSync(config, coturnConfig({ port, secret, dir }));
  const launch = async () => {
    const started = await startProcess({ name: 'coturn', command: 'turnserver', args: ['-c', config], ready: /Total General servers/ });
    const pid = Number(readFileSync(pidfile, 'utf8').trim()) || started.pid;
    if (pid !== started.pid) throw new Error(`coturn wrote pid ${pid} but runs as ${started.pid}`);
    return started;
  };
  const first = await launch();
  first.cleanup = () => rmSync(dir, { recursive: true, force: true });
  return { ...restartable(first, launch), url: `turn:127.0.0.1:${port}`, secret };
}

/** Starts a real redis-server on a free loopback port, without persistence, in the foreground. */
async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'rtc-redis-'));
  const port = await freePort();
  const launch = () =>
    startProcess({
      name: 'redis',
      command: 'redis-server',
      args: ['--bind', HOST, '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'],
      ready: /Ready to accept connections/,
    });
  const first = await launch();
  first.cleanup = () => rmSync(dir, { recursive: true, force: true });
  return { ...restartable(first, launch), url: `redis://${HOST}:${port}` };
}

/**
 * An HS256 access token for the hubs started with `auth: true`: `sub`, `name` (default the sub),
 * `channels` (a comma list, default `*`), and an `exp` an hour away; or, for a token asked for before
 * `until` (unix seconds), `exp` is `until`: a call's first tokens expire together, its later ones do not.
 */
async function mintToken(params) {
  const { SignJWT } = await import('jose');
  const sub = params.get('sub') ?? 'test-user';
  const now = Math.floor(Date.now() / 1000);
  const until = Number(params.get('until') ?? 0);
  return new SignJWT({ name: params.get('name') ?? sub, channels: (params.get('channels') ?? '*').split(',') })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime(now < until ? until : now + 3600)
    .sign(new TextEncoder().encode(AUTH_SECRET));
}

/** Services started on demand by browser tests through server commands, by id. */
const onDemand = new Map();
let nextId = 1;

function servicesPlugin() {
  let origin = `http://${HOST}:${PORT}`;
  /** @type {Promise<{ url: string, stop: () => Promise<void> }> | null} */
  let mainHub = null;

  return {
    name: 'rtc-test-services',

    async serverStart({ config }) {
      origin = `http://${config.hostname ?? HOST}:${config.port}`;
      mainHub = startHub([], origin);
      // Keep a failed start from being an unhandled rejection; it is reported through the env module.
      mainHub.catch(() => {});
      try {
        const hub = await mainHub;
        console.log(`[rtc-test] hub ${hub.url} (pid ${hub.pid}), page origin ${origin}`);
      } catch (error) {
        console.error(`[rtc-test] ${error.message}`);
      }
    },

    async serverStop() {
      const stops = [...onDemand.values()].map((service) => service.stop());
      onDemand.clear();
      if (mainHub) stops.push(mainHub.then((hub) => hub.stop(), () => {}));
      await Promise.allSettled(stops);
    },

    async serve(context) {
      if (context.path === TOKEN_ROUTE) return { body: JSON.stringify({ token: await mintToken(context.URL.searchParams) }), type: 'json' };
      if (context.path !== ENV_MODULE) return undefined;
      try {
        const hub = await mainHub;
        return { body: `export const hubUrl = ${JSON.stringify(hub.url)};\n`, type: 'js' };
      } catch (error) {
        // Tests that need the hub fail to load, with the reason; other tests still run.
        return { body: `throw new Error(${JSON.stringify(`rtc-test: no hub: ${error.message}`)});\n`, type: 'js' };
      }
    },

    async executeCommand({ command, payload }) {
      if (command === 'start-hub') {
        const args = payload?.args ?? [];
        if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) {
          throw new Error('start-hub: payload.args must be an array of strings');
        }
        const hub = await startHub(payload?.auth ? [`--auth-secret=${AUTH_SECRET}`, ...args] : args, origin);
        const id = String(nextId++);
        onDemand.set(id, hub);
        return { id, url: hub.url };
      }
      if (command === 'copy-dist') {
        // A copy of the built bundles with some files missing, as a page meets them when a chunk fails to load.
        const without = payload?.without ?? [];
        if (!Array.isArray(without) || !without.every((part) => typeof part === 'string')) {
          throw new Error('copy-dist: payload.without must be an array of strings');
        }
        const id = String(nextId++);
        const dir = join(bundleDir, id);
        cpSync(join(root, 'dist'), dir, { recursive: true, filter: (source) => !without.some((part) => source.slice(join(root, 'dist').length).includes(part)) });
        return { path: `/.test-tmp/bundles/${id}` };
      }
      if (command === 'start-coturn') {
        const coturn = await startCoturn();
        const id = String(nextId++);
        onDemand.set(id, coturn);
        return { id, url: coturn.url, secret: coturn.secret };
      }
      if (command === 'mint-turn-credential') {
        // The hub's own credential code, for credentials a hub would never mint (an expiry in the past).
        const { mintIceServers } = await import('./server/dist/index.js');
        const { url, secret, ttl } = payload ?? {};
        return mintIceServers({ turnUrls: [url], turnSecret: secret, turnTtl: ttl, stunUrls: [] }).iceServers;
      }
      if (command === 'start-redis') {
        const redis = await startRedis();
        const id = String(nextId++);
        onDemand.set(id, redis);
        return { id, url: redis.url };
      }
      if (command === 'stop-hub' || command === 'stop-coturn' || command === 'stop-redis') {
        const service = onDemand.get(String(payload?.id));
        if (!service) throw new Error(`${command}: no service with id ${payload?.id}`);
        onDemand.delete(String(payload.id));
        await service.stop();
        return true;
      }
      if (command === 'pause-service' || command === 'resume-service') {
        const service = onDemand.get(String(payload?.id));
        if (!service) throw new Error(`${command}: no service with id ${payload?.id}`);
        const signal = payload?.signal ?? 'SIGTERM';
        if (!['SIGTERM', 'SIGKILL', 'SIGINT'].includes(signal)) throw new Error(`${command}: bad signal ${signal}`);
        if (command === 'pause-service') await service.pause(signal);
        else await service.resume();
        return true;
      }
      return undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Counts for scripts/test.mjs: every test in every session, nested suites included. A session that
// failed without any failed test (load error, timeout, crash, uncaught error) counts as one failure.

function countTests(sessions) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const walk = (suite) => {
    if (!suite) return { failed: 0 };
    let suiteFailed = 0;
    for (const test of suite.tests ?? []) {
      if (test.skipped) skipped++;
      else if (test.passed) passed++;
      else {
        failed++;
        suiteFailed++;
      }
    }
    for (const child of suite.suites ?? []) suiteFailed += walk(child).failed;
    return { failed: suiteFailed };
  };
  for (const session of sessions) {
    const testFailures = walk(session.testResults).failed;
    const sessionFailed = session.passed !== true || (session.errors ?? []).length > 0;
    if (sessionFailed && testFailures === 0) failed++;
  }
  return { passed, failed, skipped, files: new Set(sessions.map((s) => s.testFile)).size };
}

function countReporter() {
  const out = process.env.RTC_TEST_RESULTS;
  let lastSessions = [];
  const write = (sessions) => {
    if (!out) return;
    writeFileSync(out, JSON.stringify(countTests(sessions)) + '\n');
  };
  return {
    onTestRunFinished({ sessions }) {
      lastSessions = sessions;
      write(sessions);
    },
    stop({ sessions }) {
      write(sessions?.length ? sessions : lastSessions);
    },
  };
}

// ---------------------------------------------------------------------------------------------------

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  rootDir: root,
  files: ['test/**/*.test.ts', 'src/**/*.test.ts', '!test/node/**'],
  hostname: HOST,
  port: PORT,
  nodeResolve: true,
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 10 * 60_000,
  staticLogging: !process.stdout.isTTY,
  testFramework: {
    config: { timeout: 20_000 },
  },
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: chromiumArgs,
      },
    }),
  ],
  plugins: [esbuildPlugin({ ts: true, tsconfig: join(root, 'tsconfig.json') }), servicesPlugin(), remotePagesPlugin(), storybookPlugin(root)],
  reporters: [defaultReporter(), countReporter()],
};
