// Call controls through the real hub in real Chromium, for both variants: mute stops media at the far
// end (its own getStats() says so), a new camera track goes out without renegotiation, and a shared
// screen (a canvas, since headless Chromium cannot pick a screen) is what the far end shows.
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { CallVariant, RtcCall } from '../src/index.js';
import { cleanUpCalls, createCall, newChannel, waitForFrames, waitForState } from './helpers/call-helpers.js';
import { connectedPair, centrePixel, paintedStream, received, remoteVideo, sleep, until } from './helpers/media-helpers.js';

/** How much of `kind` the far end `b` receives in `ms`. */
async function growth(b: RtcCall, kind: 'audio' | 'video', ms: number) {
  const before = await received(b, kind);
  await sleep(ms);
  const after = await received(b, kind);
  return { frames: after.frames - before.frames, packets: after.packets - before.packets };
}

/** Offers that reached `call` from now on: a renegotiation would send one. */
function countOffers(call: RtcCall): () => number {
  let offers = 0;
  call.service.listen('signal', ({ detail }) => {
    if (detail.type === 'offer') offers++;
  });
  return () => offers;
}

for (const variant of ['async', 'then'] as CallVariant[]) {
  for (const withChildren of [true, false]) {
    const layout = withChildren ? 'with <rtc-remote-video> inside' : 'default page';
    describe(`call controls, variant="${variant}", ${layout}`, () => {
      afterEach(cleanUpCalls);

      it('muting video stops frames at the far end (framesDecoded stops), unmuting resumes them; audio likewise', async () => {
        const [a, b] = await connectedPair(variant, withChildren, 'controls');
        expect((await growth(b, 'video', 1000)).frames).to.be.greaterThan(10, 'frames flow before muting');

        a.videoMuted = true;
        await a.updateComplete;
        expect(a.hasAttribute('video-muted')).to.equal(true);
        expect(a.service.videoMuted).to.equal(true);
        await sleep(500); // frames already in flight
        expect((await growth(b, 'video', 1500)).frames).to.be.at.most(1, 'no frames while muted');
        expect(a.state).to.equal('connected');

        a.videoMuted = false;
        await a.updateComplete;
        expect(a.hasAttribute('video-muted')).to.equal(false);
        await until(async () => (await growth(b, 'video', 500)).frames > 5, 'frames to resume');

        a.audioMuted = true;
        await a.updateComplete;
        expect(a.getAttribute('audio-muted')).to.equal('');
        await sleep(500);
        expect((await growth(b, 'audio', 1000)).packets).to.be.at.most(1, 'no audio packets while muted');
        a.audioMuted = false;
        await until(async () => (await growth(b, 'audio', 500)).packets > 5, 'audio to resume');
      });

      it('a mute and an unmute in quick succession leave the camera on, and the reverse leaves it off', async () => {
        const [a, b] = await connectedPair(variant, withChildren, 'controls');
        // The second change comes before the first one's replaceTrack has settled.
        a.videoMuted = true;
        await a.updateComplete;
        a.videoMuted = false;
        await a.updateComplete;
        await sleep(500);
        expect((await growth(b, 'video', 1000)).frames).to.be.greaterThan(5, 'frames flow: the unmute won');
        a.videoMuted = true;
        await a.updateComplete;
        a.videoMuted = false;
        await a.updateComplete;
        a.videoMuted = true;
        await a.updateComplete;
        await sleep(500);
        expect((await growth(b, 'video', 1500)).frames).to.be.at.most(1, 'no frames: the last mute won');
      });

      it('switching the camera keeps the call connected and frames flowing, without renegotiating', async () => {
        const [a, b] = await connectedPair(variant, withChildren, 'controls');
        const offers = countOffers(b);
        // The fake camera is a single device, so "another camera" is proved two ways: the real
        // selection path reopens a device by id and puts its new track on the sender, and a canvas
        // track (which the far end can tell apart by its size) goes out through the same swap.
        const camera = a.devices.find((d) => d.kind === 'videoinput');
        expect(camera, 'the device list has a camera').to.exist;
        const before = a.service.localStream!.getVideoTracks()[0]!;
        await a.selectDevice('videoinput', camera!.deviceId);
        const after = a.service.localStream!.getVideoTracks()[0]!;
        expect(after.id).to.not.equal(before.id, 'a new track');
        expect(before.readyState).to.equal('ended', 'the old track is released');
        const sender = a.service.peerConnection!.getSenders().find((s) => s.track?.kind === 'video');
        expect(sender?.track?.id).to.equal(after.id, 'the new track is on the call');
        await until(async () => (await growth(b, 'video', 500)).frames > 5, 'frames from the new camera track');

        const other = paintedStream('#0000ff', 320, 240);
        await a.service.useTrack(other.getVideoTracks()[0]!);
        await until(() => remoteVideo(b).videoWidth === 320, 'the far end to show the 320×240 track');
        await waitForFrames(remoteVideo(b));
        expect(a.state).to.equal('connected');
        expect(b.state).to.equal('connected');
        expect(offers()).to.equal(0, 'replaceTrack, no new offer');
      });

      it('a shared screen (a canvas stream) is what the far end shows, and stopping it brings the camera back', async () => {
        const [a, b] = await connectedPair(variant, withChildren, 'controls');
        const video = remoteVideo(b);
        expect(video.videoWidth).to.equal(640, 'the fake camera');
        await a.shareScreen(paintedStream('#00ff00', 400, 300));
        await a.updateComplete;
        expect(a.screenSharing).to.equal(true);
        expect(a.hasAttribute('screen-sharing')).to.equal(true);
        await until(() => video.videoWidth === 400, 'the far end to show the 400×300 screen');
        await waitForFrames(video);
        const [r, g, bl] = centrePixel(video);
        expect(g, `green centre, got rgb(${r}, ${g}, ${bl})`).to.be.greaterThan(180);
        expect(r).to.be.lessThan(80);
        expect(bl).to.be.lessThan(80);

        await a.stopScreenShare();
        await a.updateComplete;
        expect(a.hasAttribute('screen-sharing')).to.equal(false);
        await until(() => video.videoWidth === 640, 'the camera to come back');
        await waitForFrames(video);
        expect(a.state).to.equal('connected');
      });

      if (!withChildren) {
        it('the default page: the toggles flip aria-pressed and mute, and the devices menu lists the devices', async () => {
          const [a, b] = await connectedPair(variant, withChildren, 'controls');
          const part = (name: string) => a.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;
          expect(part('mute-video-button').getAttribute('aria-pressed')).to.equal('false');
          part('mute-video-button').click();
          await a.updateComplete;
          expect(part('mute-video-button').getAttribute('aria-pressed')).to.equal('true');
          expect(a.videoMuted).to.equal(true);
          await sleep(500);
          expect((await growth(b, 'video', 1000)).frames).to.be.at.most(1);
          part('mute-video-button').click();
          await a.updateComplete;
          expect(part('mute-video-button').getAttribute('aria-pressed')).to.equal('false');
          part('mute-audio-button').click();
          await a.updateComplete;
          expect(part('mute-audio-button').getAttribute('aria-pressed')).to.equal('true');
          expect(a.audioMuted).to.equal(true);
          // Chromium has getDisplayMedia, so the button is there.
          expect(part('screen-button')).to.exist;
          // The device selects are in the devices menu, which loads the first time it opens.
          expect(part('devices-button').getAttribute('aria-expanded')).to.equal('false');
          part('devices-button').click();
          await until(() => !!a.shadowRoot!.querySelector('[part~="camera-select"]'), 'the devices menu');
          expect(part('devices-button').getAttribute('aria-expanded')).to.equal('true');
          const cameras = part('camera-select') as HTMLSelectElement;
          expect(cameras.options.length).to.be.greaterThan(0);
          expect(cameras.value).to.equal(a.service.localStream!.getVideoTracks()[0]!.getSettings().deviceId);
          expect(part('microphone-select')).to.exist;
        });
      }
    });
  }
}
