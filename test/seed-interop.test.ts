// Each variant calls, and is called by, a peer that follows the seed's own page for that variant, with
// no rtc-kit code on its side. Media must flow both ways.
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { CallVariant } from '../src/index.js';
import { hubUrl } from '/__rtc-test-env.js';
import { cleanUpCalls, createCall, newChannel, remoteVideoOf, waitForFrames, waitForState } from './helpers/call-helpers.js';
import { SeedPeer } from './helpers/seed-peer.js';

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const variant of ['then', 'async'] as CallVariant[]) {
  describe(`variant="${variant}" and the seed's ${variant === 'then' ? 'Index.razor.js' : 'WebRtcService'} peer`, () => {
    let seed: SeedPeer | null = null;
    afterEach(async () => {
      await seed?.stop();
      seed = null;
      await cleanUpCalls();
    });

    it('the seed peer calls rtc-kit, and media flows both ways', async () => {
      const channel = newChannel(`seed-${variant}`);
      const call = createCall(variant, channel);
      await call.start();
      seed = new SeedPeer(variant, `${hubUrl}/messagehub`, channel);
      await seed.start();
      await seed.call();
      await waitForState(call, 'connected');
      await until(() => seed!.connectionState === 'connected', 'the seed peer to connect');
      await waitForFrames(remoteVideoOf(call));
      await waitForFrames(seed.remoteVideo);
      expect(seed.remoteVideo.videoWidth).to.be.greaterThan(0);
    });

    it('rtc-kit calls the seed peer, and media flows both ways', async () => {
      const channel = newChannel(`seed-${variant}`);
      seed = new SeedPeer(variant, `${hubUrl}/messagehub`, channel);
      await seed.start();
      const call = createCall(variant, channel);
      await call.start();
      await call.call();
      expect(call.state).to.equal('connected');
      await until(() => seed!.connectionState === 'connected', 'the seed peer to connect');
      await waitForFrames(remoteVideoOf(call));
      await waitForFrames(seed.remoteVideo);
    });
  });
}
