// <rtc-call> created and configured before its definition loads (a page that loads rtc-kit late, or
// a framework that sets properties before upgrade). Nothing here imports src/ statically: the tag must
// still be undefined when the elements are made. The fake service is loaded first; it defines no tag.
import { expect } from '@open-wc/testing';
import type { RtcCall, RtcLocalVideo } from '../src/index.js';
import type { FakeRtcService } from '../stories/fake-rtc-service.js';

const iceServers: RTCIceServer[] = [{ urls: 'stun:stun.example.test:3478' }];
let withPage: RtcCall;
let withChildren: RtcCall;
let pageService: FakeRtcService;
let childrenService: FakeRtcService;
let wasDefined: Record<string, boolean>;

/** Streams are compared by name: a failed assertion that prints a MediaStream takes the browser down. */
function streamName(stream: MediaProvider | null | undefined): string {
  return stream instanceof MediaStream ? `MediaStream ${stream.id}` : stream ? String(stream) : 'none';
}

async function settle(el: Element): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const all = [el, ...el.querySelectorAll('*'), ...(el.shadowRoot?.querySelectorAll('*') ?? [])] as Array<Element & { updateComplete?: Promise<unknown> }>;
    await Promise.all(all.map((e) => e.updateComplete));
  }
}

before(async () => {
  const { FakeRtcService } = await import('../stories/fake-rtc-service.js');
  wasDefined = Object.fromEntries(['rtc-call', 'rtc-local-video', 'rtc-remote-video'].map((tag) => [tag, customElements.get(tag) !== undefined]));

  // Still HTMLElement: these are plain own properties until the upgrade.
  pageService = new FakeRtcService();
  withPage = document.createElement('rtc-call');
  Object.assign(withPage, { channel: 'room-7', variant: 'then', service: pageService, hubUrl: 'https://hub.example.test/messagehub', iceServers });
  document.body.append(withPage);

  childrenService = new FakeRtcService({ state: 'ready' });
  withChildren = document.createElement('rtc-call');
  Object.assign(withChildren, { channel: 'room-8', variant: 'async', service: childrenService, hubUrl: '/other-hub', iceServers });
  withChildren.append(document.createElement('rtc-local-video'), document.createElement('rtc-remote-video'));
  document.body.append(withChildren);

  await import('../src/index.js');
  await settle(withPage);
  await settle(withChildren);
});

after(() => {
  withPage.remove();
  withChildren.remove();
  pageService.dispose();
  childrenService.dispose();
});

describe('<rtc-call> given its properties before the definition loads', () => {
  it('the tags were not defined when the elements were made, and are upgraded now', async () => {
    expect(wasDefined).to.deep.equal({ 'rtc-call': false, 'rtc-local-video': false, 'rtc-remote-video': false });
    const { RtcCall } = await import('../src/index.js');
    expect(withPage).to.be.instanceOf(RtcCall);
    expect(withChildren).to.be.instanceOf(RtcCall);
  });

  it('keeps channel, variant, service, hubUrl and iceServers, and passes them to the service', () => {
    expect(withPage.channel).to.equal('room-7');
    expect(withPage.variant).to.equal('then');
    expect(withPage.service === pageService, 'the call\'s service').to.equal(true);
    expect(withPage.hubUrl).to.equal('https://hub.example.test/messagehub');
    expect(withPage.iceServers).to.deep.equal(iceServers);
    expect(pageService.config).to.include({ channel: 'room-7', variant: 'then', hubUrl: 'https://hub.example.test/messagehub' });
    expect(pageService.config.iceServers).to.deep.equal(iceServers);
    expect(childrenService.config).to.include({ channel: 'room-8', variant: 'async', hubUrl: '/other-hub' });
  });

  it('renders the default page with its state: the start panel, for the channel set before the upgrade', async () => {
    const root = withPage.shadowRoot!;
    expect(withPage.getAttribute('state')).to.equal('idle');
    expect(root.querySelector('[part~="screen"]')!.getAttribute('data-state')).to.equal('idle');
    // Start is enabled because the channel set before the upgrade is there; Call comes once in the channel.
    expect(root.querySelector<HTMLButtonElement>('[part="start-button"]')!.disabled).to.equal(false);
    expect(root.querySelector('[part="call-button"]')).to.equal(null);
    // No camera yet: no self-view of either kind.
    expect(root.querySelector('video, rtc-local-video')).to.equal(null);
  });

  it('follows its service: start() reaches ready, with the state reflected and the stream in its video', async () => {
    const states: string[] = [];
    withPage.addEventListener('rtc-state-change', (e) => states.push(e.detail.state));
    await withPage.start();
    await settle(withPage);
    expect(states).to.deep.equal(['ready']);
    expect(withPage.getAttribute('state')).to.equal('ready');
    const root = withPage.shadowRoot!;
    // The then variant's videos come with the variant, which loads on first use.
    const { until } = await import('./helpers/media-helpers.js');
    await until(() => !!root.querySelector('video[part~="local-video"]'), "the then variant's videos");
    expect(root.querySelector('rtc-local-video'), 'then variant: plain <video>').to.equal(null);
    expect(root.querySelector('[part="call-button"]'), 'Call, once in the channel').to.exist;
    expect(streamName(root.querySelector<HTMLVideoElement>('video[part~="local-video"]')!.srcObject)).to.equal(streamName(pageService.localStream));
  });

  it('children made before the upgrade replace the default page and use the call\'s service', async () => {
    expect(withChildren.shadowRoot!.querySelector('[part="screen"]')).to.equal(null);
    expect(withChildren.getAttribute('state')).to.equal('ready');
    const local = withChildren.querySelector<RtcLocalVideo>('rtc-local-video')!;
    expect(local.service === childrenService, 'the child got the call\'s service, not the page default').to.equal(true);
    expect(streamName(local.shadowRoot!.querySelector('video')!.srcObject)).to.equal(streamName(childrenService.localStream));
    await withChildren.call();
    await settle(withChildren);
    const remote = withChildren.querySelector('rtc-remote-video')!;
    expect(streamName(remote.shadowRoot!.querySelector('video')!.srcObject)).to.equal(streamName(childrenService.streamOf('peer-1')));
    expect(withChildren.getAttribute('state')).to.equal('connected');
  });
});
