// The published hub: Dockerfile and compose.yaml (docs/deploy.md). Docker cannot run on the machines that
// run these tests, so this checks what it can without it:
//   - every setting compose gives the hub is one the hub's own `--help` documents (read from the hub
//     itself, so a new or renamed flag cannot leave this check behind);
//   - the ports, the Redis URL and the TURN URLs agree with the services they point at, and coturn shares
//     the hub's TURN secret;
//   - the hub really starts with compose's environment (the variables filled in, a real Redis, loopback),
//     answers /healthz, refuses /ice-servers without a token, and hands a signed-in user TURN credentials;
//   - the Dockerfile: Node 20 slim, a non-root user, a HEALTHCHECK on /healthz at the hub's port, the
//     package's own `rtc-hub` as the entry point, and nothing the build reads left out by .dockerignore.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { parse } from 'yaml';
import { startRedis, type RedisProcess } from '../../server/test/helpers/redis.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const hubSource = join(root, 'server/src/cli.ts');

/** The hub's `--help`, from its source, so no build is needed. */
function hubHelp(): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', hubSource, '--help'], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, `rtc-hub --help failed: ${result.stderr}`);
  return result.stdout;
}

const help = hubHelp();
const documentsEnv = (name: string) => /^[A-Z][A-Z0-9_]*$/.test(name) && new RegExp(`(^|\\s)${name}(\\s|$)`, 'm').test(help);
const documentsFlag = (flag: string) => new RegExp(`(^|[\\s,])${flag}(\\s|$)`, 'm').test(help);

/** compose's variable substitution: `${VAR}`, `${VAR:-default}`, `${VAR:?message}` and `$$`. */
function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\{(\w+)(?::([-?])([^}]*))?\}/g, (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (whole === '$$') return '$';
    const value = vars[name!];
    if (value !== undefined && value !== '') return value;
    if (op === '?') throw new Error(`${name} is required: ${arg}`);
    return op === '-' ? arg! : '';
  });
}

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  ports?: string[];
  command?: string[];
  network_mode?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
const composeText = readFileSync(join(root, 'compose.yaml'), 'utf8');
const compose = parse(composeText) as { services: Record<string, Service> };
const { hub, coturn, redis } = compose.services;

/** The values a deployment fills in (deploy.env.example lists them). */
const filledIn = {
  ALLOWED_ORIGINS: 'https://app.example.test',
  TURN_HOST: 'turn.example.test',
  TURN_SECRET: randomBytes(32).toString('hex'),
  AUTH_SECRET: randomBytes(32).toString('hex'),
};
const hubEnv = Object.fromEntries(Object.entries(hub?.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), filledIn)]));
const coturnArgs = (coturn?.command ?? []).map((arg) => interpolate(arg, filledIn));
const coturnFlag = (name: string) => coturnArgs.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

