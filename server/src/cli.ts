import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHubServer, type HubServer } from './http/hub-server.js';
import { consoleLogger } from './logger.js';

const HELP = `Usage: rtc-hub [options]

The rtc-kit signaling hub: a SignalR endpoint at /messagehub, wire-compatible with ASP.NET Core.

Options (each has an environment variable):
  --port N                TCP port; 0 picks a free one                   PORT (default 5000)
  --host ADDR             address to bind; 0.0.0.0 only when you mean it  HOST (default 127.0.0.1)
  --static DIR            serve DIR at /, and the built dist/ at /dist/   STATIC_DIR
  --allowed-origin O      a browser origin allowed to use the hub;        ALLOWED_ORIGINS (comma list)
                          repeat for more (default: the server's own)
  --turn-url U            a TURN URL for /ice-servers, e.g.               TURN_URLS (comma list)
                          turn:turn.example.com:3478?transport=udp; repeat for more
  --turn-secret S         coturn's static-auth-secret, to mint            TURN_SECRET
                          short-lived TURN credentials (prefer the env var: flags show in ps)
  --turn-ttl SECONDS      lifetime of minted credentials                  TURN_TTL (default 3600)
  --stun-url U            a STUN URL for /ice-servers; repeat for more    STUN_URLS (comma list)
  --redis URL             share channels with other hub servers through   REDIS_URL
                          this Redis, e.g. redis://127.0.0.1:6379 (docs/scaling.md)
  --redis-heartbeat MS    with --redis: how often this server tells the   REDIS_HEARTBEAT (default 5000)
                          others it is alive; one silent for 3 heartbeats is taken for dead,
                          and its connections' peers get Leave
  --stateful-reconnect on|off
                          let clients that ask (withStatefulReconnect)    STATEFUL_RECONNECT (default on)
                          resume a dropped WebSocket without losing a message
  --stateful-reconnect-buffer BYTES
                          unacknowledged bytes kept per connection for a  STATEFUL_RECONNECT_BUFFER
                          resume; beyond it, sends wait for the client    (default 100000)

Signed-in users (docs/security.md). With any of the first two, or --dev-tokens, every connection and
/ice-servers need a valid access token (a JWT: sub and exp required; name and channels optional):
  --auth-secret S         verify HS256 tokens with this shared secret     AUTH_SECRET
                          (prefer the env var: flags show in ps)
  --auth-public-key FILE  verify RS256, ES256 or EdDSA tokens with this   AUTH_PUBLIC_KEY
                          PEM public key file
  --auth-issuer I         the "iss" every token must have                 AUTH_ISSUER
  --auth-audience A       the "aud" every token must have                 AUTH_AUDIENCE
  --dev-tokens            serve GET /dev/token?user=NAME[&channels=a,b]:  DEV_TOKENS=1
                          a 1-hour token for anyone who asks; loopback hosts only, never in production

Limits (docs/security.md):
  --max-channel-members N a Join past it gets "Channel '<name>' is full."   MAX_CHANNEL_MEMBERS (default 6)
  --max-channels-per-connection N
                          channels one connection may be in at once       MAX_CHANNELS_PER_CONNECTION
                                                                          (default 4)
  --max-invocations-per-second N
                          per connection, with bursts of 2 x N; past it   MAX_INVOCATIONS_PER_SECOND
                          "Rate limit exceeded.", and a connection that   (default 50; 0: no limit)
                          stays past it for 10 s is closed
  --invite-timeout SECONDS
                          how long an invitation rings (docs/invitations.md)  INVITE_TIMEOUT (default 30)

  -h, --help              show this help

It prints "rtc-hub listening on http://HOST:PORT" first, and stops cleanly on SIGINT and SIGTERM.
`;

/** How long shutdown may take before the process exits anyway. */
const EXIT_DEADLINE_MS = 2_000;

