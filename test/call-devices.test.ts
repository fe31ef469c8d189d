// Device choice in real calls through the real hub, in real Chromium, for both variants: the speaker
// (setSinkId on the element that actually plays the peer's sound) and following `devicechange` (the list
// refreshes; a camera in use that disappears falls back to the default one while the call goes on).
//
// What headless Chromium with --use-fake-device-for-media-stream lists (seen here, Chromium 156):
// audiooutput 'default' ("Fake Default Audio Output") plus "Fake Audio Output 1" and "Fake Audio Output 2",
// audioinput 'default' plus two fakes, and one videoinput, "fake_device_0". setSinkId() accepts each of
// those outputs (the element's sinkId then reads back the id) and rejects an unknown id with NotFoundError.
// So these tests prove the id reaches the right element and that Chromium accepted it; no test can hear
// which fake output the sound comes out of.
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { CallVariant, RtcCall } from '../src/index.js';
import { cleanUpCalls, createCall, newChannel, waitForDecodedFrames, waitForState } from './helpers/call-helpers.js';
import { deepElements } from '../stories/deep-elements.js';
import { connectedPair, received, remoteVideo, sleep, until } from './helpers/media-helpers.js';

/** The elements of `call` that play sound: unmuted, holding a stream with an audio track. */
function audibleElements(call: RtcCall): HTMLMediaElement[] {
  // Every <video>/<audio> in the element and in the shadow roots below it, its own included.
  return deepElements(call).filter(
    (el): el is HTMLMediaElement => el instanceof HTMLMediaElement && !el.muted && el.srcObject instanceof MediaStream && el.srcObject.getAudioTracks().length > 0,
  );
}

/** A named part of the default page. */
const part = <T extends HTMLElement>(call: RtcCall, name: string) => call.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
// Assertions below compare booleans and strings, never elements: chai's message for a failed assertion
// on a custom element (or an array of them) walks its properties, and that hung the test runner.
/** Whether the default page has this part. */
const hasPart = (call: RtcCall, name: string) => !!part(call, name);
/** Opens the default page's devices menu (a chunk, loaded the first time) and waits for its selects. */
async function openDevices(call: RtcCall): Promise<void> {
  part(call, 'devices-button')!.click();
  await until(() => hasPart(call, 'camera-select'), 'the devices menu');
  expect(part(call, 'devices-button')!.getAttribute('aria-expanded')).to.equal('true');
}
/** Names an element for an assertion message: its tag and part, and the host it sits in. */
const describeElement = (el: Element) => `${(el.getRootNode() as ShadowRoot).host?.localName ?? 'page'} > ${el.localName}[part=${el.getAttribute('part')}]`;

/** The fake speakers Chromium lists, 'default' first. */
async function speakers(): Promise<MediaDeviceInfo[]> {
  return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audiooutput');
}

