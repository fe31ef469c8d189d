#!/usr/bin/env node
// `npm run test:frameworks`: rtc-kit as a user gets it, the packed tarball, in a fresh project and in one
// sample app per framework, each built with its own toolchain and placing a real call in Chromium.
//
//   node scripts/test-frameworks.mjs                  the package checks, then every sample
//   node scripts/test-frameworks.mjs react vue        the package checks, then only these samples
//   node scripts/test-frameworks.mjs --update-locks   refresh each sample's package-lock.json (npm install)
//
// It needs a build (`npm run build`; scripts/test.mjs runs it first). Then:
//   1. `npm pack` into frameworks/.pack/rtc-kit.tgz, which every sample depends on (`file:`).
//   2. The package: the tarball installed alone into an empty project type-checks a page that uses all
//      three elements and their events (tsc --strict), and `npx rtc-hub` runs from it in an empty folder.
//   3. Each sample in frameworks/<name>/, one at a time (the machine is small): `npm ci` (its own lock
//      file, so the main `npm ci` stays fast), `npm run typecheck` (strict), `npm run build`, then
//      scripts/frameworks/call-in-namespace.mjs in a loopback-only network namespace: two pages call each
//      other through the hub, with frames on both sides.
//   Before all of it, the demo's "call a person" page (demo/people.html) as `npm start` serves it:
//   scripts/frameworks/demo-in-namespace.mjs.
//
// Every step is one test. It prints each step's time, and ends with `N passed, N failed`; with
// RTC_TEST_RESULTS set it also writes {"passed":N,"failed":N} there (scripts/test.mjs reads it).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inNamespace, namespaceProblem } from './namespace.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const frameworksDir = join(root, 'frameworks');
const packDir = join(frameworksDir, '.pack');
const tarball = join(packDir, 'rtc-kit.tgz');

const argv = process.argv.slice(2);
const updateLocks = argv.includes('--update-locks');
const only = argv.filter((a) => !a.startsWith('-'));
const samples = readdirSync(frameworksDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(frameworksDir, d.name, 'package.json')))
  .map((d) => d.name)
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();
for (const name of only) {
  if (!samples.includes(name)) {
    console.error(`No sample frameworks/${name}. There are: ${readdirSync(frameworksDir).filter((n) => !n.startsWith('.')).join(', ')}`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------------------
// Helpers.

const results = []; // { name, ok, ms, note }
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs a command, its output kept (and shown only on failure). Resolves to {code, output, stdout}. */
function exec(command, args, { cwd = root, env, timeoutMs = 15 * 60_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    const keep = (chunk) => (output = (output + chunk).slice(-20_000));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      keep(chunk);
    });
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      output += `\n(killed: still running after ${seconds(timeoutMs)})`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 1, output: `could not run ${command}: ${error.message}` });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 1 : 0), output, stdout });
    });
  });
}

/** Runs one test step: `fn` resolves to a note or throws. Prints one line, records it. */
async function step(name, fn) {
  const start = Date.now();
  try {
    const note = (await fn()) ?? '';
    const ms = Date.now() - start;
    results.push({ name, ok: true, ms, note });
    console.log(`ok   ${name} (${seconds(ms)})${note ? `: ${note}` : ''}`);
    return true;
  } catch (error) {
    const ms = Date.now() - start;
    results.push({ name, ok: false, ms, note: error.message.split('\n')[0] });
    console.log(`FAIL ${name} (${seconds(ms)})\n${error.message.replace(/^/gm, '     ')}`);
    return false;
  }
}

/** A step that did not run because an earlier one failed: counted as failed, never skipped silently. */
function notRun(name, because) {
  results.push({ name, ok: false, ms: 0, note: `not run: ${because}` });
  console.log(`FAIL ${name}: not run, ${because}`);
}