function fail(message: string): never {
  console.error(`rtc-hub: ${message}`);
  console.error('Run "rtc-hub --help" for the options.');
  process.exit(2);
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (error) {
    fail((error as Error).message);
  }
  if (args.help) {
    process.stdout.write(HELP);
    return;
  }
  // An empty variable counts as unset, as in most shells' habits (`PORT= rtc-hub`).
  const env = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== '')) as NodeJS.ProcessEnv;
  const portText = args.port ?? env.PORT ?? '5000';
  if (!/^\d+$/.test(portText)) fail(`--port must be a number from 0 to 65535, not "${portText}".`);
  const staticDir = args.static ?? env.STATIC_DIR;
  if (staticDir && !existsSync(staticDir)) fail(`--static: the folder "${staticDir}" does not exist.`);
  // The package's own dist/ sits beside server/dist/, where this file is built.
  const distDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');
  const allowedOrigins = args['allowed-origin']?.length ? args['allowed-origin'] : list(env.ALLOWED_ORIGINS);
  const turnTtlText = args['turn-ttl'] ?? env.TURN_TTL ?? '3600';
  if (!/^\d+$/.test(turnTtlText) || Number(turnTtlText) <= 0) fail(`--turn-ttl must be a positive number of seconds, not "${turnTtlText}".`);
  const heartbeatText = args['redis-heartbeat'] ?? env.REDIS_HEARTBEAT ?? '5000';
  if (!/^\d+$/.test(heartbeatText) || Number(heartbeatText) <= 0) {
    fail(`--redis-heartbeat must be a positive number of milliseconds, not "${heartbeatText}".`);
  }
  const statefulText = (args['stateful-reconnect'] ?? env.STATEFUL_RECONNECT ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false'].includes(statefulText)) fail(`--stateful-reconnect must be on or off, not "${statefulText}".`);
  const bufferText = args['stateful-reconnect-buffer'] ?? env.STATEFUL_RECONNECT_BUFFER ?? '100000';
  if (!/^\d+$/.test(bufferText) || Number(bufferText) <= 0) {
    fail(`--stateful-reconnect-buffer must be a positive number of bytes, not "${bufferText}".`);
  }
  const keyFile = args['auth-public-key'] ?? env.AUTH_PUBLIC_KEY;
  let publicKey: string | null = null;
  if (keyFile) {
    try {
      publicKey = readFileSync(keyFile, 'utf8');
    } catch {
      fail(`--auth-public-key: cannot read the file "${keyFile}".`);
    }
  }
  const devTokensText = (env.DEV_TOKENS ?? '0').toLowerCase();
  if (!['0', '1', 'true', 'false', 'on', 'off'].includes(devTokensText)) fail(`DEV_TOKENS must be 1 or 0, not "${env.DEV_TOKENS}".`);
  const devTokens = args['dev-tokens'] === true || ['1', 'true', 'on'].includes(devTokensText);
  const count = (flag: string, text: string, zero: boolean): number => {
    if (!/^\d+$/.test(text) || (!zero && Number(text) === 0)) {
      fail(`--${flag} must be a ${zero ? 'whole number, 0 or more' : 'positive whole number'}, not "${text}".`);
    }
    return Number(text);
  };
  const maxChannelMembers = count('max-channel-members', args['max-channel-members'] ?? env.MAX_CHANNEL_MEMBERS ?? '6', false);
  const maxChannelsPerConnection = count(
    'max-channels-per-connection',
    args['max-channels-per-connection'] ?? env.MAX_CHANNELS_PER_CONNECTION ?? '4',
    false,
  );
  const inviteTimeout = count('invite-timeout', args['invite-timeout'] ?? env.INVITE_TIMEOUT ?? '30', false);
  const maxInvocationsPerSecond = count(
    'max-invocations-per-second',
    args['max-invocations-per-second'] ?? env.MAX_INVOCATIONS_PER_SECOND ?? '50',
    true,
  );

  let server: HubServer;
  try {
    server = await createHubServer({
      port: Number(portText),
      host: args.host ?? env.HOST ?? '127.0.0.1',
      staticDir: staticDir ? resolve(staticDir) : null,
      distDir: staticDir && existsSync(distDir) ? distDir : null,
      allowedOrigins,
      turnUrls: args['turn-url']?.length ? args['turn-url'] : list(env.TURN_URLS),
      turnSecret: args['turn-secret'] ?? env.TURN_SECRET ?? null,
      turnTtl: Number(turnTtlText),
      stunUrls: args['stun-url']?.length ? args['stun-url'] : list(env.STUN_URLS),
      redis: args.redis ?? env.REDIS_URL ?? null,
      redisHeartbeatInterval: Number(heartbeatText),
      allowStatefulReconnects: statefulText === 'on' || statefulText === 'true',
      statefulReconnectBufferSize: Number(bufferText),
      authSecret: args['auth-secret'] ?? env.AUTH_SECRET ?? null,
      authPublicKey: publicKey,
      authIssuer: args['auth-issuer'] ?? env.AUTH_ISSUER ?? null,
      authAudience: args['auth-audience'] ?? env.AUTH_AUDIENCE ?? null,
      devTokens,
      maxChannelMembers,
      maxChannelsPerConnection,
      maxInvocationsPerSecond,
      inviteTimeout: inviteTimeout * 1000,
      logger: consoleLogger(),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') fail(`port ${portText} is already in use.`);
    if (e.code === 'EADDRNOTAVAIL') fail(`cannot bind to ${args.host ?? env.HOST}: no such local address.`);
    fail(e instanceof TypeError ? e.message : `could not start: ${e.message}`);
  }
  process.stdout.write(`rtc-hub listening on ${server.url}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`rtc-hub: ${signal} received, closing connections.`);
    setTimeout(() => process.exit(0), EXIT_DEADLINE_MS - 200).unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function parse() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      static: { type: 'string' },
      'allowed-origin': { type: 'string', multiple: true },
      'turn-url': { type: 'string', multiple: true },
      'turn-secret': { type: 'string' },
      'turn-ttl': { type: 'string' },
      'stun-url': { type: 'string', multiple: true },
      redis: { type: 'string' },
      'redis-heartbeat': { type: 'string' },
      'stateful-reconnect': { type: 'string' },
      'stateful-reconnect-buffer': { type: 'string' },
      'auth-secret': { type: 'string' },
      'auth-public-key': { type: 'string' },
      'auth-issuer': { type: 'string' },
      'auth-audience': { type: 'string' },
      'dev-tokens': { type: 'boolean' },
      'max-channel-members': { type: 'string' },
      'max-channels-per-connection': { type: 'string' },
      'max-invocations-per-second': { type: 'string' },
      'invite-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}

await main();
