// The call screen, the default page of <rtc-call>, in real calls through the real hub: a keyboard-only walk
// through a whole call between two pages, and a four-person group call whose default page shows three
// remote tiles and announces a peer who leaves. The states, languages and themes are tested with a fake
// service in src/components/call-screen/call-screen.test.ts.
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../src/index.js';
import type { RtcCall } from '../src/index.js';
import { cleanUpCalls, createCall, newChannel, waitForFrames, waitForState } from './helpers/call-helpers.js';
import { createMember, waitForPeers } from './helpers/group-helpers.js';
import { until } from './helpers/media-helpers.js';
import { RemotePage } from './helpers/remote-page.js';

const part = (call: RtcCall, name: string) => call.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
/** The element that has keyboard focus inside the call's shadow root. */
const focused = (call: RtcCall) => call.shadowRoot!.activeElement as HTMLElement | null;
const partOf = (el: Element | null) => el?.getAttribute('part') ?? `${el?.localName ?? 'nothing'} without a part`;

describe('the call screen in real calls', function () {
  this.timeout(90_000);
  afterEach(async () => {
    await cleanUpCalls();
    await RemotePage.closeAll();
  });

  it('a keyboard-only walk through a whole call between two pages: start, call, mute, devices, hang up', async () => {
    const channel = newChannel('keyboard');
    const peer = await RemotePage.open();
    await peer.run(async (remote, channel) => {
      const call = (remote.calls.b = remote.helpers.createCall('async', channel));
      await call.start();
    }, channel);
    const a = createCall('async', channel, { withChildren: false });
    a.style.width = '640px';
    await a.updateComplete;
    const press = async (key: string) => {
      await sendKeys({ press: key });
      await a.updateComplete;
    };

    // The page has nothing else to focus: the first Tab reaches Start, with a visible focus ring.
    await press('Tab');
    expect(partOf(focused(a))).to.equal('start-button');
    expect(getComputedStyle(focused(a)!).outlineStyle).to.equal('solid');
    await press('Enter');
    await waitForState(a, 'ready');
    await a.updateComplete;
    // Start went away with the start panel; focus moved to Call, which replaced it.
    await until(() => partOf(focused(a)) === 'call-button', 'focus on Call');
    await press('Enter');
    await waitForState(a, 'connected');
    await a.updateComplete;
    // Call went away; focus is on the first control of the bar, the microphone.
    await until(() => partOf(focused(a)) === 'mute-audio-button', 'focus on the microphone');
    await press('Space');
    await until(() => a.audioMuted, 'the microphone muted');
    await a.updateComplete;
    expect(focused(a)!.getAttribute('aria-pressed')).to.equal('true');
    expect(a.service.localStream!.getAudioTracks().every((track) => !track.enabled), 'no sound goes out').to.equal(true);

    // Camera, screen, devices.
    await press('Tab');
    await press('Tab');
    await press('Tab');
    expect(partOf(focused(a))).to.equal('devices-button');
    await press('Enter');
    await until(() => !!part(a, 'camera-select'), 'the devices menu');
    await a.updateComplete;
    expect(focused(a)!.getAttribute('aria-expanded')).to.equal('true');
    await press('Tab');
    expect(partOf(focused(a)), 'the menu comes next in the order').to.equal('camera-select');
    const camera = a.service.localStream!.getVideoTracks()[0]!.getSettings().deviceId;
    expect((focused(a) as HTMLSelectElement).value, 'the select shows the camera in use').to.equal(camera);
    await press('Escape');
    expect(part(a, 'devices-menu'), 'Escape closes the menu').to.equal(null);
    expect(partOf(focused(a)), 'and gives focus back to its button').to.equal('devices-button');

    await press('Tab');
    expect(partOf(focused(a))).to.equal('hangup-button');
    await press('Enter');
    await waitForState(a, 'ended');
    await a.updateComplete;
    await until(() => partOf(focused(a)) === 'start-button', 'focus on Start again');
    expect(focused(a)!.textContent!.trim()).to.equal('Start again');
    // The other side saw the call end: its last peer left.
    const remoteState = await peer.run(async (remote) => {
      await remote.helpers.waitForState(remote.calls.b!, 'ended');
      return remote.calls.b!.state;
    });
    expect(remoteState).to.equal('ended');
  });

  describe('a four-person group call', function () {
    let pages: RemotePage[] = [];
    before(async () => {
      pages = await Promise.all([RemotePage.open(), RemotePage.open(), RemotePage.open()]);
    });
    after(() => RemotePage.closeAll());
    afterEach(async () => {
      await Promise.all(pages.map((page) => page.run(async (remote) => void (await remote.calls.member?.hangup()))));
      await Promise.all(pages.map((page) => page.run((remote) => void remote.calls.member?.remove())));
    });

    it('the default page shows three remote tiles with live video, and the live region announces a peer who leaves', async () => {
      const channel = newChannel('screen-group');
      await Promise.all(
        pages.map((page) =>
          page.run(async (remote, channel) => {
            const call = (remote.calls.member = remote.group.createMember(channel));
            await call.start();
          }, channel),
        ),
      );
      const a = createMember(channel);
      a.style.width = '640px';
      await a.start();
      await a.call();
      await waitForPeers(a, 3, 20_000);
      await a.updateComplete;

      // Several peers make a grid: <rtc-peer-grid>, a chunk, with one tile per peer.
      const grid = part(a, 'grid')!;
      expect(grid?.localName).to.equal('rtc-peer-grid');
      const tiles = () => [...(grid.shadowRoot?.querySelectorAll<HTMLElement>('[part~="tile"]') ?? [])];
      await until(() => tiles().length === 3, 'three tiles');
      expect(tiles().map((tile) => tile.dataset.peer).sort()).to.deep.equal(a.peers.map((p) => p.id).sort());
      const videos = tiles().map((tile) => tile.querySelector('rtc-remote-video')!.shadowRoot!.querySelector('video')!);
      await Promise.all(videos.map((video) => waitForFrames(video, 3, 15_000)));
      // The self-view is there too, small.
      expect(part(a, 'self-view')!.getBoundingClientRect().width).to.be.below(grid.getBoundingClientRect().width / 3);

      // One of them hangs up: the live region says so, and two tiles stay.
      const live = a.shadowRoot!.querySelector('[role="status"]')!;
      await pages[0]!.run(async (remote) => void (await remote.calls.member!.hangup()));
      await until(() => a.peers.length === 2, 'the peer to leave');
      await a.updateComplete;
      await until(() => / left\.$/.test(live.textContent!.trim()), `the live region to announce it (says "${live.textContent}")`);
      expect(live.getAttribute('role')).to.equal('status');
      await until(() => tiles().length === 2, 'two tiles');
      expect(a.state).to.equal('connected');
    });
  });
});
