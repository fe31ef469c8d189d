// One behaviour suite, run against both variants: two <rtc-call> elements, each with its own service,
// call each other through the real hub in real Chromium with the fake camera.
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { CallVariant } from '../src/index.js';
import { cleanUpCalls, createCall, newChannel, recordEvents, remoteVideoOf, waitForFrames, waitForState } from './helpers/call-helpers.js';
import { connectedPair, until } from './helpers/media-helpers.js';

for (const variant of ['async', 'then'] as CallVariant[]) {
  describe(`<rtc-call variant="${variant}">`, () => {
    afterEach(cleanUpCalls);

    it('call() on one side brings both to connected, and each side shows live remote video', async () => {
      const channel = newChannel(variant);
      const a = createCall(variant, channel);
      const b = createCall(variant, channel);
      const eventsA = recordEvents(a, ['rtc-state-change', 'rtc-remote-stream', 'rtc-error']);
      const eventsB = recordEvents(b, ['rtc-state-change', 'rtc-remote-stream', 'rtc-error']);
      await a.start();
      await b.start();
      expect(a.state).to.equal('ready');
      expect(b.state).to.equal('ready');

      // Only a calls; b answers by itself.
      await a.call();
      expect(a.state).to.equal('connected');
      await waitForState(b, 'connected');
      expect(a.getAttribute('state')).to.equal('connected');

      await waitForFrames(remoteVideoOf(a));
      await waitForFrames(remoteVideoOf(b));
      expect(remoteVideoOf(a).videoWidth).to.be.greaterThan(0);
      expect(remoteVideoOf(b).videoWidth).to.be.greaterThan(0);

      const states = (events: Map<string, Event[]>) =>
        events.get('rtc-state-change')!.map((e) => (e as CustomEvent).detail.state);
      expect(states(eventsA)).to.deep.equal(['ready', 'connecting', 'connected']);
      expect(states(eventsB)).to.deep.equal(['ready', 'connecting', 'connected']);
      expect(eventsA.get('rtc-remote-stream')!.length).to.be.greaterThan(0);
      expect(eventsB.get('rtc-remote-stream')!.length).to.be.greaterThan(0);
      expect(eventsA.get('rtc-error')).to.have.length(0);
      expect(eventsB.get('rtc-error')).to.have.length(0);
    });

    it('hangup() on one side ends the call on both, and a second hangup() is harmless', async () => {
      const channel = newChannel(variant);
      const a = createCall(variant, channel);
      const b = createCall(variant, channel);
      await a.start();
      await b.start();
      await b.call();
      await waitForState(a, 'connected');

      const leaves: Event[] = [];
      b.addEventListener('rtc-peer-leave', (e) => leaves.push(e));
      await a.hangup();
      expect(a.state).to.equal('ended');
      await waitForState(b, 'ended', 5_000);
      expect(leaves.length).to.be.greaterThan(0);
      expect(remoteVideoOf(b).srcObject).to.equal(null);

      await a.hangup();
      await b.hangup();
      await b.hangup();
      expect(a.state).to.equal('ended');
      expect(b.state).to.equal('ended');
      expect(a.service.localStream).to.equal(null, 'the camera is released');
    });

    it('removing the element from the page ends its call, frees the camera, and the peer sees the end', async () => {
      const channel = newChannel(variant);
      const a = createCall(variant, channel);
      const b = createCall(variant, channel);
      await a.start();
      await b.start();
      await a.call();
      await waitForState(b, 'connected');
      const service = a.service;
      const track = service.localStream!.getVideoTracks()[0]!;
      a.remove();
      await waitForState(b, 'ended', 5_000);
      expect(service.state).to.equal('ended');
      expect(track.readyState).to.equal('ended', 'the camera track is stopped');
    });

    it('removing an element whose call ended when its peer left frees its camera too', async () => {
      const [a, b] = await connectedPair(variant);
      const service = b.service;
      const track = service.localStream!.getVideoTracks()[0]!;
      await a.hangup();
      await waitForState(b, 'ended', 5_000);
      // Still on the page, b keeps its camera, to answer whoever calls next.
      expect(track.readyState).to.equal('live');
      b.remove();
      await until(() => track.readyState === 'ended', 'the camera track stopped', 5_000);
      expect(service.localStream).to.equal(null);
    });

    it('moving the element within the page keeps its call', async () => {
      const channel = newChannel(variant);
      const a = createCall(variant, channel);
      const b = createCall(variant, channel);
      await a.start();
      await b.start();
      await a.call();
      await waitForState(b, 'connected');
      const box = document.createElement('div');
      document.body.append(box);
      box.append(a);
      await new Promise((r) => setTimeout(r, 200));
      expect(a.state).to.equal('connected');
      expect(b.state).to.equal('connected');
      box.remove();
    });

    it('after hanging up, the same element can call again', async () => {
      const channel = newChannel(variant);
      const a = createCall(variant, channel);
      const b = createCall(variant, channel);
      await a.start();
      await b.start();
      await a.call();
      await waitForState(b, 'connected');
      await a.hangup();
      await waitForState(b, 'ended', 5_000);
      await a.call();
      expect(a.state).to.equal('connected');
      await waitForState(b, 'connected');
      await waitForFrames(remoteVideoOf(a));
      await waitForFrames(remoteVideoOf(b));
    });

    it('a repeated Join by the peer does not disturb a call in progress', async () => {
      const channel = newChannel(variant);
      const a = createCall(variant, channel);
      const b = createCall(variant, channel);
      await a.start();
      await b.start();
      await a.call();
      await waitForState(b, 'connected');
      const changes: Event[] = [];
      a.addEventListener('rtc-state-change', (e) => changes.push(e));
      await b.service.signaling!.invoke('Join', channel);
      await b.service.signaling!.invoke('Join', channel);
      await new Promise((r) => setTimeout(r, 300));
      expect(changes).to.have.length(0);
      expect(a.state).to.equal('connected');
      await waitForFrames(remoteVideoOf(a));
    });
  });
}
