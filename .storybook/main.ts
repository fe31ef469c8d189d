import type { StorybookConfig } from '@storybook/web-components-vite';

const config: StorybookConfig = {
  // test/wtr/storybook.mjs finds the same files for `npm test`, which runs every story (test/stories.test.ts).
  stories: ['../stories/**/*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  // Without this every build waits on telemetry that cannot reach the network here.
  core: { disableTelemetry: true },
  async viteFinal(viteConfig) {
    // Lit's decorators are the legacy (experimental) ones, with [[Set]] class fields: the same
    // compiler options as tsconfig.json, given to esbuild directly.
    return {
      ...viteConfig,
      // Storybook's own preview runtime is one ~900 kB chunk; that is expected, not ours to split.
      build: { ...viteConfig.build, chunkSizeWarningLimit: 1200 },
      plugins: [...(viteConfig.plugins ?? []), keepTagRegistrations()],
      esbuild: {
        ...(typeof viteConfig.esbuild === 'object' ? viteConfig.esbuild : {}),
        tsconfigRaw: {
          compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false, target: 'es2022' },
        },
      },
    };
  },
};
export default config;

/**
 * package.json's `sideEffects` lists only the built files in dist/, so Vite takes every module in src/
 * as free of side effects and drops the stories' `import '../src/components/…/rtc-….js'`: the tags would
 * never be defined. The modules that register a tag (and src/index.ts) do have that side effect.
 */
function keepTagRegistrations() {
  const registers = /[\\/]src[\\/](index|components[\\/][^\\/]+[\\/]rtc-[a-z-]+)\.ts$/;
  return {
    name: 'rtc-kit:keep-tag-registrations',
    transform(code: string, id: string) {
      return registers.test(id) ? { code, map: null, moduleSideEffects: true as const } : undefined;
    },
  };
}
