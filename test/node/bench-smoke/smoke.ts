// Benchmarks are not tests: their figures depend on the machine and the moment. But a benchmark that
// nobody runs rots, so `npm test` runs each one once at a tiny size (`node bench/run.mjs --quick NAME`)
// and checks that it finishes and reports a number for every figure. docs/benchmarks.md has the figures.
// The benchmarks are split over three test files, so that each file stays well within node:test's
// per-file time limit (scripts/test.mjs) on a busy machine: all nine in one file took over 120 s there.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Row {
  metric: string;
  value: unknown;
}
interface Report {
  quick: boolean;
  results: Record<string, { rows: Row[] }>;
  errors: Record<string, string>;
}

let dir: string;

/** Runs one benchmark in quick mode; resolves with its report, or rejects with its output. */
function quickRun(name: string): Promise<Report> {
  const out = join(dir, `${name}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bench/run.mjs'), '--quick', '--out', out, name], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0 || !existsSync(out)) return reject(new Error(`bench ${name} --quick exited with ${code}:\n${output.slice(-4000)}`));
      resolve(JSON.parse(readFileSync(out, 'utf8')) as Report);
    });
  });
}

/** Runs each of `names` once at a tiny size, as the tests of one describe block. */
export function smokeTest(names: string[]): void {
  describe(`benchmarks, each once at a tiny size: ${names.join(', ')}`, () => {
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'rtc-bench-smoke-'));
      // The benchmarks measure what ships: the hub in server/dist and the bundles in dist/.
      for (const file of ['server/dist/cli.js', 'dist/rtc-kit.js', 'dist/rtc-kit.iife.js']) {
        assert.ok(existsSync(join(root, file)), `${file} is missing: run "npm run build" first`);
      }
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    for (const name of names) {
      // A benchmark that hangs fails here at node:test's time limit (scripts/test.mjs), not hang `npm test`.
      it(`${name} runs and reports every figure`, async () => {
        const report = await quickRun(name);
        assert.equal(report.quick, true);
        assert.deepEqual(report.errors, {});
        const rows = report.results[name]?.rows ?? [];
        assert.ok(rows.length > 0, `${name} reported no figures`);
        for (const row of rows) {
          assert.ok(typeof row.value === 'number' && Number.isFinite(row.value) && row.value >= 0, `${name}: ${row.metric} = ${String(row.value)}`);
        }
      });
    }
  });
}
