// One build for everything `npm run build` makes. The hub server is built for Node with its
// dependencies left as imports; the browser bundles (added with the elements) inline theirs.
import { isAbsolute } from 'node:path';
import esbuild from 'rollup-plugin-esbuild';

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

export default [hubServer];
