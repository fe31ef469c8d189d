// rtc-kit as a package: importing it defines every element. Bundlers drop what a page does not use
// (see `sideEffects` in package.json); dist/rtc-kit.iife.js is built from here too, so it holds everything.
export * from './core.js';
export { default as RtcChat } from './components/rtc-chat/rtc-chat.js';
export { default as RtcPeerGrid } from './components/rtc-peer-grid/rtc-peer-grid.js';
export { default as RtcPrecall } from './components/rtc-precall/rtc-precall.js';
export { RtcPrecallResultEvent, type PrecallCheck, type PrecallResult } from './events/rtc-precall-result.js';
