import { html, nothing } from 'lit';
import '../src/components/rtc-remote-video/rtc-remote-video.js';
import { disposeFakeService, fakeServiceLoader, type RtcMeta, type RtcStory, type RtcStoryContext } from './rtc-story.js';

export interface RtcRemoteVideoArgs {
  /** The peer to show; empty for the first one. */
  peer: string;
  width: string;
}

const meta: RtcMeta<RtcRemoteVideoArgs> = {
  title: 'Elements/rtc-remote-video',
  component: 'rtc-remote-video',
  args: { peer: '', width: '320px' },
  argTypes: {
    peer: { control: 'text', description: "The peer's connection id; empty shows the first peer." },
    width: { control: 'text', description: 'The width of the box (a CSS length).' },
  },
  loaders: [fakeServiceLoader],
  beforeEach: disposeFakeService,
};
export default meta;

type Story = RtcStory<RtcRemoteVideoArgs>;

/** Given the service directly, as a page without `<rtc-call>` would through context. */
const renderRemote = (args: RtcRemoteVideoArgs, { loaded }: RtcStoryContext<RtcRemoteVideoArgs>) =>
  html`<rtc-remote-video .service=${loaded.service} peer=${args.peer || nothing} style="width: ${args.width}"></rtc-remote-video>`;

/** No call: an empty box. */
export const Idle: Story = { parameters: { rtc: { state: 'idle' } }, render: renderRemote };

/** Waiting in the channel: still no peer video. */
export const Ready: Story = { parameters: { rtc: { state: 'ready' } }, render: renderRemote };

/** In a call: the peer's video. */
export const Connected: Story = { parameters: { rtc: { state: 'connected' } }, render: renderRemote };

/** The call failed: the peer's video is gone (the call's error part says why). */
export const Failed: Story = {
  parameters: { rtc: { state: 'failed', error: { code: 'ice-failed', message: 'No network path to the peer was found. A TURN relay may be needed; see ice-servers-url.' } } },
  render: renderRemote,
};

/** Two peers in the call; `peer="bob"` shows only Bob. */
export const ChosenPeer: Story = {
  args: { peer: 'bob' },
  parameters: { rtc: { state: 'connected', peers: ['alice', 'bob'] } },
  render: renderRemote,
};
