// bench/file-transfer, the part that runs inside the loopback-only network namespace (index.mjs starts it
// with `unshare -n`). Nothing here can reach past 127.0.0.1, and WebRTC can only use loopback.
//
//   node bench/file-transfer/in-namespace.mjs MEGABYTES RUNS
//
// It bundles page/bench.js with esbuild (minified, as shipped), serves it on 127.0.0.1, opens two pages in
// headless Chromium (one sends, one receives: two renderer processes, as in a real call), joins them with
// two peer connections (the kit's channel and a bare one), and runs the kit and the bare send RUNS times
// each, interleaved and alternating which goes first. Prints one JSON line:
// {chunk, highWaterMark, preciseMemory, samples: {kit: [{ms, heapGrowth, senderBusyMs, receiverBusyMs}], bare: [...]}}.
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, openPage } from '../lib/browser.mjs';
import { root } from '../lib/common.mjs';

const megabytes = Number(process.argv[2] ?? 100);
const runs = Number(process.argv[3] ?? 5);

// performance.memory without its coarse rounding, and a gc() to take the heap's level before each send.
const memoryArgs = ['--enable-precise-memory-info', '--js-flags=--expose-gc'];

async function bundle(dir) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'bench/file-transfer/page/bench.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    outfile: join(dir, 'bench.js'),
    logLevel: 'silent',
  });
}

function serve(dir) {
  const files = {
    '/': ['text/html', readFileSync(join(root, 'bench/file-transfer/page/index.html'))],
    '/bench.js': ['text/javascript', readFileSync(join(dir, 'bench.js'))],
  };
  const server = createServer((request, response) => {
    const file = files[new URL(request.url, 'http://x').pathname];
    if (!file) return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const dir = mkdtempSync(join(tmpdir(), 'rtc-bench-files-'));
let server = null;
let browser = null;
try {
  await bundle(dir);
  server = await serve(dir);
  const url = `http://127.0.0.1:${server.address().port}/`;
  browser = await launchChromium(memoryArgs);
  // Two browser contexts: two renderer processes, as two people in a call.
  const sender = await openPage(browser, url);
  const receiver = await openPage(browser, url);
  const offers = await sender.evaluate(() => window.offer());
  const answers = await receiver.evaluate((o) => window.answer(o), offers);
  await sender.evaluate((a) => window.accept(a), answers);
  const [info] = await Promise.all([sender.evaluate(() => window.ready()), receiver.evaluate(() => window.ready())]);

  // Main-thread busy time of each page (CDP's TaskDuration): what the send cost in CPU, which a busy
  // machine bends less than it bends throughput.
  const sessions = await Promise.all([sender, receiver].map((page) => page.context().newCDPSession(page)));
  await Promise.all(sessions.map((session) => session.send('Performance.enable')));
  const busy = () => Promise.all(sessions.map(async (session) => (await session.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0));
  const timed = async (send) => {
    const before = await busy();
    const sample = await send();
    const after = await busy();
    return { ...sample, senderBusyMs: (after[0] - before[0]) * 1000, receiverBusyMs: (after[1] - before[1]) * 1000 };
  };
  const kit = (mb) =>
    timed(async () => {
      const sample = await sender.evaluate((n) => window.kit(n), mb);
      const size = await receiver.evaluate(() => window.takeKitFile());
      if (size !== mb * 1024 * 1024) throw new Error(`the kit's receiver got ${size} bytes, not ${mb} MiB`);
      return sample;
    });
  const bare = (mb) => timed(() => sender.evaluate((n) => window.bare(n), mb));
  // Untimed first sends: the first SCTP congestion window, JIT and the file chunk's first use.
  await kit(Math.min(megabytes, 8));
  await bare(Math.min(megabytes, 8));
  const samples = { kit: [], bare: [] };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ['kit', 'bare'] : ['bare', 'kit'];
    for (const name of order) samples[name].push(await (name === 'kit' ? kit : bare)(megabytes));
  }
  console.log(JSON.stringify({ ...info, megabytes, samples }));
} finally {
  await browser?.close().catch(() => {});
  server?.close();
  rmSync(dir, { recursive: true, force: true });
}
