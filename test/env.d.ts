// Types for browser tests run by @web/test-runner (mocha globals), and for the virtual modules that
// web-test-runner.config.mjs serves to them.
/// <reference types="mocha" />

// `import { hubUrl } from '/__rtc-test-env.js'`. A rooted name counts as relative, and TypeScript
// applies only pattern declarations to relative names, hence the leading `*`.
declare module '*/__rtc-test-env.js' {
  /** The hub started for this test run, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  export const hubUrl: string;
}

// `import storyFiles from '/__rtc-stories.js'` (test/wtr/storybook.mjs): every stories/**/*.stories.ts,
// by repo-relative path, with a function that imports it.
declare module '*/__rtc-stories.js' {
  const storyFiles: Record<string, () => Promise<Record<string, unknown>>>;
  export default storyFiles;
}
