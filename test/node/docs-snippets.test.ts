// The code in the docs is cut from the framework samples, which `npm run test:frameworks` builds and runs
// (scripts/docs-snippets.mjs). A sample changed without `node scripts/docs-snippets.mjs` fails here.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain .mjs script, without types
import { docsWithSnippets, staleDocs } from '../../scripts/docs-snippets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('snippets in docs/', () => {
  it('docs/frameworks.md takes its code from the samples', () => {
    assert.ok((docsWithSnippets() as string[]).includes('docs/frameworks.md'));
  });

  it('every snippet comes from a framework sample that npm test builds and runs', () => {
    for (const doc of docsWithSnippets() as string[]) {
      const sources = [...readFileSync(join(root, doc), 'utf8').matchAll(/<!-- snippet: ([^#\s]+)/g)].map((m) => m[1]);
      assert.ok(sources.length > 0);
      for (const source of sources) {
        const sample = source.match(/^frameworks\/([^/]+)\//)?.[1];
        assert.ok(sample && existsSync(join(root, 'frameworks', sample, 'package.json')), `${doc}: ${source} is not in a sample`);
      }
    }
  });

  it('every snippet matches its source, region for region', () => {
    assert.deepEqual(staleDocs(), [], 'run "node scripts/docs-snippets.mjs"');
  });
});
