// bench/group-setup, the part that runs inside the loopback-only network namespace (index.mjs starts it).
//
//   node bench/group-setup/in-namespace.mjs RUNS [PEOPLE]
//
// Starts the hub serving page/ and dist/, and headless Chromium with six pages, each in a browser context
// of its own (six people). Then, RUNS times, interleaved with the floor:
// - setup: three people in a call, and the fourth's call() until frames from all three others show;
// - floor: three RTCPeerConnection pairs in the fourth's page, set up together, with no signaling, while
//   the same three-person call goes on (so both carry the same load);
// and once, the CPU of a PEOPLE-person call (default six: five peers each), per renderer process, over
// CPU_WINDOW_MS.
// Prints one JSON line: {setup: [ms], floor: [ms], cpu: {...}}.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, openPage } from '../lib/browser.mjs';
import { root, startHub } from '../lib/common.mjs';

const runs = Number(process.argv[2] ?? 15);
const people = Number(process.argv[3] ?? 6);
const CPU_WINDOW_MS = 5_000;

const dir = mkdtempSync(join(tmpdir(), 'rtc-bench-group-'));
cpSync(join(root, 'bench/group-setup/page'), dir, { recursive: true });
let hub = null;
let browser = null;
try {
  hub = await startHub(['--static', dir]);
  browser = await launchChromium();
  const pages = [];
  for (let i = 0; i < Math.max(4, people); i++) pages.push(await openPage(browser, `${hub.url}/`));
  let counter = 0;
  const everyone = (group, fn, ...args) => Promise.all(group.map((page) => page.evaluate(fn, args)));

  /**
   * Three people in a call, then `measure` in the fourth's page while they go on: the machine carries the
   * same load for the kit and for the floor.
   */
  const besideACall = async (measure) => {
    const channel = `group-${Date.now().toString(36)}-${++counter}`;
    const [fourth, ...three] = pages.slice(0, 4);
    try {
      await everyone(three, ([c]) => window.join(c), channel);
      await three[0].evaluate(() => window.callAndTime(2));
      await everyone(three, () => window.waitForPeers(2));
      return await measure(fourth, channel);
    } finally {
      await everyone(pages.slice(0, 4), () => window.leave());
    }
  };
  /** The fourth joins and calls: ms from its call() to frames from all three. */
  const setup = () =>
    besideACall(async (fourth, channel) => {
      await fourth.evaluate(([c]) => window.join(c), [channel]);
      return fourth.evaluate(() => window.callAndTime(3));
    });
  /** Three RTCPeerConnection pairs in the fourth's page, with no signaling, beside the same call. */
  const floor = () => besideACall((fourth) => fourth.evaluate(() => window.floor(3)));

  // One of each untimed: the first camera, hub connection and connections pay one-off costs.
  await setup();
  await floor();
  const samples = { setup: [], floor: [] };
  for (let i = 0; i < runs; i++) {
    samples.setup.push(await setup());
    samples.floor.push(await floor());
  }

  // PEOPLE people, PEOPLE - 1 peers each: the CPU of each renderer process (one per page) over the window.
  // A call of six that does not come together is reported as such, and the setup figures still stand.
  const measureCpu = async () => {
    const channel = `group-cpu-${Date.now().toString(36)}`;
    const inCall = pages.slice(0, people);
    await everyone(inCall, ([c]) => window.join(c), channel);
    await inCall[0].evaluate(([n]) => window.callAndTime(n), [people - 1]);
    await everyone(inCall, ([n]) => window.waitForPeers(n), people - 1);
    const cdp = await browser.newBrowserCDPSession();
    const processes = async () => (await cdp.send('SystemInfo.getProcessInfo')).processInfo;
    const before = await processes();
    await new Promise((resolve) => setTimeout(resolve, CPU_WINDOW_MS));
    const after = await processes();
    const share = (p) => (p.cpuTime - (before.find((b) => b.id === p.id)?.cpuTime ?? p.cpuTime)) / (CPU_WINDOW_MS / 1000);
    const renderers = after.filter((p) => p.type === 'renderer').map(share).filter((s) => s > 0.01);
    const cpu = {
      peers: people - 1,
      rendererShares: renderers,
      browserShare: after.filter((p) => p.type !== 'renderer').reduce((total, p) => total + share(p), 0),
    };
    await everyone(pages, () => window.leave());
    return cpu;
  };
  const cpu = await measureCpu().catch((error) => ({ error: error.message }));

  console.log(JSON.stringify({ ...samples, cpu }));
} finally {
  await browser?.close().catch(() => {});
  await hub?.stop();
  rmSync(dir, { recursive: true, force: true });
}
