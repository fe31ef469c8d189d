// Set by the build: false in the minified bundles, so dev-only code drops out of them. Undefined in the
// library build and in tests, which read it as dev mode on.
declare const __RTC_DEV__: boolean | undefined;

/** Whether rtc-kit's dev-only checks and bookkeeping run. */
export const DEV_MODE = typeof __RTC_DEV__ === 'undefined' ? true : __RTC_DEV__;
