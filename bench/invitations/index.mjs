// bench/invitations: how long an invitation takes to ring, beside a plain hub round trip.
//
// Two signed-in users on raw SignalR JSON WebSockets (bench/lib/wire.mjs's protocol), both in this process, so
// that one clock times both ends. Samples alternate:
//   - round trip: the caller invokes Leave('none') and waits for its Completion: client -> hub -> client;
//   - invite -> Invitation: the caller sends Invite, and the clock stops when the callee's connection gets
//     Invitation. The caller then cancels it, and the next sample waits for the callee's InvitationClosed.
// On one hub (invitations in memory), and on two hubs sharing one Redis with the caller on one and the callee on
// the other (invitations in Redis, the Invitation through the backplane). Target (issue 15): the median of
// invite -> Invitation at most the median round trip + 5 ms.
//
// The hubs run from server/dist, each in its own process, with a rate limit never reached: a benchmark
// invokes faster than a person does.
import WebSocket from 'ws';
import { median, quantile, round, startHub } from '../lib/common.mjs';
import { BENCH_AUTH_SECRET, mintTokens } from '../lib/tokens.mjs';
import { startRedis } from '../hub-relay/index.mjs';

const RS = '\x1e';
const FULL = { samples: 300, warmup: 30 };
const QUICK = { samples: 10, warmup: 2 };
const TARGET_EXTRA_MS = 5;
const FLAGS = ['--max-invocations-per-second', '1000000'];

