#!/usr/bin/env node
// `npm run screenshots`: PNGs of the call screen, the default page of <rtc-call>, in docs/screenshots/:
// idle, ringing, connected 1:1, connected with four peers and reconnecting; light and dark; English and
// Arabic; 360 px (a phone) and 1280 px wide. The stories of stories/call-screen.stories.ts on <rtc-call>,
// with the fake service (canvas video): no hub, no camera, no network. Headless Chromium as the
// benchmarks launch it (bench/lib/browser.mjs).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { launchChromium } from '../bench/lib/browser.mjs';

const STATES = { idle: 'Idle', ringing: 'Ringing', connected: 'Connected', group: 'Group', reconnecting: 'Reconnecting' };
const SIZES = { 360: 640, 1280: 720 };
const out = 'docs/screenshots';

// One script for the page, chunks included (esbuild inlines the dynamic imports): Lit's production build.
const { outputFiles } = await build({
  entryPoints: ['scripts/screenshots/page.ts'],
  bundle: true,
  format: 'esm',
  write: false,
  conditions: ['production'],
  define: { __RTC_DEV__: 'false' },
  logLevel: 'error',
});
const script = outputFiles[0].text;

mkdirSync(out, { recursive: true });
const browser = await launchChromium();
const written = [];
try {
  for (const [width, height] of Object.entries(SIZES).map(([w, h]) => [Number(w), h])) {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Served by Playwright itself at a loopback address, a secure context (as the pages that use rtc-kit
    // are): `navigator.mediaDevices` exists there, and with it the screen-share button. Nothing listens.
    await page.route('http://127.0.0.1/**', (route) =>
      route.fulfill(
        route.request().url().endsWith('.js')
          ? { contentType: 'text/javascript', body: script }
          : { contentType: 'text/html', body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><style>body{margin:0}</style><script type="module" src="/page.js"></script></head><body></body></html>' },
      ),
    );
    await page.goto('http://127.0.0.1/screens.html');
    await page.waitForFunction(() => typeof window.show === 'function');
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      for (const lang of ['en', 'ar']) {
        for (const [file, story] of Object.entries(STATES)) {
          await page.evaluate(([story, args]) => window.show(story, args), [story, { lang, width, height, scheme: 'light dark' }]);
          const path = join(out, `${file}-${lang}-${scheme}-${width}.png`);
          await page.screenshot({ path });
          written.push(path);
        }
      }
    }
    if (errors.length) throw new Error(`the page failed: ${errors.join('; ')}`);
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(`${written.length} screenshots in ${out}/`);
