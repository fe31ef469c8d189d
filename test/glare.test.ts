// Glare: both sides press Call at the same moment. Perfect negotiation must turn that into one call,
// every time: 20 rounds in a row, each with media both ways and no rtc-error.
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { CallVariant } from '../src/index.js';
import { cleanUpCalls, createCall, describeLinks, newChannel, recordEvents, remoteVideoOf, waitForFrames, waitForState } from './helpers/call-helpers.js';

const ROUNDS = 20;

for (const variant of ['async', 'then'] as CallVariant[]) {
  describe(`glare, variant="${variant}"`, () => {
    afterEach(cleanUpCalls);

    for (let round = 1; round <= ROUNDS; round++) {
      it(`round ${round}: both call at once and end in one connected call`, async () => {
        const channel = newChannel(`glare-${variant}`);
        const a = createCall(variant, channel);
        const b = createCall(variant, channel);
        const errors = [...recordEvents(a, ['rtc-error']).values(), ...recordEvents(b, ['rtc-error']).values()];
        await Promise.all([a.start(), b.start()]);
        try {
          await Promise.all([a.call(), b.call()]);
          await waitForState(a, 'connected');
          await waitForState(b, 'connected');
          await waitForFrames(remoteVideoOf(a));
          await waitForFrames(remoteVideoOf(b));
        } catch (error) {
          throw new Error(`${(error as Error).message}\n  a: ${describeLinks(a)}\n  b: ${describeLinks(b)}`);
        }
        expect(errors.flat().map((e) => (e as CustomEvent).detail?.message)).to.deep.equal([]);
        expect(a.service.peerConnection?.getTransceivers().length).to.equal(2, 'one audio and one video transceiver, not four');
      });
    }
  });
}
