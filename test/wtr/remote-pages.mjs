// Remote pages for browser tests: a second person, on a page of their own, in a browser context of their
// own (its own process, storage and devices), as two people on two computers would be. A test in the wtr
// page drives them with server commands; test/helpers/remote-page.ts wraps those in a small class.
//
//   open-page   {path}              -> {id}      a new browser context with one page at `path` (same origin)
//   page-run    {id, source, args}  -> {value}   runs `(source)(...args)` in that page and awaits it
//   close-page  {id}                             closes the page and its context
//
// A test closes its pages when it ends (RemotePage.closeAll() in afterEach). Pages a finished test file
// left open are closed when the next file opens one (files run one at a time), and all at the end.

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function remotePagesPlugin() {
  /** Open pages by id, with the wtr session that opened them. */
  const pages = new Map();
  let nextId = 1;
  let origin = '';

  async function close(id) {
    const entry = pages.get(id);
    if (!entry) return;
    pages.delete(id);
    await entry.context.close().catch(() => {});
  }

  return {
    name: 'rtc-remote-pages',

    serverStart({ config }) {
      origin = `http://${config.hostname}:${config.port}`;
    },

    async serverStop() {
      await Promise.all([...pages.keys()].map(close));
    },

    async executeCommand({ command, payload, session }) {
      if (command === 'open-page') {
        if (session.browser.type !== 'playwright') throw new Error('open-page needs the playwright launcher');
        const path = String(payload?.path ?? '');
        if (!path.startsWith('/')) throw new Error('open-page: payload.path must start with /');
        for (const [id, entry] of pages) if (entry.sessionId !== session.id) await close(id);
        const browser = session.browser.getPage(session.id).context().browser();
        const context = await browser.newContext();
        const page = await context.newPage();
        const errors = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(origin + path);
        await page.waitForFunction(() => window.remoteReady === true, null, { timeout: 30_000 }).catch(() => {
          throw new Error(`the remote page ${path} did not get ready: ${errors.join('; ') || 'no error reported'}`);
        });
        const id = String(nextId++);
        pages.set(id, { context, page, sessionId: session.id });
        return { id };
      }
      if (command === 'page-run') {
        const entry = pages.get(String(payload?.id));
        if (!entry) throw new Error(`page-run: no open page ${payload?.id}`);
        const args = JSON.stringify(payload?.args ?? []);
        // Errors keep their message: playwright rethrows what the page threw. The value is wrapped, because
        // wtr takes a command that returns undefined for one no plugin handles.
        return { value: await entry.page.evaluate(`(${payload.source})(...${args})`) };
      }
      if (command === 'close-page') {
        await close(String(payload?.id));
        return true;
      }
      return undefined;
    },
  };
}
