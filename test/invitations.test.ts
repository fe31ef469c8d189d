// Invitations (contract section 9): alice, on this page, rings bob, on pages of his own (browser contexts
// of their own), through a hub that needs access tokens. Bob's tokens allow only the channel "lobby", so
// the call's fresh channel is open to him only through the accepted invitation.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../src/index.js';
import type { RtcCall } from '../src/index.js';
import { cleanUpCalls, createCall, recordEvents, remoteVideoOf, waitForFrames, waitForState } from './helpers/call-helpers.js';
import { until } from './helpers/media-helpers.js';
import { RemotePage } from './helpers/remote-page.js';

let hub: { id: string; url: string };

/** A reachable call of `user` on a page of its own, recording what it hears of invitations. */
async function person(user: string, hubUrl: string): Promise<RemotePage> {
  const page = await RemotePage.open();
  await page.run(
    async (remote, user, hubUrl) => {
      const call = (remote.calls.me = remote.helpers.createCall('async', ''));
      Object.assign(call, { hubUrl, tokenUrl: `/__rtc-token?sub=${user}&name=${user.toUpperCase()}&channels=lobby`, reachable: true });
      const seen: string[] = (remote.store.seen = []);
      call.addEventListener('rtc-invitation', (e) => seen.push(`invitation from ${e.detail.from} (${e.detail.name}) ${JSON.stringify(e.detail.info)}`));
      call.addEventListener('rtc-invitation-end', (e) => seen.push(`end ${e.detail.reason}`));
      call.addEventListener('rtc-error', (e) => seen.push(`error ${e.detail.message}`));
      await remote.media.until(() => call.service.signaling?.state === 'connected', 'connected to the hub');
    },
    user,
    hubUrl,
  );
  return page;
}

const seen = (page: RemotePage) => page.run((remote) => remote.store.seen as string[]);
const stateOf = (page: RemotePage) => page.run((remote) => remote.calls.me!.state);
const waitForRemoteState = (page: RemotePage, state: string) =>
  page.run((remote, state) => remote.helpers.waitForState(remote.calls.me!, state as never, 15_000), state);

function alice(hubUrl: string): { call: RtcCall; events: Map<string, Event[]> } {
  const call = createCall('async', '');
  Object.assign(call, { hubUrl, tokenUrl: '/__rtc-token?sub=alice&name=Alice&channels=lobby' });
  return { call, events: recordEvents(call, ['rtc-invitation-end', 'rtc-error']) };
}
const ends = (events: Map<string, Event[]>) => events.get('rtc-invitation-end')!.map((e) => (e as CustomEvent).detail.reason);

