// <rtc-call> on its own, with the stories as fixtures and the fake service (no hub, no camera).
// The calls themselves, through the real hub, are tested in test/call-behaviour.test.ts.
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement, render } from 'lit';
import type { RtcCall, RtcLocalVideo, RtcRemoteVideo } from '../../index.js';
import '../../index.js';
import * as stories from '../../../stories/rtc-call.stories.js';
import meta from '../../../stories/rtc-call.stories.js';
import { FakeRtcService } from '../../../stories/fake-rtc-service.js';
import { settle, storyArgs, storyFixture, streamName } from '../../../stories/story-fixture.js';
import type { RtcStory } from '../../../stories/rtc-story.js';
import type { RtcCallArgs } from '../../../stories/rtc-call.stories.js';
import { captureLitDevWarnings, testForLitDevWarnings } from '../../../test/fakes/lit-dev-warnings.js';
import { until } from '../../../test/helpers/media-helpers.js';
import { RtcError } from '../../services/rtc/rtc-error.js';

type Story = RtcStory<RtcCallArgs>;

const EVENTS = ['rtc-state-change', 'rtc-error', 'rtc-remote-stream', 'rtc-peer-join', 'rtc-peer-leave'] as const;

const services: FakeRtcService[] = [];
/** A fake that is disposed after the test. */
function fake(options: ConstructorParameters<typeof FakeRtcService>[0] = {}): FakeRtcService {
  const service = new FakeRtcService(options);
  services.push(service);
  return service;
}

async function renderStory(story: Story, service = fake(story.parameters.rtc), args: Partial<RtcCallArgs> = {}) {
  const { el } = await storyFixture<RtcCall, RtcCallArgs>(meta, story, { service, args });
  return { el, service };
}

