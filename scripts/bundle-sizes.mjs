// The browser bundles' sizes and budgets, for `npm run size` (scripts/size.mjs) and bench/size.
// Only Node built-ins here.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * Gzip budgets (contract section 12): the module a page loads for a 1:1 call with the default page, and
 * the classic script, which holds everything, chunks included.
 */
export const BUDGETS = {
  'dist/rtc-kit.js': 30 * 1024, // 30,720 B: contract section 12
  'dist/rtc-kit.iife.js': 45 * 1024,
};

/** Chunks beside dist/rtc-kit.js, loaded on first use: rtc-kit-<name>-<hash>.js. */
export const CHUNK = /^rtc-kit-.+\.js$/;

/** Gzip -9 bytes of `code`, as Node's zlib makes them: the measure of the budgets. */
export function gzipBytes(code) {
  return gzipSync(code, { level: 9 }).length;
}

/** Minified bytes, gzip -9 and brotli (quality 11), as Node's zlib makes them. */
export function sizes(path) {
  const code = readFileSync(path);
  return {
    minified: code.length,
    gzip: gzipBytes(code),
    brotli: brotliCompressSync(code, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: code.length,
      },
    }).length,
  };
}
