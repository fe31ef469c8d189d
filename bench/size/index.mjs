// bench/size: the bytes every page pays for rtc-kit, beside the floor.
//
// For dist/rtc-kit.js, the chunks beside it, and dist/rtc-kit.iife.js, as `npm run build` left them:
// minified bytes, gzip -9 and brotli (quality 11), against the budgets of scripts/bundle-sizes.mjs. The floor is Lit plus @microsoft/signalr alone (floor-entry.js), bundled in this
// run with the project's own browser-bundle settings from rollup.config.mjs (same resolve conditions,
// same esbuild and terser options), into a temporary folder. The difference is rtc-kit's own code.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round, root } from '../lib/common.mjs';
import { BUDGETS, CHUNK, sizes } from '../../scripts/bundle-sizes.mjs';

async function buildFloor(dir) {
  const { rollup } = await import('rollup');
  const configs = (await import(join(root, 'rollup.config.mjs'))).default;
  // The browser bundles: the module (input src/rtc-kit.ts) and the classic script (src/index.ts).
  const module = configs.find((c) => c.input === 'src/rtc-kit.ts');
  const script = configs.find((c) => c.input === 'src/index.ts' && c.output?.format === 'iife');
  if (!module || !script) throw new Error('rollup.config.mjs has no browser module (src/rtc-kit.ts) or classic script (src/index.ts)');
  const cwd = process.cwd();
  process.chdir(root); // the config's paths (tsconfig.json) are relative to the project
  try {
    const outputs = { es: join(dir, 'floor.js'), iife: join(dir, 'floor.iife.js') };
    for (const config of [module, script]) {
      const bundle = await rollup({ ...config, input: join(root, 'bench/size/floor-entry.js') });
      // Only the entry file is counted: a chunk would be one that page loads on first use.
      const { dir: _folder, entryFileNames, chunkFileNames, ...options } = config.output;
      const where = config.output.dir ? { dir, entryFileNames: 'floor.js', chunkFileNames: 'floor-[name]-[hash].js' } : { file: outputs.iife };
      await bundle.write({ ...options, ...where, name: config.output.name ?? 'Floor', sourcemap: false });
      await bundle.close();
    }
    return outputs;
  } finally {
    process.chdir(cwd);
  }
}

export async function run() {
  const files = { 'rtc-kit.js': join(root, 'dist/rtc-kit.js'), 'rtc-kit.iife.js': join(root, 'dist/rtc-kit.iife.js') };
  for (const [name, path] of Object.entries(files)) {
    if (!existsSync(path)) throw new Error(`dist/${name} does not exist: run "npm run build" first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'rtc-bench-size-'));
  try {
    const floor = await buildFloor(dir);
    const bundles = {
      'rtc-kit.js': sizes(files['rtc-kit.js']),
      'rtc-kit.iife.js': sizes(files['rtc-kit.iife.js']),
      'floor.js': sizes(floor.es),
      'floor.iife.js': sizes(floor.iife),
    };
    const kit = bundles['rtc-kit.js'];
    const base = bundles['floor.js'];
    const iife = bundles['rtc-kit.iife.js'];
    const baseIife = bundles['floor.iife.js'];
    const kb = (bytes) => round(bytes / 1024);
    const chunks = readdirSync(join(root, 'dist')).filter((name) => CHUNK.test(name));
    const chunkGzip = chunks.reduce((total, name) => total + sizes(join(root, 'dist', name)).gzip, 0);
    const budget = BUDGETS['dist/rtc-kit.js'];
    const iifeBudget = BUDGETS['dist/rtc-kit.iife.js'];
    const rows = [
      { metric: 'dist/rtc-kit.js gzip (KB)', value: kb(kit.gzip), baseline: `floor ${kb(base.gzip)}`, ratio: round(kit.gzip / base.gzip), target: `<= ${kb(budget)}`, ok: kit.gzip <= budget },
      { metric: `the ${chunks.length} chunks, gzip together (KB)`, value: kb(chunkGzip), baseline: '', ratio: '', target: '', ok: null },
      { metric: 'dist/rtc-kit.js minified (KB)', value: kb(kit.minified), baseline: `floor ${kb(base.minified)}`, ratio: round(kit.minified / base.minified), target: '', ok: null },
      { metric: 'dist/rtc-kit.js brotli (KB)', value: kb(kit.brotli), baseline: `floor ${kb(base.brotli)}`, ratio: round(kit.brotli / base.brotli), target: '', ok: null },
      { metric: 'dist/rtc-kit.iife.js gzip (KB)', value: kb(iife.gzip), baseline: `floor ${kb(baseIife.gzip)}`, ratio: round(iife.gzip / baseIife.gzip), target: `<= ${kb(iifeBudget)}`, ok: iife.gzip <= iifeBudget },
    ];
    return { bundles, ownGzipBytes: kit.gzip - base.gzip, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