describe('invitations', function () {
  this.timeout(60_000);

  before(async () => {
    hub = (await executeServerCommand('start-hub', { args: ['--invite-timeout', '3'], auth: true })) as { id: string; url: string };
  });
  after(() => executeServerCommand('stop-hub', { id: hub.id }));
  afterEach(async () => {
    await cleanUpCalls();
    await RemotePage.closeAll();
  });

  it('alice invites bob and bob accepts: both in a fresh channel, connected, frames both ways', async () => {
    const hubUrl = `${hub.url}/messagehub`;
    const bob = await person('bob', hubUrl);
    const a = alice(hubUrl);
    const id = await a.call.invite('bob', { topic: 'standup' });
    expect(a.call.state).to.equal('calling');
    await waitForRemoteState(bob, 'ringing');
    expect(await seen(bob)).to.deep.equal(['invitation from alice (Alice) {"topic":"standup"}']);
    await bob.run((remote) => remote.calls.me!.accept());
    await waitForState(a.call, 'connected', 15_000);
    await waitForRemoteState(bob, 'connected');
    await waitForFrames(remoteVideoOf(a.call));
    await bob.run((remote) => remote.helpers.waitForFrames(remote.helpers.remoteVideoOf(remote.calls.me!)));
    expect(ends(a.events)).to.deep.equal(['accept']);
    expect((await seen(bob)).slice(1)).to.deep.equal(['end accept']);
    expect(a.call.service.config.channel).to.match(/^call-/);
    expect(id).to.be.a('string').and.not.equal('');
  });

  it('bob declines: both end, alice told decline', async () => {
    const hubUrl = `${hub.url}/messagehub`;
    const bob = await person('bob', hubUrl);
    const a = alice(hubUrl);
    await a.call.invite('bob');
    await waitForRemoteState(bob, 'ringing');
    await bob.run((remote) => remote.calls.me!.decline());
    await waitForState(a.call, 'ended');
    expect(ends(a.events)).to.deep.equal(['decline']);
    expect(await stateOf(bob)).to.equal('ended');
    expect((await seen(bob)).slice(1)).to.deep.equal(['end decline']);
  });

  it('bob is already in a call: alice is told busy, and bob\'s call goes on', async () => {
    const hubUrl = `${hub.url}/messagehub`;
    const bob = await person('bob', hubUrl);
    // Bob and carol talk in the lobby, which their tokens allow.
    const carol = await person('carol', hubUrl);
    for (const page of [bob, carol]) {
      await page.run(async (remote) => {
        remote.calls.me!.channel = 'lobby';
        await remote.calls.me!.start();
      });
    }
    await carol.run((remote) => void remote.calls.me!.call());
    await waitForRemoteState(bob, 'connected');
    const a = alice(hubUrl);
    await a.call.invite('bob');
    await waitForState(a.call, 'ended');
    expect(ends(a.events)).to.deep.equal(['busy']);
    expect(await stateOf(bob)).to.equal('connected');
    expect(await seen(bob)).to.deep.equal(['invitation from alice (Alice) null', 'end busy']);
  });

  it('alice cancels: bob stops ringing, told cancelled', async () => {
    const hubUrl = `${hub.url}/messagehub`;
    const bob = await person('bob', hubUrl);
    const a = alice(hubUrl);
    await a.call.invite('bob');
    await waitForRemoteState(bob, 'ringing');
    await a.call.cancel();
    expect(a.call.state).to.equal('ended');
    await waitForRemoteState(bob, 'ended');
    expect(ends(a.events)).to.deep.equal(['cancelled']);
    expect((await seen(bob)).slice(1)).to.deep.equal(['end cancelled']);
  });

  it('nobody answers: both end with timeout after the hub\'s --invite-timeout', async () => {
    const hubUrl = `${hub.url}/messagehub`;
    const bob = await person('bob', hubUrl);
    const a = alice(hubUrl);
    await a.call.invite('bob');
    await waitForRemoteState(bob, 'ringing');
    await waitForState(a.call, 'ended', 10_000);
    await waitForRemoteState(bob, 'ended');
    expect(ends(a.events)).to.deep.equal(['timeout']);
    expect((await seen(bob)).slice(1)).to.deep.equal(['end timeout']);
  });

  it('nobody is signed in as that user: alice is told unavailable at once', async () => {
    const a = alice(`${hub.url}/messagehub`);
    await a.call.invite('nobody-here');
    await waitForState(a.call, 'ended');
    expect(ends(a.events)).to.deep.equal(['unavailable']);
  });

  it('bob on two pages: both ring, one accepts, the other stops ringing, told answered-elsewhere', async () => {
    const hubUrl = `${hub.url}/messagehub`;
    const [phone, laptop] = [await person('bob', hubUrl), await person('bob', hubUrl)];
    const a = alice(hubUrl);
    await a.call.invite('bob');
    await Promise.all([waitForRemoteState(phone, 'ringing'), waitForRemoteState(laptop, 'ringing')]);
    await laptop.run((remote) => remote.calls.me!.accept());
    await waitForState(a.call, 'connected', 15_000);
    await waitForRemoteState(phone, 'ended');
    expect((await seen(phone)).slice(1)).to.deep.equal(['end answered-elsewhere']);
    await until(async () => (await stateOf(laptop)) === 'connected', 'the laptop in the call');
  });

  it('the default page rings with a Web Audio tone while calling and while ringing, and stops at every ending', async () => {
    const hubUrl = `${hub.url}/messagehub`;
    // Every AudioContext the page makes, recorded: the ring tone is real Web Audio, watched from outside.
    const contexts: AudioContext[] = [];
    const Original = window.AudioContext;
    window.AudioContext = class extends Original {
      constructor(options?: AudioContextOptions) {
        super(options);
        contexts.push(this);
      }
    };
    try {
      const ringing = () => contexts.filter((c) => c.state !== 'closed');
      // Out: alice rings bob on the default page (no children); bob declines.
      const bob = await person('bob', hubUrl);
      const call = createCall('async', '', { withChildren: false });
      Object.assign(call, { hubUrl, tokenUrl: '/__rtc-token?sub=alice&name=Alice&channels=lobby', reachable: true });
      await call.invite('bob');
      await until(() => ringing().length === 1, 'the ring tone while calling');
      await bob.run((remote) => remote.calls.me!.decline());
      await waitForState(call, 'ended');
      await until(() => ringing().length === 0, 'the ring tone stopped at decline');

      // In: bob rings alice; bob cancels, then rings again and alice accepts.
      await until(() => call.service.signaling?.state === 'connected', 'alice reachable');
      const ring = () => bob.run((remote) => remote.calls.me!.invite('alice'));
      await ring();
      await waitForState(call, 'ringing');
      await until(() => ringing().length === 1, 'the ring tone while ringing');
      expect(contexts.length).to.equal(2);
      await bob.run((remote) => remote.calls.me!.cancel());
      await waitForState(call, 'ended');
      await until(() => ringing().length === 0, 'the ring tone stopped at cancel');
      await ring();
      await waitForState(call, 'ringing');
      await until(() => ringing().length === 1, 'the ring tone ringing again');
      await call.accept();
      await until(() => ringing().length === 0, 'the ring tone stopped at accept');
      await waitForState(call, 'connected', 15_000);
      expect(contexts.length).to.equal(3);
    } finally {
      window.AudioContext = Original;
    }
  });
});
