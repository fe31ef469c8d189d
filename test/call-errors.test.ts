// Errors are events: an unreachable hub gives a typed rtc-error and state failed; a denied camera gives
// its own code and leaves the call ready to receive.
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { RtcCall } from '../src/index.js';
import { hubUrl } from '/__rtc-test-env.js';
import { nextError } from './helpers/media-helpers.js';
import { cleanUpCalls, createCall, newChannel } from './helpers/call-helpers.js';

for (const variant of ['async', 'then'] as const) {
  describe(`errors, variant="${variant}"`, () => {
    afterEach(cleanUpCalls);

    it('an unreachable hub gives signaling-unavailable and state failed within 10 s', async () => {
      const call = createCall(variant, newChannel('down'));
      // Port 1 on loopback: nothing listens there.
      call.hubUrl = 'http://127.0.0.1:1/messagehub';
      const started = Date.now();
      const error = nextError(call, 10_000);
      let rejected: unknown = null;
      await call.start().catch((e) => (rejected = e));
      const event = await error;
      expect(Date.now() - started).to.be.below(10_000);
      expect(event.detail.code).to.equal('signaling-unavailable');
      expect(event.detail.message).to.match(/could not be reached/);
      expect(event.bubbles && event.composed).to.equal(true);
      expect(call.state).to.equal('failed');
      expect(call.getAttribute('state')).to.equal('failed');
      expect(rejected).to.be.instanceOf(Error);
    });

    it('a denied camera gives media-permission-denied', async () => {
      // A real denial by the browser: the frame's permissions policy forbids camera and microphone.
      const frame = document.createElement('iframe');
      frame.setAttribute('allow', "camera 'none'; microphone 'none'");
      frame.srcdoc = `<!doctype html><script type="module">import '/src/index.ts';</script>`;
      document.body.append(frame);
      try {
        const win = frame.contentWindow as Window & typeof globalThis;
        await new Promise<void>((resolve) => frame.addEventListener('load', () => resolve(), { once: true }));
        await win.customElements.whenDefined('rtc-call');
        const call = win.document.createElement('rtc-call') as RtcCall;
        call.hubUrl = `${hubUrl}/messagehub`;
        call.channel = newChannel('denied');
        call.variant = variant;
        win.document.body.append(call);
        const error = nextError(call, 10_000);
        await call.start().catch(() => {});
        const event = await error;
        expect(event.detail.code).to.equal('media-permission-denied');
        // It still joined, to receive: receive-only.
        expect(call.state).to.equal('ready');
        await call.updateComplete;
        const shown = call.shadowRoot!.querySelector('[part="error"]');
        expect(shown?.textContent).to.match(/denied/);
        expect(shown?.getAttribute('role')).to.equal('alert');
        await call.hangup();
      } finally {
        frame.remove();
      }
    });
  });
}

describe('bad ICE configuration', () => {
  afterEach(cleanUpCalls);

  it('an iceServers entry with "credentials" fails the call with bad-ice-config naming the fix', async () => {
    const channel = newChannel('ice');
    const a = createCall('async', channel);
    const b = createCall('async', channel);
    a.iceServers = [{ urls: 'turn:127.0.0.1:3478', username: 'u', credentials: 'p' } as unknown as RTCIceServer];
    await a.start();
    await b.start();
    const error = nextError(a, 5_000);
    await a.call().catch(() => {});
    const event = await error;
    expect(event.detail.code).to.equal('bad-ice-config');
    expect(event.detail.message).to.contain('"credential" (singular)');
    expect(a.state).to.equal('failed');
  });
});
