// The Chromium flags of the browser tests and the call-setup benchmark: headless, with a fake camera
// and microphone that need no prompt, and WebRTC allowed on loopback, which the loopback-only network
// namespace needs (toolchain.md).
export const chromiumArgs = [
  '--no-sandbox',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--allow-loopback-in-peer-connection',
];
