// bench/call-setup: how long a call takes to show video, through rtc-kit, beside the floor.
//
// Headless Chromium (fake camera) inside a loopback-only network namespace (`unshare -n`), with the hub
// and coturn beside it; see in-namespace.mjs and page/bench.js. A call is two people on two pages, in two
// browser contexts: for each variant (`async`, `then`) and each path (host candidates; relay-only through
// TURN), the time from `call()` on one page to the first frame in each element's own remote video. The
// one-page figure (both elements in one page) is a second row. The floor, in the same run and interleaved
// with the kit's calls, is two RTCPeerConnections in one page with no signaling at all, from createOffer()
// to the first remote frame on both sides. Reports medians, kit/floor ratios, and the median timeline of
// every stage of the two-page calls (page/probes.js). An invited call, on a second hub with dev tokens:
// invite() on A to rtc-invitation on B beside a plain hub round trip from A (the ratio column is then the
// difference in ms), and accept() on B to the first frame on both sides beside the floor.
import { join } from 'node:path';
import { runInNamespace } from '../lib/browser.mjs';
import { median, round, root } from '../lib/common.mjs';

const TARGET_HOST_RATIO = 1.15;

/**
 * The median time of each stage, over the runs that have it: the first time each page reached it, in ms
 * from call(). Stages are listed in the order of their medians.
 */
function medianTimeline(list) {
  const byStage = new Map();
  for (const sample of list) {
    const seen = new Set();
    for (const { page, what, ms } of sample.timeline ?? []) {
      const key = `${page}: ${what}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!byStage.has(key)) byStage.set(key, []);
      byStage.get(key).push(ms);
    }
  }
  return [...byStage]
    .map(([stage, values]) => ({ stage, ms: round(median(values)), runs: values.length }))
    .sort((a, b) => a.ms - b.ms);
}

export async function run({ quick = false } = {}) {
  const runs = quick ? 1 : 15;
  const { samples } = await runInNamespace('call-setup', join(root, 'bench/call-setup/in-namespace.mjs'), [runs]);
  const medians = {};
  const timelines = {};
  for (const [name, list] of Object.entries(samples)) {
    medians[name] = {
      ms: round(median(list.map((s) => s.ms))),
      callerMs: round(median(list.map((s) => s.callerMs))),
      calleeMs: round(median(list.map((s) => s.calleeMs))),
      runsMs: list.map((s) => round(s.ms)),
    };
    if (list.some((s) => s.timeline)) timelines[name] = medianTimeline(list);
  }
  const rows = [];
  const ratios = {};
  const row = (name, floorName, target, label) => {
    const kit = medians[name].ms;
    const floor = medians[floorName].ms;
    const ratio = round(kit / floor);
    ratios[name] = ratio;
    rows.push({
      metric: `${label}: call() to first frame, both sides (ms, median of ${runs})`,
      value: kit,
      baseline: `floor ${floor}`,
      ratio,
      target: target ? `<= ${target}` : '',
      ok: target ? ratio <= target : null,
    });
  };
  for (const variant of ['async', 'then']) {
    row(`${variant} host`, 'floor host', TARGET_HOST_RATIO, `${variant}, host, two pages`);
    row(`${variant} host, one page`, 'floor host', null, `${variant}, host, one page`);
    row(`${variant} relay`, 'floor relay', null, `${variant}, relay, two pages`);
  }
  // The invited call: delivery of the invitation beside a plain hub round trip, then accept() to frames.
  const invited = samples['async invited'];
  const delivery = round(median(invited.map((s) => s.deliveryMs)));
  const roundTrip = round(median(invited.map((s) => s.roundTripMs)));
  rows.push({
    metric: `invite() on A to rtc-invitation on B, two pages (ms, median of ${runs})`,
    value: delivery,
    baseline: `hub round trip ${roundTrip}`,
    ratio: round(delivery - roundTrip),
    target: '<= round trip + 5 ms',
    ok: delivery <= roundTrip + 5,
  });
  const acceptMs = medians['async invited'].ms;
  rows.push({
    metric: `async, invited: accept() on B to first frame, both sides (ms, median of ${runs})`,
    value: acceptMs,
    baseline: `floor ${medians['floor host'].ms}`,
    ratio: (ratios['async invited'] = round(acceptMs / medians['floor host'].ms)),
    target: '',
    ok: null,
  });
  return { runs, medians, ratios, rows, timelines, invitation: { deliveryMs: delivery, roundTripMs: roundTrip } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
