// Glare between two people on two pages (two browser contexts): both press Call at the same moment. Each
// round must end in one connected call, with media both ways and no rtc-error on either side. Both calls
// are timed to the same instant on the shared clock (Date.now), so the offers really cross.
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { CallVariant } from '../src/index.js';
import { cleanUpCalls, createCall, newChannel, recordEvents, remoteVideoOf, waitForFrames, waitForState } from './helpers/call-helpers.js';
import { RemotePage } from './helpers/remote-page.js';

const ROUNDS = Number(new URLSearchParams(location.search).get("rounds")) || 50;

/** Waits until the epoch time `at`, on the clock both pages share, then calls. */
async function callAt(call: { call(): Promise<void> }, at: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now() - 2)));
  while (Date.now() < at);
  await call.call();
}

for (const variant of ['async', 'then'] as CallVariant[]) {
  describe(`glare on two pages, variant="${variant}"`, function () {
    this.timeout(60_000);
    let peer: RemotePage;

    before(async () => {
      peer = await RemotePage.open();
    });
    after(() => RemotePage.closeAll());
    afterEach(async () => {
      await cleanUpCalls();
      await peer.run(async (remote) => {
        await Promise.all(Object.values(remote.calls).map((call) => call.hangup().catch(() => {})));
        for (const [name, call] of Object.entries(remote.calls)) {
          call.remove();
          delete remote.calls[name];
        }
      });
    });

    for (let round = 1; round <= ROUNDS; round++) {
      it(`round ${round}: both call at once and end in one connected call`, async () => {
        const channel = newChannel(`glare2-${variant}`);
        await peer.run(
          async (remote, variant, channel) => {
            const call = (remote.calls.b = remote.helpers.createCall(variant, channel));
            const errors: string[] = (remote.store.errors = []);
            call.addEventListener('rtc-error', (event) => errors.push(event.detail.message));
            await call.start();
          },
          variant,
          channel,
        );
        const a = createCall(variant, channel);
        const errors = recordEvents(a, ['rtc-error']).get('rtc-error')!;
        await a.start();
        const at = Date.now() + 200;
        const remoteCall = peer.run(
          async (remote, at) => {
            const b = remote.calls.b!;
            await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now() - 2)));
            while (Date.now() < at);
            await b.call().catch(() => {});
            await remote.helpers.waitForState(b, 'connected', 15_000);
            await remote.helpers.waitForFrames(remote.helpers.remoteVideoOf(b), 3, 15_000);
            return { state: b.state, errors: remote.store.errors as string[], transceivers: b.service.peerConnection?.getTransceivers().length ?? 0 };
          },
          at,
        );
        await callAt(a, at).catch(() => {});
        await waitForState(a, 'connected', 15_000);
        await waitForFrames(remoteVideoOf(a), 3, 15_000);
        const b = await remoteCall;
        expect(errors.map((e) => (e as CustomEvent).detail?.message)).to.deep.equal([], 'errors on this page');
        expect(b.errors).to.deep.equal([], 'errors on the remote page');
        expect(b.state).to.equal('connected');
        expect(a.service.peerConnection?.getTransceivers().length).to.equal(2, 'one audio and one video transceiver, not four');
        expect(b.transceivers).to.equal(2);
      });
    }
  });
}
