// The call screen, the default page of <rtc-call>, in every state, language, theme and width, on
// <rtc-call> with a fake service; the tests in src/components/call-screen use these stories as fixtures.
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, type TemplateResult } from 'lit';
import { expect, userEvent, within } from 'storybook/test';
import type { Language } from '../src/localize/strings.js';
import '../src/index.js';
import { FakeCallService, GOOD_STATS, type FakeCallServiceOptions, type FakePeer } from './fake-call-service.js';
import { callIn, controlBar } from './play.js';

export interface CallScreenArgs {
  /** The page's language, on the box around the screen. */
  lang: Language;
  /** `light dark` follows prefers-color-scheme; `light` or `dark` forces one (`--rtc-call-color-scheme`). */
  scheme: 'light dark' | 'light' | 'dark';
  /** The box's width and height in CSS pixels. */
  width: number;
  height: number;
}

export interface CallScreenStoryContext {
  args: CallScreenArgs;
  loaded: { service: FakeCallService };
}

export type CallScreenStory = Omit<StoryObj<CallScreenArgs>, 'render' | 'parameters' | 'play'> & {
  parameters: { rtc: FakeCallServiceOptions; menu?: boolean };
  render?: (args: CallScreenArgs, context: CallScreenStoryContext) => TemplateResult;
};

/** The screen in a box of the story's size and language. */
export const renderScreen = (args: CallScreenArgs, { loaded }: CallScreenStoryContext) =>
  html`<div lang=${args.lang} style="inline-size:${args.width}px;max-inline-size:100%;block-size:${args.height}px;--rtc-call-color-scheme:${args.scheme}">
    <rtc-call .service=${loaded.service} channel="demo"></rtc-call>
  </div>`;

const meta: Meta<CallScreenArgs> & { args: CallScreenArgs } = {
  title: 'Call screen/States',
  // Helpers other stories and tests use; not stories.
  excludeStories: ['PEOPLE', 'renderScreen'],
  args: { lang: 'en', scheme: 'light dark', width: 800, height: 560 },
  argTypes: {
    lang: { control: 'inline-radio', options: ['en', 'ko', 'es', 'ar'], description: 'The `lang` of the page around it.' },
    scheme: { control: 'inline-radio', options: ['light dark', 'light', 'dark'], description: '`--rtc-call-color-scheme`.' },
    width: { control: { type: 'range', min: 320, max: 1440, step: 10 } },
    height: { control: { type: 'range', min: 400, max: 900, step: 10 } },
  },
  loaders: [({ parameters }) => ({ service: new FakeCallService({ stepMs: 400, ...parameters.rtc }) })],
  beforeEach:
    ({ loaded }) =>
    () =>
      (loaded.service as FakeCallService | undefined)?.dispose(),
  // Opens the devices menu with its button, for the stories that show it (stories/control-bar.stories.ts
  // operates every button of the bar).
  play: async ({ canvasElement, parameters }) => {
    if (!parameters.menu) return;
    const { call, screen } = await callIn(canvasElement);
    const devices = (await controlBar(call)).getByRole('button', { name: 'Devices', expanded: false });
    await userEvent.click(devices);
    await expect(devices).toHaveAttribute('aria-expanded', 'true');
    const menu = await screen.findByRole('group', { name: 'Devices' });
    await expect((await within(menu).findAllByRole('combobox')).map((select) => select.getAttribute('part'))).toEqual(['camera-select', 'microphone-select', 'speaker-select']);
  },
  render: (args, context) => renderScreen(args, context as unknown as CallScreenStoryContext),
};
export default meta;

/** Five people with names, one muted, one with the camera off, and each with a connection of its own quality. */
export const PEOPLE: FakePeer[] = [
  { id: 'p1', name: 'Alex', stats: GOOD_STATS },
  { id: 'p2', name: 'Bea', audioMuted: true, stats: { ...GOOD_STATS, rtt: 180 } },
  { id: 'p3', name: 'Chen', videoMuted: true, stats: { ...GOOD_STATS, rtt: 520, packetLoss: 0.12 } },
  { id: 'p4', name: 'Dana Okonkwo-Villanueva', stats: GOOD_STATS },
  { id: 'p5', name: null, stats: GOOD_STATS },
];

const INVITATION = { direction: 'incoming', name: 'Alex', from: 'alex' } as const;

/** Before the call: a short start panel; the channel is the element's attribute. */
export const Idle: CallScreenStory = { parameters: { rtc: { state: 'idle' } } };

/** Camera on, in the channel: Call, and the control bar. */
export const Ready: CallScreenStory = { parameters: { rtc: { state: 'ready' } } };

/** Calling: no peer yet. */
export const Connecting: CallScreenStory = { parameters: { rtc: { state: 'connecting', withStreams: true, people: [] } } };

/** A 1:1 call: the peer fills the stage, the self-view sits in a corner, mirrored. */
export const Connected: CallScreenStory = { parameters: { rtc: { state: 'connected', people: PEOPLE.slice(0, 1) } } };

/** Microphone and camera off: both toggles pressed. */
export const Muted: CallScreenStory = { parameters: { rtc: { state: 'connected', muted: true, people: PEOPLE.slice(0, 1) } } };

/** A group of four: a two-by-two grid, with names, a muted badge and each peer's quality. */
export const Group: CallScreenStory = { parameters: { rtc: { state: 'connected', people: PEOPLE.slice(0, 4) } } };

/** Five peers, the most a channel of six holds. */
export const GroupOfFive: CallScreenStory = { parameters: { rtc: { state: 'connected', people: PEOPLE } } };

/** The path broke: the overlay says so while ICE restarts. */
export const Reconnecting: CallScreenStory = { parameters: { rtc: { state: 'reconnecting', people: PEOPLE.slice(0, 1) } } };

/** An outgoing invitation: Calling…, and Cancel. */
export const Calling: CallScreenStory = { parameters: { rtc: { state: 'calling', invitation: { ...INVITATION, direction: 'outgoing' } } } };

/** An incoming invitation: the caller's name, Accept and Decline. */
export const Ringing: CallScreenStory = { parameters: { rtc: { state: 'ringing', invitation: INVITATION } } };

/** After the call: Start again. */
export const Ended: CallScreenStory = { parameters: { rtc: { state: 'ended' } } };

/** The call failed: what happened, in the page's language, and Try again. */
export const Failed: CallScreenStory = {
  parameters: { rtc: { state: 'failed', error: { code: 'ice-failed', message: 'No network path to the peer was found.' } } },
};

/** The devices menu, open: camera, microphone and speaker. */
export const DevicesMenu: CallScreenStory = { parameters: { rtc: { state: 'connected', people: PEOPLE.slice(0, 1) }, menu: true } };

/** Korean, the seed's language. */
export const Korean: CallScreenStory = { args: { lang: 'ko' }, parameters: Group.parameters };

/** Spanish. */
export const Spanish: CallScreenStory = { args: { lang: 'es' }, parameters: Ringing.parameters };

/** Arabic, right to left: the control bar and the self-view mirrored. */
export const Arabic: CallScreenStory = { args: { lang: 'ar' }, parameters: Group.parameters };

/** Dark, forced with `--rtc-call-color-scheme: dark` (it follows prefers-color-scheme by default). */
export const Dark: CallScreenStory = { args: { scheme: 'dark' }, parameters: Group.parameters };

/** A phone: 360 px wide. */
export const Phone: CallScreenStory = { args: { width: 360, height: 640 }, parameters: GroupOfFive.parameters };

/** A desktop: 1280 px wide. */
export const Desktop: CallScreenStory = { args: { width: 1280, height: 720 }, parameters: Group.parameters };
