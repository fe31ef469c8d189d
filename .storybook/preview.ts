import type { Preview } from '@storybook/web-components-vite';
import { configure } from 'storybook/test';

// Play functions wait (waitFor, findBy…) up to 10 s for what they expect, not Testing Library's 1 s: only a
// bound for a failure, since `npm test` runs them on busy machines. What they wait for comes well before.
configure({ asyncUtilTimeout: 10_000 });

const preview: Preview = {
  parameters: {
    controls: { expanded: true },
    layout: 'padded',
  },
};
export default preview;
