// dist/rtc-kit.js as <script type="module"> in a plain page: it defines the elements, runs Lit's
// production build (no dev-mode warnings), and two <rtc-call> elements from it complete a call.
// Needs the build (`npm test` builds first; otherwise run `npm run build`). Nothing here imports src/.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { bundleChannel, litDevWarnings, openBundlePage, remoteVideoOf, until, waitForState, type BundlePage } from './helpers/bundle-page.js';

describe('dist/rtc-kit.js in <script type="module">', () => {
  let page: BundlePage | null = null;
  afterEach(async () => {
    await page?.close();
    page = null;
  });

  it('defines the tags with its own classes, and the calls start idle', async () => {
    page = await openBundlePage('module', bundleChannel('module'));
    const { win, kit } = page;
    expect(win.customElements.get('rtc-call')).to.equal(kit.RtcCall);
    expect(win.customElements.get('rtc-local-video')).to.equal(kit.RtcLocalVideo);
    expect(win.customElements.get('rtc-remote-video')).to.equal(kit.RtcRemoteVideo);
    expect(customElements.get('rtc-call')).to.equal(undefined);
    expect(win.RtcKit).to.equal(undefined); // the global is the IIFE's only
    const scripts = page.resources().filter((path) => path.endsWith('.js'));
    expect(scripts).to.deep.equal(['/dist/rtc-kit.js']);
    for (const call of page.calls) {
      expect(call).to.be.instanceOf(kit.RtcCall);
      expect(call.state).to.equal('idle');
      await call.updateComplete;
      expect(call.shadowRoot, 'rendered').to.exist;
    }
    expect(page.errors).to.deep.equal([]);
  });

  it('prints no Lit dev-mode warning (Lit production build) and no rtc-kit dev warning', async () => {
    page = await openBundlePage('module', bundleChannel('module'));
    await Promise.all(page.calls.map((call) => call.updateComplete));
    // The console probe works: a warning printed now is recorded.
    page.win.console.warn('probe: Lit is in dev mode');
    expect(litDevWarnings(page)).to.deep.equal(['probe: Lit is in dev mode']);
    page.log.pop();
    expect(litDevWarnings(page)).to.deep.equal([]);
    expect(page.win.litIssuedWarnings).to.equal(undefined);
    // A second registration with another class is ignored; the warning about it is dev-mode only.
    class Other extends page.kit.RtcCall {}
    Other.define('rtc-call');
    expect(page.win.customElements.get('rtc-call')).to.equal(page.kit.RtcCall);
    expect(page.log.filter(([level]) => level === 'warn')).to.deep.equal([]);
  });

  it('completes a call: start() both, call() one, both reach connected with live remote video', async () => {
    page = await openBundlePage('module', bundleChannel('module'));
    const [a, b] = page.calls;
    await a.start();
    await b.start();
    await a.call();
    expect(a.state).to.equal('connected');
    await waitForState(b, 'connected');
    await until(() => remoteVideoOf(a).videoWidth > 0 && remoteVideoOf(b).videoWidth > 0, 'remote video on both sides');
    expect(page.errors).to.deep.equal([]);
    expect(page.log.filter(([level]) => level === 'error')).to.deep.equal([]);
    expect(litDevWarnings(page)).to.deep.equal([]);
  });
});

