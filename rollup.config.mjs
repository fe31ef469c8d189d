// One build for everything `npm run build` makes. The hub server is built for Node with its
// dependencies left as imports; the browser bundles inline theirs; the library build leaves its peer
// imports (lit, @lit/*, @microsoft/signalr) to the app's bundler. Type declarations for the library
// build come from `tsc -p tsconfig.build.json`, and custom-elements.json from `cem analyze`, both run
// after rollup by `npm run build`.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { transform as esbuildTransform } from 'esbuild';
import MagicString from 'magic-string';
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
// - @microsoft/signalr goes in without what rtc-kit can never run in a browser: its Node and React
//   Native code, XMLHttpRequest client, polyfills and log calls (signalrForBrowsers), and the parts
//   rtc-kit's hub client never uses (signalrUnusedParts): about 4 KB gzip together. Both fail the build
//   when a SignalR upgrade changes the code they expect. test/bundle-*.test.ts load the bundles and place
//   calls over all three transports, and through a hub restart and a token expiry.
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
 * Lit's css`` and html`` templates in the elements' sources are written for people, indented, and every
 * byte of them is shipped. In the browser bundles:
 * - a css`` template goes through esbuild's CSS minifier (the esbuild that compiles the TypeScript):
 *   whitespace and comments go, and values are written short (`0.5rem` is `.5rem`) with the same
 *   meaning. Only a template without `${}` holes: its text is then the whole style sheet. A warning of
 *   the minifier fails the build.
 * - in an html`` template, the indentation after each newline goes. A newline stays a newline, so
 *   whitespace in the markup means the same as before.
 * It runs on the JavaScript that the esbuild plugin made of the TypeScript.
 */
