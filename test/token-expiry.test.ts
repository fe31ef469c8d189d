// A hub that needs access tokens, and a call whose token expires mid-call (contract section 8): the hub
// closes the connection with "Unauthorized: the access token expired.", the kit fetches a new token from
// token-url and reconnects, signaling comes back, and the media never stops (it goes peer to peer).
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../src/index.js';
import type { CallVariant } from '../src/index.js';
import { cleanUpCalls, createCall, framesDecoded, newChannel, recordEvents, remoteVideoOf, waitForFrames, waitForState } from './helpers/call-helpers.js';
import { paintedStream, until, waitForSignaling } from './helpers/media-helpers.js';

let hub: { id: string; url: string };

before(async () => {
  hub = (await executeServerCommand('start-hub', { args: [], auth: true })) as { id: string; url: string };
});
after(() => executeServerCommand('stop-hub', { id: hub.id }));

for (const variant of ['async', 'then'] as CallVariant[]) {
  describe(`a token that expires mid-call, variant="${variant}"`, function () {
    this.timeout(60_000);
    afterEach(cleanUpCalls);

    it('the hub closes, the kit gets a new token from token-url and reconnects, and the media never stops', async () => {
      const channel = newChannel(`token-${variant}`);
      const a = createCall(variant, channel);
      const b = createCall(variant, channel);
      a.hubUrl = b.hubUrl = `${hub.url}/messagehub`;
      // a's tokens asked for in the next 5 s expire 5 s from now; later ones live an hour, as do all of b's.
      const expiresAt = Math.ceil(Date.now() / 1000) + 5;
      a.tokenUrl = `/__rtc-token?sub=alice&until=${expiresAt}`;
      b.tokenUrl = '/__rtc-token?sub=bob';
      await a.start();
      await b.start();
      await a.call();
      await Promise.all([waitForState(a, 'connected'), waitForState(b, 'connected')]);
      await Promise.all([waitForFrames(remoteVideoOf(a)), waitForFrames(remoteVideoOf(b))]);
      const events = recordEvents(a, ['rtc-error', 'rtc-state-change', 'rtc-signaling-state']);
      const idBefore = a.service.signaling!.connectionId;
      const framesBefore = await framesDecoded(b);

      // At the token's expiry the hub closes a's connection; a reconnects with a new token.
      const tokens = () => performance.getEntriesByType('resource').filter((e) => e.name.includes(`until=${expiresAt}`)).length;
      await waitForSignaling(a, 'reconnecting', 15_000);
      const tokensBefore = tokens();
      await waitForSignaling(a, 'connected', 10_000);
      expect(tokens(), 'a new token was fetched for the reconnect').to.be.greaterThan(tokensBefore);
      expect(a.service.signaling!.connectionId, 'a new connection').to.not.equal(idBefore);

      // The media went on throughout, peer to peer, both ways.
      expect((await framesDecoded(b)) - framesBefore, 'frames at b across the reconnect').to.be.greaterThan(10);
      await waitForFrames(remoteVideoOf(a));
      expect([a.state, b.state]).to.deep.equal(['connected', 'connected']);
      expect(events.get('rtc-state-change')!.map((e) => (e as CustomEvent).detail.state), 'the call never left connected').to.deep.equal([]);
      expect(events.get('rtc-error')!.map((e) => (e as CustomEvent).detail.message)).to.deep.equal([]);

      // Signaling works again: b learns a's new id, and a renegotiation (a track added) gets through the hub.
      await until(() => b.peers[0]?.id === a.service.signaling!.connectionId, "b learns a's new id", 5_000);
      const screen = paintedStream('#a27');
      const arrived = new Promise((resolve) => b.service.peerConnection!.addEventListener('track', resolve, { once: true }));
      a.service.peerConnection!.addTrack(screen.getVideoTracks()[0]!, screen);
      await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error('no renegotiated track within 10 s')), 10_000))]);
      screen.getTracks().forEach((t) => t.stop());
    });
  });
}

describe('a hub that needs access tokens', function () {
  this.timeout(30_000);
  afterEach(cleanUpCalls);

  it('without a token, start() fails with an unauthorized rtc-error', async () => {
    const a = createCall('async', newChannel('no-token'));
    a.hubUrl = `${hub.url}/messagehub`;
    const errors = recordEvents(a, ['rtc-error']).get('rtc-error')!;
    const failure = await a.start().then(() => null, (error) => error);
    expect(failure?.code).to.equal('unauthorized');
    expect(errors.map((e) => (e as CustomEvent).detail.code)).to.deep.equal(['unauthorized']);
    expect(a.state).to.equal('failed');
  });

  it('with a token-url that cannot give one, start() fails with an unauthorized rtc-error that names it', async () => {
    const a = createCall('async', newChannel('bad-token-url'));
    a.hubUrl = `${hub.url}/messagehub`;
    a.tokenUrl = '/no-such-token-route';
    const failure = await a.start().then(() => null, (error) => error);
    expect(failure?.code).to.equal('unauthorized');
    expect(failure?.message).to.contain('/no-such-token-route');
  });

  it('with accessTokenFactory instead of token-url, the call connects', async () => {
    const channel = newChannel('factory');
    const [a, b] = [createCall('async', channel), createCall('async', channel)];
    for (const call of [a, b]) {
      call.hubUrl = `${hub.url}/messagehub`;
      call.accessTokenFactory = () => fetch(`/__rtc-token?sub=${call === a ? 'ann' : 'ben'}`).then((r) => r.json()).then((j) => j.token);
    }
    await a.start();
    await b.start();
    await a.call();
    await waitForState(b, 'connected');
  });
});
