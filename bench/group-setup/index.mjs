// bench/group-setup: how long it takes a fourth person to join a running three-person call and see all
// three, beside the floor, and what a six-person call costs one page in CPU.
//
// Six people in six browser contexts of headless Chromium (fake camera, 320x240 at 15 fps each), through
// the real hub, inside a loopback-only network namespace; see in-namespace.mjs and page/group.js.
// - setup: three are in a call; the fourth's call() until a first frame from each of the three shows
//   in its own <rtc-remote-video peer=ID>. The floor, in the same run and interleaved, is three pairs of
//   RTCPeerConnections in the fourth's page with no signaling, set up together while the same three-person
//   call goes on, until a first frame on the answering side of each pair. Target: at most 1.3x the floor.
// - cpu: six people in one call (five peers each): the CPU of each page's renderer process, as a share of
//   one core, over 5 s (SystemInfo.getProcessInfo). Reported, no target.
import { join } from 'node:path';
import { runInNamespace } from '../lib/browser.mjs';
import { median, round, root } from '../lib/common.mjs';

const TARGET_RATIO = 1.3;

export async function run({ quick = false } = {}) {
  // 15, as call-setup: the kit's samples spread over 250 to 380 ms on this machine, the median of 9 moved by 10%.
  const runs = quick ? 1 : 15;
  // The quick run only proves the benchmark works: a three-person call is enough for the CPU figure then.
  const { setup, floor, cpu } = await runInNamespace('group-setup', join(root, 'bench/group-setup/in-namespace.mjs'), [runs, quick ? 3 : 6]);
  const kit = round(median(setup));
  const base = round(median(floor));
  const ratio = round(kit / base);
  const shares = cpu.rendererShares ?? [];
  return {
    runs,
    setupMs: setup.map((ms) => round(ms)),
    floorMs: floor.map((ms) => round(ms)),
    cpu,
    rows: [
      { metric: `4th joins a 3-person call: call() to frames from all 3 (ms, median of ${runs})`, value: kit, baseline: `floor ${base}`, ratio, target: `<= ${TARGET_RATIO}`, ok: ratio <= TARGET_RATIO },
      ...(cpu.error
        ? [{ metric: `CPU of one page in a ${quick ? 3 : 6}-person call: the call did not come together (${cpu.error})`, value: '', baseline: '', ratio: '', target: '', ok: false }]
        : [
            { metric: `CPU of one page in a ${cpu.peers + 1}-person call, ${cpu.peers} peers (share of a core, median renderer)`, value: round(median(shares)), baseline: '', ratio: '', target: '', ok: null },
            { metric: 'CPU of the browser and GPU processes of that call (share of a core)', value: round(cpu.browserShare), baseline: '', ratio: '', target: '', ok: null },
          ]),
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
