// A second person on a page of their own, in a browser context of their own: its own renderer process,
// storage and devices, as two people on two computers. Opened through the `open-page` server command
// (test/wtr/remote-pages.mjs); `run` sends a function's source to the page and awaits its result there.
import { executeServerCommand } from '@web/test-runner-commands';
import type { RemoteGlobals } from '../remote/remote-page.js';

const open = new Set<RemotePage>();

export class RemotePage {
  private constructor(readonly id: string) {}

  /** Opens test/remote/remote-page.html in a new browser context, once it has loaded the kit. */
  static async open(): Promise<RemotePage> {
    const { id } = (await executeServerCommand('open-page', { path: '/test/remote/remote-page.html' })) as { id: string };
    const page = new RemotePage(id);
    open.add(page);
    return page;
  }

  /**
   * Runs `fn` in the page with its globals and `args`, and resolves with what it returns (JSON values only).
   * `fn` is sent as source text: it may use only its parameters, never variables of the test around it.
   */
  async run<A extends unknown[], R>(fn: (remote: RemoteGlobals, ...args: A) => R | Promise<R>, ...args: A): Promise<R> {
    const source = `(...args) => (${fn.toString()})(window.remote, ...args)`;
    const { value } = (await executeServerCommand('page-run', { id: this.id, source, args })) as { value: R };
    return value;
  }

  async close(): Promise<void> {
    open.delete(this);
    await executeServerCommand('close-page', { id: this.id });
  }

  /** Closes every page the test opened; for afterEach. */
  static async closeAll(): Promise<void> {
    await Promise.all([...open].map((page) => page.close()));
  }
}
