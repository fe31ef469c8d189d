// bench/call-setup, the part that runs inside the loopback-only network namespace (index.mjs starts it
// with `unshare -n`, as scripts/test.mjs runs the browser tests). Nothing here can reach past 127.0.0.1,
// so ports cannot clash with anything outside, and WebRTC can only use loopback.
//
//   node bench/call-setup/in-namespace.mjs RUNS
//
// It starts coturn (TURN REST credentials, use-auth-secret), the hub serving page/ and dist/, and headless
// Chromium with the fake camera; runs the floor and each kit variant RUNS times, interleaved; and prints
// one JSON line: {samples: {name: [{ms, callerMs, calleeMs}]}}.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, startHub, startProcess } from '../lib/common.mjs';
import { chromiumArgs as testChromiumArgs } from '../../scripts/chromium-args.mjs';
import { coturnConfig } from '../../scripts/coturn-config.mjs';

const runs = Number(process.argv[2] ?? 15);

const chromiumArgs = [
  ...testChromiumArgs,
  // Keep timers and video running at full rate in a headless page that is never focused.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];

/** coturn on loopback, as web-test-runner.config.mjs starts it; `allow-loopback-peers` only because both peers are local. */
async function startCoturn() {
  const dir = mkdtempSync(join(tmpdir(), 'rtc-bench-coturn-'));
  // Hex, not base64url: a secret that starts with '-' reads as an option on the hub's command line.
  const secret = randomBytes(24).toString('hex');
  const config = join(dir, 'turnserver.conf');
  writeFileSync(config, coturnConfig({ port: 3478, secret, dir, realm: 'rtc-kit.bench' }));
  const started = await startProcess({ name: 'coturn', command: 'turnserver', args: ['-c', config], ready: /Total General servers/ });
  return {
    url: 'turn:127.0.0.1:3478',
    secret,
    stop: async () => {
      await started.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The page, with /ice.json beside it: TURN credentials minted once by the hub's own code, as /ice-servers
 * would mint them. The relay calls fetch that file before each call, as `ice-servers-url` makes them
 * do, instead of the hub's /ice-servers, which allows 30 requests a minute from one address: a run
 * here needs about 80 in a minute, all from 127.0.0.1.
 */
async function pageDir(coturn) {
  const dir = mkdtempSync(join(tmpdir(), 'rtc-bench-page-'));
  cpSync(join(root, 'bench/call-setup/page'), dir, { recursive: true });
  const { mintIceServers } = await import(pathToFileURL(join(root, 'server/dist/index.js')).href);
  const ice = mintIceServers({ turnUrls: [coturn.url], turnSecret: coturn.secret, turnTtl: 3600, stunUrls: [] });
  writeFileSync(join(dir, 'ice.json'), JSON.stringify(ice));
  return dir;
}

const coturn = await startCoturn();
const staticDir = await pageDir(coturn);
let hub = null;
let browser = null;
try {
  hub = await startHub(['--static', staticDir]);
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${hub.url}/`);
  await page.waitForFunction(() => window.benchReady === true, null, { timeout: 15_000 }).catch(() => {
    throw new Error(`the bench page did not load: ${pageErrors.join('; ') || 'no error reported'}`);
  });

  const variants = {
    'floor host': () => page.evaluate(() => window.floor(false)),
    'async host': () => page.evaluate(() => window.kit('async', false)),
    'then host': () => page.evaluate(() => window.kit('then', false)),
    'floor relay': () => page.evaluate(() => window.floor(true)),
    'async relay': () => page.evaluate(() => window.kit('async', true)),
    'then relay': () => page.evaluate(() => window.kit('then', true)),
  };
  // One untimed call of each kind first: the first getUserMedia, the first hub connection and the first
  // TURN allocation each pay one-off costs that no later call pays.
  for (const measure of Object.values(variants)) await measure();
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, measure] of Object.entries(variants)) samples[name].push(await measure());
  }
  console.log(JSON.stringify({ samples }));
} finally {
  await browser?.close().catch(() => {});
  await hub?.stop();
  await coturn.stop();
  rmSync(staticDir, { recursive: true, force: true });
}
