// The reconnect paths of the SignalR client as dist/rtc-kit.js ships it. rollup.config.mjs cuts parts
// of @microsoft/signalr out of the browser bundles (signalrForBrowsers, signalrUnusedParts), and the
// tests that import src/ run the untouched package: these run the cut one. A hub that restarts, and an
// access token that expires mid-call: each client reconnects (its own retry policy, a new token), joins
// its channel again, and the other peer learns its new id from the hub.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { RtcCall } from '../src/index.js';
import { bundleChannel, openBundlePage, remoteVideoOf, until, waitForState, type BundlePage } from './helpers/bundle-page.js';

/** Every `rtc-signaling-state` the call fires from now on, in order. */
function signalingStates(call: RtcCall): string[] {
  const states: string[] = [];
  call.addEventListener('rtc-signaling-state', (event) => states.push(event.detail.state));
  return states;
}

/** Both calls connected to each other, with video both ways. */
async function connect(page: BundlePage): Promise<void> {
  const [a, b] = page.calls;
  await a.start();
  await b.start();
  await a.call();
  await Promise.all([waitForState(a, 'connected'), waitForState(b, 'connected')]);
  await until(() => remoteVideoOf(a).videoWidth > 0 && remoteVideoOf(b).videoWidth > 0, 'video both ways');
}

describe('dist/rtc-kit.js when the link to the hub is lost', function () {
  this.timeout(60_000);
  let page: BundlePage | null = null;
  let hubId: string | null = null;
  afterEach(async () => {
    await page?.close();
    page = null;
    if (hubId) await executeServerCommand('stop-hub', { id: hubId });
    hubId = null;
  });

  it('reconnects both clients after the hub restarts, and each learns the other one\'s new id', async () => {
    const hub = (await executeServerCommand('start-hub', { args: [] })) as { id: string; url: string };
    hubId = hub.id;
    page = await openBundlePage('module', bundleChannel('module'));
    const [a, b] = page.calls;
    a.hubUrl = b.hubUrl = `${hub.url}/messagehub`;
    await connect(page);
    const states = [a, b].map(signalingStates);
    const before = [a, b].map((call) => call.service.signaling!.connectionId);

    await executeServerCommand('pause-service', { id: hubId });
    await until(() => states.every((s) => s.includes('reconnecting')), 'both clients reconnecting');
    await executeServerCommand('resume-service', { id: hubId });
    await until(() => states.every((s) => s.at(-1) === 'connected'), 'both clients connected again', 30_000);

    const after = [a, b].map((call) => call.service.signaling!.connectionId);
    expect(after[0]).to.not.equal(before[0]);
    expect(after[1]).to.not.equal(before[1]);
    // Join invoked again on the new connections, and the hub's announcements received.
    await until(() => a.peers[0]?.id === after[1] && b.peers[0]?.id === after[0], 'each learns the new id of the other');
    expect([a.state, b.state]).to.deep.equal(['connected', 'connected']);
    expect(page.errors).to.deep.equal([]);
  });

  it('reconnects with a new token from token-url when the hub closes for an expired one', async () => {
    const hub = (await executeServerCommand('start-hub', { args: [], auth: true })) as { id: string; url: string };
    hubId = hub.id;
    page = await openBundlePage('module', bundleChannel('module'));
    const [a, b] = page.calls;
    a.hubUrl = b.hubUrl = `${hub.url}/messagehub`;
    // a's tokens asked for in the next 5 s expire 5 s from now; later ones live an hour, as do all of b's.
    const expiresAt = Math.ceil(Date.now() / 1000) + 5;
    a.tokenUrl = `/__rtc-token?sub=alice&until=${expiresAt}`;
    b.tokenUrl = '/__rtc-token?sub=bob';
    await connect(page);
    const states = signalingStates(a);
    const idBefore = a.service.signaling!.connectionId;
    const win = page.win;
    const tokens = () => win.performance.getEntriesByType('resource').filter((e) => e.name.includes(`until=${expiresAt}`)).length;
    // Counted as `reconnecting` is announced, before the reconnect can fetch: read after a poll instead, the
    // count could already hold the new token (the first retry goes at once), and the test failed so.
    let tokensBefore = -1;
    a.addEventListener('rtc-signaling-state', (event) => {
      if (event.detail.state === 'reconnecting' && tokensBefore < 0) tokensBefore = tokens();
    });

    await until(() => states.includes('reconnecting'), 'a reconnecting at its token\'s expiry', 15_000);
    await until(() => states.at(-1) === 'connected', 'a connected again');
    expect(tokensBefore, 'the first connection fetched its token').to.be.greaterThan(0);
    expect(tokens(), 'a new token was fetched for the reconnect').to.be.greaterThan(tokensBefore);
    const idAfter = a.service.signaling!.connectionId;
    expect(idAfter, 'a new connection').to.not.equal(idBefore);
    await until(() => b.peers[0]?.id === idAfter, "b learns a's new id");
    expect([a.state, b.state]).to.deep.equal(['connected', 'connected']);
    expect(page.errors).to.deep.equal([]);
  });
});
