// The worker side of bench/lib/workers.mjs: answers each request message from the parent with the
// result of `commands[message.cmd](message)`, and exits when the parent goes away.

/** @param {Record<string, (message: any) => unknown>} commands */
export function serveCommands(commands) {
  process.on('message', async (message) => {
    try {
      const reply = await commands[message.cmd](message);
      process.send({ ok: true, ...reply });
    } catch (error) {
      process.send({ ok: false, error: error?.stack ?? String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}
