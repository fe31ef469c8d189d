// <rtc-peer-grid> inside <rtc-call>, with the stories as fixtures and the fake service.
import { expect, fixture } from '@open-wc/testing';
import { FakeCallService } from '../../../stories/fake-call-service.js';
import * as stories from '../../../stories/rtc-peer-grid.stories.js';
import meta, { gridService, renderGrid, type RtcPeerGridArgs, type RtcPeerGridStory } from '../../../stories/rtc-peer-grid.stories.js';
import { settle, streamName } from '../../../stories/story-fixture.js';
import { testForLitDevWarnings } from '../../../test/fakes/lit-dev-warnings.js';
import { until } from '../../../test/helpers/media-helpers.js';
import type RtcPeerGrid from './rtc-peer-grid.js';
import './rtc-peer-grid.js';

const services: FakeCallService[] = [];

async function show(story: RtcPeerGridStory, args: Partial<RtcPeerGridArgs> = {}) {
  const all = { ...meta.args, ...story.args, ...args };
  const service = gridService(all);
  services.push(service);
  const call = await fixture<HTMLElement>(renderGrid(all, { loaded: { service } }));
  const grid = call.querySelector('rtc-peer-grid')!;
  await settle(call);
  return { call, grid, service, root: grid.shadowRoot! };
}

const tiles = (root: ShadowRoot) => [...root.querySelectorAll<HTMLElement>('[part~="tile"]')];
/** The tiles as rows of peer ids, by where they are drawn. */
function rows(root: ShadowRoot): string[][] {
  const byTop = new Map<number, string[]>();
  for (const tile of tiles(root)) {
    const top = Math.round(tile.getBoundingClientRect().top);
    byTop.set(top, [...(byTop.get(top) ?? []), tile.dataset.peer!]);
  }
  return [...byTop.entries()].sort(([a], [b]) => a - b).map(([, ids]) => ids);
}

afterEach(() => {
  for (const service of services.splice(0)) service.dispose();
});

describe('<rtc-peer-grid>', () => {
  it("takes the call's service through context and shows each peer's video in its tile, in an open shadow root", async () => {
    const { call, grid, service, root } = await show(stories.Four);
    expect((grid as RtcPeerGrid).service === (call as unknown as { service: unknown }).service).to.equal(true);
    expect(tiles(root).map((t) => t.dataset.peer)).to.deep.equal(['p1', 'p2', 'p3', 'p4']);
    for (const tile of tiles(root)) {
      const video = tile.querySelector('rtc-remote-video')!.shadowRoot!.querySelector('video')!;
      expect(streamName(video.srcObject)).to.equal(streamName(service.streamOf(tile.dataset.peer!)));
    }
    expect(tiles(root).map((t) => t.querySelector('[part~="name"]')!.textContent!.trim())).to.deep.equal(['Alex', 'Bea', 'Chen', 'Dana Okonkwo-Villanueva']);
    expect(tiles(root).map((t) => !!t.querySelector('[part~="muted-badge"]'))).to.deep.equal([false, true, false, false]);
    expect(tiles(root).map((t) => t.querySelector('[part~="quality"]')!.getAttribute('data-level'))).to.deep.equal(['good', 'fair', 'poor', 'good']);
    await expect(grid).to.be.accessible();
  });

  it('adds and removes tiles as peers come and go, keeping the others as they are', async () => {
    const { call, service, root } = await show(stories.Two);
    const [alex, bea] = tiles(root);
    service.join({ id: 'p7', name: 'Gus' });
    await settle(call);
    expect(tiles(root).map((t) => t.dataset.peer)).to.deep.equal(['p1', 'p2', 'p7']);
    service.leave('p1');
    await settle(call);
    expect(tiles(root).map((t) => t.dataset.peer)).to.deep.equal(['p2', 'p7']);
    expect(tiles(root)[0]).to.equal(bea);
    expect(alex.isConnected).to.equal(false);
    service.updatePeer('p2', { name: 'Beatriz', audioMuted: false });
    await settle(call);
    expect(tiles(root)[0].querySelector('[part~="name"]')!.textContent!.trim()).to.equal('Beatriz');
    expect(tiles(root)[0].querySelector('[part~="muted-badge"]')).to.equal(null);
    await service.hangup();
    await settle(call);
    expect(tiles(root)).to.deep.equal([]);
  });

  describe('rearranges for one to five peers', () => {
    const wide: Array<[RtcPeerGridStory, string[][]]> = [
      [stories.One, [['p1']]],
      [stories.Two, [['p1', 'p2']]],
      [stories.Three, [['p1', 'p2'], ['p3']]],
      [stories.Four, [['p1', 'p2'], ['p3', 'p4']]],
      [stories.Five, [['p1', 'p2', 'p3'], ['p4', 'p5']]],
    ];
    for (const [story, expected] of wide) {
      it(`${story.args!.peers} at 800 px: ${JSON.stringify(expected)}, filling the box`, async () => {
        const { grid, root } = await show(story);
        expect(rows(root)).to.deep.equal(expected);
        const box = grid.getBoundingClientRect();
        const last = tiles(root).at(-1)!.getBoundingClientRect();
        expect(last.bottom).to.be.closeTo(box.bottom, 1);
        expect(Math.max(...tiles(root).map((t) => t.getBoundingClientRect().right))).to.be.closeTo(box.right, 1);
      });
    }
    it('at 360 px two peers stack, and five take two columns', async () => {
      expect(rows((await show(stories.Narrow, { peers: 2 })).root)).to.deep.equal([['p1'], ['p2']]);
      expect(rows((await show(stories.Narrow)).root)).to.deep.equal([['p1', 'p2'], ['p3', 'p4'], ['p5']]);
    });
  });

  it('speaks the page\'s language, right to left in Arabic, and takes `strings` over it', async () => {
    const { grid, root } = await show(stories.Arabic);
    const bea = tiles(root)[1];
    const badge = () => bea.querySelector('[part~="muted-badge"]')!.getAttribute('aria-label');
    // Arabic loads on first use; until then the tiles speak English.
    await until(() => badge() !== 'Microphone off', 'the Arabic strings');
    expect(badge()).to.equal('الميكروفون مكتوم');
    expect(getComputedStyle(bea).direction).to.equal('rtl');
    expect(bea.querySelector('[part~="name"]')!.getBoundingClientRect().right).to.be.closeTo(bea.getBoundingClientRect().right - 8, 1);
    (grid as RtcPeerGrid).strings = { micOff: 'Muet' };
    await settle(grid);
    expect(bea.querySelector('[part~="muted-badge"]')!.getAttribute('aria-label')).to.equal('Muet');
    await expect(grid).to.be.accessible();
  });

  testForLitDevWarnings(
    async () => (await show(stories.Four)).call,
    async (call) => {
      const service = (call as unknown as { service: FakeCallService }).service;
      service.leave('p2');
      service.join({ id: 'p8', name: 'Hana' });
      await settle(call);
    },
  );

  it('leaves no listener on the service once removed', async () => {
    const { call, grid, service } = await show(stories.Four);
    expect(service.listenerCount('peerschange')).to.be.greaterThan(0);
    call.remove();
    expect(service.listenerCount()).to.equal(0);
    expect((grid as RtcPeerGrid).isConnected).to.equal(false);
  });
});
