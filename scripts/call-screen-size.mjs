#!/usr/bin/env node
// The bytes the call screen adds to the browser bundle, measured the way `npm run size` measures:
// minified as the real build minifies (rollup.config.mjs), then gzip -9.
//
//   node scripts/call-screen-size.mjs
//
// It builds dist/rtc-kit.js into a temporary directory, with rollup.config.mjs's own plugins: as it is;
// with the call screen's render part exported from it too (the template, its styles, the English
// strings, the icons and the live-region helper); and with all of its always-loaded modules (those, the
// language controller and the controller that ties them together). The differences are what the call
// screen costs every page.
// The chunks it loads on first use (each language, the devices menu, <rtc-peer-grid>, <rtc-precall>)
// are listed from the second build.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rollup } from 'rollup';
import { sizes } from './bundle-sizes.mjs';
import configs from '../rollup.config.mjs';

const browser = configs.find((c) => c.input === 'src/index.ts');
const esOutput = browser.output.find((o) => o.format === 'es');
const tmp = mkdtempSync(join(tmpdir(), 'rtc-call-screen-size-'));

/** The call screen's always-loaded modules, exported so that nothing is shaken out. */
const WITH_SCREEN = `export * from '${process.cwd()}/src/index.ts';
export { CallScreenController } from '${process.cwd()}/src/components/call-screen/call-screen-controller.ts';
export { callScreenStyles } from '${process.cwd()}/src/components/call-screen/call-screen.styles.ts';
// The chunks are not in the initial module; these only name them so they are built and listed.
export const chunks = [() => import('${process.cwd()}/src/components/rtc-precall/rtc-precall.ts')];
`;

async function build(name, entry) {
  const dir = join(tmp, name);
  const input = join(tmp, `${name}.ts`);
  writeFileSync(input, entry);
  const bundle = await rollup({ ...browser, input });
  await bundle.write({ ...esOutput, dir, entryFileNames: 'rtc-kit.js', sourcemap: false });
  await bundle.close();
  return dir;
}

/** The render part alone: the template, its styles, the English strings, the icons and the live-region helper. */
const RENDER_PART = `export * from '${process.cwd()}/src/index.ts';
export * from '${process.cwd()}/src/components/call-screen/call-screen.ts';
export * from '${process.cwd()}/src/components/call-screen/call-screen.styles.ts';
export * from '${process.cwd()}/src/components/call-screen/announcer.ts';
export * from '${process.cwd()}/src/localize/strings.ts';
`;

try {
  const before = sizes(join(await build('before', `export * from '${process.cwd()}/src/index.ts';\n`), 'rtc-kit.js'));
  const render = sizes(join(await build('render', RENDER_PART), 'rtc-kit.js'));
  const dir = await build('after', WITH_SCREEN);
  const after = sizes(join(dir, 'rtc-kit.js'));
  const kb = (n) => `${n} B (${(n / 1024).toFixed(2)} KB)`;
  console.log(`dist/rtc-kit.js as it is:            ${kb(before.gzip)} gzip`);
  console.log(`with the call screen's initial part: ${kb(after.gzip)} gzip`);
  console.log(`  of which the render part:          ${kb(render.gzip - before.gzip)} gzip (template, styles, English, icons, announcer)`);
  console.log(`the call screen adds:                ${kb(after.gzip - before.gzip)} gzip, ${kb(after.minified - before.minified)} minified (with LocalizeController and CallScreenController)`);
  console.log('chunks of the second build (gzip -9):');
  for (const file of readdirSync(dir).filter((f) => f !== 'rtc-kit.js' && f.endsWith('.js')).sort()) {
    console.log(`  ${file.padEnd(40)} ${kb(sizes(join(dir, file)).gzip)}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
