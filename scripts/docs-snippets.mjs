#!/usr/bin/env node
// Code in the docs comes from files that are compiled and run (the framework samples in frameworks/),
// so a snippet cannot drift from code that works. In a Markdown file:
//
//   <!-- snippet: frameworks/react/src/Call.tsx#call -->
//   ```tsx
//   (filled in by this script)
//   ```
//   <!-- /snippet -->
//
// `#call` names a region in the source, between lines that contain `#region call` and `#endregion call`
// (in any comment syntax); without `#name`, the whole file. The marker lines themselves are left out.
//
//   node scripts/docs-snippets.mjs           rewrite the snippets in docs/*.md
//   node scripts/docs-snippets.mjs --check   exit 1 and name each snippet that differs from its source
//                                           (test/node/docs-snippets.test.ts runs this)
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const LANGUAGES = { '.tsx': 'tsx', '.ts': 'ts', '.vue': 'vue', '.svelte': 'svelte', '.mjs': 'js', '.js': 'js', '.json': 'json', '.yaml': 'yaml', '.html': 'html' };

/** The lines of `file` in region `name` (or all of it), without the marker lines. */
export function extract(file, name) {
  const lines = readFileSync(join(root, file), 'utf8').replace(/\n$/, '').split('\n');
  if (!name) return lines.join('\n');
  const start = lines.findIndex((line) => new RegExp(`#region ${name}\\b`).test(line));
  const end = lines.findIndex((line, i) => i > start && new RegExp(`#endregion ${name}\\b`).test(line));
  if (start < 0 || end < 0) throw new Error(`${file}: no region "${name}" (#region ${name} ... #endregion ${name})`);
  return lines
    .slice(start + 1, end)
    .filter((line) => !/#(end)?region\b/.test(line))
    .join('\n');
}

const BLOCK = /<!-- snippet: ([^#\s]+)(?:#([\w-]+))? -->\n[\s\S]*?<!-- \/snippet -->/g;

/** The Markdown with every snippet block filled in from its source. */
export function fill(markdown) {
  return markdown.replace(BLOCK, (_, file, name) => {
    const language = LANGUAGES[extname(file)] ?? '';
    return `<!-- snippet: ${file}${name ? `#${name}` : ''} -->\n\`\`\`${language}\n${extract(file, name)}\n\`\`\`\n<!-- /snippet -->`;
  });
}

/** The docs that hold snippets, as repo-relative paths. */
export function docsWithSnippets() {
  return readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`)
    .filter((path) => /<!-- snippet: /.test(readFileSync(join(root, path), 'utf8')));
}

/** Each doc whose snippets differ from their sources. */
export function staleDocs() {
  return docsWithSnippets().filter((path) => {
    const text = readFileSync(join(root, path), 'utf8');
    return fill(text) !== text;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--check')) {
    const stale = staleDocs();
    for (const path of stale) console.error(`${path}: a snippet differs from its source. Run "node scripts/docs-snippets.mjs".`);
    process.exit(stale.length ? 1 : 0);
  }
  for (const path of docsWithSnippets()) {
    const text = readFileSync(join(root, path), 'utf8');
    const filled = fill(text);
    if (filled !== text) {
      writeFileSync(join(root, path), filled);
      console.log(`updated ${path}`);
    }
  }
}
