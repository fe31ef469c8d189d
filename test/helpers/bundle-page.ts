// A plain HTML page in an iframe that loads one of the built bundles (dist/rtc-kit.iife.js or
// dist/rtc-kit.js) and nothing from src/, with two <rtc-call> elements in the same channel, written in
// HTML with no script: each makes its own service. The tests that use it check what the bundles ship, so they need `npm run build`.
//
// Only types come from src/ here: `import type` is erased, so the test page never loads src/.
import type * as RtcKitModule from '../../src/index.js';
import type { CallState, RtcCall } from '../../src/index.js';
import { hubUrl } from '/__rtc-test-env.js';

export type Bundle = 'iife' | 'module';

/** The bundle's exports: `window.RtcKit` for the IIFE, the module namespace for the ES module. */
export type RtcKit = typeof RtcKitModule;

type PageWindow = Window &
  typeof globalThis & {
    __kit?: RtcKit;
    __ready?: boolean;
    __log: Array<[level: string, message: string]>;
    __errors: string[];
    RtcKit?: RtcKit;
    litIssuedWarnings?: Set<string>;
  };

export interface BundlePage {
  iframe: HTMLIFrameElement;
  win: PageWindow;
  kit: RtcKit;
  calls: [RtcCall, RtcCall];
  /** Everything the page printed to the console, from before the bundle loaded. */
  log: Array<[level: string, message: string]>;
  /** Uncaught errors and failed loads in the page. */
  errors: string[];
  /** The URLs of every resource the page loaded (scripts included). */
  resources(): string[];
  close(): Promise<void>;
}

let counter = 0;
/** A channel no other test uses. */
export function bundleChannel(bundle: Bundle): string {
  return `bundle-${bundle}-${Date.now().toString(36)}-${++counter}`;
}

const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Which transport the page's SignalR client may use: WebSockets as browsers have them, or only a fallback. */
export type Transport = 'websockets' | 'server-sent-events' | 'long-polling';

function pageHtml(bundle: Bundle, channel: string, dist: string, transport: Transport): string {
  const hub = attr(`${hubUrl}/messagehub`);
  const call = (id: string) =>
    `<rtc-call id="${id}" hub-url="${hub}" channel="${attr(channel)}"><rtc-local-video></rtc-local-video><rtc-remote-video></rtc-remote-video></rtc-call>`;
  // Record the console and errors before anything else runs.
  const probe = `<script>
    window.__log = [];
    window.__errors = [];
    for (const level of ['debug', 'log', 'info', 'warn', 'error']) {
      const original = console[level];
      console[level] = (...args) => { window.__log.push([level, args.map(String).join(' ')]); original.apply(console, args); };
    }
    addEventListener('error', (e) => window.__errors.push(e.message || 'could not load ' + (e.target && (e.target.src || e.target.href))), true);
    addEventListener('unhandledrejection', (e) => window.__errors.push('unhandled rejection: ' + e.reason));
    ${transport === 'websockets' ? '' : 'delete window.WebSocket;'}
    ${transport === 'long-polling' ? 'delete window.EventSource;' : ''}
  </script>`;
  if (bundle === 'iife') {
    return `<!doctype html><html><head><meta charset="utf-8">${probe}
      <script src="${dist}/rtc-kit.iife.js"></script></head><body>
      ${call('a')}${call('b')}
      <script>
        window.__kit = RtcKit;
        window.__ready = true;
      </script></body></html>`;
  }
  return `<!doctype html><html><head><meta charset="utf-8">${probe}
    <script type="module" src="${dist}/rtc-kit.js"></script></head><body>
    ${call('a')}${call('b')}
    <script type="module">
      import * as kit from '${dist}/rtc-kit.js';
      window.__kit = kit;
      window.__ready = true;
    </script></body></html>`;
}

/** Polls `check` every 25 ms until it holds, or throws after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Opens the page in a same-origin iframe (srcdoc), so `/dist/...` comes from the test server; or the
 * bundles from `dist`, a copy made with the `copy-dist` server command. With a fallback `transport`, the
 * page has no WebSocket (and, for long polling, no EventSource either), as behind some proxies.
 */
export async function openBundlePage(bundle: Bundle, channel: string, dist = '/dist', transport: Transport = 'websockets'): Promise<BundlePage> {
  const iframe = document.createElement('iframe');
  iframe.allow = 'camera; microphone; autoplay';
  iframe.style.cssText = 'width: 800px; height: 600px; border: 0';
  iframe.srcdoc = pageHtml(bundle, channel, dist, transport);
  document.body.append(iframe);
  const win = () => iframe.contentWindow as PageWindow | null;
  await until(() => win()?.__ready === true || (win()?.__errors?.length ?? 0) > 0, `${bundle} bundle page to load`);
  const w = win()!;
  if (!w.__ready) throw new Error(`the ${bundle} bundle page failed: ${w.__errors.join('; ')}`);
  const [a, b] = w.document.querySelectorAll('rtc-call');
  return {
    iframe,
    win: w,
    kit: w.__kit!,
    calls: [a as RtcCall, b as RtcCall],
    log: w.__log,
    errors: w.__errors,
    resources: () => w.performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname),
    async close() {
      await Promise.all([a, b].map((call) => (call as RtcCall).hangup().catch(() => {})));
      iframe.remove();
    },
  };
}

/** Resolves when `call.state` is `state`, or rejects after `timeoutMs`. */
export function waitForState(call: RtcCall, state: CallState, timeoutMs = 10_000): Promise<void> {
  return until(() => call.state === state, `state '${state}' (it is '${call.state}')`, timeoutMs);
}

/** The `<video>` inside the `<rtc-remote-video>` child of `call`. */
export function remoteVideoOf(call: RtcCall): HTMLVideoElement {
  const video = call.querySelector('rtc-remote-video')?.shadowRoot?.querySelector('video');
  if (!video) throw new Error('no <rtc-remote-video> with a <video> inside the call');
  return video;
}

/** Console lines from Lit's dev mode (`Lit is in dev mode`, and every warning that links lit.dev/msg). */
export function litDevWarnings(page: BundlePage): string[] {
  return page.log
    .filter(([level]) => level === 'warn' || level === 'info' || level === 'log')
    .map(([, message]) => message)
    .filter((message) => /Lit is in dev mode|lit\.dev\/msg\//.test(message));
}