/** A signed-in SignalR JSON connection: invoke() with Completions, and waiting for events by name. */
async function open(url, token) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/messagehub?access_token=${encodeURIComponent(token)}`, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const pending = new Map();
  /** Events by name, as [arguments, when], and how many of each were taken. */
  const events = new Map();
  const taken = new Map();
  let wake = () => {};
  let handshake;
  const handshaken = new Promise((resolve) => (handshake = resolve));
  let nextId = 0;
  ws.on('message', (data) => {
    const at = performance.now();
    for (const text of data.toString('utf8').split(RS)) {
      if (!text) continue;
      if (text === '{}') {
        handshake();
        continue;
      }
      const message = JSON.parse(text);
      if (message.type === 3) pending.get(message.invocationId)?.(message, at);
      else if (message.type === 1) {
        if (!events.has(message.target)) events.set(message.target, []);
        events.get(message.target).push([message.arguments, at]);
        wake();
      }
      else if (message.type === 7) for (const fail of pending.values()) fail({ error: `closed: ${text}` }, at);
    }
  });
  ws.send(`{"protocol":"json","version":1}${RS}`);
  await handshaken;
  return {
    /** Sends an invocation; resolves with [result, when its Completion arrived]. */
    invoke(target, args) {
      const id = String(nextId++);
      return new Promise((resolve, reject) => {
        pending.set(id, (message, at) => {
          pending.delete(id);
          if (message.error) reject(new Error(message.error));
          else resolve([message.result, at]);
        });
        ws.send(`${JSON.stringify({ type: 1, invocationId: id, target, arguments: args })}${RS}`);
      });
    },
    /** Whether an event `target` arrived that was not taken yet. */
    has(target) {
      return (events.get(target)?.length ?? 0) > (taken.get(target) ?? 0);
    },
    /** Resolves with [arguments, when it arrived] for the next event `target` not taken yet. */
    async next(target) {
      while (!this.has(target)) await new Promise((resolve) => (wake = resolve));
      const index = taken.get(target) ?? 0;
      taken.set(target, index + 1);
      return events.get(target)[index];
    },
    close: () => ws.terminate(),
  };
}

async function measure(callerUrl, calleeUrl, config) {
  const [callerToken, calleeToken] = await mintTokens(BENCH_AUTH_SECRET, 2, `invite-${process.pid}`);
  const callee = await open(calleeUrl, calleeToken);
  const caller = await open(callerUrl, callerToken);
  const calleeId = JSON.parse(Buffer.from(calleeToken.split('.')[1], 'base64url').toString()).sub;
  const roundTrips = [];
  const invites = [];
  try {
    // The callee's server listens for its user a moment after the handshake: until then, an invitation finds
    // nobody (unavailable). Wait until one rings.
    for (const deadline = performance.now() + 10_000; ; ) {
      const [id] = await caller.invoke('Invite', [calleeId, 'bench-ready', '{}']);
      while (!callee.has('Invitation') && !caller.has('InvitationAnswered')) await new Promise((resolve) => setTimeout(resolve, 5));
      if (callee.has('Invitation')) {
        await callee.next('Invitation');
        await caller.invoke('CancelInvitation', [id]);
        await callee.next('InvitationClosed');
        break;
      }
      await caller.next('InvitationAnswered');
      if (performance.now() > deadline) throw new Error('the callee could not be reached');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (let i = 0; i < config.warmup + config.samples; i++) {
      let start = performance.now();
      const [, answered] = await caller.invoke('Leave', ['none']);
      const roundTrip = answered - start;

      const ringing = callee.next('Invitation');
      start = performance.now();
      const sent = caller.invoke('Invite', [calleeId, `bench-call-${i}`, '{}']);
      const [[invitationId], rang] = await ringing;
      const delivery = rang - start;
      const [id] = await sent;
      if (id !== invitationId) throw new Error('the Invitation named another invitation');
      const closed = callee.next('InvitationClosed');
      await caller.invoke('CancelInvitation', [id]);
      await closed;
      if (i >= config.warmup) {
        roundTrips.push(roundTrip);
        invites.push(delivery);
      }
    }
  } finally {
    caller.close();
    callee.close();
  }
  return {
    roundTripMedian: round(median(roundTrips)),
    roundTripP99: round(quantile(roundTrips, 0.99)),
    inviteMedian: round(median(invites)),
    inviteP99: round(quantile(invites, 0.99)),
    samples: invites.length,
  };
}

export async function run({ quick = false, log = () => {} } = {}) {
  const config = quick ? QUICK : FULL;
  const env = { AUTH_SECRET: BENCH_AUTH_SECRET };
  const results = {};
  const single = await startHub(FLAGS, { env });
  try {
    results.oneHub = await measure(single.url, single.url, config);
    log(`one hub: ${JSON.stringify(results.oneHub)}`);
  } finally {
    await single.stop();
  }
  const redis = await startRedis();
  const hubs = [];
  try {
    hubs.push(await startHub([...FLAGS, '--redis', redis.url], { env }), await startHub([...FLAGS, '--redis', redis.url], { env }));
    results.twoHubsRedis = await measure(hubs[0].url, hubs[1].url, config);
    log(`two hubs + Redis: ${JSON.stringify(results.twoHubsRedis)}`);
  } finally {
    await Promise.allSettled(hubs.map((h) => h.stop()));
    await redis.stop();
  }

  const rows = [];
  for (const [name, r] of [
    ['one hub', results.oneHub],
    ['two hubs + Redis', results.twoHubsRedis],
  ]) {
    rows.push(
      {
        metric: `${name}: invite -> Invitation, median (ms)`,
        value: r.inviteMedian,
        baseline: `round trip ${r.roundTripMedian}`,
        ratio: round(r.inviteMedian / r.roundTripMedian),
        target: `<= round trip + ${TARGET_EXTRA_MS}`,
        ok: r.inviteMedian <= r.roundTripMedian + TARGET_EXTRA_MS,
      },
      {
        metric: `${name}: invite -> Invitation, p99 (ms)`,
        value: r.inviteP99,
        baseline: `round trip ${r.roundTripP99}`,
        ratio: round(r.inviteP99 / r.roundTripP99),
        target: '',
        ok: null,
      },
    );
  }
  return { config, results, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run({ quick: process.argv.includes('--quick'), log: (line) => console.error(line) });
  console.log(JSON.stringify(result, null, 2));
}