describe('dist/rtc-kit.js and the elements that are chunks', () => {
  let page: BundlePage | null = null;
  afterEach(async () => {
    await page?.close();
    page = null;
  });

  it('defines <rtc-precall> and <rtc-peer-grid> from their chunks once the page holds one, and not before', async () => {
    page = await openBundlePage('module', bundleChannel('module'));
    const { win } = page;
    await Promise.all(page.calls.map((call) => call.updateComplete));
    expect(win.customElements.get('rtc-precall')).to.equal(undefined);
    expect(page.resources().filter((path) => path.endsWith('.js'))).to.deep.equal(['/dist/rtc-kit.js']);

    // Plain HTML, as a page would write it: the element upgrades in place when its chunk has run.
    win.document.body.insertAdjacentHTML('beforeend', '<div><rtc-precall id="check"></rtc-precall></div>');
    const precall = win.document.getElementById('check')!;
    await win.customElements.whenDefined('rtc-precall');
    expect(precall).to.be.instanceOf(win.customElements.get('rtc-precall')!);
    expect(page.resources().some((path) => /^\/dist\/rtc-kit-rtc-precall-[\w-]+\.js$/.test(path))).to.equal(true);
    expect(win.customElements.get('rtc-peer-grid')).to.equal(undefined);

    win.document.body.append(win.document.createElement('rtc-peer-grid'));
    await win.customElements.whenDefined('rtc-peer-grid');
    expect(page.errors).to.deep.equal([]);
  });

  it('a call says names from the initial module; the first chat message loads the data chunk, and <rtc-chat> its own', async () => {
    page = await openBundlePage('module', bundleChannel('module'));
    const [a, b] = page.calls;
    a.displayName = 'Ana';
    b.displayName = 'Bo';
    await a.start();
    await b.start();
    await a.call();
    await waitForState(b, 'connected');
    await until(() => a.peers[0]?.name === 'Bo' && b.peers[0]?.name === 'Ana', 'the names both ways');
    const dataChunk = () => page!.resources().filter((path) => /^\/dist\/rtc-kit-call-traffic-[\w-]+\.js$/.test(path));
    expect(dataChunk(), 'names and mute state need no chunk').to.deep.equal([]);
    const heard = new Promise((resolve) => b.addEventListener('rtc-message', (e) => resolve((e as CustomEvent).detail.text), { once: true }));
    await a.sendMessage('hi');
    expect(await heard).to.equal('hi');
    expect(dataChunk()).to.have.length(1);
    expect(page.win.customElements.get('rtc-chat')).to.equal(undefined);
    a.append(page.win.document.createElement('rtc-chat'));
    await until(() => !!page!.win.customElements.get('rtc-chat'), '<rtc-chat> defined from its chunk');
    expect(page.resources().some((path) => /^\/dist\/rtc-kit-rtc-chat-[\w-]+\.js$/.test(path))).to.equal(true);
    expect(page.errors).to.deep.equal([]);
  });
});

describe('dist/rtc-kit.js with a chunk that fails to load', () => {
  let page: BundlePage | null = null;
  afterEach(async () => {
    await page?.close();
    page = null;
  });

  it("the 'then' variant's chunk missing (404): start() rejects with a load-failed rtc-error that names it, and the call is failed, not hung", async () => {
    const { path } = (await executeServerCommand('copy-dist', { without: ['then-engine'] })) as { path: string };
    page = await openBundlePage('module', bundleChannel('module'), path);
    const call = page.calls[0];
    call.variant = 'then';
    const errors: Array<{ code: string; message: string }> = [];
    call.addEventListener('rtc-error', (event) => errors.push({ code: event.detail.code, message: event.detail.message }));
    const failure = await call.start().then(
      () => null,
      (error: { code?: string; message: string }) => error,
    );
    expect(failure?.code).to.equal('load-failed');
    expect(errors.map((e) => e.code)).to.deep.equal(['load-failed']);
    expect(errors[0]!.message).to.match(/^rtc-kit could not load the 'then' variant \(.+\)\.$/);
    expect(call.state).to.equal('failed');
    // The part shows it, as every rtc-error is shown.
    await call.updateComplete;
    expect(call.shadowRoot!.querySelector('[part="error"]')?.textContent).to.contain("could not load the 'then' variant");
    // The async variant needs no chunk, and the same element calls with it.
    call.variant = 'async';
    await call.start();
    expect(call.state).to.equal('ready');
  });
});

describe('dist/rtc-kit.js where WebSockets do not get through', () => {
  let page: BundlePage | null = null;
  afterEach(async () => {
    await page?.close();
    page = null;
  });

  for (const transport of ['server-sent-events', 'long-polling'] as const) {
    it(`calls over ${transport}, with SignalR's HttpConnection and its fallback transports loaded as a chunk only then`, async () => {
      page = await openBundlePage('module', bundleChannel('module'), '/dist', transport);
      const loaded = () => page!.resources().filter((path) => path.includes('HttpConnection'));
      expect(loaded(), 'no fallback chunk before the call').to.deep.equal([]);
      const [a, b] = page.calls;
      await a.start();
      await b.start();
      await a.call();
      await waitForState(b, 'connected');
      await until(() => remoteVideoOf(a).videoWidth > 0, 'video on a');
      expect(loaded(), 'the fallback chunk, once').to.have.length(1);
      expect(page.errors).to.deep.equal([]);
    });
  }

  it('with WebSockets, the fallback chunk (HttpConnection and its transports) is never loaded', async () => {
    page = await openBundlePage('module', bundleChannel('module'));
    const [a, b] = page.calls;
    await a.start();
    await b.start();
    await a.call();
    await waitForState(b, 'connected');
    expect(page.resources().filter((path) => path.includes('HttpConnection') || path.includes('Transport'))).to.deep.equal([]);
  });
});
