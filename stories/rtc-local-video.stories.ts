import { html } from 'lit';
import '../src/components/rtc-local-video/rtc-local-video.js';
import { disposeFakeService, fakeServiceLoader, type RtcMeta, type RtcStory, type RtcStoryContext } from './rtc-story.js';

export interface RtcLocalVideoArgs {
  width: string;
}

const meta: RtcMeta<RtcLocalVideoArgs> = {
  title: 'Elements/rtc-local-video',
  component: 'rtc-local-video',
  args: { width: '320px' },
  argTypes: { width: { control: 'text', description: 'The width of the box (a CSS length).' } },
  loaders: [fakeServiceLoader],
  beforeEach: disposeFakeService,
};
export default meta;

type Story = RtcStory<RtcLocalVideoArgs>;

/** Given the service directly, as a page without `<rtc-call>` would through context. */
const renderLocal = (args: RtcLocalVideoArgs, { loaded }: RtcStoryContext<RtcLocalVideoArgs>) =>
  html`<rtc-local-video .service=${loaded.service} style="width: ${args.width}"></rtc-local-video>`;

/** No camera yet: an empty box. */
export const Idle: Story = { parameters: { rtc: { state: 'idle' } }, render: renderLocal };

/** The camera preview, muted. */
export const Ready: Story = { parameters: { rtc: { state: 'ready' } }, render: renderLocal };

/** In a call the preview stays. */
export const Connected: Story = { parameters: { rtc: { state: 'connected' } }, render: renderLocal };

/** A call that failed while starting has no camera: an empty box (the call's error part says why). */
export const Failed: Story = {
  parameters: { rtc: { state: 'failed', error: { code: 'media-permission-denied', message: 'Camera or microphone access was denied. Allow it in the browser and try again.' } } },
  render: renderLocal,
};