describe('compose.yaml', () => {
  it('has the hub, coturn and Redis', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['coturn', 'hub', 'redis']);
    assert.ok(hub.build, 'the hub is built from the Dockerfile beside it');
    assert.match(coturn.image ?? '', /^coturn\/coturn:/);
    assert.match(redis.image ?? '', /^redis:/);
  });

  it("gives the hub only settings that the hub's --help documents", () => {
    const keys = Object.keys(hub.environment ?? {});
    assert.ok(keys.length > 0);
    for (const key of keys) assert.ok(documentsEnv(key), `${key} is not an environment variable in rtc-hub --help`);
    for (const arg of hub.command ?? []) {
      if (arg.startsWith('--')) assert.ok(documentsFlag(arg.split('=')[0]), `${arg} is not a flag in rtc-hub --help`);
    }
  });

  it('never writes a secret into the file: the TURN and token secrets come from the environment, and are required', () => {
    for (const name of ['TURN_SECRET', 'AUTH_SECRET']) {
      assert.match(String(hub.environment?.[name]), new RegExp(`^\\$\\{${name}:\\?`));
      assert.throws(() => interpolate(String(hub.environment?.[name]), {}), new RegExp(`${name} is required`));
    }
  });

  it("publishes the hub's own port, on loopback only, for a TLS proxy in front", () => {
    assert.equal(hubEnv.HOST, '0.0.0.0', 'inside its container the hub listens on every interface');
    assert.deepEqual(hub.ports, [`127.0.0.1:${hubEnv.PORT}:${hubEnv.PORT}`]);
  });

  it('points the hub at the Redis service, on the port Redis listens on', () => {
    const url = new URL(hubEnv.REDIS_URL);
    assert.equal(url.protocol, 'redis:');
    assert.equal(url.hostname, 'redis');
    const redisPort = redis.command?.includes('--port') ? redis.command[redis.command.indexOf('--port') + 1] : '6379';
    assert.equal(url.port || '6379', redisPort);
    assert.equal(hub.depends_on?.redis?.condition, 'service_healthy');
    assert.ok(redis.healthcheck?.test.join(' ').includes('ping'));
  });

  it("hands out TURN URLs on coturn's port, and shares coturn's secret", () => {
    const urls = hubEnv.TURN_URLS.split(',');
    assert.ok(urls.length > 0);
    for (const url of urls) {
      const match = url.match(/^turns?:([^:?]+):(\d+)/);
      assert.ok(match, `${url} is a turn: URL with a port`);
      assert.equal(match[1], filledIn.TURN_HOST);
      assert.equal(match[2], coturnFlag('listening-port'));
    }
    assert.ok(coturnArgs.includes('--use-auth-secret'), 'coturn checks credentials by the TURN REST rule');
    assert.equal(coturnFlag('static-auth-secret'), hubEnv.TURN_SECRET);
    assert.equal(coturn.network_mode, 'host', 'relay ports are a range: coturn uses the host network');
  });

  it('keeps coturn from relaying into private networks or its own host', () => {
    assert.ok(!coturnArgs.some((arg) => arg.includes('allow-loopback-peers')));
    assert.ok(coturnArgs.includes('--no-loopback-peers'));
    const denied = coturnArgs.filter((arg) => arg.startsWith('--denied-peer-ip=')).map((arg) => arg.split('=')[1]);
    for (const range of ['10.0.0.0-10.255.255.255', '127.0.0.0-127.255.255.255', '169.254.0.0-169.254.255.255', '172.16.0.0-172.31.255.255', '192.168.0.0-192.168.255.255']) {
      assert.ok(denied.includes(range), `coturn denies ${range}`);
    }
    assert.ok(Number(coturnFlag('min-port')) < Number(coturnFlag('max-port')));
  });

  describe("the hub, started with compose's environment", () => {
    let redisServer: RedisProcess;
    let url = '';
    let stop = async () => {};

    before(async () => {
      redisServer = await startRedis();
      // What changes outside a container: loopback and a free port, and the real Redis for `redis`.
      const env = { ...hubEnv, HOST: '127.0.0.1', PORT: '0', REDIS_URL: hubEnv.REDIS_URL.replace('redis://redis:6379', redisServer.url) };
      assert.notEqual(env.REDIS_URL, hubEnv.REDIS_URL);
      const child = spawn(process.execPath, ['--import', 'tsx', hubSource], { cwd: root, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      stop = async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      };
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          const match = out.match(/^rtc-hub listening on (http:\/\/\S+?)\/?$/m);
          if (match) resolve(match[1]);
        });
        void exited.then((code) => reject(new Error(`the hub exited (${String(code)}) before it listened: ${stderr}`)));
      });
    });

    after(async () => {
      await stop();
      await redisServer?.dispose();
    });

    it('becomes healthy: /healthz answers 200 once its Redis link is up', async () => {
      // The hub listens before its Redis link is up, and /healthz says 503 until it is: wait for that
      // state, with a deadline only as a failure bound.
      const deadline = Date.now() + 15_000;
      let response = await fetch(`${url}/healthz`);
      while (response.status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        response = await fetch(`${url}/healthz`);
      }
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ok' });
    });

    it('refuses /ice-servers without an access token: signed-in users only', async () => {
      const response = await fetch(`${url}/ice-servers`, { headers: { Origin: filledIn.ALLOWED_ORIGINS } });
      assert.equal(response.status, 401);
    });

    it('hands out the TURN URLs with short-lived credentials, to a signed-in user from an allowed origin', async () => {
      // An HS256 token with the contract's claims (section 8), signed with compose's AUTH_SECRET.
      const token = await new SignJWT({ name: 'Ada', channels: ['*'] })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('user-1')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(hubEnv.AUTH_SECRET));
      const response = await fetch(`${url}/ice-servers`, { headers: { Origin: filledIn.ALLOWED_ORIGINS, Authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      const { iceServers } = (await response.json()) as { iceServers: RTCIceServer[] };
      const turn = iceServers.find((server) => [server.urls].flat().some((u) => u.startsWith('turn:')));
      assert.ok(turn, JSON.stringify(iceServers));
      assert.deepEqual([turn.urls].flat().sort(), hubEnv.TURN_URLS.split(',').sort());
      assert.match(String(turn.username), /^\d+:user-1$/, 'the TURN username names the user');
      assert.ok(turn.credential && turn.credential !== filledIn.TURN_SECRET);
    });
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const lines = dockerfile.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const finalStage = lines.slice(lines.map((line) => line.startsWith('FROM ')).lastIndexOf(true));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };

  it('builds on Node 20 slim in every stage', () => {
    const froms = lines.filter((line) => line.startsWith('FROM '));
    assert.ok(froms.length > 0);
    for (const from of froms) assert.match(from, /^FROM node:20-slim\b/);
  });

  it('runs as a user that is not root', () => {
    const users = finalStage.filter((line) => line.startsWith('USER '));
    assert.ok(users.length > 0, 'the final stage sets USER');
    assert.doesNotMatch(users[users.length - 1], /^USER (root|0)(:|$)/);
  });

  it("checks its health on /healthz at the hub's port", () => {
    const check = finalStage.find((line) => line.startsWith('HEALTHCHECK '));
    assert.ok(check);
    assert.match(check, /\/healthz/);
    assert.match(check, /process\.env\.PORT/);
    const port = finalStage.join(' ').match(/\bPORT=(\d+)/)?.[1];
    assert.equal(port, hubEnv.PORT, 'the image and compose agree on the port');
    assert.ok(finalStage.includes(`EXPOSE ${port}`));
  });

  it("runs the package's own rtc-hub", () => {
    const entry = finalStage.find((line) => line.startsWith('ENTRYPOINT ') || line.startsWith('CMD '));
    assert.ok(entry);
    assert.ok(entry.includes(`node_modules/rtc-kit/${pkg.bin['rtc-hub']}`), `${entry} runs ${pkg.bin['rtc-hub']}`);
  });

  it('leaves nothing the build reads out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    // Every file or folder that the build and manifest scripts name, plus the sources they compile.
    const named = `${pkg.scripts.build} ${pkg.scripts.manifest}`.split(/\s+/).filter((word) => /[./]/.test(word) && existsSync(join(root, word)));
    const needed = ['package.json', 'package-lock.json', 'src', 'server/src', ...named];
    assert.ok(named.length >= 4, `the build names its configs: ${named.join(', ')}`);
    for (const path of needed) {
      for (const pattern of ignored) {
        const literal = pattern.replace(/^\*\*\//, '');
        assert.ok(!(path === literal || path.startsWith(`${literal}/`)), `.dockerignore's "${pattern}" leaves out ${path}, which the build needs`);
      }
    }
  });
});
