// rtc-kit in Node (server-side rendering, tests, tooling): importing it must not touch browser globals.
// Each test file runs in its own process, so nothing here has a DOM: no window, no document.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';

const ELEMENTS = [
  ['RtcCall', 'rtc-call'],
  ['RtcLocalVideo', 'rtc-local-video'],
  ['RtcRemoteVideo', 'rtc-remote-video'],
] as const;

describe('src/index.ts in Node', () => {
  it('runs with no DOM', () => {
    assert.equal(typeof (globalThis as { window?: unknown }).window, 'undefined');
    assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
  });

  it('imports without throwing and exports the element classes', async () => {
    const kit = await import('../../src/index.js');
    for (const [name, tag] of ELEMENTS) {
      assert.equal(typeof kit[name], 'function', `${name} is exported`);
      // Lit's Node build may install a minimal customElements registry; if it is there, the tag is in it.
      const registry = (globalThis as { customElements?: CustomElementRegistry }).customElements;
      if (registry) assert.equal(registry.get(tag), kit[name], `<${tag}> is registered with ${name}`);
    }
    for (const name of ['RtcService', 'RtcError', 'RtcStateChangeEvent', 'HubClient'] as const) {
      assert.equal(typeof kit[name], 'function', `${name} is exported`);
    }
  });

  it('imports <rtc-chat> and the data channel modules (loaded on first use in browsers) without throwing', async () => {
    const chat = await import('../../src/components/rtc-chat/rtc-chat.js');
    assert.equal(typeof chat.default, 'function');
    const registry = (globalThis as { customElements?: CustomElementRegistry }).customElements;
    if (registry) assert.equal(registry.get('rtc-chat'), chat.default);
    const { DataLink } = await import('../../src/services/data/data-link.js');
    const { FileTransfers } = await import('../../src/services/data/files.js');
    assert.equal(typeof DataLink, 'function');
    assert.equal(new FileTransfers().maxFileSize, 100 * 1024 * 1024);
  });

  it('constructs an RtcService, idle and without an error', async () => {
    const { RtcService, getDefaultRtcService } = await import('../../src/index.js');
    const service = new RtcService();
    assert.equal(service.state, 'idle');
    assert.equal(service.error, null);
    assert.equal(service.localStream, null);
    assert.ok(getDefaultRtcService() instanceof RtcService);
  });
});

const libEntry = new URL('../../dist/lib/index.js', import.meta.url);
describe('the library build (dist/lib) in Node', () => {
  it('imports without throwing, with the same exports as src', { skip: !existsSync(libEntry) && 'dist/lib is not built: run "npm run build"' }, async () => {
    const src: Record<string, unknown> = await import('../../src/index.js');
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    let lib: Record<string, unknown>;
    try {
      lib = await import(libEntry.href);
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(Object.keys(lib).sort(), Object.keys(src).sort());
    assert.equal(typeof lib.RtcCall, 'function');
    // A second copy of rtc-kit keeps the first copy's tags. `__RTC_DEV__` is left undefined in the
    // library build, which reads as dev mode, so it says so (the minified bundles do not).
    if ((globalThis as { customElements?: unknown }).customElements) {
      for (const [, tag] of ELEMENTS) {
        assert.ok(warnings.some((w) => w.includes(`<${tag}> is already defined by another copy`)), `warns about <${tag}>`);
      }
    }
  });
});