for (const variant of ['async', 'then'] as CallVariant[]) {
  for (const withChildren of [true, false]) {
    const layout = withChildren ? 'with <rtc-remote-video> inside' : 'default page';
    describe(`speaker choice, variant="${variant}", ${layout}`, () => {
      afterEach(cleanUpCalls);

      it("selectDevice('audiooutput', id) sets sinkId on the one element that plays the peer's sound", async () => {
        const [a, b] = await connectedPair(variant, withChildren, 'devices');
        // Where the sound plays: exactly one element, the peer's video (in the then variant's default page
        // its own <video part="remote-video">, else the <video> inside <rtc-remote-video>), and it plays.
        const audible = audibleElements(b);
        expect(audible.map(describeElement), 'one element plays the peer').to.have.length(1);
        const [player] = audible as [HTMLMediaElement];
        expect(player === remoteVideo(b), `the player is the remote video, not ${describeElement(player)}`).to.equal(true);
        expect(player.paused, 'it is playing').to.equal(false);
        expect(audibleElements(a).map(describeElement)).to.have.length(1);
        expect((await received(b, 'audio')).packets, 'audio arrives to be played').to.be.greaterThan(0);
        expect(player.sinkId).to.equal('');

        const outputs = await speakers();
        const fake = outputs.find((d) => d.deviceId !== 'default' && d.deviceId);
        expect(fake, `a non-default fake speaker among ${outputs.map((d) => d.label).join(', ')}`).to.exist;
        await b.selectDevice('audiooutput', fake!.deviceId);
        expect(b.service.sinkId).to.equal(fake!.deviceId);
        // sinkId reads back only once Chromium has accepted the device (setSinkId resolved).
        await until(() => player.sinkId === fake!.deviceId, `the player's sinkId to be ${fake!.deviceId}`);
        expect(remoteVideo(a).sinkId, 'the other call keeps its speaker').to.equal('');

        // Back to the system default, '' (what selectDevice documents as the default).
        await b.selectDevice('audiooutput', '');
        await until(() => player.sinkId === '', "the player's sinkId to be '' again");
        expect(b.state).to.equal('connected');

        // A speaker that is not there is refused with a typed error; the choice stays as it was.
        const errors: string[] = [];
        b.addEventListener('rtc-error', (event) => errors.push(event.detail.code));
        const refused = await b.selectDevice('audiooutput', 'speaker-that-is-not-there').then(() => false, () => true);
        expect(refused, 'selectDevice rejects').to.equal(true);
        expect(errors).to.deep.equal(['media-device-not-found']);
        expect(b.service.sinkId).to.equal('');
        expect(b.state).to.equal('connected');

        if (withChildren) {
          // A <rtc-remote-video> added after the choice plays on the chosen speaker from the start.
          await b.selectDevice('audiooutput', fake!.deviceId);
          const late = document.createElement('rtc-remote-video');
          b.append(late);
          await late.updateComplete;
          const video = late.shadowRoot!.querySelector('video')!;
          await until(() => video.sinkId === fake!.deviceId, "the new element's sinkId");
        }
      });

      if (!withChildren) {
        it('the speaker select lists the audiooutput devices, and choosing one applies it', async () => {
          const [, b] = await connectedPair(variant, withChildren, 'devices');
          await openDevices(b);
          expect(hasPart(b, 'speaker-select'), 'setSinkId exists in Chromium, so the speaker select is there').to.equal(true);
          const select = part<HTMLSelectElement>(b, 'speaker-select');
          const outputs = await speakers();
          expect([...select!.options].map((o) => o.value)).to.deep.equal(outputs.map((d) => d.deviceId));
          expect([...select!.options].map((o) => o.textContent)).to.deep.equal(outputs.map((d) => d.label));

          const chosen = outputs[outputs.length - 1]!;
          expect(chosen.deviceId).to.not.equal('default');
          select!.value = chosen.deviceId;
          select!.dispatchEvent(new Event('change'));
          await until(() => remoteVideo(b).sinkId === chosen.deviceId, `the remote video's sinkId to be ${chosen.label}`);
          expect(b.service.sinkId).to.equal(chosen.deviceId);
          await b.updateComplete;
          expect(part<HTMLSelectElement>(b, 'speaker-select')!.value, 'the select shows the choice').to.equal(chosen.deviceId);

          // A choice made in code, after one made in the select, shows in the select too.
          const other = outputs[1]!;
          await b.selectDevice('audiooutput', other.deviceId);
          await b.updateComplete;
          await until(() => remoteVideo(b).sinkId === other.deviceId, `the remote video's sinkId to be ${other.label}`);
          expect(part<HTMLSelectElement>(b, 'speaker-select')!.value, 'the select follows selectDevice()').to.equal(other.deviceId);
          await b.selectDevice('audiooutput', chosen.deviceId);
          await b.updateComplete;
          await until(() => remoteVideo(b).sinkId === chosen.deviceId, `the remote video's sinkId to be ${chosen.label} again`);
          expect(part<HTMLSelectElement>(b, 'speaker-select')!.value, 'the select follows selectDevice() back').to.equal(chosen.deviceId);
          expect(b.state).to.equal('connected');
        });

        it('without HTMLMediaElement.prototype.setSinkId there is no speaker select, and choosing a speaker is harmless', async () => {
          const descriptor = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'setSinkId');
          expect(descriptor, 'Chromium has setSinkId to take away').to.exist;
          delete (HTMLMediaElement.prototype as Partial<HTMLMediaElement>).setSinkId;
          try {
            expect('setSinkId' in HTMLMediaElement.prototype).to.equal(false);
            const [, b] = await connectedPair(variant, withChildren, 'devices');
            await openDevices(b);
            expect(hasPart(b, 'camera-select'), 'the device selects are rendered').to.equal(true);
            expect(hasPart(b, 'microphone-select')).to.equal(true);
            expect(hasPart(b, 'speaker-select'), 'but not the speaker').to.equal(false);
            const fake = (await speakers()).find((d) => d.deviceId !== 'default')!;
            await b.selectDevice('audiooutput', fake.deviceId);
            await b.updateComplete;
            await sleep(200);
            expect(remoteVideo(b).sinkId, 'nothing could set it').to.equal('');
            expect(hasPart(b, 'speaker-select')).to.equal(false);
            expect(b.state).to.equal('connected');
          } finally {
            Object.defineProperty(HTMLMediaElement.prototype, 'setSinkId', descriptor!);
          }
          expect(typeof HTMLMediaElement.prototype.setSinkId).to.equal('function');
        });
      }
    });
  }

  describe(`following devicechange, variant="${variant}"`, () => {
    const media = navigator.mediaDevices;
    const realEnumerate = media.enumerateDevices;
    const realGetUserMedia = media.getUserMedia;
    afterEach(async () => {
      // The stubs are own properties of the MediaDevices object; removing them brings back the real methods.
      delete (media as Partial<MediaDevices>).enumerateDevices;
      delete (media as Partial<MediaDevices>).getUserMedia;
      expect(media.enumerateDevices).to.equal(realEnumerate);
      expect(media.getUserMedia).to.equal(realGetUserMedia);
      await cleanUpCalls();
    });

    /**
     * Chromium cannot unplug a fake camera, so the OS side is faked, as a unit test would: enumerateDevices
     * answers `edit(real list)`, and a `devicechange` Event is dispatched on navigator.mediaDevices. All else
     * is real: getUserMedia, replaceTrack, and the far end's decoder.
     */
    function fakeDeviceChange(edit: (devices: MediaDeviceInfo[]) => MediaDeviceInfo[]): void {
      media.enumerateDevices = async () => edit(await realEnumerate.call(media));
      media.dispatchEvent(new Event('devicechange'));
    }

    /** Records the constraints of every getUserMedia call from now on, and passes them to the real one. */
    function spyGetUserMedia(): MediaStreamConstraints[] {
      const calls: MediaStreamConstraints[] = [];
      media.getUserMedia = (constraints?: MediaStreamConstraints) => {
        calls.push(constraints ?? {});
        return realGetUserMedia.call(media, constraints);
      };
      return calls;
    }

    it('a camera in use that disappears falls back to the default camera; the call stays connected and the far end decodes frames', async () => {
      const [a, b] = await connectedPair(variant, false);
      // Both calls on this page use the one fake camera, so both lose it, and both fall back.
      const before = [a, b].map((call) => call.service.localStream!.getVideoTracks()[0]!);
      const microphones = [a, b].map((call) => call.service.localStream!.getAudioTracks()[0]!);
      const cameraId = before[0]!.getSettings().deviceId!;
      expect(cameraId, 'the camera track has a device id').to.be.a('string').and.not.empty;
      expect(before[1]!.getSettings().deviceId).to.equal(cameraId);
      const gum = spyGetUserMedia();

      fakeDeviceChange((devices) => devices.filter((d) => d.deviceId !== cameraId));
      await until(() => [a, b].every((call, i) => call.service.localStream!.getVideoTracks()[0] !== before[i]), 'new camera tracks');

      // The default camera was asked for: video constraints without a deviceId, once per call, and no
      // microphone was reopened.
      expect(gum, 'one getUserMedia call per call element, for video only').to.have.length(2);
      for (const constraints of gum) {
        expect(constraints.audio).to.equal(undefined);
        expect((constraints.video as MediaTrackConstraints).deviceId).to.equal(undefined);
      }
      for (const [i, call] of [a, b].entries()) {
        // The device list was refreshed from the (faked) OS list before the fallback.
        expect(call.devices.some((d) => d.deviceId === cameraId), 'the gone camera is off the list').to.equal(false);
        expect(call.devices.some((d) => d.kind === 'audiooutput'), 'the rest of the list is there').to.equal(true);
        // Chromium has one fake camera, so "the default camera" is that same device opened anew: a new
        // live track, with the old one released. A real machine would give another device here.
        const after = call.service.localStream!.getVideoTracks()[0]!;
        expect(after.readyState).to.equal('live');
        expect(before[i]!.readyState, 'the old track is released').to.equal('ended');
        expect(call.service.localStream!.getAudioTracks()[0] === microphones[i], 'the microphone, still listed, is kept').to.equal(true);
        expect(microphones[i]!.readyState).to.equal('live');
        const sender = call.service.peerConnection!.getSenders().find((s) => s.track?.kind === 'video');
        await until(() => sender!.track === after, 'the new track to be on the call');
      }

      // The old tracks are stopped, so what each far end decodes now comes from the new ones.
      await waitForDecodedFrames(b, 30);
      await waitForDecodedFrames(a, 30);
      expect(a.state).to.equal('connected');
      expect(b.state).to.equal('connected');
    });

    it('the device list refreshes on devicechange, and a camera still listed is left alone', async () => {
      const [a] = await connectedPair(variant, false);
      const track = a.service.localStream!.getVideoTracks()[0]!;
      const gum = spyGetUserMedia();
      await openDevices(a);
      const cameras = () => [...part<HTMLSelectElement>(a, 'camera-select')!.options].map((o) => o.value);
      expect(cameras()).to.not.include('usb-camera');

      // A camera is plugged in: the OS list gains one (a plain object standing in for a MediaDeviceInfo).
      const plugged = { deviceId: 'usb-camera', groupId: 'usb', kind: 'videoinput', label: 'USB camera', toJSON() {} } as MediaDeviceInfo;
      fakeDeviceChange((devices) => [...devices, plugged]);
      await until(() => a.devices.includes(plugged), 'the service list to gain the new camera');
      await a.updateComplete;
      expect(cameras(), 'the camera select shows it').to.include('usb-camera');
      const option = [...part<HTMLSelectElement>(a, 'camera-select')!.options].find((o) => o.value === 'usb-camera');
      expect(option!.textContent).to.equal('USB camera');

      // And unplugged again.
      fakeDeviceChange((devices) => devices);
      await until(() => !a.devices.includes(plugged), 'the service list to lose it again');
      await a.updateComplete;
      expect(cameras()).to.not.include('usb-camera');

      // The camera in use was listed all along: it was not reopened.
      expect(a.service.localStream!.getVideoTracks()[0] === track, 'the same camera track').to.equal(true);
      expect(track.readyState).to.equal('live');
      expect(gum).to.have.length(0);
      expect(a.state).to.equal('connected');
    });
  });
}
