// rtc-stats through the real hub in real Chromium, for both variants: every 2 s while connected, with
// numbers that fit a loopback call (host candidates, fake camera at 640×480), and none after hangup.
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { CallVariant, RtcStatsEvent } from '../src/index.js';
import { cleanUpCalls, createCall, newChannel, waitForState } from './helpers/call-helpers.js';
import { sleep, until } from './helpers/media-helpers.js';

for (const variant of ['async', 'then'] as CallVariant[]) {
  describe(`rtc-stats, variant="${variant}"`, () => {
    afterEach(cleanUpCalls);

    it('comes every 2 s while connected, bubbling and composed, with plausible numbers; the peer\'s tile shows them', async () => {
      const channel = newChannel(`stats-${variant}`);
      const a = createCall(variant, channel, { withChildren: false });
      const b = createCall(variant, channel);
      const events: Array<{ event: RtcStatsEvent; at: number }> = [];
      // Listening on the document proves the event bubbles out of the element, and out of shadow roots.
      const onStats = (event: RtcStatsEvent) => event.target === a && events.push({ event, at: performance.now() });
      document.addEventListener('rtc-stats', onStats);
      try {
        await a.start();
        await b.start();
        await a.call();
        await waitForState(b, 'connected');
        expect(events).to.have.length(0, 'none before the first interval');
        await until(() => events.length >= 3, 'three rtc-stats events', 9_000);

        const [first, second, third] = events;
        expect(first!.event.bubbles && first!.event.composed).to.equal(true);
        const gap = third!.at - second!.at;
        // Two seconds apart, give or take what getStats takes on a busy machine.
        expect(gap).to.be.within(1200, 3500, 'two seconds apart');
        const s = third!.event.detail;
        expect(s.rtt, 'rtt (ms)').to.be.a('number');
        expect(s.rtt!).to.be.at.least(0);
        expect(s.rtt!).to.be.below(1000);
        expect(s.bitrateIn, 'bits/s received').to.be.greaterThan(10_000);
        expect(s.bitrateOut, 'bits/s sent').to.be.greaterThan(10_000);
        expect(s.packetLoss).to.be.within(0, 1);
        expect(s.fps).to.be.greaterThan(5);
        // The fake camera sends 640×480; Chromium may scale it down when the CPU is busy.
        expect(s.width).to.be.within(160, 640);
        expect(s.height).to.be.within(120, 480);
        expect(s.candidateType).to.equal('host');
        const { peerId, ...last } = events.at(-1)!.event.detail;
        expect(a.stats).to.deep.equal(last);
        expect(peerId, 'the report names the peer it is about').to.equal(a.peers[0]!.id);

        // The default page's tile of that peer shows its quality (a chunk, loaded with the first report); its tooltip has the numbers.
        const selector = `[part~="tile"][data-peer="${peerId}"] [part~="quality"]`;
        await until(() => !!a.shadowRoot!.querySelector(selector), 'the quality indicator');
        await a.updateComplete;
        const quality = a.shadowRoot!.querySelector(selector)!;
        expect(quality, 'quality part').to.exist;
        // Loopback is good, unless the machine is so busy that the round trip passes 150 ms.
        expect(quality.getAttribute('data-level')).to.be.oneOf(['good', 'fair']);
        expect(quality.getAttribute('aria-label')).to.equal(`Connection ${quality.getAttribute('data-level')}`);
        const { width, height, candidateType } = events.at(-1)!.event.detail;
        expect(quality.getAttribute('title')).to.contain('host').and.to.contain(`${width}×${height}`).and.to.match(/\d+\sms/);
        expect(candidateType).to.equal('host');

        await a.hangup();
        const count = events.length;
        await sleep(2_500);
        expect(events.length).to.equal(count, 'no rtc-stats after hangup');
        expect(a.stats).to.equal(null);
      } finally {
        document.removeEventListener('rtc-stats', onStats);
      }
    });
  });
}
