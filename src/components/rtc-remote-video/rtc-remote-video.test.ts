// <rtc-remote-video> with the stories as fixtures and the fake service (no peer connection).
import { expect, fixture, html } from '@open-wc/testing';
import type { RtcRemoteVideo } from '../../index.js';
import '../../index.js';
import * as callStories from '../../../stories/rtc-call.stories.js';
import callMeta from '../../../stories/rtc-call.stories.js';
import { FakeRtcService } from '../../../stories/fake-rtc-service.js';
import * as stories from '../../../stories/rtc-remote-video.stories.js';
import meta, { type RtcRemoteVideoArgs } from '../../../stories/rtc-remote-video.stories.js';
import type { RtcStory } from '../../../stories/rtc-story.js';
import { settle, storyArgs, storyFixture, streamName } from '../../../stories/story-fixture.js';
import { testForLitDevWarnings } from '../../../test/fakes/lit-dev-warnings.js';

type Story = RtcStory<RtcRemoteVideoArgs>;

const services: FakeRtcService[] = [];
function fake(options: ConstructorParameters<typeof FakeRtcService>[0] = {}): FakeRtcService {
  const service = new FakeRtcService(options);
  services.push(service);
  return service;
}

async function renderStory(story: Story, service = fake(story.parameters.rtc), args: Partial<RtcRemoteVideoArgs> = {}) {
  const { el } = await storyFixture<RtcRemoteVideo, RtcRemoteVideoArgs>(meta, story, { service, args });
  return { el, service, video: el.shadowRoot!.querySelector('video')! };
}

afterEach(() => {
  for (const service of services.splice(0)) service.dispose();
});

