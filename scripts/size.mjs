#!/usr/bin/env node
// `npm run size`: the bytes of the browser bundles as shipped (minified), gzip -9 and brotli (quality 11):
// the module a page loads (dist/rtc-kit.js), each chunk beside it that loads on first use, and the classic
// script (dist/rtc-kit.iife.js, everything in one file). Exits 1 if a budget is exceeded, or if a bundle
// is missing (run `npm run build`). Only Node built-ins here, except for `--by-source`: then it also
// prints, for both bundles, the bytes each source file puts in them (scripts/bundle-map.mjs).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUDGETS, CHUNK, sizes } from './bundle-sizes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const cell = (bytes) => `${bytes} (${kb(bytes)})`.padStart(18);

const missing = Object.keys(BUDGETS).filter((file) => !existsSync(join(root, file)));
if (missing.length) {
  for (const file of missing) console.log(`${file} is missing: run "npm run build" first`);
  process.exit(1);
}
const chunks = readdirSync(join(root, 'dist'))
  .filter((name) => CHUNK.test(name))
  .map((name) => `dist/${name}`)
  .sort();

const width = Math.max(...[...Object.keys(BUDGETS), ...chunks].map((f) => f.length)) + 2;
console.log(`${'file'.padEnd(width)}${'minified'.padStart(18)}${'gzip -9'.padStart(18)}${'brotli'.padStart(18)}`);
const row = (file, label = file) => {
  const s = sizes(join(root, file));
  console.log(`${label.padEnd(width)}${cell(s.minified)}${cell(s.gzip)}${cell(s.brotli)}`);
  return s;
};

let failed = false;
const initial = row('dist/rtc-kit.js');
let total = 0;
for (const chunk of chunks) total += row(chunk, `  ${chunk}`).gzip;
console.log(`${'  every chunk together'.padEnd(width)}${''.padStart(18)}${cell(total)}`);
const iife = row('dist/rtc-kit.iife.js');
for (const [file, gzip] of [['dist/rtc-kit.js', initial.gzip], ['dist/rtc-kit.iife.js', iife.gzip]]) {
  const budget = BUDGETS[file];
  if (gzip > budget) {
    console.log(`${file} is ${kb(gzip)} gzip (${gzip} B), over its ${kb(budget)} budget (${budget} B).`);
    failed = true;
  } else console.log(`${file}: ${gzip} B gzip, within its ${kb(budget)} budget (${budget} B; ${budget - gzip} B left).`);
}
if (process.argv.includes('--by-source')) {
  const { printBySource } = await import('./bundle-map.mjs');
  for (const file of ['dist/rtc-kit.js', 'dist/rtc-kit.iife.js']) {
    console.log('');
    printBySource(join(root, file));
  }
}
process.exit(failed ? 1 : 0);
