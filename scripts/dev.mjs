// `npm run dev`: the hub on :5000 and the demo from the sources on :8000, stopped together.
import { spawn } from 'node:child_process';

const devPort = process.env.RTC_DEV_PORT ?? '8000';
const hubPort = process.env.RTC_DEV_HUB_PORT ?? '5000';
const children = [];

function run(command, args, env = {}) {
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  children.push(child);
  child.on('exit', (code) => stop(code ?? 1));
  return child;
}

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// The hub is built once; the demo and the kit reload from source on every change.
const build = spawn('npx', ['rollup', '-c', 'rollup.config.mjs', '--silent'], { stdio: 'inherit' });
build.on('exit', (code) => {
  if (code !== 0) process.exit(code ?? 1);
  run(process.execPath, ['server/dist/cli.js', '--port', hubPort, '--allowed-origin', `http://127.0.0.1:${devPort}`]);
  run(process.execPath, ['node_modules/@web/dev-server/dist/bin.js', '--config', 'web-dev-server.config.mjs'], {
    RTC_DEV_HUB_URL: `http://127.0.0.1:${hubPort}/messagehub`,
    RTC_DEV_PORT: devPort,
  });
});
