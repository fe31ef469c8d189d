#!/usr/bin/env node
// `npm test`: every check, with one plain summary line at the end.
//
//   node scripts/test.mjs                    system packages, type check, build, Node tests, browser tests,
//                                            and the packed package with a sample app per framework
//   node scripts/test.mjs --node-only        Node tests only (server/test, test/node)
//   node scripts/test.mjs --browser-only     browser tests only (uses the hub already in server/dist)
//   node scripts/test.mjs [flags] -- FILTER  only test files whose path contains a FILTER
//
// Browser tests run inside a loopback-only network namespace (`unshare -n`), so the dev server, the hub
// and Chromium can only talk over 127.0.0.1. They include every Storybook story (test/stories.test.ts):
// each story is a test, which runs its `play` function, or, without one, checks that it renders
// (docs/storybook.md). The last line of output is `N passed, N failed`.
// Only Node built-ins here: this runs before anything is known to be installed correctly.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { inNamespace, namespaceProblem } from './namespace.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

// ---------------------------------------------------------------------------------------------------
// Arguments.

const argv = process.argv.slice(2);
const dashDash = argv.indexOf('--');
const flags = dashDash >= 0 ? argv.slice(0, dashDash) : argv;
const filters = (dashDash >= 0 ? argv.slice(dashDash + 1) : []).map((f) => f.replace(/\\/g, '/').replace(/^\.\//, ''));
const opts = { nodeOnly: false, browserOnly: false };
for (const flag of flags) {
  if (flag === '--node-only') opts.nodeOnly = true;
  else if (flag === '--browser-only') opts.browserOnly = true;
  else if (flag === '-h' || flag === '--help') {
    console.log(
      'Usage: node scripts/test.mjs [--node-only | --browser-only] [-- FILTER...]\n' +
        '  A FILTER keeps the test files whose path contains it, e.g. `-- server/test/protocol`.\n' +
        '  Without flags: system packages, type check, build, Node tests, browser tests and the framework samples\n' +
        '  (npm run test:frameworks).',
    );
    process.exit(0);
  } else if (!flag.startsWith('-')) filters.push(flag.replace(/\\/g, '/').replace(/^\.\//, ''));
  else {
    console.error(`Unknown option ${flag}. Try --help.`);
    process.exit(2);
  }
}
if (opts.nodeOnly && opts.browserOnly) {
  console.error('--node-only and --browser-only exclude each other.');
  process.exit(2);
}
const full = !opts.nodeOnly && !opts.browserOnly;

// ---------------------------------------------------------------------------------------------------
// Helpers.

const tmp = mkdtempSync(join(tmpdir(), 'rtc-test-'));
let current = null; // the child running now, so a signal can be passed on to it by its PID

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // Ctrl-C already reaches the child through the terminal's process group; pass on the others.
    if (signal !== 'SIGINT' && current && current.exitCode === null && current.signalCode === null) {
      try {
        process.kill(current.pid, signal);
      } catch {
        // already gone
      }
    }
    // Let the child shut down (wtr stops the hub and Chromium); exit when it has.
    const done = () => {
      rmSync(tmp, { recursive: true, force: true });
      process.exit(130);
    };
    if (current && current.exitCode === null) current.once('exit', done);
    else done();
  });
}

function heading(text) {
  console.log(`\n=== ${text} ===`);
}

/** Runs a command with inherited stdio. Resolves to its exit code (or 1 if killed / not started). */
function run(command, args, { env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    current = child;
    child.once('error', (error) => {
      console.error(`Could not run ${command}: ${error.message}`);
      current = null;
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      current = null;
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function which(name) {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']);
  for (const dir of dirs) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Test files under `dir` whose names end in .test.ts, as repo-relative paths with forward slashes. */
function findTests(dir, exclude = []) {
  const found = [];
  const walk = (abs) => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(abs, entry.name);
      const rel = relative(root, path).split(sep).join('/');
      if (entry.isDirectory()) {
        if (!exclude.some((ex) => rel === ex || rel.startsWith(`${ex}/`))) walk(path);
      } else if (entry.isFile() && entry.name.endsWith('.test.ts')) {
        found.push(rel);
      }
    }
  };
  walk(join(root, dir));
  return found.sort();
}

const keep = (files) => (filters.length ? files.filter((f) => filters.some((flt) => f.includes(flt))) : files);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (start) => `${((Date.now() - start) / 1000).toFixed(1)} s`;

const results = []; // { stage, passed, failed, note }
let totalPassed = 0;
let totalFailed = 0;

function record(stage, passed, failed, note) {
  results.push({ stage, passed, failed, note });
  totalPassed += passed;
  totalFailed += failed;
}

function finish() {
  console.log('\n=== summary ===');
  for (const { stage, note } of results) console.log(`${stage}: ${note}`);
  rmSync(tmp, { recursive: true, force: true });
  console.log(`${totalPassed} passed, ${totalFailed} failed`);
  process.exit(totalFailed > 0 ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------------
// 1. System packages: Chromium, coturn, Redis. Install them if we can, otherwise say what to install.

async function checkPackages() {
  const needs = [
    { pkg: 'chromium', found: () => isExecutable('/usr/bin/chromium') },
    { pkg: 'coturn', found: () => which('turnserver') !== null },
    { pkg: 'redis-server', found: () => which('redis-server') !== null },
  ];
  let missing = needs.filter((n) => !n.found()).map((n) => n.pkg);
  if (missing.length === 0) {
    record('system packages', 0, 0, 'ok (chromium, coturn, redis-server)');
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const aptGet = which('apt-get');
  if (isRoot && aptGet) {
    heading(`installing Debian packages: ${missing.join(' ')}`);
    let code = await run(aptGet, ['update']);
    if (code === 0) {
      code = await run(aptGet, ['install', '-y', ...missing], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
    }
    missing = needs.filter((n) => !n.found()).map((n) => n.pkg);
    if (missing.length === 0) {
      record('system packages', 0, 0, 'installed with apt-get; ok (chromium, coturn, redis-server)');
      return;
    }
    console.error(`apt-get did not install everything (exit code ${code}).`);
  }
  console.log(`Missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  rmSync(tmp, { recursive: true, force: true });
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------------
// 2, 3. Type check and build.

async function npmStage(stage, script) {
  heading(`${stage}: npm run ${script}`);
  const start = Date.now();
  const code = await run('npm', ['run', script]);
  const ok = code === 0;
  record(stage, 0, ok ? 0 : 1, ok ? `ok (${seconds(start)})` : `FAILED (npm run ${script} exited with ${code})`);
  return ok;
}

// ---------------------------------------------------------------------------------------------------
// 4. Node tests, with node:test. Counts come from the TAP reporter's final `# pass` / `# fail` lines.

async function nodeTests() {
  const files = keep([...findTests('server/test'), ...findTests('test/node')]);
  heading(`node tests: ${plural(files.length, 'file')}`);
  if (files.length === 0) {
    record('node tests', 0, 0, filters.length ? 'no test file matches the filters' : 'no test files');
    return;
  }
  const start = Date.now();
  const tap = join(tmp, 'node.tap');
  const code = await run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    // A bound for a test or file that hangs, not a measure: on a busy CI machine (two busy loops beside
    // it) files that start benchmarks or hub processes take several times their idle time.
    '--test-timeout=300000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  let passed = 0;
  let failed = 0;
  let note = '';
  if (existsSync(tap)) {
    const text = readFileSync(tap, 'utf8');
    const last = (key) => {
      const all = [...text.matchAll(new RegExp(`^# ${key} (\\d+)$`, 'gm'))];
      return all.length ? Number(all[all.length - 1][1]) : null;
    };
    passed = last('pass') ?? 0;
    failed = (last('fail') ?? 0) + (last('cancelled') ?? 0);
    if (last('pass') === null) note = '; no TAP summary';
  } else {
    note = '; no TAP output';
  }
  if (code !== 0 && failed === 0) {
    failed = 1;
    note += `; node --test exited with ${code}`;
  }
  record('node tests', passed, failed, `${passed} passed, ${failed} failed in ${plural(files.length, 'file')} (${seconds(start)})${note}`);
}

// ---------------------------------------------------------------------------------------------------
// 5. Browser tests: @web/test-runner in headless Chromium, inside a loopback-only network namespace.

async function browserTests() {
  const files = keep([...findTests('test', ['test/node']), ...findTests('src')]);
  heading(`browser tests: ${plural(files.length, 'file')}`);
  if (files.length === 0) {
    record('browser tests', 0, 0, filters.length ? 'no test file matches the filters' : 'no test files');
    return;
  }
  if (!existsSync(join(root, 'server/dist/cli.js')) && process.env.RTC_HUB_FROM_SOURCE !== '1') {
    console.log('Note: server/dist/cli.js does not exist; tests that need the hub will fail. Run "npm run build".');
  }
  const start = Date.now();
  const require = createRequire(import.meta.url);
  // The package's exports hide package.json: find it from the main entry.
  let wtrDir = dirname(require.resolve('@web/test-runner'));
  while (!existsSync(join(wtrDir, 'package.json'))) wtrDir = dirname(wtrDir);
  const wtrBin = join(wtrDir, JSON.parse(readFileSync(join(wtrDir, 'package.json'), 'utf8')).bin.wtr);
  const wtr = [process.execPath, wtrBin, '--config', 'web-test-runner.config.mjs', ...files];
  const resultsFile = join(tmp, 'browser.json');
  const env = { RTC_TEST_RESULTS: resultsFile };

  const problem = namespaceProblem();
  let where;
  let code;
  if (problem) {
    where = 'directly, NOT in a loopback-only namespace';
    console.log(`${problem}: running the browser tests directly, not inside a loopback-only network namespace.`);
    code = await run(wtr[0], wtr.slice(1), { env });
  } else {
    where = 'in a loopback-only network namespace';
    console.log('Running @web/test-runner inside a loopback-only network namespace (unshare -n).');
    const [command, args] = inNamespace(wtr[0], wtr.slice(1));
    code = await run(command, args, { env });
  }

  let passed = 0;
  let failed = 0;
  let note = '';
  try {
    const counts = JSON.parse(readFileSync(resultsFile, 'utf8'));
    passed = counts.passed;
    failed = counts.failed;
  } catch {
    note = '; no results from the wtr reporter';
  }
  if (code !== 0 && failed === 0) {
    failed = 1;
    note += `; wtr exited with ${code}`;
  }
  record('browser tests', passed, failed, `${passed} passed, ${failed} failed in ${plural(files.length, 'file')}, ${where} (${seconds(start)})${note}`);
}

// ---------------------------------------------------------------------------------------------------
// 6. rtc-kit as a package: the packed tarball in a fresh project, and one sample app per framework,
//    each built with its own toolchain and placing a call (scripts/test-frameworks.mjs). Full runs only:
//    it needs the build, and takes a few minutes.

async function frameworkTests() {
  heading('frameworks: npm run test:frameworks');
  const start = Date.now();
  const resultsFile = join(tmp, 'frameworks.json');
  const code = await run(process.execPath, [join(root, 'scripts/test-frameworks.mjs')], { env: { RTC_TEST_RESULTS: resultsFile } });
  let passed = 0;
  let failed = 0;
  let note = '';
  try {
    ({ passed, failed } = JSON.parse(readFileSync(resultsFile, 'utf8')));
  } catch {
    note = '; no results from scripts/test-frameworks.mjs';
  }
  if (code !== 0 && failed === 0) {
    failed = 1;
    note += `; it exited with ${code}`;
  }
  record('frameworks', passed, failed, `${passed} passed, ${failed} failed (${seconds(start)})${note}`);
}

// ---------------------------------------------------------------------------------------------------

if (filters.length) {
  const all = [...findTests('server/test'), ...findTests('test'), ...findTests('src')];
  if (keep(all).length === 0) {
    console.error(`No test file matches ${filters.join(', ')}.`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

await checkPackages();
if (full) {
  await npmStage('type check', 'typecheck');
  if (!(await npmStage('build', 'build'))) {
    record('node tests', 0, 0, 'not run: the build failed');
    record('browser tests', 0, 0, 'not run: the build failed');
    finish();
  }
}
if (!opts.browserOnly) await nodeTests();
if (!opts.nodeOnly) await browserTests();
if (full && !filters.length) await frameworkTests();
finish();
