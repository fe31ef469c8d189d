// Generator processes: Node scripts started with an IPC channel and driven by request/reply messages.
// Each runs in its own process (never in the process of a server under test), with the open-file
// limit raised, and is stopped by its PID.
import { spawn } from 'node:child_process';
import { withFileLimit } from './common.mjs';

/** Starts `count` copies of `script`. Resolves once every one is running. */
export function startWorkers(script, count) {
  return Promise.all(
    Array.from({ length: count }, () => {
      const [command, args] = withFileLimit(process.execPath, [script]);
      const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      return new Promise((resolve, reject) => {
        child.once('spawn', () => resolve(child));
        child.once('error', reject);
      });
    }),
  );
}

/** Sends one command and resolves with its reply; rejects on an error reply or if the worker dies. */
export function request(child, message) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`worker ${child.pid} exited (${code}) during ${message.cmd}`));
    child.once('exit', onExit);
    child.once('message', (reply) => {
      child.off('exit', onExit);
      if (reply.ok) resolve(reply);
      else reject(new Error(`worker ${child.pid}: ${reply.error}`));
    });
    child.send(message);
  });
}

/** Asks each worker to exit, and kills (by PID) any that has not after 3 s. */
export async function stopWorkers(workers) {
  await Promise.allSettled(
    workers.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      request(child, { cmd: 'exit' }).catch(() => {});
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}