function minifyTemplates() {
  const template = (raw) => raw.replace(/[\\`]|\$\{/g, (c) => '\\' + c);
  return {
    name: 'minify-templates',
    async transform(code, id) {
      if (!/[\\/]src[\\/]components[\\/].*\.ts$/.test(id)) return null;
      const edits = [];
      const walk = (node) => {
        if (!node || typeof node.type !== 'string') return;
        if (node.type === 'TaggedTemplateExpression' && node.tag.type === 'Identifier') {
          const { quasis } = node.quasi;
          if (node.tag.name === 'css' && quasis.length === 1) edits.push({ quasi: quasis[0], css: true });
          if (node.tag.name === 'html') for (const quasi of quasis) edits.push({ quasi, css: false });
        }
        for (const value of Object.values(node)) {
          if (Array.isArray(value)) value.forEach(walk);
          else if (value && typeof value === 'object') walk(value);
        }
      };
      walk(this.parse(code));
      if (!edits.length) return null;
      const out = new MagicString(code);
      for (const { quasi, css } of edits) {
        let text;
        if (css) {
          const result = await esbuildTransform(quasi.value.cooked, { loader: 'css', minify: true, target: 'esnext', sourcefile: id });
          if (result.warnings.length) throw new Error(`minify-templates: ${id}: ${result.warnings.map((w) => w.text).join('; ')}`);
          text = template(result.code.trim());
        } else text = quasi.value.raw.replace(/\n[ \t]+/g, '\n');
        if (text !== quasi.value.raw) out.overwrite(quasi.start, quasi.end, text);
      }
      return { code: out.toString(), map: out.generateMap({ hires: true, source: id, includeContent: true }) };
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
 * About 2.5 KB gzip together. A rule that matches nothing in a build fails it (see `matched`). The
 * library build (dist/lib) leaves @microsoft/signalr untouched.
 */
function signalrForBrowsers() {
  const esm = /[\\/]@microsoft[\\/]signalr[\\/]dist[\\/]esm[\\/]/;
  const rules = [
    [/\bPlatform\.isNode\b/g, 'false'],
    [/\bPlatform\.isReactNative\b/g, 'false'],
    // Every browser with WebRTC has fetch and AbortController: their polyfill branches go too.
    [/typeof (fetch|AbortController) === "undefined"/g, 'false'],
    [/typeof (fetch|AbortController) !== "undefined"/g, 'true'],
    [/new XhrHttpClient\(logger\)/g, '(() => { throw new Error("XMLHttpRequest is not supported here."); })()'],
  ];
  // How often each rule (and the log-call rule, last) matched in this build: one that never did means
  // @microsoft/signalr changed under it, and the build fails rather than ship what it meant to cut.
  const matched = new Array(rules.length + 1).fill(0);
  return {
    name: 'signalr-for-browsers',
    buildEnd(error) {
      const unused = matched.flatMap((count, i) => (count ? [] : [String(rules[i]?.[0] ?? 'log calls')]));
      if (!error && unused.length) throw new Error(`signalr-for-browsers: nothing in @microsoft/signalr matched ${unused.join(', ')}. Read its new source and update rollup.config.mjs.`);
    },
    transform(code, id) {
      if (!esm.test(id)) return null;
      let out = code;
      rules.forEach(([pattern, replacement], i) => {
        matched[i] += (out.match(pattern) ?? []).length;
        out = out.replace(pattern, replacement);
      });
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
      matched[rules.length] += calls.length;
      for (const call of calls.sort((a, b) => b.start - a.start)) out = out.slice(0, call.start) + 'void 0' + out.slice(call.end);
      return out === code ? null : { code: out, map: null };
    },
  };
}

/**
 * Parts of @microsoft/signalr that rtc-kit's hub client (src/services/signaling/hub-client.ts) can never
 * run in a browser, cut at build time. Terser cannot find them: class methods are never tree-shaken, and a
 * branch taken only for an option rtc-kit never sets looks live to it. What the client does, and why each
 * cut is safe (about 1.9 KB gzip off rtc-kit.js together):
 * - it calls `invoke` (and `on`/`off`), never `stream`, and passes only strings and JSON data, never an
 *   object with a `subscribe` function, so no stream is ever made: `stream()`, Subject and the
 *   client-to-server stream code go;
 * - it logs at `LogLevel.None` (and signalrForBrowsers drops every log call), so the logger is the
 *   NullLogger, and ConsoleLogger with its level names and the enums' number-to-name maps go;
 * - it makes its HubConnection with `HubConnection.create` (no HubConnectionBuilder), over its own
 *   HubSocket, with the JSON protocol, its own retry policy and the default timeouts, and never uses
 *   `baseUrl`; the protocol is JSON, so every message is a string: the ArrayBuffer branches of the
 *   handshake, the message buffer, the send queue, fetch and the WebSocket go;
 * - HubSocket hands a start to SignalR's HttpConnection (in a chunk) only for the fallback transports,
 *   with a transport bit mask (not a transport object), no `skipNegotiation`, no `withCredentials` and
 *   no `httpClient`; in a browser DefaultHttpClient only wraps FetchHttpClient with the same checks, so
 *   HttpConnection builds FetchHttpClient itself;
 * - it runs in a page (see `isBrowser`), never in Node or React Native: the Platform tests and the user
 *   agent's OS and runtime version go;
 * - the error classes' `this.__proto__ = new.target.prototype` is for ES5 targets; a native class already
 *   has that prototype;
 * - it never calls `send` (fire and forget), and its handlers return nothing: neither rtc-kit's hub nor
 *   the seed's ever asks a client for a result (an invocation with an id), so the code that answers one
 *   goes, and a handler is only called, its failure ignored, as before;
 * - the page-freeze listener only logged, and logging is gone;
 * - the hub is rtc-kit's or the seed's ASP.NET Core hub, never the old ASP.NET SignalR, so the check and
 *   its long message for that server go (such a server would fail with "None of the transports ...");
 * - it passes an absolute URL, so none needs resolving with an <a>; and SignalR's own requests always
 *   have a method and a URL;
 * - the argument checks (`Arg`) of HubConnection, HttpConnection and the transports guard against
 *   callers other than SignalR's own code and the hub client, which always pass them.
 * Each cut names the text it expects and how many times (or the class members to drop); if a SignalR
 * upgrade changes that text, the build fails here instead of shipping a half-patched file. Then read the
 * new source again before changing a pattern. test/bundle-reconnect.test.ts runs the reconnect paths of
 * the cut client. The library build (dist/lib) leaves @microsoft/signalr alone.
 */
function signalrUnusedParts() {
  const esm = /[\\/]@microsoft[\\/]signalr[\\/]dist[\\/]esm[\\/]([A-Za-z]+)\.js$/;
  const never = 'if (false) {';
  // rtc-kit.js defines custom elements as it loads (classes that extend HTMLElement), so it only ever
  // runs in a page: `Platform.isBrowser` (window and window.document exist) is always true, and with the
  // tests for Node and React Native gone (signalrForBrowsers) the Platform class goes.
  const isBrowser = (count) => ['Platform.isBrowser', 'true', count];
  const enumMember = /(\w+)\[\1\["(\w+)"\] = (\d+)\] = "\2";/g;
  // A transport's connect() is only called by HttpConnection, with a URL and the protocol's transfer format.
  const transportArgChecks = ['        Arg.isRequired(url, "url");\n        Arg.isRequired(transferFormat, "transferFormat");\n        Arg.isIn(transferFormat, TransferFormat, "transferFormat");\n', ''];
  // Utils.sendMessage, which posts a message for the Long Polling and Server-Sent Events transports, as it
  // runs for the JSON protocol: the content is text, and the log calls do nothing.
  const sendMessage = `
async function sendMessage(logger, transportName, httpClient, url, content, options) {
    const [name, value] = getUserAgentHeader();
    await httpClient.post(url, { content, headers: { [name]: value, ...options.headers }, responseType: "text", timeout: options.timeout, withCredentials: options.withCredentials });
}`;
  /**
   * file -> { edits: [[text or /regex/g, replacement, how many times it is there (default 1)], ...],
   *           classes: [[class name, member names to drop, members to add in their place], ...] }
   */
  const cuts = {
    HubConnection: {
      // send() and invoke(): no argument is ever a stream.
      edits: [
        // send() goes: the client only invokes.
        [
          '    send(methodName, ...args) {\n        const [streams, streamIds] = this._replaceStreamingParams(args);\n        const sendPromise = this._sendWithProtocol(this._createInvocation(methodName, args, true, streamIds));\n        this._launchStreams(streams, sendPromise);\n        return sendPromise;\n    }\n',
          '',
        ],
        // The freeze listener only logged.
        ['window.document.addEventListener("freeze", this._freezeEventListener);', ''],
        ['window.document.removeEventListener("freeze", this._freezeEventListener);', ''],
        [
          'const [streams, streamIds] = this._replaceStreamingParams(args);\n        const invocationDescriptor = this._createInvocation(methodName, args, false, streamIds);',
          'const invocationDescriptor = this._createInvocation(methodName, args, false);',
        ],
        ['const promiseQueue = this._sendWithProtocol(invocationDescriptor)', 'this._sendWithProtocol(invocationDescriptor)'],
        ['            this._launchStreams(streams, promiseQueue);\n', ''],
        // Only the hub client makes one, and it always passes all three.
        ['        Arg.isRequired(connection, "connection");\n        Arg.isRequired(logger, "logger");\n        Arg.isRequired(protocol, "protocol");\n', ''],
        isBrowser(2),
        // The hub client never passes a server timeout, a keep-alive interval or a buffer size: the defaults.
        ['serverTimeoutInMilliseconds !== null && serverTimeoutInMilliseconds !== void 0 ? serverTimeoutInMilliseconds : DEFAULT_TIMEOUT_IN_MS', 'DEFAULT_TIMEOUT_IN_MS'],
        ['keepAliveIntervalInMilliseconds !== null && keepAliveIntervalInMilliseconds !== void 0 ? keepAliveIntervalInMilliseconds : DEFAULT_PING_INTERVAL_IN_MS', 'DEFAULT_PING_INTERVAL_IN_MS'],
        ['statefulReconnectBufferSize !== null && statefulReconnectBufferSize !== void 0 ? statefulReconnectBufferSize : DEFAULT_STATEFUL_RECONNECT_BUFFER_SIZE', 'DEFAULT_STATEFUL_RECONNECT_BUFFER_SIZE'],
      ],
      classes: [
        [
          'HubConnection',
          ['stream', '_launchStreams', '_replaceStreamingParams', '_isObservable', '_createStreamInvocation', '_createCancelInvocation', '_createStreamItemMessage', 'baseUrl', '_createInvocation', '_invokeClientMethod', '_createCompletionMessage'],
          // The same message as before, for an invocation without stream ids (only invoke() makes one now).
          // Each handler of a server's invocation is called in turn, a failure ignored; nothing is answered.
          `_createInvocation(methodName, args) {
            return { target: methodName, arguments: args, invocationId: (this._invocationId++).toString(), type: MessageType.Invocation };
          }
          async _invokeClientMethod(invocationMessage) {
            for (const method of this._methods[invocationMessage.target.toLowerCase()]?.slice() ?? []) {
              try {
                await method.apply(this, invocationMessage.arguments);
              } catch {}
            }
          }`,
        ],
      ],
    },
    HttpConnection: {
      edits: [
        // HubSocket always hands over the NullLogger, and the URL it was given; HubConnection starts it
        // with the protocol's transfer format.
        ['this._logger = createLogger(options.logger);', 'this._logger = options.logger;'],
        ['        Arg.isRequired(url, "url");\n', ''],
        ['        Arg.isIn(transferFormat, TransferFormat, "transferFormat");\n', ''],
        // No withCredentials option: it becomes true, and the type check cannot fail.
        ['if (typeof options.withCredentials === "boolean" || options.withCredentials === undefined) {', 'if (true) {'],
        // DefaultHttpClient in a browser is FetchHttpClient behind the same three checks.
        ['import { DefaultHttpClient } from "./DefaultHttpClient";', 'import { FetchHttpClient } from "./FetchHttpClient";'],
        ['new DefaultHttpClient(this._logger)', 'new FetchHttpClient(this._logger)'],
        // No skipNegotiation; the transport option is a bit mask, not a transport object.
        ['if (this._options.skipNegotiation) {', never],
        ['if (this._isITransport(requestedTransport)) {', never],
        // Never the old ASP.NET SignalR server.
        ['if (negotiateResponse.ProtocolVersion) {', never],
        // The hub client hands over an absolute URL (resolved against the page's), so no <a> is needed to resolve it.
        ['if (url.lastIndexOf("https://", 0) === 0 || url.lastIndexOf("http://", 0) === 0) {', 'if (true) {'],
        // JSON protocol: everything sent is a string.
        ['const data = typeof (this._buffer[0]) === "string" ?', 'const data = true ?'],
        ['TransportSendQueue._concatBuffers(this._buffer);', 'null;'],
        ['if (this._buffer.length && typeof (this._buffer[0]) !== typeof (data)) {', never],
        isBrowser(1),
      ],
      classes: [['TransportSendQueue', ['_concatBuffers']]],
    },
    // JSON protocol, text transfer format: the handshake answer and buffered messages are strings.
    HandshakeProtocol: { edits: [['if (isArrayBuffer(data)) {', never]] },
    MessageBuffer: {
      edits: [
        ['if (isArrayBuffer(serializedMessage)) {', never],
        ['if (isArrayBuffer(element._message)) {', never],
      ],
    },
    FetchHttpClient: {
      edits: [
        // Every browser with WebRTC has globalThis.
        ['fetch.bind(getGlobalThis())', 'fetch.bind(globalThis)'],
        // Every request comes from SignalR's own code, with a method and a URL.
        ['if (!request.method) {', never],
        ['if (!request.url) {', never],
        // Text transfer format: what is posted is a string, and the response types asked for are text or none.
        ['if (isArrayBuffer(request.content)) {', never],
        ['        case "blob":\n        case "document":\n        case "json":\n            throw new Error(`${responseType} is not supported.`);\n', ''],
      ],
    },
    WebSocketTransport: {
      edits: [
        // Cookies go with the request by themselves in a browser; the string was only read for Node's headers.
        ['const cookies = this._httpClient.getCookieString(url);', 'const cookies = "";'],
        ['if (transferFormat === TransferFormat.Binary) {', never],
        transportArgChecks,
      ],
    },
    // The user agent header in a browser: no OS name and no runtime version (those are Node's).
    Utils: {
      edits: [
        ['if (os && os !== "") {', never],
        ['if (runtimeVersion) {', never],
        // Only the fallback transports post messages: each gets its own copy (below), in its chunk.
        [/\/\*\* @private \*\/\nexport async function sendMessage\([^]*?\n\}\n/g, ''],
      ],
    },
    // In a page (see isBrowser above): the browser's EventSource, which sends cookies by itself; the
    // other branch builds the headers only Node's EventSource takes.
    ServerSentEventsTransport: {
      edits: [
        ['Platform.isBrowser || Platform.isWebWorker', 'true'],
        transportArgChecks,
        ['import { Arg, getDataDetail, getUserAgentHeader, Platform, sendMessage } from "./Utils";', 'import { Arg, getDataDetail, getUserAgentHeader, Platform } from "./Utils";' + sendMessage],
      ],
    },
    LongPollingTransport: {
      edits: [['import { Arg, getDataDetail, getUserAgentHeader, sendMessage } from "./Utils";', 'import { Arg, getDataDetail, getUserAgentHeader } from "./Utils";' + sendMessage], transportArgChecks],
    },
    // Enums only read by name now (ConsoleLogger printed level names): no reverse mapping from number to name.
    ILogger: { edits: [[enumMember, '$1["$2"] = $3;', 7]] },
    IHubProtocol: { edits: [[enumMember, '$1["$2"] = $3;', 9]] },
    // A native class already has new.target's prototype; the assignment is for ES5 targets.
    Errors: {
      edits: [
        ['        const trueProto = new.target.prototype;\n', '', 8],
        ['        this.__proto__ = trueProto;\n', '', 8],
      ],
    },
  };
  return {
    name: 'signalr-unused-parts',
    transform(code, id) {
      const file = id.startsWith('\0') ? null : id.match(esm)?.[1];
      const cut = cuts[file];
      if (!cut) return null;
      const fail = (what) => {
        throw new Error(`signalr-unused-parts: ${file}.js ${what}. Did @microsoft/signalr change? Read its new source before changing the pattern in rollup.config.mjs.`);
      };
      // The package's files end their lines with CRLF; the patterns here are written with LF.
      let out = code.replace(/\r\n/g, '\n');
      for (const [from, to, expected = 1] of cut.edits ?? []) {
        const count = typeof from === 'string' ? out.split(from).length - 1 : (out.match(from) ?? []).length;
        if (count !== expected) fail(`holds ${count} copies of ${typeof from === 'string' ? JSON.stringify(from.slice(0, 80)) : from} (expected ${expected})`);
        out = typeof from === 'string' ? out.split(from).join(to) : out.replace(from, to);
      }
      for (const [className, names, added = ''] of cut.classes ?? []) {
        const cls = this.parse(out).body
          .map((node) => (node.type === 'ExportNamedDeclaration' ? node.declaration : node))
          .find((node) => node?.type === 'ClassDeclaration' && node.id.name === className);
        if (!cls) fail(`has no class ${className}`);
        const members = cls.body.body.filter((member) => names.includes(member.key?.name));
        for (const name of names) if (!members.some((member) => member.key.name === name)) fail(`has no member ${className}.${name}`);
        // The class body's closing brace first, then the members from the last: each cut leaves the earlier offsets right.
        const end = cls.body.end - 1;
        out = out.slice(0, end) + added + out.slice(end);
        for (const member of members.sort((a, b) => b.start - a.start)) out = out.slice(0, member.start) + out.slice(member.end);
        // What is dropped must not be reached from what is left.
        for (const name of names) {
          if (!added.includes(`${name}(`) && new RegExp(`\\.${name}\\b`).test(out)) fail(`still uses ${className}.${name} after it was dropped`);
        }
      }
      return { code: out, map: null };
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
  signalrUnusedParts(),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', define: { __RTC_DEV__: 'false' } }),
  minifyTemplates(),
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

/**
 * The classic script's string tables side by side, at its start. gzip finds a repeat only within the
 * last 32 KB, and the pre-call check's words in four languages (precall-strings.ts) share many with the
 * call screen's tables, which would otherwise come some 30 KB apart, among the parts that the module
 * loads on first use: 1.2 KB gzip less. The tables have no side effects, so running them first changes
 * nothing else. (scripts/bundle-map.mjs shows where each module lands.)
 */
function stringTablesTogether() {
  return {
    name: 'string-tables-together',
    transform(code, id) {
      if (!/[\\/]src[\\/]index\.ts$/.test(id)) return null;
      const tables = ['./localize/strings.js', './components/rtc-precall/precall-strings.js', './localize/ko.js', './localize/es.js', './localize/ar.js'];
      return { code: tables.map((path) => `import '${path}';\n`).join('') + code, map: null };
    },
  };
}

/** @type {import('rollup').RollupOptions} */
const browserScript = {
  // A classic script cannot load chunks: everything is in the one file, every element included.
  input: 'src/index.ts',
  onwarn: strictWarnings,
  plugins: [...browserPlugins(), stringTablesTogether()],
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
