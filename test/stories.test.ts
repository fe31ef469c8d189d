// Every story in stories/, rendered in real Chromium as Storybook renders it, each one a test. Storybook's
// portable stories (`composeStories`) apply .storybook/preview.ts, then the story's loaders, beforeEach,
// render and `play` function. A story with a play function passes when its play function does (the
// control bar's are in stories/control-bar.stories.ts); one without passes when it renders without error.
import { expect } from '@open-wc/testing';
import { setProjectAnnotations } from '@storybook/web-components';
import { composeStories, type composeStory } from 'storybook/preview-api';
import preview from '../.storybook/preview.js';
import storyFiles from '/__rtc-stories.js';
import { deepElements } from '../stories/deep-elements.js';
import { settle } from '../stories/story-fixture.js';

const project = setProjectAnnotations([preview]);
/** A story made ready to run; Storybook's renderer packages type this, the web-components one does not. */
type ComposedStory = ReturnType<typeof composeStory>;
type StoriesModule = Parameters<typeof composeStories>[0];
// The stories are loaded before any test is declared, so each can be a test of its own.
const files = await Promise.all(Object.entries(storyFiles).map(async ([path, load]) => [path, await load()] as const));

before(async () => {
  await project.beforeAll?.();
});

describe('stories', () => {
  it('are found: every file that .storybook/main.ts takes', () => {
    expect(files.map(([path]) => path)).to.include.members(['stories/call-screen.stories.ts', 'stories/control-bar.stories.ts', 'stories/rtc-call.stories.ts']);
  });

  for (const [path, module] of files) {
    describe(path, () => {
      const stories = Object.entries(composeStories(module as StoriesModule, project) as Record<string, ComposedStory>);
      it('exports only stories, besides what its meta excludes', () => {
        // A helper taken for a story shows in Storybook's sidebar as a broken story.
        const notStories = stories.filter(([name]) => typeof module[name] !== 'object' || module[name] === null || Array.isArray(module[name]));
        expect(notStories.map(([name]) => name)).to.deep.equal([]);
      });

      for (const [name, story] of stories) {
        it(story.play ? `${name}: play` : `${name}: renders`, async () => {
          const canvasElement = document.createElement('div');
          document.body.append(canvasElement);
          try {
            // Loaders, beforeEach, render, play, as in Storybook; the cleanups of the story before run first.
            await story.run({ canvasElement });
            await settle(canvasElement);
            const shown = deepElements(canvasElement).filter((el) => el.localName.startsWith('rtc-'));
            expect(shown.length, 'an rtc-kit element').to.be.above(0);
            for (const el of shown) expect(el.shadowRoot?.childNodes.length ?? 0, `${el.localName} rendered`).to.be.above(0);
          } finally {
            canvasElement.remove();
          }
        });
      }
    });
  }
});
