// A vanished peer: the other page closes during a call. The hub reports Leave, and this side ends the
// call within 5 s, with rtc-peer-leave, without waiting for ICE to time out.
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { CallVariant, RtcCall } from '../src/index.js';
import { hubUrl } from '/__rtc-test-env.js';
import { cleanUpCalls, createCall, newChannel, waitForState } from './helpers/call-helpers.js';

/** A call in its own page (an iframe), so closing that page ends its realm, its sockets and its media. */
async function callInFrame(variant: CallVariant, channel: string): Promise<{ frame: HTMLIFrameElement; call: RtcCall }> {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><script type="module">import '/src/index.ts';</script>`;
  document.body.append(frame);
  await new Promise<void>((resolve) => frame.addEventListener('load', () => resolve(), { once: true }));
  const win = frame.contentWindow as Window & typeof globalThis;
  await win.customElements.whenDefined('rtc-call');
  const call = win.document.createElement('rtc-call') as RtcCall;
  call.hubUrl = `${hubUrl}/messagehub`;
  call.channel = channel;
  call.variant = variant;
  win.document.body.append(call);
  return { frame, call };
}

for (const variant of ['async', 'then'] as CallVariant[]) {
  describe(`peer gone, variant="${variant}"`, () => {
    afterEach(cleanUpCalls);

    it('the other page closes during a call: this side ends it within 5 s', async () => {
      const channel = newChannel(`gone-${variant}`);
      const here = createCall(variant, channel);
      await here.start();
      const { frame, call: there } = await callInFrame(variant, channel);
      await there.start();
      await here.call();
      await waitForState(here, 'connected');
      const left = new Promise<Event>((resolve) => here.addEventListener('rtc-peer-leave', resolve, { once: true }));
      const closedAt = Date.now();
      frame.remove();
      await waitForState(here, 'ended', 5_000);
      expect(Date.now() - closedAt).to.be.below(5_000);
      await left;
      expect(here.service.peerConnection).to.equal(null);
    });
  });
}
