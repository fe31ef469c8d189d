#!/usr/bin/env node
// `node scripts/bundle-map.mjs [file] [--top N]`: where the bytes of a built bundle come from, per source
// file, read from the bundle's source map. For each source: its minified bytes, and what gzip -9 of the
// whole bundle would save without them (the bundle's gzip size minus the gzip size of the bundle with that
// source's bytes left out). The second figure is what a cut would really gain: text that repeats other
// text in the bundle compresses to little, so it costs little. File defaults to dist/rtc-kit.js; run
// `npm run build` first. Also `npm run size -- --by-source`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipBytes } from './bundle-sizes.mjs';
import { TraceMap, eachMapping } from '@jridgewell/trace-mapping';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The bundle's bytes by source file: `Map<source, number[]>` of byte offsets into the minified code.
 * A generated range belongs to the source of the mapping that starts it, up to the next mapping; bytes
 * of no source are `(no source)`: the bundler's glue.
 */
export function bytesBySource(file) {
  const code = readFileSync(file, 'utf8');
  const map = new TraceMap(readFileSync(`${file}.map`, 'utf8'));
  const lines = code.split('\n');
  const lineStart = [];
  let offset = 0;
  for (const line of lines) {
    lineStart.push(offset);
    offset += Buffer.byteLength(line) + 1;
  }
  // Mapping columns count UTF-16 units; turn each line into bytes once, by unit.
  const owner = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) owner[i] = new Array(lines[i].length).fill(null);
  const starts = [];
  eachMapping(map, (m) => starts.push(m));
  starts.sort((a, b) => a.generatedLine - b.generatedLine || a.generatedColumn - b.generatedColumn);
  for (let i = 0; i < starts.length; i++) {
    const m = starts[i];
    const next = starts[i + 1];
    const row = owner[m.generatedLine - 1];
    const end = next && next.generatedLine === m.generatedLine ? next.generatedColumn : row.length;
    row.fill(m.source ?? null, m.generatedColumn, end);
    // A token that spans lines (a template literal: html``, css``) has one mapping, at its start: the
    // lines after it belong to it up to their own first mapping.
    const last = next ? next.generatedLine - 1 : lines.length;
    for (let line = m.generatedLine; line < last; line++) {
      const firstMapped = line + 1 === next?.generatedLine ? next.generatedColumn : owner[line].length;
      owner[line].fill(m.source ?? null, 0, firstMapped);
    }
  }
  const bySource = new Map();
  for (let i = 0; i < lines.length; i++) {
    let byte = lineStart[i];
    for (let col = 0; col < lines[i].length; col++) {
      const unit = lines[i].charCodeAt(col);
      // A surrogate pair is one 4-byte character: count it on its first unit.
      const size = unit >= 0xdc00 && unit <= 0xdfff ? 0 : unit < 0x80 ? 1 : unit < 0x800 ? 2 : unit >= 0xd800 && unit <= 0xdbff ? 4 : 3;
      const source = owner[i][col] ?? '(no source)';
      if (!bySource.has(source)) bySource.set(source, []);
      const list = bySource.get(source);
      for (let b = 0; b < size; b++) list.push(byte + b);
      byte += size;
    }
  }
  return { code: Buffer.from(code), bySource };
}

/** A source path as people read it: `src/...`, or the package name and path inside node_modules. */
function label(source) {
  const path = source.startsWith('(') ? source : relative(root, join(root, 'dist', source));
  return path.replace(/^.*node_modules\//, '');
}

/** Rows per source, largest gzip saving first: `{ source, minified, gzipSaved }`. */
export function sourceRows(file) {
  const { code, bySource } = bytesBySource(file);
  const whole = gzipBytes(code);
  const rows = [];
  for (const [source, bytes] of bySource) {
    const drop = new Uint8Array(code.length);
    for (const b of bytes) drop[b] = 1;
    const rest = Buffer.alloc(code.length - bytes.length);
    let j = 0;
    for (let i = 0; i < code.length; i++) if (!drop[i]) rest[j++] = code[i];
    rows.push({ source: label(source), minified: bytes.length, gzipSaved: whole - gzipBytes(rest) });
  }
  return { whole, minified: code.length, rows: rows.sort((a, b) => b.gzipSaved - a.gzipSaved) };
}

/** Prints the table for one bundle; `top` limits the rows (0: all). */
export function printBySource(file, top = 0) {
  const { whole, minified, rows } = sourceRows(file);
  const group = (source) => {
    const m = source.match(/^(@[^/]+\/[^/]+|[^/@(][^/]*)\//);
    return source.startsWith('src/') ? source.split('/').slice(0, 3).join('/').replace(/\.ts$/, '') : m ? m[1] : source;
  };
  console.log(`${relative(root, file)}: ${minified} B minified, ${whole} B gzip -9`);
  console.log(`${'source'.padEnd(60)}${'minified'.padStart(10)}${'gzip saved'.padStart(12)}`);
  for (const row of top ? rows.slice(0, top) : rows) {
    console.log(`${row.source.padEnd(60)}${String(row.minified).padStart(10)}${String(row.gzipSaved).padStart(12)}`);
  }
  // Packages and folders, for the big picture.
  const groups = new Map();
  for (const row of rows) {
    const key = group(row.source);
    const g = groups.get(key) ?? { minified: 0, gzipSaved: 0 };
    g.minified += row.minified;
    g.gzipSaved += row.gzipSaved;
    groups.set(key, g);
  }
  console.log(`\nby package or folder (gzip saved is the sum of the rows, a lower bound of a cut of the whole group)`);
  for (const [key, g] of [...groups].sort((a, b) => b[1].gzipSaved - a[1].gzipSaved)) {
    console.log(`${key.padEnd(60)}${String(g.minified).padStart(10)}${String(g.gzipSaved).padStart(12)}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 0;
  const file = join(root, args[0] ?? 'dist/rtc-kit.js');
  if (!existsSync(file) || !existsSync(`${file}.map`)) {
    console.log(`${relative(root, file)} or its source map is missing: run "npm run build" first`);
    process.exit(1);
  }
  printBySource(file, top);
}