/** Runs a command that must succeed; resolves to its stdout. */
async function mustRun(command, args, options) {
  const { code, output, stdout } = await exec(command, args, options);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.trim().split('\n').slice(-40).join('\n')}`);
  return stdout;
}

const npm = (args, options) => mustRun('npm', ['--no-audit', '--no-fund', '--loglevel=error', ...args], options);

// ---------------------------------------------------------------------------------------------------
// 1. The tarball.

async function pack() {
  if (!existsSync(join(root, 'dist/rtc-kit.js')) || !existsSync(join(root, 'server/dist/cli.js'))) {
    throw new Error('dist/ or server/dist/ is missing: run "npm run build" first.');
  }
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  const output = await npm(['pack', '--json', '--pack-destination', packDir]);
  const [{ filename, size, entryCount }] = JSON.parse(output);
  renameSync(join(packDir, filename), tarball);
  return `${entryCount} files, ${(size / 1024).toFixed(0)} KB`;
}

// ---------------------------------------------------------------------------------------------------
// 2. The package, alone in an empty project.

const packageCheckPage = join(root, 'scripts/frameworks/package-check');

async function packageTypes(dir) {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh', private: true, type: 'module' }, null, 2));
  await npm(['install', '--prefer-offline', tarball], { cwd: dir });
  cpSync(packageCheckPage, dir, { recursive: true });
  // The repository's own TypeScript, so that the project holds rtc-kit and nothing else.
  await mustRun(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: dir });
  const installed = readdirSync(join(dir, 'node_modules')).filter((n) => !n.startsWith('.'));
  return `tsc --strict clean; node_modules holds rtc-kit and its dependencies only (${installed.length} entries)`;
}

/**
 * npx keeps what it installs in <npm cache>/_npx/<sha512 of the package specs>, and may reuse it for the
 * same spec: the tarball's path is always the same, its contents are not. So that copy goes first.
 */
async function forgetNpxCopy() {
  const cache = (await mustRun('npm', ['config', 'get', 'cache'])).trim().split('\n').pop();
  const hash = createHash('sha512').update(tarball).digest('hex').slice(0, 16); // libnpmexec's naming
  rmSync(join(cache, '_npx', hash), { recursive: true, force: true });
}

/**
 * `sideEffects` in package.json, as bundlers read it (esbuild here, the bundler under Vite's dev server
 * and Angular's build; the samples cover Vite's, Angular's and Next's production builds): a module that
 * defines a tag is kept even when nothing of it is used, and one that only exports is dropped.
 */
async function packageSideEffects(dir) {
  const { build } = await import('esbuild');
  const bundle = async (code) => {
    const result = await build({
      stdin: { contents: code, resolveDir: dir, loader: 'js' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      logLevel: 'silent',
      // Peers stay outside, so the output is rtc-kit's own code only.
      external: ['lit', 'lit/*', '@lit/*', '@microsoft/signalr'],
    });
    return result.outputFiles[0].text;
  };
  const installed = join(dir, 'node_modules/rtc-kit');
  const manifest = JSON.parse(readFileSync(join(installed, 'custom-elements.json'), 'utf8'));
  const tags = manifest.modules.flatMap((mod) => (mod.declarations ?? []).filter((d) => d.customElement && d.tagName).map((d) => d.tagName));
  if (tags.length < 3) throw new Error(`custom-elements.json lists ${tags.length} elements`);

  // Every shipped file that defines a tag, wherever a build puts it (a lazily loaded chunk, a new
  // element), is one that sideEffects names. `*` stops at a slash, as in webpack's, Rollup's and esbuild's matchers.
  const patterns = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).sideEffects;
  const toRegExp = (pattern) =>
    new RegExp(`^${pattern.split('**/').map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('(?:.*/)?')}$`);
  const matchers = patterns.map(toRegExp);
  const defining = [];
  const walk = (folder) => {
    for (const entry of readdirSync(join(installed, folder), { withFileTypes: true })) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js') && /\.define\(\s*["'`]rtc-/.test(readFileSync(join(installed, path), 'utf8'))) defining.push(`./${path}`);
    }
  };
  walk('dist');
  const uncovered = defining.filter((path) => !matchers.some((m) => m.test(path)));
  if (uncovered.length) throw new Error(`these files define tags, but sideEffects does not name them: ${uncovered.join(', ')}`);

  const all = await bundle("import 'rtc-kit';");
  for (const tag of tags) if (!all.includes(`define("${tag}")`)) throw new Error(`import 'rtc-kit' lost <${tag}>'s definition`);
  for (const tag of tags) {
    const one = await bundle(`import 'rtc-kit/lib/components/${tag}/${tag}.js';`);
    if (!one.includes(`define("${tag}")`)) throw new Error(`import of ${tag}.js lost its definition`);
  }
  const unused = await bundle("import { RtcStateChangeEvent } from 'rtc-kit/lib/events/index.js';");
  if (unused.trim() !== '') throw new Error(`an unused import of the event classes left code behind:\n${unused.slice(0, 500)}`);
  const bundleModule = await bundle("import 'rtc-kit/rtc-kit.js';");
  if (!bundleModule.includes('rtc-call')) throw new Error("import 'rtc-kit/rtc-kit.js' was dropped");
  return `${defining.length} files that define tags all named; ${tags.length} tags kept by import, unused modules dropped (esbuild)`;
}

