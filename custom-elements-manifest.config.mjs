// custom-elements.json, from each element's JSDoc header (see style.md §4 rule 2): run by `npm run build`
// as `cem analyze --config custom-elements-manifest.config.mjs`.
//
// The class files (*.component.ts) have no side effects; each tag is registered by the file beside it
// (`RtcCall.define('rtc-call')` in rtc-call.ts). The analyzer only sees `customElements.define` and
// `@customElement`, so the plugin below reads the tag from that file and puts it on the class.
import { existsSync, readFileSync } from 'node:fs';

/** `rtc-call.component.ts` -> the tag its sibling `rtc-call.ts` registers, or null. */
function tagDefinedBeside(componentPath) {
  const definePath = componentPath.replace(/\.component\.ts$/, '.ts');
  if (!existsSync(definePath)) return null;
  const match = readFileSync(definePath, 'utf8').match(/\b\w+\.define\(\s*['"]([a-z][a-z0-9]*-[a-z0-9-]*)['"]\s*\)/);
  return match ? match[1] : null;
}

/** Tags from the define files, and only the public API: no private or protected members. */
function rtcKitPlugin() {
  return {
    name: 'rtc-kit',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        if (!mod.path.endsWith('.component.ts')) continue;
        const tag = tagDefinedBeside(mod.path);
        if (!tag) throw new Error(`${mod.path}: no \`X.define('tag')\` found in the file beside it`);
        const defaultExport = mod.exports?.find((e) => e.kind === 'js' && e.name === 'default');
        const declaration = mod.declarations?.find((d) => d.kind === 'class' && d.name === defaultExport?.declaration?.name);
        if (!declaration) throw new Error(`${mod.path}: the element class is not the default export`);
        declaration.tagName ??= tag;
        declaration.customElement = true;
      }
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          if (declaration.members) {
            declaration.members = declaration.members.filter(
              (m) => m.privacy !== 'private' && m.privacy !== 'protected' && !m.name.startsWith('#'),
            );
            // Lit's internal reactive state (`static properties = { blocked: { state: true } }`) comes back
            // as an attribute of a private field; the framework types are generated from these lists.
            const fields = new Set(declaration.members.map((m) => m.name));
            if (declaration.attributes) declaration.attributes = declaration.attributes.filter((a) => !a.fieldName || fields.has(a.fieldName));
          }
          // Events dispatched in code (`this.dispatchEvent(new RtcStateChangeEvent(...))`) come back
          // without a name; the named ones come from the `@event` tags, which are the public API.
          if (declaration.events) declaration.events = declaration.events.filter((e) => e.name);
        }
      }
    },
  };
}

export default {
  globs: ['src/components/**/*.component.ts'],
  exclude: ['**/*.test.ts', '**/*.stories.ts'],
  outdir: '.',
  litelement: true,
  plugins: [rtcKitPlugin()],
};
