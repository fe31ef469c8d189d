#!/usr/bin/env node
// `npm run bench`: every benchmark, a table, and bench/results/latest.json.
//
//   npm run bench                          all of them (about 10 minutes)
//   npm run bench -- hub-relay startup     only these
//   npm run bench -- hub-relay --redis     the scale-out variant of hub-relay (also called scale-out)
//   npm run bench -- --quick               each once at a tiny size, to check they still work
//                                          (test/node/bench-smoke/ does this); writes no results
//   --out FILE                             write the JSON here instead
//
// Each benchmark measures its baseline in the same run, because this machine is shared and noisy:
// the ratio to the baseline means more than any absolute figure. docs/benchmarks.md explains each one.
// It needs `npm run build` first (server/dist and dist/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { root } from './lib/common.mjs';

const benchmarks = {
  size: () => import('./size/index.mjs').then((m) => m.run),
  startup: () => import('./startup/index.mjs').then((m) => m.run),
  'hub-relay': () => import('./hub-relay/index.mjs').then((m) => m.run),
  'scale-out': () => import('./hub-relay/index.mjs').then((m) => m.runScaleOut),
  connections: () => import('./connections/index.mjs').then((m) => m.run),
  'call-setup': () => import('./call-setup/index.mjs').then((m) => m.run),
  'group-setup': () => import('./group-setup/index.mjs').then((m) => m.run),
  invitations: () => import('./invitations/index.mjs').then((m) => m.run),
  'file-transfer': () => import('./file-transfer/index.mjs').then((m) => m.run),
};

const argv = process.argv.slice(2);
let quick = false;
let redis = false;
let out = null;
const names = [];
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '--quick') quick = true;
  else if (arg === '--redis') redis = true;
  else if (arg === '--out') out = argv[++i];
  else if (arg === '-h' || arg === '--help') {
    console.log(`Usage: node bench/run.mjs [--quick] [--redis] [--out FILE] [${Object.keys(benchmarks).join(' | ')}]...`);
    process.exit(0);
  } else if (arg.startsWith('-')) {
    console.error(`Unknown option ${arg}. Try --help.`);
    process.exit(2);
  } else if (!(arg in benchmarks)) {
    console.error(`No benchmark called ${arg}. There are: ${Object.keys(benchmarks).join(', ')}.`);
    process.exit(2);
  } else names.push(arg);
}
// `hub-relay --redis` is the scale-out variant; `--redis` alone is too.
let selected = names.length ? names : Object.keys(benchmarks);
if (redis) selected = names.length ? selected.map((n) => (n === 'hub-relay' ? 'scale-out' : n)) : ['scale-out'];
selected = [...new Set(selected)];
if (!out && !quick) out = join(root, 'bench/results/latest.json');

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGB: Math.round(totalmem() / 2 ** 30),
  kernel: release(),
  node: process.version,
  loadAverageAtStart: loadavg().map((v) => Math.round(v * 100) / 100),
};

const results = {};
const errors = {};
const started = Date.now();
console.log(`rtc-kit benchmarks${quick ? ' (quick: tiny sizes, figures mean nothing)' : ''}: ${selected.join(', ')}`);
console.log(`machine: ${machine.cores} x ${machine.cpu}, ${machine.memoryGB} GB, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`);
for (const name of selected) {
  const t0 = Date.now();
  process.stdout.write(`\n--- ${name} ...\n`);
  try {
    const runBenchmark = await benchmarks[name]();
    results[name] = await runBenchmark({ quick, log: (line) => console.log(`    ${line}`) });
    console.log(`--- ${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (error) {
    errors[name] = error?.stack ?? String(error);
    console.log(`--- ${name}: FAILED: ${error?.message ?? error}`);
  }
}

// The table: one row per figure, with its baseline, the ratio and the target.
const header = ['benchmark', 'figure', 'rtc-kit', 'baseline', 'ratio', 'target', ''];
const table = [header];
for (const [name, result] of Object.entries(results)) {
  for (const row of result.rows ?? []) {
    table.push([
      name,
      row.metric,
      String(row.value),
      row.baseline ?? '',
      row.ratio == null ? '' : String(row.ratio),
      row.target ?? '',
      row.ok === true ? 'ok' : row.ok === false ? 'MISSED' : '',
    ]);
  }
}
for (const name of Object.keys(errors)) table.push([name, 'FAILED (see the error above)', '', '', '', '', '']);
const widths = header.map((_, c) => Math.max(...table.map((r) => r[c].length)));
console.log('');
for (const [i, row] of table.entries()) {
  console.log(row.map((cell, c) => (c >= 2 && c <= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}

const report = {
  date: new Date(started).toISOString(),
  command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  quick,
  seconds: Math.round((Date.now() - started) / 1000),
  machine,
  results,
  errors,
};
if (out) {
  const path = resolve(out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nwrote ${path}`);
}
process.exit(Object.keys(errors).length ? 1 : 0);
