// The hub restarts during a call. Media goes peer to peer, so it must not notice: frames keep arriving
// while the hub is down. Each client reconnects with back-off, joins its channel again, and says so with
// rtc-signaling-state. Afterwards the signaling works again: a renegotiation (a shared screen) succeeds.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../src/index.js';
import { paintedStream, until, waitForSignaling } from './helpers/media-helpers.js';
import type { CallVariant, RtcCall } from '../src/index.js';
import { cleanUpCalls, waitForDecodedFrames, createCall, newChannel, recordEvents, remoteVideoOf, waitForFrames, waitForState } from './helpers/call-helpers.js';

/** Resolves with the first remote track of `kind` that arrives after now, on `call`'s peer connection. */
function nextRemoteTrack(call: RtcCall, kind: string, timeoutMs: number): Promise<MediaStreamTrack> {
  const pc = call.service.peerConnection!;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no new ${kind} track within ${timeoutMs} ms`)), timeoutMs);
    pc.addEventListener('track', function onTrack(event) {
      if (event.track.kind !== kind) return;
      clearTimeout(timer);
      pc.removeEventListener('track', onTrack);
      resolve(event.track);
    });
  });
}

for (const variant of ['async', 'then'] as CallVariant[]) {
  describe(`hub restart, variant="${variant}"`, function () {
    this.timeout(60_000);
    let hubId: string | null = null;

    afterEach(async () => {
      await cleanUpCalls();
      if (hubId) await executeServerCommand('stop-hub', { id: hubId });
      hubId = null;
    });

    it('keeps media flowing while the hub restarts, rejoins, and renegotiates afterwards', async () => {
      const hub = await executeServerCommand<{ id: string; url: string }, unknown>('start-hub', { args: [] });
      hubId = hub!.id;
      const channel = newChannel(`restart-${variant}`);
      const caller = createCall(variant, channel);
      const callee = createCall(variant, channel);
      for (const call of [caller, callee]) call.hubUrl = `${hub!.url}/messagehub`;
      await caller.start();
      await callee.start();
      await caller.call();
      await waitForState(caller, 'connected');
      await waitForState(callee, 'connected');
      await waitForFrames(remoteVideoOf(caller));
      await waitForFrames(remoteVideoOf(callee));
      const events = [caller, callee].map((call) => recordEvents(call, ['rtc-state-change', 'rtc-error', 'rtc-signaling-state']));

      // Down: both links drop. Frames keep coming, peer to peer.
      const reconnecting = [caller, callee].map((call) => waitForSignaling(call, 'reconnecting', 10_000));
      await executeServerCommand('pause-service', { id: hubId });
      await Promise.all(reconnecting);
      const framesWhileDown = [caller, callee].map((call) => waitForDecodedFrames(call, 20, 5_000));
      await Promise.all(framesWhileDown);

      // Up again on the same port: both reconnect and rejoin.
      const before = [caller.service.signaling!.connectionId, callee.service.signaling!.connectionId];
      const reconnected = [caller, callee].map((call) => waitForSignaling(call, 'connected', 30_000).then(() => Date.now()));
      // resume-service returns once the hub has printed its listening line.
      await executeServerCommand('resume-service', { id: hubId });
      const listening = Date.now();
      const back = await Promise.all(reconnected);
      // Back and rejoined within 2 s of the hub's return (the retry delays are short and jittered).
      for (const at of back) expect(at - listening, 'ms from the hub listening to signaling connected').to.be.at.most(2_000);
      for (const call of [caller, callee]) {
        expect(call.state).to.equal('connected');
        await waitForFrames(remoteVideoOf(call));
      }
      // Each joined the channel again with its new id, and each learned the other's new id from the hub.
      const after = [caller.service.signaling!.connectionId, callee.service.signaling!.connectionId];
      expect(after[0]).to.not.equal(before[0]);
      expect(after[1]).to.not.equal(before[1]);
      await until(() => caller.service.peerId === after[1] && callee.service.peerId === after[0], 'peers learn the new ids', 5_000);

      // Signaling works again: the caller shares a screen (a canvas), which needs a new offer and answer
      // through the restarted hub, from members of the channel only.
      const arrived = nextRemoteTrack(callee, 'video', 15_000);
      const screen = paintedStream('#2a7');
      caller.service.peerConnection!.addTrack(screen.getVideoTracks()[0], screen);
      const track = await arrived;
      const shown = document.createElement('video');
      shown.muted = true;
      shown.srcObject = new MediaStream([track]);
      document.body.append(shown);
      try {
        await shown.play();
        await until(() => shown.videoWidth === 320, 'the shared canvas shows at its size', 10_000);
        // And it is live: its receiver keeps decoding frames.
        const receiver = callee.service.peerConnection!.getReceivers().find((r) => r.track === track)!;
        const decoded = async () => {
          let frames = 0;
          (await receiver.getStats()).forEach((r) => r.type === 'inbound-rtp' && (frames += r.framesDecoded ?? 0));
          return frames;
        };
        const first = await decoded();
        const deadline = Date.now() + 10_000;
        while ((await decoded()) - first < 10) {
          if (Date.now() > deadline) throw new Error('the shared canvas stopped after its first frames');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        shown.remove();
        screen.getTracks().forEach((t) => t.stop());
      }

      for (const log of events) {
        const states = log.get('rtc-state-change')!.map((e) => (e as CustomEvent).detail.state);
        expect(states, 'the call never left connected').to.deep.equal([]);
        expect(log.get('rtc-error')!.map((e) => (e as CustomEvent).detail.code)).to.deep.equal([]);
        const links = log.get('rtc-signaling-state')!.map((e) => (e as CustomEvent).detail.state);
        expect(links[0]).to.equal('reconnecting');
        expect(links.at(-1)).to.equal('connected');
      }
    });
  });
}
