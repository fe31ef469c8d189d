// Stories as test fixtures: render a story into the page with a given fake service, the way Storybook
// renders it with the one its loader made. For browser tests only (it uses @open-wc/testing).
import { fixture } from '@open-wc/testing';
import type { RtcService } from '../src/services/rtc/rtc-service.js';
import { deepElements } from './deep-elements.js';
import { FakeRtcService } from './fake-rtc-service.js';
import type { RtcMeta, RtcStory } from './rtc-story.js';

export interface StoryFixtureOptions<A, S extends RtcService> {
  /** The service to render with. Default: a fresh fake with the story's own options. */
  service?: S;
  /** Args over the meta's and the story's. */
  args?: Partial<A>;
}

/** The story's args: the meta's, then the story's, then the given ones. */
export function storyArgs<A>(meta: RtcMeta<A>, story: RtcStory<A>, args: Partial<A> = {}): A {
  return { ...meta.args, ...(story.args as Partial<A> | undefined), ...args };
}

/** Renders `story` into a fixture and waits until every rtc-kit element in it has rendered. */
export async function storyFixture<T extends HTMLElement, A = Record<string, unknown>, S extends RtcService = FakeRtcService>(
  meta: RtcMeta<A>,
  story: RtcStory<A>,
  options: StoryFixtureOptions<A, S> = {},
): Promise<{ el: T; service: S }> {
  const service = options.service ?? (new FakeRtcService(story.parameters.rtc) as unknown as S);
  const args = storyArgs(meta, story, options.args);
  const el = await fixture<T>(story.render(args, { args, loaded: { service } }));
  await settle(el);
  return { el, service };
}

interface Updating {
  updateComplete: Promise<unknown>;
}

/** Waits until `root` and every Lit element inside it (shadow roots included) has no update pending. */
export async function settle(root: Element): Promise<void> {
  // An update can render new elements or schedule another's update, so go round until all is quiet.
  for (let round = 0; round < 10; round++) {
    const pending = [root, ...deepElements(root)].filter((el): el is Element & Updating & { isUpdatePending: boolean } => 'updateComplete' in el && (el as unknown as { isUpdatePending: boolean }).isUpdatePending);
    if (pending.length === 0) return;
    await Promise.all(pending.map((el) => el.updateComplete));
  }
  throw new Error('elements kept updating after 10 rounds');
}

/**
 * A stream as a short string for assertions, `MediaStream <id>` or `none`. Compare these, never the
 * streams: a failed chai assertion that prints a MediaStream takes the test page's browser down.
 */
export function streamName(stream: MediaProvider | null | undefined): string {
  if (!stream) return 'none';
  return stream instanceof MediaStream ? `MediaStream ${stream.id}` : String(stream);
}