function part<T extends Element = HTMLElement>(el: RtcCall, name: string): T | null {
  return el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

/** Which of the call's buttons are there and enabled: the call screen shows only those the state allows. */
function buttons(el: RtcCall) {
  const enabled = (name: string) => {
    const button = part<HTMLButtonElement>(el, name);
    return !!button && !button.disabled;
  };
  return { start: enabled('start-button'), call: enabled('call-button'), hangup: enabled('hangup-button') };
}

/** Every rtc-* event the element emits, in order, as `type` plus its detail. */
function record(target: EventTarget) {
  const log: Array<{ type: string; detail: Record<string, unknown>; event: Event }> = [];
  for (const type of EVENTS) {
    target.addEventListener(type, (event) => log.push({ type, detail: (event as Event & { detail: Record<string, unknown> }).detail, event }));
  }
  return log;
}

const summary = (log: ReturnType<typeof record>) =>
  log.map(({ type, detail }) => {
    if (type === 'rtc-state-change') return `${type} ${detail.previous}->${detail.state}`;
    if (type === 'rtc-error') return `${type} ${detail.code}`;
    if (type === 'rtc-remote-stream') return `${type} ${detail.peerId} ${detail.stream ? 'stream' : 'null'}`;
    return `${type} ${detail.peerId}`;
  });

afterEach(() => {
  for (const service of services.splice(0)) service.dispose();
});

describe('<rtc-call>', () => {
  describe('renders each state', () => {
    const cases: Array<[string, Story, string, ReturnType<typeof buttons>]> = [
      ['Idle', stories.Idle, 'idle', { start: true, call: false, hangup: false }],
      ['Ready', stories.Ready, 'ready', { start: false, call: true, hangup: true }],
      ['Connected', stories.Connected, 'connected', { start: false, call: false, hangup: true }],
      // Failed: "Try again" starts again; there is no call to hang up.
      ['Failed', stories.Failed, 'failed', { start: true, call: false, hangup: false }],
    ];
    for (const [name, story, state, expected] of cases) {
      it(`${name}: state="${state}", the buttons it allows, what it says`, async () => {
        const { el } = await renderStory(story);
        expect(el.state).to.equal(state);
        expect(el.getAttribute('state')).to.equal(state);
        expect(part(el, 'screen')!.getAttribute('data-state')).to.equal(state);
        expect(buttons(el)).to.deep.equal(expected);
        // A panel says where the call is; connected, the peer's tile is the stage.
        if (state === 'connected') expect(part(el, 'tile')!.getAttribute('data-peer')).to.equal('peer-1');
        else expect(part(el, 'panel')!.querySelector('h2')!.textContent!.trim()).to.not.equal('');
        // The channel is an attribute, not a field.
        expect(el.shadowRoot!.querySelector('input')).to.equal(null);
        expect(el.channel).to.equal('demo');
      });

      it(`${name}: passes axe`, async () => {
        const { el } = await renderStory(story);
        await expect(el).to.be.accessible();
      });
    }

    it('Failed: the error part shows the message, with role=alert', async () => {
      const { el, service } = await renderStory(stories.Failed);
      const error = part(el, 'error')!;
      expect(error, 'error part').to.exist;
      expect(error.getAttribute('role')).to.equal('alert');
      expect(error.textContent!.trim()).to.equal(service.error!.message);
      expect(service.error!.message).to.contain('No network path to the peer');
      expect(el.error).to.equal(service.error);
    });

    it('no error part in a state that has no error', async () => {
      for (const story of [stories.Idle, stories.Ready, stories.Connected]) {
        const { el } = await renderStory(story);
        expect(part(el, 'error')).to.equal(null);
        el.remove();
      }
    });

    it('Connected (async variant): the default page shows the service\'s local and remote streams', async () => {
      const { el, service } = await renderStory(stories.Connected);
      const local = part<RtcLocalVideo>(el, 'local-video')!;
      const remote = part<RtcRemoteVideo>(el, 'remote-video')!;
      expect(local.localName).to.equal('rtc-local-video');
      expect(remote.localName).to.equal('rtc-remote-video');
      expect(local.service === service, 'the call provides its service to its videos').to.equal(true);
      expect(streamName(local.shadowRoot!.querySelector('video')!.srcObject)).to.equal(streamName(service.localStream));
      expect(streamName(remote.shadowRoot!.querySelector('video')!.srcObject)).to.equal(streamName(service.streamOf('peer-1')));
      expect(service.localStream).to.be.instanceOf(MediaStream);
    });

    it('Start is disabled until there is a channel', async () => {
      const { el } = await renderStory(stories.Idle, fake(), { channel: '' });
      expect(part(el, 'start-button'), 'the start panel').to.exist;
      expect(buttons(el).start).to.equal(false);
      el.channel = 'room-1';
      await settle(el);
      expect(buttons(el).start).to.equal(true);
    });

    it('CustomLayout: its children replace the default page and get the service through context', async () => {
      const { el, service } = await renderStory(stories.CustomLayout);
      expect(part(el, 'base'), 'no default page').to.equal(null);
      expect(el.shadowRoot!.querySelector('slot')).to.exist;
      const local = el.querySelector('rtc-local-video')!;
      const remote = el.querySelector('rtc-remote-video')!;
      expect(local.service === service, 'the call\'s service').to.equal(true);
      expect(remote.service === service, 'the call\'s service').to.equal(true);
      expect(streamName(local.shadowRoot!.querySelector('video')!.srcObject)).to.equal(streamName(service.localStream));
      expect(streamName(remote.shadowRoot!.querySelector('video')!.srcObject)).to.equal(streamName(service.streamOf('peer-1')));
      await expect(el).to.be.accessible();
    });

    it('CustomLayout, failed: the error part still shows, after the children', async () => {
      const service = fake({ state: 'failed', error: new RtcError('peer-left', 'The other person left the call.') });
      const { el } = await renderStory(stories.CustomLayout, service);
      expect(part(el, 'error')!.textContent!.trim()).to.equal('The other person left the call.');
      expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    });
  });

  describe('events', () => {
    it('start(), call(), hangup(): rtc-state-change {state, previous} in order, with the streams between', async () => {
      const { el } = await renderStory(stories.Idle);
      const log = record(el);

      await el.start();
      expect(summary(log)).to.deep.equal(['rtc-state-change idle->ready', 'rtc-peer-join peer-1']);
      await settle(el);
      expect(el.getAttribute('state')).to.equal('ready');
      expect(buttons(el)).to.deep.equal({ start: false, call: true, hangup: true });

      log.length = 0;
      await el.call();
      expect(summary(log)).to.deep.equal([
        'rtc-state-change ready->connecting',
        'rtc-remote-stream peer-1 stream',
        'rtc-state-change connecting->connected',
      ]);
      await settle(el);
      expect(el.getAttribute('state')).to.equal('connected');

      log.length = 0;
      await el.hangup();
      expect(summary(log)).to.deep.equal(['rtc-remote-stream peer-1 null', 'rtc-state-change connected->ended']);
      await settle(el);
      expect(el.getAttribute('state')).to.equal('ended');

      log.length = 0;
      await el.hangup();
      expect(log, 'a second hangup() changes nothing').to.deep.equal([]);
    });

    it('the buttons drive the call: Start, Call, Hang Up', async () => {
      const { el } = await renderStory(stories.Idle);
      const log = record(el);
      const click = async (name: string, state: string) => {
        const changed = new Promise((resolve) => el.addEventListener('rtc-state-change', () => el.state === state && resolve(null)));
        part<HTMLButtonElement>(el, name)!.click();
        await changed;
        await settle(el);
      };
      await click('start-button', 'ready');
      await click('call-button', 'connected');
      await click('hangup-button', 'ended');
      expect(summary(log).filter((line) => line.startsWith('rtc-state-change'))).to.deep.equal([
        'rtc-state-change idle->ready',
        'rtc-state-change ready->connecting',
        'rtc-state-change connecting->connected',
        'rtc-state-change connected->ended',
      ]);
      expect(el.getAttribute('state')).to.equal('ended');
    });

    it('a failure: rtc-state-change to failed, then rtc-error {code, message}; shown in the error part', async () => {
      const service = fake({ failOn: 'start', error: { code: 'media-permission-denied', message: 'Camera or microphone access was denied.' } });
      const { el } = await renderStory(stories.Idle, service);
      const log = record(el);
      let rejected: unknown = null;
      await el.start().catch((error) => (rejected = error));
      expect(rejected).to.be.instanceOf(RtcError);
      expect(summary(log)).to.deep.equal(['rtc-state-change idle->failed', 'rtc-error media-permission-denied']);
      const { detail } = log[1];
      expect(detail.code).to.equal('media-permission-denied');
      expect(detail.message).to.equal('Camera or microphone access was denied.');
      await settle(el);
      expect(el.getAttribute('state')).to.equal('failed');
      expect(part(el, 'error')!.textContent!.trim()).to.equal('Camera or microphone access was denied.');
      expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
      await expect(el).to.be.accessible();
    });

    it('a failed call() ends in rtc-error, and Start clears the error again', async () => {
      const service = fake({ state: 'ready', failOn: 'call' });
      const { el } = await renderStory(stories.Ready, service);
      const log = record(el);
      await el.call().catch(() => {});
      expect(summary(log)).to.deep.equal(['rtc-state-change ready->connecting', 'rtc-state-change connecting->failed', 'rtc-error ice-failed']);
      await settle(el);
      expect(part(el, 'error')).to.exist;
      expect(buttons(el).start).to.equal(true);
    });

    it('events bubble and are composed: they leave a shadow root the call is placed in', async () => {
      const host = await fixture<HTMLDivElement>(html`<div></div>`);
      const shadow = host.attachShadow({ mode: 'open' });
      const service = fake();
      render(stories.Idle.render(storyArgs(meta, stories.Idle), { args: storyArgs(meta, stories.Idle), loaded: { service } }), shadow);
      const el = shadow.querySelector('rtc-call')!;
      await settle(el);
      const outside = record(document);
      try {
        await el.start();
        await el.call();
        const state = outside.find((entry) => entry.type === 'rtc-state-change')!;
        expect(state, 'rtc-state-change reached the document').to.exist;
        expect(state.event.bubbles).to.equal(true);
        expect(state.event.composed).to.equal(true);
        expect(state.event.target, 'retargeted to the shadow host').to.equal(host);
        expect(outside.map((entry) => entry.type)).to.include.members(['rtc-state-change', 'rtc-peer-join', 'rtc-remote-stream']);
        expect(outside.every(({ event }) => event.bubbles && event.composed)).to.equal(true);
      } finally {
        host.remove();
      }
    });

    it('rtc-error bubbles and is composed', async () => {
      const { el } = await renderStory(stories.Idle, fake({ failOn: 'start' }));
      const errors: Event[] = [];
      const listener = (event: Event) => errors.push(event);
      document.addEventListener('rtc-error', listener);
      try {
        await el.start().catch(() => {});
      } finally {
        document.removeEventListener('rtc-error', listener);
      }
      expect(errors).to.have.length(1);
      expect(errors[0].bubbles && errors[0].composed).to.equal(true);
    });
  });

  describe('the then variant', () => {
    it('renders its own <video> elements, passes axe, and start() puts the local stream straight into its video', async () => {
      const { el, service } = await renderStory(stories.ThenVariant);
      expect(el.variant).to.equal('then');
      await expect(el).to.be.accessible();
      const log = record(el);
      await el.start();
      expect(summary(log)[0]).to.equal('rtc-state-change idle->ready');
      // The then variant's videos come with the variant, which loads on first use; the self-view once there is a camera.
      await until(() => !!part(el, 'local-video'), "the then variant's videos");
      const local = part<HTMLVideoElement>(el, 'local-video')!;
      expect(local.localName).to.equal('video');
      expect(local.muted).to.equal(true);
      expect(streamName(local.srcObject)).to.equal(streamName(service.localStream));
      await el.call();
      expect(el.state).to.equal('connected');
      await settle(el);
      const remote = part<HTMLVideoElement>(el, 'remote-video')!;
      expect(remote.localName, "the peer's tile holds a plain <video>").to.equal('video');
      expect(streamName(remote.srcObject)).to.equal(streamName(service.streamOf('peer-1')));
      await expect(el).to.be.accessible();
    });

    it('both variants render the same controls and states', async () => {
      for (const story of [stories.AsyncVariant, stories.ThenVariant]) {
        const { el } = await renderStory(story);
        expect(buttons(el)).to.deep.equal({ start: true, call: false, hangup: false });
        await el.start();
        await settle(el);
        expect(el.getAttribute('state')).to.equal('ready');
        expect(buttons(el)).to.deep.equal({ start: false, call: true, hangup: true });
        el.remove();
      }
    });
  });

  describe('no Lit dev-mode warnings', () => {
    testForLitDevWarnings(
      async () => (await renderStory(stories.Idle)).el,
      async (el) => {
        await el.start();
        await el.call();
        await settle(el);
        await el.hangup();
        await settle(el);
      },
    );
    testForLitDevWarnings(async () => (await renderStory(stories.CustomLayout)).el);
    testForLitDevWarnings(
      async () => (await renderStory(stories.ThenVariant)).el,
      async (el) => {
        await el.start();
        await settle(el);
      },
    );
    testForLitDevWarnings(async () => (await renderStory(stories.Failed)).el);

    it('the check itself catches a Lit dev-mode warning', async () => {
      class Noisy extends LitElement {
        static override properties = { n: { type: Number } };
        n = 0;
        override updated() {
          if (this.n < 1) this.n++; // a change in update: Lit warns about it in dev mode
        }
      }
      customElements.define('rtc-test-noisy', Noisy);
      const warnings = await captureLitDevWarnings(() => fixture(html`<rtc-test-noisy></rtc-test-noisy>`));
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.contain('lit.dev/msg/change-in-update');
    });
  });

  describe('cleanup on disconnect', () => {
    for (const [name, story] of [
      ['default page (async)', stories.Connected],
      ['default page (then)', stories.ThenVariant],
      ['custom layout', stories.CustomLayout],
    ] as Array<[string, Story]>) {
      it(`${name}: removing it leaves no listener on the service and no stream in any video`, async () => {
        const service = fake({ ...story.parameters.rtc, state: 'connected' });
        expect(service.listenerCount()).to.equal(0);
        const { el } = await renderStory(story, service);
        if (el.variant === 'then') {
          // The then variant's videos load with it, and it fills them itself, when it starts a call.
          await until(() => el.shadowRoot!.querySelectorAll('video').length === 2, "the then variant's videos");
          await el.hangup();
          await el.start();
          await el.call();
          await settle(el);
        }
        expect(service.listenerCount(), 'listening while connected').to.be.greaterThan(0);
        const videos = [...el.shadowRoot!.querySelectorAll('video'), ...[...el.shadowRoot!.querySelectorAll('rtc-local-video, rtc-remote-video'), ...el.querySelectorAll('rtc-local-video, rtc-remote-video')].map((v) => v.shadowRoot!.querySelector('video')!)];
        expect(videos.length).to.equal(2);
        expect(videos.some((video) => video.srcObject !== null), 'some video shows a stream').to.equal(true);
        el.remove();
        expect(service.listenerCount(), 'no listener left on the service').to.equal(0);
        // A call waits one task before it decides it was removed, not moved.
        await new Promise((resolve) => setTimeout(resolve));
        expect(videos.map((video) => streamName(video.srcObject))).to.deep.equal(['none', 'none']);
      });
    }

    it('listener count returns to what it was, on a service that already had listeners', async () => {
      const service = fake({ state: 'ready' });
      const own = () => {};
      service.addEventListener('statechange', own);
      const before = service.listenerCount();
      const { el } = await renderStory(stories.Ready, service);
      expect(service.listenerCount()).to.be.greaterThan(before);
      el.remove();
      expect(service.listenerCount()).to.equal(before);
      service.removeEventListener('statechange', own);
    });

    it('a new service given to a connected call: the old one is let go, the new one is followed', async () => {
      const first = fake({ state: 'ready' });
      const second = fake({ state: 'connected' });
      const { el } = await renderStory(stories.Ready, first);
      el.service = second;
      await settle(el);
      expect(first.listenerCount(), 'old service let go').to.equal(0);
      expect(second.listenerCount()).to.be.greaterThan(0);
      expect(el.getAttribute('state')).to.equal('connected');
      const local = part<RtcLocalVideo>(el, 'local-video')!;
      expect(local.service === second, 'the call\'s service').to.equal(true);
      expect(streamName(local.shadowRoot!.querySelector('video')!.srcObject)).to.equal(streamName(second.localStream));
      el.remove();
      expect(second.listenerCount()).to.equal(0);
    });

    it('put back in the page, it listens again and shows the state', async () => {
      const { el, service } = await renderStory(stories.Ready);
      const parent = el.parentElement!;
      el.remove();
      expect(service.listenerCount()).to.equal(0);
      parent.append(el);
      await settle(el);
      expect(service.listenerCount()).to.be.greaterThan(0);
      const log = record(el);
      await el.call();
      expect(summary(log).at(-1)).to.equal('rtc-state-change connecting->connected');
    });
  });

  describe('two calls on one page', () => {
    it('each follows its own service; nothing is shared', async () => {
      const a = fake();
      const b = fake();
      const container = await fixture<HTMLDivElement>(html`<div>
        ${stories.Idle.render(storyArgs(meta, stories.Idle, { channel: 'a' }), { args: storyArgs(meta, stories.Idle), loaded: { service: a } })}
        ${stories.Idle.render(storyArgs(meta, stories.Idle, { channel: 'b' }), { args: storyArgs(meta, stories.Idle), loaded: { service: b } })}
      </div>`);
      const [callA, callB] = [...container.querySelectorAll('rtc-call')];
      await settle(container);
      const logA = record(callA);
      const logB = record(callB);
      await callA.start();
      await callA.call();
      await settle(container);
      expect(callA.getAttribute('state')).to.equal('connected');
      expect(callB.getAttribute('state')).to.equal('idle');
      expect(logA.length).to.be.greaterThan(0);
      expect(logB, 'B heard nothing of A').to.deep.equal([]);
      expect(a.config.channel).to.equal('a');
      expect(b.config.channel).to.equal('b');
      const videoOf = (call: RtcCall, name: string) => part<RtcLocalVideo>(call, name)!.shadowRoot!.querySelector('video')!;
      expect(streamName(videoOf(callA, 'local-video').srcObject)).to.equal(streamName(a.localStream));
      expect(part(callB, 'local-video'), 'B has no camera, so no self-view').to.equal(null);
      expect(buttons(callB)).to.deep.equal({ start: true, call: false, hangup: false });

      await callB.start();
      await settle(container);
      expect(streamName(videoOf(callB, 'local-video').srcObject)).to.equal(streamName(b.localStream));
      expect(streamName(b.localStream)).to.not.equal(streamName(a.localStream));
      await callA.hangup();
      await settle(container);
      expect(callA.getAttribute('state')).to.equal('ended');
      expect(callB.getAttribute('state')).to.equal('ready');
      container.remove();
      expect(a.listenerCount() + b.listenerCount()).to.equal(0);
    });
  });

  describe('call controls (stories Muted, WithQuality)', () => {
    const pressed = (el: RtcCall, name: string) => part(el, name)!.getAttribute('aria-pressed');

    it('Connected: the toggles are not pressed; clicking flips aria-pressed, the property, the attribute and the service', async () => {
      const { el, service } = await renderStory(stories.Connected);
      expect(pressed(el, 'mute-audio-button')).to.equal('false');
      expect(pressed(el, 'mute-video-button')).to.equal('false');
      part(el, 'mute-video-button')!.click();
      await settle(el);
      expect(pressed(el, 'mute-video-button')).to.equal('true');
      expect(el.videoMuted).to.equal(true);
      expect(el.hasAttribute('video-muted')).to.equal(true);
      expect(service.videoMuted).to.equal(true);
      expect(service.localStream!.getVideoTracks()[0]!.enabled).to.equal(false, 'the preview shows the camera is off');
      part(el, 'mute-audio-button')!.click();
      part(el, 'mute-video-button')!.click();
      await settle(el);
      expect(pressed(el, 'mute-audio-button')).to.equal('true');
      expect(pressed(el, 'mute-video-button')).to.equal('false');
      expect(el.audioMuted && !el.videoMuted).to.equal(true);
      expect(el.hasAttribute('video-muted')).to.equal(false);
    });

    it('Muted: a service that is muted shows both toggles pressed and the attributes; passes axe', async () => {
      const { el } = await renderStory(stories.Muted);
      expect(pressed(el, 'mute-audio-button')).to.equal('true');
      expect(pressed(el, 'mute-video-button')).to.equal('true');
      expect(el.hasAttribute('audio-muted') && el.hasAttribute('video-muted')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('the audio-muted attribute mutes the service', async () => {
      const service = fake({ state: 'ready' });
      const el = await fixture<RtcCall>(html`<rtc-call .service=${service} channel="demo" audio-muted></rtc-call>`);
      await settle(el);
      expect(service.audioMuted).to.equal(true);
      expect(service.localStream!.getAudioTracks().every((t) => !t.enabled)).to.equal(true);
    });

    it("WithQuality: the peer's tile shows the last report, with a level; passes axe; absent without a report", async () => {
      const { el } = await renderStory(stories.WithQuality);
      // The indicator is a chunk, loaded once a peer's quality is known.
      await until(() => !!part(el, 'tile')!.querySelector('[part~="quality"]'), 'the quality indicator');
      const quality = part(el, 'tile')!.querySelector('[part~="quality"]')!;
      expect(quality.getAttribute('data-level')).to.equal('good');
      expect(quality.getAttribute('aria-label')).to.equal('Connection good');
      expect(quality.getAttribute('title')).to.contain('12 ms').and.contain('640×480').and.contain('host');
      await expect(el).to.be.accessible();
      const plain = await renderStory(stories.Connected, fake({ state: 'connected' }));
      expect(part(plain.el, 'tile'), 'the tile').to.exist;
      expect(part(plain.el, 'quality')).to.equal(null);
    });

    it('the screen button is there where getDisplayMedia is, and absent where it is not', async () => {
      const { el } = await renderStory(stories.Connected);
      expect(part(el, 'screen-button')).to.exist;
      expect(part(el, 'screen-button')!.getAttribute('aria-pressed')).to.equal('false');
      const original = Object.getOwnPropertyDescriptor(MediaDevices.prototype, 'getDisplayMedia')!;
      delete (MediaDevices.prototype as Partial<MediaDevices>).getDisplayMedia;
      try {
        el.requestUpdate();
        await settle(el);
        expect(part(el, 'screen-button'), 'hidden without getDisplayMedia').to.equal(null);
      } finally {
        Object.defineProperty(MediaDevices.prototype, 'getDisplayMedia', original);
      }
    });
  });
});
