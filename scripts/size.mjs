#!/usr/bin/env node
// `npm run size`: the bytes of the browser bundles as shipped (minified), gzip -9 and brotli (quality 11).
// Exits 1 if either bundle is over the gzip budget, or if a bundle is missing (run `npm run build`).
// Only Node built-ins here.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The gzip budget for each browser bundle: 30 KB. Lit and @microsoft/signalr alone are about 20 KB. */
const GZIP_BUDGET = 30 * 1024;

const bundles = ['dist/rtc-kit.js', 'dist/rtc-kit.iife.js'];

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const cell = (bytes) => `${bytes} (${kb(bytes)})`.padStart(18);

let failed = false;
console.log(`${'file'.padEnd(22)}${'minified'.padStart(18)}${'gzip -9'.padStart(18)}${'brotli'.padStart(18)}`);
for (const file of bundles) {
  const path = join(root, file);
  if (!existsSync(path)) {
    console.log(`${file.padEnd(22)} missing: run "npm run build" first`);
    failed = true;
    continue;
  }
  const code = readFileSync(path);
  const gzip = gzipSync(code, { level: 9 }).length;
  const brotli = brotliCompressSync(code, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: code.length,
    },
  }).length;
  console.log(`${file.padEnd(22)}${cell(code.length)}${cell(gzip)}${cell(brotli)}`);
  if (gzip > GZIP_BUDGET) {
    console.log(`${file} is ${kb(gzip)} gzip (${gzip} B), over the ${kb(GZIP_BUDGET)} budget.`);
    failed = true;
  }
}
if (!failed) console.log(`Both bundles are within the ${kb(GZIP_BUDGET)} gzip budget.`);
process.exit(failed ? 1 : 0);
