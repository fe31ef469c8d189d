import { html } from 'lit';
import { expect, userEvent, waitFor } from 'storybook/test';
import '../src/components/rtc-call/rtc-call.js';
import '../src/components/rtc-local-video/rtc-local-video.js';
import '../src/components/rtc-remote-video/rtc-remote-video.js';
import type { CallVariant } from '../src/services/rtc/rtc-service.js';
import { announced, callIn, controlBar, stateChanges, videosIn } from './play.js';
import { disposeFakeService, fakeServiceLoader, type RtcMeta, type RtcStory, type RtcStoryContext } from './rtc-story.js';

export interface RtcCallArgs {
  channel: string;
  variant: CallVariant;
}

const meta: RtcMeta<RtcCallArgs> = {
  title: 'Elements/rtc-call',
  component: 'rtc-call',
  args: { channel: 'demo', variant: 'async' },
  argTypes: {
    channel: { control: 'text', description: 'The channel to join.' },
    variant: { control: 'inline-radio', options: ['async', 'then'], description: 'How the call is placed: `async` or `then`.' },
  },
  loaders: [fakeServiceLoader],
  beforeEach: disposeFakeService,
};
export default meta;

type Story = RtcStory<RtcCallArgs>;

/** The default page, the call screen: the start panel, then the peers, your own video and the control bar. */
const renderCall = (args: RtcCallArgs, { loaded }: RtcStoryContext<RtcCallArgs>) =>
  html`<rtc-call .service=${loaded.service} channel=${args.channel} variant=${args.variant}></rtc-call>`;

/** Nothing started: the start panel, with Start. */
export const Idle: Story = { parameters: { rtc: { state: 'idle' } }, render: renderCall };

/** Camera on, in the channel: Call and Hang Up are enabled, and the local video plays. */
export const Ready: Story = { parameters: { rtc: { state: 'ready' } }, render: renderCall };

/** In a call: both videos play, only Hang Up is enabled. */
export const Connected: Story = { parameters: { rtc: { state: 'connected' } }, render: renderCall };

/** The call failed: the error part says why, and "Try again" starts again. */
export const Failed: Story = {
  parameters: {
    rtc: { state: 'failed', error: { code: 'ice-failed', message: 'No network path to the peer was found. A TURN relay may be needed; see ice-servers-url.' } },
  },
  render: renderCall,
};

/**
 * A whole call with the buttons, in either variant: Start, Call, both videos play, Hang up. Each step is
 * announced with `rtc-state-change`, and the state is reflected on the element.
 */
const placeACall = async ({ canvasElement }: { canvasElement: HTMLElement }) => {
  const { call, screen } = await callIn(canvasElement);
  const changes = stateChanges(call);
  await userEvent.click(await screen.findByRole('button', { name: 'Start' }));
  await announced(changes, 'ready');
  await userEvent.click(await screen.findByRole('button', { name: 'Call' }));
  await announced(changes, 'connected');
  await expect(changes.mock.calls.map(([detail]) => detail)).toEqual([
    { state: 'ready', previous: 'idle' },
    { state: 'connecting', previous: 'ready' },
    { state: 'connected', previous: 'connecting' },
  ]);
  await waitFor(() => expect(call).toHaveAttribute('state', 'connected'));
  // Your own video and the peer's, each named, each showing its stream.
  await waitFor(() => expect(videosIn(call.shadowRoot!).map((video) => [video.getAttribute('aria-label'), video.srcObject instanceof MediaStream])).toEqual([
    ['Guest', true], // the fake's peer has no name
    ['You', true],
  ]));
  const bar = await controlBar(call);
  await userEvent.click(bar.getByRole('button', { name: 'Hang up' }));
  await announced(changes, 'ended');
  await expect(changes).toHaveBeenLastCalledWith({ state: 'ended', previous: 'connected' });
  await waitFor(() => expect(videosIn(call.shadowRoot!)).toEqual([]));
};

/** The `async` variant: the work is in the service; press Start, then Call, then Hang up. */
export const AsyncVariant: Story = { args: { variant: 'async' }, parameters: { rtc: { state: 'idle' } }, render: renderCall, play: placeACall };

/** The `then` variant: its own promise chains put the streams straight into its videos; press Start, then Call, then Hang up. */
export const ThenVariant: Story = { args: { variant: 'then' }, parameters: { rtc: { state: 'idle' } }, render: renderCall, play: placeACall };

/** In a call with the microphone and camera muted: both toggles are pressed (`aria-pressed="true"`). */
export const Muted: Story = { parameters: { rtc: { state: 'connected', muted: true } }, render: renderCall };

/** Each peer's tile shows its quality: the level at a glance, the numbers in its tooltip. */
export const WithQuality: Story = {
  parameters: {
    rtc: { state: 'connected', stats: { rtt: 12, bitrateIn: 1_200_000, bitrateOut: 1_150_000, packetLoss: 0, fps: 30, width: 640, height: 480, candidateType: 'host' } },
  },
  render: (args, { loaded }) => html`<rtc-call .service=${loaded.service} channel=${args.channel} variant=${args.variant}></rtc-call>`,
};

/** Your own layout: `<rtc-remote-video>` and `<rtc-local-video>` inside take the call's service through context. */
export const CustomLayout: Story = {
  parameters: { rtc: { state: 'connected' } },
  render: (args, { loaded }) => html`
    <rtc-call .service=${loaded.service} channel=${args.channel} variant=${args.variant}>
      <div class="layout" style="display: grid; grid-template-columns: 2fr 1fr; gap: 0.5rem; align-items: start">
        <rtc-remote-video></rtc-remote-video>
        <rtc-local-video></rtc-local-video>
      </div>
    </rtc-call>
  `,
};
