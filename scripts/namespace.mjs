// A loopback-only network namespace (`unshare -n`, then `ip link set lo up`), where the browser tests,
// the framework samples' calls and the browser benchmarks run: nothing in it reaches past 127.0.0.1, and
// no port in it clashes with anything outside (shared/reference/toolchain.md). Only Node built-ins here.
import { spawnSync } from 'node:child_process';

/** Why a loopback-only network namespace cannot be made here, or null. */
export function namespaceProblem() {
  if (process.platform !== 'linux') return `${process.platform} is not Linux`;
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
  if (probe.error) return `unshare could not run: ${probe.error.message}`;
  if (probe.status !== 0) return `unshare -n is not permitted here: ${probe.stderr.trim()}`;
  return null;
}

/** `[command, args]` that run `command ...args` inside a new loopback-only namespace. */
export function inNamespace(command, args) {
  return ['unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', command, ...args]];
}
