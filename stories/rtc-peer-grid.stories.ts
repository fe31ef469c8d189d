// <rtc-peer-grid> inside <rtc-call>, which hands it the call's service: a tile for every peer.
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, type TemplateResult } from 'lit';
import '../src/components/rtc-call/rtc-call.js';
import '../src/components/rtc-peer-grid/rtc-peer-grid.js';
import { PEOPLE } from './call-screen.stories.js';
import { FakeCallService, type FakeCallServiceOptions } from './fake-call-service.js';

export interface RtcPeerGridArgs {
  /** How many of the five example people are in the call. */
  peers: number;
  /** The box's width and height in CSS pixels. */
  width: number;
  height: number;
  lang: 'en' | 'ko' | 'es' | 'ar';
}

export type RtcPeerGridStory = Omit<StoryObj<RtcPeerGridArgs>, 'render' | 'parameters'> & {
  parameters?: { rtc?: FakeCallServiceOptions };
  render?: (args: RtcPeerGridArgs, context: { loaded: { service: FakeCallService } }) => TemplateResult;
};

/** The service for a story: a connected call with the first `peers` people. */
export const gridService = (args: RtcPeerGridArgs, options: FakeCallServiceOptions = {}) =>
  new FakeCallService({ state: 'connected', people: PEOPLE.slice(0, args.peers), ...options });

export const renderGrid = (args: RtcPeerGridArgs, { loaded }: { loaded: { service: FakeCallService } }) =>
  html`<rtc-call .service=${loaded.service} lang=${args.lang} style="display:block;inline-size:${args.width}px;max-inline-size:100%;block-size:${args.height}px">
    <rtc-peer-grid></rtc-peer-grid>
  </rtc-call>`;

const meta: Meta<RtcPeerGridArgs> & { args: RtcPeerGridArgs } = {
  title: 'Elements/rtc-peer-grid',
  // Helpers the tests use; not stories.
  excludeStories: ['gridService', 'renderGrid'],
  component: 'rtc-peer-grid',
  args: { peers: 4, width: 800, height: 480, lang: 'en' },
  argTypes: {
    peers: { control: { type: 'range', min: 0, max: 5 } },
    width: { control: { type: 'range', min: 320, max: 1440, step: 10 } },
    height: { control: { type: 'range', min: 200, max: 900, step: 10 } },
    lang: { control: 'inline-radio', options: ['en', 'ko', 'es', 'ar'] },
  },
  loaders: [({ args, parameters }) => ({ service: gridService(args as RtcPeerGridArgs, { stepMs: 400, ...parameters.rtc }) })],
  beforeEach:
    ({ loaded }) =>
    () =>
      (loaded.service as FakeCallService | undefined)?.dispose(),
  render: (args, context) => renderGrid(args, context as unknown as { loaded: { service: FakeCallService } }),
};
export default meta;

/** One peer fills the box. */
export const One: RtcPeerGridStory = { args: { peers: 1 } };
/** Two side by side. */
export const Two: RtcPeerGridStory = { args: { peers: 2 } };
/** Three: two, and one across below. */
export const Three: RtcPeerGridStory = { args: { peers: 3 } };
/** Four: two by two, with a muted badge and three quality levels. */
export const Four: RtcPeerGridStory = { args: { peers: 4 } };
/** Five: three across. */
export const Five: RtcPeerGridStory = { args: { peers: 5 } };
/** A phone: two columns, and two peers stack. */
export const Narrow: RtcPeerGridStory = { args: { peers: 5, width: 360, height: 640 } };
/** Arabic: names and quality change sides. */
export const Arabic: RtcPeerGridStory = { args: { peers: 4, lang: 'ar' } };
