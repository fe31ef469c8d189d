// What every rtc-kit story shares: its fake service comes from `parameters.rtc` (plain, serializable
// options), made by a loader before render and disposed when the story goes away. The element tests
// render the same stories with their own fake (see story-fixture.ts).
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import type { TemplateResult } from 'lit';
import type { RtcService } from '../src/services/rtc/rtc-service.js';
import { FakeRtcService, type FakeRtcServiceOptions } from './fake-rtc-service.js';

export interface RtcStoryParameters {
  /** The fake service the story runs with. */
  rtc: FakeRtcServiceOptions;
}

/** What a story's render function receives besides its args: the service made for it. */
export interface RtcStoryContext<A> {
  args: A;
  loaded: { service: RtcService };
}

/** A story whose render function takes its service from the loader (Storybook) or a test. */
export type RtcStory<A> = Omit<StoryObj<A>, 'render' | 'parameters'> & {
  parameters: RtcStoryParameters;
  render: (args: A, context: RtcStoryContext<A>) => TemplateResult;
};

export type RtcMeta<A> = Meta<A> & { args: A };

/** Makes the story's fake service; in Storybook each step takes a moment, so the states can be seen. */
export const fakeServiceLoader = ({ parameters }: { parameters: Partial<RtcStoryParameters> }): { service: FakeRtcService } => ({
  service: new FakeRtcService({ stepMs: 400, ...parameters.rtc }),
});

/** Stops the fake's canvases when the story is left. */
export const disposeFakeService =
  ({ loaded }: { loaded: { service?: FakeRtcService } }) =>
  (): void =>
    loaded.service?.dispose();
