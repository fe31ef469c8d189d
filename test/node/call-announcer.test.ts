// What the call screen's live region says, from a series of service snapshots (CallAnnouncer), and the
// call screen's modules in Node: they must import, and render a template, without a DOM.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallAnnouncer, errorText } from '../../src/components/call-screen/announcer.js';
import type { CallScreenService, Localize, ScreenPeer, ScreenState } from '../../src/components/call-screen/types.js';
import es from '../../src/localize/es.js';
import { en, type Strings } from '../../src/localize/strings.js';

/** The Localize a template gets, over a plain table, without a host. */
function localize(table: Partial<Strings>): Localize {
  return {
    lang: 'en',
    dir: 'ltr',
    t: (key, values) => (table[key] ?? '').replace(/\{(\w+)\}/g, (hole, name: string) => values?.[name] ?? hole),
    number: (n) => String(n),
    duration: (ms) => `${Math.round(ms / 1000)}s`,
  };
}

const peer = (id: string, name: string | null, state: ScreenPeer['state'] = 'connected'): ScreenPeer => ({ id, name, state, stream: null, stats: null });

function service(state: ScreenState, peers: ScreenPeer[] = [], extra: Partial<CallScreenService> = {}): CallScreenService {
  return { state, peers, error: null, localStream: null, audioMuted: false, videoMuted: false, screenStream: null, devices: [], sinkId: '', invitation: null, ...extra };
}

describe('CallAnnouncer', () => {
  const l = localize(en);

  it('says nothing about what it first sees, then each change once', () => {
    const a = new CallAnnouncer();
    assert.equal(a.update(service('connected', [peer('a', 'Ana'), peer('b', 'Bo')]), l), '');
    assert.equal(a.update(service('connected', [peer('a', 'Ana'), peer('b', 'Bo')]), l), '', 'nothing changed');
    assert.equal(a.update(service('connected', [peer('a', 'Ana')]), l), 'Bo left.');
    assert.equal(a.update(service('connected', [peer('a', 'Ana')]), l), 'Bo left.', 'the last words stay until the next');
    assert.equal(a.update(service('reconnecting', [peer('a', 'Ana', 'reconnecting')]), l), 'Reconnecting…');
    assert.equal(a.update(service('connected', [peer('a', 'Ana')]), l), 'Connected.');
  });

  it('says a peer joined once it is connected, by the name it has by then, and the name it had when it leaves', () => {
    const a = new CallAnnouncer();
    a.update(service('connected', [peer('a', 'Ana')]), l);
    assert.equal(a.update(service('connected', [peer('a', 'Ana'), peer('c', null, 'connecting')]), l), '');
    assert.equal(a.update(service('connected', [peer('a', 'Ana'), peer('c', null)]), l), 'Guest joined.');
    a.update(service('connected', [peer('a', 'Ana'), peer('c', 'Cy')]), l);
    assert.equal(a.update(service('connected', [peer('a', 'Ana'), { ...peer('c', null), name: undefined }]), l), 'Guest joined.', 'a name once known is kept');
    assert.equal(a.update(service('connected', [peer('a', 'Ana')]), l), 'Cy left.');
    assert.equal(a.update(service('connected', [peer('a', 'Ana'), peer('d', 'Di'), peer('e', 'Ed')]), l), 'Di joined. Ed joined.');
  });

  it('a call that ends says so, not that everyone left; and times the call', (t) => {
    let now = 1_000_000;
    t.mock.method(Date, 'now', () => now);
    const a = new CallAnnouncer();
    a.update(service('connecting'), l);
    assert.equal(a.update(service('connected', [peer('a', 'Ana')]), l), 'Ana joined. Connected.');
    now += 65_000;
    a.update(service('reconnecting', [peer('a', 'Ana', 'reconnecting')]), l);
    a.update(service('connected', [peer('a', 'Ana')]), l);
    now += 1_000;
    assert.equal(a.update(service('ended'), l), 'Call ended');
    assert.equal(a.duration, 66_000, 'from the first connection, through a reconnection, to the end');
    a.update(service('ready'), l);
    assert.equal(a.update(service('ended'), l), 'Call ended');
    assert.equal(a.duration, null, 'a call that never connected has no length');
  });

  it('says who is ringing, and what failed: in the table\'s words for its code, else the error\'s own', () => {
    const a = new CallAnnouncer();
    a.update(service('idle'), l);
    assert.equal(a.update(service('ringing', [], { invitation: { direction: 'incoming', name: 'Ana', from: 'ana' } }), l), 'Ana is calling');
    assert.equal(a.update(service('ringing', [], { invitation: { direction: 'incoming', name: null, from: 'x' } }), l), 'Ana is calling', 'no change, no words');
    const error = { code: 'channel-full', message: "Channel 'x' is full." };
    assert.equal(a.update(service('failed', [], { error }), l), "Channel 'x' is full.");
    assert.equal(errorText(error, localize(es)), 'Esta llamada está completa.');
    assert.equal(errorText({ code: 'some-new-code', message: 'Something new.' }, localize(es)), 'Something new.');
  });
});

describe('the call screen in Node', () => {
  it('imports, and renders a template for every state, without a DOM', async () => {
    assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
    const { callScreen } = await import('../../src/components/call-screen/call-screen.js');
    await import('../../src/components/call-screen/call-screen.styles.js');
    await import('../../src/components/call-screen/call-screen-controller.js');
    await import('../../src/components/rtc-peer-grid/rtc-peer-grid.js');
    await import('../../src/components/rtc-precall/rtc-precall.js');
    const noop = () => {};
    const actions = { start: noop, call: noop, hangup: noop, setMuted: noop, shareScreen: noop, selectDevice: noop, menu: noop, accept: noop, decline: noop, cancel: noop };
    for (const state of ['idle', 'ready', 'connecting', 'connected', 'reconnecting', 'calling', 'ringing', 'ended', 'failed'] as const) {
      const view = { service: service(state, [peer('a', 'Ana')]), menu: false, deviceMenu: null, announcement: '', duration: null };
      assert.ok(callScreen(view, actions, localize(en)).strings.length > 0, state);
    }
  });
});
