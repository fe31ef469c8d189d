// Media failures are explained, and a side without a camera still takes part: it joins, receives, and
// shows the other side's video (receive-only).
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { CallVariant, RtcCall } from '../src/index.js';
import { nextError, paintedStream } from './helpers/media-helpers.js';
import { cleanUpCalls, createCall, framesDecoded, newChannel, remoteVideoOf, waitForDecodedFrames, waitForFrames, waitForState } from './helpers/call-helpers.js';

/** A side whose camera is not there: it asks for one by an id no device has, as a page does for a camera unplugged since. */
function withoutCamera(call: RtcCall): RtcCall {
  call.service.configure({ media: { video: { deviceId: { exact: 'camera-that-is-not-there' } }, audio: true } });
  return call;
}

for (const variant of ['async', 'then'] as CallVariant[]) {
  describe(`media errors, variant="${variant}"`, () => {
    afterEach(cleanUpCalls);

    it('a missing camera gives media-device-not-found, shown in the error part, and the side stays ready', async () => {
      const call = withoutCamera(createCall(variant, newChannel('no-camera')));
      const error = nextError(call, 10_000);
      await call.start();
      const event = await error;
      expect(event.detail.code).to.equal('media-device-not-found');
      expect(event.bubbles && event.composed).to.equal(true);
      expect(call.state).to.equal('ready');
      expect(call.service.localStream).to.equal(null);
      await call.updateComplete;
      const shown = call.shadowRoot!.querySelector('[part="error"]');
      expect(shown?.getAttribute('role')).to.equal('alert');
      expect(shown?.textContent).to.match(/camera|microphone|device/i);
    });

    it('a receive-only side that is called shows the caller’s video', async () => {
      const channel = newChannel('recv-called');
      const viewer = withoutCamera(createCall(variant, channel));
      const caller = createCall(variant, channel);
      await viewer.start();
      await caller.start();
      await caller.call();
      await waitForState(viewer, 'connected');
      await waitForFrames(remoteVideoOf(viewer));
      await waitForDecodedFrames(viewer, 10);
      // Nothing is sent back: the viewer has no camera, so the caller decodes no video.
      const sending = viewer.service.peerConnection!.getSenders().filter((s) => s.track?.kind === 'video');
      expect(sending).to.deep.equal([]);
    });

    it('a receive-only side that shares a screen mid-call sends it, through a renegotiation', async () => {
      const channel = newChannel('recv-share');
      const viewer = withoutCamera(createCall(variant, channel));
      const caller = createCall(variant, channel);
      await viewer.start();
      await caller.start();
      await caller.call();
      await waitForState(viewer, 'connected');
      expect(await framesDecoded(caller), 'nothing comes from the viewer yet').to.equal(0);
      const screen = paintedStream('#36c');
      await viewer.shareScreen(screen);
      await waitForDecodedFrames(caller, 10, 15_000);
      expect([viewer.state, caller.state]).to.deep.equal(['connected', 'connected']);
      screen.getTracks().forEach((track) => track.stop());
    });

    it('a receive-only side can place the call, and still shows the other side’s video', async () => {
      const channel = newChannel('recv-calls');
      const viewer = withoutCamera(createCall(variant, channel));
      const callee = createCall(variant, channel);
      await viewer.start();
      await callee.start();
      await viewer.call();
      await waitForState(callee, 'connected');
      await waitForState(viewer, 'connected');
      await waitForFrames(remoteVideoOf(viewer));
      await waitForDecodedFrames(viewer, 10);
    });
  });
}

describe('receive-only by choice', () => {
  afterEach(cleanUpCalls);

  it('asking for no audio and no video opens no device, raises no error, and receives', async () => {
    const channel = newChannel('viewer');
    const viewer = createCall('async', channel);
    viewer.service.configure({ media: { video: false, audio: false } });
    let errors = 0;
    viewer.addEventListener('rtc-error', () => errors++);
    const caller = createCall('async', channel);
    await viewer.start();
    expect(viewer.state).to.equal('ready');
    expect(viewer.service.localStream).to.equal(null);
    await caller.start();
    await caller.call();
    await waitForState(viewer, 'connected');
    await waitForDecodedFrames(viewer, 10);
    expect(errors).to.equal(0);
  });
});
