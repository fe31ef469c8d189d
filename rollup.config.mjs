// One build for everything `npm run build` makes. The hub server is built for Node with its
// dependencies left as imports; the browser bundles inline theirs; the library build leaves its peer
// imports (lit, @lit/*, @microsoft/signalr) to the app's bundler. Type declarations for the library
// build come from `tsc -p tsconfig.build.json`, and custom-elements.json from `cem analyze`, both run
// after rollup by `npm run build`.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

const isPackageImport = (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0');

/** @type {import('rollup').RollupOptions} */
const hubServer = {
  input: { cli: 'server/src/cli.ts', index: 'server/src/index.ts' },
  external: isPackageImport,
  plugins: [esbuild({ target: 'node20', tsconfig: 'server/tsconfig.json' })],
  output: {
    dir: 'server/dist',
    format: 'es',
    sourcemap: true,
    banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
  },
};

// ---------------------------------------------------------------------------------------------------
// The browser bundles: dist/rtc-kit.js (ES module) and dist/rtc-kit.iife.js (classic script, global
// RtcKit), with Lit, @lit/context and @microsoft/signalr inside.
//
// - `production` export condition: Lit's prod build, without its dev-mode checks and warnings.
// - `__RTC_DEV__` is false, so rtc-kit's own dev-only code drops out too.
// - @microsoft/signalr's Node-only `require("ws")` / `require("eventsource")` / `require("node-fetch")`
//   sit behind `Platform.isNode` and `typeof require` checks; rollup leaves them as they are, and they
//   never run in a browser (test/bundle-*.test.ts load both bundles and place a call).
// - terser gets no `module: true`: the plugin sets it for the ES output by itself, and for the IIFE
//   it would drop the `var RtcKit = …` assignment.

/** Fails the build on anything that would make a bundle differ from what we meant to ship. */
function strictWarnings(warning, warn) {
  if (warning.code === 'UNRESOLVED_IMPORT' || warning.code === 'MISSING_EXPORT') {
    throw new Error(warning.message);
  }
  // @microsoft/signalr puts `/*#__PURE__*/` before function declarations, where it means nothing;
  // rollup drops the comment and says so. Nothing is lost.
  if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('@microsoft/signalr')) return;
  warn(warning);
}

// `_name` properties are private by convention in @microsoft/signalr (this._connection, this._logger, ...),
// and the bundle holds the only copy of that code, so they are renamed to short names: about 0.9 KB gzip.
// None of them is reached by a computed name (checked: no ["_x"] or "_x" strings in its dist/esm), and
// Lit's cross-copy names start with `_$`, which the pattern leaves alone. The bundle tests place a call.
const minify = () =>
  terser({
    ecma: 2020,
    compress: { passes: 2 },
    mangle: { properties: { regex: /^_[a-zA-Z]/ } },
    format: { comments: false },
  });

/**
 * Drops the indentation after each newline in the elements' sources, which terser keeps inside template
 * literals: Lit's html`` and css`` templates are written indented for people, and every byte of them is
 * shipped. A newline stays a newline, so whitespace in the markup and the styles still means the same.
 */
function dropTemplateIndentation() {
  return {
    name: 'drop-template-indentation',
    transform(code, id) {
      if (!/[\\/]src[\\/]components[\\/].*\.ts$/.test(id)) return null;
      return { code: code.replace(/\n[ \t]+/g, '\n'), map: null };
    },
  };
}

/**
 * @microsoft/signalr as the browser bundles use it, without what can never run there:
 * - its branches for Node and React Native (`Platform.isNode`, `Platform.isReactNative`, tested at run
 *   time) are made `false` at build time, so terser drops them with their `require("ws")` and the like;
 * - its XMLHttpRequest client and its fetch and AbortController polyfills, used only where those are
 *   missing, which no browser with WebRTC is;
 * - its log calls (`logger.log(LogLevel.X, "...")`): rtc-kit's client logs at `LogLevel.None`, so each
 *   is a call that does nothing, with a message string every page would download.
 * About 2.5 KB gzip together. The library build (dist/lib) leaves @microsoft/signalr untouched.
 */
function signalrForBrowsers() {
  const esm = /[\\/]@microsoft[\\/]signalr[\\/]dist[\\/]esm[\\/]/;
  return {
    name: 'signalr-for-browsers',
    transform(code, id) {
      if (!esm.test(id)) return null;
      let out = code
        .replace(/\bPlatform\.isNode\b/g, 'false')
        .replace(/\bPlatform\.isReactNative\b/g, 'false')
        // Every browser with WebRTC has fetch and AbortController: their polyfill branches go too.
        .replace(/typeof (fetch|AbortController) === "undefined"/g, 'false')
        .replace(/typeof (fetch|AbortController) !== "undefined"/g, 'true')
        .replace(/new XhrHttpClient\(logger\)/, '(() => { throw new Error("XMLHttpRequest is not supported here."); })()');
      // Log calls, found in the syntax tree: `<anything>.log(LogLevel.<level>, ...)` becomes `void 0`.
      const calls = [];
      const walk = (node) => {
        if (!node || typeof node.type !== 'string') return;
        const { callee, arguments: args } = node;
        if (
          node.type === 'CallExpression' &&
          callee.type === 'MemberExpression' &&
          callee.property.name === 'log' &&
          args[0]?.type === 'MemberExpression' &&
          args[0].object.name === 'LogLevel'
        ) {
          calls.push(node);
          return;
        }
        for (const value of Object.values(node)) {
          if (Array.isArray(value)) value.forEach(walk);
          else if (value && typeof value === 'object') walk(value);
        }
      };
      walk(this.parse(out));
      for (const call of calls.sort((a, b) => b.start - a.start)) out = out.slice(0, call.start) + 'void 0' + out.slice(call.end);
      return out === code ? null : { code: out, map: null };
    },
  };
}