/** The module bundle loads its chunks by relative URL: each one it names must be in the package. */
async function packageChunks(dir) {
  const distDir = join(dir, 'node_modules/rtc-kit/dist');
  const modules = readdirSync(distDir).filter((name) => name.endsWith('.js') && !name.endsWith('.iife.js'));
  const missing = [];
  let named = 0;
  for (const name of modules) {
    const code = readFileSync(join(distDir, name), 'utf8');
    for (const [, spec] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.\/[^"']+)["']/g)) {
      named++;
      if (!existsSync(join(distDir, spec))) missing.push(`${name} -> ${spec}`);
    }
  }
  if (missing.length) throw new Error(`the package lacks chunks its bundle imports (was dist/ changed after the build?): ${missing.join(', ')}`);
  return `${modules.length} module files, ${named} relative imports, all present`;
}

/** `rtc-kit/server` is the hub, for Node only: a page's bundler cannot even resolve it. */
async function packageServerEntry(dir) {
  const output = await mustRun(process.execPath, ['--input-type=module', '-e', "const m = await import('rtc-kit/server'); console.log(typeof m.createHubServer);"], { cwd: dir });
  if (output.trim() !== 'function') throw new Error(`import('rtc-kit/server') in Node gave ${output.trim()}`);
  const { build } = await import('esbuild');
  const refused = await build({ stdin: { contents: "import 'rtc-kit/server';", resolveDir: dir }, bundle: true, write: false, platform: 'browser', logLevel: 'silent' }).then(
    () => false,
    (error) => /Could not resolve "rtc-kit\/server"/.test(error.message),
  );
  if (!refused) throw new Error('a browser bundle resolved rtc-kit/server');
  const page = await build({ stdin: { contents: "import 'rtc-kit';", resolveDir: dir }, bundle: true, write: false, platform: 'browser', logLevel: 'silent', metafile: true });
  const nodeCode = Object.keys(page.metafile.inputs).filter((input) => /server\/dist|node_modules\/(ws|ioredis|sirv)\//.test(input));
  if (nodeCode.length) throw new Error(`a page's bundle of rtc-kit holds Node code: ${nodeCode.join(', ')}`);
  return 'loads in Node; a browser bundle cannot resolve it, and a page bundle holds no hub code';
}

async function hubHelp(dir) {
  await forgetNpxCopy();
  const output = await mustRun('npx', ['--yes', `--package=${tarball}`, '--', 'rtc-hub', '--help'], { cwd: dir });
  if (!/^Usage: rtc-hub/m.test(output) || !/--port N/.test(output)) throw new Error(`unexpected help:\n${output}`);
  return 'prints the usage';
}

/**
 * `npx rtc-hub --port 0`, started in its own process group: npx does not pass SIGTERM on to the hub, so
 * the group (npx and the hub under it) is stopped by its id. The hub is gone when its stdout closes.
 */
async function hubStart(dir) {
  const child = spawn('npx', ['--yes', `--package=${tarball}`, '--', 'rtc-hub', '--port', '0'], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const closed = new Promise((resolve) => child.stdout.once('close', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  try {
    const url = await new Promise((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`no "rtc-hub listening on" line within 60 s. stderr: ${stderr}`)), 60_000);
      child.stdout.on('data', (chunk) => {
        text += chunk;
        const match = text.match(/^rtc-hub listening on (http:\/\/127\.0\.0\.1:\d+)\/?$/m);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`npx rtc-hub exited with ${code} before it listened. stderr: ${stderr}`)));
    });
    const response = await fetch(`${url}/healthz`);
    const body = await response.json();
    if (response.status !== 200 || body.status !== 'ok') throw new Error(`/healthz answered ${response.status} ${JSON.stringify(body)}`);
    return `${url}, /healthz ok`;
  } finally {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await closed;
  }
}

// ---------------------------------------------------------------------------------------------------
// 3. The samples.

/**
 * npm writes the tarball's hash into the lock file, and then installs whatever its cache holds under that
 * hash: an rtc-kit packed by an earlier run. Without the hash it reads the tarball that is there now.
 */
function dropTarballIntegrity(lockPath) {
  if (!existsSync(lockPath)) return;
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  const entry = lock.packages?.['node_modules/rtc-kit'];
  if (entry?.integrity) {
    delete entry.integrity;
    writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
  }
}

/**
 * The dependencies of the installed rtc-kit that the sample lacks. npm ci trusts the lock file's copy of
 * rtc-kit's dependency list, and a sample's lock does not change when rtc-kit gains a dependency (the
 * hub's `jose`, say). Node would then find it in the repository's own node_modules, above the sample,
 * and hide the gap; so this looks in the sample only.
 */
function missingDependencies(dir) {
  const installed = join(dir, 'node_modules/rtc-kit');
  const { dependencies = {} } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  return Object.keys(dependencies).filter(
    (dep) => !existsSync(join(dir, 'node_modules', dep, 'package.json')) && !existsSync(join(installed, 'node_modules', dep, 'package.json')),
  );
}

/** `npm install` of the tarball by its path, which makes npm read its dependencies afresh. */
async function installTarball(dir) {
  await npm(['install', '--prefer-offline', `file:${relative(dir, tarball)}`], { cwd: dir });
  dropTarballIntegrity(join(dir, 'package-lock.json'));
}

async function install(dir) {
  const lockPath = join(dir, 'package-lock.json');
  // The copy of rtc-kit is always the tarball just packed, never one from an earlier run.
  rmSync(join(dir, 'node_modules/rtc-kit'), { recursive: true, force: true });
  dropTarballIntegrity(lockPath);
  if (updateLocks || !existsSync(lockPath)) {
    await installTarball(dir);
    const missing = missingDependencies(dir);
    if (missing.length) throw new Error(`after npm install, rtc-kit's dependencies ${missing.join(', ')} are still missing`);
    return 'npm install (lock file written)';
  }
  const { code, output } = await exec('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], { cwd: dir });
  if (code !== 0) throw new Error(`npm ci exited with ${code}:\n${output.trim().split('\n').slice(-30).join('\n')}`);
  const missing = missingDependencies(dir);
  if (missing.length === 0) return 'npm ci';
  // Still test the sample, with rtc-kit's dependencies resolved afresh, and say what to do.
  await installTarball(dir);
  const still = missingDependencies(dir);
  if (still.length) throw new Error(`rtc-kit's dependencies ${still.join(', ')} are missing even after npm install`);
  return `the lock file lacks rtc-kit's dependencies ${missing.join(', ')}, so npm install ran after npm ci: run "npm run test:frameworks -- --update-locks" and commit the lock files`;
}

/** A script of scripts/frameworks/ that places a call, in a loopback-only network namespace (shared/reference/toolchain.md). */
async function inBrowser(scriptName, ...scriptArgs) {
  const script = join(root, 'scripts/frameworks', scriptName);
  const problem = namespaceProblem();
  const [command, args] = problem
    ? [process.execPath, [script, ...scriptArgs]]
    : inNamespace(process.execPath, [script, ...scriptArgs]);
  if (problem) console.log(`${problem}: running the call directly, NOT in a loopback-only network namespace.`);
  const { code, output } = await exec(command, args, { timeoutMs: 5 * 60_000 });
  const line = output.trim().split('\n').pop() ?? '';
  let result = null;
  try {
    result = JSON.parse(line);
  } catch {
    // reported below
  }
  if (code !== 0 || !result?.ok) throw new Error(result?.error ?? `exit ${code}:\n${output.trim().split('\n').slice(-30).join('\n')}`);
  return result.summary;
}

async function testSample(name) {
  const dir = join(frameworksDir, name);
  const scripts = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts ?? {};
  const steps = [
    [`${name}: install`, () => install(dir)],
    [`${name}: type-check (strict)`, () => npm(['run', 'typecheck'], { cwd: dir }).then(() => scripts.typecheck)],
    [`${name}: build`, () => npm(['run', 'build'], { cwd: dir }).then(() => scripts.build)],
    [`${name}: call with frames on both sides`, () => inBrowser('call-in-namespace.mjs', name)],
  ];
  let failed = null;
  for (const [title, fn] of steps) {
    if (failed) notRun(title, `${failed} failed`);
    else if (!(await step(title, fn))) failed = title;
  }
}

// ---------------------------------------------------------------------------------------------------

const started = Date.now();
// The demo as `npm start` serves it (the build, not the tarball): it needs no pack.
await step('demo: sign in on two tabs, ring, accept, names and frames both ways', () => inBrowser('demo-in-namespace.mjs'));
console.log(`=== rtc-kit as a package: ${samples.length ? samples.join(', ') : 'no samples'} ===`);
if (await step('npm pack', pack)) {
  const empty = mkdtempSync(join(tmpdir(), 'rtc-fresh-'));
  try {
    await step('package: a fresh project with only the tarball type-checks a page (tsc --strict)', () => packageTypes(join(empty)));
    await step('package: dist/rtc-kit.js finds every chunk it imports', () => packageChunks(empty));
    await step('package: sideEffects keeps every tag definition and drops unused modules', () => packageSideEffects(empty));
    await step('package: rtc-kit/server is the hub, for Node only', () => packageServerEntry(empty));
    const bare = mkdtempSync(join(tmpdir(), 'rtc-empty-'));
    try {
      await step('package: npx rtc-hub --help in an empty folder', () => hubHelp(bare));
      await step('package: npx rtc-hub --port 0 in an empty folder answers /healthz', () => hubStart(bare));
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
  for (const name of samples) await testSample(name);
} else {
  for (const name of samples) notRun(`${name}: every step`, 'npm pack failed');
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log('\n=== frameworks: time per step ===');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${seconds(r.ms).padStart(7)}  ${r.name}`);
console.log(`total ${seconds(Date.now() - started)}`);
if (process.env.RTC_TEST_RESULTS) writeFileSync(process.env.RTC_TEST_RESULTS, JSON.stringify({ passed, failed }));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
