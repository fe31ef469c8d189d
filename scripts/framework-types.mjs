// Framework types, generated from custom-elements.json by `npm run build` (after `cem analyze`), so they
// cannot drift from the elements:
//
//   dist/frameworks/elements.d.ts   every element's attributes, properties and `on<event>` handlers, with
//                                   typed events, written by @wc-toolkit/jsx-types
//   dist/frameworks/react.d.ts      React 19 JSX (`rtc-kit/react`)
//   dist/frameworks/vue.d.ts        Vue 3 GlobalComponents (`rtc-kit/vue`)
//   dist/frameworks/svelte.d.ts     Svelte 5 svelteHTML (`rtc-kit/svelte`)
//
// Why one generator for all three: @wc-toolkit/jsx-types is the maintained CEM tool, and its element
// types are right for React 19 and for Svelte 5, which both take attributes, properties and
// `on<event-name>` handlers on a custom element. Its own base props (`ref` as an element or a callback,
// `style` as an object) fit neither, so each framework file joins the element's own props (`RtcCallProps`)
// with that framework's own HTML attribute type. Its siblings custom-element-vuejs-integration and
// custom-element-svelte-integration were tried: both type an event as `CustomEvent<RtcStateChangeEvent>`
// (so `e.detail` is the event class, not its detail), and the Svelte one writes Svelte 4's `on:` and
// `bind:` into a namespace that is not global. So the per-framework files below only hook those element
// types into each framework; the list of tags and classes in them comes from the manifest too.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateJsxTypes } from '@wc-toolkit/jsx-types';

const outdir = 'dist/frameworks';
/** Where the element and event classes come from, relative to `outdir`. */
const typesFrom = '../lib/index.js';

/** The elements in the manifest: `{tagName, name}` for each class that registers a tag. */
export function elementsOf(manifest) {
  return manifest.modules.flatMap((mod) => (mod.declarations ?? []).filter((d) => d.customElement && d.tagName));
}

/**
 * The manifest as the generator should see it: only what a page may set (no read-only attribute or
 * property, such as the reflected `state`), and each event class listed as an export of the package
 * root, so that the generator imports it beside the element classes.
 */
function forGenerator(manifest) {
  const copy = structuredClone(manifest);
  for (const mod of copy.modules) {
    for (const declaration of mod.declarations ?? []) {
      if (!declaration.customElement) continue;
      declaration.attributes = declaration.attributes?.filter((a) => !a.readonly);
      declaration.members = declaration.members?.filter((m) => !m.readonly);
      for (const event of declaration.events ?? []) {
        const type = event.type?.text;
        if (!type || !/^[A-Z][\w$]*$/.test(type)) throw new Error(`${declaration.tagName}: event ${event.name} needs a class type in its @event tag`);
        mod.exports ??= [];
        if (!mod.exports.some((e) => e.name === type)) mod.exports.push({ kind: 'js', name: type, declaration: { name: type } });
      }
    }
  }
  return copy;
}

/**
 * The generator's file ends with augmentations of a dozen JSX modules (react, preact, solid-js, ...).
 * Augmenting a module that is not installed is an error under `skipLibCheck: false`, so they go, and
 * each framework file below adds its own. Fails loudly if a new version of the tool writes them another way.
 */