/**
 * @microsoft/signalr's fallback transports (Server-Sent Events and Long Polling), for the few networks
 * where WebSockets do not get through, load as chunks when the client first picks one: a page whose
 * WebSocket connects never downloads them (contract section 12). HttpConnection constructs a transport,
 * sets its `onreceive` and `onclose`, then awaits `connect()`; the stand-in loads the real transport in
 * `connect()`, hands it the handlers, and passes every later call on. `instanceof` still works, since
 * HttpConnection compares against the stand-in class it imported.
 */
function lazyFallbackTransports() {
  const prefix = '\0lazy-transport:';
  const names = ['LongPollingTransport', 'ServerSentEventsTransport'];
  return {
    name: 'lazy-fallback-transports',
    async resolveId(source, importer) {
      const name = source.replace(/^\.\//, '').replace(/\.js$/, '');
      if (!names.includes(name) || !importer?.replace(/\\/g, '/').endsWith('@microsoft/signalr/dist/esm/HttpConnection.js')) return null;
      const real = await this.resolve(source, importer, { skipSelf: true });
      return `${prefix}${name}:${real.id}`;
    },
    load(id) {
      if (!id.startsWith(prefix)) return null;
      const [name, ...path] = id.slice(prefix.length).split(':');
      return `
        export class ${name} {
          constructor(...args) { this._args = args; this._inner = null; this.onreceive = null; this.onclose = null; }
          async connect(url, format) {
            const { ${name}: Real } = await import(${JSON.stringify(path.join(':'))});
            const inner = (this._inner ??= new Real(...this._args));
            inner.onreceive = (data) => this.onreceive?.(data);
            inner.onclose = (error) => this.onclose?.(error);
            return inner.connect(url, format);
          }
          send(data) { return this._inner.send(data); }
          stop() { return this._inner ? this._inner.stop() : Promise.resolve(); }
        }`;
    },
  };
}

/** Chunk names carry a content hash: the last build's chunks would linger beside this build's. */
function cleanChunks() {
  return {
    name: 'clean-chunks',
    renderStart({ dir }) {
      for (const name of dir && existsSync(dir) ? readdirSync(dir) : []) if (/^rtc-kit-.+\.js(\.map)?$/.test(name)) rmSync(join(dir, name));
    },
  };
}

/** The browser build's plugins, shared by the module and the classic script. */
const browserPlugins = () => [
  nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
  signalrForBrowsers(),
  lazyFallbackTransports(),
  dropTemplateIndentation(),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', define: { __RTC_DEV__: 'false' } }),
];

/** @type {import('rollup').RollupOptions} */
const browserModule = {
  // The module a page loads, and beside it the chunks that load on first use (contract section 12):
  // dynamic import() of a sibling file, relative to rtc-kit.js's own URL.
  input: 'src/rtc-kit.ts',
  onwarn: strictWarnings,
  // The chunks import what they share with rtc-kit.js (Lit, the service) from rtc-kit.js itself, instead
  // of rollup moving all of it into a third file behind a one-line rtc-kit.js.
  preserveEntrySignatures: 'allow-extension',
  plugins: browserPlugins(),
  output: {
    dir: 'dist',
    entryFileNames: 'rtc-kit.js',
    chunkFileNames: 'rtc-kit-[name]-[hash].js',
    format: 'es',
    sourcemap: true,
    plugins: [minify(), cleanChunks()],
  },
};

/** @type {import('rollup').RollupOptions} */
const browserScript = {
  // A classic script cannot load chunks: everything is in the one file, every element included.
  input: 'src/index.ts',
  onwarn: strictWarnings,
  plugins: browserPlugins(),
  output: {
    file: 'dist/rtc-kit.iife.js',
    format: 'iife',
    name: 'RtcKit',
    exports: 'named',
    inlineDynamicImports: true,
    sourcemap: true,
    plugins: [minify()],
  },
};

// ---------------------------------------------------------------------------------------------------
// The library build for bundler users: dist/lib, one unminified ES module per source module, peer
// imports left alone. `__RTC_DEV__` stays undefined here, which the code reads as dev mode on.

const peerImport = /^(lit|@lit\/[^/]+|@microsoft\/signalr)(\/.*)?$/;

/** Every source module except tests, stories and declarations, as `name -> path` for rollup. */
function sourceModules(dir = 'src') {
  const entries = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(entries, sourceModules(path));
    else if (/\.ts$/.test(entry.name) && !/\.(test|stories|d)\.ts$/.test(entry.name)) {
      entries[path.slice('src/'.length, -'.ts'.length)] = path;
    }
  }
  return entries;
}

/** @type {import('rollup').RollupOptions} */
const library = {
  input: sourceModules(),
  external: (id) => peerImport.test(id),
  onwarn: strictWarnings,
  plugins: [
    {
      name: 'clean-dist-lib',
      buildStart: () => rmSync('dist/lib', { recursive: true, force: true }),
    },
    esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' }),
  ],
  output: {
    dir: 'dist/lib',
    format: 'es',
    sourcemap: true,
    preserveModules: true,
    preserveModulesRoot: 'src',
    entryFileNames: '[name].js',
  },
};

export default [hubServer, browserModule, browserScript, library];
