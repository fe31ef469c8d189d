// Every <rtc-call> owns its own service (contract section 4): calls written in plain HTML, with no
// script but start() and call(), never mix, whether they call each other or each calls someone else.
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { RtcCall } from '../src/index.js';
import { cleanUpCalls, newChannel, waitForFrames, waitForState } from './helpers/call-helpers.js';
import { RemotePage } from './helpers/remote-page.js';
import { hubUrl } from '/__rtc-test-env.js';

/** Writes the calls into the page as HTML, as a page author would, and returns them. */
function writeCalls(...channels: string[]): RtcCall[] {
  const host = document.createElement('div');
  host.innerHTML = channels.map((channel) => `<rtc-call hub-url="${hubUrl}/messagehub" channel="${channel}" style="display: inline-block; width: 380px"></rtc-call>`).join('');
  document.body.append(host);
  return [...host.querySelectorAll('rtc-call')];
}

/** The default page's remote video of a call. */
function remoteVideo(call: RtcCall): HTMLVideoElement {
  const video = call.shadowRoot!.querySelector('rtc-remote-video')?.shadowRoot?.querySelector('video');
  if (!video) throw new Error('no remote video on the default page');
  return video;
}

describe('a service per <rtc-call>', function () {
  this.timeout(60_000);
  afterEach(async () => {
    await cleanUpCalls();
    await RemotePage.closeAll();
    for (const host of document.querySelectorAll('div:empty')) host.remove();
  });

  it('two calls written in HTML on one page, in one channel, call each other: connected, with frames on both', async () => {
    const [a, b] = writeCalls(...Array(2).fill(newChannel('plain')));
    expect(a.service).to.not.equal(b.service, 'each made its own service');
    await a.start();
    await b.start();
    await a.call();
    await Promise.all([waitForState(a, 'connected'), waitForState(b, 'connected')]);
    await Promise.all([waitForFrames(remoteVideo(a)), waitForFrames(remoteVideo(b))]);
    expect(a.peers.map((p) => p.id)).to.deep.equal([b.service.signaling!.connectionId]);
    expect(b.peers.map((p) => p.id)).to.deep.equal([a.service.signaling!.connectionId]);
  });

  it('two calls on one page in two channels, each calling a person on another page: two independent calls', async () => {
    const channels = [newChannel('one'), newChannel('two')];
    const people = await Promise.all(channels.map(() => RemotePage.open()));
    const ids = await Promise.all(
      people.map((person, i) =>
        person.run(
          async (remote, channel) => {
            const call = (remote.calls.c = remote.helpers.createCall('async', channel));
            await call.start();
            return call.service.signaling!.connectionId!;
          },
          channels[i]!,
        ),
      ),
    );
    const calls = writeCalls(...channels);
    await Promise.all(calls.map((call) => call.start()));
    await Promise.all(calls.map((call) => call.call()));
    await Promise.all(calls.map((call) => waitForState(call, 'connected')));
    await Promise.all(calls.map((call) => waitForFrames(remoteVideo(call))));
    // Each call talks to its own person, and only to them.
    expect(calls.map((call) => call.peers.map((p) => p.id))).to.deep.equal([[ids[0]], [ids[1]]]);
    const theirs = await Promise.all(
      people.map((person) =>
        person.run(async (remote) => {
          const call = remote.calls.c!;
          await remote.helpers.waitForState(call, 'connected');
          await remote.helpers.waitForFrames(remote.helpers.remoteVideoOf(call));
          return call.peers.map((p) => p.id);
        }),
      ),
    );
    expect(theirs).to.deep.equal(calls.map((call) => [call.service.signaling!.connectionId]));
    // One hangs up; the other call goes on.
    await calls[0]!.hangup();
    await waitForFrames(remoteVideo(calls[1]!));
    expect(calls[1]!.state).to.equal('connected');
  });
});
