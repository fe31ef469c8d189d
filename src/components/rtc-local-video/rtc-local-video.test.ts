// <rtc-local-video> with the stories as fixtures and the fake service (no camera).
import { expect, fixture, html } from '@open-wc/testing';
import type { RtcLocalVideo } from '../../index.js';
import '../../index.js';
import * as callStories from '../../../stories/rtc-call.stories.js';
import callMeta from '../../../stories/rtc-call.stories.js';
import { FakeRtcService } from '../../../stories/fake-rtc-service.js';
import * as stories from '../../../stories/rtc-local-video.stories.js';
import meta, { type RtcLocalVideoArgs } from '../../../stories/rtc-local-video.stories.js';
import type { RtcStory } from '../../../stories/rtc-story.js';
import { settle, storyArgs, storyFixture, streamName } from '../../../stories/story-fixture.js';
import { testForLitDevWarnings } from '../../../test/fakes/lit-dev-warnings.js';

type Story = RtcStory<RtcLocalVideoArgs>;

const services: FakeRtcService[] = [];
function fake(options: ConstructorParameters<typeof FakeRtcService>[0] = {}): FakeRtcService {
  const service = new FakeRtcService(options);
  services.push(service);
  return service;
}

async function renderStory(story: Story, service = fake(story.parameters.rtc)) {
  const { el } = await storyFixture<RtcLocalVideo, RtcLocalVideoArgs>(meta, story, { service });
  return { el, service, video: el.shadowRoot!.querySelector('video')! };
}

/** Resolves once `video` has presented `frames` new frames. */
async function frames(video: HTMLVideoElement, count = 3): Promise<void> {
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no video frame in 5 s (${i} seen)`)), 5_000);
      video.requestVideoFrameCallback(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

afterEach(() => {
  for (const service of services.splice(0)) service.dispose();
});

describe('<rtc-local-video>', () => {
  describe('renders each state', () => {
    const cases: Array<[string, Story, boolean]> = [
      ['Idle', stories.Idle, false],
      ['Ready', stories.Ready, true],
      ['Connected', stories.Connected, true],
      ['Failed', stories.Failed, false],
    ];
    for (const [name, story, hasStream] of cases) {
      it(`${name}: <video part="video" autoplay playsinline muted>, showing the service's local stream${hasStream ? '' : ' (none)'}`, async () => {
        const { service, video } = await renderStory(story);
        expect(video.getAttribute('part')).to.equal('video');
        expect(video.autoplay).to.equal(true);
        expect(video.playsInline).to.equal(true);
        expect(video.muted, 'local video is muted').to.equal(true);
        expect(video.hasAttribute('muted'), 'muted from the start, as an attribute too').to.equal(true);
        expect(streamName(video.srcObject)).to.equal(streamName(service.localStream));
        expect(video.srcObject !== null).to.equal(hasStream);
      });

      it(`${name}: passes axe`, async () => {
        const { el } = await renderStory(story);
        await expect(el).to.be.accessible();
      });
    }

    it('plays live frames from the stream (the fake is animated)', async () => {
      const { video } = await renderStory(stories.Ready);
      await frames(video);
      expect(video.videoWidth).to.equal(320);
    });
  });

  describe('follows the service', () => {
    it('shows the stream when the call starts, and lets it go when the call hangs up', async () => {
      const { service, video } = await renderStory(stories.Idle);
      const el = video.getRootNode() as ShadowRoot;
      expect(streamName(video.srcObject)).to.equal(streamName(null));
      await service.start();
      await settle(el.host);
      expect(video.srcObject).to.be.instanceOf(MediaStream);
      expect(streamName(video.srcObject)).to.equal(streamName(service.localStream));
      await service.hangup();
      await settle(el.host);
      expect(streamName(video.srcObject)).to.equal(streamName(null));
    });

    it('inside <rtc-call>, takes the call\'s service through context', async () => {
      const service = fake({ state: 'ready' });
      const { el } = await storyFixture(callMeta, callStories.CustomLayout, { service });
      const local = el.querySelector('rtc-local-video')!;
      expect(local.service === service, 'the call\'s service').to.equal(true);
      expect(streamName(local.shadowRoot!.querySelector('video')!.srcObject)).to.equal(streamName(service.localStream));
      expect(local.shadowRoot!.querySelector('video')!.muted).to.equal(true);
    });
  });

  describe('no Lit dev-mode warnings', () => {
    testForLitDevWarnings(
      async () => (await renderStory(stories.Idle)).el,
      async (el) => {
        await el.service!.start();
        await settle(el);
        await el.service!.hangup();
        await settle(el);
      },
    );
    testForLitDevWarnings(async () => (await renderStory(stories.Connected)).el);
  });

  describe('cleanup on disconnect', () => {
    it('removing it leaves no listener on the service and sets srcObject to null', async () => {
      const service = fake({ state: 'ready' });
      expect(service.listenerCount()).to.equal(0);
      const { el, video } = await renderStory(stories.Ready, service);
      expect(service.listenerCount(), 'listening while connected').to.be.greaterThan(0);
      expect(streamName(video.srcObject)).to.equal(streamName(service.localStream));
      el.remove();
      expect(service.listenerCount()).to.equal(0);
      expect(streamName(video.srcObject)).to.equal(streamName(null));
      expect(service.localStream!.getVideoTracks()[0].readyState, 'the service\'s tracks are not stopped').to.equal('live');
    });

    it('put back in the page, it shows the stream again and follows the service', async () => {
      const { el, service, video } = await renderStory(stories.Ready);
      const parent = el.parentElement!;
      el.remove();
      parent.append(el);
      await settle(el);
      expect(service.listenerCount()).to.be.greaterThan(0);
      expect(streamName(video.srcObject)).to.equal(streamName(service.localStream));
      await service.hangup();
      await settle(el);
      expect(streamName(video.srcObject)).to.equal(streamName(null));
    });
  });

  describe('two on one page', () => {
    it('each shows its own service\'s stream', async () => {
      const a = fake({ state: 'ready' });
      const b = fake({ state: 'idle' });
      const args = storyArgs(meta, stories.Ready);
      const container = await fixture<HTMLDivElement>(html`<div>
        ${stories.Ready.render(args, { args, loaded: { service: a } })} ${stories.Ready.render(args, { args, loaded: { service: b } })}
      </div>`);
      await settle(container);
      const [videoA, videoB] = [...container.querySelectorAll('rtc-local-video')].map((el) => el.shadowRoot!.querySelector('video')!);
      expect(streamName(videoA.srcObject)).to.equal(streamName(a.localStream));
      expect(streamName(videoB.srcObject)).to.equal(streamName(null));
      await b.start();
      await settle(container);
      expect(streamName(videoB.srcObject)).to.equal(streamName(b.localStream));
      expect(streamName(videoA.srcObject)).to.equal(streamName(a.localStream));
      expect(streamName(a.localStream)).to.not.equal(streamName(b.localStream));
      await a.hangup();
      await settle(container);
      expect(streamName(videoA.srcObject)).to.equal(streamName(null));
      expect(streamName(videoB.srcObject)).to.equal(streamName(b.localStream));
    });
  });
});
