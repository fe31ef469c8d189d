// Two people on two pages: a call between this page and a remote page in a browser context of its own.
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { CallVariant } from '../src/index.js';
import { cleanUpCalls, createCall, newChannel, remoteVideoOf, waitForFrames, waitForState } from './helpers/call-helpers.js';
import { RemotePage } from './helpers/remote-page.js';

for (const variant of ['async', 'then'] as CallVariant[]) {
  describe(`two pages, variant="${variant}"`, () => {
    afterEach(async () => {
      await cleanUpCalls();
      await RemotePage.closeAll();
    });

    it('a call between two browser contexts shows frames on both sides', async () => {
      const channel = newChannel('two-pages');
      const peer = await RemotePage.open();
      await peer.run(
        async (remote, variant, channel) => {
          const call = (remote.calls.b = remote.helpers.createCall(variant, channel));
          await call.start();
        },
        variant,
        channel,
      );
      const a = createCall(variant, channel);
      await a.start();
      await a.call();
      await waitForState(a, 'connected');
      await waitForFrames(remoteVideoOf(a));
      const remoteState = await peer.run(async (remote) => {
        const b = remote.calls.b!;
        await remote.helpers.waitForState(b, 'connected');
        await remote.helpers.waitForFrames(remote.helpers.remoteVideoOf(b));
        return b.state;
      });
      expect(remoteState).to.equal('connected');
    });
  });
}
