// <rtc-precall>: the check before a call. It uses the browser's real camera and microphone; the network
// test needs ICE servers (ice-servers-url, the hub's /ice-servers).
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/components/rtc-precall/rtc-precall.js';

export interface RtcPrecallArgs {
  iceServersUrl: string;
  lang: 'en' | 'ko' | 'es' | 'ar';
  width: number;
}

export type RtcPrecallStory = StoryObj<RtcPrecallArgs>;

export const renderPrecall = (args: RtcPrecallArgs) =>
  html`<div lang=${args.lang} style="inline-size:${args.width}px;max-inline-size:100%">
    <rtc-precall ice-servers-url=${args.iceServersUrl || ''}></rtc-precall>
  </div>`;

const meta: Meta<RtcPrecallArgs> = {
  title: 'Elements/rtc-precall',
  // A helper the tests use; not a story.
  excludeStories: ['renderPrecall'],
  component: 'rtc-precall',
  args: { iceServersUrl: '', lang: 'en', width: 800 },
  argTypes: {
    iceServersUrl: { control: 'text', description: "The hub's `/ice-servers`, for the network test." },
    lang: { control: 'inline-radio', options: ['en', 'ko', 'es', 'ar'] },
    width: { control: { type: 'range', min: 320, max: 1280, step: 10 } },
  },
  render: renderPrecall,
};
export default meta;

/** Before the check: the preview, the selects, the test sound and "Check my devices". */
export const Default: RtcPrecallStory = {};
/** Korean. */
export const Korean: RtcPrecallStory = { args: { lang: 'ko' } };
/** Arabic, right to left. */
export const Arabic: RtcPrecallStory = { args: { lang: 'ar' } };
/** A phone: stacked. */
export const Phone: RtcPrecallStory = { args: { width: 360 } };
