// The page scripts/screenshots.mjs photographs: the call screen's stories on <rtc-call>, with the fake
// service (canvas video, no hub, no camera). `window.show(name, args)` renders one and resolves once
// its language, its chunks and its videos are there.
import { render } from 'lit';
// The elements' own modules: bundled through src/index.ts, esbuild drops their definitions (core.ts is
// not in package.json's `sideEffects`).
import '../../src/components/rtc-call/rtc-call.js';
import '../../src/components/rtc-local-video/rtc-local-video.js';
import '../../src/components/rtc-remote-video/rtc-remote-video.js';
import meta, * as stories from '../../stories/call-screen.stories.js';
import type { CallScreenArgs, CallScreenStory } from '../../stories/call-screen.stories.js';
import { FakeCallService } from '../../stories/fake-call-service.js';

let service: FakeCallService | null = null;

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

/** Every <video> in `root`, down through open shadow roots. */
function videos(root: ParentNode): HTMLVideoElement[] {
  return [...root.querySelectorAll('*')].flatMap((el) => (el instanceof HTMLVideoElement ? [el] : el.shadowRoot ? videos(el.shadowRoot) : []));
}

async function show(name: keyof typeof stories, args: Partial<CallScreenArgs>): Promise<void> {
  service?.dispose();
  const story = stories[name] as CallScreenStory;
  service = new FakeCallService(story.parameters.rtc);
  const all = { ...meta.args, ...story.args, ...args };
  render((story.render ?? stories.renderScreen)(all, { args: all, loaded: { service } }), document.body);
  const call = document.querySelector('rtc-call')!;
  await call.updateComplete;
  const root = call.shadowRoot!;
  await until(() => root.querySelector('[part~="screen"]')?.getAttribute('lang') === all.lang, `the ${all.lang} strings`);
  const grid = root.querySelector('rtc-peer-grid');
  if (grid) await until(() => !!grid.shadowRoot?.querySelector('.tile'), 'the grid');
  await until(() => videos(document).every((video) => !video.srcObject || video.readyState >= 2), 'the videos to play');
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

Object.assign(window, { show });
