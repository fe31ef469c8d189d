// What the story tests (test/stories.test.ts) need from the dev server: Storybook's browser runtime, and
// the list of story files.
//
// Storybook's `storybook/test` (the expect, userEvent and waitFor the play functions use) imports
// @testing-library/dom, whose own dependencies (aria-query, lz-string, pretty-format) are CommonJS.
// Storybook's Vite builder pre-bundles them; the dev server serves modules as they are, so the browser
// could not import them. Here esbuild bundles @testing-library/dom once, with its dependencies, into one
// ES module, and every import of it is pointed there: one copy, as in Storybook.
//
//   import stories from '/__rtc-stories.js';  // { 'stories/x.stories.ts': () => import('/stories/x.stories.ts'), ... }
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { build } from 'esbuild';

const DOM_MODULE = '/__rtc-storybook/testing-library-dom.js';
const STORIES_MODULE = '/__rtc-stories.js';
const NODE_ENV = 'process.env.NODE_ENV';

/**
 * @param {string} root the repository
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
export function storybookPlugin(root) {
  /** @type {Promise<string> | null} */
  let dom = null;
  const bundleDom = () =>
    build({
      // Resolved from storybook/test, the module that imports it: the copy Storybook itself would use.
      stdin: { contents: "export * from '@testing-library/dom';", resolveDir: dirname(createRequire(join(root, 'package.json')).resolve('storybook/test')) },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    }).then((result) => result.outputFiles[0].text);

  return {
    name: 'rtc-storybook',

    resolveImport({ source }) {
      if (source === '@testing-library/dom') return DOM_MODULE;
      return undefined;
    },

    // Storybook's browser code reads process.env.NODE_ENV, which its builder replaces (Vite's `define`).
    transform(context) {
      if (context.path.includes('/node_modules/storybook/dist/') && typeof context.body === 'string' && context.body.includes(NODE_ENV)) {
        return { body: context.body.replaceAll(NODE_ENV, '"development"') };
      }
      return undefined;
    },

    async serve(context) {
      if (context.path === DOM_MODULE) {
        dom ??= bundleDom();
        return { body: await dom, type: 'js' };
      }
      if (context.path === STORIES_MODULE) {
        const files = storyFiles(root);
        const lines = files.map((file) => `  ${JSON.stringify(file)}: () => import(${JSON.stringify('/' + file)}),`);
        return { body: `export default {\n${lines.join('\n')}\n};\n`, type: 'js' };
      }
      return undefined;
    },
  };
}

/** The story files, as .storybook/main.ts finds them (`stories/**\/*.stories.ts`), repo-relative. */
function storyFiles(root) {
  return readdirSync(join(root, 'stories'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.stories.ts'))
    .map((entry) => relative(root, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/'))
    .sort();
}