describe('<rtc-remote-video>', () => {
  describe('renders each state', () => {
    const cases: Array<[string, Story, boolean]> = [
      ['Idle', stories.Idle, false],
      ['Ready', stories.Ready, false],
      ['Connected', stories.Connected, true],
      ['Failed', stories.Failed, false],
    ];
    for (const [name, story, hasStream] of cases) {
      it(`${name}: <video part="video" autoplay playsinline>, showing the peer's stream${hasStream ? '' : ' (none)'}`, async () => {
        const { el, service, video } = await renderStory(story);
        expect(video.getAttribute('part')).to.equal('video');
        expect(video.autoplay).to.equal(true);
        expect(video.playsInline).to.equal(true);
        expect(video.muted, 'the peer is heard').to.equal(false);
        expect(streamName(video.srcObject)).to.equal(streamName(service.streamOf('peer-1') ?? null));
        expect(video.srcObject !== null).to.equal(hasStream);
        expect(streamName(el.stream)).to.equal(streamName(video.srcObject));
      });

      it(`${name}: passes axe`, async () => {
        const { el } = await renderStory(story);
        await expect(el).to.be.accessible();
      });
    }
  });

  describe('peer', () => {
    it('ChosenPeer: peer="bob" shows only Bob\'s stream', async () => {
      const { el, service, video } = await renderStory(stories.ChosenPeer);
      expect(el.getAttribute('peer')).to.equal('bob');
      const alice = service.streamOf('alice')!;
      const bob = service.streamOf('bob')!;
      expect(alice).to.be.instanceOf(MediaStream);
      expect(bob).to.be.instanceOf(MediaStream);
      expect(streamName(alice)).to.not.equal(streamName(bob));
      expect(streamName(video.srcObject)).to.equal(streamName(bob));
      await expect(el).to.be.accessible();
    });

    it('without peer, the first peer; changing peer switches the stream; an unknown peer shows nothing', async () => {
      const { el, service, video } = await renderStory(stories.ChosenPeer, undefined, { peer: '' });
      expect(el.peer).to.equal(null);
      expect(streamName(video.srcObject)).to.equal(streamName(service.streamOf('alice')));
      el.peer = 'bob';
      await settle(el);
      expect(streamName(video.srcObject)).to.equal(streamName(service.streamOf('bob')));
      el.setAttribute('peer', 'alice');
      await settle(el);
      expect(streamName(video.srcObject)).to.equal(streamName(service.streamOf('alice')));
      el.peer = 'carol';
      await settle(el);
      expect(streamName(video.srcObject)).to.equal(streamName(null));
    });

    it('peer="bob" ignores other peers\' streams as they come and go, and follows Bob\'s', async () => {
      const service = fake({ state: 'ready', peers: ['alice', 'bob'] });
      const { video } = await renderStory(stories.ChosenPeer, service);
      const el = (video.getRootNode() as ShadowRoot).host;
      expect(streamName(video.srcObject)).to.equal(streamName(null));
      const aliceStream = new MediaStream();
      service.setRemoteStream('alice', aliceStream);
      await settle(el);
      expect(streamName(video.srcObject), 'Alice\'s stream is not Bob\'s').to.equal('none');
      await service.call();
      await settle(el);
      expect(streamName(video.srcObject)).to.equal(streamName(service.streamOf('bob')));
      await service.hangup();
      await settle(el);
      expect(streamName(video.srcObject)).to.equal(streamName(null));
    });
  });

  describe('follows the service', () => {
    it('shows the stream when the call connects, and lets it go when the call hangs up', async () => {
      const { el, service, video } = await renderStory(stories.Ready);
      expect(streamName(video.srcObject)).to.equal(streamName(null));
      await service.call();
      await settle(el);
      expect(video.srcObject).to.be.instanceOf(MediaStream);
      expect(streamName(video.srcObject)).to.equal(streamName(service.streamOf('peer-1')));
      await service.hangup();
      await settle(el);
      expect(streamName(video.srcObject)).to.equal(streamName(null));
    });

    it('inside <rtc-call>, takes the call\'s service through context', async () => {
      const service = fake({ state: 'connected' });
      const { el } = await storyFixture(callMeta, callStories.CustomLayout, { service });
      const remote = el.querySelector('rtc-remote-video')!;
      expect(remote.service === service, 'the call\'s service').to.equal(true);
      expect(streamName(remote.shadowRoot!.querySelector('video')!.srcObject)).to.equal(streamName(service.streamOf('peer-1')));
    });
  });

  describe('no Lit dev-mode warnings', () => {
    testForLitDevWarnings(
      async () => (await renderStory(stories.Ready)).el,
      async (el) => {
        await el.service!.call();
        await settle(el);
        el.peer = 'someone-else';
        await settle(el);
        await el.service!.hangup();
        await settle(el);
      },
    );
    testForLitDevWarnings(async () => (await renderStory(stories.ChosenPeer)).el);
  });

  describe('cleanup on disconnect', () => {
    it('removing it leaves no listener on the service and sets srcObject to null', async () => {
      const service = fake({ state: 'connected' });
      expect(service.listenerCount()).to.equal(0);
      const { el, video } = await renderStory(stories.Connected, service);
      expect(service.listenerCount(), 'listening while connected').to.be.greaterThan(0);
      expect(streamName(video.srcObject)).to.equal(streamName(service.streamOf('peer-1')));
      el.remove();
      expect(service.listenerCount()).to.equal(0);
      expect(streamName(video.srcObject)).to.equal(streamName(null));
    });

    it('put back in the page, it shows the stream again and follows the service', async () => {
      const { el, service, video } = await renderStory(stories.Connected);
      const parent = el.parentElement!;
      el.remove();
      parent.append(el);
      await settle(el);
      expect(service.listenerCount()).to.be.greaterThan(0);
      expect(streamName(video.srcObject)).to.equal(streamName(service.streamOf('peer-1')));
      await service.hangup();
      await settle(el);
      expect(streamName(video.srcObject)).to.equal(streamName(null));
    });
  });

  describe('two on one page', () => {
    it('each shows its own service\'s stream', async () => {
      const a = fake({ state: 'connected' });
      const b = fake({ state: 'ready' });
      const args = storyArgs(meta, stories.Connected);
      const container = await fixture<HTMLDivElement>(html`<div>
        ${stories.Connected.render(args, { args, loaded: { service: a } })} ${stories.Connected.render(args, { args, loaded: { service: b } })}
      </div>`);
      await settle(container);
      const [videoA, videoB] = [...container.querySelectorAll('rtc-remote-video')].map((el) => el.shadowRoot!.querySelector('video')!);
      expect(streamName(videoA.srcObject)).to.equal(streamName(a.streamOf('peer-1')));
      expect(streamName(videoB.srcObject)).to.equal(streamName(null));
      await b.call();
      await settle(container);
      expect(streamName(videoB.srcObject)).to.equal(streamName(b.streamOf('peer-1')));
      expect(streamName(videoB.srcObject)).to.not.equal(streamName(videoA.srcObject));
      await a.hangup();
      await settle(container);
      expect(streamName(videoA.srcObject)).to.equal(streamName(null));
      expect(streamName(videoB.srcObject)).to.equal(streamName(b.streamOf('peer-1')));
    });
  });
});
