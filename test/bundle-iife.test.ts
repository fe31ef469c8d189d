// dist/rtc-kit.iife.js as a classic <script> in a plain page: it defines the elements and the global
// RtcKit, and two <rtc-call> elements from it complete a call through the real hub.
// Needs the build (`npm test` builds first; otherwise run `npm run build`). Nothing here imports src/.
import { expect } from '@open-wc/testing';
import { bundleChannel, litDevWarnings, openBundlePage, remoteVideoOf, until, waitForState, type BundlePage } from './helpers/bundle-page.js';

describe('dist/rtc-kit.iife.js in a classic <script>', () => {
  let page: BundlePage | null = null;
  afterEach(async () => {
    await page?.close();
    page = null;
  });

  it('exposes window.RtcKit with every export, and defines the tags with its own classes', async () => {
    page = await openBundlePage('iife', bundleChannel('iife'));
    const { win, kit } = page;
    expect(win.RtcKit).to.exist;
    expect(kit).to.equal(win.RtcKit);
    for (const name of ['RtcCall', 'RtcLocalVideo', 'RtcRemoteVideo', 'RtcService', 'RtcError', 'RtcStateChangeEvent', 'RtcErrorEvent', 'HubClient', 'HubEvent', 'HubMethod', 'rtcServiceContext', 'getDefaultRtcService']) {
      expect(win.RtcKit, name).to.have.property(name);
    }
    expect(win.customElements.get('rtc-call')).to.equal(kit.RtcCall);
    expect(win.customElements.get('rtc-local-video')).to.equal(kit.RtcLocalVideo);
    expect(win.customElements.get('rtc-remote-video')).to.equal(kit.RtcRemoteVideo);
    // The classic script cannot load chunks: the elements that are chunks beside rtc-kit.js are in it.
    expect(win.customElements.get('rtc-precall')).to.equal(kit.RtcPrecall);
    expect(win.customElements.get('rtc-peer-grid')).to.equal(kit.RtcPeerGrid);
    // The elements are the bundle's: the test page itself defines no tag and the iframe loads one script.
    expect(customElements.get('rtc-call')).to.equal(undefined);
    const scripts = page.resources().filter((path) => path.endsWith('.js'));
    expect(scripts).to.deep.equal(['/dist/rtc-kit.iife.js']);
    expect(page.resources().some((path) => path.startsWith('/src/') || path.includes('/node_modules/'))).to.equal(false);
    for (const call of page.calls) {
      expect(call).to.be.instanceOf(kit.RtcCall);
      expect(call.service).to.be.instanceOf(kit.RtcService);
      expect(call.state).to.equal('idle');
    }
    expect(page.calls[0].service).to.not.equal(page.calls[1].service);
    expect(page.errors).to.deep.equal([]);
  });

  it('completes a call: start() both, call() one, both reach connected with live remote video', async () => {
    page = await openBundlePage('iife', bundleChannel('iife'));
    const [a, b] = page.calls;
    await a.start();
    await b.start();
    expect(a.state).to.equal('ready');
    expect(b.state).to.equal('ready');
    await a.call();
    expect(a.state).to.equal('connected');
    await waitForState(b, 'connected');
    expect(a.getAttribute('state')).to.equal('connected');
    expect(b.getAttribute('state')).to.equal('connected');
    await until(() => remoteVideoOf(a).videoWidth > 0 && remoteVideoOf(b).videoWidth > 0, 'remote video on both sides');
    expect(page.errors).to.deep.equal([]);
    expect(page.log.filter(([level]) => level === 'error')).to.deep.equal([]);
    expect(litDevWarnings(page)).to.deep.equal([]);
  });
});
