// What a 1:1 call needs: <rtc-call>, <rtc-local-video> and <rtc-remote-video>, the service behind them,
// their events and errors. Both entry points start from this list: src/index.ts (the package) and
// src/rtc-kit.ts (the browser bundle).
// <rtc-call> is defined first, so children that upgrade after it find it as their context provider.
export { default as RtcCall } from './components/rtc-call/rtc-call.js';
export { default as RtcLocalVideo } from './components/rtc-local-video/rtc-local-video.js';
export { default as RtcRemoteVideo } from './components/rtc-remote-video/rtc-remote-video.js';
export * from './events/index.js';
export { RtcService, type CallVariant, type PeerInfo, type RtcServiceConfig } from './services/rtc/rtc-service.js';
export { rtcServiceContext, getDefaultRtcService } from './services/rtc/context.js';
export { RtcError, type RtcErrorCode } from './services/rtc/rtc-error.js';
export type { CallState, PeerState } from './services/rtc/call-state.js';
export type { SelectedCandidatePair } from './services/rtc/candidate-pair.js';
export type { RtcServiceEventMap } from './services/rtc/service-events.js';
export { HubClient, type SignalingState } from './services/signaling/hub-client.js';
export { HubEvent, HubMethod, type SignalType } from './services/signaling/hub-contract.js';
