// The demo's "call a person" page as `npm start` serves it, run by scripts/test-frameworks.mjs inside a
// loopback-only network namespace: the hub with `--static demo --dev-tokens`, and two tabs of one browser
// (one context, so the page's list of names, shared between tabs, shows the other person). alice and bob
// sign in; alice presses "Call bob"; bob's call screen rings and he presses Accept; both connect, see each
// other's name from the data channel, and get frames. Prints one JSON line: {ok, summary} or {ok: false, error}.
import { join } from 'node:path';
import { root, startProcess } from '../../bench/lib/common.mjs';
import { chromiumArgs } from '../chromium-args.mjs';

const PORT = 5000;
/** A failure bound only: every wait below ends on a state, long before this on a calm machine. */
const DEADLINE_MS = 60_000;

async function main() {
  const hub = await startProcess({
    name: 'rtc-hub',
    command: process.execPath,
    args: [join(root, 'server/dist/cli.js'), '--port', String(PORT), '--static', join(root, 'demo'), '--dev-tokens'],
    ready: /^rtc-hub listening on /,
  });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
  const problems = [];
  try {
    const context = await browser.newContext();
    const signIn = async (name) => {
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(`${name}: uncaught ${error.message}`));
      await page.goto(`http://127.0.0.1:${PORT}/people.html`);
      await page.getByLabel('Your name').fill(name);
      await page.getByRole('button', { name: 'Sign in' }).click();
      return page;
    };
    const stateIs = (page, state) =>
      page
        .waitForFunction((want) => document.querySelector('rtc-call')?.state === want, state, { timeout: DEADLINE_MS })
        .catch(async () => {
          throw new Error(`the page stayed '${await page.evaluate(() => document.querySelector('rtc-call')?.state)}', not '${state}'`);
        });
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    await alice.getByRole('button', { name: 'Call bob' }).click({ timeout: DEADLINE_MS });
    await stateIs(alice, 'calling');
    await stateIs(bob, 'ringing');
    await bob.locator('rtc-call').getByRole('button', { name: 'Accept' }).click();
    await Promise.all([stateIs(alice, 'connected'), stateIs(bob, 'connected')]);
    const seen = async (page, name) => {
      await page
        .waitForFunction((want) => document.querySelector('rtc-call').peers.some((p) => p.name === want), name, { timeout: DEADLINE_MS })
        .catch(() => {
          throw new Error(`no peer named ${name}`);
        });
      // Frames in the call screen's own tile.
      return page.evaluate(
        (deadline) =>
          new Promise((resolve, reject) => {
            const video = document.querySelector('rtc-call').shadowRoot.querySelector('rtc-remote-video')?.shadowRoot?.querySelector('video');
            if (!video) return reject(new Error('no remote video on the call screen'));
            const timer = setTimeout(() => reject(new Error(`no frame within ${deadline} ms`)), deadline);
            video.requestVideoFrameCallback(() => {
              clearTimeout(timer);
              resolve(video.videoWidth);
            });
          }),
        DEADLINE_MS,
      );
    };
    const widths = await Promise.all([seen(alice, 'bob'), seen(bob, 'alice')]);
    if (problems.length) throw new Error(problems.join('; '));
    return `alice rang bob, bob accepted; each sees the other's name and frames (${widths.join(' and ')} px wide)`;
  } finally {
    await browser.close().catch(() => {});
    await hub.stop();
  }
}

try {
  console.log(JSON.stringify({ ok: true, summary: await main() }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: error.message }));
  process.exitCode = 1;
}
