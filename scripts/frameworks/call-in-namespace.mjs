// One framework sample's call, run by scripts/test-frameworks.mjs inside a loopback-only network
// namespace (`unshare -n`), so nothing here reaches past 127.0.0.1 and no port can clash with another
// test: the ports below are this namespace's own.
//
//   node scripts/frameworks/call-in-namespace.mjs NAME
//
// It starts the hub from the sample's own node_modules/rtc-kit (the packed tarball), the sample (its
// built files served by the hub, or its own server), and headless Chromium with the fake camera. Two
// pages, in two browser contexts, open the sample on one fresh channel, press Start on both and Call on
// one. It checks what every sample promises (frameworks/README.md):
//   - the element upgraded, with the framework's bindings in place: `iceServers` set as a property (an
//     array, which no attribute can carry) and `hub-url` as an attribute;
//   - the state the sample shows, which it takes from `rtc-state-change`, goes ready, then connected;
//   - frames arrive in `<rtc-remote-video>` on both sides (requestVideoFrameCallback);
//   - no uncaught error and no console error on either page.
// With "server" in the sample's `rtcKitSample` settings (server rendering), also: the HTML the server
// sends holds the elements with their attributes, and the server printed no error.
// Prints one JSON line: {ok, summary} or {ok: false, error}.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, startProcess } from '../../bench/lib/common.mjs';
import { chromiumArgs } from '../chromium-args.mjs';

const name = process.argv[2];
const dir = join(root, 'frameworks', name);
const settings = { static: 'dist', ...JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).rtcKitSample };
const hubCli = join(dir, 'node_modules/rtc-kit/server/dist/cli.js');
/** A failure bound only: every wait below ends on an event or a state, long before this on a calm machine. */
const DEADLINE_MS = 60_000;
const APP_PORT = 3000;
const HUB_PORT = 5000;

const checks = [];
const check = (what, ok, detail) => {
  if (!ok) throw new Error(`${what}: ${detail}`);
  checks.push(what);
};

async function startApp() {
  if (!settings.server) {
    const hub = await startProcess({
      name: 'rtc-hub',
      command: process.execPath,
      args: [hubCli, '--port', String(HUB_PORT), '--static', join(dir, settings.static)],
      ready: /^rtc-hub listening on /,
    });
    const url = `http://127.0.0.1:${HUB_PORT}`;
    return { appUrl: url, hubUrl: '/messagehub', stop: () => hub.stop(), serverOutput: () => '' };
  }
  // The app has its own server, on its own origin: the hub lets that origin in.
  const appUrl = `http://127.0.0.1:${APP_PORT}`;
  const hub = await startProcess({
    name: 'rtc-hub',
    command: process.execPath,
    args: [hubCli, '--port', String(HUB_PORT), '--allowed-origin', appUrl],
    ready: /^rtc-hub listening on /,
  });
  const hubUrl = `http://127.0.0.1:${HUB_PORT}/messagehub`;
  let output = '';
  const [command, ...args] = settings.server.command.map((part) => part.replace('{port}', String(APP_PORT)));
  const app = await startProcess({
    name: name,
    command: command === 'node' ? process.execPath : command,
    args,
    cwd: dir,
    env: { HUB_URL: hubUrl, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    ready: new RegExp(settings.server.ready),
    timeoutMs: DEADLINE_MS,
  }).catch(async (error) => {
    await hub.stop();
    throw error;
  });
  app.child.stdout.on('data', (chunk) => (output += chunk));
  app.child.stderr.on('data', (chunk) => (output += chunk));
  return {
    appUrl,
    hubUrl,
    serverOutput: () => output,
    stop: async () => {
      await app.stop();
      await hub.stop();
    },
  };
}

/** The server's HTML, before any script runs: the elements are there, with their attributes. */
async function checkServerHtml(appUrl, hubUrl, channel) {
  const html = await (await fetch(`${appUrl}/?channel=${channel}`)).text();
  const tag = html.match(/<rtc-call\b[^>]*>/)?.[0] ?? '';
  check('the server renders <rtc-call>', tag !== '', 'no <rtc-call> in the HTML');
  check('with its hub-url attribute', tag.includes(`hub-url="${hubUrl}"`), tag);
  check('and its channel attribute', tag.includes(`channel="${channel}"`), tag);
  check('and the video elements', /<rtc-local-video\b/.test(html) && /<rtc-remote-video\b/.test(html), 'no <rtc-local-video> or <rtc-remote-video>');
}

async function openPage(browser, url, label, problems) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`${label}: uncaught ${error.message}`));
  page.on('console', (message) => {
    // A missing favicon is not the sample's problem.
    if (message.type() === 'error' && !/Failed to load resource.*404/.test(message.text())) problems.push(`${label}: console error ${message.text()}`);
  });
  await page.goto(url);
  // Upgraded: the element is an instance of the class the package registered.
  await page.waitForFunction(() => {
    const RtcCall = customElements.get('rtc-call');
    return RtcCall !== undefined && document.querySelector('rtc-call') instanceof RtcCall;
  }, null, { timeout: DEADLINE_MS });
  return { context, page };
}

