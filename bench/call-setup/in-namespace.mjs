// bench/call-setup, the part that runs inside the loopback-only network namespace (index.mjs starts it
// with `unshare -n`, as scripts/test.mjs runs the browser tests). Nothing here can reach past 127.0.0.1,
// so ports cannot clash with anything outside, and WebRTC can only use loopback.
//
//   node bench/call-setup/in-namespace.mjs RUNS
//
// It starts coturn (TURN REST credentials, use-auth-secret), the hub serving page/ and dist/, and headless
// Chromium with the fake camera, with the page open in two browser contexts (two people); runs the floor
// and each kit variant RUNS times, interleaved; and prints one JSON line:
// {samples: {name: [{ms, callerMs, calleeMs, timeline?}]}}. Two-page samples carry the timeline of every
// stage on both pages, in ms from call() (page/probes.js).
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, startHub, startProcess } from '../lib/common.mjs';
import { launchChromium, openPage } from '../lib/browser.mjs';
import { coturnConfig } from '../../scripts/coturn-config.mjs';

const runs = Number(process.argv[2] ?? 15);

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
let signedHub = null;
let browser = null;
try {
  hub = await startHub(['--static', staticDir]);
  // Invitations need signed-in users: a second hub, with dev tokens (a random secret per start).
  signedHub = await startHub(['--static', staticDir, '--dev-tokens'], { env: { DEV_TOKENS: '1' } });
  browser = await launchChromium();
  // Two people: a page each, in a browser context each (its own renderer process and storage).
  const [pageA, pageB] = await Promise.all([openPage(browser, `${hub.url}/`), openPage(browser, `${hub.url}/`)]);
  const [signedA, signedB] = await Promise.all([openPage(browser, `${signedHub.url}/`), openPage(browser, `${signedHub.url}/`)]);

  let counter = 0;
  /** One call between the two pages: from call() on A to the first frame in each element's own video. */
  const twoPages = async (variant, relay) => {
    const channel = `bench2-${Date.now().toString(36)}-${++counter}`;
    await pageB.evaluate(([v, r, c]) => window.join(v, r, c), [variant, relay, channel]);
    await pageA.evaluate(([v, r, c]) => window.join(v, r, c), [variant, relay, channel]);
    try {
      const t0 = await pageA.evaluate(() => window.callNow());
      const [atA, atB] = await Promise.all([pageA.evaluate(() => window.frame()), pageB.evaluate(() => window.frame())]);
      const [a, b] = await Promise.all([pageA.evaluate(() => window.timeline.take()), pageB.evaluate(() => window.timeline.take())]);
      const timeline = [...a.map((e) => ({ ...e, page: 'A' })), ...b.map((e) => ({ ...e, page: 'B' }))]
        .map((e) => ({ page: e.page, what: e.what, ms: e.t - t0 }))
        .sort((x, y) => x.ms - y.ms);
      return { ms: Math.max(atA, atB) - t0, callerMs: atA - t0, calleeMs: atB - t0, timeline };
    } finally {
      await Promise.all([pageA.evaluate(() => window.leave()), pageB.evaluate(() => window.leave())]);
    }
  };

  /**
   * A rings B, B accepts: from invite() on A to B's rtc-invitation, with a plain hub round trip from A just
   * before it as the baseline; and from accept() on B to the first frame in each element's own video.
   */
  const invited = async () => {
    const [a, b] = [`alice-${++counter}`, `bob-${counter}`];
    await Promise.all([signedA.evaluate((u) => window.signIn(u), a), signedB.evaluate((u) => window.signIn(u), b)]);
    try {
      const roundTripMs = await signedA.evaluate(() => window.roundTrip());
      const asked = await signedA.evaluate((u) => window.inviteNow(u), b);
      const rang = await signedB.evaluate(() => window.invitedAt());
      const accepted = await signedB.evaluate(() => window.acceptNow());
      const [atA, atB] = await Promise.all([signedA.evaluate(() => window.frame()), signedB.evaluate(() => window.frame())]);
      return { ms: Math.max(atA, atB) - accepted, callerMs: atA - accepted, calleeMs: atB - accepted, deliveryMs: rang - asked, roundTripMs };
    } finally {
      await Promise.all([signedA.evaluate(() => window.leave()), signedB.evaluate(() => window.leave())]);
    }
  };

  const variants = {
    'async invited': invited,
    'floor host': () => pageA.evaluate(() => window.floor(false)),
    'async host': () => twoPages('async', false),
    'then host': () => twoPages('then', false),
    'async host, one page': () => pageA.evaluate(() => window.kit('async', false)),
    'then host, one page': () => pageA.evaluate(() => window.kit('then', false)),
    'floor relay': () => pageA.evaluate(() => window.floor(true)),
    'async relay': () => twoPages('async', true),
    'then relay': () => twoPages('then', true),
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
  await signedHub?.stop();
  await coturn.stop();
  rmSync(staticDir, { recursive: true, force: true });
}
