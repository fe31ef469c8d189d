// Scale-out in real Chromium: two rtc-hub processes share one real Redis, and the two sides of a call sit
// on different hubs. A call connects across them; a hub killed with SIGKILL is noticed by the other, which
// tells its page Leave, while the call itself goes on peer to peer; Redis restarting is survived by both hubs.
//
// Each "page" here is an <rtc-call> with its own service and its own hub connection; which hub it talks to
// is its hub-url.
import { expect } from '@open-wc/testing';
import { HttpTransportType, HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { executeServerCommand } from '@web/test-runner-commands';
import '../src/index.js';
import { paintedStream, until, waitForSignaling } from './helpers/media-helpers.js';
import type { CallVariant, RtcCall } from '../src/index.js';
import { cleanUpCalls, createCall, newChannel, remoteVideoOf, waitForDecodedFrames, waitForFrames, waitForState } from './helpers/call-helpers.js';

interface Started {
  id: string;
  url: string;
}

/**
 * How often each hub tells the other it is alive (--redis-heartbeat). A hub silent for three heartbeats is
 * taken for dead, so its peers hear Leave between 3 and 4 heartbeats after it died: that is the hub's
 * timeout here. The default is 5 s; 1 s keeps the test short while leaving a window of at least 2 s in
 * which the dead hub's call still has media but no Leave yet.
 */
const HEARTBEAT_MS = 1_000;
const LEAVE_TIMEOUT_MS = 4 * HEARTBEAT_MS;

let redis: Started;
let hub1: Started;
let hub2: Started;

before(async () => {
  redis = (await executeServerCommand<Started, unknown>('start-redis'))!;
  const args = ['--redis', redis.url, '--redis-heartbeat', String(HEARTBEAT_MS)];
  hub1 = (await executeServerCommand<Started, unknown>('start-hub', { args }))!;
  hub2 = (await executeServerCommand<Started, unknown>('start-hub', { args }))!;
});

after(async () => {
  for (const hub of [hub1, hub2]) if (hub) await executeServerCommand('stop-hub', { id: hub.id });
  if (redis) await executeServerCommand('stop-redis', { id: redis.id });
});

/** An <rtc-call> on the page whose signaling goes to `hub`. */
function callOn(hub: Started, variant: CallVariant, channel: string): RtcCall {
  const call = createCall(variant, channel);
  call.hubUrl = `${hub.url}/messagehub`;
  return call;
}

/** Places a call from `a` to `b` and waits until each shows live video from the other. */
async function connectCall(a: RtcCall, b: RtcCall): Promise<void> {
  await a.start();
  await b.start();
  await a.call();
  await waitForState(a, 'connected');
  await waitForState(b, 'connected');
  await waitForFrames(remoteVideoOf(a));
  await waitForFrames(remoteVideoOf(b));
}

for (const variant of ['async', 'then'] as CallVariant[]) {
  describe(`scale-out, variant="${variant}"`, function () {
    this.timeout(60_000);
    afterEach(async () => {
      await cleanUpCalls();
      // A failed test may leave hub 1 stopped; the next one needs it (this is a no-op when it runs).
      await executeServerCommand('resume-service', { id: hub1.id });
    });

    it('a page on hub 1 calls a page on hub 2: it connects, with frames both ways', async () => {
      const channel = newChannel(`scale-${variant}`);
      const one = callOn(hub1, variant, channel);
      const two = callOn(hub2, variant, channel);
      await connectCall(one, two);
      expect(remoteVideoOf(one).videoWidth).to.be.greaterThan(0);
      expect(remoteVideoOf(two).videoWidth).to.be.greaterThan(0);
    });

    it('hub 1 is killed during a call: the page on hub 2 gets rtc-peer-leave in time, the call and its media go on, the page on hub 1 reconnects, renegotiates and calls again', async () => {
      const channel = newChannel(`death-${variant}`);
      const one = callOn(hub1, variant, channel);
      const two = callOn(hub2, variant, channel);
      await connectCall(one, two);
      const oneId = one.service.signaling!.connectionId;

      let leftAt: number | null = null;
      const left = new Promise<string>((resolve, reject) => {
        two.addEventListener('rtc-peer-leave', (event) => {
          leftAt ??= Date.now();
          resolve(event.detail.peerId);
        });
        setTimeout(() => reject(new Error(`no rtc-peer-leave within ${LEAVE_TIMEOUT_MS + 3_000} ms of the kill`)), LEAVE_TIMEOUT_MS + 3_000);
      });
      left.catch(() => {});
      const reconnecting = waitForSignaling(one, 'reconnecting', 10_000);
      await executeServerCommand('pause-service', { id: hub1.id, signal: 'SIGKILL' });
      const killedAt = Date.now();
      await reconnecting;

      // Hub 1 is dead and hub 2 has not noticed yet: the media, peer to peer, does not care. The page that
      // was on hub 1 still gets live frames, and so does the page on hub 2.
      await Promise.all([waitForDecodedFrames(one, 20, 2_500), waitForDecodedFrames(two, 20, 2_500)]);
      expect(one.state).to.equal('connected');

      // Hub 2 takes hub 1 for dead and tells its page that the peer left, within the hub's timeout.
      expect(await left).to.equal(oneId);
      expect(leftAt! - killedAt).to.be.at.most(LEAVE_TIMEOUT_MS + 500);

      // The peer's packets still arrive, so the page on hub 2 keeps the call: only the peer's hub died.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(two.state).to.equal('connected');
      await Promise.all([waitForDecodedFrames(one, 20, 5_000), waitForDecodedFrames(two, 20, 5_000)]);

      // Hub 1 comes back on its port; the page that was on it reconnects by itself, with a new id, and
      // the two pages learn each other's current ids through the hubs.
      const reconnected = waitForSignaling(one, 'connected', 30_000);
      await executeServerCommand('resume-service', { id: hub1.id });
      await reconnected;
      const newId = one.service.signaling!.connectionId;
      expect(newId).to.not.equal(oneId);
      await until(() => two.service.peerId === newId && one.service.peerId === two.service.signaling!.connectionId, 'the pages learn the new ids', 5_000);
      expect([one.state, two.state]).to.deep.equal(['connected', 'connected']);

      // Signaling across the hubs works again mid-call: a shared screen (a canvas) is negotiated.
      const arrived = new Promise<MediaStreamTrack>((resolve) =>
        two.service.peerConnection!.addEventListener('track', (event) => resolve(event.track), { once: true }),
      );
      const screen = paintedStream('#2a7');
      one.service.peerConnection!.addTrack(screen.getVideoTracks()[0], screen);
      const track = await arrived;
      expect(track.kind).to.equal('video');
      screen.getTracks().forEach((t) => t.stop());

      // And it can call again, across the two hubs.
      await one.hangup();
      await two.hangup();
      await connectCall(one, two);
    });
  });
}

describe('scale-out: a muted call outlives its hub', function () {
  this.timeout(60_000);
  afterEach(async () => {
    await cleanUpCalls();
    await executeServerCommand('resume-service', { id: hub1.id });
  });

  it('both sides muted, hub 1 killed: after Leave the call stays up, kept alive by ICE checks alone', async () => {
    const channel = newChannel('muted-death');
    const one = callOn(hub1, 'async', channel);
    const two = callOn(hub2, 'async', channel);
    await connectCall(one, two);
    for (const call of [one, two]) {
      call.audioMuted = call.videoMuted = true;
      await call.updateComplete;
    }
    const left = new Promise<void>((resolve) => two.addEventListener('rtc-peer-leave', () => resolve(), { once: true }));
    await executeServerCommand('pause-service', { id: hub1.id, signal: 'SIGKILL' });
    await left;
    // No media either way; the peer still answers ICE checks, so the call is not taken for gone.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect([one.state, two.state]).to.deep.equal(['connected', 'connected']);
  });
});

describe('scale-out: Redis restarts', function () {
  this.timeout(60_000);
  const probes: HubConnection[] = [];
  afterEach(async () => {
    await cleanUpCalls();
    await Promise.all(probes.splice(0).map((probe) => probe.stop()));
  });

  async function probe(hub: Started, channel: string, received: number[]): Promise<HubConnection> {
    const connection = new HubConnectionBuilder()
      .withUrl(`${hub.url}/messagehub`, { transport: HttpTransportType.WebSockets })
      .configureLogging(LogLevel.None)
      .build();
    connection.on('SignalWebRtc', (_channel: string, _type: string, payload: string) => received.push(Number(payload)));
    probes.push(connection);
    await connection.start();
    await connection.invoke('Join', channel);
    return connection;
  }

  it('during a call: media keeps flowing, both hubs recover by themselves, signals cross again within 5 s and none twice, and a new call connects', async () => {
    const channel = newChannel('redis-restart');
    const one = callOn(hub1, 'async', channel);
    const two = callOn(hub2, 'async', channel);
    await connectCall(one, two);

    // A signal stream from a client on hub 1 to one on hub 2, numbered, one every 50 ms.
    const probeChannel = newChannel('redis-probe');
    const received: number[] = [];
    await probe(hub2, probeChannel, received);
    const sender = await probe(hub1, probeChannel, []);
    const sent: Array<{ n: number; at: number; error?: string }> = [];
    let sending = true;
    const stream = (async () => {
      for (let n = 1; sending; n++) {
        const entry: (typeof sent)[number] = { n, at: Date.now() };
        sent.push(entry);
        await sender.invoke('SignalWebRtc', probeChannel, 'candidate', String(n)).catch((error: Error) => (entry.error = error.message));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    try {
      await until(() => received.length >= 5, 'the stream flows across the hubs', 5_000);

      await executeServerCommand('pause-service', { id: redis.id, signal: 'SIGTERM' });
      // While Redis is away, sends across hubs fail loudly, and the call's media goes on, peer to peer.
      await until(() => sent.some((entry) => entry.error), 'a send fails while Redis is away', 5_000);
      await Promise.all([waitForFrames(remoteVideoOf(one), 20, 5_000), waitForFrames(remoteVideoOf(two), 20, 5_000)]);

      await executeServerCommand('resume-service', { id: redis.id });
      const backAt = Date.now();
      const sentBefore = sent.length;
      await until(() => received.some((n) => n > sentBefore), 'a signal sent after Redis came back arrives', 5_000);
      expect(Date.now() - backAt).to.be.below(5_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      sending = false;
      await stream;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Never twice, never out of order; every accepted send arrived; every failure was the hub saying so.
    for (let i = 1; i < received.length; i++) expect(received[i]).to.be.greaterThan(received[i - 1]);
    for (const entry of sent) if (!entry.error) expect(received, `message ${entry.n} was accepted`).to.include(entry.n);
    for (const entry of sent.filter((e) => e.error)) expect(entry.error).to.contain('the backplane is unavailable');
    expect(one.state).to.equal('connected');
    expect(two.state).to.equal('connected');

    // A new call across the two hubs connects.
    const newChannelName = newChannel('after-redis');
    await connectCall(callOn(hub1, 'then', newChannelName), callOn(hub2, 'then', newChannelName));
  });
});
