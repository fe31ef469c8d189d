// `npm run dev`: the demo from the sources, through esbuild, reloading on change. The hub runs beside it
// (scripts/dev.mjs starts both), on its own port, and the page is told where it is.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fileURLToPath } from 'node:url';

const hubUrl = process.env.RTC_DEV_HUB_URL ?? 'http://127.0.0.1:5000/messagehub';

/** @type {import('@web/dev-server').DevServerConfig} */
export default {
  rootDir: '.',
  appIndex: 'demo/index.html',
  hostname: '127.0.0.1',
  port: Number(process.env.RTC_DEV_PORT ?? 8000),
  nodeResolve: true,
  watch: true,
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
    {
      name: 'rtc-kit-dev',
      serve(context) {
        // The demo imports the built bundle; in development it gets the sources instead.
        if (context.path === '/dist/rtc-kit.js') return { body: "export * from '/src/index.ts';", type: 'js' };
      },
      transform(context) {
        if (context.path === '/' || context.path.endsWith('/index.html')) {
          const inject = `<script>window.RTC_DEMO_HUB_URL = ${JSON.stringify(hubUrl)};</script>`;
          return { body: String(context.body).replace('<head>', `<head>\n    ${inject}`) };
        }
      },
    },
  ],
};
