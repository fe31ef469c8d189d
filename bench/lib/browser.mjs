// What the browser benchmarks share (call-setup, group-setup, file-transfer): a loopback-only network namespace to run
// in (toolchain.md: WebRTC tests send traffic to loopback only), headless Chromium with the fake camera,
// and a bench page opened in a browser context of its own (its own renderer process: one person).
import { spawn } from 'node:child_process';
import { root } from './common.mjs';
import { inNamespace, namespaceProblem } from '../../scripts/namespace.mjs';
import { chromiumArgs as testChromiumArgs } from '../../scripts/chromium-args.mjs';

/** Runs `node script ...args` inside a new loopback-only namespace; resolves with the JSON of its last stdout line. */
export function runInNamespace(name, script, args) {
  const problem = namespaceProblem();
  if (problem) return Promise.reject(new Error(`${problem}. ${name} needs a loopback-only network namespace (see shared/reference/toolchain.md).`));
  return new Promise((resolve, reject) => {
    const [command, commandArgs] = inNamespace(process.execPath, [script, ...args.map(String)]);
    const child = spawn(command, commandArgs, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4096)));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`${name} failed (exit ${code}): ${stderr.trim() || stdout.trim()}`));
      resolve(JSON.parse(line));
    });
  });
}

/**
 * Headless Chromium with the fake camera, its timers and video kept at full rate in pages never focused,
 * and any `extraArgs`.
 */
export async function launchChromium(extraArgs = []) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...testChromiumArgs, '--disable-background-timer-throttling', '--disable-renderer-backgrounding', ...extraArgs],
  });
}

/** `url` in a browser context of its own, once the page says `window.benchReady`. */
export async function openPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForFunction(() => window.benchReady === true, null, { timeout: 15_000 }).catch(() => {
    throw new Error(`the bench page did not load: ${errors.join('; ') || 'no error reported'}`);
  });
  return page;
}