function withoutAugmentations(text) {
  const start = text.search(/^declare module ['"]react['"]/m);
  if (start < 0) throw new Error('@wc-toolkit/jsx-types: its output changed (no `declare module "react"`); check scripts/framework-types.mjs');
  const kept = text.slice(0, start);
  if (/^declare (module|global)/m.test(kept)) throw new Error('@wc-toolkit/jsx-types: its output changed (an augmentation before react); check scripts/framework-types.mjs');
  return kept.trimEnd() + '\n';
}

const banner = '// Generated from custom-elements.json by scripts/framework-types.mjs. Do not edit.\n';

function reactTypes(elements) {
  return (
    `${banner}// React 19: \`/// <reference types="rtc-kit/react" />\`, or "types": ["rtc-kit/react"] in tsconfig.json.\n` +
    `import type { DetailedHTMLProps, HTMLAttributes } from 'react';\n` +
    `import type { ${elements.map((e) => e.name).join(', ')} } from '${typesFrom}';\n` +
    `import type { ${elements.map((e) => `${e.name}Props`).join(', ')} } from './elements.js';\n\n` +
    `declare module 'react' {\n  namespace JSX {\n    interface IntrinsicElements {\n` +
    elements.map((e) => `      '${e.tagName}': DetailedHTMLProps<HTMLAttributes<${e.name}>, ${e.name}> & ${e.name}Props;\n`).join('') +
    `    }\n  }\n}\n`
  );
}

/** Vue's name for a listener prop: `@rtc-state-change` is checked against `onRtcStateChange`. */
const vueListener = (event) => `on${event.replace(/(^|-)(\w)/g, (_, dash, c) => c.toUpperCase())}`;

function vueTypes(elements) {
  const propsType = (e) => {
    const events = (e.events ?? []).map((event) => event.name);
    if (events.length === 0) return `${e.name}Props`;
    const omitted = events.map((event) => `'on${event}'`).join(' | ');
    const listeners = events.map((event) => `    ${vueListener(event)}?: ${e.name}Props['on${event}'];\n`).join('');
    return `Omit<${e.name}Props, ${omitted}> & {\n${listeners}  }`;
  };
  return (
    `${banner}// Vue 3: \`/// <reference types="rtc-kit/vue" />\`, or "types": ["rtc-kit/vue"] in tsconfig.json.\n` +
    `// Tell Vue's compiler that rtc-* tags are custom elements too (isCustomElement), see docs/frameworks.md.\n` +
    `import type { DefineComponent } from 'vue';\n` +
    `import type { ${elements.map((e) => `${e.name}Props`).join(', ')} } from './elements.js';\n\n` +
    elements.map((e) => `type ${e.name}VueProps = ${propsType(e)};\n`).join('') +
    `\ndeclare module 'vue' {\n  interface GlobalComponents {\n` +
    elements.map((e) => `    '${e.tagName}': DefineComponent<${e.name}VueProps>;\n`).join('') +
    `  }\n}\n`
  );
}

function svelteTypes(elements) {
  return (
    `${banner}// Svelte 5: \`/// <reference types="rtc-kit/svelte" />\`, or "types": ["rtc-kit/svelte"] in tsconfig.json.\n` +
    `import type { HTMLAttributes } from 'svelte/elements';\n` +
    `import type { ${elements.map((e) => e.name).join(', ')} } from '${typesFrom}';\n` +
    `import type { ${elements.map((e) => `${e.name}Props`).join(', ')} } from './elements.js';\n\n` +
    `declare global {\n  namespace svelteHTML {\n    interface IntrinsicElements {\n` +
    elements.map((e) => `      '${e.tagName}': HTMLAttributes<${e.name}> & ${e.name}Props;\n`).join('') +
    `    }\n  }\n}\n`
  );
}

export function generateFrameworkTypes(manifestPath = 'custom-elements.json') {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const elements = elementsOf(manifest);
  mkdirSync(outdir, { recursive: true });
  generateJsxTypes(forGenerator(manifest), {
    outdir,
    fileName: 'elements.d.ts',
    globalTypePath: typesFrom,
    stronglyTypedEvents: true,
    hideLogs: true,
  });
  const elementsFile = join(outdir, 'elements.d.ts');
  writeFileSync(elementsFile, banner + withoutAugmentations(readFileSync(elementsFile, 'utf8')));
  writeFileSync(join(outdir, 'react.d.ts'), reactTypes(elements));
  writeFileSync(join(outdir, 'vue.d.ts'), vueTypes(elements));
  writeFileSync(join(outdir, 'svelte.d.ts'), svelteTypes(elements));
}

if (import.meta.url === `file://${process.argv[1]}`) generateFrameworkTypes();