const stateIs = (page, state) =>
  page.waitForFunction((want) => document.querySelector('#state')?.textContent?.trim() === want, state, { timeout: DEADLINE_MS });

/** Resolves when the remote video has shown `count` more frames, with its size. */
const remoteFrames = (page, count) =>
  page.evaluate(
    ([count, deadline]) =>
      new Promise((resolve, reject) => {
        const video = document.querySelector('rtc-remote-video')?.shadowRoot?.querySelector('video');
        if (!video) return reject(new Error('no <video> in the shadow root of <rtc-remote-video>'));
        const timer = setTimeout(() => reject(new Error(`fewer than ${count} frames within ${deadline} ms`)), deadline);
        let seen = 0;
        const next = () =>
          video.requestVideoFrameCallback(() => {
            if (++seen < count) return next();
            clearTimeout(timer);
            resolve({ width: video.videoWidth, height: video.videoHeight });
          });
        next();
      }),
    [count, DEADLINE_MS],
  );

async function main() {
  const channel = `${name}-${randomBytes(6).toString('hex')}`;
  const app = await startApp();
  let browser = null;
  const problems = [];
  try {
    if (settings.server) await checkServerHtml(app.appUrl, app.hubUrl, channel);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
    const url = `${app.appUrl}/?channel=${channel}`;
    const caller = await openPage(browser, url, 'caller', problems);
    const callee = await openPage(browser, url, 'callee', problems);
    check('both pages upgraded <rtc-call>', true);

    for (const [label, { page }] of [['caller', caller], ['callee', callee]]) {
      const bound = await page.evaluate(() => {
        const call = document.querySelector('rtc-call');
        return { iceServers: call.iceServers, hubUrl: call.getAttribute('hub-url'), channel: call.channel };
      });
      check(`${label}: iceServers bound as a property`, Array.isArray(bound.iceServers), `iceServers is ${JSON.stringify(bound.iceServers)}`);
      check(`${label}: hub-url bound as an attribute`, bound.hubUrl === app.hubUrl, `hub-url is ${bound.hubUrl}`);
      check(`${label}: channel from the page's URL`, bound.channel === channel, `channel is ${bound.channel}`);
    }

    await caller.page.click('#start');
    await callee.page.click('#start');
    await Promise.all([stateIs(caller.page, 'ready'), stateIs(callee.page, 'ready')]);
    check('rtc-state-change bound: both show ready', true);
    await caller.page.click('#call');
    await Promise.all([stateIs(caller.page, 'connected'), stateIs(callee.page, 'connected')]);
    check('both show connected', true);
    const [callerVideo, calleeVideo] = await Promise.all([remoteFrames(caller.page, 5), remoteFrames(callee.page, 5)]);
    check('frames on both sides', callerVideo.width > 0 && calleeVideo.width > 0, `sizes ${JSON.stringify([callerVideo, calleeVideo])}`);

    await caller.page.click('#hangup');
    await Promise.all([stateIs(caller.page, 'ended'), callee.page.waitForFunction(() => document.querySelector('#state')?.textContent?.trim() !== 'connected', null, { timeout: DEADLINE_MS })]);
    check('hang up ends the call on both sides', true);

    if (settings.server) {
      const output = app.serverOutput();
      check('the server printed no error', !/window is not defined|document is not defined|\bError\b/i.test(output), output.trim().slice(-2000));
    }
    check('no uncaught error or console error', problems.length === 0, problems.join('; '));
    return `${checks.length} checks; frames ${callerVideo.width}x${callerVideo.height} both sides`;
  } finally {
    await browser?.close().catch(() => {});
    await app.stop();
  }
}

try {
  const summary = await main();
  console.log(JSON.stringify({ ok: true, summary }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: error.message }));
  process.exitCode = 1;
}
